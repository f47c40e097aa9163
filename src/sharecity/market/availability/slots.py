"""Calendar maths of availability, as plain data in and out (no ORM).

A listing's capacity over time is a *schedule*: weekly rules (a weekday, opening and closing
times in city time, an optional capacity; a closing time at or before the opening time runs
past midnight into the next day), overridden by dated exceptions (closed, or open with a
capacity). With no weekly rules a listing is open all the time at its capacity.

Reservations use capacity as *seats*: what matters is the peak quantity booked at any one
instant, not the sum of everything that touches a window. Every interval is half-open
``[starts_at, ends_at)``, so a stay that ends at 10:00 and one that starts at 10:00 never meet.

Units:
- ``hour``: starts and ends on the plan's slot boundaries (city time);
- ``day``: whole city days, from midnight to midnight;
- ``night``: the check-in date to the check-out date (times of day are ignored), nights counted;
- ``month``: a lease of whole calendar months, from a move-in date to the same day of a later month
  (the month's last day when it is shorter: 31 January + 1 month = 28 or 29 February), months counted;
- ``item``: stock sold by quantity, no times.
Asia/Shanghai has had no daylight saving since 1991, so a city day is always 24 hours; the
maths still works on aware datetimes and never assumes it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.availability.errors import (
    InvalidTimes,
    TooFarAhead,
    TooLong,
    TooShort,
    TooSoon,
    UserLimit,
)

HOUR, DAY, NIGHT, MONTH, ITEM = "hour", "day", "night", "month", "item"
TIMED_UNITS = (HOUR, DAY, NIGHT, MONTH)
WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Rule:
    """A weekly opening: ``weekday`` 0 = Monday as ``datetime.weekday()``."""

    weekday: int
    start: dt.time
    end: dt.time
    capacity: int | None = None

    def occurrence_on(self, day: dt.date, tz: ZoneInfo = CITY_TZ) -> tuple[dt.datetime, dt.datetime] | None:
        if day.weekday() != self.weekday:
            return None
        opens = dt.datetime.combine(day, self.start, tzinfo=tz)
        closes_day = day if self.end > self.start else day + dt.timedelta(days=1)
        return opens, dt.datetime.combine(closes_day, self.end, tzinfo=tz)

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class Exception_:
    """A dated exception: closed, or open with a capacity (the listing's when ``None``)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    closed: bool
    capacity: int | None = None


@dataclass(frozen=True)
class Schedule:
    capacity: int
    rules: tuple[Rule, ...] = ()
    exceptions: tuple[Exception_, ...] = ()  # later ones win where they overlap
    tz: ZoneInfo = CITY_TZ


@dataclass(frozen=True)
class Booked:
    starts_at: dt.datetime
    ends_at: dt.datetime
    quantity: int


@dataclass(frozen=True)
class Segment:
    starts_at: dt.datetime
    ends_at: dt.datetime
    value: int  # capacity or remaining capacity during the segment


@dataclass(frozen=True)
class Rules:
    """NEMO-style instrument rules of a plan (``None`` = no limit)."""

    slot_minutes: int = 60
    min_block_minutes: int | None = None
    max_block_minutes: int | None = None
    notice_minutes: int = 0
    horizon_days: int | None = None
    max_future_reservations: int | None = None
    max_hours_per_week: int | None = None


@dataclass
class DayRow:
    date: dt.date
    slots: list[dict] = field(default_factory=list)  # {starts_at, ends_at, capacity, remaining}

    @property
    def remaining(self) -> int:
        return min((slot["remaining"] for slot in self.slots if slot["capacity"]), default=0)


def day_start(day: dt.date, tz: ZoneInfo = CITY_TZ) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz)


def day_span(first: dt.date, last: dt.date, tz: ZoneInfo = CITY_TZ) -> tuple[dt.datetime, dt.datetime]:
    """From the midnight that opens ``first`` to the midnight that closes ``last`` (both inclusive)."""
    return day_start(first, tz), day_start(last + dt.timedelta(days=1), tz)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, or that month's last day when it has fewer days."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + dt.timedelta(days=day.day - 1),
               following - dt.timedelta(days=1))


