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
from sharecity.market.moderation import selectors
from sharecity.market.moderation.forms import DecideForm
from sharecity.market.moderation.models import ModerationCase, SubjectType
from sharecity.market.moderation.subjects import photo_urls_of, subject_decide, subject_of
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.web import operator_platform_or_403


def _operator_platform(request, slug: str) -> Platform:
    return operator_platform_or_403(
        request, slug, refusal=_("Only the platform's moderators may see the moderation queue."))


def _subject(platform: Platform, case: ModerationCase):
    return subject_of(platform=platform, case=case)


def _title(case: ModerationCase, subject) -> str:
    return subject.listing.title if case.subject_type == SubjectType.PHOTO else subject.title


def _row(platform: Platform, case: ModerationCase, form: DecideForm | None = None) -> dict:
    subject = _subject(platform, case)
    return {"case": case, "subject": subject, "form": form or DecideForm(),
            "is_photo": case.subject_type == SubjectType.PHOTO,
            "title": _title(case, subject) if subject is not None else "",
            "photo_urls": photo_urls_of(case=case, subject=subject),
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
        if subject is None:
            raise Http404(_("The content of this case no longer exists."))
        try:
            subject_decide(actor=request.user, platform=platform, case=case, approve=approve, reason=reason)
        except ShareCityError as error:
            form.add_error("reason" if error.field == "reason" else None, str(error.message))
            status = error.http_status
        else:
            case.refresh_from_db()
            if request.htmx:
                return render(request, "moderation/_decided.html", {"platform": platform, "case": case,
                                                                   "subject": subject,
                                                                   "title": _title(case, subject)})
            messages.success(request, _("Decided: %(title)s — %(outcome)s.")
                             % {"title": _title(case, subject), "outcome": case.get_outcome_display()})
            return redirect("moderation:queue", slug=platform.slug)
    if request.htmx:
        return render(request, "moderation/_case.html", {"platform": platform, "row": _row(platform, case, form)},
                      status=status)
    rows = [_row(platform, c, form if c.pk == case.pk else None) for c in selectors.queue(platform=platform)]
    return render(request, "moderation/queue.html", {"platform": platform, "rows": rows}, status=status)
