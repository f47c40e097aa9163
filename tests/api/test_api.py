"""The HTTP API as a platform's machine client and a signed-in browser use it."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import string

import pytest
from django.test import Client

from sharecity.kernel.models import OutboxMessage
from sharecity.market.parking.models import Booking, ParkingSpace
from sharecity.market.parking.services import booking_complete, booking_create
from sharecity.market.parking.windows import WeeklyWindow
from tests import factories
from tests.market.helpers import slot

pytestmark = pytest.mark.django_db

SPACE_BODY = {
    "title": "软件园二期地下车位", "district": "350206", "address": "厦门市湖里区观日路1号", "vehicle_size": "standard",
    "price_per_hour_fen": 800,
    "windows": [{"weekday": day, "start": "08:00", "end": "18:00"} for day in range(7)],
}


class Api:
    """A platform's machine client, acting for one person at a time."""

    def __init__(self, platform, key: str, client: Client | None = None) -> None:
        self.platform = platform
        self.key = key
        self.client = client or Client()

    def url(self, path: str) -> str:
        return f"/api/v1/p/{self.platform.slug}{path}"

    def headers(self, user) -> dict:
        headers = {"X-API-Key": self.key}
        if user is not None:
            headers["X-Acting-User"] = str(user.public_id)
        return headers

    def get(self, path: str, user=None, **query):
        return self.client.get(self.url(path), query, headers=self.headers(user))

    def post(self, path: str, body: dict | None = None, user=None):
        return self.client.post(self.url(path), json.dumps(body or {}), content_type="application/json",
                                headers=self.headers(user))


@pytest.fixture
def api(platform):
    return Api(platform, factories.api_key(platform))


def city(day: dt.date, hour: int, minute: int = 0) -> str:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=factories.CITY_TZ).isoformat()


def tomorrow() -> dt.date:
    return factories.next_slot(24).date()


def assert_error(response, status: int, code: str | None, field: str | None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["message"]
    if code is not None:
        assert body["code"] == code, body
    assert body["field"] == field, body
    return body


# ---- spaces -----------------------------------------------------------------------------------------------

def test_a_verified_provider_lists_a_space_and_a_consumer_finds_it(api, provider, customer):
    response = api.post("/spaces", SPACE_BODY, user=provider)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["district"] == "350206"
    assert created["price_per_hour_fen"] == 800
    assert len(created["windows"]) == 7
    assert OutboxMessage.objects.filter(message_type="listing.published",
                                        payload__listing_id=created["id"]).count() == 1

    day = tomorrow()
    found = api.get("/spaces", user=customer, district="350206", start=city(day, 9), end=city(day, 11)).json()
    assert [s["id"] for s in found] == [created["id"]]
    assert api.get("/spaces", user=customer, district="350203").json() == []
    # Outside the weekly windows the space is not offered.
    assert api.get("/spaces", district="350206", start=city(day, 17), end=city(day, 19)).json() == []
    assert api.get(f"/spaces/{created['id']}").json()["title"] == SPACE_BODY["title"]


def test_a_search_with_only_a_start_names_the_missing_end(api):
    assert_error(api.get("/spaces", start=city(tomorrow(), 9)), 400, "invalid", "end")


def test_an_unverified_person_cannot_list_a_space(api, customer):
    assert_error(api.post("/spaces", SPACE_BODY, user=customer), 403, "provider.not_verified", "provider")
    assert not ParkingSpace.objects.exists()


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"title": "  "}, 400, "title"),
    ({"district": "110101"}, 400, "district"),
    ({"address": ""}, 400, "address"),
    ({"vehicle_size": "bus"}, 400, "vehicle_size"),
    ({"price_per_hour_fen": 0}, 400, "price_per_hour_fen"),
    ({"windows": []}, 400, "windows"),
    ({"windows": [{"weekday": 0, "start": "08:00", "end": "12:00"}, {"weekday": 0, "start": "11:00", "end": "13:00"}]},
     400, "windows"),
    ({"windows": [{"weekday": 0, "start": "08:15", "end": "12:00"}]}, 400, "windows"),
    ({"windows": [{"weekday": 7, "start": "08:00", "end": "12:00"}]}, 422, "windows.0.weekday"),
    # A number of seconds or a UTC offset made a time with a zone, and the space's checks then
    # failed with 500: a weekly window is the city's wall-clock time.
    ({"windows": [{"weekday": 0, "start": 12, "end": "12:00"}]}, 422, "windows.0.start"),
    ({"windows": [{"weekday": 0, "start": "08:00", "end": "12:00+08:00"}]}, 422, "windows.0.end"),
    ({"price_per_hour_fen": "eight"}, 422, "price_per_hour_fen"),
    ({"title": None}, 422, "title"),
])
def test_invalid_space_input_is_refused_naming_the_field(api, provider, change, status, field):
    response = api.post("/spaces", {**SPACE_BODY, **change}, user=provider)
    assert_error(response, status, None, field)
    assert not ParkingSpace.objects.exists()


def test_a_missing_field_is_named(api, provider):
    body = {key: value for key, value in SPACE_BODY.items() if key != "address"}
    assert_error(api.post("/spaces", body, user=provider), 422, "invalid", "address")


