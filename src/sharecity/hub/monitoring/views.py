"""The regulator's dashboard. It reads only the hub's read models, never a platform's data."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
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
from sharecity.hub.registry.jurisdiction import Jurisdiction, jurisdiction_required
from sharecity.hub.registry.selectors import regulator_profile_for
from sharecity.kernel.districts import district_name
from sharecity.kernel.money import format_yuan

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


def _figures(jurisdiction: Jurisdiction, *, profile=None) -> dict:
    """The figures of the officer's jurisdiction: their district, their city's districts, or (an
    operator) every city's."""
    language = _language()
    districts = None if jurisdiction.is_operator else jurisdiction.district_codes()
    platforms = None if jurisdiction.is_operator else sorted(jurisdiction.platform_ids())
    by_district = activity_by_district(language=language, district_codes=districts)
    totals = activity_totals(district_codes=districts)
    if jurisdiction.district_code:
        scope = district_name(jurisdiction.district_code, language=language)
    elif jurisdiction.is_city_level:
        scope = jurisdiction.label(language=language)
    else:
        scope = _("All districts")
    return {
        "profile": profile,
        "jurisdiction": jurisdiction,
        "scope": scope,
        "totals": [{"key": key, "label": METRIC_LABELS[key], "value": totals.get(key, 0)} for key in METRIC_LABELS],
        "metrics": [{"key": key, "label": label} for key, label in METRIC_LABELS.items()],
        "by_district": by_district,
        "by_platform": activity_by_platform(district_codes=districts),
        "chart": _chart(by_district),
        "quarantined": quarantine_open_count(platform_ids=platforms),
        "directives": directive_counts(jurisdiction=jurisdiction),
        "latest_received": latest_received_at(platform_ids=platforms),
        "refreshed_at": timezone.now(),
    }


def _jurisdiction(request) -> Jurisdiction:
    return jurisdiction_required(request.user, message=_("Only regulator staff may open the dashboard."))


@require_GET
def dashboard(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    jurisdiction = _jurisdiction(request)
    return render(request, "monitoring/dashboard.html",
                  _figures(jurisdiction, profile=regulator_profile_for(request.user)))


@require_GET
def figures(request):
    """htmx partial, polled by the dashboard: the figures as they stand now."""
    if not request.user.is_authenticated:
        if request.htmx:
            return HttpResponseClientRedirect(redirect_to_login(reverse("monitoring:dashboard")).url)
        return redirect_to_login(request.get_full_path())
    jurisdiction = _jurisdiction(request)
    return render(request, "monitoring/_figures.html", _figures(jurisdiction))
