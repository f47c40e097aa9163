from __future__ import annotations

import pytest

from sharecity.market.payments.services import payment_collect
from tests import factories
from tests.market.reviews.trust import make_order

pytestmark = pytest.mark.django_db


def test_a_side_opens_a_dispute_through_the_api(client, platform, provider, customer):
    order = make_order(platform, provider, customer)
    payment_collect(platform=platform, order_ref=str(order.public_id), customer=customer, amount_fen=order.total_fen)
    key = factories.api_key(platform)
    url = f"/api/v1/p/{platform.slug}/orders/{order.public_id}/disputes"
    headers = {"X-API-Key": key, "X-Acting-User": str(customer.public_id)}
    bad = client.post(url, {"reason": "nonsense", "description": "样品台损坏需要赔偿"}, content_type="application/json",
                      headers=headers)
    assert bad.status_code == 400 and bad.json()["field"] == "reason"
    claim = {"reason": "damage", "description": "样品台损坏，需要赔偿维修费", "amount_claimed_fen": 500}
    opened = client.post(url, claim, content_type="application/json", headers=headers)
    assert opened.status_code == 201 and opened.json()["status"] == "open"
    listed = client.get(url, headers={"X-API-Key": key, "X-Acting-User": str(provider.public_id)})
    assert [d["reason"] for d in listed.json()] == ["damage"]
    someone = factories.make_user(platform=platform)
    stranger = client.get(url, headers={"X-API-Key": key, "X-Acting-User": str(someone.public_id)})
    assert stranger.status_code == 403
