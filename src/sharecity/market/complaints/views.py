"""Complaint pages: filing one about an order, the complainant's list, the operator's queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.market.complaints import selectors, services
from sharecity.market.complaints.forms import AnswerForm, EscalateForm, OrderComplaintForm, PolicyForm, ResolveForm
from sharecity.market.complaints.models import ComplaintEvidence, ComplaintPolicy
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import is_operator
from sharecity.market.platforms.web import operator_platform_or_403, platform_or_404
from sharecity.market.reviews.orderlink import order_for_party_or_404, party_role

COMPLAINANT_ACTIONS = ("accept", "refuse", "escalate")




# The services name amounts in fen; the forms take them in yuan.
FORM_FIELDS = {"refund_fen": "refund", "compensation_fen": "compensation"}


def _add_error(form, error: ShareCityError) -> None:
    field = FORM_FIELDS.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, str(error.message))


def _order_page(request, platform, order, form=None, *, status: int = 200):
    role = party_role(order=order, user=request.user)
    context = {
        "platform": platform, "order": order, "form": form or OrderComplaintForm(),
        "can_file": role in ("customer", "provider"),
        "complaints": selectors.complaints_of_order(order=order, user=None if role == "operator" else request.user),
        "escalate_form": EscalateForm(),
    }
    partial = request.htmx or request.GET.get("partial")
    template = "complaints/_order_complaint.html" if partial else "complaints/order_complaint.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def order_complaint(request, slug: str, order_id):
    platform = platform_or_404(slug)
    order = order_for_party_or_404(request, platform, order_id)
    if request.method == "GET":
        return _order_page(request, platform, order)
    form = OrderComplaintForm(request.POST, request.FILES)
    if not form.is_valid():
        return _order_page(request, platform, order, form, status=400)
    data = form.cleaned_data
    try:
        complaint = services.complaint_file_order(
            actor=request.user, order=order, category=data["category"], description=data["description"],
            remedy=data["remedy"], evidence=request.FILES.getlist("evidence"))
    except ShareCityError as error:
        _add_error(form, error)
        return _order_page(request, platform, order, form, status=error.http_status)
    messages.success(request, _("Your complaint is filed. The platform must answer it by %(due)s.") % {
        "due": f"{complaint.answer_due_at.astimezone(_city()):%Y-%m-%d %H:%M}"})
    return redirect("complaints:mine", slug=platform.slug)


def _city():
    from sharecity.kernel.timeutil import CITY_TZ

    return CITY_TZ


@login_required
@require_GET
def mine(request, slug: str):
    platform = platform_or_404(slug)
    complaints = selectors.complaints_of_user(platform=platform, user=request.user).prefetch_related("evidence")
    entries = [{"complaint": c, "can_escalate": services.escalation_reason(complaint=c) is not None}
               for c in complaints[:200]]
    return render(request, "complaints/mine.html", {
        "platform": platform, "entries": entries, "escalate_form": EscalateForm(),
    })


@login_required
@require_POST
def complainant_action(request, slug: str, complaint_id, action: str):
    platform = platform_or_404(slug)
    if action not in COMPLAINANT_ACTIONS:
        raise Http404
    try:
        complaint = selectors.complaint_get(platform=platform, public_id=complaint_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    if complaint.complainant_id != request.user.pk:
        raise Http404(_("No such complaint on this platform."))
    try:
        if action == "accept":
            services.complaint_accept(actor=request.user, complaint=complaint)
            messages.success(request, _("You accepted the answer; the complaint is resolved."))
        elif action == "refuse":
            services.complaint_refuse(actor=request.user, complaint=complaint)
            messages.info(request, _("You refused the answer. You can now take the complaint to the city."))
        else:
            form = EscalateForm(request.POST)
            escalated_to = form.cleaned_data["escalated_to"] if form.is_valid() else "market_regulator"
            services.complaint_escalate(actor=request.user, complaint=complaint, escalated_to=escalated_to)
            messages.success(request, _("Your complaint is passed on; the city's complaint service will follow it up."))
    except ShareCityError as error:
        messages.error(request, str(error.message))
    return redirect("complaints:mine", slug=platform.slug)


@login_required
@require_GET
def evidence(request, slug: str, evidence_id):
    """An evidence file, to the complainant and the platform's operator only."""
    platform = platform_or_404(slug)
    item = ComplaintEvidence.objects.select_related("complaint").filter(
        public_id=evidence_id, complaint__platform=platform).first()
    if item is None or (item.complaint.complainant_id != request.user.pk
                        and not is_operator(user=request.user, platform=platform)):
        raise Http404(_("No such evidence file."))
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the operator's queue --------------------------------------------------------------------------


