"""Instruments whose rules require a qualification are booked only by users holding a valid one, recorded by the
instrument's owner (国发〔2014〕70号: users trained and assessed before running a shared instrument). Dated examples
around the expiry day."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.catalog.models import Category
from sharecity.market.catalog.seed import INSTRUMENT_QUALIFICATION
from sharecity.market.orders.models import Order
from sharecity.market.orders.services import order_place
from sharecity.market.qualifications import rules, services
from sharecity.market.qualifications.errors import (
    InvalidQualification,
    NotTheOwner,
    QualificationExpired,
    QualificationMissing,
)
from sharecity.market.qualifications.models import Qualification
from tests import factories
from tests.market.engine_factories import make_listing

CODE = INSTRUMENT_QUALIFICATION["code"]
D = dt.date.fromisoformat


# --- the pure rule, with dates ------------------------------------------------------------------

RECORD = rules.Record(trained_on=D("2026-01-10"), expires_on=D("2026-06-30"))


def test_example_valid_through_2026_06_30_included():
    assert rules.coverage(records=[RECORD], first_day=D("2026-06-30"), last_day=D("2026-06-30")).ok
    assert rules.coverage(records=[RECORD], first_day=D("2026-01-10"), last_day=D("2026-01-10")).ok


def test_example_a_booking_on_2026_07_01_or_running_past_06_30_is_expired():
    late = rules.coverage(records=[RECORD], first_day=D("2026-07-01"), last_day=D("2026-07-01"))
    assert (late.ok, late.problem, late.record) == (False, rules.EXPIRED, RECORD)
    across = rules.coverage(records=[RECORD], first_day=D("2026-06-30"), last_day=D("2026-07-01"))
    assert (across.ok, across.problem) == (False, rules.EXPIRED)


def test_example_before_the_training_and_with_no_record():
    early = rules.coverage(records=[RECORD], first_day=D("2026-01-09"), last_day=D("2026-01-09"))
    assert (early.ok, early.problem) == (False, rules.NOT_YET)
    assert rules.coverage(records=[], first_day=D("2026-03-01"), last_day=D("2026-03-01")).problem == rules.MISSING


def test_a_renewed_record_covers_what_the_old_one_did_not():
    renewed = rules.Record(trained_on=D("2026-06-25"), expires_on=D("2027-06-24"))
    assert rules.coverage(records=[RECORD, renewed], first_day=D("2026-07-01"), last_day=D("2026-07-01")).ok


# --- recording, booking, the page and the API -------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def instrument(platform, provider):
    Category.objects.update_or_create(code="lab_instruments", defaults={
        "sector": "lab_instruments", "name_zh": "科研仪器", "name_en": "Lab instruments",
        "default_process": "instant_booking", "default_unit": "hour", "licence_rules": [INSTRUMENT_QUALIFICATION]})
    return make_listing(platform, provider, price_fen=30_000)


def _slot(days_ahead: int) -> tuple[dt.datetime, dt.datetime]:
    start = (timezone.now().astimezone(CITY_TZ) + dt.timedelta(days=days_ahead)).replace(
        hour=10, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(hours=2)


def _today() -> dt.date:
    return timezone.now().astimezone(CITY_TZ).date()


@pytestmark_db
def test_an_instrument_without_the_rule_is_booked_freely(platform, instrument, customer):
    start, end = _slot(3)
    assert order_place(actor=customer, platform=platform, listing=instrument, customer=customer, starts_at=start,
                       ends_at=end)


@pytestmark_db
def test_with_the_rule_only_a_qualification_valid_on_the_day_books(platform, provider, instrument, customer,
                                                                   in_english):
    services.requirements_set(actor=provider, listing=instrument, codes=[CODE])
    start, end = _slot(10)
    with pytest.raises(QualificationMissing) as caught:
        order_place(actor=customer, platform=platform, listing=instrument, customer=customer, starts_at=start,
                    ends_at=end)
    assert caught.value.field == f"qualifications.{CODE}" and "Instrument user qualification" in str(
        caught.value.message)
    # Valid until the day before the booking: expired, saying until when.
    day_before = start.date() - dt.timedelta(days=1)
    services.qualification_record(actor=provider, platform=platform, holder=customer, code=CODE,
                                  trained_on=_today() - dt.timedelta(days=30), expires_on=day_before, record_no="T-1")
    with pytest.raises(QualificationExpired) as caught:
        order_place(actor=customer, platform=platform, listing=instrument, customer=customer, starts_at=start,
                    ends_at=end)
    assert caught.value.field == f"qualifications.{CODE}" and day_before.isoformat() in str(caught.value.message)
    assert not Order.objects.exists()
    # Valid through the booking's day (included): booked.
    services.qualification_record(actor=provider, platform=platform, holder=customer, code=CODE,
                                  trained_on=_today(), expires_on=start.date(), record_no="T-2")
    assert order_place(actor=customer, platform=platform, listing=instrument, customer=customer, starts_at=start,
                       ends_at=end)


@pytestmark_db
def test_another_owners_record_does_not_count(platform, provider, instrument, customer):
    services.requirements_set(actor=provider, listing=instrument, codes=[CODE])
    other_owner = factories.make_provider(platform)
    make_listing(platform, other_owner, title="透射电镜 TEM")
    services.qualification_record(actor=other_owner, platform=platform, holder=customer, code=CODE,
                                  trained_on=_today(), expires_on=_today() + dt.timedelta(days=365))
    start, end = _slot(3)
    with pytest.raises(QualificationMissing):
        order_place(actor=customer, platform=platform, listing=instrument, customer=customer, starts_at=start,
                    ends_at=end)


@pytestmark_db
def test_recording_refuses_what_does_not_fit(platform, provider, instrument, customer):
    cases = [
        ({"code": "food_business_licence"}, "code"),
        ({"trained_on": _today() + dt.timedelta(days=1)}, "trained_on"),
        ({"expires_on": _today() - dt.timedelta(days=1)}, "expires_on"),
        ({"expires_on": _today() + dt.timedelta(days=11 * 366)}, "expires_on"),
        ({"record_no": "T\x00"}, "record_no"),
        ({"record_no": "x" * 65}, "record_no"),
        ({"holder": provider}, "holder"),
    ]
    for change, field in cases:
        data = {"actor": provider, "platform": platform, "holder": customer, "code": CODE, "trained_on": _today(),
                "expires_on": _today() + dt.timedelta(days=30), **change}
        with pytest.raises(InvalidQualification) as caught:
            services.qualification_record(**data)
        assert caught.value.field == field, change
    with pytest.raises(NotTheOwner):
        services.requirements_set(actor=customer, listing=instrument, codes=[CODE])
    with pytest.raises(InvalidQualification) as caught:
        services.requirements_set(actor=provider, listing=instrument, codes=["food_business_licence"])
    assert caught.value.field == "codes"
    assert not Qualification.objects.exists()


@pytestmark_db
def test_the_owner_sets_the_rule_and_records_on_the_page(english_client, platform, provider, instrument, customer):
    customer.phone = "13800000001"
    customer.save(update_fields=["phone"])
    client = english_client
    client.force_login(provider)
    url = reverse("qualifications:owner", args=[platform.slug])
    page = client.get(url).content.decode()
    assert f'data-listing="{instrument.public_id}"' in page
    saved = client.post(url, {"action": "requirements", "listing": str(instrument.public_id), "codes": [CODE]})
    assert saved.status_code == 302
    listing_page = client.get(reverse("orders:listing", args=[platform.slug, instrument.public_id])).content.decode()
    assert 'data-testid="qualifications-required"' in listing_page and "Instrument user qualification" in listing_page
    form = {"action": "record", "holder": "13800000001", "code": CODE, "record_no": "SEM-2026-07",
            "trained_on": _today().isoformat(), "expires_on": (_today() + dt.timedelta(days=180)).isoformat()}
    unknown = client.post(url, {**form, "holder": "13900000000"})
    assert unknown.status_code == 404 and "No one on this platform" in unknown.content.decode()
    recorded = client.post(url, form)
    assert recorded.status_code == 302
    html = client.get(url).content.decode()
    assert 'data-valid="yes"' in html and "SEM-2026-07" in html


@pytestmark_db
def test_the_api_records_sets_and_says_what_a_booking_requires(platform, provider, instrument, customer):
    client = Client()
    key = factories.api_key(platform)
    as_owner = {"X-API-Key": key, "X-Acting-User": str(provider.public_id)}
    prefix = f"/api/v1/p/{platform.slug}"
    rules_url = f"{prefix}/qualification-requirements/{instrument.public_id}"
    put = client.put(rules_url, {"codes": [CODE]}, content_type="application/json", headers=as_owner)
    assert put.status_code == 200 and [r["code"] for r in put.json()] == [CODE]
    said = client.get(f"{prefix}/booking-requirements/{instrument.public_id}", headers=as_owner).json()
    assert [q["code"] for q in said["qualifications"]] == [CODE] and said["follow_up_only"] is False
    body = {"holder_id": str(customer.public_id), "code": CODE, "record_no": "SEM-1",
            "trained_on": _today().isoformat(), "expires_on": (_today() + dt.timedelta(days=90)).isoformat()}
    created = client.post(f"{prefix}/qualifications", body, content_type="application/json", headers=as_owner)
    assert created.status_code == 201 and created.json()["valid_today"] is True
    as_holder = {"X-API-Key": key, "X-Acting-User": str(customer.public_id)}
    held = client.get(f"{prefix}/qualifications", {"role": "holder"}, headers=as_holder).json()
    assert [q["record_no"] for q in held] == ["SEM-1"]
    # Hostile input: 4xx naming the field, never 5xx.
    other = factories.make_platform()
    stranger = factories.make_user(platform=other)
    for change, field in (({"holder_id": str(stranger.public_id)}, "holder_id"),
                          ({"holder_id": "not-a-uuid"}, "holder_id"),
                          ({"code": "x" * 65}, "code"),
                          ({"trained_on": 20260101}, "trained_on"),
                          ({"expires_on": "2026-02-30"}, "expires_on"),
                          ({"record_no": ["a"]}, "record_no")):
        answer = client.post(f"{prefix}/qualifications", {**body, **change}, content_type="application/json",
                             headers=as_owner)
        assert 400 <= answer.status_code < 500 and field in answer.content.decode(), (change, answer.content)
    assert client.get(f"{prefix}/qualifications", {"role": "x"}, headers=as_owner).json()["field"] == "role"
    too_many = client.put(rules_url, {"codes": ["a"] * 21}, content_type="application/json", headers=as_owner)
    assert too_many.status_code in (400, 422) and "codes" in too_many.content.decode()
    not_owner = client.put(rules_url, {"codes": []}, content_type="application/json", headers=as_holder)
    assert not_owner.status_code == 403 and not_owner.json()["field"] == "listing"
    elsewhere = client.put(f"/api/v1/p/{other.slug}/qualification-requirements/{instrument.public_id}",
                           {"codes": []}, content_type="application/json",
                           headers={"X-API-Key": factories.api_key(other), "X-Acting-User": str(stranger.public_id)})
    assert elsewhere.status_code == 404 and elsewhere.json()["field"] == "listing"
    missing = client.put(f"{prefix}/qualification-requirements/{uuid.uuid4()}", {"codes": []},
                         content_type="application/json", headers=as_owner)
    assert missing.status_code == 404
