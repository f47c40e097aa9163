from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.money import prorate_fen
from sharecity.market.parking.errors import BookingNotFound, SpaceNotFound
from sharecity.market.parking.models import Booking, BookingState, ParkingSpace, SpaceStatus, VehicleSize
from sharecity.market.parking.windows import WeeklyWindow, window_covering
from sharecity.market.platforms.models import Platform

ACTIVE_STATES = (BookingState.CONFIRMED, BookingState.COMPLETED)


@dataclass(frozen=True)
class Quote:
    minutes: int
    price_per_hour_fen: int
    parking_fen: int
    service_fee_fen: int

    @property
    def total_fen(self) -> int:
        return self.parking_fen + self.service_fee_fen


def space_windows(space: ParkingSpace) -> list[WeeklyWindow]:
    return [WeeklyWindow(w.weekday, w.start_time, w.end_time) for w in space.windows.all()]


def quote_for(*, space: ParkingSpace, starts_at: dt.datetime, ends_at: dt.datetime) -> Quote:
    """The full price before booking: nothing is added at checkout (明码标价)."""
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    return Quote(
        minutes=minutes,
        price_per_hour_fen=space.price_per_hour_fen,
        parking_fen=prorate_fen(space.price_per_hour_fen, minutes, 60),
        service_fee_fen=0,
    )


def space_get(*, platform: Platform, public_id, include_removed: bool = False) -> ParkingSpace:
    spaces = ParkingSpace.objects.filter(platform=platform).select_related("platform", "provider")
    if not include_removed:
        spaces = spaces.filter(status=SpaceStatus.PUBLISHED)
    space = spaces.prefetch_related("windows").filter(public_id=public_id).first()
    if space is None:
        raise SpaceNotFound(_("No such parking space on this platform."), field="space_id")
    return space


def overlapping_bookings(*, space: ParkingSpace, starts_at: dt.datetime, ends_at: dt.datetime) -> QuerySet[Booking]:
    return Booking.objects.filter(space=space, state__in=ACTIVE_STATES, starts_at__lt=ends_at, ends_at__gt=starts_at)


def space_search(*, platform: Platform, district_code: str | None = None, vehicle_size: str | None = None,
                 starts_at: dt.datetime | None = None, ends_at: dt.datetime | None = None,
                 limit: int = 100) -> list[ParkingSpace]:
    """Published spaces, free for the whole window when one is given, cheapest first."""
    spaces = ParkingSpace.objects.filter(platform=platform, status=SpaceStatus.PUBLISHED)
    if district_code:
        spaces = spaces.filter(district_code=district_code)
    if vehicle_size:
        if vehicle_size not in VehicleSize.values:
            raise InvalidInput(_("Choose small, standard or large."), field="vehicle_size")
        fitting = list(VehicleSize.values)[VehicleSize.rank(vehicle_size):]
        spaces = spaces.filter(vehicle_size__in=fitting)
    if starts_at and ends_at:
        busy = Booking.objects.filter(space=OuterRef("pk"), state__in=ACTIVE_STATES, starts_at__lt=ends_at,
                                      ends_at__gt=starts_at)
        spaces = spaces.exclude(Exists(busy))
    spaces = spaces.prefetch_related("windows").order_by("price_per_hour_fen", "id")
    found = []
    for space in spaces.iterator(chunk_size=200):
        if starts_at and ends_at and window_covering(space_windows(space), starts_at, ends_at) is None:
            continue
        found.append(space)
        if len(found) >= limit:
            break
    return found


def booking_get(*, platform: Platform, public_id) -> Booking:
    booking = (Booking.objects.filter(platform=platform, public_id=public_id)
               .select_related("space", "space__provider", "customer", "platform").first())
    if booking is None:
        raise BookingNotFound(_("No such booking on this platform."), field="booking_id")
    return booking


def bookings_visible_to(*, platform: Platform, user, as_platform: bool = False) -> QuerySet[Booking]:
    """A customer sees their bookings, a provider the bookings of their spaces, the platform all."""
    bookings = Booking.objects.filter(platform=platform).select_related("space", "customer")
    if as_platform:
        return bookings
    return bookings.filter(Q(customer=user) | Q(space__provider=user))


def booking_party_role(*, booking: Booking, user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if booking.customer_id == user.pk:
        return "customer"
    if booking.space.provider_id == user.pk:
        return "provider"
    return None
