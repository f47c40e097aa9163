"""Reads of the regulator's dashboard: a period chosen by the officer, the key figures of it, trends,
comparisons by district, sector and platform, and a district grid, all within the officer's
jurisdiction. Every figure comes from :func:`selectors.statistics` (the daily grain); the pages, the
API (``charts_api``) and the Excel exports show the same :class:`Panel`. The district comparison also
gives each district's figures per 10,000 residents (``selectors.PER_10K``, census population from
``kernel.population``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharecity.apiinput import check_line
from sharecity.hub.monitoring.selectors import FIGURES, StatRow, period_end, period_start, statistics_views
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.kernel import limits
from sharecity.kernel.districts import CITIES, DISTRICTS, district_name
from sharecity.kernel.errors import InvalidInput, NotFound
from sharecity.kernel.money import format_yuan
from sharecity.kernel.population import DistrictPopulation

GRANULARITIES = ("day", "week", "month", "quarter")
GRANULARITY_LABELS = {
    "day": gettext_lazy("By day"),
    "week": gettext_lazy("By week"),
    "month": gettext_lazy("By month"),
    "quarter": gettext_lazy("By quarter"),
}
DEFAULT_DAYS = 30
# Longest range one request may ask for, and most periods one trend may hold (a year of days).
RANGE_MAX_DAYS = 731
PERIODS_MAX = 366
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
PARAM_MAX_LENGTH = 32

# The figures of the key-figure strip and of every table, in this order.
KEY_FIGURES = ("turnover_fen", "orders", "active_providers", "active_customers", "flexible_workers",
               "flexible_worker_income_fen", "complaints", "resolved_in_time_share", "rating_average",
               "deposits_outstanding_fen")
MONEY_FIGURES = frozenset({"turnover_fen", "refunds_fen", "flexible_worker_income_fen", "deposits_held_fen",
                           "deposits_returned_fen", "deposits_deducted_fen", "deposits_outstanding_fen"})
FIGURE_LABELS = {
    "turnover_fen": gettext_lazy("Turnover"),
    "orders": gettext_lazy("Orders"),
    "completed": gettext_lazy("Completed"),
    "active_providers": gettext_lazy("Active providers"),
    "active_customers": gettext_lazy("Active consumers"),
    "flexible_workers": gettext_lazy("Flexible workers"),
    "flexible_worker_income_fen": gettext_lazy("Flexible workers' income"),
    "complaints": gettext_lazy("Complaints"),
    "resolved_in_time_share": gettext_lazy("Complaints resolved in time"),
    "rating_average": gettext_lazy("Average rating"),
    "deposits_outstanding_fen": gettext_lazy("Deposits outstanding"),
}
# Figures the district grid may be coloured by.
GRID_FIGURES = KEY_FIGURES
DEFAULT_GRID_FIGURE = "turnover_fen"
GRID_LEVELS = 5

# Sectors as DailyStat holds them: the root of the market's category code (and the platforms' own
# sector names, which some facts carry).
SECTOR_LABELS = {
    "production": gettext_lazy("Production capacity"),
    "production_capacity": gettext_lazy("Production capacity"),
    "research": gettext_lazy("Lab instruments and testing"),
    "lab_instruments": gettext_lazy("Lab instruments and testing"),
    "skills": gettext_lazy("Skills and crowdsourced tasks"),
    "talent": gettext_lazy("Talent sharing"),
    "education": gettext_lazy("Education"),
    "medical": gettext_lazy("Medical consultation"),
    "medical_consultation": gettext_lazy("Medical consultation"),
    "parking": gettext_lazy("Off-peak parking"),
    "lodging": gettext_lazy("Homestays and short rentals"),
    "homestay": gettext_lazy("Homestays and short rentals"),
    "housekeeping": gettext_lazy("Housekeeping"),
    "elderly_care": gettext_lazy("Elderly care"),
    "child_care": gettext_lazy("Child care"),
    "catering": gettext_lazy("Catering and delivery"),
    "idle_goods": gettext_lazy("Second-hand goods"),
    "second_hand": gettext_lazy("Second-hand goods"),
    "culture_sports": gettext_lazy("Culture, tourism and sports"),
    "ride_hailing": gettext_lazy("Ride-hailing"),
    "bike_sharing": gettext_lazy("Shared bikes"),
    "beauty": gettext_lazy("Beauty and hairdressing"),
    "laundry": gettext_lazy("Laundry and dry cleaning"),
    "repair": gettext_lazy("Repairs"),
    "community_retail": gettext_lazy("Community retail"),
    "long_term_rental": gettext_lazy("Long-term rental homes"),
}

_PLATFORM = re.compile(limits.PLATFORM_ID_PATTERN)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class Selection:
    """What the officer asked to see: days ``start`` to ``end`` inclusive, in periods of ``granularity``,
    the district grid coloured by ``figure``."""

    start: dt.date
    end: dt.date
    granularity: str = "day"
    figure: str = DEFAULT_GRID_FIGURE

    def as_query(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "granularity": self.granularity,
                "figure": self.figure}


def selection_default(*, today: dt.date) -> Selection:
    return Selection(start=today - dt.timedelta(days=DEFAULT_DAYS - 1), end=today)


def _text(data: Mapping, name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(_("Give %(field)s as text.") % {"field": name}, field=name, code="monitoring.invalid")
    check_line(value, field=name)
    if len(value) > PARAM_MAX_LENGTH:
        raise InvalidInput(_("%(field)s is longer than %(limit)s characters.")
                           % {"field": name, "limit": PARAM_MAX_LENGTH}, field=name, code="monitoring.too_long")
    return value.strip()


def _date(text: str, name: str) -> dt.date:
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("%(field)s must be a date written YYYY-MM-DD, such as 2026-01-31.") % {"field": name},
                           field=name, code="monitoring.invalid_date") from None
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(_("%(field)s must lie between %(earliest)s and %(latest)s.")
                           % {"field": name, "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
                           field=name, code="monitoring.invalid_date")
    return day


def selection_parse(data: Mapping, *, today: dt.date) -> Selection:
    """The selection from query parameters (strings); the last 30 days by day unless they say otherwise.
    Refused with ``InvalidInput`` naming the parameter at fault."""
    default = selection_default(today=today)
    start_text, end_text = _text(data, "start"), _text(data, "end")
    granularity = _text(data, "granularity") or default.granularity
    figure = _text(data, "figure") or default.figure
    end = _date(end_text, "end") if end_text else default.end
    if start_text:
        start = _date(start_text, "start")
    else:
        start = end - dt.timedelta(days=DEFAULT_DAYS - 1) if end_text else default.start
    if end < start:
        raise InvalidInput(_("The end date is before the start date."), field="end", code="monitoring.end_before_start")
    if (end - start).days + 1 > RANGE_MAX_DAYS:
        raise InvalidInput(_("The range is longer than %(days)s days: choose a shorter one.")
                           % {"days": RANGE_MAX_DAYS}, field="end", code="monitoring.range_too_long")
    if granularity not in GRANULARITIES:
        raise InvalidInput(_("Unknown granularity; one of: %(values)s.") % {"values": ", ".join(GRANULARITIES)},
                           field="granularity", code="monitoring.invalid_granularity")
    if len(periods_between(start, end, granularity)) > PERIODS_MAX:
        raise InvalidInput(_("More than %(count)s periods: choose a coarser granularity or a shorter range.")
                           % {"count": PERIODS_MAX}, field="granularity", code="monitoring.too_many_periods")
    if figure not in GRID_FIGURES:
        raise InvalidInput(_("Unknown figure; one of: %(values)s.") % {"values": ", ".join(GRID_FIGURES)},
                           field="figure", code="monitoring.invalid_figure")
    return Selection(start=start, end=end, granularity=granularity, figure=figure)


def periods_between(start: dt.date, end: dt.date, granularity: str) -> list[dt.date]:
    """The first day of every period of ``granularity`` that holds a day of ``start``..``end``."""
    found = []
    begins = period_start(start, granularity)
    while begins <= end:
        found.append(begins)
        begins = period_end(begins, granularity) + dt.timedelta(days=1)
    return found


# ---- showing figures ---------------------------------------------------------------------------------------------

def figure_text(name: str, value) -> str:
    """A figure as a page shows it: money in yuan with two decimals, a share as a percentage."""
    if value is None:
        return "—"
    if name in MONEY_FIGURES:
        return format_yuan(int(value))
    if name == "resolved_in_time_share":
        return f"{value * 100:.1f}%"
    if name == "rating_average":
        return f"{value:.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def figure_number(name: str, value):
    """A figure as a chart and an export hold it: yuan for money, a percentage for a share."""
    if value is None:
        return None
    if name in MONEY_FIGURES:
        return round(value / 100, 2)
    if name == "resolved_in_time_share":
        return round(value * 100, 1)
    return value


def period_label(begins: dt.date, granularity: str, *, language: str) -> str:
    """A period as a reader of ``language`` writes it: 2026年1月5日, 2026年1月, 2026年第1季度."""
    zh = language.startswith("zh")
    if granularity == "quarter":
        quarter = (begins.month - 1) // 3 + 1
        return f"{begins.year}年第{quarter}季度" if zh else f"Q{quarter} {begins.year}"
    if granularity == "month":
        return f"{begins.year}年{begins.month}月" if zh else begins.strftime("%b %Y")
    day = f"{begins.year}年{begins.month}月{begins.day}日" if zh else begins.isoformat()
    if granularity == "week":
        return f"{day}起一周" if zh else f"Week of {day}"
    return day


def date_label(day: dt.date, *, language: str) -> str:
    return period_label(day, "day", language=language)


def sector_name(code: str) -> str:
    return str(SECTOR_LABELS.get(code, code))


# ---- the panel ---------------------------------------------------------------------------------------------------

@dataclass
class Group:
    """One district, sector or platform of a comparison, with its figures and where it drills down to."""

    key: str
    label: str
    figures: dict
    link: str | None = None   # "district" or "platform" when it has a drill-down page
    # A district's resident population (with its source) and PER_10K figures per 10,000 residents.
    residents: DistrictPopulation | None = None
    per_10k: dict | None = None


@dataclass
class Period:
    start: dt.date
    label: str
    figures: dict


@dataclass
class Tile:
    code: str
    label: str
    city: str
    value: float | int | None
    text: str
    level: int   # 0 (none) .. GRID_LEVELS, the share of the largest value


@dataclass
class Panel:
    """Everything one dashboard page (the city, one district or one platform) shows."""

    scope: str
    selection: Selection
    # "city" (the jurisdiction), "district" or "platform": which comparisons the panel holds.
    kind: str
    totals: dict
    trend: list[Period]
    by_district: list[Group] = field(default_factory=list)
    by_sector: list[Group] = field(default_factory=list)
    by_platform: list[Group] = field(default_factory=list)
    tiles: list[Tile] = field(default_factory=list)


# The tables of each kind of panel, in the order the page shows them.
PANEL_TABLES = {
    "city": ("trend", "districts", "sectors", "platforms"),
    "district": ("trend", "sectors", "platforms"),
    "platform": ("trend", "districts", "sectors"),
}


def _empty_figures() -> dict:
    figures = {name: 0 for name in FIGURES}
    figures.update(resolved_in_time_share=None, rating_average=None)
    return figures


def _order_districts(rows: list[StatRow]) -> list[StatRow]:
    order = list(DISTRICTS)
    return sorted(rows, key=lambda row: (order.index(row.key) if row.key in DISTRICTS else len(order), row.key))


def panel(*, jurisdiction: Jurisdiction, selection: Selection, language: str, scope: str,
          platform_id: str | None = None, district_code: str | None = None) -> Panel:
    """The panel of the jurisdiction for the selection; of one platform or one district inside it when
    given (the caller has checked that the jurisdiction covers it). Every table is a view of one read of
    the day grain (``statistics_views``: two queries and the platforms' names, not two per table)."""
    kind = "platform" if platform_id else "district" if district_code else "city"
    views: dict[str, tuple[str | None, str | None]] = {"totals": (None, None),
                                                        "trend": (selection.granularity, None),
                                                        "sectors": (None, "sector")}
    if district_code is None:
        views["districts"] = (None, "district")
    if platform_id is None:
        views["platforms"] = (None, "platform")
    read = statistics_views(jurisdiction=jurisdiction, start=selection.start, end=selection.end, views=views,
                            platform_id=platform_id, district_code=district_code, language=language)
    totals = read["totals"][0].figures if read["totals"] else _empty_figures()
    by_period = {row.period_start: row.figures for row in read["trend"]}
    trend = [Period(start=begins, label=period_label(begins, selection.granularity, language=language),
                    figures=by_period.get(begins) or _empty_figures())
             for begins in periods_between(selection.start, selection.end, selection.granularity)]
    result = Panel(scope=scope, selection=selection, kind=kind, totals=totals, trend=trend)
    if district_code is None:
        rows = _order_districts(read["districts"])
        # Facts without a known district (an operator sees them) form a row of their own, with no page.
        result.by_district = [Group(key=row.key, label=row.label if row.key in DISTRICTS else _("District not known"),
                                    figures=row.figures, link="district" if row.key in DISTRICTS else None,
                                    residents=row.residents, per_10k=row.per_10k)
                              for row in rows]
    if kind == "city":
        result.tiles = _tiles(jurisdiction, result.by_district, selection.figure, language=language)
    result.by_sector = sorted(
        (Group(key=row.key, label=sector_name(row.key), figures=row.figures) for row in read["sectors"]),
        key=lambda group: (-(group.figures["turnover_fen"] or 0), group.label))
    if platform_id is None:
        result.by_platform = sorted(
            (Group(key=row.key, label=row.label, figures=row.figures, link="platform") for row in read["platforms"]),
            key=lambda group: (-(group.figures["turnover_fen"] or 0), group.label))
    return result


def _tiles(jurisdiction: Jurisdiction, groups: list[Group], figure: str, *, language: str) -> list[Tile]:
    """A tile for every district of the jurisdiction, whether or not it reported anything."""
    values = {group.key: group.figures.get(figure) for group in groups}
    largest = max((abs(value) for value in values.values() if value), default=0)
    tiles = []
    for code in jurisdiction.district_codes():
        value = values.get(code, None if figure in ("resolved_in_time_share", "rating_average") else 0)
        level = 0
        if value and largest:
            level = max(1, round(GRID_LEVELS * abs(value) / largest))
        city = CITIES[DISTRICTS[code].city_code]
        tiles.append(Tile(code=code, label=district_name(code, language=language),
                          city=city.name_zh if language.startswith("zh") else city.name_en,
                          value=figure_number(figure, value), text=figure_text(figure, value), level=level))
    return tiles


# ---- drill-down: the pages' addresses, keeping the selection (the API gives them too) ---------------------------

def with_query(path: str, selection: Selection, **extra: str) -> str:
    return f"{path}?{urlencode({**selection.as_query(), **extra})}"


def group_url(group: Group, selection: Selection) -> str | None:
    if group.link == "district":
        return district_url(group.key, selection)
    if group.link == "platform":
        return with_query(reverse("monitoring:platform", kwargs={"platform_id": group.key}), selection)
    return None


def district_url(code: str, selection: Selection) -> str:
    return with_query(reverse("monitoring:district", kwargs={"code": code}), selection)


def platform_in(jurisdiction: Jurisdiction, platform_id: str) -> str:
    """The platform's id if the jurisdiction covers it; ``NotFound`` otherwise (and for a malformed id)."""
    if not _PLATFORM.fullmatch(platform_id or "") or not jurisdiction.covers_platform(platform_id):
        raise NotFound(_("No such platform in your jurisdiction."), field="platform_id",
                       code="monitoring.platform_not_found")
    return platform_id


def district_in(jurisdiction: Jurisdiction, code: str) -> str:
    if code not in DISTRICTS or not jurisdiction.covers_district(code):
        raise NotFound(_("No such district in your jurisdiction."), field="code", code="monitoring.district_not_found")
    return code
