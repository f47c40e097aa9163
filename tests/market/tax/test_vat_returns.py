"""The month's VAT returns a platform files on its workers' behalf (代办申报), prepared from the withholding register
(国家税务总局公告2025年第16号 第二条第(一)项; 财政部 税务总局公告2023年第19号: monthly sales up to 100,000 yuan
excluding VAT exempt, the 3% levy rate reduced to 1%, guidance to register above 5 million yuan in 12 months)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from django.test import Client

from sharecity.market.accounts.models import ProviderProfile, SubjectKind
from sharecity.market.payments import services as payments
from sharecity.market.payments.gateway import OfflineGateway
from sharecity.market.payments.models import CommissionRule
from sharecity.market.platforms.services import operator_add
from sharecity.market.tax.models import VatReturn, Withholding
from sharecity.market.tax.selectors import vat_returns_of_month
from sharecity.market.tax.services import prepare_vat_returns
from tests import factories
from tests.market.engine_factories import category

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _gateway_reset():
    OfflineGateway.reset()
    yield
    OfflineGateway.reset()


def paid(platform, provider, customer, amount_fen: int, *, month: dt.date) -> None:
    """A payment released to ``provider``, its register row moved to ``month`` (as if paid then)."""
    order_ref = str(uuid.uuid4())
    payments.payment_collect(platform=platform, order_ref=order_ref, customer=customer, amount_fen=amount_fen)
    payments.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="skills",
                            amount_fen=amount_fen)
    Withholding.objects.filter(order_ref=order_ref).update(month=month)


@pytest.fixture
def world():
    category("skills")
    platform = factories.make_platform()
    CommissionRule.objects.create(platform=platform, category_code="", percent_bp=1000)  # 10% commission
    at, above, business = (factories.make_provider(platform) for _ in range(3))
    ProviderProfile.objects.filter(user=business).update(kind=SubjectKind.BUSINESS)
    customer = factories.make_user(platform=platform)
    paid(platform, at, customer, 101_000_00, month=MARCH)
    paid(platform, above, customer, 50_000_00, month=MARCH)
    paid(platform, above, customer, 51_010_00, month=MARCH)
    paid(platform, business, customer, 200_000_00, month=MARCH)
    return {"platform": platform, "at": at, "above": above, "business": business, "customer": customer}


def test_a_month_at_exactly_the_threshold_is_exempt_and_one_above_is_taxed_in_full(world):
    returns = {r.provider_id: r for r in prepare_vat_returns(platform=world["platform"], month=MARCH)}
    assert set(returns) == {world["at"].pk, world["above"].pk}  # a business files its own VAT
    at, above = returns[world["at"].pk], returns[world["above"].pk]
    # The VAT income is what customers paid, commission included: 101,000 yuan / 1.01 = 100,000.00 → exempt.
    assert (at.income_fen, at.sales_fen, at.exempt, at.vat_fen) == (101_000_00, 100_000_00, True, 0)
    # 101,010 yuan in two payments: sales 100,009.90 > 100,000, taxed in full at 1%: 1,000.10 yuan.
    assert (above.payments, above.sales_fen, above.exempt, above.vat_fen) == (2, 100_009_90, False, 1_000_10)
    assert str(above.levy_rate) == "0.0100" and "2025年第16号" in above.source and "2023年第19号" in above.source


def test_preparing_again_writes_nothing_and_a_corrected_month_gets_a_new_version(world):
    first = prepare_vat_returns(platform=world["platform"], month=MARCH)
    again = prepare_vat_returns(platform=world["platform"], month=MARCH)
    assert [r.pk for r in first] == [r.pk for r in again] and VatReturn.objects.count() == 2
    paid(world["platform"], world["at"], world["customer"], 100_00, month=MARCH)  # booked to March later
    prepare_vat_returns(platform=world["platform"], month=MARCH)
    assert VatReturn.objects.count() == 3
    current = {r.provider_id: r for r in vat_returns_of_month(platform=world["platform"], month=MARCH)}
    assert (current[world["at"].pk].version, current[world["at"].pk].exempt) == (2, False)
    assert VatReturn.objects.get(provider=world["at"], version=1).exempt  # what was computed then stays


def test_a_worker_past_5_million_in_12_months_is_guided_to_register(world):
    platform, worker = world["platform"], factories.make_provider(world["platform"])
    paid(platform, worker, world["customer"], 4_700_000_00, month=dt.date(2025, 4, 1))  # 11 months before: counted
    paid(platform, worker, world["customer"], 1_000_000_00, month=dt.date(2025, 3, 1))  # 12 months before: not
    paid(platform, worker, world["customer"], 300_000_01, month=MARCH)
    returns = {r.provider_id: r for r in prepare_vat_returns(platform=platform, month=MARCH)}
    assert returns[worker.pk].twelve_months_fen == 5_000_000_01 and returns[worker.pk].guide_to_register
    assert not returns[world["above"].pk].guide_to_register


# --- page and API ----------------------------------------------------------------------------------------------


@pytest.fixture
def operator(world):
    user = factories.make_user(platform=world["platform"])
    operator_add(actor=None, platform=world["platform"], user=user)
    client = Client()
    client.force_login(user)
    return client


def test_the_operator_prepares_lists_and_exports_the_month(world, operator):
    slug = world["platform"].slug
    response = operator.post(f"/api/v1/p/{slug}/tax/vat-returns", {"month": "2026-03"},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    body = operator.get(f"/api/v1/p/{slug}/tax/vat-returns?month=2026-03").json()
    assert body["totals"] == {"returns": 2, "exempt": 1, "guide_to_register": 0, "income_fen": 202_010_00,
                              "sales_fen": 200_009_90, "vat_fen": 1_000_10}
    page = operator.get(f"/p/{slug}/operator/tax/?month=2026-03").content.decode()
    assert "1,000.10" in page or "1000.10" in page
    rows = list(csv.reader(io.StringIO(
        operator.get(f"/api/v1/p/{slug}/tax/vat-returns/file?month=2026-03&format=csv").content.decode("utf-8-sig"))))
    assert rows[0][0] == "序号" and len(rows) == 3 and "1000.10" in [cell for row in rows for cell in row]
    assert {row[9] for row in rows[1:]} == {"1%"}  # the levy rate as people read it
    xlsx = operator.get(f"/p/{slug}/operator/tax/vat/2026-03/file/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    prepared = operator.post(f"/p/{slug}/operator/tax/vat/prepare/", {"month": "2026-03"})
    assert prepared.status_code == 302 and VatReturn.objects.count() == 2


def test_the_worker_sees_their_own_returns_on_the_statement(world):
    prepare_vat_returns(platform=world["platform"], month=MARCH)
    client = Client()
    client.force_login(world["above"])
    page = client.get(f"/p/{world['platform'].slug}/tax/statement/?year=2026")
    assert page.status_code == 200 and 'data-testid="statement-vat"' in page.content.decode()
    body = client.get(f"/api/v1/p/{world['platform'].slug}/tax/statement?year=2026").json()
    assert [(r["month"], r["vat_fen"]) for r in body["vat_returns"]] == [("2026-03-01", 1_000_10)]


@pytest.mark.parametrize("query", [
    "month=2026-13", "month=26-03", "month=abcdefg", "month=2026-03-01", "month=2026%0003", "month=1999-01",
    "month=" + "9" * 5000, "month=2999-01", "format=exe&month=2026-03", "month=2026-3",
])
def test_hostile_month_queries_answer_4xx_naming_the_field(world, operator, query):
    slug = world["platform"].slug
    for path in ("/tax/vat-returns/file",) if "exe" in query else ("/tax/vat-returns", "/tax/vat-returns/file"):
        response = operator.get(f"/api/v1/p/{slug}{path}?{query}")
        assert 400 <= response.status_code < 500, (path, query, response.content)
        assert ("format" if "exe" in query else "month") in response.content.decode()


@pytest.mark.parametrize("body", [{"month": 202603}, {"month": ["2026-03"]}, {}, {"month": "2026-03\n"},
                                  {"month": "2026-00"}, {"month": "x" * 10_000}])
def test_hostile_prepare_bodies_answer_4xx_and_write_nothing(world, operator, body):
    response = operator.post(f"/api/v1/p/{world['platform'].slug}/tax/vat-returns", body,
                             content_type="application/json")
    assert 400 <= response.status_code < 500 and "month" in response.content.decode()
    assert not VatReturn.objects.exists()


def test_a_worker_and_another_platforms_operator_are_refused(world):
    slug = world["platform"].slug
    prepare_vat_returns(platform=world["platform"], month=MARCH)
    worker = Client()
    worker.force_login(world["at"])
    assert worker.get(f"/api/v1/p/{slug}/tax/vat-returns?month=2026-03").status_code == 403
    assert worker.get(f"/p/{slug}/operator/tax/vat/2026-03/file/").status_code == 403
    elsewhere = factories.make_platform()
    stranger = factories.make_user(platform=elsewhere)
    operator_add(actor=None, platform=elsewhere, user=stranger)
    client = Client()
    client.force_login(stranger)
    assert client.get(f"/api/v1/p/{slug}/tax/vat-returns/file?month=2026-03").status_code == 403
    assert client.post(f"/p/{slug}/operator/tax/vat/prepare/", {"month": "2026-03"}).status_code == 403
    own = client.get(f"/api/v1/p/{elsewhere.slug}/tax/vat-returns?month=2026-03").json()
    assert own["returns"] == []  # another platform's returns are not in its list
    key = factories.api_key(elsewhere)
    assert Client().get(f"/api/v1/p/{slug}/tax/vat-returns", HTTP_X_API_KEY=key).status_code in (403, 404)
