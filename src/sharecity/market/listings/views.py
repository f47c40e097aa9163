"""The provider's listing pages: my listings, a new listing (category first, then its form), edit, submit.

Thin: parse with a form, call a service or selector, show the outcome. A rejected or suspended
listing shows its statement of reasons to the provider.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.market.accounts.selectors import provider_profile_for
from sharecity.market.catalog import selectors as catalog_selectors
from sharecity.market.listings import selectors, services
from sharecity.market.listings.forms import CategoryForm, ListingForm, PhotoForm, add_service_error
from sharecity.market.listings.models import Listing, ListingStatus
from sharecity.market.moderation.selectors import latest_statements
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.web import platform_or_404

EDITABLE_STATES = (ListingStatus.DRAFT, ListingStatus.REJECTED, ListingStatus.PUBLISHED, ListingStatus.SUSPENDED)
SUBMITTABLE_STATES = (ListingStatus.DRAFT, ListingStatus.REJECTED)



def _own_listing(request, platform: Platform, listing_id) -> Listing:
    try:
        listing = selectors.listing_get(platform=platform, public_id=listing_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    if listing.provider_id != request.user.pk:
        raise Http404(_("No such listing among yours."))
    return listing


def _outcome_message(request, listing: Listing) -> None:
    if listing.status == ListingStatus.PUBLISHED:
        messages.success(request, _("“%(title)s” is published.") % {"title": listing.title})
    elif listing.status == ListingStatus.PENDING_REVIEW:
        messages.info(request, _("“%(title)s” is waiting for a moderator's review.") % {"title": listing.title})
    elif listing.status == ListingStatus.REJECTED:
        messages.error(request, _("“%(title)s” was not published; see the reasons below.") % {"title": listing.title})


@login_required
@require_GET
def mine(request, slug: str):
    platform = platform_or_404(slug)
    listings = list(selectors.listings_of_provider(platform=platform, provider=request.user))
    statements = latest_statements(subject_type="listing", subject_ids=[item.public_id for item in listings])
    rows = []
    for listing in listings:
        statement = statements.get(str(listing.public_id))
        shown = statement if statement is not None and listing.status in (
            ListingStatus.REJECTED, ListingStatus.SUSPENDED, ListingStatus.REMOVED) and statement.decision in (
            "rejected", "suspended", "removed") else None
        platform_suspended = listing.status == ListingStatus.SUSPENDED and statement is not None \
            and statement.decision == "suspended"
        rows.append({"listing": listing, "statement": shown,
                     "can_edit": listing.status in EDITABLE_STATES,
                     "can_submit": listing.status in SUBMITTABLE_STATES,
                     "can_pause": listing.status == ListingStatus.PUBLISHED,
                     "can_resume": listing.status == ListingStatus.SUSPENDED and not platform_suspended,
                     "can_withdraw": listing.status != ListingStatus.REMOVED})
    return render(request, "listings/mine.html", {"platform": platform, "rows": rows})


def _form_page(request, platform: Platform, form: ListingForm, category, *, listing: Listing | None = None,
               status: int = 200):
    return render(request, "listings/form.html", {
        "platform": platform, "form": form, "category": category, "listing": listing,
    }, status=status)


def _form_for(platform: Platform, category, data=None, initial=None) -> ListingForm:
    form = ListingForm(
        data,
        attribute_fields=catalog_selectors.attribute_fields(category=category, platform=platform),
        licence_rules=catalog_selectors.licence_rules(category=category, platform=platform),
        initial=initial,
    )
    return form


@login_required
@require_http_methods(["GET", "POST"])
def new(request, slug: str):
    """Choose a category the platform offers, then fill the form that category asks for."""
    platform = platform_or_404(slug)
    if provider_profile_for(request.user) is None:
        messages.info(request, _("Verify your real name before creating a listing."))
        return redirect(f"{reverse('parking:verify', args=[platform.slug])}?next={request.path}")
    categories = catalog_selectors.categories_enabled(platform=platform)
    code = request.POST.get("category") or request.GET.get("category")
    category = next((c for c in categories if c.code == code), None)
    if category is None:
        chooser = CategoryForm(request.GET if code else None, categories=categories)
        if code:
            chooser.is_valid()
        return render(request, "listings/choose_category.html", {
            "platform": platform, "form": chooser, "categories": categories,
        }, status=400 if code else 200)
    if request.method == "GET":
        form = _form_for(platform, category, initial={"price_unit": category.default_unit})
        return _form_page(request, platform, form, category)
    form = _form_for(platform, category, request.POST)
    if not form.is_valid():
        return _form_page(request, platform, form, category, status=400)
    try:
        listing = services.listing_create(actor=request.user, platform=platform, provider=request.user,
                                          category=category, **form.values())
        if request.POST.get("action") == "submit":
            services.listing_submit(actor=request.user, listing=listing)
    except ShareCityError as error:
        add_service_error(form, error)
        return _form_page(request, platform, form, category, status=error.http_status)
    if request.POST.get("action") == "submit":
        _outcome_message(request, listing)
    else:
        messages.success(request, _("Saved “%(title)s” as a draft.") % {"title": listing.title})
    return redirect("listings:mine", slug=platform.slug)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug: str, listing_id):
    platform = platform_or_404(slug)
    listing = _own_listing(request, platform, listing_id)
    if listing.status not in EDITABLE_STATES:
        messages.error(request, _("A listing that is %(status)s cannot be edited.")
                       % {"status": listing.get_status_display()})
        return redirect("listings:mine", slug=platform.slug)
    if request.method == "GET":
        form = _form_for(platform, listing.category, initial=ListingForm.initial_from(listing))
        return _form_page(request, platform, form, listing.category, listing=listing)
    form = _form_for(platform, listing.category, request.POST)
    if not form.is_valid():
        return _form_page(request, platform, form, listing.category, listing=listing, status=400)
    was_live = listing.status == ListingStatus.PUBLISHED
    try:
        services.listing_update(actor=request.user, listing=listing, **form.values())
        if request.POST.get("action") == "submit" and listing.status in SUBMITTABLE_STATES:
            services.listing_submit(actor=request.user, listing=listing)
    except ShareCityError as error:
        add_service_error(form, error)
        return _form_page(request, platform, form, listing.category, listing=listing, status=error.http_status)
    if was_live or request.POST.get("action") == "submit":
        _outcome_message(request, listing)
    else:
        messages.success(request, _("Saved “%(title)s”.") % {"title": listing.title})
    return redirect("listings:mine", slug=platform.slug)


@login_required
@require_POST
def submit(request, slug: str, listing_id):
    platform = platform_or_404(slug)
    listing = _own_listing(request, platform, listing_id)
    try:
        services.listing_submit(actor=request.user, listing=listing)
    except ShareCityError as error:
        messages.error(request, str(error.message))
    else:
        _outcome_message(request, listing)
    return redirect("listings:mine", slug=platform.slug)


PROVIDER_ACTIONS = ("pause", "resume", "withdraw")


@login_required
@require_POST
def action(request, slug: str, listing_id, action: str):
    """The provider pauses, resumes or withdraws their listing."""
    if action not in PROVIDER_ACTIONS:
        raise Http404(_("Unknown action."))
    platform = platform_or_404(slug)
    listing = _own_listing(request, platform, listing_id)
    try:
        if action == "pause":
            services.listing_suspend(actor=request.user, listing=listing, reason=request.POST.get("reason", ""))
            messages.success(request, _("“%(title)s” is paused.") % {"title": listing.title})
        elif action == "resume":
            services.listing_reinstate(actor=request.user, listing=listing)
            _outcome_message(request, listing)
        else:
            services.listing_remove(actor=request.user, listing=listing, reason=request.POST.get("reason", ""))
            messages.success(request, _("“%(title)s” is withdrawn.") % {"title": listing.title})
    except ShareCityError as error:
        messages.error(request, str(error.message))
    return redirect("listings:mine", slug=platform.slug)


# --- photos --------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def photos(request, slug: str, listing_id):
    """The provider's photos of their listing: upload one, see them, remove one."""
    platform = platform_or_404(slug)
    listing = _own_listing(request, platform, listing_id)
    form = PhotoForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["photo"]
            try:
                services.listing_photo_add(actor=request.user, listing=listing, data=upload.read(),
                                           name=upload.name)
            except ShareCityError as error:
                form.add_error("photo", str(error.message))
            else:
                messages.success(request, _("The photo was added; it is shown once a moderator approves it."))
                return redirect("listings:photos", slug=platform.slug, listing_id=listing.public_id)
        status = 400
    shown = [{"photo": photo, "urls": selectors.photo_urls(listing, photo)}
             for photo in selectors.listing_photos(listing)]
    return render(request, "listings/photos.html", {"platform": platform, "listing": listing, "form": form,
                                                     "photos": shown}, status=status)


