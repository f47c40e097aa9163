"""Monitoring statistics as an API for the city's officers: ``/api/v1/hub/monitoring/statistics``.

The same read as the dashboard (``selectors.statistics``), scoped by the caller's jurisdiction: rows of
districts outside it are not counted (a district of another city gives no rows). Bad parameters are
refused with the field at fault (400).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.security import SessionAuth
from pydantic import Field

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.monitoring import selectors
from sharecity.hub.registry.jurisdiction import Jurisdiction, officer_jurisdiction
from sharecity.kernel import limits
from sharecity.kernel.districts import DISTRICTS
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.timeutil import CITY_TZ

router = Router(auth=SessionAuth(), tags=["hub monitoring"])

ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut}
# The longest range asked at once: three years of days (the selector reads the day grain).
RANGE_MAX_DAYS = 3 * 366
PERIODS = (*selectors.PERIODS, "all")
GROUPS = (*selectors.GROUPS, "none")


def api_jurisdiction(request) -> Jurisdiction:
    """The officer's jurisdiction, or 403 for anyone who is not regulator staff."""
    return officer_jurisdiction(
        request, message=_("Only regulator staff and hub operators may see the monitoring statistics."))


class MonitoringStatisticsQuery(Schema):
    start: str = Field(default="", description="first day, YYYY-MM-DD in city time (default: 30 days before end)")
    end: str = Field(default="", description="last day, YYYY-MM-DD in city time, inclusive (default: today)")
    period: str = Field(default="month", description="day, week, month, quarter, year, or all (one row per group)")
    group_by: str = Field(default="none", description="district, sector, platform, or none")
    platform: str = Field(default="", description="only this platform id")
    district: str = Field(default="", description="only this GB/T 2260 district code")
    sector: str = Field(default="", description="only this sector (root of the market's category code)")


class MonitoringStatRowOut(Schema):
    period_start: dt.date | None = Field(description="first day of the period; null for period=all")
    key: str = Field(description="the group's code (district, sector or platform id); empty when not grouped")
    label: str
    figures: dict[str, int | float | None] = Field(description="every figure of selectors.FIGURES; money in fen")
    residents: int | None = Field(default=None, description="group_by=district: the district's resident population "
                                  "in force on the period's last day (2020 census); null otherwise")
    residents_source: str | None = Field(default=None, description="where the population figure comes from")
    per_10k_residents: dict[str, int | float | None] | None = Field(
        default=None, description="group_by=district: orders, turnover_fen (whole fen) and active_providers per "
                                  "10,000 residents")


class MonitoringStatisticsOut(Schema):
    start: dt.date
    end: dt.date
    period: str
    group_by: str
    figures: list[str]
    rows: list[MonitoringStatRowOut]


def _text(value: str, name: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise InvalidInput(_("%(field)s is at most %(limit)s characters.") % {"field": name, "limit": limit},
                           field=name, code="monitoring.too_long")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise InvalidInput(_("%(field)s must not hold control characters.") % {"field": name}, field=name,
                           code="monitoring.control_character")
    return value


def _day(value: str, name: str, default: dt.date) -> dt.date:
    value = _text(value, name, 10)
    if not value:
        return default
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("Give the date as YYYY-MM-DD."), field=name, code="monitoring.invalid_date") from None
    if not 2000 <= day.year <= 2999:
        raise InvalidInput(_("Give a date between the years 2000 and 2999."), field=name,
                           code="monitoring.invalid_date")
    return day


@router.get("/hub/monitoring/statistics", response={200: MonitoringStatisticsOut, **ERRORS},
            url_name="monitoring_statistics")
def statistics(request, query: Query[MonitoringStatisticsQuery]):
    """Turnover, orders, active providers and customers, flexible workers and their income, complaints and the
    share resolved in time, average rating and deposits outstanding, per period and group; by district also
    orders, turnover and active providers per 10,000 residents."""
    jurisdiction = api_jurisdiction(request)
    today = dt.datetime.now(dt.UTC).astimezone(CITY_TZ).date()
    end = _day(query.end, "end", today)
    start = _day(query.start, "start", end - dt.timedelta(days=30))
    if end < start:
        raise InvalidInput(_("The end date is before the start date."), field="end", code="monitoring.invalid_range")
    if (end - start).days + 1 > RANGE_MAX_DAYS:
        raise InvalidInput(_("Ask for at most %(days)s days at once.") % {"days": RANGE_MAX_DAYS}, field="end",
                           code="monitoring.range_too_long")
    period = _text(query.period, "period", 10)
    if period not in PERIODS:
        raise InvalidInput(_("Unknown period; one of: %(values)s.") % {"values": ", ".join(PERIODS)},
                           field="period", code="monitoring.invalid_period")
    group_by = _text(query.group_by, "group_by", 10)
    if group_by not in GROUPS:
        raise InvalidInput(_("Unknown grouping; one of: %(values)s.") % {"values": ", ".join(GROUPS)},
                           field="group_by", code="monitoring.invalid_group")
    platform = _text(query.platform, "platform", limits.PLATFORM_ID_MAX_LENGTH)
    district = _text(query.district, "district", limits.DISTRICT_CODE_LENGTH)
    if district and district not in DISTRICTS:
        raise InvalidInput(_("Unknown district code: use a GB/T 2260 code of a Xiamen or Tianjin district."),
                           field="district", code="monitoring.invalid_district")
    sector = _text(query.sector, "sector", limits.CATEGORY_CODE_MAX_LENGTH)
    rows = selectors.statistics(
        jurisdiction=jurisdiction, start=start, end=end, period=None if period == "all" else period,
        group_by=None if group_by == "none" else group_by, platform_id=platform or None,
        district_code=district or None, sector=sector or None, language=get_language() or "zh-hans")
    return {"start": start, "end": end, "period": period, "group_by": group_by, "figures": list(selectors.FIGURES),
            "rows": [{"period_start": row.period_start, "key": row.key, "label": row.label, "figures": row.figures,
                      "residents": row.residents.residents if row.residents else None,
                      "residents_source": row.residents.source.cite() if row.residents else None,
                      "per_10k_residents": row.per_10k} for row in rows]}
