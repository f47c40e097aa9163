"""The market's API: each platform's parking spaces, bookings, reviews and complaints.

Every route sits under ``/p/{platform}/``. A platform API key only opens its own
platform; a signed-in person may use any platform. A machine client acts for a person
with the ``X-Acting-User`` header (that person's public id).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import SessionAuth
from pydantic import AfterValidator, BeforeValidator

from sharecity.kernel.errors import Forbidden, InvalidInput
from sharecity.market.accounts import api as accounts_api
from sharecity.market.accounts import services as account_services
from sharecity.market.accounts.models import ProviderProfile, VerificationReview
from sharecity.market.apiauth import ERRORS, Caller, PlatformKey
from sharecity.market.availability import api as availability_api
from sharecity.market.complaints import selectors as complaint_selectors
from sharecity.market.complaints import services as complaint_services
from sharecity.market.complaints.models import Complaint
from sharecity.market.disputes import api as disputes_api
from sharecity.market.fleets import api as fleets_api
from sharecity.market.injury import api as injury_api
from sharecity.market.invoices import api as invoices_api
from sharecity.market.listings import api as listings_api
from sharecity.market.messaging import api as messaging_api
from sharecity.market.moderation import api as moderation_api
from sharecity.market.notices import api as notices_api
from sharecity.market.orders import api as orders_api
from sharecity.market.parking import selectors as parking_selectors
from sharecity.market.parking import services as parking_services
from sharecity.market.parking.models import ParkingSpace
from sharecity.market.parking.windows import WeeklyWindow
from sharecity.market.payments import api as payments_api
from sharecity.market.platforms import api as platforms_api
from sharecity.market.pricing import api as pricing_api
from sharecity.market.qualifications import api as qualifications_api
from sharecity.market.reviews import selectors as review_selectors
from sharecity.market.reviews import services as review_services
from sharecity.market.reviews.models import Review
from sharecity.market.tax import api as tax_api

router = Router(auth=[PlatformKey(), SessionAuth()])
for _context_router in (listings_api.router, moderation_api.router, availability_api.router,
                        payments_api.router, pricing_api.router, orders_api.router, disputes_api.router,
                        messaging_api.router, notices_api.router, fleets_api.router, invoices_api.router,
                        tax_api.router, injury_api.router, platforms_api.router, qualifications_api.router,
                        accounts_api.router):
    router.add_router("", _context_router)


# ---- schemas -------------------------------------------------------------------------------------------------

def _wall_clock_time(value: object) -> object:
    """A time of day as "HH:MM" text. pydantic would also take a number of seconds and an offset
    ("08:00+08:00"), giving a time with a zone that cannot be compared with the windows'."""
    if not isinstance(value, str):
        raise ValueError("a time of day is text such as 08:00")
    return value


