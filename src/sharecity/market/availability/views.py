"""The provider's calendar of a listing, and the read-only remaining-capacity partial.

Thin: parse with a form, call a service or selector, show the outcome. Anyone may see what
is left of a published listing; only its provider or the platform's operators see the forms
and may change the plan.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.availability import selectors, services
from sharecity.market.availability.forms import ExceptionForm, PlanForm, RuleForm, add_service_error
from sharecity.market.availability.models import Weekday
from sharecity.market.listings.models import Listing
from sharecity.market.listings.selectors import listing_get, listing_is_public
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import platform_get

MAX_DAYS_AHEAD = 400


def _listing(request, slug: str, listing_id) -> tuple[Platform, Listing, bool]:
    try:
        platform = platform_get(slug=slug)
        listing = listing_get(platform=platform, public_id=listing_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    editor = services.can_edit(user=request.user, listing=listing)
    if not editor and not listing_is_public(listing):
        raise Http404(_("No such listing on this platform."))
    return platform, listing, editor


def _week_start(request) -> dt.date:
    today = timezone.now().astimezone(CITY_TZ).date()
    try:
        chosen = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        chosen = today
    if abs((chosen - today).days) > MAX_DAYS_AHEAD:
        chosen = today
    return chosen - dt.timedelta(days=chosen.weekday())


def _week_context(listing: Listing, start: dt.date) -> dict:
    return {
        "grid": selectors.calendar_grid(listing=listing, start_date=start, days=7),
        "week_start": start,
        "previous_week": start - dt.timedelta(days=7),
        "next_week": start + dt.timedelta(days=7),
    }


def _page(request, platform: Platform, listing: Listing, editor: bool, *, plan_form=None, rule_form=None,
          exception_form=None, status: int = 200):
    plan = selectors.plan_for(listing=listing)
    start = _week_start(request)
    context = {"platform": platform, "listing": listing, "can_edit": editor, "plan": plan,
               "week_url": reverse("availability:calendar", args=[platform.slug, listing.public_id]),
               **_week_context(listing, start)}
    if editor:
        rules = selectors.weekly_rules(plan=plan)
        context.update({
            "rules": [{"rule": r, "weekday": Weekday(r.weekday).label, "overnight": r.end_time <= r.start_time}
                      for r in rules],
            "exceptions": selectors.dated_exceptions(plan=plan, since=timezone.now()),
            "plan_form": plan_form or PlanForm(initial=_plan_initial(listing, plan)),
            "rule_form": rule_form or RuleForm(),
            "exception_form": exception_form or ExceptionForm(initial={"start_date": start}),
        })
    return render(request, "availability/calendar.html", context, status=status)


def _plan_initial(listing: Listing, plan) -> dict:
    if plan is None:
        return {"unit": listing.price_unit, "slot_minutes": 60, "notice_minutes": 0}
    return {name: getattr(plan, name) for name in services.PLAN_FIELDS}


@require_GET
def calendar(request, slug: str, listing_id):
    platform, listing, editor = _listing(request, slug, listing_id)
    if request.htmx:
        return render(request, "availability/_week.html", {
            "platform": platform, "listing": listing, "oob": editor,
            "week_url": reverse("availability:calendar", args=[platform.slug, listing.public_id]),
            **_week_context(listing, _week_start(request))})
    return _page(request, platform, listing, editor)


@require_GET
def slots(request, slug: str, listing_id):
    """Read-only remaining capacity for the listing page (included with htmx)."""
    platform, listing, _editor = _listing(request, slug, listing_id)
    return render(request, "availability/_week.html", {
        "platform": platform, "listing": listing, "readonly": True,
        "week_url": reverse("availability:slots", args=[platform.slug, listing.public_id]),
        **_week_context(listing, _week_start(request))})


def _back(platform: Platform, listing: Listing, request, *, day: dt.date | None = None):
    """Back to the calendar, on the week shown when the form was sent (or the week of ``day``)."""
    url = reverse("availability:calendar", args=[platform.slug, listing.public_id])
    start = day.isoformat() if day is not None else request.POST.get("week", "")
    return redirect(f"{url}?start={start}" if start else url)


def _edit(request, slug, listing_id):
    platform, listing, editor = _listing(request, slug, listing_id)
    if not editor:
        raise PermissionDenied(_("Only the listing's provider or the platform's operators may change its calendar."))
    return platform, listing


@login_required
@require_POST
def plan_save(request, slug: str, listing_id):
    platform, listing = _edit(request, slug, listing_id)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.plan_save(actor=request.user, listing=listing, **form.changes())
        except ShareCityError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The booking rules are saved."))
            return _back(platform, listing, request)
    return _page(request, platform, listing, True, plan_form=form, status=400)


@login_required
@require_POST
def rule_add(request, slug: str, listing_id):
    platform, listing = _edit(request, slug, listing_id)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            services.weekly_rule_add(actor=request.user, listing=listing, weekday=form.cleaned_data["weekday"],
                                     start=form.cleaned_data["start"], end=form.cleaned_data["end"],
                                     capacity=form.cleaned_data["capacity"])
        except ShareCityError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The weekly rule is added."))
            return _back(platform, listing, request)
    return _page(request, platform, listing, True, rule_form=form, status=400)


@login_required
@require_POST
def rule_remove(request, slug: str, listing_id, rule_id: int):
    platform, listing = _edit(request, slug, listing_id)
    rule = selectors.weekly_rule_get(listing=listing, rule_id=rule_id)
    if rule is None:
        raise Http404(_("No such rule."))
    services.weekly_rule_remove(actor=request.user, rule=rule)
    messages.success(request, _("The weekly rule is removed."))
    return _back(platform, listing, request)


@login_required
@require_POST
def exception_add(request, slug: str, listing_id):
    platform, listing = _edit(request, slug, listing_id)
    form = ExceptionForm(request.POST)
    if form.is_valid():
        try:
            exception = services.exception_add(actor=request.user, listing=listing, **form.service_arguments())
        except ShareCityError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The exception is added."))
            return _back(platform, listing, request, day=exception.starts_at.astimezone(CITY_TZ).date())
    return _page(request, platform, listing, True, exception_form=form, status=400)


@login_required
@require_POST
def exception_remove(request, slug: str, listing_id, exception_id: int):
    platform, listing = _edit(request, slug, listing_id)
    exception = selectors.dated_exception_get(listing=listing, exception_id=exception_id)
    if exception is None:
        raise Http404(_("No such exception."))
    services.exception_remove(actor=request.user, exception=exception)
    messages.success(request, _("The exception is removed."))
    return _back(platform, listing, request)
