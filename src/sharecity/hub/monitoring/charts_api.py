"""The regulator dashboard as an API: ``/api/v1/hub/monitoring/dashboard``, ``.../platforms/{id}`` and
``.../districts/{code}`` give what the pages show (key figures, the trend by period, comparisons by
district, sector and platform, the district grid) for the period asked for, within the caller's
jurisdiction. Another jurisdiction's platform or district is not found (404); a bad parameter is
refused with its name (400).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import get_language
from ninja import Path, Query, Router, Schema
from ninja.security import SessionAuth
from pydantic import Field

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.monitoring import dashboard as panels
from sharecity.hub.monitoring.api import api_jurisdiction
from sharecity.hub.registry.selectors import registered_platform_names
from sharecity.kernel.districts import district_name
from sharecity.kernel.timeutil import CITY_TZ

router = Router(auth=SessionAuth(), tags=["hub monitoring"])

ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut}
DETAIL_ERRORS = {**ERRORS, 404: ErrorOut}


class DashboardQuery(Schema):
    start: str = Field(default="", description="first day, YYYY-MM-DD in city time (default: 29 days before end)")
    end: str = Field(default="", description="last day, inclusive, YYYY-MM-DD in city time (default: today)")
    granularity: str = Field(default="", description="the trend's periods: day (default), week, month or quarter")
    figure: str = Field(default="", description="the figure the district grid shows (default turnover_fen): "
                                                + ", ".join(panels.GRID_FIGURES))


class DashboardFiguresOut(Schema):
    """Figures of one period or group; money in fen, a share between 0 and 1."""

    listings_published: int
    orders: int
    completed: int
    cancelled: int
    turnover_fen: int
    refunds_fen: int
    complaints: int
    complaints_resolved: int
    complaints_resolved_in_time: int
    ratings: int
    rating_sum: int
    deposits_held_fen: int
    deposits_returned_fen: int
    deposits_deducted_fen: int
    active_providers: int = Field(description="distinct providers with activity in the period")
    active_customers: int = Field(description="distinct consumers with activity in the period")
    flexible_workers: int = Field(description="distinct natural persons providing in the period")
    flexible_worker_income_fen: int
    resolved_in_time_share: float | None = Field(description="complaints resolved in time / resolved")
    rating_average: float | None
    deposits_outstanding_fen: int = Field(description="deposits taken less those returned or deducted")


class DashboardSelectionOut(Schema):
    start: dt.date
    end: dt.date
    granularity: str
    figure: str


class DashboardPeriodOut(Schema):
    start: dt.date = Field(description="the period's first day")
    label: str = Field(description="the period in the reader's language (2026年1月5日, 2026年第1季度)")
    figures: DashboardFiguresOut


class DashboardGroupOut(Schema):
    key: str = Field(description="a district code, a sector code or a platform id")
    label: str
    figures: DashboardFiguresOut
    url: str | None = Field(description="the drill-down page, for districts and platforms")
    residents: int | None = Field(default=None, description="a district's resident population (2020 census)")
    residents_source: str | None = Field(default=None, description="where the population figure comes from")
    per_10k_residents: dict[str, int | float | None] | None = Field(
        default=None, description="a district's orders, turnover_fen (whole fen) and active_providers per 10,000 "
                                  "residents")


class DashboardTileOut(Schema):
    code: str
    label: str
    city: str
    value: float | None = Field(description="the grid's figure: yuan for money, a percentage for a share")
    text: str = Field(description="the value as the page shows it")
    level: int = Field(description=f"0 (nothing) to {panels.GRID_LEVELS} (the largest value)")
    url: str


class DashboardOut(Schema):
    scope: str
    kind: str = Field(description="city (the caller's jurisdiction), district or platform")
    selection: DashboardSelectionOut
    totals: DashboardFiguresOut
    trend: list[DashboardPeriodOut]
    by_district: list[DashboardGroupOut]
    by_sector: list[DashboardGroupOut]
    by_platform: list[DashboardGroupOut]
    tiles: list[DashboardTileOut]


def _language() -> str:
    return get_language() or "zh-hans"


def _out(panel: panels.Panel) -> dict:
    def groups(items: list[panels.Group]) -> list[dict]:
        return [{"key": group.key, "label": group.label, "figures": group.figures,
                 "url": panels.group_url(group, panel.selection),
                 "residents": group.residents.residents if group.residents else None,
                 "residents_source": group.residents.source.cite() if group.residents else None,
                 "per_10k_residents": group.per_10k} for group in items]

    return {
        "scope": panel.scope, "kind": panel.kind, "selection": panel.selection.__dict__, "totals": panel.totals,
        "trend": [{"start": period.start, "label": period.label, "figures": period.figures} for period in panel.trend],
        "by_district": groups(panel.by_district), "by_sector": groups(panel.by_sector),
        "by_platform": groups(panel.by_platform),
        "tiles": [{**tile.__dict__, "url": panels.district_url(tile.code, panel.selection)} for tile in panel.tiles],
    }


def _selection(query: DashboardQuery) -> panels.Selection:
    return panels.selection_parse(query.dict(), today=timezone.now().astimezone(CITY_TZ).date())


@router.get("/hub/monitoring/dashboard", response={200: DashboardOut, **ERRORS})
def monitoring_dashboard(request, query: Query[DashboardQuery]):
    """The dashboard of the caller's jurisdiction for a period. Regulator staff and hub operators only."""
    jurisdiction = api_jurisdiction(request)
    selection = _selection(query)
    return _out(panels.panel(jurisdiction=jurisdiction, selection=selection, language=_language(),
                             scope=jurisdiction.label(language=_language())))


@router.get("/hub/monitoring/platforms/{platform_id}", response={200: DashboardOut, **DETAIL_ERRORS})
def monitoring_platform(request, query: Query[DashboardQuery],
                        platform_id: str = Path(..., max_length=64, description="the platform's id")):
    """One platform within the caller's jurisdiction: its trend, districts and sectors."""
    jurisdiction = api_jurisdiction(request)
    platform_id = panels.platform_in(jurisdiction, platform_id)
    selection = _selection(query)
    scope = registered_platform_names().get(platform_id, platform_id)
    return _out(panels.panel(jurisdiction=jurisdiction, selection=selection, language=_language(), scope=scope,
                             platform_id=platform_id))


@router.get("/hub/monitoring/districts/{code}", response={200: DashboardOut, **DETAIL_ERRORS})
def monitoring_district(request, query: Query[DashboardQuery],
                        code: str = Path(..., max_length=6, description="a GB/T 2260 district code")):
    """One district of the caller's jurisdiction: its trend, sectors and platforms."""
    jurisdiction = api_jurisdiction(request)
    code = panels.district_in(jurisdiction, code)
    selection = _selection(query)
    return _out(panels.panel(jurisdiction=jurisdiction, selection=selection, language=_language(),
                             scope=district_name(code, language=_language()), district_code=code))