def test_a_person_action_without_an_acting_user_is_refused(api):
    assert_error(api.post("/spaces", SPACE_BODY), 401, "not_authenticated", "X-Acting-User")


def test_an_unknown_acting_user_is_refused(api):
    response = api.client.get(api.url("/bookings"), headers={"X-API-Key": api.key, "X-Acting-User": "nobody"})
    assert_error(response, 400, "acting_user.invalid", "X-Acting-User")


def test_an_unknown_platform_is_not_found(api):
    response = api.client.get("/api/v1/p/no-such-platform/spaces", headers={"X-API-Key": api.key})
    assert_error(response, 404, "platform.not_found", "platform")


# ---- quote and booking ------------------------------------------------------------------------------------

@pytest.fixture
def daytime_space(platform, provider):
    windows = [WeeklyWindow(day, dt.time(8), dt.time(18)) for day in range(7)]
    return factories.make_space(platform, provider, price_fen=800, windows=windows)


def test_the_quote_shows_the_total_before_booking(api, customer, daytime_space):
    day = tomorrow()
    quote = api.get(f"/spaces/{daytime_space.public_id}/quote", user=customer, start=city(day, 9),
                    end=city(day, 11, 30)).json()
    assert quote == {"minutes": 150, "price_per_hour_fen": 800, "parking_fen": 2000, "service_fee_fen": 0,
                     "total_fen": 2000}


def test_book_then_the_same_slot_is_taken(api, customer, daytime_space):
    day = tomorrow()
    body = {"space_id": str(daytime_space.public_id), "start": city(day, 9), "end": city(day, 11, 30)}
    response = api.post("/bookings", body, user=customer)
    assert response.status_code == 201, response.content
    booking = response.json()
    assert booking["amount_fen"] == 2000
    assert booking["state"] == "confirmed"
    assert api.get(f"/bookings/{booking['id']}", user=customer).json()["id"] == booking["id"]
    assert [b["id"] for b in api.get("/bookings", user=customer).json()] == [booking["id"]]

    rival = factories.make_user(platform=api.platform)
    outbox_before = OutboxMessage.objects.count()
    overlapping = {**body, "start": city(day, 11), "end": city(day, 12)}
    error = assert_error(api.post("/bookings", overlapping, user=rival), 409, "parking.slot_taken", "start")
    assert set(error) == {"code", "message", "field"}
    assert Booking.objects.count() == 1
    assert OutboxMessage.objects.count() == outbox_before

    # Touching the first booking's end is fine.
    touching = {**body, "start": city(day, 11, 30), "end": city(day, 12, 30)}
    assert api.post("/bookings", touching, user=rival).status_code == 201


def test_a_booking_outside_the_windows_is_409_and_nothing_is_written(api, customer, daytime_space):
    day = tomorrow()
    body = {"space_id": str(daytime_space.public_id), "start": city(day, 17), "end": city(day, 19)}
    outbox_before = OutboxMessage.objects.count()
    assert_error(api.post("/bookings", body, user=customer), 409, "parking.outside_windows", "start")
    assert not Booking.objects.exists()
    assert OutboxMessage.objects.count() == outbox_before


@pytest.mark.parametrize(("start", "end", "status", "field"), [
    ((9, 15), (10, 0), 400, "start"),
    ((9, 0), (10, 10), 400, "end"),
    ((10, 0), (9, 0), 400, "end"),
])
def test_invalid_booking_times_are_refused_naming_the_field(api, customer, daytime_space, start, end, status, field):
    day = tomorrow()
    body = {"space_id": str(daytime_space.public_id), "start": city(day, *start), "end": city(day, *end)}
    assert_error(api.post("/bookings", body, user=customer), status, "parking.invalid_times", field)
    assert not Booking.objects.exists()


def test_a_malformed_booking_is_422_naming_the_field(api, customer, daytime_space):
    body = {"space_id": str(daytime_space.public_id), "start": "tomorrow morning", "end": city(tomorrow(), 10)}
    assert_error(api.post("/bookings", body, user=customer), 422, "invalid", "start")


def test_booking_an_unknown_space_is_404(api, customer):
    day = tomorrow()
    body = {"space_id": "00000000-0000-4000-8000-000000000000", "start": city(day, 9), "end": city(day, 10)}
    assert_error(api.post("/bookings", body, user=customer), 404, "parking.space_not_found", "space_id")


# ---- reviews and complaints -------------------------------------------------------------------------------

@pytest.fixture
def completed_booking(platform, customer, space):
    start = factories.current_slot()
    booking = booking_create(actor=customer, platform=platform, space_id=space.public_id, customer=customer,
                             starts_at=start, ends_at=start + dt.timedelta(hours=1))
    return booking_complete(actor=customer, booking=booking)


