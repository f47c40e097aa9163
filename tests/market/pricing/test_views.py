"""The provider's promotions screen: the rule's refusal on the original price, the list, who may use it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.pricing.models import Promotion
from sharecity.market.pricing.services import price_transacted_record
from tests import factories
from tests.market.engine_factories import make_listing

# Pages asserted in their English source text (tests/market/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]



def _form(original: str, price: str) -> dict:
    now = timezone.now().astimezone(CITY_TZ)
    return {"original_price": original, "price": price, "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")}


def test_the_provider_is_refused_an_unbacked_original_price_then_sets_one(client, platform, provider):
    listing = make_listing(platform, provider, price_fen=30_000)
    price_transacted_record(listing=listing, unit_price_fen=28_000, at=timezone.now() - dt.timedelta(days=2))
    price_transacted_record(listing=listing, unit_price_fen=26_000, at=timezone.now() - dt.timedelta(days=5))
    url = reverse("pricing:promotion", args=[platform.slug, listing.public_id])
    client.force_login(provider)
    mine = client.get(reverse("listings:mine", args=[platform.slug])).content.decode()
    assert f'href="{url}"' in mine

    refused = client.post(url, _form("300", "200"))
    assert refused.status_code == 400, refused.content.decode()[:3000]
    html = refused.content.decode()
    assert "has-error" in html and "¥260.00" in html and "SAMR Order 56 Art. 16" in html
    assert 'data-status="refused"' in html and 'data-testid="refusal-reason"' in html

    accepted = client.post(url, _form("260", "200"))
    assert accepted.status_code == 302
    html = client.get(url).content.decode()
    assert "<s class=\"muted\">¥260.00</s>" in html and "Running" in html
    assert list(Promotion.objects.values_list("status", flat=True).order_by("id")) == ["refused", "active"]


def test_only_the_provider_or_an_operator_sets_a_promotion(client, platform, provider):
    listing = make_listing(platform, provider, price_fen=30_000)
    url = reverse("pricing:promotion", args=[platform.slug, listing.public_id])
    client.force_login(factories.make_user())
    assert client.get(url).status_code == 403
    assert client.post(url, _form("300", "200")).status_code == 403
    assert not Promotion.objects.exists()
