"""Writes of the availability context: holds, confirmations, releases, and the provider's plan.

``reservation_hold`` locks the listing's row for the length of its transaction (``SELECT ...
FOR UPDATE`` on PostgreSQL; SQLite runs IMMEDIATE transactions, which take the write lock up
front), so concurrent holds on one listing are checked one after the other and the peak
quantity booked never exceeds the capacity.

Reservations are reported to the hub by the order they belong to; here they are audited. A
change of a published listing's plan is reported as ``listing.changed`` (availability).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, fact_record
from sharecity.market.availability import selectors, slots
from sharecity.market.availability.errors import (
    HoldExpired,
    InvalidPlan,
    InvalidTimes,
    NotAllowed,
    Unavailable,
    WrongStatus,
)
from sharecity.market.availability.models import (
    AvailabilityPlan,
    DatedException,
    Reservation,
    ReservationStatus,
    WeeklyRule,
)
from sharecity.market.listings.models import Listing, ListingStatus
from sharecity.market.platforms.selectors import is_operator

CHECK_IN_EARLY = dt.timedelta(minutes=15)
MAX_HOLD_MINUTES = 7 * 24 * 60
PLAN_FIELDS = ("unit", "slot_minutes", "min_block_minutes", "max_block_minutes", "notice_minutes", "horizon_days",
               "max_future_reservations", "max_hours_per_week", "missed_release_minutes")
SLOT_CHOICES = (5, 10, 15, 20, 30, 60, 120, 180, 240)


def _audit(action: str, reservation: Reservation, *, actor: User | None = None, **data) -> None:
    audit_record(actor=actor, action=action, target_type="availability_reservation", target_id=reservation.public_id,
                 platform_id=reservation.listing.platform.exchange_id,
                 data={"listing": str(reservation.listing.public_id), "status": reservation.status,
                       "order_ref": reservation.order_ref, **data})


# --- reservations -------------------------------------------------------------------------------


@transaction.atomic
def reservation_hold(*, listing: Listing, customer: User, starts_at=None, ends_at=None, quantity: int = 1,
                     order_ref: str = "", hold_minutes: int = 15, now: dt.datetime | None = None) -> Reservation:
    """Hold ``quantity`` of a listing for a window (or from stock) while the checkout is paid.

    Checks, in order: quantity, times fit the unit, not in the past, notice, horizon, block
    length, inside the plan and not closed, the customer's limits, then capacity at every
    instant of the window. The hold expires after ``hold_minutes`` unless confirmed.
    """
    now = now or timezone.now()
    problem = selectors.invalid_quantity(quantity)
    if problem is not None:
        raise problem
    if not 1 <= hold_minutes <= MAX_HOLD_MINUTES:
        raise InvalidTimes(_("A hold lasts from 1 minute to 7 days."), field="hold_minutes")
    listing = Listing.objects.select_for_update(of=("self",)).select_related("platform").get(pk=listing.pk)
    plan = selectors.plan_for(listing=listing)
    unit = selectors.unit_of(listing=listing, plan=plan)
    if unit == slots.ITEM:
        starts_at = ends_at = None
        if selectors.stock_taken(listing=listing, now=now) + quantity > listing.capacity:
            raise Unavailable(_("Not enough left in stock."), field="quantity")
    else:
        tz, rules = selectors.tz_of(plan), selectors.rules_of(plan)
        starts_at, ends_at = slots.normalise_times(unit, starts_at, ends_at, slot_minutes=rules.slot_minutes, tz=tz)
        slots.check_rules(rules, unit, starts_at, ends_at, now, tz)
        schedule = selectors.schedule_for(listing=listing, plan=plan, starts_at=starts_at, ends_at=ends_at)
        booked = selectors.booked_between(listing=listing, starts_at=starts_at, ends_at=ends_at, now=now)
        # Closed and outside-the-plan come before the customer's limits; being full comes last.
        problem = selectors.window_problem(listing=listing, plan=plan, schedule=schedule, booked=booked,
                                           starts_at=starts_at, ends_at=ends_at, quantity=0)
        if problem is not None:
            raise problem
        if rules.max_future_reservations is not None or rules.max_hours_per_week is not None:
            slots.check_user_limits(
                rules, starts_at=starts_at, ends_at=ends_at,
                active_future=len(selectors.active_of_customer(listing=listing, customer=customer, now=now)),
                own_intervals=selectors.week_intervals_of_customer(listing=listing, customer=customer,
                                                                   starts_at=starts_at, ends_at=ends_at, now=now),
            )
        problem = selectors.window_problem(listing=listing, plan=plan, schedule=schedule, booked=booked,
                                           starts_at=starts_at, ends_at=ends_at, quantity=quantity)
        if problem is not None:
            raise problem
    reservation = Reservation.objects.create(
        listing=listing, customer=customer, starts_at=starts_at, ends_at=ends_at, quantity=quantity,
        status=ReservationStatus.HELD, hold_expires_at=now + dt.timedelta(minutes=hold_minutes),
        order_ref=order_ref,
    )
    _audit("availability.reservation_hold", reservation, actor=customer, quantity=quantity,
           starts_at=starts_at.isoformat() if starts_at else None, ends_at=ends_at.isoformat() if ends_at else None)
    expires = reservation.hold_expires_at
    transaction.on_commit(lambda: _schedule("holds_expire_task", expires))
    return reservation


def _schedule(task_name: str, when: dt.datetime) -> None:
    from sharecity.market.availability import tasks

    getattr(tasks, task_name).using(run_after=when).enqueue()


def _locked(reservation: Reservation) -> Reservation:
    return (Reservation.objects.select_for_update(of=("self",)).select_related("listing", "listing__platform")
            .get(pk=reservation.pk))


@transaction.atomic
def reservation_confirm(*, reservation: Reservation, now: dt.datetime | None = None) -> Reservation:
    """Held → confirmed (the checkout was paid). A hold that has expired cannot be confirmed:
    its capacity may already be someone else's."""
    now = now or timezone.now()
    reservation = _locked(reservation)
    if reservation.status == ReservationStatus.CONFIRMED:
        return reservation
    if reservation.status == ReservationStatus.EXPIRED or (
            reservation.status == ReservationStatus.HELD and reservation.hold_expires_at <= now):
        raise HoldExpired(_("The hold has expired; book again."), field="reservation")
    if reservation.status != ReservationStatus.HELD:
        raise WrongStatus(_("Only a held reservation can be confirmed."), field="reservation")
    reservation.status = ReservationStatus.CONFIRMED
    reservation.confirmed_at = now
    reservation.save(update_fields=["status", "confirmed_at"])
    _audit("availability.reservation_confirm", reservation)
    plan = selectors.plan_for(listing=reservation.listing)
    if plan is not None and plan.missed_release_minutes is not None and reservation.starts_at is not None:
        when = reservation.starts_at + dt.timedelta(minutes=plan.missed_release_minutes)
        transaction.on_commit(lambda: _schedule("missed_release_task", when))
    return reservation


