from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sharecity.kernel import services as kernel_services
from sharecity.kernel.errors import Forbidden
from sharecity.kernel.models import AuditEvent, OutboxMessage
from sharecity.market.parking.errors import InvalidTimes, NotYourBooking, OutsideWindows, SlotTaken, WrongState
from sharecity.market.parking.models import Booking, BookingState
from sharecity.market.parking.selectors import quote_for, space_search
from sharecity.market.parking.services import booking_cancel, booking_complete, booking_create
from sharecity.market.parking.windows import WeeklyWindow
from tests import factories
from tests.market.helpers import new_facts, nothing_written

pytestmark = pytest.mark.django_db

DAYTIME = [WeeklyWindow(day, dt.time(8), dt.time(18)) for day in range(7)]


@pytest.fixture
def daytime_space(platform, provider):
    return factories.make_space(platform, provider, price_fen=800, windows=DAYTIME)


def day_after_tomorrow() -> dt.date:
    return (timezone.now().astimezone(factories.CITY_TZ) + dt.timedelta(days=2)).date()


def at(hour: int, minute: int = 0, *, day: dt.date | None = None) -> dt.datetime:
    return dt.datetime.combine(day or day_after_tomorrow(), dt.time(hour, minute), tzinfo=factories.CITY_TZ)


def book(space, customer, starts_at, ends_at):
    return booking_create(actor=customer, platform=space.platform, space_id=space.public_id, customer=customer,
                          starts_at=starts_at, ends_at=ends_at)


def rows() -> tuple[int, int, int]:
    return Booking.objects.count(), OutboxMessage.objects.count(), AuditEvent.objects.count()


def test_a_booking_costs_the_quoted_total_and_is_announced(daytime_space, customer):
    quote = quote_for(space=daytime_space, starts_at=at(9), ends_at=at(11, 30))
    assert (quote.minutes, quote.total_fen) == (150, 2000)
    with new_facts("order.created", actions=("payments.payment_collect", "parking.booking_create")) as facts:
        booking = book(daytime_space, customer, at(9), at(11, 30))
    assert booking.amount_fen == 2000
    assert booking.state == BookingState.CONFIRMED
    payload = facts["outbox"][0].payload
    assert payload["order_id"] == str(booking.public_id)
    assert payload["amount_fen"] == 2000
    assert payload["district"] == daytime_space.district_code


def test_outside_the_windows_is_refused_with_nothing_written(daytime_space, customer):
    before = rows()
    with nothing_written(), pytest.raises(OutsideWindows) as caught:
        book(daytime_space, customer, at(17), at(19))
    assert caught.value.http_status == 409
    assert caught.value.code == "parking.outside_windows"
    assert rows() == before


def test_an_overlapping_booking_is_refused_and_touching_ones_are_fine(daytime_space, customer):
    book(daytime_space, customer, at(10), at(12))
    rival = factories.make_user()
    before = rows()
    for start, end in [(at(11), at(13)), (at(9), at(10, 30)), (at(10), at(12)), (at(9), at(13)),
                       (at(10, 30), at(11, 30))]:
        with nothing_written(), pytest.raises(SlotTaken) as caught:
            book(daytime_space, rival, start, end)
        assert caught.value.http_status == 409
    assert rows() == before
    book(daytime_space, rival, at(12), at(13))
    book(daytime_space, rival, at(9), at(10))
    assert Booking.objects.filter(space=daytime_space).count() == 3


def test_a_cancelled_booking_frees_the_slot(daytime_space, customer):
    booking = book(daytime_space, customer, at(10), at(12))
    assert space_search(platform=daytime_space.platform, starts_at=at(10), ends_at=at(11)) == []
    with new_facts("order.state_changed", actions=("payments.refund", "parking.booking_cancel")):
        booking_cancel(actor=customer, booking=booking)
    assert space_search(platform=daytime_space.platform, starts_at=at(10), ends_at=at(11)) == [daytime_space]
    assert book(daytime_space, factories.make_user(), at(10), at(12)).state == BookingState.CONFIRMED


