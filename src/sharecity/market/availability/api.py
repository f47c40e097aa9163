"""The availability routes of the market API (mounted by ``market.api`` under its authentication).

Read-only: what is left of a listing, per slot or day, and whether a window is free. Holds and
confirmations are made by the orders context when an order is placed and paid.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.availability import selectors
from sharecity.market.availability.services import can_edit
from sharecity.market.listings.errors import ListingNotFound
from sharecity.market.listings.selectors import listing_get, listing_is_public

router = Router(tags=["availability"])
MAX_DAYS = 31


class SlotOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int = Field(..., description="offered at the busiest moment of the slot; 0 = closed")
    remaining: int = Field(..., description="still free at the busiest moment of the slot")


class DayOut(Schema):
    date: dt.date
    remaining: int = Field(..., description="the least left in any open slot of the day (0 when closed)")
    slots: list[SlotOut]


class CalendarOut(Schema):
    unit: str = Field(..., description="hour | day | night | month | item")
    capacity: int
    days: list[DayOut]


class CalendarQuery(Schema):
    start: dt.date | None = Field(None, description="first day (city date); today when absent")
    days: int = Field(7, ge=1, le=MAX_DAYS)


class CheckQuery(Schema):
    starts_at: dt.datetime | None = Field(None, description="absent for stock items")
    ends_at: dt.datetime | None = None
    quantity: int = Field(1, ge=1)


class CheckOut(Schema):
    available: bool
    remaining: int = Field(..., description="how many more could be booked over the whole window")


def _listing(caller: Caller, listing_id: uuid.UUID):
    listing = listing_get(platform=caller.platform, public_id=listing_id)
    if not (listing_is_public(listing) or caller.machine or can_edit(user=caller.user, listing=listing)):
        raise ListingNotFound(_("No such listing on this platform."), field="listing")
    return listing


@router.get("/p/{platform}/listings/{listing_id}/availability", response={200: CalendarOut, **ERRORS})
def listing_calendar(request, platform: str, listing_id: uuid.UUID, query: Query[CalendarQuery]):
    """Remaining capacity per slot (hour listings) or per day (day and night listings; stock for items)."""
    caller = Caller(request, platform)
    listing = _listing(caller, listing_id)
    start = query.start or timezone.now().astimezone(CITY_TZ).date()
    rows = selectors.calendar(listing=listing, start_date=start, days=query.days)
    plan = selectors.plan_for(listing=listing)
    return {"unit": selectors.unit_of(listing=listing, plan=plan), "capacity": listing.capacity,
            "days": [{"date": row.date, "remaining": row.remaining, "slots": row.slots} for row in rows]}


@router.get("/p/{platform}/listings/{listing_id}/availability/check", response={200: CheckOut, **ERRORS})
def listing_check(request, platform: str, listing_id: uuid.UUID, query: Query[CheckQuery]):
    """Could this quantity be booked for this window now (calendar, exceptions, rules, capacity)?"""
    caller = Caller(request, platform)
    listing = _listing(caller, listing_id)
    available = selectors.is_available(listing=listing, starts_at=query.starts_at, ends_at=query.ends_at,
                                       quantity=query.quantity)
    remaining = selectors.remaining_capacity(listing=listing, starts_at=query.starts_at, ends_at=query.ends_at)
    return {"available": available, "remaining": remaining}
