"""The occupational-injury monthly reports on the hub (``injury.monthly_report`` v1): a market platform's report
travels the exchange and is stored as a fact; the city's officers see per platform which months were reported and
which are late; hostile reports (wrong types, oversize, totals that do not add up, another platform's workers) are
quarantined with the reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.facts.models import SubjectFact
from sharecity.hub.intake.models import QuarantinedMessage
from sharecity.hub.intake.services import Outcome, intake_pump, intake_receive
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.hub.tax.injury import due_date
from sharecity.hub.tax.models import InjuryReport
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.injury import services
from sharecity.market.orders.models import Order
from tests import factories
from tests.hub.hostile import ExternalPlatform
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db

TEST_RATE = {"province_code": "35", "industry": "travel", "effective_from": dt.date(2025, 7, 1),
             "fen_per_order": 7, "source": "test figure (not official)", "verified": False}
AFTER_JULY = dt.datetime(2025, 8, 10, 9, 0, tzinfo=CITY_TZ)


def _pump() -> None:
    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def _officer(username: str, **where):
    user = factories.make_user(username)
    regulator_profile_set(actor=None, user=user, department="人社局", department_kind="tax", **where)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reported():
    """A Xiamen ride-hailing platform registered in June 2025 with three covered rides in July 2025 by two
    drivers, which reported July and nothing else."""
    platform = factories.make_platform(name="鹭岛出行测试")
    services.rates_load(actor=None, rows=[TEST_RATE])
    for rides in (2, 1):
        driver = factories.make_provider(platform)
        listing = make_listing(platform, driver, category_code="ride_hailing_trip", district_code="350203",
                               price_unit="hour")
        for day in range(rides):
            order = Order.objects.create(
                platform=platform, listing=listing, customer=factories.make_user(platform=platform), provider=driver,
                process="instant_booking", state="completed", unit_price_fen=3_000, subtotal_fen=3_000,
                total_fen=3_000, completed_at=dt.datetime(2025, 7, 2 + day, 10, tzinfo=CITY_TZ))
            services.contribution_for_order(order=order)
    services.monthly_report_file(actor=None, platform=platform, year=2025, month=7, now=AFTER_JULY)
    _pump()
    RegisteredPlatform.objects.filter(platform_id=platform.exchange_id).update(
        registered_at=dt.datetime(2025, 6, 1, tzinfo=CITY_TZ))
    return platform


def test_due_day_is_the_end_of_the_following_month():
    assert due_date(dt.date(2025, 7, 1)) == dt.date(2025, 8, 31)
    assert due_date(dt.date(2025, 12, 1)) == dt.date(2026, 1, 31)


def test_the_report_travels_the_exchange_and_the_citys_officer_sees_months_reported_and_overdue(reported):
    report = InjuryReport.objects.get(platform_id=reported.exchange_id)
    assert (report.year, report.month, report.orders_covered, report.contribution_fen, report.workers_covered) == (
        2025, 7, 3, 21, 2)
    assert not QuarantinedMessage.objects.exists()
    officer = _officer("xiamen-hrss", city_code="350200")
    rows = {r["month"]: r for r in officer.get("/api/v1/hub/tax/injury").json()
            if r["platform_id"] == reported.exchange_id}
    # June was before the pilot reached Fujian: not owed. July was reported (today, after its due day: late).
    assert "2025-06-01" not in rows
    assert rows["2025-07-01"]["reported_on"] is not None and rows["2025-07-01"]["orders_covered"] == 3
    assert rows["2025-07-01"]["status"] == "late" and rows["2025-07-01"]["due"] == "2025-08-31"
    assert rows["2025-08-01"]["status"] == "overdue"
    InjuryReport.objects.filter(platform_id=reported.exchange_id).update(sent_at=AFTER_JULY)
    on_time = officer.get("/api/v1/hub/tax/injury?status=on_time").json()
    assert [(r["platform_id"], r["month"]) for r in on_time] == [(reported.exchange_id, "2025-07-01")]
    page = officer.get("/hub/tax/injury/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "鹭岛出行测试" in page and 'data-testid="due-rule-unverified"' in page


def test_another_citys_officer_does_not_see_the_platform_and_non_officers_are_refused(reported):
    tianjin = _officer("tianjin-hrss", city_code="120100")
    assert all(r["platform_id"] != reported.exchange_id for r in tianjin.get("/api/v1/hub/tax/injury").json())
    assert "鹭岛出行测试" not in tianjin.get("/hub/tax/injury/").content.decode()
    person = Client()
    person.force_login(factories.make_user("not-an-officer"))
    assert person.get("/api/v1/hub/tax/injury").status_code in (401, 403)
    assert person.get("/hub/tax/injury/").status_code == 403


@pytest.mark.parametrize("query", ["status=%00", "status=" + "x" * 500, "status=late%0a"])
def test_hostile_filters_answer_4xx_naming_the_field(query):
    officer = _officer("xiamen-hrss-2", city_code="350200")
    response = officer.get(f"/api/v1/hub/tax/injury?{query}")
    assert 400 <= response.status_code < 500 and "status" in response.content.decode()
    assert officer.get(f"/hub/tax/injury/?{query}").status_code == 200


# --- hostile exchange input ---------------------------------------------------------------------------------


def report(**changes) -> dict:
    body = {"report_id": "INJ-202507-1", "year": 2025, "month": 7, "orders_covered": 3, "contribution_fen": 21,
            "orders_rate_not_loaded": 0,
            "workers": [{"worker_key": "pk-driver-0001", "industry": "travel", "orders_covered": 3,
                         "contribution_fen": 21}]}
    body.update(changes)
    return body


WORKER = {"worker_key": "pk-driver-0001", "industry": "travel", "orders_covered": 1, "contribution_fen": 7}


@pytest.mark.parametrize(("payload", "field"), [
    (report(orders_covered="3"), "payload.orders_covered"),
    (report(contribution_fen=21.0), None),
    (report(month=13), "payload.month"),
    (report(contribution_fen=-1), "payload.contribution_fen"),
    (report(orders_covered=4), "payload.orders_covered"),  # not the sum of the workers' orders
    (report(workers=[{**WORKER, "industry": "boats"}], orders_covered=1, contribution_fen=7),
     "payload.workers.0.industry"),
    (report(workers=[{**WORKER, "worker_key": f"pk-driver-{i:06d}"} for i in range(2001)], orders_covered=2001,
            contribution_fen=2001 * 7), "payload.workers"),
    (report(report_id="INJ\x00-1"), "payload.report_id"),
    (report(workers=[WORKER, WORKER], orders_covered=2, contribution_fen=14), "payload.workers"),
])
def test_a_hostile_report_is_quarantined_naming_the_field(payload, field):
    platform = ExternalPlatform.onboard("外部出行平台")
    envelope = platform.seal(message_type="injury.monthly_report", payload=payload)
    assert intake_receive(envelope.to_bytes()) == Outcome.QUARANTINED
    quarantined = QuarantinedMessage.objects.get(message_id=envelope.message_id)
    if field is not None:
        assert quarantined.field == field, quarantined.reason
    assert not InjuryReport.objects.exists()


def test_a_report_naming_another_platforms_worker_is_quarantined_with_the_reason():
    ours = ExternalPlatform.onboard("外部出行平台甲")
    theirs = ExternalPlatform.onboard("外部出行平台乙")
    SubjectFact.objects.create(platform_id=theirs.platform_id, subject_key="pk-driver-0001", subject_kind="person")
    envelope = ours.seal(message_type="injury.monthly_report", payload=report())
    assert intake_receive(envelope.to_bytes()) == Outcome.QUARANTINED
    quarantined = QuarantinedMessage.objects.get(message_id=envelope.message_id)
    assert quarantined.field == "workers" and quarantined.code == "injury.foreign_worker"
    assert "another platform" in quarantined.reason
    # The same person registered with both platforms (one pseudonym across platforms) is accepted.
    SubjectFact.objects.create(platform_id=ours.platform_id, subject_key="pk-driver-0001", subject_kind="person")
    ours_again = ExternalPlatform.onboard("外部出行平台丙")
    SubjectFact.objects.create(platform_id=ours_again.platform_id, subject_key="pk-driver-0001",
                               subject_kind="person")
    good = ours_again.seal(message_type="injury.monthly_report", payload=report())
    assert intake_receive(good.to_bytes()) == Outcome.APPLIED
    assert InjuryReport.objects.get().workers_covered == 1
