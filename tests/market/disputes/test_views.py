from __future__ import annotations

import pytest
from django.urls import reverse

from sharecity.market.disputes.models import Dispute
from sharecity.market.payments.services import payment_collect
from tests import factories
from tests.market.reviews.trust import make_order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trust_urls")]


def test_a_dispute_is_opened_decided_and_shown_to_both_sides(client, platform, provider, customer, operator):
    order = make_order(platform, provider, customer, total_fen=20_000)
    payment_collect(platform=platform, order_ref=str(order.public_id), customer=customer, amount_fen=20_000)
    url = reverse("disputes:open", args=[platform.slug, order.public_id])
    client.force_login(factories.make_user())
    assert client.get(url).status_code == 404
    client.force_login(customer)
    bad = client.post(url, {"reason": "damage", "description": "太短", "amount_claimed": "abc"})
    assert bad.status_code == 400
    assert client.post(url, {"reason": "not_as_described", "description": "显微镜物镜有霉斑，无法观察",
                             "amount_claimed": "150.00"}).status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.amount_claimed_fen == 15_000
    client.force_login(provider)
    assert client.get(reverse("disputes:queue", args=[platform.slug])).status_code == 403
    client.force_login(operator)
    assert "显微镜物镜有霉斑" in client.get(reverse("disputes:queue", args=[platform.slug])).content.decode()
    resolve = reverse("disputes:resolve", args=[platform.slug, dispute.public_id])
    assert client.post(resolve, {"decision": "refund_partial", "refund": "50",
                                 "decision_text": "物镜确有霉斑，退还五十元"}).status_code == 302
    dispute.refresh_from_db()
    assert dispute.refund_fen == 5_000
    for side in (customer, provider):
        client.force_login(side)
        page = client.get(url).content.decode()
        assert "物镜确有霉斑，退还五十元" in page and 'data-testid="dispute-decision"' in page
