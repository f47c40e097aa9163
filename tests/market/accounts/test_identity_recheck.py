"""A provider's verification expires by vertical (a platform setting: no national rule found sets the period),
the provider and the operators are told a month before, and past it the provider neither publishes nor takes new
bookings there until verified again. Dated examples."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.accounts import recheck
from sharecity.market.accounts.errors import IdentityRecheckDue
from sharecity.market.accounts.models import IdentityRecheckReminder, ProviderProfile
from sharecity.market.accounts.services import identity_recheck_remind, provider_verify
from sharecity.market.accounts.tasks import identity_recheck_sweep
from sharecity.market.catalog.models import Category
from sharecity.market.listings.models import ListingStatus
from sharecity.market.listings.services import listing_submit
from sharecity.market.orders.services import order_place
from sharecity.market.platforms.services import operator_add
from tests import factories
from tests.market.engine_factories import make_listing


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=CITY_TZ)


# --- the rule, with dates -------------------------------------------------------------------------

def test_example_caregivers_and_drivers_are_verified_yearly_from_2026_01_01():
    for sector in ("housekeeping", "elderly_care", "child_care", "ride_hailing"):
        rule = recheck.rule_for(sector=sector, at=at("2026-03-01"))
        assert rule.valid_for == dt.timedelta(days=365) and rule.source == recheck.PLATFORM_SETTING
    assert recheck.rule_for(sector="housekeeping", at=at("2025-12-31")) is None
    assert recheck.rule_for(sector="lab_instruments", at=at("2026-03-01")) is None


def test_example_verified_2026_03_01_expires_2027_03_01():
    rule = recheck.rule_for(sector="housekeeping", at=at("2026-03-01"))
    assert recheck.expires_at(verified_at=at("2026-03-01"), rule=rule) == at("2027-03-01")


# --- reminders, publishing, booking, the page and the API --------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def cleaning(platform, provider):
    Category.objects.update_or_create(code="house_cleaning", defaults={
        "sector": "housekeeping", "name_zh": "日常保洁", "name_en": "House cleaning",
        "default_process": "instant_booking", "default_unit": "hour"})
    return make_listing(platform, provider, category_code="house_cleaning", title="日常保洁 3小时", price_fen=9_000)


def _verified_days_ago(user, days: int) -> None:
    ProviderProfile.objects.filter(user=user).update(verified_at=timezone.now() - dt.timedelta(days=days))


def _slot() -> tuple[dt.datetime, dt.datetime]:
    start = (timezone.now().astimezone(CITY_TZ) + dt.timedelta(days=2)).replace(hour=10, minute=0, second=0,
                                                                              microsecond=0)
    return start, start + dt.timedelta(hours=2)


@pytestmark_db
def test_the_reminder_comes_a_month_before_and_only_once(platform, provider, cleaning):
    _verified_days_ago(provider, 300)  # 65 days left: not yet
    assert identity_recheck_remind() == 0
    _verified_days_ago(provider, 340)  # 25 days left: told
    assert identity_recheck_sweep.call() == "1 reminded"
    assert identity_recheck_remind() == 0
    reminder = IdentityRecheckReminder.objects.get()
    assert (reminder.user, reminder.sector) == (provider, "housekeeping")


@pytestmark_db
def test_an_expired_provider_takes_no_bookings_and_publishes_nothing_there_until_verified(
        platform, provider, customer, cleaning, in_english):
    _verified_days_ago(provider, 366)
    start, end = _slot()
    with pytest.raises(IdentityRecheckDue) as caught:
        order_place(actor=customer, platform=platform, listing=cleaning, customer=customer, starts_at=start,
                    ends_at=end)
    assert caught.value.field == "provider" and "take new bookings" in str(caught.value.message)
    draft = make_listing(platform, provider, category_code="house_cleaning", title="深度保洁",
                         status=ListingStatus.DRAFT)
    with pytest.raises(IdentityRecheckDue):
        listing_submit(actor=provider, listing=draft)
    # Another vertical is not touched.
    instrument = make_listing(platform, provider, price_fen=30_000)
    assert order_place(actor=customer, platform=platform, listing=instrument, customer=customer, starts_at=start,
                       ends_at=end)
    provider_verify(actor=provider, user=provider, kind="person", legal_name="测试人",
                    id_number=factories.resident_id(), platform=platform)
    assert order_place(actor=customer, platform=platform, listing=cleaning, customer=customer, starts_at=start,
                       ends_at=end)


@pytestmark_db
def test_the_operator_console_and_the_api_list_what_runs_out(english_client, platform, provider, cleaning):
    _verified_days_ago(provider, 366)
    identity_recheck_remind()
    operator = factories.make_user(platform=platform)
    operator_add(actor=None, platform=platform, user=operator)
    english_client.force_login(operator)
    html = english_client.get(reverse("accounts:identity_rechecks", args=[platform.slug])).content.decode()
    assert 'data-expired="yes"' in html and "Expired: verify again" in html
    client = Client()
    key = factories.api_key(platform)
    rows = client.get(f"/api/v1/p/{platform.slug}/identity-rechecks", headers={"X-API-Key": key}).json()
    assert [(r["sector"], r["expired"]) for r in rows] == [("housekeeping", True)]
    assert rows[0]["reminded_at"] is not None
    own = client.get(f"/api/v1/p/{platform.slug}/identity-rechecks",
                     headers={"X-API-Key": key, "X-Acting-User": str(provider.public_id)}).json()
    assert [r["provider_id"] for r in own] == [str(provider.public_id)]
    someone = factories.make_user(platform=platform)
    assert client.get(f"/api/v1/p/{platform.slug}/identity-rechecks",
                      headers={"X-API-Key": key, "X-Acting-User": str(someone.public_id)}).json() == []
    other = factories.make_platform()
    elsewhere = client.get(f"/api/v1/p/{platform.slug}/identity-rechecks",
                           headers={"X-API-Key": factories.api_key(other)})
    assert 400 <= elsewhere.status_code < 500
    assert client.get(f"/api/v1/p/{platform.slug}/identity-rechecks").status_code == 401