@transaction.atomic
def reservation_release(*, reservation: Reservation, reason: str = "", now: dt.datetime | None = None
                        ) -> Reservation:
    """Give a held or confirmed reservation's capacity back (cancelled, refused, not paid).
    Releasing what is already released, expired or missed changes nothing."""
    now = now or timezone.now()
    reservation = _locked(reservation)
    if reservation.status in (ReservationStatus.RELEASED, ReservationStatus.EXPIRED, ReservationStatus.MISSED):
        return reservation
    if reservation.status == ReservationStatus.USED:
        raise WrongStatus(_("A reservation that has been used cannot be released."), field="reservation")
    reservation.status = ReservationStatus.RELEASED
    reservation.released_at = now
    reservation.release_reason = str(reason)[:200]
    reservation.save(update_fields=["status", "released_at", "release_reason"])
    _audit("availability.reservation_release", reservation, reason=reservation.release_reason)
    return reservation


@transaction.atomic
def reservation_check_in(*, reservation: Reservation, now: dt.datetime | None = None) -> Reservation:
    """Confirmed → used: the customer arrived (from 15 minutes before the start until the end)."""
    now = now or timezone.now()
    reservation = _locked(reservation)
    if reservation.status == ReservationStatus.USED:
        return reservation
    if reservation.status != ReservationStatus.CONFIRMED:
        raise WrongStatus(_("Only a confirmed reservation can be checked in."), field="reservation")
    if reservation.starts_at is not None:
        if now < reservation.starts_at - CHECK_IN_EARLY:
            raise WrongStatus(_("Check-in opens 15 minutes before the start."), field="reservation")
        if now >= reservation.ends_at:
            raise WrongStatus(_("The reservation is already over."), field="reservation")
    reservation.status = ReservationStatus.USED
    reservation.checked_in_at = now
    reservation.save(update_fields=["status", "checked_in_at"])
    _audit("availability.reservation_check_in", reservation)
    return reservation


