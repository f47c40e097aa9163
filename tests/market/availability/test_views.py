"""The provider's calendar page and the read-only remaining-capacity partial."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.availability.models import DatedException, WeeklyRule
from sharecity.market.availability.services import reservation_hold
from sharecity.market.listings.models import ListingStatus
from tests import factories
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"


@pytest.fixture
def listing(platform, provider):
    return make_listing(platform, provider, capacity=3, title="共聚焦显微镜")


def url(listing, name="availability:calendar", *args):
    return reverse(name, args=[listing.platform.slug, listing.public_id, *args])


def week_start() -> dt.date:
    today = timezone.now().astimezone(CITY_TZ).date()
    return today - dt.timedelta(days=today.weekday())


def login(client, user):
    client.force_login(user)
    return client


def test_provider_sees_the_week_and_the_forms(client, listing, provider):
    response = login(client, provider).get(url(listing))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="week-grid"' in html
    assert 'data-testid="rule-form"' in html and 'data-testid="exception-form"' in html
    assert 'data-testid="plan-form"' in html
    monday = week_start()
    assert f'data-testid="week-start">{monday.year}年{monday.month}月{monday.day}日' in html
    assert html.count('data-testid="slot"') == 7 * 24  # open any time, hourly


def test_customer_sees_remaining_capacity_but_no_forms_and_cannot_post(client, listing, customer):
    reservation_hold(listing=listing, customer=customer, starts_at=factories.next_slot(48).replace(minute=0),
                     ends_at=factories.next_slot(48).replace(minute=0) + dt.timedelta(hours=1), quantity=2)
    response = login(client, customer).get(url(listing))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="rule-form"' not in html and 'data-testid="plan-form"' not in html
    partial = client.get(url(listing, "availability:slots"), {"start": (week_start() + dt.timedelta(days=7))})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    response = client.post(url(listing, "availability:exception_add"),
                           {"start_date": "2027-03-01", "kind": "closed", "reason": "x"})
    assert response.status_code == 403
    assert not DatedException.objects.exists()


def test_the_remaining_capacity_partial_shows_what_is_held(client, listing, customer):
    start = factories.next_slot(24 * 8).replace(minute=0)
    reservation_hold(listing=listing, customer=customer, starts_at=start, ends_at=start + dt.timedelta(hours=1),
                     quantity=2)
    monday = start.date() - dt.timedelta(days=start.weekday())
    html = client.get(url(listing, "availability:slots"), {"start": monday.isoformat()}).content.decode()
    assert f'data-start="{start.isoformat()}" data-remaining="1"' in html
    assert ">1/3<" in html


def test_htmx_week_navigation_returns_only_the_grid(client, listing, provider):
    next_week = week_start() + dt.timedelta(days=7)
    response = login(client, provider).get(url(listing), {"start": next_week.isoformat()}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'data-testid="rule-form"' not in html
    assert f'data-testid="week-start">{next_week.year}年{next_week.month}月{next_week.day}日' in html
    # The week the provider's forms return to follows the grid (out-of-band swap).
    assert f'id="week-exception" value="{next_week:%Y-%m-%d}" hx-swap-oob="true"' in html


def test_provider_adds_a_closed_exception_and_the_capacity_drops(client, listing, provider):
    monday = week_start() + dt.timedelta(days=7)
    wednesday = monday + dt.timedelta(days=2)
    login(client, provider)
    response = client.post(url(listing, "availability:exception_add"), {
        "start_date": wednesday.isoformat(), "kind": "closed", "reason": "设备保养", "week": week_start().isoformat()})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?start={wednesday.isoformat()}")  # the week of the exception
    exception = DatedException.objects.get()
    assert exception.reason == "设备保养" and exception.closed
    html = client.get(url(listing), {"start": monday.isoformat()}).content.decode()
    assert html.count('data-remaining="0"') == 24
    assert html.count('data-remaining="3"') == 6 * 24


def test_provider_edits_weekly_rules_and_booking_rules(client, listing, provider, in_english):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages are asserted in English
    login(client, provider)
    response = client.post(url(listing, "availability:rule_add"),
                           {"weekday": "0", "start": "09:00", "end": "17:00", "capacity": ""})
    assert response.status_code == 302
    # An overlapping rule is refused on the form, with the rule in plain words.
    response = client.post(url(listing, "availability:rule_add"), {"weekday": "0", "start": "16:00", "end": "18:00"})
    assert response.status_code == 400
    assert "overlaps another weekly rule" in response.content.decode()
    assert WeeklyRule.objects.count() == 1
    monday = week_start() + dt.timedelta(days=7)
    html = client.get(url(listing), {"start": monday.isoformat()}).content.decode()
    assert html.count('data-testid="slot"') == 7 * 8  # only the rows open on some day: 09:00-17:00
    response = client.post(url(listing, "availability:plan_save"), {
        "unit": "hour", "slot_minutes": "30", "min_block_minutes": "60", "max_block_minutes": "30",
        "notice_minutes": "", "horizon_days": "", "max_future_reservations": "", "max_hours_per_week": "",
        "missed_release_minutes": ""})
    assert response.status_code == 400
    assert "cannot be shorter than the shortest" in response.content.decode()
    response = client.post(url(listing, "availability:plan_save"), {
        "unit": "hour", "slot_minutes": "30", "min_block_minutes": "60", "max_block_minutes": "240",
        "notice_minutes": "120", "horizon_days": "30", "max_future_reservations": "2", "max_hours_per_week": "",
        "missed_release_minutes": "15"})
    assert response.status_code == 302
    plan = listing.availability_plan
    plan.refresh_from_db()
    assert (plan.slot_minutes, plan.notice_minutes, plan.missed_release_minutes, plan.max_hours_per_week) == (
        30, 120, 15, None)
    rule = WeeklyRule.objects.get()
    assert client.post(url(listing, "availability:rule_remove", rule.pk)).status_code == 302
    assert not WeeklyRule.objects.exists()


def test_a_draft_listing_calendar_is_only_for_its_provider(client, platform, provider, customer):
    draft = make_listing(platform, provider, status=ListingStatus.DRAFT)
    assert login(client, customer).get(url(draft)).status_code == 404
    assert client.get(url(draft, "availability:slots")).status_code == 404
    assert login(client, provider).get(url(draft)).status_code == 200
