from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.kernel.districts import district_get
from sharecity.kernel.errors import Forbidden, InvalidInput
from sharecity.kernel.models import User
from sharecity.kernel.money import format_yuan
from sharecity.kernel.services import fact_record
from sharecity.kernel.timeutil import CITY_TZ, require_aware
from sharecity.market.accounts.errors import NotVerifiedProvider
from sharecity.market.accounts.selectors import credit_listed_check, party_key, provider_profile_for
from sharecity.market.parking.errors import InvalidTimes, NotYourBooking, OutsideWindows, SlotTaken, WrongState
from sharecity.market.parking.models import (
    AvailabilityWindow,
    Booking,
    BookingState,
    ParkingSpace,
    SpaceStatus,
    VehicleSize,
)
from sharecity.market.parking.selectors import (
    booking_party_role,
    overlapping_bookings,
    quote_for,
    space_get,
    space_windows,
)
from sharecity.market.parking.windows import WeeklyWindow, window_covering, windows_overlap
from sharecity.market.payments.models import JournalEntry
from sharecity.market.payments.selectors import entry_by_key, order_balance, refund_split
from sharecity.market.payments.services import escrow_release, payment_collect, refund
from sharecity.market.platforms.models import Platform

CATEGORY = "parking"
SLOT_MINUTES = 30
MAX_PRICE_PER_HOUR_FEN = 100_000
MAX_STAY = dt.timedelta(days=7)
AUTOCOMPLETE_AFTER = dt.timedelta(hours=1)


def _check_space_fields(*, title: str, district_code: str, address: str, vehicle_size: str,
                        price_per_hour_fen: int, windows: list[WeeklyWindow]) -> None:
    if not title.strip() or len(title) > 100:
        raise InvalidInput(_("A title has 1 to 100 characters."), field="title")
    district_get(district_code, field="district")
    if not address.strip():
        raise InvalidInput(_("Enter the address of the space."), field="address")
    if vehicle_size not in VehicleSize.values:
        raise InvalidInput(_("Choose small, standard or large."), field="vehicle_size")
    if not isinstance(price_per_hour_fen, int) or not 1 <= price_per_hour_fen <= MAX_PRICE_PER_HOUR_FEN:
        raise InvalidInput(_("The price per hour is between ¥0.01 and ¥1,000.00."), field="price_per_hour")
    if not windows:
        raise InvalidInput(_("Add at least one weekly window when the space is free."), field="windows")
    for window in windows:
        if not 0 <= window.weekday <= 6:
            raise InvalidInput(_("A weekday is 0 (Monday) to 6 (Sunday)."), field="windows")
        if window.start.minute % SLOT_MINUTES or window.end.minute % SLOT_MINUTES:
            raise InvalidInput(_("Windows start and end on the hour or half hour."), field="windows")
    if windows_overlap(windows):
        raise InvalidInput(_("Two of the weekly windows overlap."), field="windows")


@transaction.atomic
def space_create(*, actor: User, platform: Platform, provider: User, title: str, district_code: str, address: str,
                 vehicle_size: str, price_per_hour_fen: int, windows: list[WeeklyWindow]) -> ParkingSpace:
    if provider_profile_for(provider) is None:
        raise NotVerifiedProvider(_("Verify your real name before listing a space."), field="provider")
    credit_listed_check(platform=platform, subject_keys=[party_key(provider)], doing=_("publish listings"))
    _check_space_fields(title=title, district_code=district_code, address=address, vehicle_size=vehicle_size,
                        price_per_hour_fen=price_per_hour_fen, windows=windows)
    space = ParkingSpace.objects.create(
        platform=platform, provider=provider, title=title.strip(), district_code=district_code,
        address=address.strip(), vehicle_size=vehicle_size, price_per_hour_fen=price_per_hour_fen,
    )
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(space=space, weekday=w.weekday, start_time=w.start, end_time=w.end) for w in windows
    )
    fact_record(
        actor=actor, action="parking.space_publish", target_type="parking_space", target_id=space.public_id,
        platform_id=platform.exchange_id, message_type="listing.published",
        payload=payload_build(
            "listing.published", listing_id=str(space.public_id), category=CATEGORY, district=district_code,
            provider_key=party_key(provider), price_fen=price_per_hour_fen, price_unit="hour", title=space.title,
        ),
    )
    return space


def _floor_to_slot(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=moment.minute - moment.minute % SLOT_MINUTES, second=0, microsecond=0)


