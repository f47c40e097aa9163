"""The platform's Decree 810 reports in the market API (mounted by ``market.api``): the quarters with their
deadlines and filings, the quarter's files (identity and income forms, CSV or XLSX; the OECD DPI XML), and filing
the quarter on the exchange. For the platform's operator staff and its machine key only."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import StrictInt

from sharecity.kernel.errors import Forbidden
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.tax import dpi, reports, selectors, services
from sharecity.market.tax.decree810 import DECREE, platform_info_due, quarter_parse, quarters_due
from sharecity.web.exports import XLSX_CONTENT_TYPE

router = Router(tags=["tax"])


class TaxFilingOut(Schema):
    report_id: str
    year: int
    quarter: int
    parts: int
    provider_count: int
    exempt_count: int
    gross_fen: int
    recipient_key_id: str
    filed_at: dt.datetime


class TaxQuarterOut(Schema):
    year: int
    quarter: int
    first_day: dt.date
    last_day: dt.date
    due: dt.date
    filed: bool
    late: bool


class TaxOverviewOut(Schema):
    source: str
    platform_info_due: dt.date
    quarters: list[TaxQuarterOut]
    filings: list[TaxFilingOut]


class TaxFileIn(Schema):
    year: StrictInt = Field(ge=2000, le=2100)
    quarter: StrictInt = Field(ge=1, le=4)


def _operator(request, platform: str) -> Caller:
    caller = Caller(request, platform)
    if not caller.sees_whole_platform:
        raise Forbidden(_("Only the platform's operator staff may see and file its tax reports."), field="platform",
                        code="tax.operator_only")
    return caller


def tax_overview(platform) -> dict:
    today = timezone.now().astimezone(CITY_TZ).date()
    filings = list(selectors.filings_of_platform(platform=platform)[:200])
    filed = {(f.year, f.quarter): f.filed_at.astimezone(CITY_TZ).date() for f in reversed(filings)}
    started = selectors.platform_started_on(platform=platform)
    quarters = []
    for q in reversed(quarters_due(first_day=started, today=today)):
        on = filed.get((q.year, q.quarter))
        quarters.append({"year": q.year, "quarter": q.quarter, "first_day": q.first_day, "last_day": q.last_day,
                         "due": q.due, "filed": on is not None,
                         "late": (on or today) > q.due})
    return {"source": f"{DECREE} 第三条、第四条", "platform_info_due": platform_info_due(started_on=started),
            "quarters": quarters, "filings": filings}


@router.get("/p/{platform}/tax/reports", response={200: TaxOverviewOut, **ERRORS})
def tax_reports(request, platform: str):
    """The quarters whose report is due (第四条: within the month after the quarter), filed or not, and the
    filings sent."""
    return tax_overview(_operator(request, platform).platform)


class TaxFileQuery(Schema):
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    form: Literal["identity", "income", "all"] = "all"
    format: Literal["csv", "xlsx", "xml"] = "xlsx"


@router.get("/p/{platform}/tax/reports/file", response={200: None, **ERRORS})
def tax_report_file(request, platform: str, query: Query[TaxFileQuery]):
    """The quarter's report as files in the forms' structure: the identity form or the income form as CSV, or
    both as one XLSX workbook (``form=all``); ``format=xml`` is the same quarter as an OECD DPI XML message (for
    reporting abroad), valid against the OECD DPI schema v1.0."""
    caller = _operator(request, platform)
    data = selectors.quarter_data(platform=caller.platform, quarter=quarter_parse(query.year, query.quarter))
    return file_response(data, form=query.form, format=query.format)


def file_response(data, *, form: str, format: str) -> HttpResponse:
    if format == "csv" and form == "all":
        form = "income"
    if format == "xml":
        message_ref = f"CN-{data.platform.credit_code}-{data.quarter.label}-{timezone.now():%Y%m%d%H%M%S}"
        body, content_type = dpi.dpi_xml(data, message_ref=message_ref, now=timezone.now()), "application/xml"
        form = "dpi"
    elif format == "csv":
        body, content_type = reports.csv_bytes(data, form=form), "text/csv; charset=utf-8"
    else:
        body, content_type, form = reports.workbook_bytes(data), XLSX_CONTENT_TYPE, "all"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, reports.file_name(data, form=form, ext=format))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post("/p/{platform}/tax/reports", response={201: TaxFilingOut, **ERRORS})
def tax_report_send(request, platform: str, body: TaxFileIn):
    """File an ended quarter's report on the exchange (``tax.quarterly_report`` v1, in parts, identities sealed
    to the tax department's key). Filing a quarter again sends a correction."""
    caller = _operator(request, platform)
    actor = None if caller.machine else caller.user
    return 201, services.quarterly_report_file(actor=actor, platform=caller.platform, year=body.year,
                                               quarter=body.quarter)


