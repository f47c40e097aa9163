"""SAMR Order 56 Art. 16: a struck-through original price must be a price actually transacted."""

import datetime as dt

import pytest

from sharecity.kernel.models import OutboxMessage
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.platforms.services import operator_add
from sharecity.market.pricing import rules, selectors, services
from sharecity.market.pricing.errors import InvalidPromotion, NotYourListing, OriginalPriceRefused, PromotionOverlaps
from sharecity.market.pricing.models import Promotion, PromotionStatus
from tests import factories
from tests.market.engine_factories import make_listing

START = dt.datetime(2026, 6, 18, 0, 0, tzinfo=CITY_TZ)
SECOND = dt.timedelta(seconds=1)
WEEK = dt.timedelta(days=7)


# --- the pure rule --------------------------------------------------------------------------------

def test_lowest_in_the_7_days_is_the_limit_and_the_window_starts_exactly_7_days_before():
    sales = [(START - WEEK, 9_000), (START - dt.timedelta(days=2), 10_000), (START - WEEK - SECOND, 5_000)]
    check = rules.original_price_check(original_price_fen=9_000, starts_at=START, transactions=sales)
    assert (check.allowed, check.basis, check.reference_fen) == (True, rules.LOWEST_IN_WINDOW, 9_000)
    assert not rules.original_price_check(original_price_fen=9_001, starts_at=START, transactions=sales).allowed


def test_a_sale_at_the_start_itself_does_not_count():
    sales = [(START, 1_000), (START - SECOND, 8_000)]
    check = rules.original_price_check(original_price_fen=8_000, starts_at=START, transactions=sales)
    assert (check.allowed, check.reference_fen) == (True, 8_000)


def test_without_sales_in_the_window_the_last_price_is_the_limit():
    sales = [(START - WEEK - SECOND, 7_000), (START - dt.timedelta(days=30), 4_000)]
    check = rules.original_price_check(original_price_fen=7_000, starts_at=START, transactions=sales)
    assert (check.allowed, check.basis, check.reference_fen) == (True, rules.LAST_TRANSACTION, 7_000)
    assert not rules.original_price_check(original_price_fen=7_001, starts_at=START, transactions=sales).allowed


def test_with_no_sale_ever_there_is_no_original_price():
    check = rules.original_price_check(original_price_fen=1, starts_at=START, transactions=[(START, 500)])
    assert (check.allowed, check.basis) == (False, rules.NO_TRANSACTION)


# --- through the services -------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def listing(platform, provider):
    return make_listing(platform, provider, price_fen=10_000)


def _promote(listing, actor=None, original=12_000, price=8_000, starts=START, days=3):
    return services.promotion_create(actor=actor or listing.provider, listing=listing, original_price_fen=original,
                                     price_fen=price, starts_at=starts, ends_at=starts + dt.timedelta(days=days))


@pytestmark_db
def test_promotion_within_the_lowest_recent_price_is_accepted_and_priced(listing):
    services.price_transacted_record(listing=listing, unit_price_fen=12_000, at=START - WEEK)
    services.price_transacted_record(listing=listing, unit_price_fen=13_000, at=START - dt.timedelta(hours=1))
    before = OutboxMessage.objects.count()
    promotion = _promote(listing, original=12_000)
    assert promotion.status == PromotionStatus.ACTIVE
    assert OutboxMessage.objects.count() == before + 1
    assert selectors.price_now(listing=listing, at=START + dt.timedelta(days=1)) == (8_000, 12_000)
    assert selectors.price_now(listing=listing, at=START - SECOND) == (10_000, None)
    assert selectors.price_now(listing=listing, at=START + dt.timedelta(days=3)) == (10_000, None)


@pytestmark_db
def test_original_above_the_lowest_recent_price_is_refused_quoting_it(listing, in_english):
    services.price_transacted_record(listing=listing, unit_price_fen=9_500, at=START - WEEK)   # on the boundary
    services.price_transacted_record(listing=listing, unit_price_fen=12_000, at=START - dt.timedelta(days=1))
    with pytest.raises(OriginalPriceRefused) as caught:
        _promote(listing, original=12_000)
    assert caught.value.field == "original_price"
    assert "¥95.00" in str(caught.value.message) and "Art. 16" in str(caught.value.message)
    refused = Promotion.objects.get(listing=listing)
    assert refused.status == PromotionStatus.REFUSED and "¥95.00" in refused.refusal_reason
    assert selectors.price_now(listing=listing, at=START + dt.timedelta(days=1)) == (10_000, None)


@pytestmark_db
def test_a_sale_just_outside_the_window_falls_back_to_the_last_price(listing, in_english):
    services.price_transacted_record(listing=listing, unit_price_fen=9_500, at=START - WEEK - SECOND)
    with pytest.raises(OriginalPriceRefused) as caught:
        _promote(listing, original=12_000)
    assert "last price" in str(caught.value.message) and "¥95.00" in str(caught.value.message)
    assert _promote(listing, original=9_500).status == PromotionStatus.ACTIVE


@pytestmark_db
def test_never_sold_is_refused_saying_why(listing, in_english):
    with pytest.raises(OriginalPriceRefused) as caught:
        _promote(listing)
    assert "No sale" in str(caught.value.message)


@pytestmark_db
def test_promotion_inputs_and_who_may_set_it(listing, platform):
    services.price_transacted_record(listing=listing, unit_price_fen=12_000, at=START - dt.timedelta(days=1))
    with pytest.raises(InvalidPromotion) as caught:
        _promote(listing, price=12_000)
    assert caught.value.field == "price"
    with pytest.raises(NotYourListing):
        _promote(listing, actor=factories.make_user())
    operator = factories.make_user()
    operator_add(actor=None, platform=platform, user=operator)
    _promote(listing, actor=operator)
    with pytest.raises(PromotionOverlaps):
        _promote(listing, starts=START + dt.timedelta(days=1))


@pytestmark_db
def test_ended_promotions_are_marked(listing):
    services.price_transacted_record(listing=listing, unit_price_fen=12_000, at=START - dt.timedelta(days=1))
    promotion = _promote(listing)
    assert services.promotions_end(now=START + dt.timedelta(days=3)) == 1
    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.ENDED