def test_both_sides_review_and_the_customer_complains(api, customer, provider, completed_booking):
    path = f"/bookings/{completed_booking.public_id}"
    response = api.post(f"{path}/reviews", {"rating": 5, "comment": "很方便"}, user=customer)
    assert response.status_code == 201, response.content
    assert response.json()["author_role"] == "customer"
    assert api.post(f"{path}/reviews", {"rating": 4}, user=provider).json()["author_role"] == "provider"
    assert len(api.get(f"{path}/reviews", user=customer).json()) == 2
    assert_error(api.post(f"{path}/reviews", {"rating": 3}, user=customer), 409, "review.duplicate", "booking_id")

    complaint = {"category": "price", "description": "出场时被多收了停车费", "remedy": "refund"}
    response = api.post(f"{path}/complaints", complaint, user=customer)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "filed"
    assert [c["id"] for c in api.get("/complaints", user=customer).json()] == [response.json()["id"]]


def test_a_review_or_complaint_for_someone_elses_booking_is_403(api, completed_booking):
    stranger = factories.make_user(platform=api.platform)
    path = f"/bookings/{completed_booking.public_id}"
    assert_error(api.post(f"{path}/reviews", {"rating": 1}, user=stranger), 403, "parking.not_your_booking",
                 "booking_id")
    assert_error(api.post(f"{path}/complaints", {"category": "other", "description": "我没订过但要投诉",
                                                 "remedy": "apology"}, user=stranger),
                 403, "parking.not_your_booking", "booking_id")
    assert not completed_booking.reviews.exists()
    assert not completed_booking.complaints.exists()
    # A signed-in stranger cannot even read it.
    browser = Client()
    browser.force_login(stranger)
    assert_error(browser.get(api.url(path)), 403, "parking.not_your_booking", "booking_id")
    assert_error(browser.get(api.url(f"{path}/reviews")), 403, "parking.not_your_booking", "booking_id")
    assert browser.get(api.url("/bookings")).json() == []


def test_a_rating_out_of_range_names_the_field(api, customer, completed_booking):
    response = api.post(f"/bookings/{completed_booking.public_id}/reviews", {"rating": 6}, user=customer)
    assert_error(response, 400, "invalid", "rating")


def test_verification_through_the_api_shows_only_the_masked_number(api, customer):
    number = factories.resident_id()
    response = api.post("/verification", {"kind": "person", "legal_name": "王五", "id_number": number}, user=customer)
    assert response.status_code == 201, response.content
    assert number not in response.content.decode()
    assert response.json()["id_number_masked"] == number[:4] + "*" * 10 + number[-4:]
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    member = factories.make_user(platform=api.platform)
    body = assert_error(api.post("/verification", {"kind": "person", "legal_name": "王五", "id_number": bad},
                                 user=member), 400, "identity.invalid_resident_id", "id_number")
    assert "GB 11643" in body["message"]


# ---- authentication ---------------------------------------------------------------------------------------

def test_no_credentials_is_401(platform):
    response = Client().get(f"/api/v1/p/{platform.slug}/spaces")
    assert_error(response, 401, "not_authenticated", None)
    response = Client().get(f"/api/v1/p/{platform.slug}/spaces", headers={"X-API-Key": "sck_deadbeef_forged"})
    assert_error(response, 401, "not_authenticated", None)


def _csrf_token() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def test_a_browser_session_needs_the_csrf_token_to_write(platform, customer, space):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)
    url = f"/api/v1/p/{platform.slug}/bookings"
    # Reading with the session alone works.
    assert browser.get(f"/api/v1/p/{platform.slug}/spaces").status_code == 200

    start, end = slot(24)
    body = json.dumps({"space_id": str(space.public_id), "start": start.isoformat(), "end": end.isoformat()})
    refused = browser.post(url, body, content_type="application/json")
    assert refused.status_code == 403, refused.content
    assert refused.json()["code"] == "csrf_failed"
    assert not Booking.objects.exists()

    token = _csrf_token()
    browser.cookies["csrftoken"] = token
    accepted = browser.post(url, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.content
    assert Booking.objects.get().customer == customer


def test_a_platform_key_needs_no_csrf_token(api, customer, space):
    api.client = Client(enforce_csrf_checks=True)
    start, end = slot(24)
    body = {"space_id": str(space.public_id), "start": start.isoformat(), "end": end.isoformat()}
    assert api.post("/bookings", body, user=customer).status_code == 201


def test_the_openapi_document_lists_the_routes():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    assert "post" in paths["/api/v1/p/{platform}/bookings"]
    assert "get" in paths["/api/v1/p/{platform}/spaces/{space_id}/quote"]
    assert "post" in paths["/api/v1/p/{platform}/bookings/{booking_id}/complaints"]
    assert "409" in paths["/api/v1/p/{platform}/bookings"]["post"]["responses"]
    assert {"PlatformKey", "SessionAuth"} <= set(document["components"]["securitySchemes"])


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/spaces", {**SPACE_BODY, "address": "厦" * 201}, "address"),
    ("/spaces", {**SPACE_BODY, "title": "x" * 101}, "title"),
    ("/verification", {"kind": "person", "legal_name": "王" * 121, "id_number": "x"}, "legal_name"),
])
def test_text_longer_than_its_column_is_refused_naming_the_field(api, provider, path, body, field):
    """On PostgreSQL these gave 500 (value too long for type character varying)."""
    response = api.post(path, body, user=provider)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