@transaction.atomic
def holds_expire(*, now: dt.datetime | None = None) -> int:
    """Mark every hold past its expiry as expired; returns how many. Idempotent."""
    now = now or timezone.now()
    due = list(Reservation.objects.select_for_update(of=("self",))
               .filter(status=ReservationStatus.HELD, hold_expires_at__lte=now)
               .select_related("listing", "listing__platform"))
    for reservation in due:
        reservation.status = ReservationStatus.EXPIRED
        reservation.released_at = now
        reservation.save(update_fields=["status", "released_at"])
        _audit("availability.reservation_expire", reservation)
    return len(due)


@transaction.atomic
def missed_release(*, now: dt.datetime | None = None) -> int:
    """Release confirmed reservations not checked in within their plan's grace minutes of the start
    and mark them missed; returns how many. Idempotent."""
    now = now or timezone.now()
    candidates = (Reservation.objects.select_for_update(of=("self",))
                  .filter(status=ReservationStatus.CONFIRMED, starts_at__lte=now,
                          listing__availability_plan__missed_release_minutes__isnull=False)
                  .select_related("listing", "listing__platform", "listing__availability_plan"))
    count = 0
    for reservation in candidates:
        grace = dt.timedelta(minutes=reservation.listing.availability_plan.missed_release_minutes)
        if reservation.starts_at + grace > now:
            continue
        reservation.status = ReservationStatus.MISSED
        reservation.released_at = now
        reservation.release_reason = "not checked in"
        reservation.save(update_fields=["status", "released_at", "release_reason"])
        _audit("availability.reservation_missed", reservation)
        count += 1
    return count


# --- the provider's plan --------------------------------------------------------------------------


def can_edit(*, user, listing: Listing) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        listing.provider_id == user.pk or is_operator(user=user, platform=listing.platform))


def _require_editor(actor: User, listing: Listing) -> None:
    if not can_edit(user=actor, listing=listing):
        raise NotAllowed(_("Only the listing's provider or the platform's operators may change its calendar."),
                         field="listing")


def _report_change(*, actor: User, listing: Listing, action: str, data: dict) -> None:
    if listing.status == ListingStatus.PUBLISHED:
        fact_record(
            actor=actor, action=action, target_type="listing", target_id=listing.public_id,
            platform_id=listing.platform.exchange_id, message_type="listing.changed",
            payload=payload_build("listing.changed", listing_id=str(listing.public_id), changed=["availability"],
                                  changed_at=timezone.now()),
            audit_data=data,
        )
    else:
        audit_record(actor=actor, action=action, target_type="listing", target_id=listing.public_id,
                     platform_id=listing.platform.exchange_id, data=data)


def _plan_locked(listing: Listing) -> AvailabilityPlan:
    listing = Listing.objects.select_for_update(of=("self",)).select_related("platform").get(pk=listing.pk)
    plan, _created = AvailabilityPlan.objects.get_or_create(listing=listing, defaults={"unit": listing.price_unit})
    plan.listing = listing
    return plan


def _check_plan(values: dict) -> None:
    if values["unit"] not in (slots.HOUR, slots.DAY, slots.NIGHT, slots.MONTH, slots.ITEM):
        raise InvalidPlan(_("Choose hour, day, night, month or item."), field="unit")
    if values["slot_minutes"] not in SLOT_CHOICES or 1440 % values["slot_minutes"]:
        raise InvalidPlan(_("A slot is 5, 10, 15, 20, 30, 60, 120, 180 or 240 minutes."), field="slot_minutes")
    for name in PLAN_FIELDS[2:]:
        value = values[name]
        if value is not None and (not isinstance(value, int) or value < 0):
            raise InvalidPlan(_("Enter a whole number of 0 or more, or leave it empty."), field=name)
    low, high = values["min_block_minutes"], values["max_block_minutes"]
    if low and high and high < low:
        raise InvalidPlan(_("The longest reservation cannot be shorter than the shortest."), field="max_block_minutes")


