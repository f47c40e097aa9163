"""Reads of the evaluation duty. Targets, schemes and runs belong to a whole city: every officer of the
city reads them (a district bureau sees where its district stands); another city's are not found."""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Q, QuerySet
from django.utils import timezone

from sharecity.hub.evaluation.models import (
    Category,
    Designation,
    EvaluationRun,
    IndicatorScheme,
    Measure,
    PolicyTarget,
    SectorCategory,
)
from sharecity.hub.monitoring.selectors import period_end, statistics
from sharecity.hub.publicity.selectors import list_entries, penalties
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.selectors import platforms_registered_in, registered_platform_names
from sharecity.kernel.districts import CITIES, DISTRICTS, district_name
from sharecity.kernel.errors import NotFound
from sharecity.kernel.money import format_yuan
from sharecity.kernel.timeutil import CITY_TZ


def today() -> dt.date:
    return timezone.now().astimezone(CITY_TZ).date()


def city_of(jurisdiction: Jurisdiction, requested: str = "") -> str:
    """The city whose evaluation the officer reads: their own; an operator names one (default Tianjin's
    plan city, then the first known)."""
    if jurisdiction.city_code:
        return jurisdiction.city_code
    return requested if requested in CITIES else "120100"


# ---- targets ------------------------------------------------------------------------------------------------------

def targets(*, city_code: str) -> QuerySet[PolicyTarget]:
    return PolicyTarget.objects.filter(city_code=city_code)


def sector_categories(*, city_code: str) -> dict[str, str]:
    """sector -> target category: the default mapping, overridden by the city's own rows."""
    mapping = dict(SectorCategory.objects.filter(city_code="").values_list("sector", "category"))
    mapping.update(SectorCategory.objects.filter(city_code=city_code).values_list("sector", "category"))
    return mapping


def platforms_of_city(*, city_code: str) -> list[RegisteredPlatform]:
    """Platforms registered in the city: their credit code names a registration authority of the city
    (GB 32100-2015, 4.3), as ``hub.registry`` reads it."""
    ids = platforms_registered_in(division_prefixes=[city_code[:4]])
    return list(RegisteredPlatform.objects.filter(platform_id__in=sorted(ids)).order_by("name"))


def designations(*, city_code: str) -> QuerySet[Designation]:
    return Designation.objects.filter(city_code=city_code)


def _progress_current(target: PolicyTarget, *, platforms: list[RegisteredPlatform], mapping: dict[str, str],
                      designated: dict[str, set[str]]) -> int:
    if target.measure == Measure.DESIGNATIONS:
        ids: set[str] = set()
        for kind in target.designation_kinds or []:
            ids |= designated.get(kind, set())
        return len(ids)
    if target.category == Category.ALL:
        return len(platforms)
    return sum(1 for p in platforms if any(mapping.get(sector) == target.category for sector in p.sectors or []))


def target_progress(*, city_code: str, on: dt.date | None = None, language: str = "zh-hans") -> list[dict]:
    """Each target of the city with its progress: current count, target, share, the share the straight
    line from ``baseline_date`` to the end of the target year expects by ``on``, and a status:
    achieved, on_track, behind, or missed (the year is over and the goal was not reached)."""
    on = on or today()
    platforms = platforms_of_city(city_code=city_code)
    mapping = sector_categories(city_code=city_code)
    designated: dict[str, set[str]] = {}
    # A designation counts from the day it was recognised until the day before it was withdrawn.
    counting = designations(city_code=city_code).filter(recognised_on__lte=on).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
    for platform_id, kind in counting.values_list("platform_id", "kind"):
        designated.setdefault(kind, set()).add(platform_id)
    zh = language.startswith("zh")
    rows = []
    for target in targets(city_code=city_code):
        current = _progress_current(target, platforms=platforms, mapping=mapping, designated=designated)
        deadline = dt.date(target.target_year, 12, 31)
        span = max((deadline - target.baseline_date).days, 1)
        expected = min(max((on - target.baseline_date).days / span, 0.0), 1.0)
        share = current / target.target_value if target.target_value else 1.0
        if current >= target.target_value:
            status = "achieved"
        elif on > deadline:
            status = "missed"
        else:
            status = "on_track" if share >= expected else "behind"
        rows.append({
            "id": target.pk, "code": target.code, "name": target.name_zh if zh else target.name_en,
            "measure": target.measure, "category": target.category, "designation_kinds": target.designation_kinds,
            "current": current, "target": target.target_value, "target_year": target.target_year,
            "share": round(share, 4), "percent": min(100, math.floor(share * 100)),
            "expected_share": round(expected, 4), "on_track": status in ("achieved", "on_track"), "status": status,
            "source": _source(target), "source_document": target.source_document,
            "source_number": target.source_number, "source_article": target.source_article,
            "source_text": target.source_text, "seeded": target.created_by_id is None,
        })
    return rows


