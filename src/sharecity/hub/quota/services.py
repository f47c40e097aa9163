"""Writes of the quota duty: fleet facts from intake, evaluation weights, quarterly evaluations, allocation runs
and their publication as ``quota.assigned`` directives. Each is atomic and audited (hub.audit)."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.audit.services import audit_record
from sharecity.hub.directives.services import directive_send_for
from sharecity.hub.facts.selectors import Filters, complaints_list
from sharecity.hub.quota import inputs, selectors
from sharecity.hub.quota.models import (
    AllocationRun,
    Evaluation,
    EvaluationWeights,
    FleetReport,
    Method,
    Quota,
    QuotaZone,
)
from sharecity.hub.quota.parameters import PENALTY_LADDER, RANK_SHARES
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.registry.selectors import regulator_profile_for
from sharecity.hub.warnings.services import warning_raise
from sharecity.kernel.districts import CITIES
from sharecity.kernel.errors import Forbidden, InvalidInput
from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ, city_datetime

logger = logging.getLogger(__name__)

WARNING_RULE = "fleet_over_quota"
WEIGHT_FIELDS = ("complaints", "parking", "condition", "dispatch")
SCALE_FIELDS = ("complaints_zero_per_thousand", "dispatch_target_minutes", "dispatch_zero_minutes")
# What a quota directive cites, by city: Xiamen's plan asks the city to manage public space such as bike fleets
# by service-quality evaluation (厦府办〔2019〕13号), and its 2019 allocation scheme sets the rule; Tianjin's 2019
# 考核办法 ties the quota to the quarterly score. Another city names its own text.
QUOTA_LEGAL_REFERENCES = {
    "350200": "《厦门市促进共享经济健康发展实施方案》(厦府办〔2019〕13号); "
              "厦门市2019年度互联网租赁自行车投放份额考核实施方案",
    "120100": "《天津市互联网租赁自行车服务质量考核办法(试行)》(2019年8月起施行)",
}
QUOTA_LEGAL_REFERENCE = "城市互联网租赁自行车投放配额考核规定"


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if not (2000 <= year <= 2100) or quarter not in (1, 2, 3, 4):
        raise InvalidInput(_("Give a year from 2000 to 2100 and a quarter from 1 to 4."), field="quarter",
                           code="quota.quarter")
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


def _city_officer(actor: User, jurisdiction: Jurisdiction, city_code: str) -> None:
    """Weights, evaluations and allocations are the city's: a city-level officer of that city, or an operator."""
    if not jurisdiction.covers_city(city_code) or jurisdiction.district_code:
        raise Forbidden(_("Only the city's own officers decide its quotas."), field="city_code",
                        code="quota.not_city_officer")
    if city_code not in CITIES:
        raise InvalidInput(_("Unknown city code."), field="city_code", code="quota.city")


# ---- intake ----------------------------------------------------------------------------------------------------


