"""Dispute pages: opening one on an order (with the decisions shown to both sides), the operator's queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.market.disputes import selectors, services
from sharecity.market.disputes.forms import OpenForm, ResolveForm
from sharecity.market.messaging.selectors import flagged_messages
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.web import operator_platform_or_403, platform_or_404
from sharecity.market.reviews.orderlink import order_for_party_or_404, party_role

FIELD_ALIASES = {"amount_claimed_fen": "amount_claimed", "refund_fen": "refund"}



def _add_error(form, error: ShareCityError) -> None:
    field = FIELD_ALIASES.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, str(error.message))


def _page(request, platform, order, form=None, *, status: int = 200):
    role = party_role(order=order, user=request.user)
    disputes = selectors.disputes_of_order(order=order, user=request.user)
    context = {"platform": platform, "order": order, "form": form or OpenForm(), "disputes": disputes,
               "can_open": role in ("customer", "provider") and not any(d.status == "open" for d in disputes)}
    partial = request.htmx or request.GET.get("partial")
    return render(request, "disputes/_open.html" if partial else "disputes/open.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def open_dispute(request, slug: str, order_id):
    platform = platform_or_404(slug)
    order = order_for_party_or_404(request, platform, order_id)
    if request.method == "GET":
        return _page(request, platform, order)
    form = OpenForm(request.POST)
    if not form.is_valid():
        return _page(request, platform, order, form, status=400)
    try:
        services.dispute_open(actor=request.user, order=order, reason=form.cleaned_data["reason"],
                              description=form.cleaned_data["description"],
                              amount_claimed_fen=form.cleaned_data["amount_claimed"])
    except ShareCityError as error:
        _add_error(form, error)
        return _page(request, platform, order, form, status=error.http_status)
    messages.success(request, _("The dispute is open. The platform will decide it and tell both sides."))
    return redirect("disputes:open", slug=platform.slug, order_id=order.public_id)


def _operator_platform(request, slug: str) -> Platform:
    return operator_platform_or_403(request, slug, refusal=_("Only the platform's operator staff may decide disputes."))


def _queue(request, platform, *, failed: dict | None = None, status: int = 200):
    return render(request, "disputes/queue.html", {
        "platform": platform, **selectors.dispute_queue(platform=platform), "resolve_form": ResolveForm(),
        "failed": failed or {}, "flagged_messages": flagged_messages(platform=platform, limit=50),
    }, status=status)


@login_required
@require_GET
def queue(request, slug: str):
    return _queue(request, _operator_platform(request, slug))


@login_required
@require_POST
def resolve(request, slug: str, dispute_id):
    platform = _operator_platform(request, slug)
    try:
        dispute = selectors.dispute_get(platform=platform, public_id=dispute_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _queue(request, platform, failed={"dispute": dispute.pk, "form": form}, status=400)
    data = form.cleaned_data
    try:
        services.dispute_resolve(actor=request.user, dispute=dispute, decision=data["decision"],
                                 decision_text=data["decision_text"], refund_fen=data["refund"] or None)
    except ShareCityError as error:
        _add_error(form, error)
        return _queue(request, platform, failed={"dispute": dispute.pk, "form": form}, status=error.http_status)
    messages.success(request, _("The dispute is decided; both sides see the decision."))
    return redirect("disputes:queue", slug=platform.slug)
