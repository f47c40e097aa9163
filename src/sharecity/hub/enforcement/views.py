"""Pages of the officers' console under /hub/enforcement/: cases, opening, hand-over, decision, the
case's directives, the catalogue and leniency list, late acknowledgements, source tracing. Thin: the
services decide, the selectors read (the API at /api/v1/hub/enforcement/ shows the same)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sharecity.hub.enforcement import selectors, services
from sharecity.hub.enforcement.api import trace_query_check
from sharecity.hub.enforcement.forms import (
    CaseForm,
    DecisionForm,
    DirectiveForm,
    HandoverForm,
    LeniencyForm,
    TraceForm,
)
from sharecity.hub.enforcement.models import CaseStatus, SourceKind
from sharecity.hub.registry.jurisdiction import jurisdiction_required
from sharecity.kernel.errors import NotFound, ShareCityError

PAGE_SIZE = 50


def _form_error(form, error: ShareCityError) -> int:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))
    return error.http_status


def _case_or_404(jurisdiction, public_id):
    try:
        return selectors.case_get(jurisdiction=jurisdiction, public_id=public_id)
    except NotFound:
        raise Http404(_("No such case.")) from None


@login_required
@require_GET
def case_list(request):
    jurisdiction = jurisdiction_required(request.user)
    status = request.GET.get("status", "")
    status = status if status in CaseStatus.values else ""
    source = request.GET.get("source", "")
    source = source if source in SourceKind.values else ""
    rows = selectors.cases_list(jurisdiction=jurisdiction, status=status, source_kind=source)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enforcement/cases.html", {
        "jurisdiction": jurisdiction, "page": page, "rows": page.object_list, "statuses": CaseStatus.choices,
        "sources": SourceKind.choices, "selected_status": status, "selected_source": source})


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    jurisdiction = jurisdiction_required(request.user)
    form = CaseForm(request.POST or None, jurisdiction=jurisdiction)
    status = 200
    if request.method == "POST":
        status = 400
        if jurisdiction.is_operator:
            status = 403
            form.add_error(None, _("Only regulator staff of a department may do this."))
        elif form.is_valid():
            try:
                case = services.case_open(actor=request.user, city_code=jurisdiction.city_code or "",
                                          department=jurisdiction.department_kind, **form.cleaned_data)
            except ShareCityError as error:
                status = _form_error(form, error)
            else:
                messages.success(request, _("Case opened."))
                return redirect("hub_enforcement:case", public_id=case.public_id)
    return render(request, "enforcement/case_new.html", {"jurisdiction": jurisdiction, "form": form}, status=status)


def _detail(request, jurisdiction, case, *, status: int = 200, handover=None, decision=None, directive=None):
    violations = list(selectors.violations())
    return render(request, "enforcement/case_detail.html", {
        "jurisdiction": jurisdiction, "case": case, "handovers": selectors.case_handovers(case),
        "directives": selectors.case_directives(case),
        "violation": next((v for v in violations if v.code == case.violation_code), None),
        "handover_form": handover or HandoverForm(city_code=case.city_code),
        "decision_form": decision or DecisionForm(violations=violations),
        "directive_form": directive or DirectiveForm(jurisdiction=jurisdiction, platform_id=case.platform_id),
        "is_open": case.status == CaseStatus.OPEN}, status=status)


@login_required
@require_GET
def case_detail(request, public_id):
    jurisdiction = jurisdiction_required(request.user)
    return _detail(request, jurisdiction, _case_or_404(jurisdiction, public_id))


@login_required
@require_POST
def case_hand_over(request, public_id):
    jurisdiction = jurisdiction_required(request.user)
    case = _case_or_404(jurisdiction, public_id)
    form = HandoverForm(request.POST, city_code=case.city_code)
    status = 400
    if form.is_valid():
        try:
            services.case_hand_over(actor=request.user, case_id=case.public_id, **form.cleaned_data)
        except ShareCityError as error:
            status = _form_error(form, error)
        else:
            messages.success(request, _("Case handed over; the receiving department now holds it."))
            return redirect("hub_enforcement:cases")
    return _detail(request, jurisdiction, case, status=status, handover=form)


@login_required
@require_POST
def case_decide(request, public_id):
    jurisdiction = jurisdiction_required(request.user)
    case = _case_or_404(jurisdiction, public_id)
    form = DecisionForm(request.POST, violations=list(selectors.violations()))
    status = 400
    if form.is_valid():
        try:
            case = services.case_decide(actor=request.user, case_id=case.public_id, **form.service_fields())
        except ShareCityError as error:
            status = _form_error(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("hub_enforcement:case", public_id=case.public_id)
    return _detail(request, jurisdiction, case, status=status, decision=form)


@login_required
@require_POST
def case_directive(request, public_id):
    jurisdiction = jurisdiction_required(request.user)
    case = _case_or_404(jurisdiction, public_id)
    form = DirectiveForm(request.POST, jurisdiction=jurisdiction, platform_id=case.platform_id)
    status = 400
    if form.is_valid():
        try:
            services.case_directive_send(actor=request.user, case_id=case.public_id, kind=form.cleaned_data["kind"],
                                         legal_reference=form.cleaned_data["legal_reference"],
                                         **form.service_fields(case.violation_code))
        except ShareCityError as error:
            status = _form_error(form, error)
        else:
            messages.success(request, _("Order sent to the platform."))
            return redirect("hub_enforcement:case", public_id=case.public_id)
    return _detail(request, jurisdiction, case, status=status, directive=form)


def _catalogue(request, jurisdiction, *, form=None, status: int = 200):
    violations = list(selectors.violations())
    return render(request, "enforcement/catalogue.html", {
        "jurisdiction": jurisdiction, "violations": violations,
        "entries": selectors.leniency_entries(city_code=jurisdiction.city_code),
        # The city's list is kept by its city-level bureau.
        "leniency_form": form or (LeniencyForm(violations=violations) if jurisdiction.city_code
                                  and not jurisdiction.district_code else None)}, status=status)


@login_required
@require_GET
def catalogue(request):
    return _catalogue(request, jurisdiction_required(request.user))


@login_required
@require_POST
def leniency_add(request):
    jurisdiction = jurisdiction_required(request.user)
    form = LeniencyForm(request.POST, violations=list(selectors.violations()))
    status = 400
    if form.is_valid():
        try:
            services.leniency_entry_add(actor=request.user, **form.cleaned_data)
        except ShareCityError as error:
            status = _form_error(form, error)
        else:
            messages.success(request, _("The entry is added to the city's leniency list."))
            return redirect("hub_enforcement:catalogue")
    return _catalogue(request, jurisdiction, form=form, status=status)


@login_required
@require_GET
def directives_late(request):
    jurisdiction = jurisdiction_required(request.user)
    return render(request, "enforcement/late.html", {
        "jurisdiction": jurisdiction, "rows": selectors.directives_acknowledged_late(jurisdiction=jurisdiction)[:500]})


@login_required
@require_GET
def trace(request):
    jurisdiction = jurisdiction_required(request.user)
    form = TraceForm(request.GET or None, jurisdiction=jurisdiction)
    found, status = None, 200
    if request.GET:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                trace_query_check(data["platform_id"], data["listing_id"], data["complaint_id"])
                found = selectors.trace(jurisdiction=jurisdiction, **data)
            except ShareCityError as error:
                status = _form_error(form, error)
            else:
                status = 200
    return render(request, "enforcement/trace.html", {"jurisdiction": jurisdiction, "form": form, "trace": found},
                  status=status)
