"""Browser pages through Django's test client: access rules, refusals shown with their reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sharecity.exchange.relay import relay_pump
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.market.parking.services import booking_create
from sharecity.market.platforms.services import operator_add
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def platform():
    return factories.make_platform(slug="ludao", name="鹭岛共享停车")


@pytest.fixture
def space(platform):
    provider = factories.make_provider(platform)
    return factories.make_space(platform, provider, price_fen=800)


def _login(client: Client, user) -> None:
    client.force_login(user)


def _stay(start: dt.datetime, hours: int = 2) -> dict:
    end = start + dt.timedelta(hours=hours)
    return {"date": f"{start:%Y-%m-%d}", "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}


# --- site --------------------------------------------------------------------------------


def test_home_lists_platforms_and_switches_language(client, platform):
    response = client.get("/")
    assert response.status_code == 200
    assert "鹭岛共享停车" in response.text
    assert reverse("parking:platform", args=[platform.slug]) in response.text
    chinese = Client()
    assert '<html lang="zh-hans">' in chinese.get("/").text
    chinese.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in chinese.get("/").text


def test_login_page_and_logout(client):
    user = factories.make_user("alice", password="pw-for-tests-123")
    assert client.get(reverse("web:login")).status_code == 200
    response = client.post(reverse("web:login"), {"username": "alice", "password": "pw-for-tests-123"})
    assert response.status_code == 302
    assert client.get("/").context["user"] == user
    assert client.get(reverse("web:logout")).status_code == 405
    assert client.post(reverse("web:logout")).status_code == 302
    assert not client.get("/").context["user"].is_authenticated


# --- regulator dashboard -------------------------------------------------------------------


def test_dashboard_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("monitoring:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
    assert client.get(reverse("monitoring:figures")).status_code == 302


def test_dashboard_is_forbidden_to_non_regulators(client):
    _login(client, factories.make_user())
    response = client.get(reverse("monitoring:dashboard"))
    assert response.status_code == 403
    assert "Only regulator staff may open the dashboard." in response.text
    assert client.get(reverse("monitoring:figures")).status_code == 403


def test_dashboard_shows_counts_per_district_and_platform(client, platform, space):
    customer = factories.make_user()
    start = factories.next_slot()
    booking_create(actor=customer, platform=platform, space_id=space.public_id, customer=customer,
                   starts_at=start, ends_at=start + dt.timedelta(hours=2))
    relay_pump()
    intake_pump()
    regulator = factories.make_user()
    regulator_profile_set(actor=None, user=regulator, department="Xiamen Development and Reform Commission")
    _login(client, regulator)
    response = client.get(reverse("monitoring:dashboard"))
    assert response.status_code == 200
    assert 'data-testid="total-bookings">1<' in response.text
    assert 'data-testid="total-listings">1<' in response.text
    assert 'data-district="350203"' in response.text
    assert "Siming" in response.text
    assert "鹭岛共享停车" in response.text
    assert "<svg" in response.text
    partial = client.get(reverse("monitoring:figures"), headers={"hx-request": "true"})
    assert partial.status_code == 200
    assert 'hx-trigger="every 3s"' in partial.text
    assert "<html" not in partial.text


def test_district_regulator_sees_only_their_district(client, platform):
    provider = factories.make_provider(platform)
    factories.make_space(platform, provider, district="350203")
    factories.make_space(platform, provider, district="350206")
    relay_pump()
    intake_pump()
    regulator = factories.make_user()
    regulator_profile_set(actor=None, user=regulator, department="Huli bureau", district_code="350206")
    _login(client, regulator)
    response = client.get(reverse("monitoring:dashboard"))
    assert 'data-district="350206"' in response.text
    assert 'data-district="350203"' not in response.text
    assert 'data-testid="total-listings">1<' in response.text


# --- verification ----------------------------------------------------------------------------


def test_verify_refuses_a_bad_id_number_naming_the_rule(client, platform):
    _login(client, factories.make_user())
    good = factories.resident_id(7)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(reverse("parking:verify", args=[platform.slug]),
                           {"kind": "person", "legal_name": "张三", "id_number": bad})
    assert response.status_code == 400
    assert "check digit" in response.text
    assert "GB 11643" in response.text


def test_verify_accepts_a_valid_number_and_then_shows_it_masked(client, platform):
    _login(client, factories.make_user())
    number = factories.resident_id(8)
    url = reverse("parking:verify", args=[platform.slug])
    response = client.post(url, {"kind": "person", "legal_name": "张三", "id_number": number})
    assert response.status_code == 302
    page = client.get(url).text
    assert number not in page
    assert number[:4] + "*" * 10 + number[-4:] in page


def test_new_listing_sends_unverified_users_to_verify(client, platform):
    _login(client, factories.make_user())
    response = client.get(reverse("parking:space_new", args=[platform.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("parking:verify", args=[platform.slug]))


def test_verified_provider_lists_a_space_with_weekly_windows(client, platform):
    provider = factories.make_provider(platform)
    _login(client, provider)
    data = {"title": "会展中心夜间车位", "district": "350203", "address": "厦门市思明区会展路1号",
            "vehicle_size": "standard", "price_per_hour": "6.50"}
    for day in range(7):
        data |= {f"day{day}_from": "19:00", f"day{day}_until": "08:00"}
    data |= {"day0_on": "on", "day4_on": "on"}
    response = client.post(reverse("parking:space_new", args=[platform.slug]), data)
    assert response.status_code == 302, response.content
    detail = client.get(response["Location"]).text
    assert "会展中心夜间车位" in detail
    assert "¥6.50" in detail
    assert "(next day)" in detail


def test_new_listing_shows_a_bad_price_on_its_field(client, platform):
    _login(client, factories.make_provider(platform))
    data = {"title": "车位", "district": "350203", "address": "路1号", "vehicle_size": "standard",
            "price_per_hour": "6.505", "day0_on": "on", "day0_from": "19:00", "day0_until": "08:00"}
    response = client.post(reverse("parking:space_new", args=[platform.slug]), data)
    assert response.status_code == 400
    assert "at most two decimals" in response.text


# --- search and booking --------------------------------------------------------------------


def test_search_shows_total_price_before_booking(client, platform, space):
    start = factories.next_slot()
    response = client.get(reverse("parking:platform", args=[platform.slug]), {"district": "350203", **_stay(start)})
    assert response.status_code == 200
    assert "¥16.00" in response.text
    assert 'data-action="book"' in response.text


def test_space_quote_partial_renders_the_total(client, platform, space):
    start = factories.next_slot()
    url = reverse("parking:space_quote", args=[platform.slug, space.public_id])
    response = client.get(url, _stay(start, hours=3), headers={"hx-request": "true"})
    assert response.status_code == 200
    assert "¥24.00" in response.text
    assert "<html" not in response.text


def test_booking_then_booking_the_same_slot_again_is_refused(client, platform, space):
    first = factories.make_user()
    start = factories.next_slot()
    _login(client, first)
    url = reverse("parking:space_book", args=[platform.slug, space.public_id])
    response = client.post(url, _stay(start))
    assert response.status_code == 302
    assert response["Location"] == reverse("parking:bookings", args=[platform.slug])
    assert "¥16.00" in client.get(response["Location"]).text

    second = Client(headers={"accept-language": "en"})
    second.force_login(factories.make_user())
    refused = second.post(url, _stay(start + dt.timedelta(hours=1)))
    assert refused.status_code == 409
    assert "This time is already booked by someone else." in refused.text


def test_booking_in_the_past_is_refused_on_the_start_field(client, platform, space):
    _login(client, factories.make_user())
    start = factories.current_slot() - dt.timedelta(days=1)
    response = client.post(reverse("parking:space_book", args=[platform.slug, space.public_id]), _stay(start))
    assert response.status_code == 400
    assert "The start has already passed." in response.text


def test_booking_outside_the_weekly_windows_is_refused(client, platform):
    provider = factories.make_provider(platform)
    night = [factories.WeeklyWindow(day, dt.time(22), dt.time(23)) for day in range(7)]
    space = factories.make_space(platform, provider, windows=night)
    _login(client, factories.make_user())
    start = factories.next_slot(hours_ahead=24).replace(hour=9, minute=0)
    response = client.post(reverse("parking:space_book", args=[platform.slug, space.public_id]), _stay(start))
    assert response.status_code == 409
    assert "not offered for the whole of this time" in response.text


def test_my_bookings_complete_review_and_complain(client, platform, space):
    customer = factories.make_user()
    start = factories.current_slot()
    booking = booking_create(actor=customer, platform=platform, space_id=space.public_id, customer=customer,
                             starts_at=start, ends_at=start + dt.timedelta(hours=2))
    _login(client, customer)

    def action(name: str, data: dict | None = None):
        return client.post(reverse("parking:booking_action", args=[platform.slug, booking.public_id, name]), data or {})

    assert action("complete").status_code == 302
    assert action("review", {"rating": "5", "comment": "很方便"}).status_code == 302
    duplicate = action("review", {"rating": "4"})
    assert duplicate.status_code == 409
    assert "already reviewed" in duplicate.text
    short = action("complaint", {"category": "access", "description": "no", "remedy": "refund"})
    assert short.status_code == 400
    assert "5 to 2000 characters" in short.text
    assert action("complaint", {"category": "access", "description": "道闸打不开，无法进入。",
                                "remedy": "refund"}).status_code == 302
    page = client.get(reverse("parking:bookings", args=[platform.slug])).text
    assert "很方便" in page
    assert "Could not use what was booked" in page


def test_someone_elses_booking_cannot_be_completed(client, platform, space):
    customer = factories.make_user()
    start = factories.current_slot()
    booking = booking_create(actor=customer, platform=platform, space_id=space.public_id, customer=customer,
                             starts_at=start, ends_at=start + dt.timedelta(hours=2))
    _login(client, factories.make_user())
    url = reverse("parking:booking_action", args=[platform.slug, booking.public_id, "complete"])
    response = client.post(url)
    assert response.status_code == 403
    assert "This is not your booking." in response.text


# --- operator console ------------------------------------------------------------------------


def test_operator_console_is_forbidden_to_non_operators(client, platform):
    _login(client, factories.make_user())
    assert client.get(reverse("parking:operator", args=[platform.slug])).status_code == 403
    assert client.post(reverse("parking:operator_key_issue", args=[platform.slug]), {"label": "x"}).status_code == 403


def test_operator_issues_a_key_shown_once_and_revokes_it(client, platform):
    staff = factories.make_user()
    operator_add(actor=None, platform=platform, user=staff)
    _login(client, staff)
    console = reverse("parking:operator", args=[platform.slug])
    assert client.get(console).status_code == 200
    issued = client.post(reverse("parking:operator_key_issue", args=[platform.slug]), {"label": "booking sync"})
    assert issued.status_code == 200
    assert "sck_" in issued.text
    again = client.get(console).text
    assert "booking sync" in again
    assert "sck_" not in again
    key = issued.context["keys"][0]
    revoked = client.post(reverse("parking:operator_key_revoke", args=[platform.slug, key.pk]))
    assert revoked.status_code == 302
    assert "Revoked" in client.get(console).text