def booking_times_check(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime | None = None
                        ) -> tuple[dt.datetime, dt.datetime]:
    starts_at, ends_at = require_aware(starts_at), require_aware(ends_at)
    for name, moment in (("start", starts_at), ("end", ends_at)):
        local = moment.astimezone(CITY_TZ)
        if local.minute % SLOT_MINUTES or local.second or local.microsecond:
            raise InvalidTimes(_("Bookings start and end on the hour or half hour."), field=name)
    if ends_at <= starts_at:
        raise InvalidTimes(_("The end must be after the start."), field="end")
    if ends_at - starts_at > MAX_STAY:
        raise InvalidTimes(_("A booking lasts at most 7 days."), field="end")
    now = now or timezone.now()
    if starts_at < _floor_to_slot(now.astimezone(CITY_TZ)):
        raise InvalidTimes(_("The start has already passed."), field="start")
    return starts_at, ends_at


@transaction.atomic
def booking_create(*, actor: User, platform: Platform, space_id, customer: User, starts_at: dt.datetime,
                   ends_at: dt.datetime) -> Booking:
    """Book and pay for a stay: confirmed once the payment is in escrow. The space row is locked while
    checking, so two requests for the same slot are serialised and only the first one wins."""
    starts_at, ends_at = booking_times_check(starts_at=starts_at, ends_at=ends_at)
    space = space_get(platform=platform, public_id=space_id)
    space = type(space).objects.select_for_update().get(pk=space.pk)
    if space.provider_id == customer.pk:
        raise Forbidden(_("You cannot book your own space."), field="space_id", code="parking.own_space")
    if window_covering(space_windows(space), starts_at, ends_at) is None:
        raise OutsideWindows(
            _("The space is not offered for the whole of this time; see its weekly windows."), field="start"
        )
    if overlapping_bookings(space=space, starts_at=starts_at, ends_at=ends_at).exists():
        raise SlotTaken(_("This time is already booked by someone else."), field="start")
    quote = quote_for(space=space, starts_at=starts_at, ends_at=ends_at)
    booking = Booking.objects.create(platform=platform, space=space, customer=customer, starts_at=starts_at,
                                     ends_at=ends_at, amount_fen=quote.total_fen)
    # Paid before it is confirmed, as a marketplace order is: the customer is charged through the gateway and
    # the money held in escrow until the stay is over (the same ledger entries). A refused charge books nothing.
    payment_collect(platform=platform, order_ref=str(booking.public_id), customer=customer,
                    amount_fen=booking.amount_fen)
    fact_record(
        actor=actor, action="parking.booking_create", target_type="parking_booking", target_id=booking.public_id,
        platform_id=platform.exchange_id, message_type="order.created",
        payload=payload_build(
            "order.created", order_id=str(booking.public_id), listing_id=str(space.public_id), category=CATEGORY,
            district=space.district_code, customer_key=party_key(customer), provider_key=party_key(space.provider),
            amount_fen=booking.amount_fen, starts_at=starts_at, ends_at=ends_at,
        ),
    )
    transaction.on_commit(lambda: _schedule_autocomplete(booking))
    return booking


def _schedule_autocomplete(booking: Booking) -> None:
    from sharecity.market.parking.tasks import booking_autocomplete

    booking_autocomplete.using(run_after=booking.ends_at + AUTOCOMPLETE_AFTER).enqueue(booking.pk)


def _booking_state_change(*, actor: User | None, booking: Booking, state: str, action: str,
                          refund_fen: int = 0) -> Booking:
    previous = booking.state
    booking.state = state
    if state == BookingState.COMPLETED:
        booking.completed_at = timezone.now()
    booking.save(update_fields=["state", "completed_at"])
    fact_record(
        actor=actor, action=action, target_type="parking_booking", target_id=booking.public_id,
        platform_id=booking.platform.exchange_id, message_type="order.state_changed",
        payload=payload_build(
            "order.state_changed", order_id=str(booking.public_id), category=CATEGORY,
            district=booking.space.district_code, state=state,
            amount_fen=max(booking.amount_fen - refunded_fen(booking=booking), 0), previous_state=previous,
            changed_at=timezone.now(), refund_fen=refund_fen or None,
        ),
    )
    return booking


def _escrow_fen(booking: Booking) -> int:
    return order_balance(order_ref=str(booking.public_id)).escrow_fen


def refunded_fen(*, booking: Booking) -> int:
    """What the customer has had back of the booking's price (0 for a booking made before payments)."""
    return order_balance(order_ref=str(booking.public_id)).refunded_fen


