"""Review pages: an order's review partial, a listing's published reviews, the operator's queue.

Thin: parse with a form, call a service or selector, show the outcome. The order review
partial is meant to be included in (or loaded by htmx into) the order page.
"""

from __future__ import annotations

import hashlib
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.web import operator_platform_or_403, platform_or_404
from sharecity.market.reviews import selectors, services
from sharecity.market.reviews.forms import FlagCloseForm, HideForm, OrderReviewForm
from sharecity.market.reviews.orderlink import order_for_party_or_404

DEVICE_COOKIE = "sc_device"




def device_of(request) -> tuple[str, str | None]:
    """A device fingerprint (a long-lived cookie with the browser's signature) and the remote address."""
    cookie = request.COOKIES.get(DEVICE_COOKIE) or ""
    signature = "|".join([cookie, request.META.get("HTTP_USER_AGENT", ""),
                          request.META.get("HTTP_ACCEPT_LANGUAGE", "")])
    fingerprint = hashlib.sha256(signature.encode()).hexdigest()[:32] if cookie else ""
    return fingerprint, request.META.get("REMOTE_ADDR")


def _with_device_cookie(request, response):
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(DEVICE_COOKIE, uuid.uuid4().hex, max_age=3 * 365 * 24 * 3600, httponly=True,
                            samesite="Lax")
    return response


def _order_review_page(request, platform, order, form=None, *, status: int = 200):
    context = {"platform": platform, "order": order, "form": form or OrderReviewForm(),
               **selectors.review_status(order=order, user=request.user)}
    partial = request.htmx or request.GET.get("partial")
    template = "reviews/_order_review.html" if partial else "reviews/order_review.html"
    return _with_device_cookie(request, render(request, template, context, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def order_review(request, slug: str, order_id):
    platform = platform_or_404(slug)
    order = order_for_party_or_404(request, platform, order_id)
    if request.method == "GET":
        return _order_review_page(request, platform, order)
    form = OrderReviewForm(request.POST)
    if not form.is_valid():
        return _order_review_page(request, platform, order, form, status=400)
    device, ip = device_of(request)
    try:
        review = services.review_submit(actor=request.user, order=order, rating=form.cleaned_data["rating"],
                                        comment=form.cleaned_data["comment"], ip=ip, device=device)
    except ShareCityError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
        return _order_review_page(request, platform, order, form, status=error.http_status)
    if review.published_at:
        messages.success(request, _("Thank you: both sides have reviewed, so both reviews are now published."))
    else:
        messages.success(request, _("Thank you: your review is kept from the other side until they review too "
                                    "or the review period ends, then it is published."))
    if request.htmx:
        return _order_review_page(request, platform, order)
    return redirect("reviews:order_review", slug=platform.slug, order_id=order.public_id)


@require_GET
def listing_reviews(request, slug: str, listing_id):
    platform = platform_or_404(slug)
    try:
        from sharecity.market.listings.selectors import listing_get
    except ImportError:
        listing_get = None
    try:
        if listing_get is not None:
            listing = listing_get(platform=platform, public_id=listing_id)
        else:
            from sharecity.market.listings.models import Listing

            listing = Listing.objects.filter(platform=platform, public_id=listing_id).first()
            if listing is None:
                raise NotFound(_("No such listing on this platform."), field="listing_id")
    except NotFound as error:
        raise Http404(str(error.message)) from None
    return render(request, "reviews/_listing_reviews.html", {
        "platform": platform, "listing": listing, "reviews": selectors.listing_reviews(listing=listing)[:50],
        "rating": selectors.listing_rating(listing=listing),
        "provider_rating": selectors.provider_rating(platform=platform, provider=listing.provider),
    })


# --- the operator's queue -----------------------------------------------------------------------


def _operator_platform(request, slug: str) -> Platform:
    return operator_platform_or_403(
        request, slug, refusal=_("Only the platform's operator staff may moderate reviews."))


def _queue(request, platform, *, failed: dict | None = None, status: int = 200):
    return render(request, "reviews/queue.html", {
        "platform": platform,
        "flags": selectors.flags_of_platform(platform=platform),
        "recent": selectors.reviews_recent_of_platform(platform=platform),
        "hide_form": HideForm(), "close_form": FlagCloseForm(), "failed": failed or {},
    }, status=status)


@login_required
@require_GET
def queue(request, slug: str):
    return _queue(request, _operator_platform(request, slug))


@login_required
@require_POST
def hide(request, slug: str, review_id):
    platform = _operator_platform(request, slug)
    try:
        review = selectors.review_get(platform=platform, public_id=review_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    form = HideForm(request.POST)
    if form.is_valid():
        try:
            services.review_hide(actor=request.user, review=review, reason=form.cleaned_data["reason"],
                                 note=form.cleaned_data["note"])
        except ShareCityError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
            return _queue(request, platform, failed={"review": review.pk, "form": form}, status=error.http_status)
        messages.success(request, _("The review is hidden; the reason is recorded and reported."))
        return redirect("reviews:queue", slug=platform.slug)
    return _queue(request, platform, failed={"review": review.pk, "form": form}, status=400)


@login_required
@require_POST
def flag_close(request, slug: str, flag_id: int):
    platform = _operator_platform(request, slug)
    try:
        flag = selectors.flag_get(platform=platform, flag_id=flag_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    form = FlagCloseForm(request.POST)
    form.is_valid()
    services.flag_close(actor=request.user, flag=flag, note=form.cleaned_data.get("note", ""))
    messages.success(request, _("The flag is closed."))
    return redirect("reviews:queue", slug=platform.slug)