@transaction.atomic
def fleet_reported(*, envelope, payload) -> FleetReport | None:
    """Intake handler for ``fleet.reported``: append the fact once (a repeated report id keeps the first), then
    compare with the zone's current quota and raise a warning when the fleet is above it. An unknown city or
    zone is refused (the message goes to quarantine with the field named)."""
    if payload.city not in CITIES:
        raise InvalidInput("payload.city: not a city the hub serves", field="payload.city", code="quota.city")
    if not selectors.zone_exists(city_code=payload.city, zone=payload.zone):
        raise InvalidInput("payload.zone: not a quota zone of the city", field="payload.zone", code="quota.zone")
    existing = FleetReport.objects.filter(platform_id=envelope.platform_id, report_id=payload.report_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = FleetReport.objects.create(
                platform_id=envelope.platform_id, report_id=payload.report_id, message_id=str(envelope.message_id),
                city_code=payload.city, zone=payload.zone, period_start=payload.period_start,
                period_end=payload.period_end, reported_at=payload.reported_at,
                vehicles_deployed=payload.vehicles_deployed, vehicles_good=payload.vehicles_good,
                parking_checked=payload.parking_checked, parking_compliant=payload.parking_compliant,
                dispatch_requests=payload.dispatch_requests,
                dispatch_response_minutes=payload.dispatch_response_minutes)
    except IntegrityError:
        return FleetReport.objects.get(platform_id=envelope.platform_id, report_id=payload.report_id)
    fleet_check(report=report)
    return report


def fleet_check(*, report: FleetReport) -> None:
    """Raise a warning when a report shows more vehicles in a zone than the platform's current quota there."""
    quota = selectors.quota_current(city_code=report.city_code, platform_id=report.platform_id, zone=report.zone,
                                    on=report.period_end)
    if quota is None or report.vehicles_deployed <= quota:
        return
    _over_quota_warn(report=report, quota=quota, dedupe_key=f"{WARNING_RULE}:{report.platform_id}:{report.report_id}")


def _over_quota_warn(*, report: FleetReport, quota: int, dedupe_key: str, allocation: str = "") -> None:
    over = report.vehicles_deployed - quota
    new_zh = f"新配额 {allocation} 下，" if allocation else ""
    new_en = f"Under the new allocation {allocation}: " if allocation else ""
    zone = QuotaZone.objects.filter(city_code=report.city_code, code=report.zone).first()
    zone_zh, zone_en = (zone.name_zh, zone.name_en) if zone else (report.zone, report.zone)
    warning_raise(
        city_code=report.city_code, rule=WARNING_RULE, severity="high" if over * 10 > quota else "medium",
        subject_kind="platform", subject_ref=report.platform_id, platform_id=report.platform_id, district_code="",
        explanation={
            "zh": f"{new_zh}{zone_zh}投放 {report.vehicles_deployed} 辆，配额 {quota} 辆，超出 {over} 辆"
                  f"（报告 {report.report_id}，{report.period_start}至{report.period_end}）。",
            "en": f"{new_en}{report.vehicles_deployed} vehicles deployed in {zone_en}, {over} above the "
                  f"quota of {quota} (report {report.report_id}, {report.period_start} to {report.period_end}).",
        },
        evidence=[{"kind": "fleet_report", "ref": f"{report.platform_id}:{report.report_id}",
                   "description": f"{report.vehicles_deployed} > {quota}"}],
        dedupe_key=dedupe_key)


def fleet_recheck(*, run: AllocationRun) -> None:
    """A newly published allocation against each platform's latest fleet report in each of the city's zones: a
    warning where the new quota (none is 0: a platform the rule gave nothing) is below the fleet last reported,
    as a report above quota raises one. Once per allocation and report."""
    quotas = {(quota.platform_id, quota.zone): quota.vehicles for quota in run.quotas.all()}
    latest: dict[tuple[str, str], FleetReport] = {}
    for report in FleetReport.objects.filter(city_code=run.city_code).order_by("period_end", "id"):
        latest[(report.platform_id, report.zone)] = report
    for key, report in sorted(latest.items()):
        quota = quotas.get(key, 0)
        if report.vehicles_deployed > quota:
            _over_quota_warn(report=report, quota=quota, allocation=f"QA-{run.pk}",
                             dedupe_key=f"{WARNING_RULE}:{report.platform_id}:{report.report_id}:QA-{run.pk}")


# ---- weights and evaluations -------------------------------------------------------------------------------------


@transaction.atomic
def weights_set(*, actor: User, jurisdiction: Jurisdiction, city_code: str, effective_from: dt.date,
                values: dict[str, int], source: str = "") -> EvaluationWeights:
    """A new version of the city's weights from ``effective_from`` (the one already there for that day is
    refused: a version is never edited, a later one replaces it)."""
    _city_officer(actor, jurisdiction, city_code)
    checked: dict[str, int] = {}
    for name in (*WEIGHT_FIELDS, *SCALE_FIELDS):
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= (
                100 if name in WEIGHT_FIELDS else 100_000):
            raise InvalidInput(_("A whole number from 0 to %(max)d.") % {"max": 100 if name in WEIGHT_FIELDS
                                                                          else 100_000},
                               field=name, code="quota.weight")
        checked[name] = value
    if sum(checked[name] for name in WEIGHT_FIELDS) != 100:
        raise InvalidInput(_("The four weights add up to 100."), field="complaints", code="quota.weights_sum")
    if checked["dispatch_zero_minutes"] <= checked["dispatch_target_minutes"]:
        raise InvalidInput(_("The minutes that score 0 must be more than the target."), field="dispatch_zero_minutes",
                           code="quota.dispatch_scale")
    if checked["complaints_zero_per_thousand"] < 1:
        raise InvalidInput(_("At least 1 complaint per 1,000 vehicles."), field="complaints_zero_per_thousand",
                           code="quota.complaints_scale")
    if not isinstance(source, str) or len(source) > 300 or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in source):
        raise InvalidInput(_("At most 300 characters on one line."), field="source", code="quota.source")
    if EvaluationWeights.objects.filter(city_code=city_code, effective_from=effective_from).exists():
        raise InvalidInput(_("A version already takes effect that day; choose a later day."), field="effective_from",
                           code="quota.weights_exist")
    weights = EvaluationWeights.objects.create(city_code=city_code, effective_from=effective_from, source=source,
                                               created_by=actor, **checked)
    audit_record(actor=actor, action="quota.weights_set", object_type="quota_weights", object_id=weights.pk,
                 city_code=city_code, detail={"effective_from": effective_from.isoformat(), **checked,
                                              "source": source})
    return weights


