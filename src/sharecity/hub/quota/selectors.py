"""Reads of the quota duty. ``published_allocations_rows`` is the open-data dataset of published quotas."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.db.models import QuerySet

from sharecity.hub.quota.models import AllocationRun, Evaluation, EvaluationWeights, FleetReport, Quota, QuotaZone
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.kernel.districts import CITIES


def zones_of(*, city_code: str) -> list[QuotaZone]:
    return list(QuotaZone.objects.filter(city_code=city_code))


def zone_exists(*, city_code: str, zone: str) -> bool:
    return QuotaZone.objects.filter(city_code=city_code, code=zone).exists()


def weights_at(*, city_code: str, day: dt.date) -> EvaluationWeights | None:
    return (EvaluationWeights.objects.filter(city_code=city_code, effective_from__lte=day)
            .order_by("-effective_from").first())


def weights_list(*, city_code: str) -> QuerySet:
    return EvaluationWeights.objects.filter(city_code=city_code).order_by("-effective_from")


def platforms_reporting(*, city_code: str, start: dt.date, end: dt.date) -> list[str]:
    return sorted(set(FleetReport.objects.filter(city_code=city_code, period_end__gte=start, period_end__lte=end)
                      .values_list("platform_id", flat=True)))


def run_current(*, city_code: str, on: dt.date) -> AllocationRun | None:
    """The published allocation in force on a day: the latest published whose ``effective_from`` has come."""
    return (AllocationRun.objects.filter(city_code=city_code, published_at__isnull=False, effective_from__lte=on)
            .order_by("-effective_from", "-id").first())


def quota_current(*, city_code: str, platform_id: str, zone: str, on: dt.date) -> int | None:
    """A platform's quota in a zone on a day: None when the city has no published allocation yet (nothing to
    compare with), 0 when it has one that gives the platform nothing there."""
    run = run_current(city_code=city_code, on=on)
    if run is None:
        return None
    row = Quota.objects.filter(run=run, platform_id=platform_id, zone=zone).first()
    return row.vehicles if row else 0


def quota_totals_current(*, city_code: str, on: dt.date) -> dict[str, int]:
    run = run_current(city_code=city_code, on=on)
    if run is None:
        return {}
    return {platform: allocation["total"] for platform, allocation in run.result["allocations"].items()}


def failures_before(*, city_code: str, platform_id: str, year: int, quarter: int, fail_below: Fraction) -> int:
    """Quarters in a row just before this one in which the platform's score was below ``fail_below``."""
    count = 0
    y, q = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    scores = dict(((e.year, e.quarter), e.score) for e in
                  Evaluation.objects.filter(city_code=city_code, platform_id=platform_id))
    while (y, q) in scores and Fraction(str(scores[(y, q)])) < fail_below:
        count += 1
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    return count


def evaluations_list(*, jurisdiction: Jurisdiction, city_code: str, year: int | None = None,
                     quarter: int | None = None) -> QuerySet:
    rows = jurisdiction.filter_cities(Evaluation.objects.filter(city_code=city_code))
    if year:
        rows = rows.filter(year=year)
    if quarter:
        rows = rows.filter(quarter=quarter)
    return rows.order_by("-year", "-quarter", "-score", "platform_id")


def runs_list(*, jurisdiction: Jurisdiction, city_code: str) -> QuerySet:
    return jurisdiction.filter_cities(AllocationRun.objects.filter(city_code=city_code)).order_by("-id")


def run_get(*, jurisdiction: Jurisdiction, run_id: int) -> AllocationRun | None:
    run = AllocationRun.objects.filter(pk=run_id).first()
    if run is None or not jurisdiction.covers_city(run.city_code):
        return None
    return run


def fleet_vs_quota(*, jurisdiction: Jurisdiction, city_code: str, on: dt.date) -> list[dict]:
    """Each platform and zone: the latest reported fleet and the current quota (a district officer sees the
    zones that cover their district)."""
    zones = {zone.code: zone for zone in zones_of(city_code=city_code)}
    if jurisdiction.district_code:
        zones = {code: z for code, z in zones.items() if jurisdiction.district_code in z.district_codes}
    run = run_current(city_code=city_code, on=on)
    quotas = {(q.platform_id, q.zone): q.vehicles for q in Quota.objects.filter(run=run)} if run else {}
    latest: dict[tuple[str, str], FleetReport] = {}
    for report in FleetReport.objects.filter(city_code=city_code, zone__in=list(zones)).order_by("period_end", "id"):
        latest[(report.platform_id, report.zone)] = report
    keys = sorted(set(latest) | {key for key in quotas if key[1] in zones})
    rows = []
    for platform_id, zone in keys:
        report = latest.get((platform_id, zone))
        quota = quotas.get((platform_id, zone), 0 if run else None)
        deployed = report.vehicles_deployed if report else None
        rows.append({"platform_id": platform_id, "zone": zone, "quota": quota, "deployed": deployed,
                     "reported_to": report.period_end.isoformat() if report else None,
                     "over": bool(quota is not None and deployed is not None and deployed > quota)})
    return rows


