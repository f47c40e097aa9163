"""The listings routes of the market API (mounted by ``market.api`` under its authentication).

A provider (a person, or a machine client acting for one with ``X-Acting-User``) creates a
listing, submits it to moderation and reads the statements of reasons about it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status, UploadedFile

from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.catalog.selectors import category_get
from sharecity.market.listings import selectors, services
from sharecity.market.listings.errors import InvalidPhoto, NotYourListing
from sharecity.market.listings.photos import PHOTO_MAX_BYTES
from sharecity.market.moderation.selectors import statements_for
from sharecity.market.platforms.selectors import is_operator

router = Router(tags=["listings"])


class FeeIn(Schema):
    label_zh: str = ""
    label_en: str = ""
    fen: int
    per: str = Field("order", description="order | unit")


class ListingIn(Schema):
    category: str = Field(..., description="category code, enabled on the platform")
    title: str
    description: str = ""
    attributes: dict = Field(default_factory=dict, description="values of the category's fields, by name")
    licences: dict[str, str] = Field(default_factory=dict, description="licence numbers by licence rule code")
    district: str = Field(..., description="GB/T 2260 district code")
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    price_fen: int
    price_unit: str = Field(..., description="hour | day | night | month | item")
    fees: list[FeeIn] = Field(default_factory=list)
    capacity: int = 1
    deposit_fen: int = 0
    deposit_refund_days: int = 0
    cancellation_policy: str = "moderate"
    submit: bool = Field(False, description="submit to moderation at once")


class StatementOut(Schema):
    id: uuid.UUID
    decision: str
    ground: str
    legal_reference: str
    facts: str
    automated_detection: bool
    automated_decision: bool
    created_at: dt.datetime


class ListingOut(Schema):
    id: uuid.UUID
    category: str
    status: str
    status_reason: str
    title: str
    district: str
    price_fen: int
    price_unit: str
    published_at: dt.datetime | None


def listing_out(listing) -> dict:
    return {"id": listing.public_id, "category": listing.category.code, "status": listing.status,
            "status_reason": listing.status_reason, "title": listing.title, "district": listing.district_code,
            "price_fen": listing.price_fen, "price_unit": listing.price_unit, "published_at": listing.published_at}


def _statement_out(statement) -> dict:
    return {"id": statement.public_id, **{name: getattr(statement, name) for name in (
        "decision", "ground", "legal_reference", "facts", "automated_detection", "automated_decision",
        "created_at")}}


def _own(caller: Caller, listing_id: uuid.UUID):
    listing = selectors.listing_get(platform=caller.platform, public_id=listing_id)
    if caller.user is None and caller.machine:
        return listing  # the platform's own client, acting for no one
    if caller.user is not None and (listing.provider_id == caller.user.pk
                                    or is_operator(user=caller.user, platform=caller.platform)):
        return listing
    raise NotYourListing(_("This is not your listing."), field="listing_id")


@router.post("/p/{platform}/listings", response={201: ListingOut, **ERRORS})
def listings_create(request, platform: str, data: ListingIn):
    caller = Caller(request, platform)
    provider = caller.person()
    listing = services.listing_create(
        actor=provider, platform=caller.platform, provider=provider, category=category_get(code=data.category),
        title=data.title, description=data.description, attributes=data.attributes, licences=data.licences,
        district_code=data.district, address=data.address, latitude=data.latitude, longitude=data.longitude,
        price_fen=data.price_fen, price_unit=data.price_unit, fees=[fee.dict() for fee in data.fees],
        capacity=data.capacity, deposit_fen=data.deposit_fen, deposit_refund_days=data.deposit_refund_days,
        cancellation_policy=data.cancellation_policy,
    )
    if data.submit:
        services.listing_submit(actor=provider, listing=listing)
    return Status(201, listing_out(listing))


@router.post("/p/{platform}/listings/{listing_id}/submit", response={200: ListingOut, **ERRORS})
def listings_submit(request, platform: str, listing_id: uuid.UUID):
    caller = Caller(request, platform)
    listing = selectors.listing_get(platform=caller.platform, public_id=listing_id)
    services.listing_submit(actor=caller.person(), listing=listing)
    return listing_out(listing)


@router.get("/p/{platform}/listings/{listing_id}/statements", response={200: list[StatementOut], **ERRORS})
def listings_statements(request, platform: str, listing_id: uuid.UUID):
    caller = Caller(request, platform)
    listing = _own(caller, listing_id)
    return [_statement_out(s) for s in statements_for(subject_type="listing", subject_id=listing.public_id)]


# --- photos ------------------------------------------------------------------------------------------------------


# The picture is optional to the schema so that the listing is looked up first (another platform's listing: 404),
# then its absence is named (field ``photo``).
NO_FILE = File(None)


class PhotoOut(Schema):
    id: uuid.UUID
    position: int
    width: int = Field(description="of the display size, in pixels")
    height: int
    display_url: str = Field(description="JPEG, at most 1280 pixels a side, without metadata")
    thumbnail_url: str = Field(description="JPEG, at most 400 pixels a side")
    review: str = Field(description="pending (not shown to the public until a moderator approves it) | approved | "
                                    "rejected")
    review_reason: str = Field(description="the moderator's reason, for a rejected photo")


def photo_out(request, listing, photo) -> dict:
    urls = selectors.photo_urls(listing, photo)
    return {"id": photo.public_id, "position": photo.position, "width": photo.width, "height": photo.height,
            "review": photo.review, "review_reason": photo.review_reason,
            "display_url": request.build_absolute_uri(urls["display"]),
            "thumbnail_url": request.build_absolute_uri(urls["thumbnail"])}


@router.get("/p/{platform}/listings/{listing_id}/photos", response={200: list[PhotoOut], **ERRORS})
def listings_photos(request, platform: str, listing_id: uuid.UUID):
    """The listing's photos, whatever its status, for its provider and the platform's staff."""
    caller = Caller(request, platform)
    listing = _own(caller, listing_id)
    return [photo_out(request, listing, photo) for photo in selectors.listing_photos(listing)]


@router.post("/p/{platform}/listings/{listing_id}/photos", response={201: PhotoOut, **ERRORS})
def listings_photo_add(request, platform: str, listing_id: uuid.UUID, photo: UploadedFile | None = NO_FILE):
    """Add a photo (multipart field ``photo``): JPEG, PNG or WebP by its first bytes, at most 8 MB, 200 to 8000
    pixels a side, nine a listing. It is re-encoded as JPEG without its metadata; the upload itself is not kept.
    It waits for a moderator (``review`` pending) before the public sees it."""
    caller = Caller(request, platform)
    listing = selectors.listing_get(platform=caller.platform, public_id=listing_id)
    data, name = _upload_read(photo)
    added = services.listing_photo_add(actor=caller.person(), listing=listing, data=data, name=name)
    return Status(201, photo_out(request, listing, added))


def _upload_read(photo: UploadedFile | None) -> tuple[bytes, str]:
    if photo is None:
        raise InvalidPhoto(_("Choose a picture to upload."), field="photo")
    name = (photo.name or "photo")[:80]
    if photo.size is None or photo.size > PHOTO_MAX_BYTES:  # not read into memory at all
        raise InvalidPhoto(_("%(name)s is larger than %(mb)s MB; upload a smaller picture.")
                           % {"name": name, "mb": PHOTO_MAX_BYTES // (1024 * 1024)}, field="photo")
    return photo.read(), name


@router.post("/p/{platform}/listings/{listing_id}/photos/{photo_id}/replace", response={201: PhotoOut, **ERRORS})
def listings_photo_replace(request, platform: str, listing_id: uuid.UUID, photo_id: uuid.UUID,
                           photo: UploadedFile | None = NO_FILE):
    """Put a new picture (multipart field ``photo``, the same rules as adding) in place of one photo. The new one
    has a new id and waits for a moderator (``review`` pending); the old one is gone."""
    caller = Caller(request, platform)
    listing = selectors.listing_get(platform=caller.platform, public_id=listing_id)
    data, name = _upload_read(photo)
    replaced = services.listing_photo_replace(actor=caller.person(), listing=listing, photo_id=photo_id, data=data,
                                              name=name)
    return Status(201, photo_out(request, listing, replaced))


@router.delete("/p/{platform}/listings/{listing_id}/photos/{photo_id}", response={204: None, **ERRORS})
def listings_photo_remove(request, platform: str, listing_id: uuid.UUID, photo_id: uuid.UUID):
    caller = Caller(request, platform)
    listing = selectors.listing_get(platform=caller.platform, public_id=listing_id)
    services.listing_photo_remove(actor=caller.person(), listing=listing, photo_id=photo_id)
    return Status(204, None)
