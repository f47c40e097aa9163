"""Twenty HTTP clients race for one slot on PostgreSQL: one 201, nineteen 409 slot_taken."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sharecity.market.parking.models import Booking
from tests import factories
from tests.market.helpers import race, slot

RACERS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_api_clients_race_for_one_slot_and_exactly_one_gets_201():
    platform = factories.make_platform()
    key = factories.api_key(platform)
    provider = factories.make_provider(platform)
    space = factories.make_space(platform, provider)
    customers = [factories.make_user(platform=platform) for _ in range(RACERS)]
    starts_at, ends_at = slot(24)
    body = json.dumps({"space_id": str(space.public_id), "start": starts_at.isoformat(), "end": ends_at.isoformat()})

    def book(customer):
        response = Client().post(f"/api/v1/p/{platform.slug}/bookings", body, content_type="application/json",
                                 headers={"X-API-Key": key, "X-Acting-User": str(customer.public_id)})
        return response.status_code, response.json()

    responses, errors = race(book, customers)

    assert not errors, errors
    statuses = sorted(status for status, _body in responses)
    assert statuses == [201] + [409] * (RACERS - 1), statuses
    for status, answer in responses:
        if status == 409:
            assert answer["code"] == "parking.slot_taken"
            assert answer["field"] == "start"
            assert answer["message"]
    assert Booking.objects.filter(space=space).count() == 1
