"""Dashboard reads: totals per district and per platform, from the read model only."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Sum

from sharecity.hub.monitoring.models import ActivityStat, OrderFact
from sharecity.hub.monitoring.services import NO_DISTRICT
from sharecity.hub.registry.selectors import registered_platform_names
from sharecity.kernel.districts import DISTRICTS, district_name

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
