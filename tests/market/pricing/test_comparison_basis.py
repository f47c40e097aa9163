"""《明码标价和禁止价格欺诈规定》（国家市场监督管理总局令第56号，2022-07-01 起施行）第十六条, by dated examples.

第二款: with no details of the comparison price stated, it is at most the lowest transaction price of the 7 days
before the comparison, or the last transaction price when there was none in those days (and with no transaction
ever there is nothing to compare with). 第三款: a manufacturer's suggested retail price may be compared with,
labelled as such.
"""

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.pricing import rules, selectors, services
from sharecity.market.pricing.errors import InvalidPromotion, OriginalPriceRefused
from sharecity.market.pricing.models import Promotion, PromotionStatus
from tests import factories
from tests.market.engine_factories import make_listing


def at(day: str, time: str = "00:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=CITY_TZ)


# --- the pure rule, with dates ------------------------------------------------------------------

def test_example_a_sale_on_the_7th_day_before_bounds_a_promotion_of_2026_03_15():
    # Sold at ¥88 on 03-08 00:00 (exactly 7 days before), ¥95 on 03-12: the struck price is at most ¥88.
    sales = [(at("2026-03-08"), 8_800), (at("2026-03-12", "15:30"), 9_500)]
    check = rules.original_price_check(original_price_fen=8_800, starts_at=at("2026-03-15"), transactions=sales)
    assert (check.allowed, check.basis, check.reference_fen) == (True, rules.LOWEST_IN_WINDOW, 8_800)
    assert not rules.original_price_check(original_price_fen=8_801, starts_at=at("2026-03-15"),
                                          transactions=sales).allowed


def test_example_a_sale_on_03_07_23_59_is_outside_the_window_so_the_last_price_is_the_bound():
    # Nothing sold 03-08..03-14: the last price before, ¥120 on 03-07 23:59, is the bound, even above older ¥60.
    sales = [(at("2026-03-07", "23:59"), 12_000), (at("2026-02-01"), 6_000)]
    check = rules.original_price_check(original_price_fen=12_000, starts_at=at("2026-03-15"), transactions=sales)
    assert (check.allowed, check.basis, check.reference_fen) == (True, rules.LAST_TRANSACTION, 12_000)


def test_example_never_sold_and_no_basis_stated_is_refused_but_a_stated_msrp_is_allowed():
    check = rules.original_price_check(original_price_fen=50_000, starts_at=at("2026-03-15"), transactions=[])
    assert (check.allowed, check.basis) == (False, rules.NO_TRANSACTION)
    stated = rules.original_price_check(original_price_fen=50_000, starts_at=at("2026-03-15"), transactions=[],
                                        stated_basis=rules.BASIS_MSRP)
    assert (stated.allowed, stated.basis, stated.reference_fen) == (True, rules.STATED_MSRP, None)


def test_the_7_day_window_is_the_rule_in_force_from_2022_07_01():
    assert rules.rule_at(at("2022-07-01")).effective == dt.date(2022, 7, 1)
    assert rules.rule_at(at("2026-03-15")).window == dt.timedelta(days=7)
    assert "第56号" in rules.rule_at(at("2026-03-15")).source and "第十六条" in rules.rule_at(at("2026-03-15")).source


# --- through the service, the pages and the API ---------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def listing(platform, provider):
    return make_listing(platform, provider, price_fen=30_000)


def _promote(listing, *, basis="transacted", source="", original=50_000, starts=None):
    starts = starts or at("2026-03-15")
    return services.promotion_create(actor=listing.provider, listing=listing, original_price_fen=original,
                                     price_fen=25_000, starts_at=starts, ends_at=starts + dt.timedelta(days=5),
                                     comparison_basis=basis, basis_source=source)


@pytestmark_db
def test_a_never_sold_listing_may_strike_the_manufacturers_price_named_and_labelled(listing, in_english):
    with pytest.raises(OriginalPriceRefused) as caught:
        _promote(listing)
    assert caught.value.field == "original_price" and "Art. 16 para. 2" in str(caught.value.message)
    promotion = _promote(listing, basis="msrp", source="  蔡司（Carl Zeiss）  ")
    assert (promotion.status, promotion.reference_basis, promotion.basis_source) == (
        PromotionStatus.ACTIVE, rules.STATED_MSRP, "蔡司（Carl Zeiss）")
    shown = selectors.price_shown(listing=listing, at=at("2026-03-16"))
    assert (shown.price_fen, shown.original_fen) == (25_000, 50_000)
    assert shown.label == "Manufacturer's suggested retail price (蔡司（Carl Zeiss）)"


@pytestmark_db
def test_a_manufacturers_price_must_name_the_manufacturer_and_a_basis_must_be_known(listing, in_english):
    with pytest.raises(InvalidPromotion) as caught:
        _promote(listing, basis="msrp", source="   ")
    assert caught.value.field == "basis_source" and "Art. 16 para. 3" in str(caught.value.message)
    for bad in ("x" * 81, "Zeiss\x00"):
        with pytest.raises(InvalidPromotion) as caught:
            _promote(listing, basis="msrp", source=bad)
        assert caught.value.field == "basis_source"
    with pytest.raises(InvalidPromotion) as caught:
        _promote(listing, basis="competitor")
    assert caught.value.field == "comparison_basis"
    assert not Promotion.objects.exists()


@pytestmark_db
def test_an_unstated_basis_is_labelled_by_the_branch_that_bounded_it(listing, in_english):
    services.price_transacted_record(listing=listing, unit_price_fen=30_000, at=at("2026-03-01"))
    _promote(listing, original=30_000)
    shown = selectors.price_shown(listing=listing, at=at("2026-03-16"))
    assert (shown.basis, shown.label) == (rules.LAST_TRANSACTION, "Last price paid before the promotion")


@pytestmark_db
def test_the_listing_page_and_the_api_say_what_the_struck_price_is(english_client, listing):
    now = timezone.now()
    services.promotion_create(actor=listing.provider, listing=listing, original_price_fen=50_000, price_fen=25_000,
                              starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=1),
                              comparison_basis="msrp", basis_source="Carl Zeiss")
    page = english_client.get(reverse("orders:listing", args=[listing.platform.slug, listing.public_id]))
    html = page.content.decode()
    assert "¥500.00</s>" in html and "Manufacturer&#x27;s suggested retail price (Carl Zeiss)" in html
    headers = {"X-API-Key": factories.api_key(listing.platform), "Accept-Language": "zh-hans"}
    api = Client()
    body = api.get(f"/api/v1/p/{listing.platform.slug}/pricing/listings/{listing.public_id}", headers=headers).json()
    assert (body["original_price_fen"], body["original_price_basis"], body["manufacturer"]) == (
        50_000, "stated_msrp", "Carl Zeiss")
    assert body["original_price_label"] == "厂商建议零售价（Carl Zeiss）"
    assert api.get(f"/api/v1/p/{listing.platform.slug}/pricing/listings/{uuid.uuid4()}",
                   headers=headers).status_code == 404


@pytestmark_db
def test_the_provider_sets_a_manufacturers_price_on_the_promotion_page(english_client, listing):
    client = english_client
    client.force_login(listing.provider)
    url = reverse("pricing:promotion", args=[listing.platform.slug, listing.public_id])
    now = timezone.now().astimezone(CITY_TZ)
    form = {"original_price": "500", "price": "250", "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"), "comparison_basis": "msrp",
            "basis_source": ""}
    refused = client.post(url, form)
    assert refused.status_code == 400 and "Art. 16 para. 3" in refused.content.decode()
    assert client.post(url, {**form, "basis_source": "Carl Zeiss"}).status_code == 302
    html = client.get(url).content.decode()
    assert "Manufacturer&#x27;s suggested retail price (Carl Zeiss)" in html