def _operator_platform(request, slug: str) -> Platform:
    return operator_platform_or_403(
        request, slug, refusal=_("Only the platform's operator staff may handle complaints."))


def _queue(request, platform, *, failed: dict | None = None, status: int = 200):
    policy = ComplaintPolicy.objects.filter(platform=platform).first()
    return render(request, "complaints/queue.html", {
        "platform": platform, **selectors.complaint_queue(platform=platform),
        "odr_committed": selectors.odr_committed(platform=platform),
        "answer_form": AnswerForm(), "resolve_form": ResolveForm(), "failed": failed or {},
        "policy_form": PolicyForm(initial={"answer_hours": policy.answer_hours if policy else 48,
                                           "answer_workdays": policy.answer_workdays if policy else None}),
    }, status=status)


@login_required
@require_GET
def queue(request, slug: str):
    return _queue(request, _operator_platform(request, slug))


@login_required
@require_POST
def operator_action(request, slug: str, complaint_id, action: str):
    platform = _operator_platform(request, slug)
    if action not in ("answer", "resolve"):
        raise Http404
    try:
        complaint = selectors.complaint_get(platform=platform, public_id=complaint_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    form = AnswerForm(request.POST) if action == "answer" else ResolveForm(request.POST)
    if not form.is_valid():
        return _queue(request, platform, failed={"complaint": complaint.pk, "kind": action, "form": form}, status=400)
    data = form.cleaned_data
    try:
        if action == "answer":
            services.complaint_answer(actor=request.user, complaint=complaint, answer=data["answer"],
                                      text=data["text"])
            messages.success(request, _("The answer is sent to the complainant."))
        else:
            services.complaint_resolve(actor=request.user, complaint=complaint, outcome=data["outcome"],
                                       refund_fen=data.get("refund") or 0,
                                       compensation_fen=data.get("compensation") or 0, note=data.get("note", ""))
            messages.success(request, _("The complaint is resolved."))
    except ShareCityError as error:
        _add_error(form, error)
        return _queue(request, platform, failed={"complaint": complaint.pk, "kind": action, "form": form},
                      status=error.http_status)
    return redirect("complaints:queue", slug=platform.slug)


@login_required
@require_POST
def policy(request, slug: str):
    platform = _operator_platform(request, slug)
    form = PolicyForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_policy_set(actor=request.user, platform=platform,
                                          answer_hours=form.cleaned_data["answer_hours"],
                                          answer_workdays=form.cleaned_data.get("answer_workdays"))
        except ShareCityError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The time limit for answering complaints is saved."))
    else:
        messages.error(request, _("Enter the time limit as a whole number of hours or working days."))
    return redirect("complaints:queue", slug=platform.slug)


@login_required
@require_POST
def odr_commitment(request, slug: str):
    """The operator commits (or no longer commits) to online dispute resolution; the city learns it."""
    platform = _operator_platform(request, slug)
    committed = request.POST.get("committed") == "1"
    services.odr_commitment_state(actor=request.user, platform=platform, committed=committed)
    messages.success(request, _("The city's third-party complaint platform is told."))
    return redirect("complaints:queue", slug=platform.slug)
