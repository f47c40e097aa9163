"""The read-only availability routes of the market API."""

from __future__ import annotations

import datetime as dt

import pytest

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.availability.services import exception_add, reservation_hold
from sharecity.market.listings.models import ListingStatus
from tests import factories
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db


def _url(listing, suffix=""):
    return f"/api/v1/p/{listing.platform.slug}/listings/{listing.public_id}/availability{suffix}"


def test_calendar_and_check_through_the_api(client, platform, provider, customer):
    listing = make_listing(platform, provider, capacity=2)
    headers = {"X-API-Key": factories.api_key(platform)}
    # 10:00 three days ahead: a start late in the evening would run the two-hour check into the closed day.
    start = factories.next_slot(24 * 3).replace(hour=10, minute=0)
    reservation_hold(listing=listing, customer=customer, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    closed_day = start.date() + dt.timedelta(days=1)
    exception_add(actor=provider, listing=listing, start_date=closed_day, reason="保养")

    response = client.get(_url(listing), {"start": start.date().isoformat(), "days": 2}, headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["unit"], body["capacity"], len(body["days"])) == ("hour", 2, 2)
    first = {dt.datetime.fromisoformat(s["starts_at"]).astimezone(CITY_TZ).hour: s["remaining"]
             for s in body["days"][0]["slots"]}
    assert first[start.hour] == 1
    assert body["days"][0]["remaining"] == 1
    assert body["days"][1]["remaining"] == 0
    assert {s["capacity"] for s in body["days"][1]["slots"]} == {0}

    check = client.get(_url(listing, "/check"), {"starts_at": start.isoformat(),
                                                 "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
                                                 "quantity": 2}, headers=headers).json()
    assert check == {"available": False, "remaining": 1}
    bad = client.get(_url(listing, "/check"), {"starts_at": start.replace(minute=30).isoformat(),
                                               "ends_at": (start + dt.timedelta(hours=2)).isoformat()}, headers=headers)
    assert bad.status_code == 400
    assert bad.json()["code"] == "availability.invalid_times"
    assert client.get(_url(listing), {"days": 99}, headers=headers).status_code in (400, 422)


def test_a_draft_listing_is_hidden_from_people_but_not_from_its_provider(client, platform, provider, customer):
    draft = make_listing(platform, provider, status=ListingStatus.DRAFT)
    client.force_login(customer)
    response = client.get(_url(draft))
    assert response.status_code == 404
    assert response.json()["code"] == "listing.not_found"
    client.force_login(provider)
    assert client.get(_url(draft)).status_code == 200
