"""Working-day arithmetic on the official Chinese holiday calendar (chinese-calendar).

The calendar package only knows the years the State Council has published. For a later
year we fall back to Monday-Friday and say so in the log: a deadline is still computed,
and the package update that adds the year makes it exact.
"""

from __future__ import annotations

import datetime as dt
import logging

import chinese_calendar

logger = logging.getLogger(__name__)


# Years the holiday calendar was found not to cover, told once per process: a deadline counted
# across the turn of such a year asks about every day of it (a simulated month logged thousands).
_uncovered_years: set[int] = set()


def is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _uncovered_years:
            _uncovered_years.add(day.year)
            logger.warning("holiday calendar does not cover %s; assuming Monday to Friday", day.year)
        return day.weekday() < 5


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in the half-open range (start, end]."""
    if end < start:
        return -workdays_between(end, start)
    return sum(1 for offset in range(1, (end - start).days + 1) if is_workday(start + dt.timedelta(days=offset)))
