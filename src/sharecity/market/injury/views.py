"""The operator's page of the occupational-injury cover: covered categories and their rate (or that none is
loaded), months with covered orders, and filing a month's report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sharecity.kernel.errors import ShareCityError
from sharecity.market.injury import services
from sharecity.market.injury.api import overview_data
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.web import operator_platform_or_403


def _operator_platform(request, slug: str) -> Platform:
    return operator_platform_or_403(
        request, slug,
        refusal=_("Only the platform's operator staff may see and file its occupational-injury reports."))


@login_required
@require_GET
def overview(request, slug: str):
    platform = _operator_platform(request, slug)
    return render(request, "market_injury/overview.html", {"platform": platform, **overview_data(platform)})


@login_required
@require_POST
def report_send(request, slug: str, year: int, month: int):
    platform = _operator_platform(request, slug)
    try:
        report = services.monthly_report_file(actor=request.user, platform=platform, year=year, month=month)
    except ShareCityError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The occupational-injury report for %(month)s is on its way to the city.")
                         % {"month": report.month.strftime("%Y-%m")})
    return redirect("market_injury:overview", slug=platform.slug)
