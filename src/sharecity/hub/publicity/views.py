"""Pages: the officers' console under /hub/publicity/ and the public repair window under /credit/repair/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sharecity.hub.publicity import selectors, services
from sharecity.hub.publicity.forms import (
    DecisionForm,
    FollowForm,
    ListEntryForm,
    PenaltyForm,
    RemoveForm,
    RepairApplyForm,
)
from sharecity.hub.publicity.models import CreditList, EntryStatus, RepairStatus
from sharecity.hub.registry.jurisdiction import jurisdiction_required
from sharecity.kernel.errors import NotFound, ShareCityError


def _form_error(form, error: ShareCityError) -> int:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))
    return error.http_status


def _notice_context(penalty) -> dict:
    return {"penalty": penalty, "conditions": [
        _("The penalty has been performed in full (fines paid, orders complied with)."),
        _("The dishonest conduct has been corrected and its consequences removed."),
        _("A public credit commitment has been made."),
    ]}


PAGE_SIZE = 50


def _page(request, rows):
    """One page of a list; an unreadable page number gives the first, one past the end the last."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_GET
def penalty_list(request):
    jurisdiction = jurisdiction_required(request.user)
    page = _page(request, selectors.penalties(jurisdiction=jurisdiction))
    return render(request, "publicity/penalties.html", {"jurisdiction": jurisdiction, "rows": page.object_list,
                                                        "page": page, "today": selectors.today()})


@login_required
@require_http_methods(["GET", "POST"])
def penalty_new(request):
    jurisdiction = jurisdiction_required(request.user)
    form = PenaltyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                penalty = services.penalty_record(actor=request.user, **form.cleaned_data)
            except ShareCityError as error:
                status = _form_error(form, error)
            else:
                messages.success(request, _("Penalty recorded; the repair notice is served with it."))
                return redirect("publicity:penalty", public_id=penalty.public_id)
    return render(request, "publicity/penalty_new.html", {"jurisdiction": jurisdiction, "form": form}, status=status)


@login_required
@require_GET
def penalty_detail(request, public_id):
    jurisdiction = jurisdiction_required(request.user)
    try:
        penalty = selectors.penalty_get(jurisdiction=jurisdiction, public_id=public_id)
    except NotFound:
        raise Http404(_("No such penalty decision.")) from None
    return render(request, "publicity/penalty_detail.html", {
        **_notice_context(penalty), "jurisdiction": jurisdiction, "repairs": penalty.repairs.all(),
        "entries": penalty.list_entries.all()})


@require_GET
def notice_public(request, public_id):
    """The repair notice served with the decision: the subject's copy, at an unguessable address."""
    try:
        penalty = selectors.penalty_for_notice(public_id=public_id)
    except NotFound:
        raise Http404(_("No such notice.")) from None
    return render(request, "publicity/notice.html", _notice_context(penalty))


@login_required
@require_GET
def list_index(request):
    jurisdiction = jurisdiction_required(request.user)
    credit_list = request.GET.get("list", "")
    credit_list = credit_list if credit_list in CreditList.values else ""
    status = request.GET.get("status", "")
    status = status if status in EntryStatus.values else ""
    page = _page(request, selectors.list_entries(jurisdiction=jurisdiction, credit_list=credit_list, status=status))
    rows = page.object_list
    return render(request, "publicity/lists.html", {"page": page,
        "jurisdiction": jurisdiction, "rows": [{"entry": e, "acks": selectors.list_entry_acknowledgements(
                                                   entry=e, jurisdiction=jurisdiction)}
                                               for e in rows],
        "lists": CreditList.choices, "statuses": EntryStatus.choices, "selected_list": credit_list,
        "selected_status": status})


@login_required
@require_http_methods(["GET", "POST"])
def list_new(request):
    jurisdiction = jurisdiction_required(request.user)
    form = ListEntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "measures"}
            try:
                entry = services.list_entry_add(actor=request.user, measures=form.measure_lines(), **data)
            except ShareCityError as error:
                status = _form_error(form, error)
            else:
                messages.success(request, _("Entry added; every platform of the city is being told."))
                return redirect("publicity:list_entry", public_id=entry.public_id)
    return render(request, "publicity/list_new.html", {"jurisdiction": jurisdiction, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def list_entry(request, public_id):
    jurisdiction = jurisdiction_required(request.user)
    try:
        entry = selectors.list_entry_get(jurisdiction=jurisdiction, public_id=public_id)
    except NotFound:
        raise Http404(_("No such list entry.")) from None
    form = RemoveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.list_entry_remove(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
            except ShareCityError as error:
                status = _form_error(form, error)
            else:
                messages.success(request, _("Entry removed; every platform of the city is being told."))
                return redirect("publicity:list_entry", public_id=entry.public_id)
    return render(request, "publicity/list_entry.html", {
        "jurisdiction": jurisdiction, "entry": entry,
        "acks": selectors.list_entry_acknowledgements(entry=entry, jurisdiction=jurisdiction),
        "may_remove": selectors.may_remove_entry(entry=entry, jurisdiction=jurisdiction),
        "form": form}, status=status)


@login_required
@require_GET
def repair_queue(request):
    jurisdiction = jurisdiction_required(request.user)
    status = request.GET.get("status", "")
    status = status if status in RepairStatus.values else ""
    today = selectors.today()
    page = _page(request, selectors.repair_queue(jurisdiction=jurisdiction, status=status))
    rows = page.object_list
    return render(request, "publicity/repairs.html", {"page": page,
        "jurisdiction": jurisdiction, "rows": [{"a": a, "overdue": selectors.repair_overdue(a, on=today)}
                                               for a in rows],
        "counts": selectors.repair_counts(jurisdiction=jurisdiction), "statuses": RepairStatus.choices,
        "selected_status": status})


@login_required
@require_http_methods(["GET", "POST"])
def repair_detail(request, tracking_code):
    jurisdiction = jurisdiction_required(request.user)
    try:
        application = selectors.repair_get(jurisdiction=jurisdiction, tracking_code=tracking_code)
    except NotFound:
        raise Http404(_("No such repair application.")) from None
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.repair_decide(actor=request.user, application=application,
                                       approve=form.cleaned_data["decision"] == "approve",
                                       reasons=form.cleaned_data["reasons"])
            except ShareCityError as error:
                status = _form_error(form, error)
            else:
                messages.success(request, _("Decision recorded; the applicant sees it with your reasons."))
                return redirect("publicity:repair", tracking_code=application.tracking_code)
    return render(request, "publicity/repair_detail.html", {
        "jurisdiction": jurisdiction, "a": application, "overdue": selectors.repair_overdue(application),
        "may_decide": selectors.may_decide_repair(application=application, jurisdiction=jurisdiction),
        "form": form}, status=status)


# ---- the public window (no login) -------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def window_apply(request):
    form = RepairApplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                application, secret = services.repair_apply(**form.cleaned_data)
            except ShareCityError as error:
                status = _form_error(form, error)
            else:
                return render(request, "publicity/window_received.html", {"a": application, "secret": secret},
                              status=201)
    return render(request, "publicity/window_apply.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def window_follow(request):
    form = FollowForm(request.POST or None)
    application = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                application = services.repair_follow(**form.cleaned_data)
                status = 200
            except ShareCityError as error:
                status = _form_error(form, error)
    return render(request, "publicity/window_follow.html", {"form": form, "a": application}, status=status)
