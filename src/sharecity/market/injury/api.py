"""Occupational-injury cover in the market API (mounted by ``market.api``): an order's cover for its parties, and
for the platform's operator staff the covered categories with their rate (or that it is not loaded), the months
and filing a month's report on the exchange."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import StrictInt

from sharecity.kernel.errors import Forbidden
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.injury import pilot, selectors, services

router = Router(tags=["injury"])


class InjuryCoverOut(Schema):
    covered: bool = Field(description="the pilot covers this order and its contribution is computed")
    in_pilot: bool = Field(description="the order is in the pilot (category, province and day), with or without "
                                       "a loaded rate")
    status: str = Field(description="computed, rate_not_loaded, or not_in_pilot")
    industry: str
    covered_on: dt.date | None = Field(description="the day the order was completed and covered")
    contribution_fen: int | None = Field(description="the platform's contribution on this order (None: no rate)")
    rate_verified: bool | None = Field(description="whether the rate was verified against the notice")
    source: str
    message: str


def cover_data(order) -> dict:
    row = selectors.order_cover(order=order)
    if row is None:
        return {"covered": False, "in_pilot": False, "status": "not_in_pilot", "industry": "", "covered_on": None,
                "contribution_fen": None, "rate_verified": None, "source": "",
                "message": _("This order is not in the occupational-injury pilot.")}
    computed = row.status == "computed"
    return {
        "covered": computed, "in_pilot": True, "status": row.status, "industry": row.industry,
        "covered_on": row.completed_on, "contribution_fen": row.amount_fen,
        "rate_verified": row.rate.verified if row.rate else None,
        "source": (f"{row.source}; {row.rate.source}" if row.rate else row.source),
        "message": (_("Covered on this order by occupational-injury insurance (from %(day)s).")
                    % {"day": row.completed_on.isoformat()} if computed else
                    _("This order is in the occupational-injury pilot, but the platform has not loaded the "
                      "per-order rate yet: its contribution is not computed.")),
    }


@router.get("/p/{platform}/orders/{order_id}/injury-cover", response={200: InjuryCoverOut, **ERRORS})
def order_injury_cover(request, platform: str, order_id: uuid.UUID):
    """Whether the occupational-injury pilot (人社部发〔2025〕24号) covers this order, from which day, and the
    platform's contribution on it; for the order's parties and the platform's staff."""
    from sharecity.market.orders.api import _visible

    order, _role = _visible(Caller(request, platform), order_id)
    return cover_data(order)


def _operator(request, platform: str) -> Caller:
    caller = Caller(request, platform)
    if not caller.sees_whole_platform:
        raise Forbidden(_("Only the platform's operator staff may see and file its occupational-injury reports."),
                        field="platform", code="injury.operator_only")
    return caller


class InjuryRateOut(Schema):
    effective_from: dt.date
    fen_per_order: int
    source: str
    verified: bool


class InjurySectorOut(Schema):
    category_code: str
    category_name: str
    industry: str
    province_code: str
    province_in_pilot_from: dt.date | None
    rate_loaded: bool
    rate: InjuryRateOut | None
    message: str = Field(description="what the operator page says; when no rate is loaded, what to do")


class InjuryMonthOut(Schema):
    month: dt.date
    orders_covered: int
    orders_rate_not_loaded: int
    contribution_fen: int
    workers: int
    ended: bool
    filed: bool


class InjuryReportOut(Schema):
    report_id: str
    month: dt.date
    orders_covered: int
    contribution_fen: int
    workers_covered: int
    orders_rate_not_loaded: int
    filed_at: dt.datetime


class InjuryOverviewOut(Schema):
    sectors: list[InjurySectorOut]
    months: list[InjuryMonthOut]
    reports: list[InjuryReportOut]


def sector_message(sector) -> str:
    if sector.province_in_pilot_from is None:
        return _("The platform's province is not in the pilot.")
    if sector.rate is None:
        return _("Rate not loaded — load the rate from the local 人社 notice.")
    if not sector.rate.verified:
        return _("Rate loaded but not verified against the notice.")
    return _("Rate loaded and verified.")


def overview_data(platform) -> dict:
    from django.utils.translation import get_language

    from sharecity.market.catalog.models import Category

    data = selectors.platform_overview(platform=platform, today=timezone.now().astimezone(CITY_TZ).date())
    chinese = (get_language() or "zh-hans").startswith("zh")
    names = {c.code: (c.name_zh if chinese else c.name_en)
             for c in Category.objects.filter(code__in=[s.category_code for s in data["sectors"]])}
    return {
        "sectors": [{"category_code": s.category_code, "category_name": names.get(s.category_code, s.category_code),
                     "industry": s.industry, "province_code": s.province_code,
                     "province_in_pilot_from": s.province_in_pilot_from, "rate_loaded": s.rate_loaded,
                     "rate": None if s.rate is None else {
                         "effective_from": s.rate.effective_from, "fen_per_order": s.rate.fen_per_order,
                         "source": s.rate.source, "verified": s.rate.verified},
                     "message": sector_message(s), "label": pilot.INDUSTRY_LABELS[s.industry]}
                    for s in data["sectors"]],
        "months": [{"month": m["month"], "orders_covered": m["orders"], "orders_rate_not_loaded": m["waiting"],
                    "contribution_fen": m["total"], "workers": m["workers"], "ended": m["ended"],
                    "filed": m["filed"]} for m in data["months"]],
        "reports": data["reports"],
    }


@router.get("/p/{platform}/injury", response={200: InjuryOverviewOut, **ERRORS})
def injury_overview(request, platform: str):
    """The platform's categories in the occupational-injury pilot with the rate in force (or that it is not
    loaded), the months with covered orders, and the monthly reports filed."""
    return overview_data(_operator(request, platform).platform)


class InjuryFileIn(Schema):
    year: StrictInt = Field(ge=2022, le=2100)
    month: StrictInt = Field(ge=1, le=12)


@router.post("/p/{platform}/injury/reports", response={201: InjuryReportOut, **ERRORS})
def injury_report_send(request, platform: str, body: InjuryFileIn):
    """File an ended month's occupational-injury report on the exchange (``injury.monthly_report`` v1). Filing a
    month again sends a correction."""
    caller = _operator(request, platform)
    actor = None if caller.machine else caller.user
    return 201, services.monthly_report_file(actor=actor, platform=caller.platform, year=body.year,
                                             month=body.month)
