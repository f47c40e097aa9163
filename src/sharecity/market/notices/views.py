"""Notice pages: the public filing form, tracking and register (no login); the operator's console;
the provider's notices on their listings. Thin: every rule is in ``services``."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.market.notices import selectors, services
from sharecity.market.notices.forms import (
    ComplaintReportForm,
    CounterForm,
    NoteForm,
    NoticeForm,
    ReasonForm,
    TrackForm,
    WrongForm,
)
from sharecity.market.notices.models import ActorRole, Notice, NoticeStatus
from sharecity.market.platforms.selectors import is_operator
from sharecity.market.platforms.web import operator_platform_or_403, platform_or_404

UUID_IN_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
OPERATOR_ACTIONS = ("take_down", "explain", "forward", "forward_counter", "complaint", "restore", "wrong")
# The session remembers which notices this browser may track (set when filing or after the secret was given).
SESSION_KEY = "notices_tracked"


def _add_error(form, error: ShareCityError) -> None:
    field = (error.field or "").split(".")[0]
    form.add_error(field if field in form.fields else None, str(error.message))


def _listing_ids(text: str) -> list[str]:
    """The listings' ids in what the holder pasted (ids or links), in order; what is not an id is kept, to be
    refused by name."""
    found = UUID_IN_TEXT.findall(text or "")
    if found:
        return found
    return [part.strip() for part in re.split(r"[\s,，]+", text or "") if part.strip()]


# --- public: filing, tracking, the register -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notice_new(request, slug: str):
    platform = platform_or_404(slug)
    if request.method == "GET":
        initial = {"listing_ids": request.GET.get("listing", "")[:200]}
        return render(request, "notices/new.html", {"platform": platform, "form": NoticeForm(initial=initial)})
    form = NoticeForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "notices/new.html", {"platform": platform, "form": form}, status=400)
    data = form.cleaned_data
    try:
        notice, secret = services.notice_file(
            platform=platform, holder_name=data["holder_name"], holder_contact=data["holder_contact"],
            right_kind=data["right_kind"], registration_numbers=data["registration_numbers"], claim=data["claim"],
            listing_ids=_listing_ids(data["listing_ids"]), evidence=request.FILES.getlist("evidence"))
    except ShareCityError as error:
        _add_error(form, error)
        return render(request, "notices/new.html", {"platform": platform, "form": form}, status=error.http_status)
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-19:], str(notice.public_id)]
    return render(request, "notices/filed.html", {"platform": platform, "notice": notice, "secret": secret},
                  status=201)


def _holder_context(platform, notice: Notice) -> dict:
    return {"platform": platform, "notice": notice, "steps": notice.steps.all(),
            "listings": [item.listing for item in notice.items.select_related("listing")],
            "complaint_form": ComplaintReportForm(),
            "may_report": notice.status == NoticeStatus.AWAITING_HOLDER}


@require_http_methods(["GET", "POST"])
def notice_track(request, slug: str):
    """The rights holder follows the notice with its code and secret, and reports a complaint or lawsuit."""
    platform = platform_or_404(slug)
    if request.method == "GET":
        return render(request, "notices/track.html", {"platform": platform, "form": TrackForm()})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "notices/track.html", {"platform": platform, "form": form}, status=400)
    try:
        notice = services.notice_for_holder(platform=platform, tracking_code=form.cleaned_data["tracking_code"],
                                            secret=form.cleaned_data["secret"])
    except NotFound as error:
        form.add_error(None, str(error.message))
        return render(request, "notices/track.html", {"platform": platform, "form": form}, status=404)
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-19:], str(notice.public_id)]
    return redirect("notices:holder", slug=platform.slug, notice_id=notice.public_id)


def _tracked_or_404(request, platform, notice_id) -> Notice:
    if str(notice_id) not in request.session.get(SESSION_KEY, []):
        raise Http404(_("Give the tracking code and the secret first."))
    try:
        return selectors.notice_get(platform=platform, public_id=notice_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None


@require_http_methods(["GET", "POST"])
def notice_holder(request, slug: str, notice_id):
    platform = platform_or_404(slug)
    notice = _tracked_or_404(request, platform, notice_id)
    context = _holder_context(platform, notice)
    if request.method == "POST":
        form = ComplaintReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.notice_complaint_report(notice=notice, kind=form.cleaned_data["kind"],
                                                 detail=form.cleaned_data["detail"],
                                                 evidence=request.FILES.getlist("evidence"))
            except ShareCityError as error:
                _add_error(form, error)
            else:
                messages.success(request, _("The platform is told; the measures are kept."))
                return redirect("notices:holder", slug=platform.slug, notice_id=notice.public_id)
        context["complaint_form"] = form
        return render(request, "notices/holder.html", context, status=400)
    return render(request, "notices/holder.html", context)


@require_GET
def notice_register(request, slug: str):
    """第四十四条: the public register of notices, counter-notices and results."""
    platform = platform_or_404(slug)
    notices = list(selectors.notices_published(platform=platform)[:200])
    return render(request, "notices/register.html", {"platform": platform, "notices": notices,
                                                     "mask": selectors.masked_name})


@require_GET
def evidence(request, slug: str, evidence_id):
    """An evidence file: to the platform's operator, to the provider of a forwarded notice (the holder's and their
    own files), and to the rights holder tracking the notice (their own and the counter-notice's)."""
    platform = platform_or_404(slug)
    try:
        item = selectors.evidence_get(platform=platform, public_id=evidence_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    notice = item.notice
    allowed = (
        (request.user.is_authenticated and is_operator(user=request.user, platform=platform))
        or (request.user.is_authenticated and notice.forwarded_at is not None
            and services.is_notice_provider(user=request.user, notice=notice))
        or str(notice.public_id) in request.session.get(SESSION_KEY, [])
    )
    if not allowed:
        raise Http404(_("No such evidence file."))
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the operator's console -------------------------------------------------------------------------------


def _operator_platform(request, slug: str):
    return operator_platform_or_403(request, slug, refusal=_("Only the platform's operator staff may handle "
                                                             "rights holders' notices."))


@login_required
@require_GET
def console(request, slug: str):
    platform = _operator_platform(request, slug)
    status = request.GET.get("status", "open")
    if status not in ("open", "", *NoticeStatus.values):
        status = "open"
    return render(request, "notices/console.html", {
        "platform": platform, "notices": selectors.notices_of_platform(platform=platform, status=status)[:200],
        "status": status, "statuses": NoticeStatus.choices})


def _console_notice(request, platform, notice, *, form=None, failed: str = "", status: int = 200):
    return render(request, "notices/console_notice.html", {
        "platform": platform, "notice": notice, "steps": notice.steps.select_related("actor"),
        "listings": [item for item in notice.items.select_related("listing")],
        "evidence": notice.evidence.all(), "reason_form": ReasonForm(), "note_form": NoteForm(),
        "wrong_form": WrongForm(), "complaint_form": ComplaintReportForm(), "failed": failed, "failed_form": form,
        "roles": ActorRole,
    }, status=status)


@login_required
@require_GET
def console_notice(request, slug: str, notice_id):
    platform = _operator_platform(request, slug)
    try:
        notice = selectors.notice_get(platform=platform, public_id=notice_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    return _console_notice(request, platform, notice)


@login_required
@require_POST
def console_action(request, slug: str, notice_id, action: str):
    platform = _operator_platform(request, slug)
    if action not in OPERATOR_ACTIONS:
        raise Http404
    try:
        notice = selectors.notice_get(platform=platform, public_id=notice_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    form_class = {"explain": ReasonForm, "restore": ReasonForm, "wrong": WrongForm,
                  "complaint": ComplaintReportForm}.get(action, NoteForm)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _console_notice(request, platform, notice, form=form, failed=action, status=400)
    data, user = form.cleaned_data, request.user
    try:
        if action == "take_down":
            services.notice_take_down(actor=user, notice=notice, note=data.get("note", ""))
        elif action == "explain":
            services.notice_explain(actor=user, notice=notice, reason=data["reason"])
        elif action == "forward":
            services.notice_forward(actor=user, notice=notice)
        elif action == "forward_counter":
            services.notice_counter_forward(actor=user, notice=notice)
        elif action == "complaint":
            services.notice_complaint_report(actor=user, notice=notice, kind=data["kind"], detail=data["detail"],
                                             evidence=request.FILES.getlist("evidence"))
        elif action == "restore":
            services.notice_restore(actor=user, notice=notice, reason=data["reason"])
        else:
            services.notice_record_wrong(actor=user, notice=notice, note=data["note"],
                                         malicious=bool(data.get("malicious")))
    except ShareCityError as error:
        _add_error(form, error)
        return _console_notice(request, platform, notice, form=form, failed=action, status=error.http_status)
    messages.success(request, _("Done: the step is recorded."))
    return redirect("notices:console_notice", slug=platform.slug, notice_id=notice.public_id)


# --- the provider ----------------------------------------------------------------------------------------


@login_required
@require_GET
def provider_list(request, slug: str):
    platform = platform_or_404(slug)
    return render(request, "notices/provider_list.html", {
        "platform": platform, "notices": selectors.notices_of_provider(platform=platform, provider=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def provider_notice(request, slug: str, notice_id):
    platform = platform_or_404(slug)
    try:
        notice = selectors.notice_of_provider(platform=platform, provider=request.user, public_id=notice_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    form, status = CounterForm(), 200
    if request.method == "POST":
        form = CounterForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.notice_counter(actor=request.user, notice=notice, text=form.cleaned_data["text"],
                                        evidence=request.FILES.getlist("evidence"))
            except ShareCityError as error:
                _add_error(form, error)
                status = error.http_status
            else:
                messages.success(request, _("Your counter-notice is sent to the platform."))
                return redirect("notices:provider_notice", slug=platform.slug, notice_id=notice.public_id)
        else:
            status = 400
    return render(request, "notices/provider_notice.html", {
        "platform": platform, "notice": notice, "steps": notice.steps.all(), "form": form,
        "listings": [item.listing for item in notice.items.select_related("listing")],
        "evidence": notice.evidence.all(), "may_counter": notice.status == NoticeStatus.TAKEN_DOWN}, status=status)
