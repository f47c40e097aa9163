"""Holds, confirmations, releases and the rules a reservation must keep."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from sharecity.kernel.errors import Conflict
from sharecity.kernel.models import AuditEvent
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.availability import services
from sharecity.market.availability.errors import (
    Closed,
    HoldExpired,
    InvalidQuantity,
    InvalidTimes,
    NotAllowed,
    OutsidePlan,
    TooFarAhead,
    TooLong,
    TooShort,
    TooSoon,
    Unavailable,
    UserLimit,
    WrongStatus,
)
from sharecity.market.availability.models import Reservation, ReservationStatus
from sharecity.market.availability.tasks import holds_expire_task, missed_release_task
from tests import factories
from tests.market.availability.helpers import NOW, at, hold, plan
from tests.market.engine_factories import make_listing
from tests.market.helpers import new_facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def instrument(platform, provider):
    return make_listing(platform, provider, capacity=3)


def customers(n):
    return [factories.make_user() for _ in range(n)]


# --- seats ------------------------------------------------------------------------------------


def test_capacity_three_takes_three_overlapping_holds_and_refuses_the_fourth(instrument, in_english):
    people = customers(4)
    for person in people[:3]:
        hold(instrument, person, at(10), at(12))
    with pytest.raises(Unavailable) as error:
        hold(instrument, people[3], at(11), at(13))
    assert error.value.code == "availability.unavailable"
    assert error.value.http_status == 409
    assert error.value.field == "starts_at"
    assert "already booked" in str(error.value.message)
    assert Reservation.objects.filter(listing=instrument).count() == 3
    # Not overlapping: fine, and back to back with the others.
    hold(instrument, people[3], at(12), at(13))
    hold(instrument, people[3], at(8), at(10))


def test_quantity_counts_as_that_many_seats(instrument):
    a, b = customers(2)
    hold(instrument, a, at(10), at(11), quantity=2)
    with pytest.raises(Unavailable):
        hold(instrument, b, at(10), at(11), quantity=2)
    hold(instrument, b, at(10), at(11), quantity=1)
    with pytest.raises(InvalidQuantity) as error:
        hold(instrument, b, at(14), at(15), quantity=0)
    assert error.value.field == "quantity"


def test_partial_overlaps_are_counted_by_their_peak_not_their_sum(platform, provider):
    listing = make_listing(platform, provider, capacity=2)
    a, b, c, d = customers(4)
    hold(listing, a, at(9), at(10))
    hold(listing, b, at(11), at(12))
    # Both touch 9-12 but never at the same instant: one seat is always left.
    third = hold(listing, c, at(9), at(12))
    assert third.status == ReservationStatus.HELD
    # Now 9-10 and 11-12 are full, 10-11 has one seat.
    hold(listing, d, at(10), at(11))
    with pytest.raises(Unavailable):
        hold(listing, d, at(10, 30) - dt.timedelta(minutes=30), at(11))
    hold(listing, d, at(12), at(13))


# --- holds, confirmation, release, expiry ---------------------------------------------------


def test_an_expired_hold_frees_capacity_and_cannot_be_confirmed(platform, provider):
    listing = make_listing(platform, provider, capacity=1)
    first, second = customers(2)
    held = hold(listing, first, at(10), at(11), hold_minutes=15)
    assert held.hold_expires_at == NOW + dt.timedelta(minutes=15)
    with pytest.raises(Unavailable):
        hold(listing, second, at(10), at(11), now=NOW + dt.timedelta(minutes=14))
    later = NOW + dt.timedelta(minutes=16)
    # The seat is free as soon as the hold is past its time, before any sweep has run.
    taken = hold(listing, second, at(10), at(11), now=later)
    with pytest.raises(HoldExpired) as error:
        services.reservation_confirm(reservation=held, now=later)
    assert error.value.code == "availability.hold_expired"
    assert services.holds_expire(now=later) == 1
    held.refresh_from_db()
    assert held.status == ReservationStatus.EXPIRED
    assert services.holds_expire(now=later) == 0  # idempotent
    assert services.reservation_confirm(reservation=taken, now=later).status == ReservationStatus.CONFIRMED


def test_a_confirmed_reservation_keeps_its_seat_after_the_hold_time(platform, provider):
    listing = make_listing(platform, provider, capacity=1)
    first, second = customers(2)
    held = hold(listing, first, at(10), at(11), order_ref="order-1")
    confirmed = services.reservation_confirm(reservation=held, now=NOW + dt.timedelta(minutes=5))
    assert confirmed.status == ReservationStatus.CONFIRMED
    assert services.reservation_confirm(reservation=held, now=NOW).status == ReservationStatus.CONFIRMED
    assert services.holds_expire(now=NOW + dt.timedelta(hours=1)) == 0
    with pytest.raises(Unavailable):
        hold(listing, second, at(10), at(11), now=NOW + dt.timedelta(hours=1))


def test_release_gives_the_seat_back_and_is_idempotent(platform, provider):
    listing = make_listing(platform, provider, capacity=1)
    first, second = customers(2)
    held = hold(listing, first, at(10), at(11))
    with new_facts(actions=("availability.reservation_release",)):
        released = services.reservation_release(reservation=held, reason="customer cancelled")
    assert released.status == ReservationStatus.RELEASED
    assert released.release_reason == "customer cancelled"
    assert services.reservation_release(reservation=held, reason="again").status == ReservationStatus.RELEASED
    again = hold(listing, second, at(10), at(11))
    with pytest.raises(WrongStatus):
        services.reservation_confirm(reservation=held)
    services.reservation_confirm(reservation=again, now=NOW)
    used = services.reservation_check_in(reservation=again, now=at(10))
    assert used.status == ReservationStatus.USED
    with pytest.raises(WrongStatus):
        services.reservation_release(reservation=used, reason="too late")


def test_check_in_opens_fifteen_minutes_before_the_start(instrument, customer):
    reservation = services.reservation_confirm(reservation=hold(instrument, customer, at(10), at(11)), now=NOW)
    with pytest.raises(WrongStatus):
        services.reservation_check_in(reservation=reservation, now=at(9, 44))
    assert services.reservation_check_in(reservation=reservation, now=at(9, 45)).checked_in_at == at(9, 45)


def test_missed_reservation_is_released_after_the_grace_minutes(platform, provider):
    listing = make_listing(platform, provider, capacity=1)
    plan(listing, missed_release_minutes=15)
    late, early, other = customers(3)
    missed = services.reservation_confirm(reservation=hold(listing, late, at(10), at(12)), now=NOW)
    kept = services.reservation_confirm(reservation=hold(listing, early, at(13), at(14)), now=NOW)
    services.reservation_check_in(reservation=kept, now=at(13, 5))
    assert services.missed_release(now=at(10, 14)) == 0
    with pytest.raises(Unavailable):
        hold(listing, other, at(11), at(12), now=at(10, 14))
    assert services.missed_release(now=at(10, 15)) == 1
    assert services.missed_release(now=at(13, 30)) == 0  # the checked-in one stays; idempotent
    missed.refresh_from_db()
    kept.refresh_from_db()
    assert (missed.status, kept.status) == (ReservationStatus.MISSED, ReservationStatus.USED)
    # The rest of the missed block is free again.
    hold(listing, other, at(11), at(12), now=at(10, 15))


def test_without_a_missed_release_rule_nothing_is_released(instrument, customer):
    reservation = services.reservation_confirm(reservation=hold(instrument, customer, at(10), at(11)), now=NOW)
    assert services.missed_release(now=at(12)) == 0
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONFIRMED


def test_timers_are_scheduled_and_the_tasks_sweep_idempotently(platform, provider, customer,
                                                              django_capture_on_commit_callbacks):
    from django.utils import timezone

    listing = make_listing(platform, provider, capacity=1)
    plan(listing, missed_release_minutes=10)
    now = timezone.now()
    # Started four hours ago; the holds are made (with their own ``now``) before that.
    start = now.astimezone(CITY_TZ).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=4)
    with django_capture_on_commit_callbacks(execute=True):
        held = services.reservation_hold(listing=listing, customer=customer, starts_at=start,
                                         ends_at=start + dt.timedelta(hours=6), now=start - dt.timedelta(hours=1))
    scheduled = DBTaskResult.objects.get(task_path="sharecity.market.availability.tasks.holds_expire_task")
    assert scheduled.run_after == held.hold_expires_at
    assert held.hold_expires_at < now
    assert holds_expire_task.call() == 1
    assert holds_expire_task.call() == 0

    with django_capture_on_commit_callbacks(execute=True):
        held = services.reservation_hold(listing=listing, customer=customer, starts_at=start,
                                         ends_at=start + dt.timedelta(hours=6), now=start - dt.timedelta(minutes=5))
        services.reservation_confirm(reservation=held, now=start - dt.timedelta(minutes=4))
    scheduled = DBTaskResult.objects.get(task_path="sharecity.market.availability.tasks.missed_release_task")
    assert scheduled.run_after == start + dt.timedelta(minutes=10)
    assert missed_release_task.call() == 1
    assert missed_release_task.call() == 0
    held.refresh_from_db()
    assert held.status == ReservationStatus.MISSED


# --- units -------------------------------------------------------------------------------------


def test_hour_listing_without_a_plan_is_bookable_any_time_on_the_hour(instrument, customer):
    hold(instrument, customer, at(23), at(2, day=1))
    with pytest.raises(InvalidTimes) as error:
        hold(instrument, customer, at(10, 30), at(12))
    assert error.value.field == "starts_at"
    with pytest.raises(TooSoon):
        hold(instrument, customer, at(7), at(9))


def test_night_listing_books_check_in_to_check_out_and_back_to_back_stays(platform, provider):
    homestay = make_listing(platform, provider, category_code="homestay", capacity=1)
    a, b = customers(2)
    first = hold(homestay, a, at(14), at(12, day=2))
    assert (first.starts_at, first.ends_at) == (at(0), at(0, day=2))
    hold(homestay, b, at(15, day=2), at(11, day=3))  # checks in the day the first checks out
    with pytest.raises(Unavailable):
        hold(homestay, b, at(14, day=1), at(12, day=2))


def test_day_listing_books_whole_days(platform, provider, customer):
    rental = make_listing(platform, provider, category_code="equipment_rental", capacity=1)
    booked = hold(rental, customer, at(0), at(0, day=2))
    assert booked.ends_at - booked.starts_at == dt.timedelta(days=2)
    with pytest.raises(InvalidTimes):
        hold(rental, customer, at(9, day=3), at(0, day=4))


def test_item_listing_is_stock_sold_by_quantity(platform, provider):
    goods = make_listing(platform, provider, category_code="second_hand", capacity=5)
    a, b = customers(2)
    first = hold(goods, a, quantity=3)
    assert (first.starts_at, first.ends_at) == (None, None)
    hold(goods, b, quantity=2)
    with pytest.raises(Unavailable) as error:
        hold(goods, b, quantity=1)
    assert error.value.field == "quantity"
    services.reservation_release(reservation=first, reason="not paid")
    hold(goods, b, quantity=3)
    # A sold item (used) still takes stock.
    assert Reservation.objects.filter(listing=goods, status=ReservationStatus.HELD).count() == 2


# --- plan rules --------------------------------------------------------------------------------


def test_instrument_rules_each_refuse_with_their_code(platform, provider, customer):
    listing = make_listing(platform, provider, capacity=1)
    plan(listing, slot_minutes=30, min_block_minutes=60, max_block_minutes=180, notice_minutes=120, horizon_days=7)
    cases = [
        ((at(9), at(10, 30)), TooSoon, "availability.too_soon", "starts_at"),
        ((at(11), at(11, 30)), TooShort, "availability.too_short", "ends_at"),
        ((at(11), at(14, 30)), TooLong, "availability.too_long", "ends_at"),
        ((at(11, day=8), at(12, day=8)), TooFarAhead, "availability.too_far_ahead", "starts_at"),
        ((at(11, 15), at(12, 30)), InvalidTimes, "availability.invalid_times", "starts_at"),
    ]
    for (start, end), error_class, code, field in cases:
        with pytest.raises(error_class) as error:
            hold(listing, customer, start, end)
        assert (error.value.code, error.value.field) == (code, field)
    assert hold(listing, customer, at(10, 30), at(13, 30)).status == ReservationStatus.HELD
    assert not Reservation.objects.exclude(starts_at=at(10, 30)).exists()


def test_weekly_rules_and_exceptions_decide_when_to_book(platform, provider, customer, in_english):
    listing = make_listing(platform, provider, capacity=2)
    made = plan(listing, rules=[(0, dt.time(9), dt.time(17)), (1, dt.time(9), dt.time(12), 1)])
    with pytest.raises(OutsidePlan) as error:
        hold(listing, customer, at(16), at(18))
    assert error.value.code == "availability.outside_plan"
    hold(listing, customer, at(15), at(17))
    services.exception_add(actor=provider, listing=listing, start_date=dt.date(2027, 3, 3), reason="maintenance")
    with pytest.raises(Closed) as error:
        hold(listing, customer, at(10, day=2), at(11, day=2))
    assert error.value.code == "availability.closed"
    # Open on a Saturday evening for an event, one seat only.
    services.exception_add(actor=provider, listing=listing, closed=False, capacity=1,
                           starts_at=at(18, day=5), ends_at=at(21, day=5), reason="open day")
    hold(listing, customer, at(18, day=5), at(20, day=5))
    with pytest.raises(Unavailable):
        hold(listing, factories.make_user(), at(19, day=5), at(20, day=5))
    # Tuesday's rule has a capacity of 1.
    hold(listing, customer, at(9, day=1), at(10, day=1))
    with pytest.raises(Unavailable):
        hold(listing, factories.make_user(), at(9, day=1), at(10, day=1))
    assert made.exceptions.count() == 2


def test_per_user_limits(platform, provider):
    listing = make_listing(platform, provider, capacity=5)
    plan(listing, max_future_reservations=2, max_hours_per_week=6)
    keen, other = customers(2)
    hold(listing, keen, at(9), at(12))
    hold(listing, keen, at(9, day=2), at(11, day=2))
    with pytest.raises(UserLimit) as error:
        hold(listing, keen, at(9, day=4), at(10, day=4))
    assert error.value.code == "availability.user_limit"
    assert isinstance(error.value, Conflict)
    hold(listing, other, at(9, day=4), at(10, day=4))  # another user is not limited by the first


def test_rolling_week_hours_limit(platform, provider, customer):
    listing = make_listing(platform, provider, capacity=5)
    plan(listing, max_hours_per_week=6)
    hold(listing, customer, at(9), at(13))
    with pytest.raises(UserLimit) as error:
        hold(listing, customer, at(9, day=6), at(12, day=6))  # 4 + 3 hours within seven days
    assert error.value.field == "ends_at"
    hold(listing, customer, at(9, day=6), at(11, day=6))  # 4 + 2 hours: allowed
    hold(listing, customer, at(13, day=7), at(17, day=7))  # Monday's block has left the window


# --- the provider's plan -------------------------------------------------------------------------


def test_only_the_provider_or_an_operator_edits_the_plan(platform, provider, customer, instrument):
    from sharecity.market.platforms.services import operator_add

    with pytest.raises(NotAllowed) as error:
        services.weekly_rule_add(actor=customer, listing=instrument, weekday=0, start=dt.time(9), end=dt.time(17))
    assert error.value.http_status == 403
    with new_facts("listing.changed", actions=("availability.rule_add",)) as found:
        services.weekly_rule_add(actor=provider, listing=instrument, weekday=0, start=dt.time(9), end=dt.time(17))
    assert found["outbox"][0].payload["changed"] == ["availability"]
    operator = factories.make_user()
    operator_add(actor=None, platform=platform, user=operator)
    services.plan_save(actor=operator, listing=instrument, notice_minutes=60, max_hours_per_week=10)
    assert instrument.availability_plan.notice_minutes == 60
    assert AuditEvent.objects.filter(action="availability.plan_save", actor=operator).exists()


def test_plan_input_is_checked(provider, instrument):
    from sharecity.market.availability.errors import InvalidPlan

    services.weekly_rule_add(actor=provider, listing=instrument, weekday=4, start=dt.time(22), end=dt.time(6))
    with pytest.raises(InvalidPlan) as error:
        services.weekly_rule_add(actor=provider, listing=instrument, weekday=5, start=dt.time(5), end=dt.time(8))
    assert error.value.field == "start"  # overlaps Friday night
    with pytest.raises(InvalidPlan) as error:
        services.plan_save(actor=provider, listing=instrument, min_block_minutes=120, max_block_minutes=60)
    assert error.value.field == "max_block_minutes"
    with pytest.raises(InvalidPlan) as error:
        services.plan_save(actor=provider, listing=instrument, slot_minutes=7)
    assert error.value.field == "slot_minutes"
    with pytest.raises(InvalidPlan) as error:
        services.exception_add(actor=provider, listing=instrument, start_date=dt.date(2027, 3, 3),
                               end_date=dt.date(2027, 3, 2))
    assert error.value.field == "end_date"
