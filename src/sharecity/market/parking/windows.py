"""Weekly availability windows, as plain data: does a stay fit, and when are the openings."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from sharecity.kernel.timeutil import CITY_TZ


@dataclass(frozen=True)
class WeeklyWindow:
    weekday: int  # 0 = Monday, as datetime.weekday()
    start: dt.time
    end: dt.time  # end <= start: the window runs past midnight into the next day

    def occurrence_on(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        if day.weekday() != self.weekday:
            return None
        opens = dt.datetime.combine(day, self.start, tzinfo=CITY_TZ)
        closes_day = day if self.end > self.start else day + dt.timedelta(days=1)
        return opens, dt.datetime.combine(closes_day, self.end, tzinfo=CITY_TZ)


def occurrences(windows: Iterable[WeeklyWindow], first_day: dt.date, last_day: dt.date
                ) -> list[tuple[dt.datetime, dt.datetime]]:
    found = []
    day = first_day
    while day <= last_day:
        for window in windows:
            occurrence = window.occurrence_on(day)
            if occurrence:
                found.append(occurrence)
        day += dt.timedelta(days=1)
    return sorted(found)


def window_covering(windows: Iterable[WeeklyWindow], starts_at: dt.datetime, ends_at: dt.datetime
                    ) -> tuple[dt.datetime, dt.datetime] | None:
    """The window occurrence that holds the whole stay, if any (adjacent windows are merged)."""
    local_start = starts_at.astimezone(CITY_TZ)
    local_end = ends_at.astimezone(CITY_TZ)
    merged: list[list[dt.datetime]] = []
    for opens, closes in occurrences(windows, local_start.date() - dt.timedelta(days=1), local_end.date()):
        if merged and opens <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], closes)
        else:
            merged.append([opens, closes])
    for opens, closes in merged:
        if opens <= local_start and local_end <= closes:
            return opens, closes
    return None


def windows_overlap(windows: list[WeeklyWindow]) -> bool:
    """True when two windows of one space overlap (a data-entry mistake)."""
    reference = dt.date(2024, 1, 1)  # a Monday
    # Eight days: Sunday's window may run past midnight into the next week's Monday window.
    spans = occurrences(windows, reference, reference + dt.timedelta(days=7))
    return any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans))
