"""The regulator's pages of rights holders' notices, scoped by jurisdiction, overdue ones first."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sharecity.hub.notices import selectors
from sharecity.hub.registry.jurisdiction import jurisdiction_required
from sharecity.kernel.errors import NotFound


def _jurisdiction(request):
    return jurisdiction_required(request.user, message=_("Only regulator staff and hub operators may see "
                                                         "rights holders' notices."))


def _labelled(fact, now, names=None):
    codes = selectors.overdue_reasons(fact, now=now)
    return {"fact": fact, "overdue": codes, "overdue_labels": [selectors.REASON_LABELS[c]() for c in codes],
            "name": (names or {}).get(fact.platform_id, fact.platform_id)}


@require_GET
def notice_list(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    jurisdiction = _jurisdiction(request)
    now = timezone.now()
    names = jurisdiction.platform_names()
    rows = [_labelled(fact, now, names) for fact in selectors.notices_for(
        jurisdiction=jurisdiction, platform=request.GET.get("platform", "")[:64],
        outcome=request.GET.get("outcome", "")[:16])[:500]]
    rows.sort(key=lambda row: not row["overdue"])
    return render(request, "hub_notices/list.html", {
        "rows": rows, "scope": jurisdiction.label(language=get_language() or "zh-hans"),
        "deadlines": selectors.deadlines_in_force()})


@require_GET
def notice_detail(request, fact_id: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    jurisdiction = _jurisdiction(request)
    try:
        fact = selectors.notice_get(jurisdiction=jurisdiction, fact_id=fact_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    return render(request, "hub_notices/detail.html", _labelled(fact, timezone.now(),
                                                                jurisdiction.platform_names()))
