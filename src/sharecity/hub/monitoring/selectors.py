"""Dashboard reads: totals per district and per platform, from the read model only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from sharecity.hub.monitoring.models import ActivityStat, DailyParty, DailyStat, OrderFact
from sharecity.hub.monitoring.rules import sector_label
from sharecity.hub.monitoring.services import NO_DISTRICT
from sharecity.hub.registry.selectors import registered_platform_names
from sharecity.kernel.districts import DISTRICTS, district_name
from sharecity.kernel.population import DistrictPopulation, population_on

METRICS = ("listings", "bookings", "completed", "turnover_fen", "reviews", "complaints")


@dataclass
class Row:
    key: str
    label: str
    values: dict[str, int] = field(default_factory=dict)


def _stats(*, district_code: str | None, district_codes: list[str] | None):
    """Counters of known districts; narrowed to one district or to a jurisdiction's districts."""
    stats = ActivityStat.objects.exclude(district_code=NO_DISTRICT)
    if district_code:
        stats = stats.filter(district_code=district_code)
    if district_codes is not None:
        stats = stats.filter(district_code__in=district_codes)
    return stats


def _rows(group_by: str, *, district_code: str | None, district_codes: list[str] | None = None) -> list[dict]:
    stats = _stats(district_code=district_code, district_codes=district_codes)
    return list(stats.values(group_by).annotate(**{m: Sum(m) for m in METRICS}).order_by(group_by))


def activity_by_district(*, language: str, district_code: str | None = None,
                         district_codes: list[str] | None = None) -> list[Row]:
    rows = []
    for item in _rows("district_code", district_code=district_code, district_codes=district_codes):
        code = item.pop("district_code")
        rows.append(Row(key=code, label=district_name(code, language=language), values=item))
    rows.sort(key=lambda row: list(DISTRICTS).index(row.key) if row.key in DISTRICTS else 999)
    return rows


def activity_by_platform(*, district_code: str | None = None, district_codes: list[str] | None = None) -> list[Row]:
    names = registered_platform_names()
    rows = []
    for item in _rows("platform_id", district_code=district_code, district_codes=district_codes):
        platform_id = item.pop("platform_id")
        rows.append(Row(key=platform_id, label=names.get(platform_id, platform_id), values=item))
    rows.sort(key=lambda row: row.label)
    return rows


def activity_totals(*, district_code: str | None = None, district_codes: list[str] | None = None) -> dict[str, int]:
    stats = _stats(district_code=district_code, district_codes=district_codes)
    totals = stats.aggregate(**{m: Sum(m) for m in METRICS})
    return {name: value or 0 for name, value in totals.items()}


def platforms_active_in(*, district_codes: list[str] | None) -> set[str]:
    """Platforms with activity in any of ``district_codes`` (every platform with activity for None)."""
    stats = ActivityStat.objects.all()
    if district_codes is not None:
        stats = stats.filter(district_code__in=district_codes)
    return set(stats.values_list("platform_id", flat=True).distinct())


def order_providers(*, platform_id: str, order_ids: list[str]) -> dict[str, tuple[str, str]]:
    """For the orders the hub knows of: order id -> (provider's party key, district), so other duties
    (credit) find who provided an order a complaint or a review is about."""
    if not order_ids:
        return {}
    rows = OrderFact.objects.filter(platform_id=platform_id, order_id__in=order_ids).values_list(
        "order_id", "provider_key", "district_code")
    return {order_id: (provider_key, district) for order_id, provider_key, district in rows}


# ---- statistics by district, sector, platform and period ------------------------------------------------------

PERIODS = ("day", "week", "month", "quarter", "year")
GROUPS = ("district", "sector", "platform")
# Summed as they are; the rest of a row's figures are derived from these or counted distinct.
SUMMED = ("listings_published", "orders", "completed", "cancelled", "turnover_fen", "refunds_fen", "complaints",
          "complaints_resolved", "complaints_resolved_in_time", "ratings", "rating_sum", "deposits_held_fen",
          "deposits_returned_fen", "deposits_deducted_fen")
FIGURES = (*SUMMED, "active_providers", "active_customers", "flexible_workers", "flexible_worker_income_fen",
           "resolved_in_time_share", "rating_average", "deposits_outstanding_fen")
_GROUP_FIELDS = {"district": "district_code", "sector": "sector", "platform": "platform_id"}