@transaction.atomic
def plan_save(*, actor: User, listing: Listing, **changes) -> AvailabilityPlan:
    """Create or change a listing's plan (unit, slot and instrument rules)."""
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise InvalidPlan(_("Unknown plan field."), field=sorted(unknown)[0])
    _require_editor(actor, listing)
    plan = _plan_locked(listing)
    values = {name: changes.get(name, getattr(plan, name)) for name in PLAN_FIELDS}
    if values["notice_minutes"] is None:
        values["notice_minutes"] = 0
    _check_plan(values)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.save()
    _report_change(actor=actor, listing=plan.listing, action="availability.plan_save",
                   data={name: values[name] for name in changes})
    return plan


@transaction.atomic
def weekly_rule_add(*, actor: User, listing: Listing, weekday: int, start: dt.time, end: dt.time,
                    capacity: int | None = None) -> WeeklyRule:
    """A weekly opening; ``end`` at or before ``start`` runs past midnight. Rules may not overlap."""
    _require_editor(actor, listing)
    plan = _plan_locked(listing)
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise InvalidPlan(_("A weekday is 0 (Monday) to 6 (Sunday)."), field="weekday")
    if capacity is not None and capacity < 0:
        raise InvalidPlan(_("The capacity is 0 or more."), field="capacity")
    if plan.unit == slots.HOUR:
        for name, moment in (("start", start), ("end", end)):
            if (moment.hour * 60 + moment.minute) % plan.slot_minutes or moment.second:
                raise InvalidPlan(_("Rules open and close on the calendar's slots."), field=name)
    existing = [slots.Rule(r.weekday, r.start_time, r.end_time) for r in plan.rules.all()]
    if slots.rules_overlap([*existing, slots.Rule(weekday, start, end)]):
        raise InvalidPlan(_("This rule overlaps another weekly rule."), field="start")
    rule = WeeklyRule.objects.create(plan=plan, weekday=weekday, start_time=start, end_time=end, capacity=capacity)
    _report_change(actor=actor, listing=plan.listing, action="availability.rule_add",
                   data={"weekday": weekday, "start": start.isoformat(), "end": end.isoformat(),
                         "capacity": capacity})
    return rule


@transaction.atomic
def weekly_rule_remove(*, actor: User, rule: WeeklyRule) -> None:
    listing = rule.plan.listing
    _require_editor(actor, listing)
    _plan_locked(listing)
    WeeklyRule.objects.filter(pk=rule.pk).delete()
    _report_change(actor=actor, listing=listing, action="availability.rule_remove", data={"rule": rule.pk})


@transaction.atomic
def exception_add(*, actor: User, listing: Listing, closed: bool = True, capacity: int | None = None,
                  reason: str = "", start_date: dt.date | None = None, end_date: dt.date | None = None,
                  starts_at: dt.datetime | None = None, ends_at: dt.datetime | None = None) -> DatedException:
    """Close the listing (or open it with a capacity) for whole days ``start_date``..``end_date``
    (inclusive) or for a time range. Existing reservations are kept; new ones respect it."""
    _require_editor(actor, listing)
    plan = _plan_locked(listing)
    tz = selectors.tz_of(plan)
    all_day = start_date is not None
    if all_day:
        end_date = end_date or start_date
        if end_date < start_date:
            raise InvalidPlan(_("The last day cannot be before the first."), field="end_date")
        starts_at, ends_at = slots.day_span(start_date, end_date, tz)
    else:
        if starts_at is None or ends_at is None:
            raise InvalidPlan(_("Give the dates or the times of the exception."), field="start_date")
        starts_at = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=tz)
        ends_at = ends_at if ends_at.tzinfo else ends_at.replace(tzinfo=tz)
        if ends_at <= starts_at:
            raise InvalidPlan(_("The end must be after the start."), field="ends_at")
    if not closed and capacity is not None and capacity < 0:
        raise InvalidPlan(_("The capacity is 0 or more."), field="capacity")
    exception = DatedException.objects.create(
        plan=plan, starts_at=starts_at, ends_at=ends_at, all_day=all_day, closed=closed,
        capacity=None if closed else capacity, reason=reason.strip()[:200], created_by=actor,
    )
    _report_change(actor=actor, listing=plan.listing, action="availability.exception_add",
                   data={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(), "closed": closed,
                         "capacity": exception.capacity, "reason": exception.reason})
    return exception


@transaction.atomic
def exception_remove(*, actor: User, exception: DatedException) -> None:
    listing = exception.plan.listing
    _require_editor(actor, listing)
    _plan_locked(listing)
    DatedException.objects.filter(pk=exception.pk).delete()
    _report_change(actor=actor, listing=listing, action="availability.exception_remove",
                   data={"exception": exception.pk})

