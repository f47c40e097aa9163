"""Reads of listings (search is in ``listings.search``)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sharecity.market.listings.errors import ListingNotFound
from sharecity.market.listings.models import Listing, ListingStatus
from sharecity.market.listings.search import SearchPage, listing_search  # noqa: F401  (one import for callers)


def listing_get(*, platform, public_id) -> Listing:
    """The platform's listing with this public id, whatever its status (pages decide who sees what)."""
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError:
        key = None
    listing = None
    if key is not None:
        listing = (Listing.objects.filter(platform=platform, public_id=key)
                   .select_related("category", "provider", "platform").first())
    if listing is None:
        raise ListingNotFound(_("No such listing on this platform."), field="listing")
    return listing


def listings_of_provider(*, platform, provider, statuses: list[str] | None = None) -> QuerySet[Listing]:
    """The provider's listings on the platform, newest first; all statuses unless ``statuses`` is given."""
    qs = Listing.objects.filter(platform=platform, provider=provider).select_related("category")
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("-created_at", "-id")


def listing_is_public(listing: Listing) -> bool:
    return listing.status == ListingStatus.PUBLISHED


# --- what the law asks the platform to show beside a listing ------------------------------------------------------

# 《中华人民共和国电子商务法》第十五条: an operator shows, continuously and prominently, its business licence
# information, the administrative licences of its business, or that it is one of 第十条's cases that need no
# registration (an individual's 便民劳务 needing no licence, 零星小额交易). 第二十七条: the platform checks and
# registers who its operators are and their licences. The platform shows here what it verified and what the
# provider gave, and says so where something is missing.
ECOMMERCE_ART15 = "《中华人民共和国电子商务法》第十五条"
ECOMMERCE_ART10 = "《中华人民共和国电子商务法》第十条"


def masked_name(name: str, *, kind: str) -> str:
    """A person's name with only the surname shown (陈晓明 → 陈**); a business's name is its public licence
    name and is shown whole."""
    name = (name or "").strip()
    if kind == "business" or len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


@dataclass(frozen=True)
class LicenceShown:
    code: str
    label_zh: str
    label_en: str
    holder: str
    number: str  # as the provider gave it; "" when missing
    state: str  # given | unusual_format | missing
    legal_reference: str


@dataclass(frozen=True)
class Disclosure:
    verified: bool
    kind: str  # person | business | "" when not verified
    name_masked: str
    identity_masked: str
    verified_on: dt.date | None
    business_licence: str  # registered (a business: its credit code, masked) | individual_unregistered | not_verified
    licences: list[LicenceShown]
    legal_reference: str = ECOMMERCE_ART15

    @property
    def complete(self) -> bool:
        return self.verified and all(item.state != "missing" for item in self.licences)


def listing_disclosure(listing: Listing) -> Disclosure:
    """What a listing's page and the API show about who offers it and the licences its category needs.

    Identity comes from the provider's real-name verification (masked: the number as stored, the name with its
    surname only); licences from the listing, checked against the category's rules: a number is ``given``, in an
    ``unusual_format`` (the rule's pattern does not match), or ``missing``.
    """
    from sharecity.kernel.timeutil import CITY_TZ
    from sharecity.market.accounts.selectors import provider_profile_for
    from sharecity.market.catalog.selectors import licence_rules

    profile = provider_profile_for(listing.provider)
    given = listing.licences or {}
    shown = []
    for rule in licence_rules(category=listing.category, platform=listing.platform):
        if rule.get("holder", "listing") not in ("listing", "provider"):
            continue  # a customer's qualification is checked when they book, not shown here
        number = str(given.get(rule.get("code", "")) or "").strip()
        pattern = rule.get("pattern") or ""
        state = "missing" if not number else (
            "unusual_format" if pattern and not re.fullmatch(pattern, number) else "given")
        shown.append(LicenceShown(code=rule.get("code", ""), label_zh=rule.get("label_zh", ""),
                                  label_en=rule.get("label_en", ""), holder=rule.get("holder", "listing"),
                                  number=number, state=state, legal_reference=rule.get("legal_reference", "")))
    if profile is None:
        return Disclosure(verified=False, kind="", name_masked="", identity_masked="", verified_on=None,
                          business_licence="not_verified", licences=shown)
    return Disclosure(
        verified=True, kind=profile.kind, name_masked=masked_name(profile.legal_name, kind=profile.kind),
        identity_masked=profile.identity_masked, verified_on=profile.verified_at.astimezone(CITY_TZ).date(),
        business_licence="registered" if profile.kind == "business" else "individual_unregistered", licences=shown)


# --- photos ----------------------------------------------------------------------------------------------------------

PHOTO_SIZES = ("display", "thumbnail")


def listing_photos(listing: Listing, *, public: bool = False) -> list:
    """The listing's photos in order, without their bytes: every one (for its provider and the platform's staff),
    or with ``public`` only those a moderator approved."""
    from sharecity.market.listings.models import ListingPhoto, PhotoReview

    rows = ListingPhoto.objects.filter(listing=listing).defer("display", "thumbnail")
    if public:
        rows = rows.filter(review=PhotoReview.APPROVED)
    return list(rows.order_by("position", "id"))


def photo_get(*, platform, public_id):
    """One photo of one of the platform's listings (with its listing), for its moderators."""
    from sharecity.market.listings.errors import PhotoNotFound
    from sharecity.market.listings.models import ListingPhoto

    photo = (ListingPhoto.objects.select_related("listing", "listing__platform").defer("display", "thumbnail")
             .filter(listing__platform=platform, public_id=public_id).first())
    if photo is None:
        raise PhotoNotFound(_("No such photo on this platform."), field="photo_id")
    return photo


def photo_urls(listing: Listing, photo) -> dict[str, str]:
    from django.urls import reverse

    return {size: reverse("listings:photo", args=[listing.platform.slug, listing.public_id, photo.public_id, size])
            for size in PHOTO_SIZES}


def photo_is_public(photo) -> bool:
    from sharecity.market.listings.models import PhotoReview

    return photo.listing.status == ListingStatus.PUBLISHED and photo.review == PhotoReview.APPROVED


def listing_photo_for_viewer(*, platform, listing_id, photo_id, viewer):
    """The photo as a viewer may see it: an approved photo of a published listing of this platform; any other
    (a listing not published, a photo awaiting moderation or rejected) only for its provider and the platform's
    operator staff. ``PhotoNotFound`` otherwise, the same
    answer whether the photo is another platform's, hidden or does not exist."""
    from sharecity.market.listings.errors import PhotoNotFound
    from sharecity.market.listings.models import ListingPhoto
    from sharecity.market.platforms.selectors import is_operator

    photo = (ListingPhoto.objects.select_related("listing").filter(
        listing__platform=platform, listing__public_id=listing_id, public_id=photo_id).first())
    if photo is not None and not photo_is_public(photo):
        signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
        if not (signed_in and (photo.listing.provider_id == viewer.pk or is_operator(user=viewer, platform=platform))):
            photo = None
    if photo is None:
        raise PhotoNotFound(_("No such photo on this platform."), field="photo_id")
    return photo
