"""What search, orders and the listing page read: is it free, how much is left, the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from sharecity.market.availability import selectors, services
from sharecity.market.availability.models import DatedException
from tests import factories
from tests.market.availability.helpers import MONDAY, NOW, at, hold, plan
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db


def test_is_available_and_remaining_capacity_follow_the_holds(platform, provider, customer):
    listing = make_listing(platform, provider, capacity=2)
    assert selectors.is_available(listing=listing, starts_at=at(10), ends_at=at(12), quantity=2, now=NOW)
    hold(listing, customer, at(11), at(13))
    assert selectors.remaining_capacity(listing=listing, starts_at=at(10), ends_at=at(12), now=NOW) == 1
    assert selectors.remaining_capacity(listing=listing, starts_at=at(9), ends_at=at(11), now=NOW) == 2
    assert not selectors.is_available(listing=listing, starts_at=at(10), ends_at=at(12), quantity=2, now=NOW)
    assert selectors.is_available(listing=listing, starts_at=at(10), ends_at=at(12), quantity=1, now=NOW)
    # A bad window or quantity is simply not available (search passes what the user typed).
    assert not selectors.is_available(listing=listing, starts_at=at(12), ends_at=at(10), quantity=1, now=NOW)
    assert not selectors.is_available(listing=listing, starts_at=at(10), ends_at=at(12), quantity=0, now=NOW)
    assert not selectors.is_available(listing=listing, starts_at=at(6), ends_at=at(7), quantity=1, now=NOW)


def test_available_listing_ids_in_a_fixed_number_of_queries(platform, provider, customer,
                                                           django_assert_max_num_queries):
    free = make_listing(platform, provider, capacity=1)
    full = make_listing(platform, provider, capacity=1)
    hold(full, customer, at(10), at(11))
    closed = make_listing(platform, provider, capacity=1)
    closed_plan = plan(closed, rules=[(0, dt.time(9), dt.time(17))])
    DatedException.objects.create(plan=closed_plan, starts_at=at(0), ends_at=at(0, day=1), closed=True)
    outside = make_listing(platform, provider, capacity=1)
    plan(outside, rules=[(1, dt.time(9), dt.time(17))])
    stock = make_listing(platform, provider, category_code="second_hand", capacity=2)
    sold_out = make_listing(platform, provider, category_code="second_hand", capacity=1)
    hold(sold_out, customer)
    nights = make_listing(platform, provider, category_code="homestay", capacity=1)
    many = [make_listing(platform, provider, capacity=1) for _ in range(20)]
    ids = [free.pk, full.pk, closed.pk, outside.pk, stock.pk, sold_out.pk, nights.pk] + [m.pk for m in many]

    with django_assert_max_num_queries(7):
        found = selectors.available_listing_ids(listing_ids=ids, starts_at=at(10), ends_at=at(11), quantity=1, now=NOW)
    # The homestay is booked by nights: a window within one date holds no night.
    assert found == {free.pk, stock.pk} | {m.pk for m in many}
    assert selectors.available_listing_ids(listing_ids=ids, starts_at=at(10), ends_at=at(10, day=2), quantity=1,
                                           now=NOW) >= {nights.pk, stock.pk}
    for listing in (free, full, closed, outside, stock, sold_out, nights):
        assert (listing.pk in found) == selectors.is_available(listing=listing, starts_at=at(10), ends_at=at(11),
                                                                quantity=1, now=NOW)
    assert selectors.available_listing_ids(listing_ids=[free.pk], starts_at=at(10), ends_at=at(11), quantity=2,
                                           now=NOW) == set()


def test_calendar_rows_drop_when_an_exception_closes_a_day(platform, provider, customer):
    listing = make_listing(platform, provider, capacity=3)
    plan(listing, rules=[(day, dt.time(9), dt.time(12)) for day in range(5)])
    hold(listing, customer, at(9), at(10), quantity=2)
    rows = selectors.calendar(listing=listing, start_date=MONDAY, days=7, now=NOW)
    assert [row.date for row in rows] == [MONDAY + dt.timedelta(days=n) for n in range(7)]
    monday = {slot["starts_at"].hour: slot["remaining"] for slot in rows[0].slots if slot["capacity"]}
    assert monday == {9: 1, 10: 3, 11: 3}
    assert rows[2].remaining == 3
    assert rows[5].remaining == 0  # Saturday: no rule
    services.exception_add(actor=provider, listing=listing, start_date=MONDAY + dt.timedelta(days=2), reason="repair")
    rows = selectors.calendar(listing=listing, start_date=MONDAY, days=7, now=NOW)
    assert all(slot["capacity"] == 0 for slot in rows[2].slots)
    assert rows[3].remaining == 3


def test_calendar_of_a_stock_item_shows_the_stock_left(platform, provider, customer):
    goods = make_listing(platform, provider, category_code="second_hand", capacity=4)
    hold(goods, customer, quantity=3)
    rows = selectors.calendar(listing=goods, start_date=MONDAY, days=2, now=NOW)
    assert [row.remaining for row in rows] == [1, 1]


def test_reservation_for_order(platform, provider):
    listing = make_listing(platform, provider, capacity=2)
    first = hold(listing, factories.make_user(), at(10), at(11), order_ref="ord-1")
    hold(listing, factories.make_user(), at(10), at(11), order_ref="ord-2")
    assert selectors.reservation_for_order(order_ref="ord-1") == first
    assert selectors.reservation_for_order(order_ref="missing") is None
    assert selectors.reservation_for_order(order_ref="") is None
