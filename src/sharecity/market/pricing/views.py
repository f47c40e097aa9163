"""The provider's promotions screen for one listing: set a promotion, see the ones before it.

The rule of SAMR Order 56 Art. 16 is checked by ``services.promotion_create``; a refusal is
shown on the original-price field with the lowest transacted price it found.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.platforms.selectors import is_operator, platform_get
from sharecity.market.pricing import selectors, services
from sharecity.market.pricing.forms import PromotionForm

FORM_FIELDS = {"original_price": "original_price", "price": "price", "starts_at": "starts_at",
               "ends_at": "ends_at", "comparison_basis": "comparison_basis", "basis_source": "basis_source"}


def _listing_of(request, slug: str, listing_id):
    from sharecity.market.listings.selectors import listing_get

    try:
        platform = platform_get(slug=slug)
        listing = listing_get(platform=platform, public_id=listing_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    if listing.provider_id != request.user.pk and not is_operator(user=request.user, platform=platform):
        raise PermissionDenied(_("Only the listing's provider or the platform's operators can set a promotion."))
    return platform, listing


def _initial() -> dict:
    now = timezone.now().astimezone(CITY_TZ).replace(second=0, microsecond=0)
    return {"starts_at": now, "ends_at": now + dt.timedelta(days=7)}


def _page(request, platform, listing, form: PromotionForm, *, status: int = 200):
    now = timezone.now()
    rows = []
    for promotion in selectors.promotions_of_listing(listing=listing)[:50]:
        running = promotion.status == "active" and promotion.starts_at <= now < promotion.ends_at
        upcoming = promotion.status == "active" and promotion.starts_at > now
        over = promotion.status == "active" and promotion.ends_at <= now
        rows.append({"promotion": promotion, "running": running, "upcoming": upcoming, "over": over})
    shown = selectors.price_shown(listing=listing, at=now)
    return render(request, "pricing/promotion.html", {
        "platform": platform, "listing": listing, "form": form, "rows": rows,
        "price_fen": shown.price_fen, "original_fen": shown.original_fen, "original_label": shown.label,
    }, status=status)


@login_required
def promotion(request, slug: str, listing_id):
    platform, listing = _listing_of(request, slug, listing_id)
    if request.method != "POST":
        return _page(request, platform, listing, PromotionForm(initial=_initial()))
    form = PromotionForm(request.POST)
    if not form.is_valid():
        return _page(request, platform, listing, form, status=400)
    data = form.cleaned_data
    try:
        services.promotion_create(actor=request.user, listing=listing, original_price_fen=data["original_price_fen"],
                                  price_fen=data["price_fen"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                                  comparison_basis=data["comparison_basis"],
                                  basis_source=data.get("basis_source") or "")
    except ShareCityError as error:
        form.add_error(FORM_FIELDS.get(error.field or ""), str(error.message))
        return _page(request, platform, listing, form, status=error.http_status)
    messages.success(request, _("The promotion is set: customers see the original price struck through."))
    return redirect("pricing:promotion", slug=platform.slug, listing_id=listing.public_id)
