"""Reads of inspection plans and tasks, scoped by city, department and district; the frozen pools as the
draw's plain input; and the verification of a draw (``plan_verify``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.inspection.draw import (
    CLASSES,
    DrawError,
    DrawResult,
    InspectorRow,
    ItemRow,
    Pools,
    SubjectRow,
    draw,
    seed_commitment,
)
from sharecity.hub.inspection.models import (
    InspectionItem,
    InspectionPlan,
    InspectionTask,
    Inspector,
    PlanState,
    RatioRule,
    TaskState,
)
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.kernel.errors import NotFound
from sharecity.kernel.timeutil import CITY_TZ


def today() -> dt.date:
    return timezone.now().astimezone(CITY_TZ).date()


def rules_in_force(*, city_code: str, day: dt.date) -> dict[str, RatioRule]:
    """Per risk class, the city's rule in force on ``day``, else the default's."""
    rules: dict[str, RatioRule] = {}
    for risk_class in CLASSES:
        for code in dict.fromkeys([city_code or "", ""]):
            rule = (RatioRule.objects.filter(city_code=code, risk_class=risk_class, effective_from__lte=day)
                    .order_by("-effective_from", "-id").first())
            if rule is not None:
                rules[risk_class] = rule
                break
    return rules


def rules_list(*, city_code: str) -> QuerySet[RatioRule]:
    return RatioRule.objects.filter(city_code__in=[city_code or "", ""]).order_by("risk_class", "-effective_from")


def items_for(*, city_code: str, departments: list[str] | None = None) -> QuerySet[InspectionItem]:
    items = InspectionItem.objects.filter(city_code=city_code)
    if departments is not None:
        items = items.filter(department_kind__in=departments)
    return items.order_by("department_kind", "code")


def inspectors_for(*, jurisdiction: Jurisdiction) -> QuerySet[Inspector]:
    """The inspector pool an officer sees: their city's, of their department (an operator sees all)."""
    rows = Inspector.objects.all()
    if jurisdiction.is_operator:
        return rows
    rows = rows.filter(city_code=jurisdiction.city_code, department_kind=jurisdiction.department_kind)
    if jurisdiction.district_code:
        rows = rows.filter(unit_district_code=jurisdiction.district_code)
    return rows


def inspector_get(*, jurisdiction: Jurisdiction, inspector_id: int) -> Inspector:
    inspector = inspectors_for(jurisdiction=jurisdiction).filter(pk=_id(inspector_id)).first()
    if inspector is None:
        raise NotFound(_("No such inspector."), field="inspector_id", code="inspection.no_inspector")
    return inspector


def _visible(plan: InspectionPlan, jurisdiction: Jurisdiction) -> bool:
    if jurisdiction.is_operator:
        return True
    return (jurisdiction.covers_scoped(plan.city_code, plan.district_code or None)
            and jurisdiction.department_kind in (plan.departments or []))


def plans_for(*, jurisdiction: Jurisdiction, state: str = "") -> list[InspectionPlan]:
    """Plans of the officer's city (a district bureau: its own district's), of a department the officer
    belongs to (a joint plan is each of its departments')."""
    rows = jurisdiction.filter_scoped(InspectionPlan.objects.all())
    if state:
        rows = rows.filter(state=state)
    return [plan for plan in rows.order_by("-created_at", "-id")[:500] if _visible(plan, jurisdiction)]


def _id(value) -> int:
    """A row number as the database can hold it; anything else finds nothing (0)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63 else 0


def plan_get(*, jurisdiction: Jurisdiction, plan_id: int) -> InspectionPlan:
    """The plan, or 404 when it does not exist or lies outside the officer's jurisdiction (no hint which)."""
    plan = InspectionPlan.objects.filter(pk=_id(plan_id)).first()
    if plan is None or not _visible(plan, jurisdiction):
        raise NotFound(_("No such inspection plan."), field="plan_id", code="inspection.no_plan")
    return plan


def tasks_of(plan: InspectionPlan) -> QuerySet[InspectionTask]:
    return plan.tasks.select_related("pool_subject").order_by("rank")


def tasks_for(*, jurisdiction: Jurisdiction, state: str = "") -> list[InspectionTask]:
    plans = {plan.pk: plan for plan in plans_for(jurisdiction=jurisdiction)}
    rows = InspectionTask.objects.filter(plan_id__in=list(plans)).select_related("pool_subject", "plan")
    if state:
        rows = rows.filter(state=state)
    return list(rows.order_by("deadline", "plan_id", "rank")[:1000])


def task_get(*, jurisdiction: Jurisdiction, task_id: int) -> InspectionTask:
    task = InspectionTask.objects.select_related("pool_subject", "plan").filter(pk=_id(task_id)).first()
    if task is None or not _visible(task.plan, jurisdiction):
        raise NotFound(_("No such inspection task."), field="task_id", code="inspection.no_task")
    return task


