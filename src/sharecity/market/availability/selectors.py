"""Reads of the availability context: what is free, the calendar, a reservation of an order."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.kernel.errors import ShareCityError
from sharecity.market.availability import slots
from sharecity.market.availability.errors import Closed, InvalidQuantity, OutsidePlan, Unavailable
from sharecity.market.availability.models import (
    AvailabilityPlan,
    DatedException,
    Reservation,
    ReservationStatus,
    WeeklyRule,
)
from sharecity.market.listings.models import Listing

COUNTED = (ReservationStatus.CONFIRMED, ReservationStatus.USED)


def counted_q(now: dt.datetime) -> Q:
    """Reservations that take capacity: confirmed, used, and holds not yet expired."""
    return Q(status__in=COUNTED) | Q(status=ReservationStatus.HELD, hold_expires_at__gt=now)


def plan_for(*, listing: Listing) -> AvailabilityPlan | None:
    return AvailabilityPlan.objects.filter(listing=listing).first()


def unit_of(*, listing: Listing, plan: AvailabilityPlan | None) -> str:
    return plan.unit if plan is not None else listing.price_unit


def tz_of(plan: AvailabilityPlan | None) -> ZoneInfo:
    return ZoneInfo(plan.timezone) if plan is not None else slots.CITY_TZ


def rules_of(plan: AvailabilityPlan | None) -> slots.Rules:
    if plan is None:
        return slots.Rules()
    return slots.Rules(
        slot_minutes=plan.slot_minutes, min_block_minutes=plan.min_block_minutes,
        max_block_minutes=plan.max_block_minutes, notice_minutes=plan.notice_minutes,
        horizon_days=plan.horizon_days, max_future_reservations=plan.max_future_reservations,
        max_hours_per_week=plan.max_hours_per_week,
    )


def weekly_rules(*, plan: AvailabilityPlan | None) -> list[WeeklyRule]:
    return list(plan.rules.all()) if plan is not None else []


def dated_exceptions(*, plan: AvailabilityPlan | None, since: dt.datetime | None = None) -> list[DatedException]:
    if plan is None:
        return []
    found = plan.exceptions.all()
    if since is not None:
        found = found.filter(ends_at__gt=since)
    return list(found)


def _schedule(listing: Listing, plan: AvailabilityPlan | None, rules: Iterable[WeeklyRule],
              exceptions: Iterable[DatedException]) -> slots.Schedule:
    return slots.Schedule(
        capacity=listing.capacity,
        rules=tuple(slots.Rule(r.weekday, r.start_time, r.end_time, r.capacity) for r in rules),
        exceptions=tuple(slots.Exception_(e.starts_at, e.ends_at, e.closed, e.capacity)
                         for e in sorted(exceptions, key=lambda e: e.id)),
        tz=tz_of(plan),
    )


def schedule_for(*, listing: Listing, plan: AvailabilityPlan | None, starts_at: dt.datetime | None = None,
                 ends_at: dt.datetime | None = None) -> slots.Schedule:
    exceptions = []
    if plan is not None:
        exceptions = plan.exceptions.all()
        if starts_at is not None and ends_at is not None:
            exceptions = exceptions.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    return _schedule(listing, plan, weekly_rules(plan=plan), exceptions)


def booked_between(*, listing: Listing, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime,
                   exclude_pk: int | None = None) -> list[slots.Booked]:
    found = (Reservation.objects.filter(counted_q(now), listing=listing, starts_at__lt=ends_at, ends_at__gt=starts_at)
             .values_list("starts_at", "ends_at", "quantity", "pk"))
    return [slots.Booked(s, e, q) for s, e, q, pk in found if pk != exclude_pk]


def stock_taken(*, listing: Listing, now: dt.datetime) -> int:
    return (Reservation.objects.filter(counted_q(now), listing=listing)
            .aggregate(total=Sum("quantity"))["total"] or 0)


def window_problem(*, listing: Listing, plan: AvailabilityPlan | None, schedule: slots.Schedule,
                   booked: list[slots.Booked], starts_at: dt.datetime, ends_at: dt.datetime,
                   quantity: int) -> ShareCityError | None:
    """Why ``quantity`` cannot be had over the window, or ``None``: closed, outside the plan, or full."""
    if slots.closed_exception_overlaps(schedule, starts_at, ends_at) is not None:
        return Closed(_msg("closed"), field="starts_at")
    if any(seg.value <= 0 for seg in slots.capacity_profile(schedule, starts_at, ends_at)):
        return OutsidePlan(_msg("outside_plan"), field="starts_at")
    if slots.min_remaining(schedule, booked, starts_at, ends_at) < quantity:
        return Unavailable(_msg("unavailable"), field="starts_at")
    return None


def _msg(kind: str) -> str:
    return {
        "closed": _("The listing is closed for part of this time."),
        "outside_plan": _("The listing is not offered for the whole of this time; see its calendar."),
        "unavailable": _("Not enough left for this time: others have already booked it."),
        "stock": _("Not enough left in stock."),
    }[kind]


def is_available(*, listing: Listing, starts_at=None, ends_at=None, quantity: int = 1,
                 now: dt.datetime | None = None) -> bool:
    """Could ``quantity`` be booked for this window now (calendar, exceptions, notice, horizon,
    block length and capacity; not the per-user limits, which depend on who asks)?"""
    now = now or timezone.now()
    plan = plan_for(listing=listing)
    unit = unit_of(listing=listing, plan=plan)
    if quantity < 1:
        return False
    if unit == slots.ITEM:
        return stock_taken(listing=listing, now=now) + quantity <= listing.capacity
    try:
        tz = tz_of(plan)
        rules = rules_of(plan)
        starts_at, ends_at = slots.normalise_times(unit, starts_at, ends_at, slot_minutes=rules.slot_minutes, tz=tz)
        slots.check_rules(rules, unit, starts_at, ends_at, now, tz)
    except ShareCityError:
        return False
    schedule = schedule_for(listing=listing, plan=plan, starts_at=starts_at, ends_at=ends_at)
    booked = booked_between(listing=listing, starts_at=starts_at, ends_at=ends_at, now=now)
    return window_problem(listing=listing, plan=plan, schedule=schedule, booked=booked, starts_at=starts_at,
                          ends_at=ends_at, quantity=quantity) is None


def available_listing_ids(*, listing_ids: Iterable[int], starts_at=None, ends_at=None, quantity: int = 1,
                          now: dt.datetime | None = None) -> set[int]:
    """The listings among ``listing_ids`` that could take ``quantity`` for the window.

    A fixed number of queries whatever the number of listings: listings, plans, their rules,
    their exceptions in the window, and one query for every overlapping reservation.
    """
    now = now or timezone.now()
    ids = list(listing_ids)
    if not ids or quantity < 1:
        return set()
    listings = {listing.pk: listing for listing in Listing.objects.filter(pk__in=ids)}
    plans = {plan.listing_id: plan for plan in AvailabilityPlan.objects.filter(listing_id__in=ids)}
    rules: dict[int, list] = defaultdict(list)
    for rule in WeeklyRule.objects.filter(plan__in=plans.values()):
        rules[rule.plan_id].append(rule)
    windows: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    stock_ids = []
    for pk, listing in listings.items():
        plan = plans.get(pk)
        unit = unit_of(listing=listing, plan=plan)
        if unit == slots.ITEM:
            stock_ids.append(pk)
            continue
        try:
            tz, plan_rules = tz_of(plan), rules_of(plan)
            window = slots.normalise_times(unit, starts_at, ends_at, slot_minutes=plan_rules.slot_minutes, tz=tz)
            slots.check_rules(plan_rules, unit, *window, now, tz)
        except ShareCityError:
            continue
        windows[pk] = window
    found: set[int] = set()
    if stock_ids:
        taken = dict(Reservation.objects.filter(counted_q(now), listing_id__in=stock_ids)
                     .values_list("listing_id").annotate(total=Sum("quantity")).values_list("listing_id", "total"))
        found |= {pk for pk in stock_ids if taken.get(pk, 0) + quantity <= listings[pk].capacity}
    if not windows:
        return found
    earliest = min(s for s, _e in windows.values())
    latest = max(e for _s, e in windows.values())
    exceptions: dict[int, list] = defaultdict(list)
    for exception in DatedException.objects.filter(plan__in=[plans[pk] for pk in windows if pk in plans],
                                                   starts_at__lt=latest, ends_at__gt=earliest):
        exceptions[exception.plan_id].append(exception)
    booked: dict[int, list[slots.Booked]] = defaultdict(list)
    for listing_id, s, e, q in (Reservation.objects
                                .filter(counted_q(now), listing_id__in=list(windows), starts_at__lt=latest,
                                        ends_at__gt=earliest)
                                .values_list("listing_id", "starts_at", "ends_at", "quantity")):
        booked[listing_id].append(slots.Booked(s, e, q))
    for pk, (s, e) in windows.items():
        listing, plan = listings[pk], plans.get(pk)
        schedule = _schedule(listing, plan, rules.get(plan.pk, []) if plan else [],
                             exceptions.get(plan.pk, []) if plan else [])
        if window_problem(listing=listing, plan=plan, schedule=schedule, booked=booked[pk], starts_at=s,
                          ends_at=e, quantity=quantity) is None:
            found.add(pk)
    return found


def remaining_capacity(*, listing: Listing, starts_at=None, ends_at=None, now: dt.datetime | None = None) -> int:
    """How many more can be booked over the whole window (the stock left for item listings)."""
    now = now or timezone.now()
    plan = plan_for(listing=listing)
    unit = unit_of(listing=listing, plan=plan)
    if unit == slots.ITEM:
        return max(0, listing.capacity - stock_taken(listing=listing, now=now))
    rules = rules_of(plan)
    starts_at, ends_at = slots.normalise_times(unit, starts_at, ends_at, slot_minutes=rules.slot_minutes,
                                               tz=tz_of(plan))
    schedule = schedule_for(listing=listing, plan=plan, starts_at=starts_at, ends_at=ends_at)
    booked = booked_between(listing=listing, starts_at=starts_at, ends_at=ends_at, now=now)
    return slots.min_remaining(schedule, booked, starts_at, ends_at)


def calendar(*, listing: Listing, start_date: dt.date, days: int = 7, now: dt.datetime | None = None
             ) -> list[slots.DayRow]:
    """Per day from ``start_date``: each slot (hour unit) or the whole day (day and night units) with
    the capacity offered and still free. Item listings get one row per day with the stock left."""
    now = now or timezone.now()
    plan = plan_for(listing=listing)
    unit = unit_of(listing=listing, plan=plan)
    tz = tz_of(plan)
    first, last = slots.day_span(start_date, start_date + dt.timedelta(days=days - 1), tz)
    if unit == slots.ITEM:
        left = max(0, listing.capacity - stock_taken(listing=listing, now=now))
        rows = []
        for offset in range(days):
            day = start_date + dt.timedelta(days=offset)
            opens, closes = slots.day_span(day, day, tz)
            rows.append(slots.DayRow(date=day, slots=[{"starts_at": opens, "ends_at": closes,
                                                       "capacity": listing.capacity, "remaining": left}]))
        return rows
    schedule = schedule_for(listing=listing, plan=plan, starts_at=first, ends_at=last)
    booked = booked_between(listing=listing, starts_at=first, ends_at=last, now=now)
    return slots.calendar_rows(schedule, booked, unit=unit, start_date=start_date, days=days,
                               slot_minutes=rules_of(plan).slot_minutes)


def reservation_for_order(*, order_ref: str) -> Reservation | None:
    """The latest reservation made for an order (``None`` when it has none)."""
    if not order_ref:
        return None
    return Reservation.objects.filter(order_ref=order_ref).select_related("listing").order_by("-id").first()


def reservations_of_listing(*, listing: Listing, since: dt.datetime | None = None) -> QuerySet[Reservation]:
    found = Reservation.objects.filter(listing=listing)
    if since is not None:
        found = found.filter(Q(ends_at__gt=since) | Q(ends_at__isnull=True))
    return found.order_by("starts_at", "id")


def active_of_customer(*, listing: Listing, customer, now: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """The customer's reservations of this listing that still take capacity and are not over."""
    return list(Reservation.objects.filter(counted_q(now), listing=listing, customer=customer, ends_at__gt=now)
                .exclude(status=ReservationStatus.USED).values_list("starts_at", "ends_at"))