class TaxWithholdingWorkingOut(Schema):
    method: str
    cumulative_income_fen: int
    cumulative_expenses_fen: int
    months_counted: int
    cumulative_deduction_fen: int
    taxable_fen: int
    rate_bp: int
    quick_deduction_fen: int
    cumulative_tax_fen: int
    withheld_before_fen: int
    source: str


class TaxStatementMonthOut(Schema):
    month: dt.date
    payments: int
    gross_fen: int
    commission_fen: int
    income_fen: int
    withheld_fen: int
    net_fen: int
    working: TaxWithholdingWorkingOut | None = Field(
        description="the cumulative working as of the month's last payment")


class TaxStatementVatOut(Schema):
    month: dt.date
    version: int
    income_fen: int
    sales_fen: int
    exempt: bool
    levy_rate: str
    vat_fen: int
    guide_to_register: bool


class TaxStatementInjuryOut(Schema):
    month: dt.date
    orders_covered: int = Field(description="orders covered by the occupational-injury pilot, contribution paid")
    orders_rate_not_loaded: int = Field(description="orders in the pilot whose contribution is not computed: the "
                                                    "platform has not loaded the per-order rate")


class TaxStatementOut(Schema):
    year: int
    months: list[TaxStatementMonthOut]
    totals: dict[str, int]
    vat_returns: list[TaxStatementVatOut] = Field(description="the VAT returns the platform filed for the worker")
    injury_cover: list[TaxStatementInjuryOut]


class TaxStatementQuery(Schema):
    year: int | None = Field(None, ge=2019, le=2100, description="the tax year (default: this year, city time)")


@router.get("/p/{platform}/tax/statement", response={200: TaxStatementOut, **ERRORS})
def tax_statement(request, platform: str, query: Query[TaxStatementQuery]):
    """The caller's own income and tax statement from this platform for a year (a provider signed in, or the
    platform's key acting for one): per month gross, commission, income, tax withheld with its working, net."""
    from sharecity.market.tax.statement import statement_year, worker_statement

    caller = Caller(request, platform)
    if caller.user is None:
        raise Forbidden(_("A statement is a person's own: sign in, or act for the provider."), field="actor",
                        code="tax.statement_own_only")
    statement = worker_statement(platform=caller.platform, provider=caller.user, year=statement_year(query.year))
    return {"year": statement.year, "totals": statement.totals(), "months": [{
        "month": m.month, "payments": m.payments, "gross_fen": m.gross_fen, "commission_fen": m.commission_fen,
        "income_fen": m.income_fen, "withheld_fen": m.withheld_fen, "net_fen": m.net_fen,
        "working": None if m.working is None else {
            name: getattr(m.working, name) for name in TaxWithholdingWorkingOut.model_fields},
    } for m in statement.months], "vat_returns": [{
        "month": r.month, "version": r.version, "income_fen": r.income_fen, "sales_fen": r.sales_fen,
        "exempt": r.exempt, "levy_rate": str(r.levy_rate), "vat_fen": r.vat_fen,
        "guide_to_register": r.guide_to_register,
    } for r in selectors.vat_returns_of_provider(platform=caller.platform, provider=caller.user,
                                                 year=statement.year)],
        "injury_cover": [
        {"month": c.month, "orders_covered": c.orders_covered, "orders_rate_not_loaded": c.orders_rate_not_loaded}
        for c in statement.injury_months]}