def task_late(task: InspectionTask, *, on: dt.date | None = None) -> bool:
    """Publication late: published after ``publish_due``, or still unpublished after it."""
    if task.publish_due is None:
        return False
    if task.published_at is not None:
        return task.published_at.astimezone(CITY_TZ).date() > task.publish_due
    return (on or today()) > task.publish_due


def inspector_names(ids: list[int]) -> dict[int, str]:
    return {i.pk: f"{i.name} ({i.badge})" for i in Inspector.objects.filter(pk__in=ids)}


def published_results(*, city_code: str = "", limit: int = 200) -> QuerySet[InspectionTask]:
    """Results the public sees (一公开): published tasks, newest first."""
    rows = InspectionTask.objects.filter(state=TaskState.PUBLISHED).select_related("pool_subject", "plan")
    if city_code:
        rows = rows.filter(plan__city_code=city_code)
    return rows.order_by("-published_at", "-id")[:limit]


def published_result_get(*, task_id: int) -> InspectionTask:
    task = InspectionTask.objects.filter(pk=_id(task_id), state=TaskState.PUBLISHED).select_related(
        "pool_subject", "plan").first()
    if task is None:
        raise NotFound(_("No such published result."), field="task_id", code="inspection.no_result")
    return task


# --- the draw's input and its verification --------------------------------------------------------------


def pools_of(plan: InspectionPlan) -> Pools:
    """The frozen pools as the draw reads them: built from the stored rows only."""
    rules = plan.ratios_bp or {}
    return Pools(
        subjects=tuple(SubjectRow(subject_id=s.subject_id, risk_class=s.risk_class, district_code=s.district_code,
                                  pointed=s.pointed) for s in plan.pool_subjects.order_by("subject_id")),
        inspectors=tuple(InspectorRow(inspector_id=i.inspector_id, department_kind=i.department_kind,
                                      residence_district_code=i.residence_district_code,
                                      connected_subject_ids=tuple(sorted(int(x) for x in i.connected_subject_ids)))
                         for i in plan.pool_inspectors.order_by("inspector_id")),
        items=tuple(ItemRow(code=i.code, department_kind=i.department_kind, kind=i.kind, cap_bp=i.cap_bp)
                    for i in plan.items.order_by("code")),
        ratios_bp={k: int(v) for k, v in rules.get("ratios", {}).items()},
        pointed_only=tuple(rules.get("pointed_only", ("A",))), on_site=tuple(rules.get("on_site", ("D",))),
        departments=tuple(plan.departments or ()), inspectors_per_task=plan.inspectors_per_task,
        recuse_residence=plan.recuse_residence,
    )


def stored_draw(plan: InspectionPlan) -> DrawResult:
    from sharecity.hub.inspection.draw import DrawnTask

    return DrawResult(tasks=[DrawnTask(rank=t.rank, subject_id=t.pool_subject.subject_id,
                                       risk_class=t.pool_subject.risk_class, on_site=t.on_site,
                                       item_codes=tuple(t.item_codes), inspector_ids=tuple(t.inspector_ids))
                             for t in tasks_of(plan)])


def _audited(plan: InspectionPlan, action: str) -> dict:
    from sharecity.hub.audit.models import AuditEntry

    entry = (AuditEntry.objects.filter(action=action, object_type="inspection_plan", object_id=str(plan.pk))
             .order_by("sequence").first())
    return entry.detail_data if entry is not None else {}


@dataclass
class Verification:
    plan_id: int
    ok: bool
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


