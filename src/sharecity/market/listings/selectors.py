"""Reads of listings (search is in ``listings.search``)."""

from __future__ import annotations

import uuid

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
