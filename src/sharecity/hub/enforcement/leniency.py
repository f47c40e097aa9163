"""Whether a case qualifies for the leniency list (首违不罚): plain Python over plain data.

《中华人民共和国行政处罚法》(2021修订) 第三十三条第一款: 初次违法且危害后果轻微并及时改正的，可以不予行政处罚。
第三款: 对当事人的违法行为依法不予行政处罚的，行政机关应当对当事人进行教育。
A city's 免罚清单 makes 第一款's "可以" concrete per violation: the entry in force on the day the
violation was found decides; "初次" is measured over the entry's look-back period; "及时改正" means
corrected on or before the correction deadline the officer set (at most the entry's days to correct).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

# Reasons, in the order they are checked; "qualifies" when none applies.
NO_ENTRY = "no_entry"            # the violation is not on the list in force that day
NOT_MINOR = "not_minor"          # harmful consequences: not minor
NOT_CORRECTED = "not_corrected"  # not corrected
LATE = "corrected_late"          # corrected after the deadline
REPEAT = "repeat"                # same subject, same violation within the look-back period
QUALIFIES = "qualifies"


class Entry(Protocol):
    look_back_months: int
    correction_days: int
    effective_from: dt.date
    effective_until: dt.date | None


@dataclass(frozen=True)
class Assessment:
    reason: str
    entry: Entry | None

    @property
    def qualifies(self) -> bool:
        return self.reason == QUALIFIES


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day when it has no such day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def entry_in_force(entries: Iterable[Entry], on: dt.date) -> Entry | None:
    """The latest entry in force on ``on`` (both ends inclusive)."""
    live = [e for e in entries if e.effective_from <= on and (e.effective_until is None or on <= e.effective_until)]
    return max(live, key=lambda e: e.effective_from, default=None)


def assess(*, entries: Iterable[Entry], found_on: dt.date, minor: bool, correction_due: dt.date | None,
           corrected_on: dt.date | None, earlier_found: Iterable[dt.date]) -> Assessment:
    """``entries``: the list's rows for this violation in the case's city; ``earlier_found``: the days the
    same violation by the same subject was found in earlier decided cases."""
    entry = entry_in_force(entries, found_on)
    if entry is None:
        return Assessment(NO_ENTRY, None)
    if not minor:
        return Assessment(NOT_MINOR, entry)
    if corrected_on is None or correction_due is None:
        return Assessment(NOT_CORRECTED, entry)
    if corrected_on > correction_due:
        return Assessment(LATE, entry)
    start = months_before(found_on, entry.look_back_months)
    if any(start <= day <= found_on for day in earlier_found):
        return Assessment(REPEAT, entry)
    return Assessment(QUALIFIES, entry)
