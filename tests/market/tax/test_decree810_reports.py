"""The Decree 810 quarterly report (国务院令第810号 第四条) generated from a platform's ledger and orders: its
deadline, the exemption of 便民劳务 workers' income (第四条第二款), the files (CSV/XLSX with Chinese headings),
the operator's page and API, and the ``tax.quarterly_report`` messages with identities sealed to the tax key."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from sharecity.exchange.schemas import payload_validate
from sharecity.exchange.sealing import department_keypair_generate, key_id, seal_context, unseal
from sharecity.kernel.errors import Conflict, InvalidInput
from sharecity.kernel.models import OutboxMessage
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.orders.models import Order
from sharecity.market.payments import services as payments
from sharecity.market.payments.gateway import OfflineGateway
from sharecity.market.payments.models import CommissionRule, JournalEntry
from sharecity.market.platforms.services import operator_add
from sharecity.market.tax import reports
from sharecity.market.tax.decree810 import Quarter, exemption_at, income_exempt, quarter_parse, quarters_due
from sharecity.market.tax.models import QuarterlyFiling
from sharecity.market.tax.selectors import quarter_data
from sharecity.market.tax.services import quarterly_report_file
from tests import factories
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db

Q4_2025 = Quarter(2025, 4)
IN_Q4 = dt.datetime(2025, 11, 15, 10, 0, tzinfo=CITY_TZ)
AFTER_Q4 = dt.datetime(2026, 1, 10, 9, 0, tzinfo=CITY_TZ)


@pytest.fixture(autouse=True)
def _gateway_reset():
    OfflineGateway.reset()
    yield
    OfflineGateway.reset()


@pytest.fixture
def tax_keys(settings):
    private, public = department_keypair_generate()
    settings.SHARECITY_TAX_DEPARTMENT_PUBLIC_KEY = public
    return private, public


def _order(platform, listing, customer, amount_fen: int) -> Order:
    return Order.objects.create(platform=platform, listing=listing, customer=customer, provider=listing.provider,
                                process="instant_booking", state="completed", unit_price_fen=amount_fen,
                                subtotal_fen=amount_fen, total_fen=amount_fen)


def _paid(platform, listing, customer, amount_fen: int, *, refund_fen: int = 0) -> Order:
    order = _order(platform, listing, customer, amount_fen)
    ref = str(order.public_id)
    payments.payment_collect(platform=platform, order_ref=ref, customer=customer, amount_fen=amount_fen)
    payments.escrow_release(platform=platform, order_ref=ref, provider=listing.provider,
                            category_code=listing.category.code, amount_fen=amount_fen)
    if refund_fen:
        payments.refund(platform=platform, order_ref=ref, customer=customer, amount_fen=refund_fen, reason="退货")
    return order


@pytest.fixture
def world():
    """A demo-like platform in 2025Q4: a lab-instrument provider (two orders, one partly refunded after release,
    10% commission), a housekeeper with little income (exempt income), and a lab provider whose money was
    released in the next quarter (not in this report)."""
    platform = factories.make_platform()
    CommissionRule.objects.create(platform=platform, category_code="", percent_bp=1000)
    lab = factories.make_provider(platform)
    keeper = factories.make_provider(platform)
    later = factories.make_provider(platform)
    customer = factories.make_user(platform=platform)
    lab_listing = make_listing(platform, lab, district_code="350206")
    keeper_listing = make_listing(platform, keeper, category_code="housekeeping", district_code="350203")
    later_listing = make_listing(platform, later)
    _paid(platform, lab_listing, customer, 10_000)
    _paid(platform, lab_listing, customer, 20_000, refund_fen=5_000)
    _paid(platform, keeper_listing, customer, 8_000)
    JournalEntry.objects.filter(platform=platform).update(created_at=IN_Q4)
    _paid(platform, later_listing, customer, 50_000)
    JournalEntry.objects.filter(platform=platform, created_at__gt=IN_Q4).update(created_at=AFTER_Q4)
    return {"platform": platform, "lab": lab, "keeper": keeper, "later": later, "customer": customer}


# --- rules as data ------------------------------------------------------------------------------


def test_quarter_report_is_due_by_the_end_of_the_month_after_the_quarter():
    # 第四条第一款 "于季度终了的次月内": 2025Q3 ends 30 September, due by 31 October; Q4 due by 31 January.
    assert Quarter(2025, 3).due == dt.date(2025, 10, 31)
    assert Quarter(2025, 4).due == dt.date(2026, 1, 31)
    assert Quarter(2026, 1).due == dt.date(2026, 4, 30)


def test_quarters_owed_start_with_2025q3_and_exclude_the_running_quarter():
    owed = quarters_due(first_day=dt.date(2024, 5, 1), today=dt.date(2026, 2, 1))
    assert [q.label for q in owed] == ["2025Q3", "2025Q4"]
    assert [q.label for q in quarters_due(first_day=dt.date(2025, 11, 3), today=dt.date(2026, 4, 2))] == [
        "2025Q4", "2026Q1"]


def test_a_quarter_before_the_first_report_is_refused_with_the_field_named():
    with pytest.raises(InvalidInput) as error:
        quarter_parse(2025, 2)
    assert error.value.field == "quarter"
    with pytest.raises(InvalidInput) as error:
        quarter_parse(2025, 5)
    assert error.value.field == "quarter"


def test_convenience_workers_income_is_exempt_only_when_they_owe_no_tax():
    # 国务院令第810号 第四条第二款, in force from 2025-06-20
    rule = exemption_at(dt.date(2025, 12, 31))
    assert income_exempt(rule=rule, subject_kind="person", sectors={"housekeeping"}, income_fen=8_000,
                         withheld_fen=0)
    assert not income_exempt(rule=rule, subject_kind="person", sectors={"housekeeping"}, income_fen=8_000,
                             withheld_fen=1)
    assert not income_exempt(rule=rule, subject_kind="business", sectors={"housekeeping"}, income_fen=8_000,
                             withheld_fen=0)
    assert not income_exempt(rule=rule, subject_kind="person", sectors={"housekeeping", "lab_instruments"},
                             income_fen=8_000, withheld_fen=0)
    assert not income_exempt(rule=rule, subject_kind="person", sectors={"catering"},
                             income_fen=rule.quarter_income_up_to_fen + 1, withheld_fen=0)
    with pytest.raises(InvalidInput):
        exemption_at(dt.date(2025, 6, 19))


# --- the quarter's data --------------------------------------------------------------------------


def test_quarter_data_reads_income_refunds_and_commission_from_the_ledger(world):
    data = quarter_data(platform=world["platform"], quarter=Q4_2025)
    by_user = {p.user_id: p for p in data.providers}
    assert set(by_user) == {world["lab"].pk, world["keeper"].pk}  # the later release is in 2026Q1
    lab = by_user[world["lab"].pk]
    assert (lab.order_count, lab.gross_fen, lab.refunds_fen, lab.net_fen, lab.commission_fen) == (
        2, 30_000, 5_000, 25_000, 3_000)
    assert lab.district == "350206" and lab.id_number and lab.legal_name == "测试人"
    keeper = by_user[world["keeper"].pk]
    assert keeper.income_exempt and not lab.income_exempt
    assert [p.user_id for p in data.reported] == [world["lab"].pk]


def test_files_have_the_forms_chinese_headings_and_leave_out_exempt_income(world):
    data = quarter_data(platform=world["platform"], quarter=Q4_2025)
    identity = list(csv.reader(io.StringIO(reports.csv_bytes(data, form="identity").decode("utf-8-sig"))))
    income = list(csv.reader(io.StringIO(reports.csv_bytes(data, form="income").decode("utf-8-sig"))))
    assert identity[0][:5] == ["序号", "主体类型", "姓名或名称", "身份证件类型", "身份证件号码或统一社会信用代码"]
    assert len(identity) == 3  # both providers' identities
    assert {row[8] for row in identity[1:]} == {"是", "否"}
    assert income[0][6:9] == ["收入总额", "退款金额", "收入净额"]
    assert len(income) == 2 and income[1][6:9] == ["300.00", "50.00", "250.00"]
    assert income[1][3:5] == ["2025-10-01", "2025-12-31"]

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(reports.workbook_bytes(data)))
    assert book.sheetnames == ["身份信息报送表", "收入信息报送表"]
    assert book["收入信息报送表"].cell(row=2, column=7).value == 300


def test_a_formula_in_a_name_is_written_as_text(world):
    from sharecity.market.accounts.models import ProviderProfile

    ProviderProfile.objects.filter(user=world["lab"]).update(legal_name="=HYPERLINK(1)")
    data = quarter_data(platform=world["platform"], quarter=Q4_2025)
    text = reports.csv_bytes(data, form="income").decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


# --- filing on the exchange ------------------------------------------------------------------------


def test_filing_sends_sealed_identities_that_only_the_tax_key_opens(world, tax_keys):
    private, public = tax_keys
    filing = quarterly_report_file(actor=None, platform=world["platform"], year=2025, quarter=4, now=AFTER_Q4)
    messages = list(OutboxMessage.objects.filter(message_type="tax.quarterly_report",
                                                 platform_id=world["platform"].exchange_id))
    assert len(messages) == 1 and filing.parts == 1 and filing.exempt_count == 1
    payload = payload_validate("tax.quarterly_report", 1, messages[0].payload)
    assert payload.recipient_key_id == key_id(public)
    assert payload.totals.provider_count == 2 and payload.totals.gross_fen == 30_000  # exempt income left out
    numbers = {unseal(row.id_number, private_key=private,
                      context=seal_context("tax.quarterly_report", 1, "id_number")) for row in payload.providers}
    assert len(numbers) == 2 and all(len(n) == 18 for n in numbers)
    other, _ = department_keypair_generate()
    with pytest.raises(InvalidInput):
        unseal(payload.providers[0].legal_name, private_key=other,
               context=seal_context("tax.quarterly_report", 1, "legal_name"))


def test_a_large_report_is_sent_in_parts_each_repeating_the_totals(world, tax_keys, monkeypatch):
    monkeypatch.setattr(reports, "ROWS_PER_PART", 1)
    quarterly_report_file(actor=None, platform=world["platform"], year=2025, quarter=4, now=AFTER_Q4)
    payloads = [m.payload for m in OutboxMessage.objects.filter(message_type="tax.quarterly_report")]
    assert [(p["part"], p["parts"]) for p in payloads] == [(1, 2), (2, 2)]
    assert payloads[0]["totals"] == payloads[1]["totals"]
    assert len({p["report_id"] for p in payloads}) == 1


def test_a_quarter_still_running_cannot_be_filed(world, tax_keys):
    with pytest.raises(Conflict) as error:
        quarterly_report_file(actor=None, platform=world["platform"], year=2025, quarter=4, now=IN_Q4)
    assert error.value.field == "quarter"
    assert not QuarterlyFiling.objects.exists()


# --- page and API ----------------------------------------------------------------------------------


@pytest.fixture
def operator(world):
    user = factories.make_user(platform=world["platform"])
    operator_add(actor=None, platform=world["platform"], user=user)
    client = Client()
    client.force_login(user)
    return client


def test_the_operator_downloads_the_quarter_from_the_api_and_the_page(world, operator):
    slug = world["platform"].slug
    response = operator.get(f"/api/v1/p/{slug}/tax/reports/file?year=2025&quarter=4&form=income&format=csv")
    assert response.status_code == 200
    assert "收入总额" in response.content.decode("utf-8-sig")
    assert "attachment" in response["Content-Disposition"]
    page = operator.get(f"/p/{slug}/operator/tax/2025/4/file/?format=xlsx")
    assert page.status_code == 200 and page.content[:2] == b"PK"
    listing = operator.get(f"/p/{slug}/operator/tax/")
    assert listing.status_code == 200 and "2025Q4" in listing.content.decode()


def test_the_overview_shows_due_dates_and_what_was_filed(world, operator, tax_keys):
    slug = world["platform"].slug
    response = operator.post(f"/api/v1/p/{slug}/tax/reports", {"year": 2025, "quarter": 4},
                             content_type="application/json")
    assert response.status_code == 201, response.content
    body = operator.get(f"/api/v1/p/{slug}/tax/reports").json()
    assert body["filings"][0]["report_id"] == response.json()["report_id"]
    assert body["source"].startswith("国务院令第810号")


@pytest.mark.parametrize(("path", "field"), [
    ("/tax/reports/file?year=2025&quarter=9", "quarter"),
    ("/tax/reports/file?year=1999&quarter=4", "year"),
    ("/tax/reports/file?year=2025&quarter=4&form=passwords", "form"),
    ("/tax/reports/file?year=2025&quarter=4&format=exe", "format"),
    ("/tax/reports/file?year=2025&quarter=4&form=%00", "form"),
    ("/tax/reports/file?year=99999999999999999999&quarter=4", "year"),
])
def test_hostile_download_requests_answer_4xx_naming_the_field(world, operator, path, field):
    response = operator.get(f"/api/v1/p/{world['platform'].slug}{path}")
    assert 400 <= response.status_code < 500
    assert field in response.content.decode()


@pytest.mark.parametrize("body", [
    {"year": "2025", "quarter": 4}, {"year": 2025, "quarter": "四"}, {"year": 2025}, {"year": 2025, "quarter": 9},
    {"year": 2025, "quarter": 2}, {"year": 10**30, "quarter": 1},
])
def test_hostile_filing_bodies_answer_4xx_and_send_nothing(world, operator, body, tax_keys):
    response = operator.post(f"/api/v1/p/{world['platform'].slug}/tax/reports", body,
                             content_type="application/json")
    assert 400 <= response.status_code < 500
    assert not OutboxMessage.objects.filter(message_type="tax.quarterly_report").exists()


def test_a_provider_and_another_platforms_operator_are_refused(world):
    slug = world["platform"].slug
    provider = Client()
    provider.force_login(world["lab"])
    assert provider.get(f"/api/v1/p/{slug}/tax/reports").status_code == 403
    assert provider.get(f"/api/v1/p/{slug}/tax/reports/file?year=2025&quarter=4").status_code == 403
    assert provider.get(f"/p/{slug}/operator/tax/").status_code == 403
    elsewhere = factories.make_platform()
    stranger = factories.make_user(platform=elsewhere)
    operator_add(actor=None, platform=elsewhere, user=stranger)
    client = Client()
    client.force_login(stranger)
    assert client.get(f"/api/v1/p/{slug}/tax/reports/file?year=2025&quarter=4").status_code == 403
    assert client.post(f"/p/{slug}/operator/tax/2025/4/send/").status_code == 403
    key = factories.api_key(elsewhere)
    assert Client().get(f"/api/v1/p/{slug}/tax/reports", HTTP_X_API_KEY=key).status_code in (403, 404)


def test_the_platforms_key_reads_its_own_report(world):
    key = factories.api_key(world["platform"])
    response = Client().get(f"/api/v1/p/{world['platform'].slug}/tax/reports/file",
                            {"year": 2025, "quarter": 4, "form": "identity", "format": "csv"}, HTTP_X_API_KEY=key)
    assert response.status_code == 200 and "身份证件类型" in response.content.decode("utf-8-sig")