def period_start(day: dt.date, period: str) -> dt.date:
    """The first day of the period (``PERIODS``) that holds ``day``; weeks start on Monday."""
    if period == "day":
        return day
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period == "year":
        return dt.date(day.year, 1, 1)
    raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")


def period_end(start: dt.date, period: str) -> dt.date:
    """The last day of the period that starts on ``start``."""
    if period == "day":
        return start
    if period == "week":
        return start + dt.timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


@dataclass
class StatRow:
    """One period (and group, when grouped) of the statistics; ``figures`` holds every name in ``FIGURES``.
    A district's row also holds its resident population in force at the period's end and ``PER_10K``
    (``per_10k``); None where no figure is held."""

    period_start: dt.date | None
    key: str
    label: str
    figures: dict[str, int | float | None]
    residents: DistrictPopulation | None = None
    per_10k: dict[str, int | float | None] | None = None


# Figures per 10,000 residents of a district: orders and active providers with two decimals, turnover in
# whole fen (half up). The denominator is ``kernel.population``'s figure in force on the period's last day.
PER_10K = ("orders", "turnover_fen", "active_providers")


def per_10k_residents(figures: Mapping[str, int | float | None], residents: int) -> dict[str, int | float | None]:
    """``PER_10K`` of a district's figures: value × 10,000 / residents."""
    result: dict[str, int | float | None] = {}
    for name in PER_10K:
        value = figures.get(name)
        if value is None or residents <= 0:
            result[name] = None
        elif name.endswith("_fen"):
            result[name] = int((Decimal(value) * 10_000 / residents).quantize(Decimal(1), ROUND_HALF_UP))
        else:
            result[name] = float((Decimal(value) * 10_000 / residents).quantize(Decimal("0.01"), ROUND_HALF_UP))
    return result


def _stat_filters(queryset, *, jurisdiction, start: dt.date, end: dt.date, platform_id: str | None,
                  district_code: str | None, sector: str | None):
    queryset = jurisdiction.filter_districts(queryset.filter(day__gte=start, day__lte=end))
    if platform_id:
        queryset = queryset.filter(platform_id=platform_id)
    if district_code:
        queryset = queryset.filter(district_code=district_code)
    if sector:
        queryset = queryset.filter(sector=sector)
    return queryset


def _derive(figures: dict) -> dict:
    figures["resolved_in_time_share"] = (
        round(figures["complaints_resolved_in_time"] / figures["complaints_resolved"], 4)
        if figures["complaints_resolved"] else None)
    figures["rating_average"] = round(figures["rating_sum"] / figures["ratings"], 2) if figures["ratings"] else None
    figures["deposits_outstanding_fen"] = (
        figures["deposits_held_fen"] - figures["deposits_returned_fen"] - figures["deposits_deducted_fen"])
    return figures


def statistics(*, jurisdiction, start: dt.date, end: dt.date, period: str | None = "month",
               group_by: str | None = None, platform_id: str | None = None, district_code: str | None = None,
               sector: str | None = None, language: str = "zh-hans") -> list[StatRow]:
    """Statistics per period (``PERIODS``, or None for the whole range) and per group (``GROUPS``, or
    None), within the jurisdiction, for days ``start`` to ``end`` inclusive. Active providers and
    customers are distinct parties within each period; deposits outstanding are those taken in the
    period less those returned or deducted in it."""
    return statistics_views(jurisdiction=jurisdiction, start=start, end=end, views={"": (period, group_by)},
                            platform_id=platform_id, district_code=district_code, sector=sector,
                            language=language)[""]


