"""Parking pages. Thin: parse with a form, call a service or selector, show the outcome.

Services raise ``ShareCityError`` subclasses; a page shows the message on the field it
names (or on the form) and answers with the error's HTTP status.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.kernel.money import format_yuan
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.accounts.models import ProviderProfile
from sharecity.market.accounts.selectors import provider_profile_for
from sharecity.market.accounts.services import provider_verify
from sharecity.market.complaints.selectors import complaints_of_platform, complaints_of_user
from sharecity.market.complaints.services import complaint_file
from sharecity.market.directives.selectors import directive_counts
from sharecity.market.parking import selectors, services
from sharecity.market.parking.forms import (
    ApiKeyForm,
    ComplaintForm,
    ReviewForm,
    SearchForm,
    SpaceForm,
    StayForm,
    VerifyForm,
    add_service_error,
)
from sharecity.market.parking.models import Booking, BookingState, ParkingSpace, Weekday
from sharecity.market.parking.windows import window_covering
from sharecity.market.payments.selectors import order_balance
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import api_key_get, api_keys_of_platform, console_figures
from sharecity.market.platforms.services import api_key_issue, api_key_revoke
from sharecity.market.platforms.web import operator_platform_or_403, platform_or_404
from sharecity.market.reviews.selectors import reviews_of_booking, space_rating
from sharecity.market.reviews.services import review_create

BOOKING_ACTIONS = ("complete", "cancel", "review", "complaint")



def _space(platform: Platform, space_id) -> ParkingSpace:
    try:
        return selectors.space_get(platform=platform, public_id=space_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None


def _next_slot() -> dt.datetime:
    now = timezone.now().astimezone(CITY_TZ) + dt.timedelta(minutes=30)
    return now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0)


def _stay_initial() -> dict:
    starts = _next_slot()
    ends = starts + dt.timedelta(hours=2)
    return {"date": starts.date(), "start": f"{starts:%H:%M}", "end": f"{ends:%H:%M}"}


# --- search and spaces -------------------------------------------------------------------


@require_GET
def platform_home(request, slug: str):
    platform = platform_or_404(slug)
    form = SearchForm(request.GET or None)
    results, starts_at, ends_at = [], None, None
    if not request.GET or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        if form.is_bound:
            starts_at, ends_at = form.stay()
        spaces = selectors.space_search(
            platform=platform, district_code=filters.get("district") or None,
            vehicle_size=filters.get("vehicle_size") or None, starts_at=starts_at, ends_at=ends_at,
        )
        for space in spaces:
            quote = selectors.quote_for(space=space, starts_at=starts_at, ends_at=ends_at) if starts_at else None
            results.append({"space": space, "quote": quote})
    stay = None
    if starts_at:
        stay = {"starts_at": starts_at, "ends_at": ends_at, "date": form.cleaned_data["date"],
                "start": form.cleaned_data["start"], "end": form.cleaned_data["end"]}
    return render(request, "parking/platform.html", {
        "platform": platform, "form": form, "results": results, "stay": stay, "searched": form.is_bound,
        # A shared-bike operator has a fleet, not spaces: its page says what it does instead.
        "fleet_only": bool(platform.sectors) and set(platform.sectors) <= {"bike_sharing"},
    })


def _space_page(request, platform: Platform, space: ParkingSpace, form: StayForm, *, status: int = 200):
    windows = [
        {"weekday": Weekday(w.weekday).label, "start": w.start, "end": w.end, "overnight": w.end <= w.start}
        for w in selectors.space_windows(space)
    ]
    quote = _quote_context(space, form) if form.is_bound else _quote_context(space, StayForm(_stay_initial()))
    return render(request, "parking/space_detail.html", {
        "platform": platform, "space": space, "windows": windows, "rating": space_rating(space=space),
        "form": form, "is_own": request.user.is_authenticated and space.provider_id == request.user.pk, **quote,
    }, status=status)


@require_GET
def space_detail(request, slug: str, space_id):
    platform = platform_or_404(slug)
    space = _space(platform, space_id)
    form = StayForm(request.GET) if request.GET else StayForm(initial=_stay_initial())
    return _space_page(request, platform, space, form)


def _quote_context(space: ParkingSpace, form: StayForm) -> dict:
    """The price of a stay, and whether it can be booked as it stands (nothing is written)."""
    if not form.is_valid():
        return {"quote": None, "quote_problem": None}
    starts_at, ends_at = form.stay()
    problem = None
    try:
        services.booking_times_check(starts_at=starts_at, ends_at=ends_at)
    except ShareCityError as error:
        problem = str(error.message)
    if problem is None and window_covering(selectors.space_windows(space), starts_at, ends_at) is None:
        problem = _("The space is not offered for the whole of this time; see its weekly windows.")
    if problem is None and selectors.overlapping_bookings(space=space, starts_at=starts_at, ends_at=ends_at).exists():
        problem = _("This time is already booked by someone else.")
    return {"quote": selectors.quote_for(space=space, starts_at=starts_at, ends_at=ends_at),
            "quote_problem": problem, "quote_stay": (starts_at, ends_at)}


@require_GET
def space_quote(request, slug: str, space_id):
    """htmx partial: the total for the chosen times, before booking."""
    platform = platform_or_404(slug)
    space = _space(platform, space_id)
    form = StayForm(request.GET)
    context = {"form": form, **_quote_context(space, form)}
    return render(request, "parking/_quote.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def space_book(request, slug: str, space_id):
    platform = platform_or_404(slug)
    space = _space(platform, space_id)
    if request.method == "GET":
        return redirect("parking:space", slug=platform.slug, space_id=space.public_id)
    form = StayForm(request.POST)
    if not form.is_valid():
        return _space_page(request, platform, space, form, status=400)
    starts_at, ends_at = form.stay()
    try:
        booking = services.booking_create(actor=request.user, platform=platform, space_id=space.public_id,
                                          customer=request.user, starts_at=starts_at, ends_at=ends_at)
    except ShareCityError as error:
        add_service_error(form, error)
        return _space_page(request, platform, space, form, status=error.http_status)
    messages.success(request, _(
        "Booked %(title)s for %(when)s and paid %(total)s; the payment is held until the stay is over.") % {
        "title": space.title,
        "when": f"{booking.starts_at.astimezone(CITY_TZ):%Y-%m-%d %H:%M}–{booking.ends_at.astimezone(CITY_TZ):%H:%M}",
        "total": format_yuan(booking.amount_fen),
    })
    return redirect("parking:bookings", slug=platform.slug)


@login_required
@require_http_methods(["GET", "POST"])
def space_new(request, slug: str):
    platform = platform_or_404(slug)
    if provider_profile_for(request.user) is None:
        messages.info(request, _("Verify your real name before listing a space."))
        return redirect(f"{reverse('parking:verify', args=[platform.slug])}?next={request.path}")
    form = SpaceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                space = services.space_create(
                    actor=request.user, platform=platform, provider=request.user, title=data["title"],
                    district_code=data["district"], address=data["address"], vehicle_size=data["vehicle_size"],
                    price_per_hour_fen=data["price_per_hour"], windows=form.windows(),
                )
            except ShareCityError as error:
                add_service_error(form, error)
                status = error.http_status
            else:
                messages.success(request, _("Your space is listed."))
                return redirect("parking:space", slug=platform.slug, space_id=space.public_id)
    return render(request, "parking/space_new.html", {"platform": platform, "form": form}, status=status)


# --- verification ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def verify(request, slug: str):
    platform = platform_or_404(slug)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = VerifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                outcome = provider_verify(actor=request.user, user=request.user, kind=data["kind"],
                                          legal_name=data["legal_name"], id_number=data["id_number"],
                                          platform=platform)
            except ShareCityError as error:
                add_service_error(form, error)
                status = error.http_status
            else:
                if isinstance(outcome, ProviderProfile):
                    messages.success(request, _("Your real name is verified."))
                else:
                    messages.info(request, _("Your verification is waiting for a review by staff."))
                return redirect(next_url or reverse("parking:verify", args=[platform.slug]))
    return render(request, "parking/verify.html", {
        "platform": platform, "form": form, "profile": provider_profile_for(request.user), "next": next_url,
    }, status=status)


# --- my bookings -------------------------------------------------------------------------


def _booking_entry(booking: Booking, user, complaints: dict, now: dt.datetime, failed: dict) -> dict:
    role = selectors.booking_party_role(booking=booking, user=user)
    reviews = list(reviews_of_booking(booking=booking))
    auto_id = f"id_{booking.public_id.hex[:8]}_%s"
    confirmed = booking.state == BookingState.CONFIRMED
    entry = {
        "booking": booking,
        "role": role,
        "reviews": reviews,
        "complaints": complaints.get(booking.pk, []),
        "can_complete": confirmed and now >= booking.starts_at,
        "can_cancel": confirmed and role == "customer" and now < booking.starts_at,
        "can_review": booking.state == BookingState.COMPLETED and all(r.author_role != role for r in reviews),
        "can_complain": role == "customer" and booking.state != BookingState.CANCELLED,
        "review_form": ReviewForm(auto_id=auto_id),
        "complaint_form": ComplaintForm(auto_id=auto_id),
        "open": None,
        "money": order_balance(order_ref=str(booking.public_id)),
    }
    if failed.get("booking") == booking.pk:
        entry[f"{failed['kind']}_form"] = failed["form"]
        entry["open"] = failed["kind"]
    return entry


def _bookings_page(request, platform: Platform, *, failed: dict | None = None, error: str | None = None,
                   status: int = 200) -> HttpResponse:
    user = request.user
    now = timezone.now()
    complaints: dict[int, list] = {}
    for complaint in complaints_of_user(platform=platform, user=user):
        complaints.setdefault(complaint.booking_id, []).append(complaint)
    bookings = selectors.bookings_visible_to(platform=platform, user=user).select_related("space__provider")[:200]
    entries = [_booking_entry(b, user, complaints, now, failed or {}) for b in bookings]
    return render(request, "parking/bookings.html", {
        "platform": platform,
        "as_customer": [e for e in entries if e["role"] == "customer"],
        "as_provider": [e for e in entries if e["role"] == "provider"],
        "error": error,
    }, status=status)


@login_required
@require_GET
def bookings(request, slug: str):
    return _bookings_page(request, platform_or_404(slug))


@login_required
@require_POST
def booking_action(request, slug: str, booking_id, action: str):
    platform = platform_or_404(slug)
    if action not in BOOKING_ACTIONS:
        raise Http404
    try:
        booking = selectors.booking_get(platform=platform, public_id=booking_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    form = None
    try:
        if action == "complete":
            services.booking_complete(actor=request.user, booking=booking)
            messages.success(request, _("The booking is completed. You can now leave a review."))
        elif action == "cancel":
            services.booking_cancel(actor=request.user, booking=booking)
            messages.success(request, _("The booking is cancelled."))
        elif action == "review":
            form = ReviewForm(request.POST, auto_id=f"id_{booking.public_id.hex[:8]}_%s")
            if not form.is_valid():
                return _bookings_page(request, platform, status=400,
                                      failed={"booking": booking.pk, "kind": "review", "form": form})
            review_create(actor=request.user, booking=booking, rating=form.cleaned_data["rating"],
                          comment=form.cleaned_data["comment"])
            messages.success(request, _("Thank you: your review is published."))
        else:
            form = ComplaintForm(request.POST, auto_id=f"id_{booking.public_id.hex[:8]}_%s")
            if not form.is_valid():
                return _bookings_page(request, platform, status=400,
                                      failed={"booking": booking.pk, "kind": "complaint", "form": form})
            complaint_file(actor=request.user, booking=booking, **form.cleaned_data)
            messages.success(request, _("Your complaint is filed. The platform must answer it."))
    except ShareCityError as error:
        if form is None:
            return _bookings_page(request, platform, error=str(error.message), status=error.http_status)
        add_service_error(form, error)
        return _bookings_page(request, platform, status=error.http_status, error=str(error.message),
                              failed={"booking": booking.pk, "kind": action, "form": form})
    return redirect(f"{reverse('parking:bookings', args=[platform.slug])}#b-{booking.public_id}")


# --- operator console ----------------------------------------------------------------------


def _operator_platform(request, slug: str) -> Platform:
    return operator_platform_or_403(
        request, slug, refusal=_("Only the platform's operator staff may open its console."))


def _console(request, platform: Platform, *, key_form: ApiKeyForm | None = None, raw_key: str | None = None,
             status: int = 200) -> HttpResponse:
    return render(request, "parking/operator.html", {
        "platform": platform,
        "bookings": selectors.bookings_visible_to(platform=platform, user=request.user, as_platform=True)
        .order_by("-created_at")[:50],
        "complaints": complaints_of_platform(platform=platform).select_related("complainant")[:50],
        "keys": api_keys_of_platform(platform=platform),
        "key_form": key_form or ApiKeyForm(),
        "raw_key": raw_key,
        "directive_counts": directive_counts(platform=platform),
        "figures": console_figures(platform=platform),
    }, status=status)


@login_required
@require_GET
def operator(request, slug: str):
    return _console(request, _operator_platform(request, slug))


@login_required
@require_POST
def operator_key_issue(request, slug: str):
    platform = _operator_platform(request, slug)
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _console(request, platform, key_form=form, status=400)
    _key, raw = api_key_issue(actor=request.user, platform=platform, label=form.cleaned_data["label"])
    # Rendered, not redirected: the raw key is shown this once and stored nowhere.
    response = _console(request, platform, raw_key=raw)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def operator_key_revoke(request, slug: str, key_id: int):
    platform = _operator_platform(request, slug)
    try:
        key = api_key_get(platform=platform, key_id=key_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    if key.revoked_at is None:
        api_key_revoke(actor=request.user, key=key)
    messages.success(request, _("The key %(prefix)s is revoked.") % {"prefix": key.prefix})
    return redirect("parking:operator", slug=platform.slug)
