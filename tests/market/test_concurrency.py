"""Twenty customers race for one parking slot: exactly one gets it, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from sharecity.kernel.models import OutboxMessage
from sharecity.market.parking.errors import SlotTaken
from sharecity.market.parking.models import Booking
from sharecity.market.parking.services import booking_create
from tests import factories
from tests.market.helpers import race, slot

RACERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_customers_race_for_one_slot_and_exactly_one_wins():
    platform = factories.make_platform()
    provider = factories.make_provider(platform)
    space = factories.make_space(platform, provider)
    customers = [factories.make_user() for _ in range(RACERS)]
    starts_at, ends_at = slot(24)
    outbox_before = OutboxMessage.objects.filter(message_type="order.created").count()

    def book(customer):
        return booking_create(actor=customer, platform=platform, space_id=space.public_id, customer=customer,
                              starts_at=starts_at, ends_at=ends_at)

    winners, errors = race(book, customers)

    unexpected = [error for error in errors if not isinstance(error, SlotTaken)]
    assert not unexpected, f"racers failed with something other than SlotTaken: {unexpected!r}"
    assert len(winners) == 1
    assert len(errors) == RACERS - 1
    bookings = list(Booking.objects.filter(space=space))
    assert len(bookings) == 1
    assert bookings[0].customer_id == winners[0].customer_id
    # The loser's attempts left nothing behind: one order.created fact, for the winner.
    created = OutboxMessage.objects.filter(message_type="order.created")
    assert created.count() - outbox_before == 1
    assert created.last().payload["order_id"] == str(bookings[0].public_id)
