"""The regulator's dashboard. It reads only the hub's read models, never a platform's data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect

from sharecity.hub.directives.selectors import directive_counts
from sharecity.hub.intake.selectors import latest_received_at, quarantine_open_count
from sharecity.hub.monitoring.selectors import activity_by_district, activity_by_platform, activity_totals
from sharecity.hub.registry.selectors import regulator_profile_for
from sharecity.kernel.districts import district_name
from sharecity.kernel.money import format_yuan

if TYPE_CHECKING:
    from sharecity.hub.registry.models import RegulatorProfile

METRIC_LABELS = {
    "listings": gettext_lazy("Listings"),
    "bookings": gettext_lazy("Bookings"),
    "completed": gettext_lazy("Completed"),
    "turnover_fen": gettext_lazy("Turnover"),
    "reviews": gettext_lazy("Reviews"),
    "complaints": gettext_lazy("Complaints"),
}

# Geometry of the bar chart, in SVG user units.
CHART_WIDTH = 720
LABEL_WIDTH = 110
BAR_AREA = 470
BAR_HEIGHT = 14
ROW_HEIGHT = 46
CHART_TOP = 10


def _language() -> str:
    return get_language() or "zh-hans"


def _chart(rows) -> dict:
    """Two bars per district, bookings and turnover, each scaled to its own largest value."""
    max_bookings = max((row.values["bookings"] or 0 for row in rows), default=0) or 1
    max_turnover = max((row.values["turnover_fen"] or 0 for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        top = CHART_TOP + index * ROW_HEIGHT
        bookings = row.values["bookings"] or 0
        turnover = row.values["turnover_fen"] or 0
        bookings_width = round(BAR_AREA * bookings / max_bookings, 1)
        turnover_width = round(BAR_AREA * turnover / max_turnover, 1)
        bars.append({
            "label": row.label,
            "label_y": top + BAR_HEIGHT + 6,
            "bookings": bookings,
            "bookings_y": top,
            "bookings_width": max(bookings_width, 1 if bookings else 0),
            "bookings_text_x": LABEL_WIDTH + bookings_width + 6,
            "bookings_text_y": top + BAR_HEIGHT - 2,
            "turnover": format_yuan(turnover),
            "turnover_y": top + BAR_HEIGHT + 4,
            "turnover_width": max(turnover_width, 1 if turnover else 0),
            "turnover_text_x": LABEL_WIDTH + turnover_width + 6,
            "turnover_text_y": top + 2 * BAR_HEIGHT + 2,
        })
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_TOP + max(len(rows), 1) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT,
    }


def _figures(profile: RegulatorProfile) -> dict:
    language = _language()
    district_code = profile.district_code or None
    by_district = activity_by_district(language=language, district_code=district_code)
    totals = activity_totals(district_code=district_code)
    return {
        "profile": profile,
        "scope": district_name(district_code, language=language) if district_code else _("All districts"),
        "totals": [{"key": key, "label": METRIC_LABELS[key], "value": totals.get(key, 0)} for key in METRIC_LABELS],
        "metrics": [{"key": key, "label": label} for key, label in METRIC_LABELS.items()],
        "by_district": by_district,
        "by_platform": activity_by_platform(district_code=district_code),
        "chart": _chart(by_district),
        "quarantined": quarantine_open_count(),
        "directives": directive_counts(),
        "latest_received": latest_received_at(),
        "refreshed_at": timezone.now(),
    }


def _regulator(request) -> RegulatorProfile:
    profile = regulator_profile_for(request.user)
    if profile is None:
        raise PermissionDenied(_("Only regulator staff may open the dashboard."))
    return profile


@require_GET
def dashboard(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    profile = _regulator(request)
    return render(request, "monitoring/dashboard.html", _figures(profile))


@require_GET
def figures(request):
    """htmx partial, polled by the dashboard: the figures as they stand now."""
    if not request.user.is_authenticated:
        if request.htmx:
            return HttpResponseClientRedirect(redirect_to_login(reverse("monitoring:dashboard")).url)
        return redirect_to_login(request.get_full_path())
    profile = _regulator(request)
    return render(request, "monitoring/_figures.html", _figures(profile))