def week_intervals_of_customer(*, listing: Listing, customer, starts_at: dt.datetime, ends_at: dt.datetime,
                               now: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """The customer's counted reservations within a week either side of a window (for the rolling week)."""
    return list(Reservation.objects.filter(counted_q(now), listing=listing, customer=customer,
                                           starts_at__lt=ends_at + slots.WEEK, ends_at__gt=starts_at - slots.WEEK)
                .values_list("starts_at", "ends_at"))


def invalid_quantity(quantity) -> InvalidQuantity | None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        return InvalidQuantity(_("The quantity is a whole number of at least 1."), field="quantity")
    return None


def calendar_grid(*, listing: Listing, start_date: dt.date, days: int = 7, now: dt.datetime | None = None) -> dict:
    """The calendar as a grid for a page: one column per day, one row per slot that is open on
    at least one of the days (hour unit) or a single row (day, night and item units)."""
    plan = plan_for(listing=listing)
    unit = unit_of(listing=listing, plan=plan)
    rows = calendar(listing=listing, start_date=start_date, days=days, now=now)
    tz = tz_of(plan)
    times = sorted({slot["starts_at"].astimezone(tz).time() for row in rows for slot in row.slots
                    if slot["capacity"]})
    if unit != slots.HOUR:
        times = times[:1] or [dt.time(0)]
    by_day = [{slot["starts_at"].astimezone(tz).time(): slot for slot in row.slots} for row in rows]
    grid = [{"time": moment, "cells": [cells.get(moment) for cells in by_day]} for moment in times]
    return {"unit": unit, "days": [row.date for row in rows], "rows": grid, "capacity": listing.capacity,
            "slot_minutes": rules_of(plan).slot_minutes, "open": any(
                slot["capacity"] for row in rows for slot in row.slots)}


def weekly_rule_get(*, listing: Listing, rule_id: int) -> WeeklyRule | None:
    return WeeklyRule.objects.filter(pk=rule_id, plan__listing=listing).select_related("plan__listing").first()


def dated_exception_get(*, listing: Listing, exception_id: int) -> DatedException | None:
    return (DatedException.objects.filter(pk=exception_id, plan__listing=listing)
            .select_related("plan__listing").first())