@login_required
@require_POST
def photo_remove(request, slug: str, listing_id, photo_id):
    platform = platform_or_404(slug)
    listing = _own_listing(request, platform, listing_id)
    try:
        services.listing_photo_remove(actor=request.user, listing=listing, photo_id=photo_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    messages.success(request, _("The photo was removed."))
    return redirect("listings:photos", slug=platform.slug, listing_id=listing.public_id)


@login_required
@require_POST
def photo_replace(request, slug: str, listing_id, photo_id):
    """Put a new picture in place of one photo; the new one waits for a moderator."""
    platform = platform_or_404(slug)
    listing = _own_listing(request, platform, listing_id)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("listings:photos", slug=platform.slug, listing_id=listing.public_id)
    upload = form.cleaned_data["photo"]
    try:
        services.listing_photo_replace(actor=request.user, listing=listing, photo_id=photo_id, data=upload.read(),
                                       name=upload.name)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    except ShareCityError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The photo was replaced; the new one is shown once a moderator approves it."))
    return redirect("listings:photos", slug=platform.slug, listing_id=listing.public_id)


@require_GET
def photo(request, slug: str, listing_id, photo_id, size: str):
    """A photo's bytes (always the re-encoded JPEG), for whoever may see its listing. A published listing's
    photos are public and never change (a new photo has a new id): cached for a year. Others are private."""
    if size not in selectors.PHOTO_SIZES:
        raise Http404(_("No such photo size."))
    platform = platform_or_404(slug)
    try:
        found = selectors.listing_photo_for_viewer(platform=platform, listing_id=listing_id, photo_id=photo_id,
                                                   viewer=request.user)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    etag = f'"{found.sha256}-{size}"'
    public = selectors.photo_is_public(found)
    cache = "public, max-age=31536000, immutable" if public else "private, no-store"
    if public and request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(bytes(getattr(found, size)), content_type=found.content_type)
    response["Cache-Control"] = cache
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
