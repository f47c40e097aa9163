"""Random inspections as an API: ``/api/v1/hub/inspection/...`` for officers (session), scoped like the
pages (city, department, district); ``/api/v1/inspection/...`` for the public: published results and each
plan's commitment, pools hash and (after the reveal) seed, so anyone can check a draw."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema, Status
from ninja.security import SessionAuth

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.inspection import selectors, services
from sharecity.hub.inspection.models import InspectionPlan, InspectionTask, Inspector, PlanState
from sharecity.hub.registry.jurisdiction import officer_jurisdiction

ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
PUBLIC_ERRORS = {**VALIDATION, 404: ErrorOut}
TEXT = r"^[^\x00-\x1f\x7f-\x9f]*$"
TEXT_BLOCK = r"^[^\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
CODE = r"^[a-z0-9][a-z0-9_.-]{0,39}$"
ID = Field(ge=1, le=2**53)

router = Router(auth=SessionAuth(), tags=["hub"])
public_router = Router(tags=["public"])


# --- schemas -------------------------------------------------------------------------------------------


class InspectionRatioRuleOut(Schema):
    id: int
    city_code: str
    risk_class: str
    ratio_min_bp: int = Field(description="lowest ratio in hundredths of a percent (500 = 5%)")
    ratio_max_bp: int
    pointed_only: bool = Field(description="class A: drawn only when a complaint, signal or referral points to it")
    on_site: bool
    effective_from: dt.date
    source_document: str
    source_number: str
    source_article: str
    note: str
    in_force: bool


class InspectionItemOut(Schema):
    code: str
    department_kind: str
    name_zh: str
    name_en: str
    kind: str = Field(description="general (capped ratio) or key (no cap)")
    cap_bp: int | None
    legal_basis: str


class InspectorPoolOut(Schema):
    id: int
    name: str
    badge: str
    department_kind: str
    department: str
    unit_district_code: str
    residence_district_code: str
    active: bool
    connections: list[int] = Field(description="credit subjects the inspector declared a connection to")


class InspectorPoolIn(Schema):
    name: str = Field(max_length=60, pattern=TEXT)
    badge: str = Field(max_length=30, pattern=TEXT)
    residence_district_code: str = Field("", max_length=6, pattern=r"^(\d{6})?$")


class InspectionConnectionIn(Schema):
    subject_id: int = ID
    reason: str = Field(max_length=200, pattern=TEXT)


class InspectionPlanIn(Schema):
    title: str = Field(max_length=120, pattern=TEXT)
    departments: list[str] = Field(max_length=8)
    sector: str = Field("", max_length=40, pattern=r"^([a-z0-9][a-z0-9_.-]{0,39})?$")
    districts: list[str] = Field(max_length=40)
    item_codes: list[str] = Field(max_length=50)
    period_start: dt.date
    period_end: dt.date
    recuse_residence: bool = False
    inspectors_per_task: int = Field(2, ge=2, le=10)
    task_workdays: int = Field(20, ge=1, le=250)
    ratios_bp: dict[str, int] | None = Field(None, description="per class A-D, in hundredths of a percent")


class InspectionPointerIn(Schema):
    subject_id: int = ID
    source: str = Field(max_length=10, description="complaint, signal or referral")
    reason: str = Field(max_length=300, pattern=TEXT)


class InspectionPlanOut(Schema):
    id: int
    city_code: str
    district_code: str
    title: str
    departments: list[str]
    sector: str
    districts: list[str]
    item_codes: list[str]
    period_start: dt.date
    period_end: dt.date
    recuse_residence: bool
    inspectors_per_task: int
    task_workdays: int
    ratios_bp: dict[str, int]
    state: str
    seed_commitment: str = Field(description="sha256 of the seed, published before the draw")
    pools_hash: str = Field(description="sha256 of the frozen pools' canonical serialization")
    draw_digest: str
    seed: str = Field(description="empty until revealed")
    committed_at: dt.datetime | None
    drawn_at: dt.datetime | None
    revealed_at: dt.datetime | None
    pointers: list[dict]
    tasks: int


class InspectionTaskOut(Schema):
    id: int
    plan_id: int
    rank: int
    subject_id: int
    subject: str
    risk_class: str
    district_code: str
    platform_id: str
    on_site: bool
    item_codes: list[str]
    inspectors: list[str]
    deadline: dt.date
    state: str
    inspected_on: dt.date | None
    items_checked: list[str]
    items_failed: list[str]
    findings: str
    violation_found: bool | None
    publish_due: dt.date | None
    published_at: dt.datetime | None
    late: bool
    directive_message_id: str
    credit_record_id: int | None


class InspectionResultIn(Schema):
    inspected_on: dt.date
    items_checked: list[str] = Field(max_length=50)
    findings: str = Field("", max_length=2000, pattern=TEXT_BLOCK)
    violation_found: bool
    items_failed: list[str] | None = Field(None, max_length=50, description=(
        "the items the violation was found on, among those checked; required for a joint plan's violation "
        "(each department whose item failed gets its own case)"))


class InspectionVerificationOut(Schema):
    plan_id: int
    ok: bool
    problems: list[str]
    checked: list[str]


class InspectionPublicResultOut(Schema):
    id: int
    plan_id: int
    plan_title: str
    city_code: str
    subject: str
    risk_class: str
    district_code: str
    items_checked: list[str]
    items_failed: list[str]
    inspected_on: dt.date | None
    violation_found: bool | None
    findings: str
    publish_due: dt.date | None
    published_at: dt.datetime | None
    late: bool


class InspectionPublicPlanOut(Schema):
    id: int
    city_code: str
    title: str
    state: str
    seed_commitment: str
    pools_hash: str
    draw_digest: str
    seed: str
    committed_at: dt.datetime | None
    drawn_at: dt.datetime | None
    revealed_at: dt.datetime | None
    drawn_subject_ids: list[int]


class InspectionCityQuery(Schema):
    city: str = Field("", max_length=6, pattern=r"^(\d{6})?$")


class InspectionStateQuery(Schema):
    state: str = Field("", max_length=10, pattern=r"^(draft|committed|drawn|revealed|open|result|published)?$")


# --- shaping -------------------------------------------------------------------------------------------


def plan_out(plan: InspectionPlan) -> dict:
    return {"id": plan.pk, "city_code": plan.city_code, "district_code": plan.district_code, "title": plan.title,
            "departments": plan.departments, "sector": plan.sector, "districts": plan.districts,
            "item_codes": sorted(plan.items.values_list("code", flat=True)), "period_start": plan.period_start,
            "period_end": plan.period_end, "recuse_residence": plan.recuse_residence,
            "inspectors_per_task": plan.inspectors_per_task, "task_workdays": plan.task_workdays,
            "ratios_bp": (plan.ratios_bp or {}).get("ratios", {}), "state": plan.state,
            "seed_commitment": plan.seed_commitment, "pools_hash": plan.pools_hash, "draw_digest": plan.draw_digest,
            "seed": plan.seed if plan.state == PlanState.REVEALED else "", "committed_at": plan.committed_at,
            "drawn_at": plan.drawn_at, "revealed_at": plan.revealed_at,
            "pointers": [{"subject_id": p.subject_id, "source": p.source, "reason": p.reason}
                         for p in plan.pointers.order_by("subject_id")],
            "tasks": plan.tasks.count()}


def task_out(task: InspectionTask, names: dict[int, str] | None = None) -> dict:
    names = names if names is not None else selectors.inspector_names(task.inspector_ids)
    subject = task.pool_subject
    return {"id": task.pk, "plan_id": task.plan_id, "rank": task.rank, "subject_id": subject.subject_id,
            "subject": subject.label, "risk_class": subject.risk_class, "district_code": subject.district_code,
            "platform_id": subject.platform_id, "on_site": task.on_site, "item_codes": task.item_codes,
            "inspectors": [names.get(i, str(i)) for i in task.inspector_ids], "deadline": task.deadline,
            "state": task.state, "inspected_on": task.inspected_on, "items_checked": task.items_checked,
            "items_failed": task.items_failed, "findings": task.findings, "violation_found": task.violation_found,
            "publish_due": task.publish_due,
            "published_at": task.published_at, "late": selectors.task_late(task),
            "directive_message_id": task.directive_message_id, "credit_record_id": task.credit_record_id}


def public_result_out(task: InspectionTask) -> dict:
    return {"id": task.pk, "plan_id": task.plan_id, "plan_title": task.plan.title, "city_code": task.plan.city_code,
            "subject": task.pool_subject.label, "risk_class": task.pool_subject.risk_class,
            "district_code": task.pool_subject.district_code, "items_checked": task.items_checked,
            "items_failed": task.items_failed, "inspected_on": task.inspected_on,
            "violation_found": task.violation_found, "findings": task.findings,
            "publish_due": task.publish_due, "published_at": task.published_at, "late": selectors.task_late(task)}


def _inspector_out(inspector: Inspector) -> dict:
    return {"id": inspector.pk, "name": inspector.name, "badge": inspector.badge,
            "department_kind": inspector.department_kind, "department": inspector.department,
            "unit_district_code": inspector.unit_district_code,
            "residence_district_code": inspector.residence_district_code, "active": inspector.active,
            "connections": sorted(inspector.connections.values_list("subject_id", flat=True))}


# --- officers ------------------------------------------------------------------------------------------


@router.get("/hub/inspection/rules", response={200: list[InspectionRatioRuleOut], **ERRORS})
def inspection_rules(request):
    """The ratio rules by credit risk class (the city's and the default), with sources and effective dates."""
    jurisdiction = officer_jurisdiction(request)
    city = jurisdiction.city_code or ""
    in_force = {r.pk for r in selectors.rules_in_force(city_code=city, day=selectors.today()).values()}
    return [{**{f: getattr(r, f) for f in ("id", "city_code", "risk_class", "ratio_min_bp", "ratio_max_bp",
                                            "pointed_only", "on_site", "effective_from", "source_document",
                                            "source_number", "source_article", "note")}, "in_force": r.pk in in_force}
            for r in selectors.rules_list(city_code=city)]


@router.get("/hub/inspection/items", response={200: list[InspectionItemOut], **ERRORS})
def inspection_items(request):
    """The items the officer's city checks, by department: key items (no cap) and general items (capped)."""
    jurisdiction = officer_jurisdiction(request)
    rows = selectors.items_for(city_code=jurisdiction.city_code or "350200")
    return [{f: getattr(i, f) for f in ("code", "department_kind", "name_zh", "name_en", "kind", "cap_bp",
                                        "legal_basis")} for i in rows]


@router.get("/hub/inspection/inspectors", response={200: list[InspectorPoolOut], **ERRORS})
def inspection_inspectors(request):
    """The inspector pool of the officer's department (a district bureau: its own officers)."""
    return [_inspector_out(i) for i in selectors.inspectors_for(jurisdiction=officer_jurisdiction(request))[:500]]


@router.post("/hub/inspection/inspectors", response={201: InspectorPoolOut, **ERRORS})
def inspection_inspector_add(request, body: InspectorPoolIn):
    """Add an officer of the caller's department to the pool (audited)."""
    officer_jurisdiction(request)
    return Status(201, _inspector_out(services.inspector_add(actor=request.auth, **body.dict())))


class InspectorActiveIn(Schema):
    active: bool = Field(description="false takes the inspector out of later draws; true puts them back")
    reason: str = Field(max_length=200, pattern=TEXT)


@router.post("/hub/inspection/inspectors/{inspector_id}/active", response={200: InspectorPoolOut, **ERRORS})
def inspection_inspector_active(request, inspector_id: int, body: InspectorActiveIn):
    """Take an inspector out of the pool or back in (audited); plans already committed keep their frozen pool."""
    officer_jurisdiction(request)
    return _inspector_out(services.inspector_active_set(actor=request.auth, inspector_id=inspector_id,
                                                        **body.dict()))


@router.post("/hub/inspection/inspectors/{inspector_id}/connections", response={201: InspectorPoolOut, **ERRORS})
def inspection_connection_declare(request, inspector_id: int, body: InspectionConnectionIn):
    """Declare an inspector's connection to a credit subject: later draws recuse them from it (audited)."""
    officer_jurisdiction(request)
    services.inspector_connection_declare(actor=request.auth, inspector_id=inspector_id, **body.dict())
    return Status(201, _inspector_out(selectors.inspector_get(jurisdiction=officer_jurisdiction(request),
                                                              inspector_id=inspector_id)))


@router.get("/hub/inspection/plans", response={200: list[InspectionPlanOut], **ERRORS})
def inspection_plans(request, filters: Query[InspectionStateQuery]):
    """Plans of the officer's city and department (a district bureau: its own)."""
    return [plan_out(p) for p in selectors.plans_for(jurisdiction=officer_jurisdiction(request), state=filters.state)]


@router.post("/hub/inspection/plans", response={201: InspectionPlanOut, **ERRORS})
def inspection_plan_create(request, body: InspectionPlanIn):
    """A draft plan (audited). Ratios default to the rule in force on ``period_start``."""
    officer_jurisdiction(request)
    return Status(201, plan_out(services.plan_create(actor=request.auth, **body.dict())))


@router.get("/hub/inspection/plans/{plan_id}", response={200: InspectionPlanOut, **ERRORS})
def inspection_plan_get(request, plan_id: int):
    """One plan; 404 for another city's, district's or department's."""
    return plan_out(selectors.plan_get(jurisdiction=officer_jurisdiction(request), plan_id=plan_id))


@router.post("/hub/inspection/plans/{plan_id}/pointers", response={201: InspectionPlanOut, **ERRORS})
def inspection_plan_point(request, plan_id: int, body: InspectionPointerIn):
    """A subject a complaint, a data signal or a referral points to (the only way class A is drawn)."""
    officer_jurisdiction(request)
    services.plan_point(actor=request.auth, plan_id=plan_id, **body.dict())
    return Status(201, plan_out(selectors.plan_get(jurisdiction=officer_jurisdiction(request), plan_id=plan_id)))


@router.post("/hub/inspection/plans/{plan_id}/pointers/warnings", response={201: InspectionPlanOut, **ERRORS})
def inspection_plan_point_warnings(request, plan_id: int):
    """Point the draft plan at the providers its districts' open risk warnings name (a data signal)."""
    officer_jurisdiction(request)
    services.plan_point_warnings(actor=request.auth, plan_id=plan_id)
    return Status(201, plan_out(selectors.plan_get(jurisdiction=officer_jurisdiction(request), plan_id=plan_id)))


@router.post("/hub/inspection/plans/{plan_id}/commit", response={200: InspectionPlanOut, **ERRORS})
def inspection_plan_commit(request, plan_id: int):
    """Commit sha256(seed) and freeze the pools (once)."""
    officer_jurisdiction(request)
    return plan_out(services.plan_commit(actor=request.auth, plan_id=plan_id))


@router.post("/hub/inspection/plans/{plan_id}/draw", response={200: InspectionPlanOut, **ERRORS})
def inspection_plan_draw(request, plan_id: int):
    """Draw the tasks (once; a second draw is refused with 409)."""
    officer_jurisdiction(request)
    return plan_out(services.plan_draw(actor=request.auth, plan_id=plan_id))


@router.post("/hub/inspection/plans/{plan_id}/reveal", response={200: InspectionPlanOut, **ERRORS})
def inspection_plan_reveal(request, plan_id: int):
    """Publish the seed after the draw."""
    officer_jurisdiction(request)
    return plan_out(services.plan_reveal(actor=request.auth, plan_id=plan_id))


@router.get("/hub/inspection/plans/{plan_id}/verification", response={200: InspectionVerificationOut, **ERRORS})
def inspection_plan_verification(request, plan_id: int):
    """What ``sharecity inspection verify PLAN`` reports: the draw recomputed and compared."""
    report = selectors.plan_verify(selectors.plan_get(jurisdiction=officer_jurisdiction(request), plan_id=plan_id))
    return {"plan_id": report.plan_id, "ok": report.ok, "problems": report.problems, "checked": report.checked}


@router.get("/hub/inspection/tasks", response={200: list[InspectionTaskOut], **ERRORS})
def inspection_tasks(request, filters: Query[InspectionStateQuery]):
    """Tasks of the officer's plans, by deadline."""
    tasks = selectors.tasks_for(jurisdiction=officer_jurisdiction(request), state=filters.state)
    names = selectors.inspector_names(sorted({i for t in tasks for i in t.inspector_ids}))
    return [task_out(t, names) for t in tasks]


@router.get("/hub/inspection/tasks/{task_id}", response={200: InspectionTaskOut, **ERRORS})
def inspection_task_get(request, task_id: int):
    return task_out(selectors.task_get(jurisdiction=officer_jurisdiction(request), task_id=task_id))


@router.post("/hub/inspection/tasks/{task_id}/result", response={200: InspectionTaskOut, **ERRORS})
def inspection_task_result(request, task_id: int, body: InspectionResultIn):
    """Record what the visit found; it goes to the platform and the credit file (audited)."""
    officer_jurisdiction(request)
    return task_out(services.task_result_record(actor=request.auth, task_id=task_id, **body.dict()))


@router.post("/hub/inspection/tasks/{task_id}/publish", response={200: InspectionTaskOut, **ERRORS})
def inspection_task_publish(request, task_id: int):
    """Publish a recorded result (due within 20 working days of the inspection; later is flagged late)."""
    officer_jurisdiction(request)
    return task_out(services.task_publish(actor=request.auth, task_id=task_id))


# --- the public ----------------------------------------------------------------------------------------


@public_router.get("/inspection/results", response={200: list[InspectionPublicResultOut], **PUBLIC_ERRORS}, auth=None)
def inspection_results(request, filters: Query[InspectionCityQuery]):
    """Published spot-check results (双随机、一公开), newest first."""
    return [public_result_out(t) for t in selectors.published_results(city_code=filters.city)]


@public_router.get("/inspection/results/{task_id}", response={200: InspectionPublicResultOut, **PUBLIC_ERRORS},
                   auth=None)
def inspection_result(request, task_id: int):
    return public_result_out(selectors.published_result_get(task_id=task_id))


@public_router.get("/inspection/plans/{plan_id}", response={200: InspectionPublicPlanOut, **PUBLIC_ERRORS}, auth=None)
def inspection_public_plan(request, plan_id: int):
    """A committed plan's public record: the seed commitment and pools hash (from the commitment), the draw
    digest and drawn subjects (from the draw), the seed (from the reveal). A draft is not public."""
    plan = selectors.public_plan_get(plan_id=plan_id)
    drawn = [t.pool_subject.subject_id for t in selectors.tasks_of(plan)] if plan.state in (
        PlanState.DRAWN, PlanState.REVEALED) else []
    return {"id": plan.pk, "city_code": plan.city_code, "title": plan.title, "state": plan.state,
            "seed_commitment": plan.seed_commitment, "pools_hash": plan.pools_hash, "draw_digest": plan.draw_digest,
            "seed": plan.seed if plan.state == PlanState.REVEALED else "", "committed_at": plan.committed_at,
            "drawn_at": plan.drawn_at, "revealed_at": plan.revealed_at, "drawn_subject_ids": drawn}
