"""The operator's licence page: the platform's administrative licences (《中华人民共和国电子商务法》第十五条),
added and removed one at a time; every change sends the whole set to the city. Thin: rules in ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sharecity.kernel.errors import ShareCityError
from sharecity.kernel.licences import KINDS_BY_CODE, kind_label
from sharecity.market.platforms import selectors, services
from sharecity.market.platforms.forms import LicenceForm
from sharecity.market.platforms.web import operator_platform_or_403

REFUSAL = _("Only the platform's operator staff may manage its licences.")


def _page(request, platform, form, status: int = 200):
    licences = [{"row": row, "label": kind_label(row.kind),
                 "title": row.name or (KINDS_BY_CODE[row.kind].name_zh if row.kind in KINDS_BY_CODE else "")}
                for row in selectors.licences_of(platform=platform)]
    return render(request, "market_platforms/licences.html",
                  {"platform": platform, "licences": licences, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def licences_page(request, slug: str):
    platform = operator_platform_or_403(request, slug, refusal=REFUSAL)
    if request.method == "GET":
        return _page(request, platform, LicenceForm())
    form = LicenceForm(request.POST)
    if form.is_valid():
        try:
            services.licence_add(actor=request.user, platform=platform, licence=form.cleaned_data)
        except ShareCityError as error:
            field = (error.field or "").split(".")[-1]
            form.add_error(field if field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Licence added; the city was sent the platform's licences."))
            return redirect("market_platforms:licences", slug=platform.slug)
    return _page(request, platform, form, status=400)


@login_required
@require_POST
def licence_remove(request, slug: str, licence_id: int):
    platform = operator_platform_or_403(request, slug, refusal=REFUSAL)
    try:
        services.licence_remove(actor=request.user, platform=platform, licence_id=licence_id)
    except ShareCityError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Licence removed; the city was sent the platform's licences."))
    return redirect("market_platforms:licences", slug=platform.slug)