def _ratio(numerator: int, denominator: int) -> Fraction:
    return Fraction(numerator, denominator) if denominator else Fraction(0)


def score_parts(*, reports: list[FleetReport], complaints: int, weights: EvaluationWeights) -> dict:
    """The four parts (0 to 100 each) and the weighted score, from a quarter's fleet reports and complaints.

    condition: vehicles in good condition / deployed; parking: compliant / checked (nothing checked scores 0: an
    operator that lets nobody check earns nothing); dispatch: 100 at or under the target mean, 0 at or over the
    limit, linear between (no request scores 100); complaints: 100 less the complaints per 1,000 vehicles (the
    latest report of each zone) scaled so ``complaints_zero_per_thousand`` scores 0."""
    deployed = sum(r.vehicles_deployed for r in reports)
    condition = 100 * _ratio(sum(r.vehicles_good for r in reports), deployed)
    parking = 100 * _ratio(sum(r.parking_compliant for r in reports), sum(r.parking_checked for r in reports))
    requests = sum(r.dispatch_requests for r in reports)
    if requests:
        minutes = _ratio(sum(r.dispatch_requests * (r.dispatch_response_minutes or 0) for r in reports), requests)
        span = weights.dispatch_zero_minutes - weights.dispatch_target_minutes
        dispatch = 100 * min(Fraction(1), max(Fraction(0), (weights.dispatch_zero_minutes - minutes) / span))
    else:
        minutes, dispatch = Fraction(0), Fraction(100)
    latest: dict[str, FleetReport] = {}
    for report in sorted(reports, key=lambda r: (r.period_end, r.pk)):
        latest[report.zone] = report
    fleet = sum(r.vehicles_deployed for r in latest.values())
    per_thousand = _ratio(complaints * 1000, fleet) if fleet else Fraction(complaints * 1000)
    complaint_part = max(Fraction(0), 100 - 100 * per_thousand / weights.complaints_zero_per_thousand)
    parts = {"complaints": complaint_part, "parking": parking, "condition": condition, "dispatch": dispatch}
    score = sum((getattr(weights, name) * parts[name] for name in WEIGHT_FIELDS), Fraction(0)) / 100

    def two(value: Fraction) -> str:
        return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP))

    return {"score": two(score), "parts": {name: two(value) for name, value in parts.items()},
            "facts": {"reports": len(reports), "complaints": complaints, "fleet": fleet,
                      "dispatch_requests": requests, "dispatch_mean_minutes": two(minutes)}}


