"""The tax department's page: which platforms filed which quarter's tax report, and which are late."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from sharecity.hub.registry.jurisdiction import jurisdiction_required
from sharecity.hub.tax import injury
from sharecity.hub.tax.deadlines import SOURCE
from sharecity.hub.tax.selectors import injury_statuses, report_statuses
from sharecity.kernel.errors import NotFound

STATUSES = ("on_time", "late", "overdue", "pending")


def _int(text: str | None, low: int, high: int) -> int | None:
    if text and text.isdigit() and len(text) <= 4 and low <= int(text) <= high:
        return int(text)
    return None


@require_GET
def index(request):
    jurisdiction = jurisdiction_required(request.user)
    status = request.GET.get("status", "")
    status = status if status in STATUSES else ""
    try:
        rows = report_statuses(jurisdiction, year=_int(request.GET.get("year"), 2000, 2100),
                               quarter=_int(request.GET.get("quarter"), 1, 4), status=status,
                               platform_id=request.GET.get("platform", "")[:64])
    except NotFound as error:
        raise Http404(str(error.message)) from None
    return render(request, "hub_tax/index.html", {
        "rows": rows[:500], "status": status, "statuses": STATUSES, "source": SOURCE,
        "jurisdiction_label": jurisdiction.label(language=get_language() or "zh-hans"),
        "late_count": sum(1 for r in rows if r.status in ("late", "overdue")),
    })


@require_GET
def injury_index(request):
    """Which platforms reported their occupational-injury cover for which month, and which are late."""
    jurisdiction = jurisdiction_required(request.user)
    status = request.GET.get("status", "")
    status = status if status in STATUSES else ""
    rows = injury_statuses(jurisdiction, status=status)
    return render(request, "hub_tax/injury.html", {
        "rows": rows[:500], "status": status, "statuses": STATUSES, "source": injury.SOURCE,
        "due_rule": injury.DUE_RULE,
        "jurisdiction_label": jurisdiction.label(language=get_language() or "zh-hans"),
        "late_count": sum(1 for r in rows if r.status in ("late", "overdue")),
    })