def plan_verify(plan: InspectionPlan) -> Verification:
    """Recompute the draw from the revealed seed and the frozen pools and compare it, step by step, with
    what was committed, published and stored. Every difference is named."""
    report = Verification(plan_id=plan.pk, ok=False)
    problems, checked = report.problems, report.checked
    if plan.state != PlanState.REVEALED or not plan.seed:
        problems.append(f"the plan is {plan.state}: its seed is not revealed yet, nothing can be verified")
        return report
    committed = _audited(plan, "inspection.plan_committed")
    drawn = _audited(plan, "inspection.plan_drawn")
    revealed = _audited(plan, "inspection.plan_revealed")
    # 1. The seed against its commitment (published before the draw, and in the audit log).
    try:
        commitment = seed_commitment(plan.seed)
    except DrawError as error:
        problems.append(f"seed: {error.message}")
        return report
    if commitment != plan.seed_commitment:
        problems.append(f"seed: sha256(seed) is {commitment}, but the plan committed {plan.seed_commitment}")
    if committed.get("seed_commitment") != plan.seed_commitment:
        problems.append(f"seed commitment: the plan shows {plan.seed_commitment}, the audit log recorded "
                        f"{committed.get('seed_commitment')}")
    if revealed and revealed.get("seed") != plan.seed:
        problems.append("seed: the revealed seed differs from the one the audit log recorded at the reveal")
    checked.append(f"seed commitment {plan.seed_commitment}")
    # 2. The frozen pools against their hash (published at the commitment, and in the audit log).
    pools = pools_of(plan)
    pools_hash = pools.digest()
    if pools_hash != plan.pools_hash:
        problems.append(f"pools: the frozen rows hash to {pools_hash}, but {plan.pools_hash} was committed")
        problems.extend(_pool_differences(pools, committed.get("pools") or {}))
    if committed.get("pools_hash") != plan.pools_hash:
        problems.append(f"pools hash: the plan shows {plan.pools_hash}, the audit log recorded "
                        f"{committed.get('pools_hash')}")
    checked.append(f"pools hash {plan.pools_hash} ({len(pools.subjects)} subjects, {len(pools.inspectors)} inspectors)")
    # 3. The draw recomputed against the stored tasks and the digest recorded at the draw.
    try:
        recomputed = draw(plan.seed, pools)
    except DrawError as error:
        problems.append(f"draw: cannot be recomputed: {error.message}")
        return report
    stored = stored_draw(plan)
    problems.extend(_task_differences(recomputed, stored))
    if recomputed.digest() != plan.draw_digest:
        problems.append(f"draw: the recomputed draw digests to {recomputed.digest()}, the plan recorded "
                        f"{plan.draw_digest}")
    if drawn.get("draw_digest") != plan.draw_digest:
        problems.append(f"draw digest: the plan shows {plan.draw_digest}, the audit log recorded "
                        f"{drawn.get('draw_digest')}")
    checked.append(f"draw digest {plan.draw_digest} ({len(stored.tasks)} tasks)")
    report.ok = not problems
    return report


def _pool_differences(pools: Pools, recorded: dict) -> list[str]:
    """Which frozen rows differ from those recorded in the audit log at the commitment."""
    lines: list[str] = []
    recorded_subjects = {int(row["subject_id"]): row for row in recorded.get("subjects", [])}
    current = {s.subject_id: s for s in pools.subjects}
    for subject_id in sorted(set(recorded_subjects) | set(current)):
        was, now = recorded_subjects.get(subject_id), current.get(subject_id)
        if was is None:
            lines.append(f"pool subject {subject_id}: added after the commitment")
        elif now is None:
            lines.append(f"pool subject {subject_id}: removed after the commitment")
        else:
            for name in ("risk_class", "district_code", "pointed"):
                value = getattr(now, name)
                if was.get(name) != value:
                    lines.append(f"pool subject {subject_id}: {name} was {was.get(name)!r}, is {value!r}")
    recorded_inspectors = {int(row["inspector_id"]): row for row in recorded.get("inspectors", [])}
    inspectors = {i.inspector_id: i for i in pools.inspectors}
    for inspector_id in sorted(set(recorded_inspectors) | set(inspectors)):
        was_i, now_i = recorded_inspectors.get(inspector_id), inspectors.get(inspector_id)
        if was_i is None or now_i is None:
            change = "added" if was_i is None else "removed"
            lines.append(f"pool inspector {inspector_id}: {change} after the commitment")
            continue
        now_row = {"department_kind": now_i.department_kind, "residence_district_code": now_i.residence_district_code,
                   "connected_subject_ids": sorted(now_i.connected_subject_ids)}
        for name, value in now_row.items():
            if was_i.get(name) != value:
                lines.append(f"pool inspector {inspector_id}: {name} was {was_i.get(name)!r}, is {value!r}")
    return lines


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def _task_differences(recomputed: DrawResult, stored: DrawResult) -> list[str]:
    lines: list[str] = []
    if len(recomputed.tasks) != len(stored.tasks):
        lines.append(f"draw: recomputed {len(recomputed.tasks)} tasks, {len(stored.tasks)} stored")
    for again, kept in zip(recomputed.tasks, stored.tasks, strict=False):
        for name in ("subject_id", "risk_class", "on_site", "item_codes", "inspector_ids"):
            want, have = _plain(getattr(again, name)), _plain(getattr(kept, name))
            if want != have:
                lines.append(f"task {kept.rank}: {name} recomputed {want!r}, stored {have!r}")
    return lines


def pools_record(pools: Pools) -> dict:
    """The pools as the audit log keeps them at the commitment (so a later edit is named row by row)."""
    return {"subjects": [{"subject_id": s.subject_id, "risk_class": s.risk_class, "district_code": s.district_code,
                          "pointed": s.pointed} for s in pools.subjects],
            "inspectors": [{"inspector_id": i.inspector_id, "department_kind": i.department_kind,
                            "residence_district_code": i.residence_district_code,
                            "connected_subject_ids": sorted(i.connected_subject_ids)} for i in pools.inspectors]}


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def public_plan_get(*, plan_id: int) -> InspectionPlan:
    plan = InspectionPlan.objects.filter(pk=_id(plan_id)).exclude(state=PlanState.DRAFT).first()
    if plan is None:
        raise NotFound(_("No such published inspection plan."), field="plan_id", code="inspection.no_plan")
    return plan
