"""Reads of the occupational-injury cover: the rate in force, an order's cover, a month's totals, a worker's
months, and what the operator's page shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from sharecity.kernel.timeutil import month_end
from sharecity.market.injury import pilot
from sharecity.market.injury.models import Contribution, ContributionRate, ContributionStatus, MonthlyReport


def rate_on(*, province_code: str, industry: str, on: dt.date) -> ContributionRate | None:
    """The rate in force on ``on``: the loaded row with the latest ``effective_from`` not after it."""
    return (ContributionRate.objects.filter(province_code=province_code, industry=industry, effective_from__lte=on)
            .order_by("-effective_from").first())


def order_cover(*, order) -> Contribution | None:
    return Contribution.objects.filter(order=order).select_related("rate").first()


@dataclass
class WorkerMonth:
    worker_key: str
    industry: str
    orders_covered: int
    contribution_fen: int


@dataclass
class MonthSummary:
    month: dt.date
    orders_covered: int = 0
    contribution_fen: int = 0
    orders_rate_not_loaded: int = 0
    workers: list[WorkerMonth] = field(default_factory=list)


def month_summary(*, platform, month: dt.date) -> MonthSummary:
    """The month's covered orders (computed ones), their contributions, each worker's share, and how many covered
    orders still wait for a rate."""
    from sharecity.market.accounts.selectors import party_key

    rows = Contribution.objects.filter(platform=platform, month=month)
    summary = MonthSummary(month=month, orders_rate_not_loaded=rows.filter(
        status=ContributionStatus.RATE_NOT_LOADED).count())
    computed = (rows.filter(status=ContributionStatus.COMPUTED).values("provider", "industry")
                .annotate(n=Count("id"), total=Sum("amount_fen")).order_by("provider", "industry"))
    from sharecity.kernel.models import User

    people = {u.pk: u for u in User.objects.filter(pk__in={row["provider"] for row in computed})}
    for row in computed:
        summary.orders_covered += row["n"]
        summary.contribution_fen += row["total"] or 0
        summary.workers.append(WorkerMonth(worker_key=party_key(people[row["provider"]]), industry=row["industry"],
                                           orders_covered=row["n"], contribution_fen=row["total"] or 0))
    summary.workers.sort(key=lambda w: (w.worker_key, w.industry))
    return summary


@dataclass(frozen=True)
class ProviderMonthCover:
    month: dt.date
    orders_covered: int
    orders_rate_not_loaded: int


def provider_months(*, platform, provider, year: int) -> dict[dt.date, ProviderMonthCover]:
    """Per month of ``year``, the worker's orders covered (contribution computed) and those recorded in the pilot
    whose rate is not loaded yet."""
    rows = (Contribution.objects.filter(platform=platform, provider=provider, month__year=year).values("month")
            .annotate(covered=Count("id", filter=Q(status=ContributionStatus.COMPUTED)),
                      waiting=Count("id", filter=Q(status=ContributionStatus.RATE_NOT_LOADED))).order_by("month"))
    return {row["month"]: ProviderMonthCover(row["month"], row["covered"], row["waiting"]) for row in rows}


@dataclass(frozen=True)
class SectorState:
    category_code: str
    industry: str
    province_code: str
    province_in_pilot_from: dt.date | None
    rate: ContributionRate | None
    source: str

    @property
    def rate_loaded(self) -> bool:
        return self.rate is not None


def platform_overview(*, platform, today: dt.date) -> dict:
    """What the operator's page shows: the platform's covered categories in its province with the rate in force
    (or that none is loaded), the months with covered orders and the reports filed."""
    province_code = pilot.province_of(platform.city_code)
    province = pilot.province_in_pilot(province_code, dt.date.max)
    sectors = []
    for category_code, industry in sorted(pilot.CATEGORY_INDUSTRY.items()):
        sectors.append(SectorState(
            category_code=category_code, industry=industry, province_code=province_code,
            province_in_pilot_from=province.effective_from if province else None,
            rate=rate_on(province_code=province_code, industry=industry, on=today) if province else None,
            source=province.source if province else ""))
    months = list(Contribution.objects.filter(platform=platform).values("month")
                  .annotate(orders=Count("id", filter=Q(status=ContributionStatus.COMPUTED)),
                            waiting=Count("id", filter=Q(status=ContributionStatus.RATE_NOT_LOADED)),
                            total=Sum("amount_fen"), workers=Count("provider", distinct=True))
                  .order_by("-month")[:36])
    reports = list(MonthlyReport.objects.filter(platform=platform)[:100])
    filed = {r.month for r in reports}
    for row in months:
        row["total"] = row["total"] or 0
        row["filed"] = row["month"] in filed
        row["ended"] = month_end(row["month"]) < today
    return {"sectors": sectors, "months": months, "reports": reports}