def _source(target: PolicyTarget) -> str:
    number = f" {target.source_number}" if target.source_number else ""
    return f"《{target.source_document}》{number} {target.source_article}".strip()


def targets_panel(*, jurisdiction: Jurisdiction, language: str = "zh-hans", city_code: str = "") -> dict:
    """The context of ``hub_evaluation/_targets_panel.html`` (the dashboard includes it)."""
    city = city_of(jurisdiction, city_code)
    return {"targets_city": city, "targets_progress": target_progress(city_code=city, language=language),
            "targets_city_name": _city_name(city, language)}


def _city_name(city_code: str, language: str) -> str:
    city = CITIES.get(city_code)
    if city is None:
        return city_code
    return city.name_zh if language.startswith("zh") else city.name_en


# ---- schemes ------------------------------------------------------------------------------------------------------

def scheme_in_force(*, city_code: str, on: dt.date | None = None) -> IndicatorScheme | None:
    """The city's latest version in force on ``on``; the default scheme until the city has one."""
    on = on or today()
    own = IndicatorScheme.objects.filter(city_code=city_code, effective_from__lte=on).order_by(
        "-effective_from", "-id").first()
    return own or IndicatorScheme.objects.filter(city_code="", effective_from__lte=on).order_by(
        "-effective_from", "-id").first()


def schemes(*, city_code: str) -> QuerySet[IndicatorScheme]:
    return IndicatorScheme.objects.filter(Q(city_code=city_code) | Q(city_code="")).order_by(
        "-effective_from", "-id")


# ---- quarters and figures -----------------------------------------------------------------------------------------

def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    return start, period_end(start, "quarter")


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def district_figures(*, city_code: str, year: int, quarter: int) -> tuple[dict[str, dict], dict[str, dict]]:
    """Every district of the city -> its figures for the quarter, and for the quarter before (for growth);
    a district without activity has zeros."""
    city = Jurisdiction(city_code=city_code)
    codes = [code for code, district in DISTRICTS.items() if district.city_code == city_code]

    def read(y: int, q: int) -> dict[str, dict]:
        start, end = quarter_bounds(y, q)
        rows = {row.key: row.figures for row in statistics(jurisdiction=city, start=start, end=end, period=None,
                                                             group_by="district")}
        empty = {name: 0 for name in _figure_names()}
        return {code: rows.get(code) or dict(empty, resolved_in_time_share=None, rating_average=None)
                for code in codes}

    return read(year, quarter), read(*previous_quarter(year, quarter))


def _figure_names():
    from sharecity.hub.monitoring.selectors import FIGURES

    return FIGURES


# ---- enterprises that lose support ------------------------------------------------------------------------------

def negative_enterprises(*, city_code: str, on: dt.date) -> list[dict]:
    """Platforms of the city (registered or active in it) that stand on the city's serious-dishonesty
    list on ``on``, or carry a serious penalty decided by then and still shown (not repaired, display
    period not over): the plan's negative list of enterprises that get no support
    (``policy.SUPPORT_EXIT_RULE``). Read through ``hub.publicity``'s selectors."""
    city = Jurisdiction(city_code=city_code)
    names = registered_platform_names()
    by_code = {p.credit_code: p for p in RegisteredPlatform.objects.filter(
        platform_id__in=sorted(city.platform_ids()))}
    found: dict[str, dict] = {}

    def add(code: str, reason: str, basis: str) -> None:
        platform = by_code.get(code)
        if platform is None:
            return
        row = found.setdefault(platform.platform_id, {"platform_id": platform.platform_id,
                                                      "name": names.get(platform.platform_id, platform.name),
                                                      "credit_code": code, "reasons": []})
        row["reasons"].append({"reason": reason, "basis": basis})

    entries = list_entries(jurisdiction=city, credit_list="black", status="active").filter(
        subject_kind="enterprise", effective_on__lte=on).exclude(expires_on__lt=on)
    for entry in entries:
        add(entry.subject_identifier, "black_list", entry.legal_basis)
    serious = penalties(jurisdiction=city).filter(severity="serious", subject_kind="enterprise", decided_on__lte=on,
                                                  repaired_at__isnull=True, display_until__gte=on)
    for penalty in serious:
        add(penalty.subject_identifier, "serious_penalty", f"{penalty.decision_number} {penalty.law}{penalty.article}")
    return sorted(found.values(), key=lambda row: row["name"])


