"""The tax department's view of the platforms' quarterly tax reports (国务院令第810号 第四条第一款): a report filed
by a market platform travels the exchange, the hub records its parts, and officers of the platform's city see
which quarters were filed on time, late, or are overdue; another city's officers do not see the platform."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.hub.tax.deadlines import due_date, quarters_owed
from sharecity.hub.tax.models import TaxReportPart
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.payments import services as payments
from sharecity.market.payments.gateway import OfflineGateway
from sharecity.market.payments.models import JournalEntry
from sharecity.market.tax.services import quarterly_report_file
from tests import factories
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db

AFTER_Q4 = dt.datetime(2026, 1, 10, 9, 0, tzinfo=CITY_TZ)


def _pump() -> None:
    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def _officer(username: str, **where):
    user = factories.make_user(username)
    regulator_profile_set(actor=None, user=user, department="税务局", department_kind="tax", **where)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def filed():
    """A Xiamen platform registered in August 2025 that filed 2025Q4 (with one provider's income) and nothing
    else."""
    OfflineGateway.reset()
    platform = factories.make_platform(name="鹭岛税务测试平台")
    provider = factories.make_provider(platform)
    customer = factories.make_user(platform=platform)
    listing = make_listing(platform, provider)
    from sharecity.market.orders.models import Order

    order = Order.objects.create(platform=platform, listing=listing, customer=customer, provider=provider,
                                 process="instant_booking", state="completed", unit_price_fen=12_000,
                                 subtotal_fen=12_000, total_fen=12_000)
    payments.payment_collect(platform=platform, order_ref=str(order.public_id), customer=customer, amount_fen=12_000)
    payments.escrow_release(platform=platform, order_ref=str(order.public_id), provider=provider,
                            category_code="lab_instruments", amount_fen=12_000)
    JournalEntry.objects.filter(platform=platform).update(created_at=dt.datetime(2025, 11, 3, tzinfo=CITY_TZ))
    quarterly_report_file(actor=None, platform=platform, year=2025, quarter=4, now=AFTER_Q4)
    _pump()
    RegisteredPlatform.objects.filter(platform_id=platform.exchange_id).update(
        registered_at=dt.datetime(2025, 8, 1, tzinfo=CITY_TZ))
    yield platform
    OfflineGateway.reset()


def test_deadlines_are_the_end_of_the_month_after_the_quarter():
    assert due_date(2025, 3)[0] == dt.date(2025, 10, 31)
    assert due_date(2025, 4)[0] == dt.date(2026, 1, 31)
    assert "第四条第一款" in due_date(2025, 4)[1]
    assert quarters_owed(since=dt.date(2025, 1, 1), today=dt.date(2026, 1, 5)) == [(2025, 3), (2025, 4)]


def test_the_hub_records_the_report_and_the_citys_officer_sees_late_and_overdue_quarters(filed):
    part = TaxReportPart.objects.get(platform_id=filed.exchange_id)
    assert (part.year, part.quarter, part.part, part.parts, part.provider_rows) == (2025, 4, 1, 1, 1)
    assert part.totals["gross_fen"] == 12_000
    officer = _officer("xiamen-tax", city_code="350200")
    rows = {(r["year"], r["quarter"]): r for r in officer.get("/api/v1/hub/tax/reports").json()
            if r["platform_id"] == filed.exchange_id}
    assert rows[(2025, 3)]["status"] == "overdue" and rows[(2025, 3)]["filed_on"] is None
    # sent today, long after 2026-01-31
    assert rows[(2025, 4)]["status"] == "late" and rows[(2025, 4)]["due"] == "2026-01-31"
    assert rows[(2025, 4)]["provider_count"] == 1
    TaxReportPart.objects.filter(platform_id=filed.exchange_id).update(sent_at=AFTER_Q4)
    on_time = officer.get("/api/v1/hub/tax/reports?year=2025&quarter=4&status=on_time").json()
    assert [r["platform_id"] for r in on_time] == [filed.exchange_id]
    page = officer.get("/hub/tax/?status=overdue")
    assert page.status_code == 200 and "鹭岛税务测试平台" in page.content.decode()


def test_another_citys_officer_does_not_see_the_platform(filed):
    tianjin = _officer("tianjin-tax", city_code="120100")
    assert all(r["platform_id"] != filed.exchange_id for r in tianjin.get("/api/v1/hub/tax/reports").json())
    assert "鹭岛税务测试平台" not in tianjin.get("/hub/tax/").content.decode()
    response = tianjin.get(f"/api/v1/hub/tax/reports?platform_id={filed.exchange_id}")
    assert response.status_code == 404 and response.json()["field"] == "platform_id"
    assert tianjin.get(f"/hub/tax/?platform={filed.exchange_id}").status_code == 404
    xiamen = _officer("xiamen-tax-3", city_code="350200")
    own = xiamen.get(f"/api/v1/hub/tax/reports?platform_id={filed.exchange_id}").json()
    assert own and {r["platform_id"] for r in own} == {filed.exchange_id}


def test_people_who_are_not_officers_are_refused(filed):
    person = Client()
    person.force_login(factories.make_user("not-an-officer"))
    assert person.get("/api/v1/hub/tax/reports").status_code in (401, 403)
    assert person.get("/hub/tax/").status_code == 403
    assert Client().get("/api/v1/hub/tax/reports").status_code in (401, 403)


@pytest.mark.parametrize(("query", "field"), [
    ("year=abc", "year"), ("quarter=5", "quarter"), ("status=%00", "status"), ("status=" + "x" * 500, "status"),
    ("year=99999999999999999999", "year"), ("platform_id=%0a", "platform_id"),
    ("platform_id=" + "p" * 65, "platform_id"),
])
def test_hostile_filters_answer_4xx_naming_the_field(query, field):
    officer = _officer("xiamen-tax-2", city_code="350200")
    response = officer.get(f"/api/v1/hub/tax/reports?{query}")
    assert 400 <= response.status_code < 500
    assert field in response.content.decode()
    assert officer.get(f"/hub/tax/?{query}").status_code == 200  # the page ignores a bad filter
