"""The operator's pages for the city's directives: the list with deadlines, one directive and its answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.market.directives import selectors, services
from sharecity.market.directives.forms import AcknowledgeForm
from sharecity.market.directives.presentation import payload_fields
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.web import operator_platform_or_403


def _operator_platform(request, slug: str) -> Platform:
    return operator_platform_or_403(
        request, slug, refusal=_("Only the platform's operator staff may see and answer its directives."))


@login_required
@require_GET
def directive_list(request, slug: str):
    platform = _operator_platform(request, slug)
    now = timezone.now()
    directives = selectors.directives_of_platform(platform=platform)[:300]
    return render(request, "market_directives/list.html", {
        "platform": platform,
        "rows": [{"directive": d, "overdue": d.is_overdue(now)} for d in directives],
        "counts": selectors.directive_counts(platform=platform),
    })


@login_required
@require_http_methods(["GET", "POST"])
def directive_detail(request, slug: str, message_id):
    platform = _operator_platform(request, slug)
    try:
        directive = selectors.directive_get(platform=platform, message_id=message_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    form = AcknowledgeForm(request.POST or None, initial={
        "action_taken": directive.action_taken or services.recall_summary(directive)})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.directive_acknowledge(actor=request.user, directive=directive,
                                               action_taken=form.cleaned_data["action_taken"],
                                               completed=form.cleaned_data["completed"])
            except ShareCityError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
                status = error.http_status
            else:
                messages.success(request, _("Your answer is on its way to the city."))
                return redirect("market_directives:detail", slug=platform.slug, message_id=directive.message_id)
    return render(request, "market_directives/detail.html", {
        "platform": platform,
        "directive": directive,
        "overdue": directive.is_overdue(),
        "payload": payload_fields(directive.payload),
        "form": form,
    }, status=status)
