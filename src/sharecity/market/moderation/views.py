"""The operator's moderation queue: open cases with their findings marked in the text; approve or
reject with a reason (htmx swaps the decided case in place)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.market.listings import selectors as listing_selectors
from sharecity.market.listings import services as listing_services
from sharecity.market.moderation import selectors
from sharecity.market.moderation.forms import DecideForm
from sharecity.market.moderation.models import ModerationCase, SubjectType
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.web import operator_platform_or_403


def _operator_platform(request, slug: str) -> Platform:
    return operator_platform_or_403(
        request, slug, refusal=_("Only the platform's moderators may see the moderation queue."))


def _subject(platform: Platform, case: ModerationCase):
    if case.subject_type != SubjectType.LISTING:
        return None
    try:
        return listing_selectors.listing_get(platform=platform, public_id=case.subject_id)
    except NotFound:
        return None


def _row(platform: Platform, case: ModerationCase, form: DecideForm | None = None) -> dict:
    return {"case": case, "subject": _subject(platform, case), "form": form or DecideForm(),
            "pieces": selectors.highlight(case.text, case.findings),
            "other_findings": [f for f in case.findings if f.get("start", -1) < 0]}


@login_required
@require_GET
def queue(request, slug: str):
    platform = _operator_platform(request, slug)
    rows = [_row(platform, case) for case in selectors.queue(platform=platform)]
    return render(request, "moderation/queue.html", {"platform": platform, "rows": rows})


@login_required
@require_POST
def decide(request, slug: str, case_id):
    platform = _operator_platform(request, slug)
    try:
        case = selectors.case_get(platform=platform, public_id=case_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    form = DecideForm(request.POST)
    status = 400
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        reason = form.cleaned_data["reason"]
        subject = _subject(platform, case)
        try:
            if subject is None:
                raise Http404(_("The content of this case no longer exists."))
            listing_services.listing_review_decide(actor=request.user, listing=subject, approve=approve,
                                                   reason=reason)
        except ShareCityError as error:
            form.add_error("reason" if error.field == "reason" else None, str(error.message))
            status = error.http_status
        else:
            case.refresh_from_db()
            if request.htmx:
                return render(request, "moderation/_decided.html", {"platform": platform, "case": case,
                                                                   "subject": subject})
            messages.success(request, _("Decided: %(title)s — %(outcome)s.")
                             % {"title": subject.title, "outcome": case.get_outcome_display()})
            return redirect("moderation:queue", slug=platform.slug)
    if request.htmx:
        return render(request, "moderation/_case.html", {"platform": platform, "row": _row(platform, case, form)},
                      status=status)
    rows = [_row(platform, c, form if c.pk == case.pk else None) for c in selectors.queue(platform=platform)]
    return render(request, "moderation/queue.html", {"platform": platform, "rows": rows}, status=status)
