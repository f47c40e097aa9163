from __future__ import annotations

import datetime as dt

import pytest

from sharecity.kernel.errors import InvalidInput
from sharecity.market.accounts.errors import NotVerifiedProvider
from sharecity.market.parking.models import AvailabilityWindow, ParkingSpace
from sharecity.market.parking.services import space_create
from sharecity.market.parking.windows import WeeklyWindow
from tests.market.helpers import new_facts, nothing_written

pytestmark = pytest.mark.django_db

WEEKDAY_NIGHTS = [WeeklyWindow(day, dt.time(19), dt.time(7)) for day in range(5)]


def create(platform, provider, **changes):
    arguments = {"title": "万达广场B2-118", "district_code": "350203", "address": "厦门市思明区湖滨南路1号",
                 "vehicle_size": "standard", "price_per_hour_fen": 600, "windows": WEEKDAY_NIGHTS} | changes
    return space_create(actor=provider, platform=platform, provider=provider, **arguments)


def test_a_verified_provider_publishes_a_space(platform, provider):
    with new_facts("listing.published", actions=("parking.space_publish",)) as facts:
        space = create(platform, provider)
    assert space.platform == platform
    assert [(w.weekday, w.start_time, w.end_time) for w in space.windows.all()] == [
        (day, dt.time(19), dt.time(7)) for day in range(5)]
    payload = facts["outbox"][0].payload
    assert payload["listing_id"] == str(space.public_id)
    assert payload["district"] == "350203"
    assert payload["price_fen"] == 600
    assert str(provider.pk) not in payload["provider_key"]
    assert facts["outbox"][0].platform_id == platform.exchange_id


def test_an_unverified_provider_is_refused(platform, customer):
    with nothing_written(), pytest.raises(NotVerifiedProvider) as caught:
        create(platform, customer)
    assert caught.value.http_status == 403
    assert not ParkingSpace.objects.exists()


def _w(weekday, start, end):
    return WeeklyWindow(weekday, dt.time(*start), dt.time(*end))


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": ""}, "title"),
    ({"title": "车" * 101}, "title"),
    ({"district_code": "999999"}, "district"),
    ({"address": "   "}, "address"),
    ({"vehicle_size": "truck"}, "vehicle_size"),
    ({"price_per_hour_fen": 0}, "price_per_hour"),
    ({"price_per_hour_fen": 100_001}, "price_per_hour"),
    ({"price_per_hour_fen": 12.5}, "price_per_hour"),
    ({"windows": []}, "windows"),
    ({"windows": [_w(0, (8,), (12,)), _w(0, (11, 30), (14,))]}, "windows"),
    ({"windows": [_w(4, (19,), (7,)), _w(5, (6,), (9,))]}, "windows"),
    ({"windows": [_w(0, (8, 15), (12,))]}, "windows"),
    ({"windows": [_w(0, (8,), (12, 45))]}, "windows"),
    ({"windows": [_w(7, (8,), (12,))]}, "windows"),
])
def test_each_invalid_field_is_refused_by_name(platform, provider, changes, field):
    with nothing_written(), pytest.raises(InvalidInput) as caught:
        create(platform, provider, **changes)
    assert caught.value.field == field
    assert caught.value.message
    assert not ParkingSpace.objects.exists()
    assert not AvailabilityWindow.objects.exists()


def test_an_unknown_district_names_the_gb_t_2260_rule(platform, provider):
    with pytest.raises(InvalidInput) as caught:
        create(platform, provider, district_code="110101")
    assert caught.value.code == "district.unknown"
    assert "GB/T 2260" in str(caught.value.message)


def test_tianjin_districts_are_known(platform, provider):
    assert create(platform, provider, district_code="120101").district_code == "120101"