# ---- runs ---------------------------------------------------------------------------------------------------------

def runs(*, jurisdiction: Jurisdiction) -> QuerySet[EvaluationRun]:
    return jurisdiction.filter_cities(EvaluationRun.objects.all())


def run_get(*, jurisdiction: Jurisdiction, run_id: int) -> EvaluationRun:
    run = runs(jurisdiction=jurisdiction).filter(pk=run_id).first() if 0 < run_id < 2**63 else None
    if run is None:
        raise NotFound("No such evaluation run.", field="run_id")
    return run


def shown_figure(source: str, value) -> str:
    """A figure as a person reads it: money in yuan, shares as percentages, none as a dash."""
    if value is None:
        return "—"
    if source.endswith("_fen"):
        return format_yuan(round(value))
    if source.endswith("_share") or source.endswith("_growth"):
        return f"{value * 100:.1f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def run_view(run: EvaluationRun, *, language: str = "zh-hans") -> dict:
    """A run as pages, the API and the exports show it: districts ranked with names, indicator labels."""
    zh = language.startswith("zh")
    labels = {ind["code"]: (ind.get("label_zh") if zh else ind.get("label_en")) or ind["code"]
              for ind in run.indicators}
    districts = []
    for row in run.districts:
        districts.append({**row, "name": district_name(row["code"], language=language),
                          "allocation_yuan": format_yuan(row["allocation_fen"]),
                          "indicators": [{**ind, "label": labels.get(ind["code"], ind["code"]),
                                          "shown": shown_figure(ind["source"], ind["raw"])}
                                         for ind in row["indicators"]]})
    start, end = quarter_bounds(run.year, run.quarter)
    return {"run": run, "districts": districts, "indicators": [{**ind, "label": labels[ind["code"]]}
                                                               for ind in run.indicators],
            "city_name": _city_name(run.city_code, language), "start": start, "end": end,
            "negative_districts": [d for d in districts if d["negative"]], "enterprises": run.enterprises,
            "allocated_fen": run.fund_fen - run.unallocated_fen}


def explanation(run: EvaluationRun, *, language: str = "zh-hans") -> list[dict]:
    """Each district's result back to its figures: per indicator raw, normalised (with the city's min and
    max it was scaled between), weight and contribution; the index as their sum; the fund share's
    arithmetic. Every number is the one stored with the run."""
    from django.utils.translation import gettext as _

    view = run_view(run, language=language)
    total_weight = sum(int(ind["weight"]) for ind in run.indicators)
    spans: dict[str, tuple] = {}
    for ind in run.indicators:
        values = [row_ind["raw"] for row in run.districts for row_ind in row["indicators"]
                  if row_ind["code"] == ind["code"] and row_ind["raw"] is not None]
        spans[ind["code"]] = (min(values), max(values)) if values else (None, None)
    rows = []
    for district in view["districts"]:
        lines = []
        for ind in district["indicators"]:
            low, high = spans[ind["code"]]
            lines.append({**ind, "min": low, "max": high, "total_weight": total_weight,
                          "min_shown": shown_figure(ind["source"], low), "max_shown": shown_figure(ind["source"], high),
                          "formula": f"{ind['weight']} × {ind['normalised']:.4f} / {total_weight} = "
                                     f"{ind['contribution']:.4f}"})
        allocation = district["allocation"]
        if district["negative"]:
            share = _("No share: the index is below the threshold %(threshold)s (support-exit rule).") % {
                "threshold": run.negative_threshold}
        elif not allocation["eligible"] or not allocation["weight_total"]:
            share = _("No share: an index of 0 earns none.")
        else:
            share = (f"{run.fund_fen} × {allocation['weight']} / {allocation['weight_total']} = "
                     f"{allocation['floor_fen']} + {allocation['remainder']}/{allocation['weight_total']}; "
                     f"{allocation['floor_fen']} + {allocation['extra_fen']} = {district['allocation_fen']} "
                     f"({format_yuan(district['allocation_fen'])})")
        rows.append({"code": district["code"], "name": district["name"], "rank": district["rank"],
                     "index": district["index"], "negative": district["negative"],
                     "index_formula": " + ".join(f"{line['contribution']:.4f}" for line in lines)
                                      + f" ≈ {district['index']:.2f}",
                     "indicators": lines, "allocation_fen": district["allocation_fen"], "allocation": allocation,
                     "allocation_formula": share})
    return rows