def test_only_the_customer_cancels_and_only_before_the_start(daytime_space, customer, provider):
    booking = book(daytime_space, customer, at(10), at(12))
    with pytest.raises(NotYourBooking):
        booking_cancel(actor=provider, booking=booking)
    started = factories.make_space(daytime_space.platform, provider)
    now_booking = book(started, customer, factories.current_slot(), factories.current_slot() + dt.timedelta(hours=1))
    with pytest.raises(WrongState):
        booking_cancel(actor=customer, booking=now_booking)


def test_a_provider_cannot_book_their_own_space(daytime_space, provider):
    with nothing_written(), pytest.raises(Forbidden) as caught:
        book(daytime_space, provider, at(10), at(11))
    assert caught.value.code == "parking.own_space"
    assert caught.value.http_status == 403


@pytest.mark.parametrize(("start", "end", "field"), [
    ((10, 15), (11, 0), "start"),
    ((10, 0), (11, 10), "end"),
    ((11, 0), (10, 0), "end"),
    ((10, 0), (10, 0), "end"),
])
def test_bad_times_are_refused_naming_the_field(daytime_space, customer, start, end, field):
    with nothing_written(), pytest.raises(InvalidTimes) as caught:
        book(daytime_space, customer, at(*start), at(*end))
    assert caught.value.field == field
    assert caught.value.http_status == 400


@pytest.mark.usefixtures("in_english")
def test_a_start_in_the_past_is_refused(daytime_space, customer):
    yesterday = day_after_tomorrow() - dt.timedelta(days=3)
    with nothing_written(), pytest.raises(InvalidTimes) as caught:
        book(daytime_space, customer, at(10, day=yesterday), at(11, day=yesterday))
    assert caught.value.field == "start"
    assert "passed" in str(caught.value.message)


def test_a_stay_longer_than_a_week_is_refused(space, customer):
    start = factories.next_slot(24)
    with pytest.raises(InvalidTimes) as caught:
        book(space, customer, start, start + dt.timedelta(days=7, minutes=30))
    assert caught.value.field == "end"


def test_a_naive_time_is_city_time(daytime_space, customer):
    naive = dt.datetime.combine(day_after_tomorrow(), dt.time(9))
    booking = book(daytime_space, customer, naive, naive + dt.timedelta(hours=1))
    assert booking.starts_at == at(9)


def test_the_booking_and_its_fact_are_one_transaction(daytime_space, customer, monkeypatch):
    def broken_outbox(**kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(kernel_services, "outbox_enqueue", broken_outbox)
    before = rows()
    with pytest.raises(RuntimeError):
        book(daytime_space, customer, at(10), at(11))
    assert rows() == before


# ---- completion ---------------------------------------------------------------------------------------------

@pytest.fixture
def started_booking(space, customer):
    start = factories.current_slot()
    return book(space, customer, start, start + dt.timedelta(hours=1))


def test_either_party_completes_a_started_booking_once(started_booking, provider):
    with new_facts("order.state_changed",
                   actions=("payments.escrow_release", "parking.booking_complete")) as facts:
        booking = booking_complete(actor=provider, booking=started_booking)
    assert booking.state == BookingState.COMPLETED
    assert booking.completed_at is not None
    assert facts["outbox"][0].payload["state"] == "completed"
    with nothing_written(), pytest.raises(WrongState):
        booking_complete(actor=started_booking.customer, booking=started_booking)


def test_the_customer_can_complete_too(started_booking, customer):
    assert booking_complete(actor=customer, booking=started_booking).state == BookingState.COMPLETED


def test_a_stranger_cannot_complete(started_booking):
    with nothing_written(), pytest.raises(NotYourBooking) as caught:
        booking_complete(actor=factories.make_user(), booking=started_booking)
    assert caught.value.http_status == 403
    started_booking.refresh_from_db()
    assert started_booking.state == BookingState.CONFIRMED


def test_a_booking_that_has_not_started_cannot_be_completed(daytime_space, customer):
    booking = book(daytime_space, customer, at(10), at(11))
    with nothing_written(), pytest.raises(WrongState):
        booking_complete(actor=customer, booking=booking)


def test_a_cancelled_booking_cannot_be_completed(daytime_space, customer):
    booking = book(daytime_space, customer, at(10), at(11))
    booking_cancel(actor=customer, booking=booking)
    with pytest.raises(WrongState):
        booking_complete(actor=None, booking=booking)