def _locked(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("space", "platform").get(pk=booking.pk)


@transaction.atomic
def booking_refund(*, actor: User | None, booking: Booking, amount_fen: int, complaint_id: str,
                   now: dt.datetime | None = None) -> JournalEntry:
    """Refund ``amount_fen`` of a booking for an upheld complaint, through the ledger as an order's complaint
    refund is (escrow while held, else the provider's balance, what it lacks owed by the provider) and report
    it (``order.refunded``). Never more than paid less refunded (refused naming ``refund_fen``); once per
    complaint: a retry returns the refund made."""
    now = now or timezone.now()
    booking = _locked(booking)
    key = f"booking-refund:{booking.public_id}:complaint:{complaint_id}"
    existing = entry_by_key(idempotency_key=key)
    if existing is not None:
        return existing
    refundable = max(booking.amount_fen - refunded_fen(booking=booking), 0)
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or not 0 < amount_fen <= refundable:
        raise InvalidInput(
            _("At most %(left)s can be refunded: what the customer paid for this order less what was already "
              "refunded.") % {"left": format_yuan(refundable)}, field="refund_fen", code="parking.invalid_refund")
    entry = refund(platform=booking.platform, order_ref=str(booking.public_id), customer=booking.customer,
                   amount_fen=amount_fen, reason=f"complaint {complaint_id}", idempotency_key=key,
                   allow_receivable=True)
    split = refund_split(entry=entry)
    fact_record(
        actor=actor, action="parking.booking_refund", target_type="parking_booking", target_id=booking.public_id,
        platform_id=booking.platform.exchange_id, message_type="order.refunded",
        payload=payload_build(
            "order.refunded", order_id=str(booking.public_id), refund_id=f"{complaint_id}-refund",
            category=CATEGORY, district=booking.space.district_code, amount_fen=amount_fen, refunded_at=now,
            reason="complaint", complaint_id=complaint_id, from_escrow_fen=split.from_escrow_fen,
            from_provider_fen=split.from_provider_fen, receivable_fen=split.receivable_fen,
            refunded_total_fen=refunded_fen(booking=booking)),
    )
    return entry


@transaction.atomic
def booking_complete(*, actor: User | None, booking: Booking) -> Booking:
    """The stay is over: either side confirms once it has started; the system does so after the end."""
    booking = _locked(booking)
    if actor is not None and booking_party_role(booking=booking, user=actor) is None:
        raise NotYourBooking(_("This is not your booking."), field="booking_id")
    if booking.state != BookingState.CONFIRMED:
        raise WrongState(_("Only a confirmed booking can be completed."), field="booking_id")
    if timezone.now() < booking.starts_at:
        raise WrongState(_("A booking can be completed once it has started."), field="booking_id")
    held = _escrow_fen(booking)
    if held > 0:
        # The stay is over: what is held goes to the provider, less the platform's commission (as an order's
        # escrow release).
        escrow_release(platform=booking.platform, order_ref=str(booking.public_id), provider=booking.space.provider,
                       category_code=CATEGORY, amount_fen=held)
    return _booking_state_change(actor=actor, booking=booking, state=BookingState.COMPLETED,
                                 action="parking.booking_complete")


@transaction.atomic
def booking_cancel(*, actor: User, booking: Booking) -> Booking:
    """The customer cancels before the stay begins: the slot is free again and the payment comes back."""
    booking = _locked(booking)
    if booking_party_role(booking=booking, user=actor) != "customer":
        raise NotYourBooking(_("Only the customer can cancel a booking."), field="booking_id")
    if booking.state != BookingState.CONFIRMED or timezone.now() >= booking.starts_at:
        raise WrongState(_("Only a confirmed booking that has not started can be cancelled."), field="booking_id")
    # Cancelled before the stay begins: everything paid comes back from escrow, as for an order cancelled
    # before it starts (the marketplace's "Cancel (full refund)").
    held = _escrow_fen(booking)
    if held > 0:
        refund(platform=booking.platform, order_ref=str(booking.public_id), customer=booking.customer,
               amount_fen=held, reason="cancel")
    return _booking_state_change(actor=actor, booking=booking, state=BookingState.CANCELLED,
                                 action="parking.booking_cancel", refund_fen=held if held > 0 else 0)


@transaction.atomic
def space_suspend(*, actor: User | None, space: ParkingSpace, statement_of_reasons: dict,
                  removed_by: str = "authority") -> ParkingSpace:
    """Take a space off the platform because an authority ordered it (or the platform decided), with the
    statement of reasons the provider is given and the hub sees. A space already off stays as it is."""
    space = ParkingSpace.objects.select_for_update().select_related("platform").get(pk=space.pk)
    if space.status == SpaceStatus.REMOVED:
        return space
    payload = payload_build("listing.removed", listing_id=str(space.public_id), removed_at=timezone.now(),
                            removed_by=removed_by, statement_of_reasons=statement_of_reasons)
    space.status = SpaceStatus.REMOVED
    space.save(update_fields=["status"])
    fact_record(
        actor=actor, action="parking.space_suspend", target_type="parking_space", target_id=space.public_id,
        platform_id=space.platform.exchange_id, message_type="listing.removed", payload=payload,
    )
    return space