@transaction.atomic
def evaluation_compute(*, actor: User, jurisdiction: Jurisdiction, city_code: str, year: int, quarter: int
                       ) -> list[Evaluation]:
    """Score every platform that reported a fleet in the city in the quarter (again, if scored before)."""
    _city_officer(actor, jurisdiction, city_code)
    start, end = quarter_bounds(year, quarter)
    weights = selectors.weights_at(city_code=city_code, day=start)
    if weights is None:
        raise InvalidInput(_("Set the evaluation weights in force on the quarter's first day first."),
                           field="quarter", code="quota.no_weights")
    city = Jurisdiction(city_code=city_code)
    results = []
    for platform_id in selectors.platforms_reporting(city_code=city_code, start=start, end=end):
        reports = list(FleetReport.objects.filter(city_code=city_code, platform_id=platform_id,
                                                  period_end__gte=start, period_end__lte=end))
        complaints = complaints_list(jurisdiction=city,
                                     filters=Filters(platform=platform_id, date_from=start, date_to=end)).count()
        computed = score_parts(reports=reports, complaints=complaints, weights=weights)
        evaluation, _created = Evaluation.objects.update_or_create(
            city_code=city_code, year=year, quarter=quarter, platform_id=platform_id,
            defaults={"score": Decimal(computed["score"]), "components": computed, "weights": weights})
        results.append(evaluation)
    audit_record(actor=actor, action="quota.evaluation_compute", object_type="quota_evaluation",
                 object_id=f"{city_code}:{year}Q{quarter}", city_code=city_code,
                 detail={"weights": weights.pk, "scores": {e.platform_id: str(e.score) for e in results}})
    return results


# ---- allocation runs -----------------------------------------------------------------------------------------------


def _inputs_from_evaluations(*, method: str, city_code: str, year: int, quarter: int, fail_below: Fraction
                             ) -> tuple[str, list[dict]]:
    """The CSV an allocation reads, built from the quarter's evaluations (and, for the ladder, the current quota
    and the failures in a row before this quarter)."""
    evaluations = list(Evaluation.objects.filter(city_code=city_code, year=year, quarter=quarter)
                       .order_by("-score", "platform_id"))
    if not evaluations:
        raise InvalidInput(_("No evaluation for that quarter: compute the evaluation first."), field="quarter",
                           code="quota.no_evaluation")
    rows = []
    start, _end = quarter_bounds(year, quarter)
    current = selectors.quota_totals_current(city_code=city_code, on=start)
    # A new entrant is a platform without a quota in a city that already allocates; at the city's first
    # allocation every platform is an incumbent.
    allocates = selectors.run_current(city_code=city_code, on=start) is not None
    for evaluation in evaluations:
        held = current.get(evaluation.platform_id)
        if method == Method.RANK_SHARES:
            rows.append({"platform": evaluation.platform_id, "score": str(evaluation.score),
                         "new_entrant": "1" if allocates and held is None else "0"})
        else:
            rows.append({"platform": evaluation.platform_id, "quota": str(held or 0), "score": str(evaluation.score),
                         "prior_failures": str(selectors.failures_before(city_code=city_code,
                                                                         platform_id=evaluation.platform_id,
                                                                         year=year, quarter=quarter,
                                                                         fail_below=fail_below))})
    columns = list(rows[0])
    text = ",".join(columns) + "\n" + "".join(",".join(row[c] for c in columns) + "\n" for row in rows)
    return text, rows


def _default_options(method: str, city_code: str, day: dt.date) -> dict[str, str]:
    """The published parameters in force (``parameters.py``) as text options, for the fields left empty."""
    if method == Method.RANK_SHARES:
        versions = [p for p in RANK_SHARES if p.city_code == city_code and p.effective_from <= day]
        if not versions:
            return {}
        p = max(versions, key=lambda v: v.effective_from)
        return {"total": str(p.total), "reserve_new": str(p.reserve_new),
                "shares": ",".join(str(float(s)) for s in p.shares), "pass_mark": str(int(p.pass_mark))}
    versions = [p for p in PENALTY_LADDER if p.city_code == city_code and p.effective_from <= day]
    if not versions:
        return {}
    ladder = max(versions, key=lambda v: v.effective_from).ladder
    return {"fail_below": str(int(ladder.fail_below)), "cuts": ",".join(str(float(c)) for c in ladder.cuts),
            "suspend_at": str(ladder.suspend_at), "reward_at": str(int(ladder.reward_at)), "by": ladder.by}


