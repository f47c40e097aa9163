"""The payments and pricing API routes."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from sharecity.market.payments import services
from sharecity.market.pricing.services import price_transacted_record, promotion_create
from tests import factories
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db


def test_a_provider_reads_their_payouts(client, platform, provider, customer):
    order_ref = str(uuid.uuid4())
    services.payment_collect(platform=platform, order_ref=order_ref, customer=customer, amount_fen=7_000)
    services.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="x",
                            amount_fen=7_000)
    services.payout_run(platform=platform)
    headers = {"X-API-Key": factories.api_key(platform), "X-Acting-User": str(provider.public_id)}
    body = client.get(f"/api/v1/p/{platform.slug}/payouts", headers=headers).json()
    assert (body["payable_fen"], body["paid_out_fen"], body["earned_fen"]) == (0, 7_000, 7_000)
    assert [p["amount_fen"] for p in body["payouts"]] == [7_000]
    assert body["weeks"][-1]["income_fen"] == 7_000


def test_the_price_now_shows_the_struck_through_original(client, platform, provider):
    listing = make_listing(platform, provider, price_fen=10_000)
    now = timezone.now()
    price_transacted_record(listing=listing, unit_price_fen=10_000, at=now - dt.timedelta(days=2))
    promotion_create(actor=provider, listing=listing, original_price_fen=10_000, price_fen=7_500,
                     starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=1))
    headers = {"X-API-Key": factories.api_key(platform)}
    body = client.get(f"/api/v1/p/{platform.slug}/pricing/listings/{listing.public_id}", headers=headers).json()
    assert body == {"price_fen": 7_500, "original_price_fen": 10_000, "original_price_basis": "lowest_7_days",
                    "original_price_label": body["original_price_label"], "manufacturer": "",
                    "price_unit": listing.price_unit}
    assert body["original_price_label"] == "促销前七日内最低成交价"
    missing = client.get(f"/api/v1/p/{platform.slug}/pricing/listings/{uuid.uuid4()}", headers=headers)
    assert missing.status_code == 404 and missing.json()["code"] == "listing.not_found"
