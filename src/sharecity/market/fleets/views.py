"""The operator's fleet page: the quotas the city assigned and the reports sent."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sharecity.market.fleets import selectors
from sharecity.market.platforms.web import operator_platform_or_403


@login_required
@require_GET
def fleet_page(request, slug: str):
    platform = operator_platform_or_403(request, slug,
                                        refusal=_("Only the platform's operator staff may see its fleet."))
    return render(request, "market_fleets/page.html", {
        "platform": platform, "quotas": selectors.quotas_in_force(platform=platform),
        "reports": selectors.reports_list(platform=platform)[:50]})