def _without_zone(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError("a time of day in a weekly window has no UTC offset: it is the city's local time")
    return value


WallClockTime = Annotated[dt.time, BeforeValidator(_wall_clock_time), AfterValidator(_without_zone)]


class WindowIn(Schema):
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday ... 6 = Sunday")
    start: WallClockTime = Field(..., description="local time of day, HH:MM")
    end: WallClockTime = Field(..., description="end <= start means the window runs past midnight")


def _stored(model, name: str) -> int:
    """The longest text the model's column stores: the API's limit comes from the one source."""
    return model._meta.get_field(name).max_length


class SpaceIn(Schema):
    title: str = Field(..., max_length=_stored(ParkingSpace, "title"))
    district: str = Field(..., max_length=_stored(ParkingSpace, "district_code"), description="GB/T 2260 district code")
    address: str = Field(..., max_length=_stored(ParkingSpace, "address"))
    vehicle_size: str = Field(..., max_length=_stored(ParkingSpace, "vehicle_size"),
                              description="small | standard | large")
    price_per_hour_fen: int
    windows: list[WindowIn]


class WindowOut(Schema):
    weekday: int
    start: dt.time
    end: dt.time


class SpaceOut(Schema):
    id: uuid.UUID
    title: str
    district: str
    address: str
    vehicle_size: str
    price_per_hour_fen: int
    status: str
    windows: list[WindowOut]


class QuoteOut(Schema):
    minutes: int
    price_per_hour_fen: int
    parking_fen: int
    service_fee_fen: int
    total_fen: int


class SearchQuery(Schema):
    district: str | None = None
    vehicle_size: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None


class BookingIn(Schema):
    space_id: uuid.UUID
    start: dt.datetime
    end: dt.datetime


class BookingOut(Schema):
    id: uuid.UUID
    space_id: uuid.UUID
    start: dt.datetime
    end: dt.datetime
    amount_fen: int
    state: str


class ReviewIn(Schema):
    rating: int
    comment: str = Field("", max_length=_stored(Review, "comment"))


class ReviewOut(Schema):
    id: uuid.UUID
    booking_id: uuid.UUID
    author_role: str
    rating: int
    comment: str


class ComplaintIn(Schema):
    category: str = Field(..., max_length=_stored(Complaint, "category"))
    description: str = Field(..., max_length=_stored(Complaint, "description"))
    remedy: str = Field(..., max_length=_stored(Complaint, "remedy"))


class ComplaintOut(Schema):
    id: uuid.UUID
    booking_id: uuid.UUID | None = Field(..., description="the parking booking complained about, or null")
    order_id: uuid.UUID | None = Field(..., description="the marketplace order complained about, or null")
    category: str
    remedy: str
    status: str
    description: str


class VerificationIn(Schema):
    kind: str = Field(..., max_length=_stored(ProviderProfile, "kind"),
                      description="person (resident ID) | business (unified social credit code)")
    legal_name: str = Field(..., max_length=_stored(ProviderProfile, "legal_name"))
    id_number: str = Field(..., max_length=40, description="resident ID or credit code, 18 characters")


class VerificationOut(Schema):
    status: str = Field(..., description="verified (201) | pending_review (202: a person looks at it first)")
    kind: str
    legal_name: str
    id_number_masked: str
    verified_at: dt.datetime | None


def _space_out(space) -> dict:
    return {
        "id": space.public_id, "title": space.title, "district": space.district_code, "address": space.address,
        "vehicle_size": space.vehicle_size, "price_per_hour_fen": space.price_per_hour_fen, "status": space.status,
        "windows": [{"weekday": w.weekday, "start": w.start_time, "end": w.end_time} for w in space.windows.all()],
    }


def _booking_out(booking) -> dict:
    return {"id": booking.public_id, "space_id": booking.space.public_id, "start": booking.starts_at,
            "end": booking.ends_at, "amount_fen": booking.amount_fen, "state": booking.state}


def _review_out(review) -> dict:
    return {"id": review.public_id, "booking_id": review.booking.public_id, "author_role": review.author_role,
            "rating": review.rating, "comment": review.comment}


def _complaint_out(complaint) -> dict:
    # A complaint concerns a parking booking or a marketplace order, never both.
    return {"id": complaint.public_id, "category": complaint.category,
            "booking_id": complaint.booking.public_id if complaint.booking_id else None,
            "order_id": complaint.order.public_id if complaint.order_id else None,
            "remedy": complaint.remedy, "status": complaint.status, "description": complaint.description}


def _booking_for(caller: Caller, booking_id: uuid.UUID):
    booking = parking_selectors.booking_get(platform=caller.platform, public_id=booking_id)
    if caller.sees_whole_platform or parking_selectors.booking_party_role(booking=booking, user=caller.user):
        return booking
    raise Forbidden(_("This is not your booking."), field="booking_id", code="parking.not_your_booking")


# ---- routes ---------------------------------------------------------------------------------------------------

@router.get("/p/{platform}/spaces", response={200: list[SpaceOut], **ERRORS}, tags=["parking"])
def spaces_search(request, platform: str, filters: Query[SearchQuery]):
    caller = Caller(request, platform)
    if (filters.start is None) != (filters.end is None):
        raise InvalidInput(_("Give both start and end, or neither."), field="end" if filters.start else "start")
    spaces = parking_selectors.space_search(
        platform=caller.platform, district_code=filters.district, vehicle_size=filters.vehicle_size,
        starts_at=filters.start, ends_at=filters.end,
    )
    return [_space_out(space) for space in spaces]


@router.post("/p/{platform}/spaces", response={201: SpaceOut, **ERRORS}, tags=["parking"])
def spaces_create(request, platform: str, data: SpaceIn):
    caller = Caller(request, platform)
    provider = caller.person()
    try:
        space = parking_services.space_create(
            actor=provider, platform=caller.platform, provider=provider, title=data.title,
            district_code=data.district, address=data.address, vehicle_size=data.vehicle_size,
            price_per_hour_fen=data.price_per_hour_fen,
            windows=[WeeklyWindow(w.weekday, w.start, w.end) for w in data.windows],
        )
    except InvalidInput as error:
        if error.field == "price_per_hour":  # the service's name for it; the API field is in fen
            error.field = "price_per_hour_fen"
        raise
    return Status(201, _space_out(space))


@router.get("/p/{platform}/spaces/{space_id}", response={200: SpaceOut, **ERRORS}, tags=["parking"])
def spaces_get(request, platform: str, space_id: uuid.UUID):
    caller = Caller(request, platform)
    return _space_out(parking_selectors.space_get(platform=caller.platform, public_id=space_id))


@router.get("/p/{platform}/spaces/{space_id}/quote", response={200: QuoteOut, **ERRORS}, tags=["parking"])
def spaces_quote(request, platform: str, space_id: uuid.UUID, start: dt.datetime, end: dt.datetime):
    caller = Caller(request, platform)
    space = parking_selectors.space_get(platform=caller.platform, public_id=space_id)
    start, end = parking_services.booking_times_check(starts_at=start, ends_at=end)
    quote = parking_selectors.quote_for(space=space, starts_at=start, ends_at=end)
    return {**quote.__dict__, "total_fen": quote.total_fen}


@router.post("/p/{platform}/bookings", response={201: BookingOut, **ERRORS}, tags=["parking"])
def bookings_create(request, platform: str, data: BookingIn):
    caller = Caller(request, platform)
    customer = caller.person()
    booking = parking_services.booking_create(actor=customer, platform=caller.platform, space_id=data.space_id,
                                              customer=customer, starts_at=data.start, ends_at=data.end)
    return Status(201, _booking_out(booking))


@router.get("/p/{platform}/bookings", response={200: list[BookingOut], **ERRORS}, tags=["parking"])
def bookings_list(request, platform: str):
    caller = Caller(request, platform)
    if caller.lists_whole_platform:
        bookings = parking_selectors.bookings_visible_to(platform=caller.platform, user=None, as_platform=True)
    else:
        bookings = parking_selectors.bookings_visible_to(platform=caller.platform, user=caller.person())
    return [_booking_out(b) for b in bookings[:500]]


@router.get("/p/{platform}/bookings/{booking_id}", response={200: BookingOut, **ERRORS}, tags=["parking"])
def bookings_get(request, platform: str, booking_id: uuid.UUID):
    return _booking_out(_booking_for(Caller(request, platform), booking_id))


@router.post("/p/{platform}/bookings/{booking_id}/complete", response={200: BookingOut, **ERRORS}, tags=["parking"])
def bookings_complete(request, platform: str, booking_id: uuid.UUID):
    caller = Caller(request, platform)
    booking = _booking_for(caller, booking_id)
    return _booking_out(parking_services.booking_complete(actor=caller.person(), booking=booking))


@router.post("/p/{platform}/bookings/{booking_id}/cancel", response={200: BookingOut, **ERRORS}, tags=["parking"])
def bookings_cancel(request, platform: str, booking_id: uuid.UUID):
    caller = Caller(request, platform)
    booking = _booking_for(caller, booking_id)
    return _booking_out(parking_services.booking_cancel(actor=caller.person(), booking=booking))


@router.get("/p/{platform}/bookings/{booking_id}/reviews", response={200: list[ReviewOut], **ERRORS},
            tags=["reviews"])
def reviews_list(request, platform: str, booking_id: uuid.UUID):
    booking = _booking_for(Caller(request, platform), booking_id)
    return [_review_out(r) for r in review_selectors.reviews_of_booking(booking=booking)]


@router.post("/p/{platform}/bookings/{booking_id}/reviews", response={201: ReviewOut, **ERRORS}, tags=["reviews"])
def reviews_create(request, platform: str, booking_id: uuid.UUID, data: ReviewIn):
    caller = Caller(request, platform)
    booking = parking_selectors.booking_get(platform=caller.platform, public_id=booking_id)
    review = review_services.review_create(actor=caller.person(), booking=booking, rating=data.rating,
                                           comment=data.comment)
    return Status(201, _review_out(review))


@router.post("/p/{platform}/bookings/{booking_id}/complaints", response={201: ComplaintOut, **ERRORS},
             tags=["complaints"])
def complaints_create(request, platform: str, booking_id: uuid.UUID, data: ComplaintIn):
    caller = Caller(request, platform)
    booking = parking_selectors.booking_get(platform=caller.platform, public_id=booking_id)
    complaint = complaint_services.complaint_file(actor=caller.person(), booking=booking, category=data.category,
                                                  description=data.description, remedy=data.remedy)
    return Status(201, _complaint_out(complaint))


@router.get("/p/{platform}/complaints", response={200: list[ComplaintOut], **ERRORS}, tags=["complaints"])
def complaints_list(request, platform: str):
    caller = Caller(request, platform)
    if caller.lists_whole_platform:
        complaints = complaint_selectors.complaints_of_platform(platform=caller.platform)
    else:
        complaints = complaint_selectors.complaints_of_user(platform=caller.platform, user=caller.person())
    return [_complaint_out(c) for c in complaints[:500]]


@router.post("/p/{platform}/verification", response={201: VerificationOut, 202: VerificationOut, **ERRORS},
             tags=["accounts"])
def verification_submit(request, platform: str, data: VerificationIn):
    """Verify the acting person's real name. A number that needs a person's review (for whatever
    reason: the answer does not say) gives 202 with status pending_review."""
    caller = Caller(request, platform)
    person = caller.person()
    outcome = account_services.provider_verify(actor=person, user=person, kind=data.kind, legal_name=data.legal_name,
                                               id_number=data.id_number, platform=caller.platform,
                                               by_platform_key=caller.machine)
    if isinstance(outcome, VerificationReview):
        return Status(202, {"status": "pending_review", "kind": outcome.kind, "legal_name": outcome.legal_name,
                            "id_number_masked": outcome.identity_masked, "verified_at": None})
    return Status(201, {"status": "verified", "kind": outcome.kind, "legal_name": outcome.legal_name,
                        "id_number_masked": outcome.identity_masked, "verified_at": outcome.verified_at})