@transaction.atomic
def allocation_run(*, actor: User, jurisdiction: Jurisdiction, city_code: str, year: int, quarter: int,
                   method: str, options: dict[str, str], effective_from: dt.date | None = None) -> AllocationRun:
    """Allocate the city's quota for a quarter from its evaluations, by a rule; store inputs and result."""
    _city_officer(actor, jurisdiction, city_code)
    if method not in Method.values:
        raise InvalidInput(_("Choose rank-shares or penalty-ladder."), field="method", code="quota.method")
    start, _end = quarter_bounds(year, quarter)
    zones = selectors.zones_of(city_code=city_code)
    if not zones:
        raise InvalidInput(_("The city has no quota zones."), field="city_code", code="quota.no_zones")
    given = {key: str(value).strip() for key, value in options.items() if value is not None and str(value).strip()}
    merged = {**_default_options(method, city_code, start), **given,
              "zones": ",".join(f"{zone.code}={zone.weight}" for zone in zones)}
    if method == Method.PENALTY_LADDER:
        fail_below = inputs.number(merged.get("fail_below", "60"), field="fail_below")
    else:
        fail_below = Fraction(60)
    csv_text, rows = _inputs_from_evaluations(method=method, city_code=city_code, year=year, quarter=quarter,
                                              fail_below=fail_below)
    allocation = inputs.allocation_compute(method=method, csv_data=csv_text, options=merged, csv_name="evaluations")
    result = allocation.as_dict()
    run = AllocationRun.objects.create(city_code=city_code, year=year, quarter=quarter, method=method,
                                       parameters=merged, inputs=rows, result=result,
                                       unallocated=allocation.unallocated,
                                       effective_from=effective_from or start, created_by=actor)
    Quota.objects.bulk_create([Quota(run=run, platform_id=platform, zone=zone, vehicles=vehicles)
                               for platform, by_zone in allocation.by_zone.items()
                               for zone, vehicles in by_zone.items()])
    audit_record(actor=actor, action="quota.allocation_run", object_type="quota_allocation", object_id=run.pk,
                 city_code=city_code, detail={"method": method, "year": year, "quarter": quarter,
                                              "parameters": merged, "inputs": rows, "result": result})
    return run


@transaction.atomic
def allocation_publish(*, actor: User, jurisdiction: Jurisdiction, run_id: int, now: dt.datetime | None = None
                       ) -> AllocationRun:
    """Send each platform its quota as a ``quota.assigned`` directive, once; the run becomes the city's current
    quota from its ``effective_from``."""
    run = AllocationRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or not jurisdiction.covers_city(run.city_code):
        from sharecity.kernel.errors import NotFound

        raise NotFound(_("No such allocation."), field="run_id", code="quota.not_found")
    _city_officer(actor, jurisdiction, run.city_code)
    if run.published_at is not None:
        raise InvalidInput(_("This allocation was published already."), field="run_id", code="quota.published")
    profile = regulator_profile_for(actor)
    department = profile.department if profile else _("Hub operator")
    issued = now or timezone.now()
    effective = max(city_datetime(run.effective_from, dt.time(0, 0)), issued)
    scores = {row["platform"]: row["score"] for row in run.inputs}
    for platform_id, allocation in run.result["allocations"].items():
        zones = [{"zone": zone, "vehicles": vehicles} for zone, vehicles in allocation.items() if zone != "total"]
        directive_send_for(actor=actor, department=department, platform_id=platform_id,
                           directive_type="quota.assigned", now=issued, city_code=run.city_code,
                           legal_reference=QUOTA_LEGAL_REFERENCES.get(run.city_code, QUOTA_LEGAL_REFERENCE),
                           allocation_id=f"QA-{run.pk}", city=run.city_code,
                           method=run.method, zones=zones, total=allocation["total"], effective_from=effective,
                           score=_score_text(scores.get(platform_id)))
    AllocationRun.objects.filter(pk=run.pk).update(published_at=issued)
    audit_record(actor=actor, action="quota.allocation_publish", object_type="quota_allocation", object_id=run.pk,
                 city_code=run.city_code, detail={"platforms": sorted(run.result["allocations"])})
    run.refresh_from_db()
    fleet_recheck(run=run)
    return run


def _score_text(score: str | None) -> str | None:
    if score is None:
        return None
    value = Decimal(score).quantize(Decimal("0.01"), ROUND_HALF_UP).normalize()
    return f"{value:f}"


def today() -> dt.date:
    return timezone.now().astimezone(CITY_TZ).date()
