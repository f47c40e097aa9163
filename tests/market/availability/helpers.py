"""Helpers of the availability tests: a fixed week in the future, and short calls."""

from __future__ import annotations

import datetime as dt

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.availability.models import AvailabilityPlan, WeeklyRule
from sharecity.market.availability.services import reservation_hold

MONDAY = dt.date(2027, 3, 1)
NOW = dt.datetime.combine(MONDAY, dt.time(8), tzinfo=CITY_TZ)  # Monday 08:00 in the city


def at(hour: int, minute: int = 0, *, day: int = 0) -> dt.datetime:
    """A city time in the test week: ``day`` 0 is Monday 1 March 2027."""
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour, minute), tzinfo=CITY_TZ)


def hold(listing, customer, start=None, end=None, *, quantity=1, now=NOW, **kwargs):
    return reservation_hold(listing=listing, customer=customer, starts_at=start, ends_at=end, quantity=quantity,
                            now=now, **kwargs)


def plan(listing, *, rules=(), **fields) -> AvailabilityPlan:
    """A plan written directly (tests of the plan services go through them)."""
    made = AvailabilityPlan.objects.create(listing=listing, unit=fields.pop("unit", listing.price_unit), **fields)
    for weekday, start, end, *capacity in rules:
        WeeklyRule.objects.create(plan=made, weekday=weekday, start_time=start, end_time=end,
                                  capacity=capacity[0] if capacity else None)
    return made