def months_between(first: dt.date, last: dt.date) -> int | None:
    """Whole months from ``first`` to ``last`` (``add_months(first, n) == last``), or ``None`` when ``last``
    is not a whole number of months after ``first``."""
    months = (last.year - first.year) * 12 + last.month - first.month
    if months >= 1 and add_months(first, months) == last:
        return months
    return None


# --- times of one reservation -------------------------------------------------------------


def _as_datetime(value: dt.date | dt.datetime, tz: ZoneInfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    return day_start(value, tz)


def normalise_times(unit: str, starts_at, ends_at, *, slot_minutes: int = 60, tz: ZoneInfo = CITY_TZ
                    ) -> tuple[dt.datetime, dt.datetime]:
    """The reservation's half-open interval for its unit, or ``InvalidTimes`` naming the field."""
    if starts_at is None:
        raise InvalidTimes(_("Choose when the reservation starts."), field="starts_at")
    if ends_at is None:
        raise InvalidTimes(_("Choose when the reservation ends."), field="ends_at")
    starts_at, ends_at = _as_datetime(starts_at, tz), _as_datetime(ends_at, tz)
    if unit == NIGHT:
        starts_at = day_start(starts_at.astimezone(tz).date(), tz)
        ends_at = day_start(ends_at.astimezone(tz).date(), tz)
        if ends_at <= starts_at:
            raise InvalidTimes(_("The check-out date must be after the check-in date."), field="ends_at")
        return starts_at, ends_at
    if unit == MONTH:
        first, last = starts_at.astimezone(tz).date(), ends_at.astimezone(tz).date()
        if months_between(first, last) is None:
            raise InvalidTimes(_("A lease runs whole months: it ends on the same day of a later month."),
                               field="ends_at")
        return day_start(first, tz), day_start(last, tz)
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        local = moment.astimezone(tz)
        if unit == DAY:
            if local.time() != dt.time(0):
                raise InvalidTimes(_("Days are booked whole, from midnight to midnight."), field=name)
        elif local.second or local.microsecond or (local.hour * 60 + local.minute) % slot_minutes:
            raise InvalidTimes(
                _("Times start and end on the %(minutes)d-minute slots of the calendar.") % {"minutes": slot_minutes},
                field=name)
    if ends_at <= starts_at:
        raise InvalidTimes(_("The end must be after the start."), field="ends_at")
    return starts_at, ends_at


def units_count(unit: str, starts_at: dt.datetime, ends_at: dt.datetime, tz: ZoneInfo = CITY_TZ) -> int:
    """Hours (rounded up), days, nights or months in a normalised interval; 1 for items."""
    if unit == MONTH:
        return months_between(starts_at.astimezone(tz).date(), ends_at.astimezone(tz).date()) or 0
    if unit == HOUR:
        return -(-int((ends_at - starts_at).total_seconds()) // 3600)
    if unit in (DAY, NIGHT):
        return (ends_at.astimezone(tz).date() - starts_at.astimezone(tz).date()).days
    return 1


def check_rules(rules: Rules, unit: str, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime,
                tz: ZoneInfo = CITY_TZ) -> None:
    """Past start, notice, horizon and block length, each with its own error."""
    if unit == HOUR:
        step = rules.slot_minutes * 60
        local_now = now.astimezone(tz)
        seconds = local_now.hour * 3600 + local_now.minute * 60 + local_now.second
        current_slot = local_now.replace(microsecond=0) - dt.timedelta(seconds=seconds % step)
        if starts_at < current_slot:
            raise TooSoon(_("The start has already passed."), field="starts_at")
    elif starts_at.astimezone(tz).date() < now.astimezone(tz).date():
        raise TooSoon(_("The start has already passed."), field="starts_at")
    if rules.notice_minutes and starts_at < now + dt.timedelta(minutes=rules.notice_minutes):
        raise TooSoon(_("Book at least %(minutes)d minutes ahead.") % {"minutes": rules.notice_minutes},
                      field="starts_at")
    if rules.horizon_days is not None and starts_at > now + dt.timedelta(days=rules.horizon_days):
        raise TooFarAhead(_("Book at most %(days)d days ahead.") % {"days": rules.horizon_days}, field="starts_at")
    minutes = (ends_at - starts_at).total_seconds() / 60
    if rules.min_block_minutes and minutes < rules.min_block_minutes:
        raise TooShort(_("A reservation lasts at least %(minutes)d minutes.") % {"minutes": rules.min_block_minutes},
                       field="ends_at")
    if rules.max_block_minutes and minutes > rules.max_block_minutes:
        raise TooLong(_("A reservation lasts at most %(minutes)d minutes.") % {"minutes": rules.max_block_minutes},
                      field="ends_at")


def max_minutes_in_window(intervals: Iterable[tuple[dt.datetime, dt.datetime]], window: dt.timedelta = WEEK
                          ) -> float:
    """The most minutes the intervals fill in any window of this length (a rolling week).

    The sum is piecewise linear in the window's position, so its maximum is reached with the
    window starting where an interval starts or ending where one ends.
    """
    spans = list(intervals)
    best = 0.0
    candidates = [s for s, _e in spans] + [e - window for _s, e in spans]
    for opens in candidates:
        closes = opens + window
        total = sum(max(0.0, (min(e, closes) - max(s, opens)).total_seconds()) for s, e in spans)
        best = max(best, total / 60)
    return best


def check_user_limits(rules: Rules, *, starts_at: dt.datetime, ends_at: dt.datetime, active_future: int,
                      own_intervals: Sequence[tuple[dt.datetime, dt.datetime]]) -> None:
    """``active_future``: the customer's held or confirmed reservations of this listing not yet over;
    ``own_intervals``: their times (those near this one are enough)."""
    if rules.max_future_reservations is not None and active_future >= rules.max_future_reservations:
        raise UserLimit(
            _("You may hold at most %(count)d upcoming reservations of this listing.")
            % {"count": rules.max_future_reservations}, field="customer")
    if rules.max_hours_per_week is not None:
        filled = max_minutes_in_window([*own_intervals, (starts_at, ends_at)])
        if filled > rules.max_hours_per_week * 60:
            raise UserLimit(
                _("You may book at most %(hours)d hours of this listing in any seven days.")
                % {"hours": rules.max_hours_per_week}, field="ends_at")


# --- capacity over time ----------------------------------------------------------------------


def rule_occurrences(rules: Iterable[Rule], start: dt.datetime, end: dt.datetime, tz: ZoneInfo = CITY_TZ
                     ) -> list[tuple[dt.datetime, dt.datetime, Rule]]:
    """Occurrences of the weekly rules that touch ``[start, end)``."""
    rules = list(rules)
    found = []
    day = start.astimezone(tz).date() - dt.timedelta(days=1)
    last = end.astimezone(tz).date()
    while day <= last:
        for rule in rules:
            occurrence = rule.occurrence_on(day, tz)
            if occurrence and occurrence[0] < end and occurrence[1] > start:
                found.append((occurrence[0], occurrence[1], rule))
        day += dt.timedelta(days=1)
    return sorted(found, key=lambda item: (item[0], item[1]))


def _capacity_at(schedule: Schedule, moment: dt.datetime, occurrences) -> int:
    for exception in reversed(schedule.exceptions):
        if exception.starts_at <= moment < exception.ends_at:
            if exception.closed:
                return 0
            return schedule.capacity if exception.capacity is None else exception.capacity
    if not schedule.rules:
        return schedule.capacity
    best = 0
    for opens, closes, rule in occurrences:
        if opens <= moment < closes:
            best = max(best, schedule.capacity if rule.capacity is None else rule.capacity)
    return best


def _cut(points: set[dt.datetime], start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    return sorted({start, end} | {p for p in points if start < p < end})


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].value == segment.value and merged[-1].ends_at == segment.starts_at:
            merged[-1] = Segment(merged[-1].starts_at, segment.ends_at, segment.value)
        else:
            merged.append(segment)
    return merged


def capacity_profile(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> list[Segment]:
    """The capacity offered over ``[start, end)`` as consecutive segments (0 = closed)."""
    occurrences = rule_occurrences(schedule.rules, start, end, schedule.tz)
    points = {p for opens, closes, _r in occurrences for p in (opens, closes)}
    points |= {p for e in schedule.exceptions for p in (e.starts_at, e.ends_at)}
    cuts = _cut(points, start, end)
    return _merge([Segment(a, b, _capacity_at(schedule, a, occurrences)) for a, b in itertools.pairwise(cuts)])


def usage_at(booked: Iterable[Booked], moment: dt.datetime) -> int:
    return sum(b.quantity for b in booked if b.starts_at <= moment < b.ends_at)


def peak_usage(booked: Iterable[Booked], start: dt.datetime, end: dt.datetime) -> int:
    """The largest quantity booked at any one instant of ``[start, end)`` (a sweep over the ends)."""
    events = []
    for b in booked:
        if b.starts_at < end and b.ends_at > start:
            events.append((max(b.starts_at, start), 1, b.quantity))
            events.append((min(b.ends_at, end), 0, -b.quantity))  # ends sort before starts at one instant
    level = peak = 0
    for _moment, _kind, change in sorted(events):
        level += change
        peak = max(peak, level)
    return peak


def remaining_profile(schedule: Schedule, booked: Sequence[Booked], start: dt.datetime, end: dt.datetime
                      ) -> list[Segment]:
    """Capacity minus the peak booked, over ``[start, end)``; never below 0."""
    capacity = capacity_profile(schedule, start, end)
    points = {p for seg in capacity for p in (seg.starts_at, seg.ends_at)}
    relevant = [b for b in booked if b.starts_at < end and b.ends_at > start]
    points |= {p for b in relevant for p in (b.starts_at, b.ends_at)}
    cuts = _cut(points, start, end)
    segments = []
    index = 0
    for a, b in itertools.pairwise(cuts):
        while capacity[index].ends_at <= a:
            index += 1
        segments.append(Segment(a, b, max(0, capacity[index].value - usage_at(relevant, a))))
    return _merge(segments)


def min_remaining(schedule: Schedule, booked: Sequence[Booked], start: dt.datetime, end: dt.datetime) -> int:
    return min((seg.value for seg in remaining_profile(schedule, booked, start, end)), default=0)


def closed_exception_overlaps(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> Exception_ | None:
    for exception in reversed(schedule.exceptions):
        if exception.closed and exception.starts_at < end and exception.ends_at > start:
            return exception
    return None


# --- the calendar -----------------------------------------------------------------------------


def calendar_rows(schedule: Schedule, booked: Sequence[Booked], *, unit: str, start_date: dt.date, days: int,
                  slot_minutes: int = 60) -> list[DayRow]:
    """Per day: its slots (hour unit) or the whole day (day and night units), with the capacity
    offered and the capacity still free (the peak booked subtracted) in each."""
    rows = []
    for offset in range(days):
        day = start_date + dt.timedelta(days=offset)
        opens, closes = day_span(day, day, schedule.tz)
        row = DayRow(date=day)
        step = dt.timedelta(minutes=slot_minutes if unit == HOUR else 24 * 60)
        moment = opens
        while moment < closes:
            slot_end = min(moment + step, closes)
            capacity = min((seg.value for seg in capacity_profile(schedule, moment, slot_end)), default=0)
            remaining = min_remaining(schedule, booked, moment, slot_end) if capacity else 0
            row.slots.append({"starts_at": moment, "ends_at": slot_end, "capacity": capacity,
                              "remaining": remaining})
            moment = slot_end
        rows.append(row)
    return rows


def rules_overlap(rules: Sequence[Rule]) -> bool:
    """True when two weekly rules overlap (a data-entry mistake)."""
    reference = dt.date(2024, 1, 1)  # a Monday
    spans = []
    for offset in range(8):  # Sunday's rule may run past midnight into Monday
        for rule in rules:
            occurrence = rule.occurrence_on(reference + dt.timedelta(days=offset))
            if occurrence:
                spans.append(occurrence)
    spans.sort()
    return any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans))
