"""Thirty-two customers race for overlapping slots of a listing with three seats.

Every racer runs in its own thread with its own database connection, all released at once
by a barrier. Whatever the interleaving, the quantity held or confirmed at any instant never
exceeds the capacity, a racer is refused only when its window really is full, and a refusal
is always the clear ``availability.unavailable`` conflict (never "database is locked" on
SQLite, never a serialisation failure on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from sharecity.market.availability import slots
from sharecity.market.availability.errors import Unavailable
from sharecity.market.availability.models import Reservation
from sharecity.market.availability.selectors import counted_q
from sharecity.market.availability.services import reservation_confirm, reservation_hold
from tests import factories
from tests.market.availability.helpers import NOW, at
from tests.market.engine_factories import make_listing
from tests.market.helpers import race

RACERS = 32
CAPACITY = 3


def _setup():
    platform = factories.make_platform()
    provider = factories.make_provider(platform)
    listing = make_listing(platform, provider, capacity=CAPACITY)
    return listing, [factories.make_user() for _ in range(RACERS)]


def _counted(listing) -> list[slots.Booked]:
    return [slots.Booked(r.starts_at, r.ends_at, r.quantity)
            for r in Reservation.objects.filter(counted_q(NOW), listing=listing)]


def _assert_only_clear_refusals(errors) -> None:
    unexpected = [error for error in errors if not isinstance(error, Unavailable)]
    assert not unexpected, f"racers failed with something other than a 409 conflict: {unexpected!r}"
    assert all(error.code == "availability.unavailable" and error.http_status == 409 for error in errors)


def _everyone_wants_the_same_slot():
    listing, customers = _setup()

    def book(customer):
        held = reservation_hold(listing=listing, customer=customer, starts_at=at(10), ends_at=at(12), now=NOW)
        return reservation_confirm(reservation=held, now=NOW)

    winners, errors = race(book, customers)

    _assert_only_clear_refusals(errors)
    assert len(winners) == CAPACITY
    assert len(errors) == RACERS - CAPACITY
    assert Reservation.objects.filter(listing=listing).count() == CAPACITY
    assert slots.peak_usage(_counted(listing), at(0), at(0, day=1)) == CAPACITY


def _random_overlapping_windows():
    listing, customers = _setup()
    chooser = random.Random(20270301)
    wants = {}
    for customer in customers:
        start = chooser.randrange(8, 16)
        wants[customer.pk] = (at(start), at(start + chooser.randint(1, 3)), chooser.choice((1, 1, 1, 2)))

    def book(customer):
        start, end, quantity = wants[customer.pk]
        held = reservation_hold(listing=listing, customer=customer, starts_at=start, ends_at=end, quantity=quantity,
                                now=NOW)
        if customer.pk % 2:
            reservation_confirm(reservation=held, now=NOW)
        return held

    winners, errors = race(book, customers)

    _assert_only_clear_refusals(errors)
    assert len(winners) + len(errors) == RACERS
    booked = _counted(listing)
    assert len(booked) == len(winners)
    # At no instant is more held or confirmed than the capacity.
    for moment in {b.starts_at for b in booked}:
        assert slots.usage_at(booked, moment) <= CAPACITY, f"over capacity at {moment}"
    assert slots.peak_usage(booked, at(0), at(0, day=1)) <= CAPACITY
    # And nobody was refused while there was room for them: every loser's window is full now.
    schedule = slots.Schedule(capacity=CAPACITY)
    winner_ids = {w.customer_id for w in winners}
    for customer in customers:
        if customer.pk not in winner_ids:
            start, end, quantity = wants[customer.pk]
            assert slots.min_remaining(schedule, booked, start, end) < quantity


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_32_racers_same_slot_three_win_29_get_409():
    _everyone_wants_the_same_slot()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_32_racers_random_overlapping_windows_never_exceed_capacity():
    _random_overlapping_windows()


@pytest.mark.django_db(transaction=True)
def test_32_racers_same_slot_three_win_29_get_409():
    _everyone_wants_the_same_slot()


@pytest.mark.django_db(transaction=True)
def test_32_racers_random_overlapping_windows_never_exceed_capacity():
    _random_overlapping_windows()


def test_the_race_data_really_overlaps():
    """The random windows would overbook without the lock: their naive peak is above capacity."""
    chooser = random.Random(20270301)
    wanted = []
    for _ in range(RACERS):
        start = chooser.randrange(8, 16)
        wanted.append(slots.Booked(at(start), at(start + chooser.randint(1, 3)), chooser.choice((1, 1, 1, 2))))
    assert slots.peak_usage(wanted, at(0), at(0, day=1)) > 2 * CAPACITY
    assert dt.timedelta(hours=1) <= max(b.ends_at - b.starts_at for b in wanted) <= dt.timedelta(hours=3)
