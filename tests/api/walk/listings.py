"""Listings and moderation routes in the tenant walk: each tenant has a listing waiting for a moderator."""

from __future__ import annotations

from sharecity.market.listings.models import Listing, ListingPhoto
from sharecity.market.listings.services import listing_photo_add, listing_submit
from sharecity.market.moderation.models import ModerationCase, StatementOfReasons
from tests.market.moderation.helpers import LICENCE_NUMBER, draft


def prepare(tenant) -> None:
    tenant.listing = draft(tenant.platform, tenant.provider, description="看房请加微信 xmhome2023")
    listing_submit(actor=tenant.provider, listing=tenant.listing)
    tenant.moderation_case = ModerationCase.objects.get(subject_id=str(tenant.listing.public_id))
    tenant.listing_photo = listing_photo_add(actor=tenant.provider, listing=tenant.listing, data=_PICTURE,
                                             name="walk.png")


def _picture() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (240, 240), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


_PICTURE = _picture()


OBJECT_PARAMS = {
    "listing_id": lambda t: t.listing.public_id,
    "case_id": lambda t: t.moderation_case.public_id,
    "photo_id": lambda t: t.listing_photo.public_id,
}


def OBJECT_IDS(tenant):
    return [tenant.listing.public_id, tenant.moderation_case.public_id, tenant.listing_photo.public_id]


BODIES = {
    ("POST", "/p/{platform}/listings"): lambda t: {
        "category": "homestay", "title": "越权民宿", "attributes": {"guests": 2, "room_type": "entire"},
        "licences": {"special_industry_licence": LICENCE_NUMBER}, "district": "350203", "price_fen": 10_000,
        "price_unit": "night", "submit": True},
    ("POST", "/p/{platform}/listings/{listing_id}/submit"): lambda t: None,
    ("POST", "/p/{platform}/moderation/cases/{case_id}/decide"): lambda t: {"approve": False, "reason": "越权"},
    # The photo routes take a multipart file; the walk's JSON body carries none, so the listing is looked up
    # (and found or not) before the missing picture is named.
    ("POST", "/p/{platform}/listings/{listing_id}/photos"): lambda t: None,
    ("DELETE", "/p/{platform}/listings/{listing_id}/photos/{photo_id}"): lambda t: None,
    ("POST", "/p/{platform}/listings/{listing_id}/photos/{photo_id}/replace"): lambda t: None,
}

NOT_FOUND_CODES = ("listing.not_found", "moderation.case_not_found", "listing.photo_not_found")


def SNAPSHOT(platform):
    return {
        "listings": list(Listing.objects.filter(platform=platform).order_by("pk").values()),
        "listing_photos": list(ListingPhoto.objects.filter(listing__platform=platform).order_by("pk")
                               .values("pk", "public_id", "listing_id", "position", "sha256", "review")),
        "moderation_cases": list(ModerationCase.objects.filter(platform=platform).order_by("pk").values()),
        "statements": list(StatementOfReasons.objects.filter(platform=platform).order_by("pk").values()),
    }
