from __future__ import annotations

import pytest

from tests import factories
from tests.market.reviews.trust import make_order

pytestmark = pytest.mark.django_db


def test_the_sides_message_through_the_api_and_others_cannot(client, platform, provider, customer):
    order = make_order(platform, provider, customer, state="confirmed", completed=False)
    key = factories.api_key(platform)
    url = f"/api/v1/p/{platform.slug}/orders/{order.public_id}/messages"

    def as_(user):
        return {"X-API-Key": key, "X-Acting-User": str(user.public_id)}

    sent = client.post(url, {"body": "电话 13812345678"}, content_type="application/json", headers=as_(customer))
    assert sent.status_code == 201 and sent.json()["contact_kinds"] == ["phone"]
    read = client.get(url, headers=as_(provider))
    assert [(m["author_role"], m["mine"]) for m in read.json()] == [("customer", False)]
    refused = client.get(url, headers=as_(factories.make_user(platform=platform)))
    assert refused.status_code == 403 and refused.json()["code"] == "message.not_a_participant"
    assert client.get(url).status_code == 401
