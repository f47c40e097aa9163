"""The tax department's view of the platforms' quarterly tax reports as an API (``/api/v1/hub/tax/...``,
officers by session, each seeing the platforms of their jurisdiction)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.security import SessionAuth

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.registry.jurisdiction import officer_jurisdiction
from sharecity.hub.tax import selectors

ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}

router = Router(auth=SessionAuth(), tags=["hub"])


class TaxReportFilter(Schema):
    platform_id: str = Field("", max_length=64, pattern=r"^[A-Za-z0-9._:-]*$",
                             description="one platform of the jurisdiction (404 for any other)")
    year: int | None = Field(None, ge=2000, le=2100)
    quarter: int | None = Field(None, ge=1, le=4)
    status: str = Field("", max_length=10, pattern=r"^(|on_time|late|overdue|pending)$",
                        description="on_time, late (filed after the deadline), overdue (not filed, deadline past), "
                                    "pending (not filed, deadline to come)")


class TaxQuarterStatusOut(Schema):
    platform_id: str
    platform_name: str
    year: int
    quarter: int
    due: dt.date
    filed_on: dt.date | None
    status: str
    report_id: str
    provider_count: int
    gross_fen: int
    source: str


@router.get("/hub/tax/reports", response={200: list[TaxQuarterStatusOut], **ERRORS})
def hub_tax_reports(request, filters: Query[TaxReportFilter]):
    """Each platform of the officer's jurisdiction and each quarter it owed a tax report for (国务院令第810号
    第四条第一款: within the month after the quarter), with the deadline, the day it was filed and whether late."""
    return selectors.report_statuses(officer_jurisdiction(request), year=filters.year, quarter=filters.quarter,
                                     status=filters.status, platform_id=filters.platform_id)


class InjuryReportFilter(Schema):
    status: str = Field("", max_length=10, pattern=r"^(|on_time|late|overdue|pending)$",
                        description="on_time, late (reported after the due day), overdue (not reported, due day "
                                    "past), pending (not reported, due day to come)")


class InjuryMonthStatusOut(Schema):
    platform_id: str
    platform_name: str
    month: dt.date = Field(description="the first day of the month reported")
    due: dt.date = Field(description="the end of the following month: ShareCity's default, not verified "
                                     "(hub.tax.injury.DUE_RULE)")
    reported_on: dt.date | None
    status: str
    orders_covered: int
    contribution_fen: int
    workers_covered: int
    orders_rate_not_loaded: int


@router.get("/hub/tax/injury", response={200: list[InjuryMonthStatusOut], **ERRORS})
def hub_injury_reports(request, filters: Query[InjuryReportFilter]):
    """Each platform of the officer's jurisdiction in a sector of the occupational-injury pilot (人社部发〔2025〕24号)
    and each month it owed a report for, with the day it reported, its totals and whether late."""
    rows = selectors.injury_statuses(officer_jurisdiction(request), status=filters.status)
    return [{**{name: getattr(r, name) for name in InjuryMonthStatusOut.model_fields if name != "status"},
             "status": r.status} for r in rows]