# --- VAT returns filed on workers' behalf ------------------------------------------------------------------------


class VatReturnOut(Schema):
    provider_id: str = Field(description="the worker's public id")
    name: str
    month: dt.date
    version: int
    payments: int
    income_fen: int = Field(description="what customers paid for the worker's services, VAT included")
    sales_fen: int = Field(description="sales excluding VAT")
    exempt: bool
    levy_rate: str
    vat_fen: int
    twelve_months_fen: int
    guide_to_register: bool
    source: str
    created_at: dt.datetime


class VatMonthTotalsOut(Schema):
    returns: int
    exempt: int
    guide_to_register: int
    income_fen: int
    sales_fen: int
    vat_fen: int


class VatMonthOut(Schema):
    month: str
    totals: VatMonthTotalsOut
    returns: list[VatReturnOut]


class VatMonthQuery(Schema):
    month: str = Field("", max_length=7, description="YYYY-MM (default: this month, city time)")


class VatFileQuery(VatMonthQuery):
    format: Literal["csv", "xlsx"] = "xlsx"


class VatPrepareIn(Schema):
    month: str = Field(max_length=7, description="YYYY-MM")


def vat_return_out(row, name: str) -> dict:
    return {"provider_id": str(row.provider.public_id), "name": name, "month": row.month, "version": row.version,
            "payments": row.payments, "income_fen": row.income_fen, "sales_fen": row.sales_fen,
            "exempt": row.exempt, "levy_rate": str(row.levy_rate), "vat_fen": row.vat_fen,
            "twelve_months_fen": row.twelve_months_fen, "guide_to_register": row.guide_to_register,
            "source": row.source, "created_at": row.created_at}


def vat_month_out(data: selectors.VatMonth) -> dict:
    return {"month": f"{data.month:%Y-%m}", "totals": data.totals,
            "returns": [vat_return_out(r, data.names[r.provider_id]) for r in data.returns]}


@router.get("/p/{platform}/tax/vat-returns", response={200: VatMonthOut, **ERRORS})
def tax_vat_returns(request, platform: str, query: Query[VatMonthQuery]):
    """The month's VAT returns filed on the workers' behalf (国家税务总局公告2025年第16号 第二条第(一)项), the
    version in force of each: totals, exempt count and the workers to guide to register as general taxpayers."""
    caller = _operator(request, platform)
    month = selectors.month_parse(query.month)
    return vat_month_out(selectors.vat_month(platform=caller.platform, month=month))


@router.get("/p/{platform}/tax/vat-returns/file", response={200: None, **ERRORS})
def tax_vat_returns_file(request, platform: str, query: Query[VatFileQuery]):
    """The month's VAT returns as CSV (UTF-8 with BOM) or XLSX."""
    caller = _operator(request, platform)
    data = selectors.vat_month(platform=caller.platform, month=selectors.month_parse(query.month))
    return vat_file_response(data, format=query.format)


@router.post("/p/{platform}/tax/vat-returns", response={200: VatMonthOut, **ERRORS})
def tax_vat_returns_prepare(request, platform: str, body: VatPrepareIn):
    """Prepare (again) the month's returns from the withholding register: unchanged returns stay as they are, a
    worker whose month changed gets a new version."""
    caller = _operator(request, platform)
    month = selectors.month_parse(body.month)
    services.prepare_vat_returns(platform=caller.platform, month=month, actor=None if caller.machine else caller.user)
    return vat_month_out(selectors.vat_month(platform=caller.platform, month=month))


def vat_file_response(data: selectors.VatMonth, *, format: str) -> HttpResponse:
    if format == "csv":
        body, content_type = reports.vat_csv_bytes(data), "text/csv; charset=utf-8"
    else:
        body, content_type = reports.vat_workbook_bytes(data), XLSX_CONTENT_TYPE
    response = HttpResponse(body, content_type=content_type)
    name = f"{data.platform.slug}-{data.month:%Y-%m}-增值税代办申报.{format}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