def statistics_views(*, jurisdiction, start: dt.date, end: dt.date, views: Mapping[str, tuple[str | None, str | None]],
                     platform_id: str | None = None, district_code: str | None = None, sector: str | None = None,
                     language: str = "zh-hans") -> dict[str, list[StatRow]]:
    """Several views of the same days and filters at once — name -> (period, group_by), each as
    :func:`statistics` gives it — read in one pass: one query of the day grain's counters and one of the
    active parties, whatever the number of views."""
    for period, group_by in views.values():
        if period is not None and period not in PERIODS:
            raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
        if group_by is not None and group_by not in GROUPS:
            raise ValueError(f"group_by must be one of {', '.join(GROUPS)}, not {group_by!r}")
    # Each view: (its name, period, the column it groups by or None); the columns any view needs are read.
    plans = [(name, period, _GROUP_FIELDS.get(group_by or "")) for name, (period, group_by) in views.items()]
    columns = sorted({column for _name, _period, column in plans if column})
    filters = {"jurisdiction": jurisdiction, "start": start, "end": end, "platform_id": platform_id,
               "district_code": district_code, "sector": sector}
    rows: dict[str, dict[tuple[dt.date | None, str], dict]] = {name: {} for name in views}

    def slots(day: dt.date, values: Mapping[str, str]) -> list[dict]:
        found = []
        for name, period, column in plans:
            begins = period_start(day, period) if period else None
            found.append(rows[name].setdefault((begins, values[column] if column else ""), {
                **{figure: 0 for figure in SUMMED}, "_providers": set(), "_customers": set(), "_workers": set(),
                "flexible_worker_income_fen": 0}))
        return found

    for item in _stat_filters(DailyStat.objects.all(), **filters).values("day", *columns).annotate(
            **{name: Sum(name) for name in SUMMED}).order_by():
        for target in slots(item["day"], item):
            for name in SUMMED:
                target[name] += item[name] or 0
    party_fields = ["day", "role", "party_key", "is_person", "income_fen", *columns]
    for item in _stat_filters(DailyParty.objects.all(), **filters).values_list(*party_fields).iterator():
        day, role, key, is_person, income = item[:5]
        for target in slots(day, dict(zip(columns, item[5:], strict=True))):
            if role == DailyParty.Role.CUSTOMER:
                target["_customers"].add(key)
            else:
                target["_providers"].add(key)
                if is_person:
                    target["_workers"].add(key)
                    target["flexible_worker_income_fen"] += income
    result: dict[str, list[StatRow]] = {}
    for name, period, _column in plans:
        group_by = views[name][1]
        labels = _group_labels(group_by, {key for _, key in rows[name]}, language=language)
        made = []
        for (begins, key), figures in sorted(rows[name].items(),
                                             key=lambda item: (item[0][0] or dt.date.min, item[0][1])):
            figures["active_providers"] = len(figures.pop("_providers"))
            figures["active_customers"] = len(figures.pop("_customers"))
            figures["flexible_workers"] = len(figures.pop("_workers"))
            row = StatRow(period_start=begins, key=key, label=labels.get(key, key), figures=_derive(figures))
            if group_by == "district":
                # The population in force on the period's last day (the range's when not by period).
                residents = population_on(key, min(period_end(begins, period), end) if begins and period else end)
                if residents is not None:
                    row.residents = residents
                    row.per_10k = per_10k_residents(row.figures, residents.residents)
            made.append(row)
        result[name] = made
    return result


def _group_labels(group_by: str | None, keys: set[str], *, language: str) -> dict[str, str]:
    if group_by == "district":
        return {key: district_name(key, language=language) for key in keys}
    if group_by == "platform":
        names = registered_platform_names()
        return {key: names.get(key, key) for key in keys}
    if group_by == "sector":
        return {key: sector_label(key, language=language) for key in keys}
    return {}


def orders_of_provider(*, platform_id: str, provider_key: str, category: str | None = None,
                       district_codes: list[str] | None = None, listing_id: str | None = None,
                       limit: int = 500) -> list[dict]:
    """The orders the hub knows of that a provider took on a platform (optionally in one category, of one
    listing, in some districts), newest first: what enforcement's source tracing follows from a listing or
    complaint."""
    rows = OrderFact.objects.filter(platform_id=platform_id, provider_key=provider_key)
    if category:
        rows = rows.filter(category=category)
    if listing_id is not None:
        rows = rows.filter(listing_id=listing_id)
    if district_codes is not None:
        rows = rows.filter(district_code__in=district_codes)
    return list(rows.order_by("-created_at", "-id").values(
        "order_id", "category", "district_code", "amount_fen", "state", "customer_key", "provider_key",
        "listing_id", "created_at")[:limit])


def order_fact_get(*, platform_id: str, order_id: str) -> dict | None:
    """One order the hub knows of, as plain data, or None."""
    return OrderFact.objects.filter(platform_id=platform_id, order_id=order_id).values(
        "order_id", "category", "district_code", "amount_fen", "state", "customer_key", "provider_key",
        "listing_id", "created_at").first()
