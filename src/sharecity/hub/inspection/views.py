"""Random-inspection pages: plans with their commit, draw and reveal, tasks with results and publication,
the inspector pool; a public page of published results. Thin: forms are read by ``forms``, rules are
the services'; every page's data is also in the API (``hub.inspection.api``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sharecity.hub.inspection import forms, selectors, services
from sharecity.hub.inspection.api import public_result_out, task_out
from sharecity.hub.inspection.models import PlanPointer, PlanState, TaskState
from sharecity.hub.registry.jurisdiction import jurisdiction_required
from sharecity.hub.registry.models import Department
from sharecity.kernel.districts import DISTRICTS
from sharecity.kernel.errors import Conflict, Forbidden, NotFound, ShareCityError


def _status(error: ShareCityError) -> int:
    return 409 if isinstance(error, Conflict) else 403 if isinstance(error, Forbidden) else \
        404 if isinstance(error, NotFound) else 400


def _plan(request, plan_id: int):
    jurisdiction = jurisdiction_required(request.user)
    try:
        return jurisdiction, selectors.plan_get(jurisdiction=jurisdiction, plan_id=plan_id)
    except NotFound:
        raise Http404(_("No such inspection plan.")) from None


def _task(request, task_id: int):
    jurisdiction = jurisdiction_required(request.user)
    try:
        return jurisdiction, selectors.task_get(jurisdiction=jurisdiction, task_id=task_id)
    except NotFound:
        raise Http404(_("No such inspection task.")) from None


def _districts(jurisdiction) -> list[tuple[str, str]]:
    return [(code, DISTRICTS[code].name_zh) for code in jurisdiction.district_codes() if code in DISTRICTS]


@login_required
@require_GET
def index(request):
    jurisdiction = jurisdiction_required(request.user)
    state = (request.GET.get("state") or "")[:10]
    if state not in PlanState.values:
        state = ""
    return render(request, "inspection/index.html", {
        "plans": selectors.plans_for(jurisdiction=jurisdiction, state=state), "states": PlanState.choices,
        "state": state, "jurisdiction_label": jurisdiction.label(language=request.LANGUAGE_CODE)})


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request):
    jurisdiction = jurisdiction_required(request.user)
    error, status = None, 200
    if request.method == "POST":
        try:
            plan = services.plan_create(
                actor=request.user, title=forms.text(request.POST, "title", max_length=200),
                departments=forms.choices(request.POST, "departments"),
                sector=forms.text(request.POST, "sector", max_length=60),
                districts=forms.choices(request.POST, "districts"),
                item_codes=forms.choices(request.POST, "item_codes"),
                period_start=forms.date(request.POST, "period_start"),
                period_end=forms.date(request.POST, "period_end"),
                recuse_residence=forms.flag(request.POST, "recuse_residence"),
                inspectors_per_task=forms.integer(request.POST, "inspectors_per_task", default=2, high=100),
                task_workdays=forms.integer(request.POST, "task_workdays", default=20, high=1000),
                ratios_bp=forms.ratios(request.POST))
        except ShareCityError as caught:
            error, status = caught, _status(caught)
        else:
            return redirect("hub_inspection:plan", plan_id=plan.pk)
    city = jurisdiction.city_code or "350200"
    return render(request, "inspection/plan_new.html", {
        "error": error, "data": request.POST, "departments": Department.choices,
        "districts": _districts(jurisdiction), "items": selectors.items_for(city_code=city),
        "rules": selectors.rules_in_force(city_code=city, day=selectors.today()),
        "own_department": jurisdiction.department_kind}, status=status)


def _row(task, names: dict[int, str]) -> dict:
    return {**task_out(task, names), "state_label": TaskState(task.state).label}


def _plan_context(plan, jurisdiction, **extra) -> dict:
    tasks = list(selectors.tasks_of(plan))
    names = selectors.inspector_names(sorted({i for t in tasks for i in t.inspector_ids}))
    return {"plan": plan, "items": plan.items.order_by("code"), "pointers": plan.pointers.order_by("subject_id"),
            "tasks": [_row(t, names) for t in tasks], "ratios": (plan.ratios_bp or {}).get("ratios", {}),
            "sources": PlanPointer.Source.choices, "pool_subjects": plan.pool_subjects.count(),
            "pool_inspectors": plan.pool_inspectors.count(),
            "verification": selectors.plan_verify(plan) if plan.state == PlanState.REVEALED else None,
            "subject_form": forms.SubjectPickForm(jurisdiction=jurisdiction), **extra}


@login_required
@require_GET
def plan_detail(request, plan_id: int):
    jurisdiction, plan = _plan(request, plan_id)
    return render(request, "inspection/plan.html", _plan_context(plan, jurisdiction))


def _plan_write(request, plan_id: int, action):
    jurisdiction, plan = _plan(request, plan_id)
    try:
        action(plan)
    except ShareCityError as error:
        plan.refresh_from_db()
        return render(request, "inspection/plan.html", _plan_context(plan, jurisdiction, error=error),
                      status=_status(error))
    return redirect("hub_inspection:plan", plan_id=plan.pk)


@login_required
@require_POST
def plan_point(request, plan_id: int):
    def action(plan):
        subject = forms.subject_picked(request.POST, jurisdiction=jurisdiction_required(request.user))
        services.plan_point(actor=request.user, plan_id=plan.pk, subject_id=subject,
                            source=forms.text(request.POST, "source", max_length=20),
                            reason=forms.text(request.POST, "reason", max_length=400))
    return _plan_write(request, plan_id, action)


@login_required
@require_POST
def plan_point_warnings(request, plan_id: int):
    return _plan_write(request, plan_id, lambda plan: services.plan_point_warnings(actor=request.user,
                                                                                    plan_id=plan.pk))


@login_required
@require_POST
def plan_commit(request, plan_id: int):
    return _plan_write(request, plan_id, lambda plan: services.plan_commit(actor=request.user, plan_id=plan.pk))


@login_required
@require_POST
def plan_draw(request, plan_id: int):
    return _plan_write(request, plan_id, lambda plan: services.plan_draw(actor=request.user, plan_id=plan.pk))


@login_required
@require_POST
def plan_reveal(request, plan_id: int):
    return _plan_write(request, plan_id, lambda plan: services.plan_reveal(actor=request.user, plan_id=plan.pk))


@login_required
@require_GET
def task_list(request):
    jurisdiction = jurisdiction_required(request.user)
    state = (request.GET.get("state") or "")[:10]
    if state not in TaskState.values:
        state = ""
    tasks = selectors.tasks_for(jurisdiction=jurisdiction, state=state)
    names = selectors.inspector_names(sorted({i for t in tasks for i in t.inspector_ids}))
    return render(request, "inspection/tasks.html", {"tasks": [_row(t, names) for t in tasks],
                                                     "states": TaskState.choices, "state": state})


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request, task_id: int):
    _jurisdiction, task = _task(request, task_id)
    error, status = None, 200
    if request.method == "POST":
        try:
            task = services.task_result_record(
                actor=request.user, task_id=task.pk, inspected_on=forms.date(request.POST, "inspected_on"),
                items_checked=forms.choices(request.POST, "items_checked"),
                findings=forms.text(request.POST, "findings", max_length=2000),
                violation_found=forms.flag(request.POST, "violation_found"),
                items_failed=forms.choices(request.POST, "items_failed"))
        except ShareCityError as caught:
            error, status = caught, _status(caught)
        else:
            return redirect("hub_inspection:task", task_id=task.pk)
    return render(request, "inspection/task.html", {"task": task_out(task), "plan": task.plan, "error": error,
                                                    "data": request.POST, "today": selectors.today(),
                                                    "state_label": TaskState(task.state).label}, status=status)


@login_required
@require_POST
def task_publish(request, task_id: int):
    _jurisdiction, task = _task(request, task_id)
    try:
        services.task_publish(actor=request.user, task_id=task.pk)
    except ShareCityError as error:
        return render(request, "inspection/task.html", {"task": task_out(task), "plan": task.plan, "error": error,
                                                        "data": {}, "today": selectors.today(),
                                                        "state_label": TaskState(task.state).label},
                      status=_status(error))
    return redirect("hub_inspection:task", task_id=task.pk)


@login_required
@require_http_methods(["GET", "POST"])
def inspectors(request):
    jurisdiction = jurisdiction_required(request.user)
    error, status = None, 200
    if request.method == "POST":
        try:
            if "active" in request.POST:
                services.inspector_active_set(
                    actor=request.user,
                    inspector_id=forms.integer(request.POST, "inspector_id", low=1, high=2**53),
                    active=request.POST.get("active") == "1",
                    reason=forms.text(request.POST, "reason", max_length=400))
            elif "subject_id" in request.POST or "subject_id__q" in request.POST:
                services.inspector_connection_declare(
                    actor=request.user,
                    inspector_id=forms.integer(request.POST, "inspector_id", low=1, high=2**53),
                    subject_id=forms.subject_picked(request.POST, jurisdiction=jurisdiction),
                    reason=forms.text(request.POST, "reason", max_length=400))
            else:
                services.inspector_add(actor=request.user, name=forms.text(request.POST, "name", max_length=100),
                                       badge=forms.text(request.POST, "badge", max_length=60),
                                       residence_district_code=forms.text(request.POST, "residence_district_code",
                                                                          max_length=6))
        except ShareCityError as caught:
            error, status = caught, _status(caught)
        else:
            return redirect("hub_inspection:inspectors")
    if status == 403:
        raise PermissionDenied(str(error.message))
    return render(request, "inspection/inspectors.html", {
        "inspectors": selectors.inspectors_for(jurisdiction=jurisdiction).prefetch_related("connections")[:500],
        "districts": _districts(jurisdiction), "error": error, "data": request.POST,
        "subject_form": forms.SubjectPickForm(jurisdiction=jurisdiction)}, status=status)


# --- the public page -------------------------------------------------------------------------------------


@require_GET
def public_results(request):
    city = (request.GET.get("city") or "")[:6]
    if not city.isdigit():
        city = ""
    return render(request, "inspection/public_results.html",
                  {"results": [public_result_out(t) for t in selectors.published_results(city_code=city)]})