def published_allocations_rows(*, city_code: str | None = None) -> list[dict]:
    """Open data: one plain row per platform and zone of every published allocation (no person in it)."""
    from sharecity.hub.registry.selectors import registered_platform_names

    names = registered_platform_names()
    runs = AllocationRun.objects.filter(published_at__isnull=False).order_by("city_code", "-effective_from", "-id")
    if city_code:
        runs = runs.filter(city_code=city_code)
    zone_names = {(z.city_code, z.code): z for z in QuotaZone.objects.all()}
    rows = []
    for run in runs.prefetch_related("quotas"):
        for quota in run.quotas.all():
            zone = zone_names.get((run.city_code, quota.zone))
            rows.append({
                "allocation_id": f"QA-{run.pk}", "city_code": run.city_code,
                "city": CITIES[run.city_code].name_zh if run.city_code in CITIES else run.city_code,
                "year": run.year, "quarter": run.quarter, "effective_from": run.effective_from.isoformat(),
                "method": run.method, "platform_id": quota.platform_id,
                "platform": names.get(quota.platform_id, quota.platform_id), "zone": quota.zone,
                "zone_name_zh": zone.name_zh if zone else quota.zone,
                "zone_name_en": zone.name_en if zone else quota.zone,
                "vehicles": quota.vehicles, "published_at": run.published_at.isoformat() if run.published_at else None,
            })
    return rows


def city_of(jurisdiction: Jurisdiction, requested: str = "") -> str:
    """The city an officer works on: their own; an operator names one (default Xiamen)."""
    if jurisdiction.city_code:
        return jurisdiction.city_code
    return requested if requested in CITIES else "350200"


def public_table(*, city_code: str, on: dt.date) -> dict:
    """The quota in force in a city, for the public page and API: platform names, zones, vehicles."""
    from sharecity.hub.registry.selectors import registered_platform_names

    run = run_current(city_code=city_code, on=on)
    zones = zones_of(city_code=city_code)
    if run is None:
        return {"city_code": city_code, "run": None, "zones": zones, "rows": []}
    names = registered_platform_names()
    by_platform: dict[str, dict[str, int]] = {}
    for quota in run.quotas.all():
        by_platform.setdefault(quota.platform_id, {})[quota.zone] = quota.vehicles
    rows = [{"platform_id": platform, "platform": names.get(platform, platform),
             "zones": [by_zone.get(zone.code, 0) for zone in zones], "total": sum(by_zone.values())}
            for platform, by_zone in by_platform.items()]
    rows.sort(key=lambda row: (-row["total"], row["platform"]))
    return {"city_code": city_code, "run": run, "zones": zones, "rows": rows}


def published_evaluations(*, platform_ids: list[str]) -> dict[str, list[dict]]:
    """For the public directory: each platform's latest quarterly evaluation in each city, among the quarters
    whose allocation the city published (an evaluation is a draft the regulator may recompute until then),
    with its rank in that city and quarter (1 the best; equal scores share a rank) and how many were ranked."""
    published = set(AllocationRun.objects.filter(published_at__isnull=False)
                    .values_list("city_code", "year", "quarter"))
    if not published:
        return {}
    wanted = set(platform_ids)
    quarters: dict[tuple[str, int, int], list[Evaluation]] = {}
    for evaluation in Evaluation.objects.filter(city_code__in={city for city, _y, _q in published}):
        key = (evaluation.city_code, evaluation.year, evaluation.quarter)
        if key in published:
            quarters.setdefault(key, []).append(evaluation)
    found: dict[str, dict[str, dict]] = {}
    for (city_code, year, quarter), evaluations in sorted(quarters.items(), key=lambda item: item[0]):
        scores = [evaluation.score for evaluation in evaluations]
        for evaluation in evaluations:
            if evaluation.platform_id not in wanted:
                continue
            # Later quarters come later in the sort: the last one written per city is the latest.
            found.setdefault(evaluation.platform_id, {})[city_code] = {
                "city_code": city_code, "year": year, "quarter": quarter, "score": evaluation.score,
                "rank": 1 + sum(1 for score in scores if score > evaluation.score), "ranked": len(scores)}
    return {platform_id: [by_city[code] for code in sorted(by_city)] for platform_id, by_city in found.items()}
