"""Weekly windows as plain data: no database."""

from __future__ import annotations

import datetime as dt

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.parking.windows import WeeklyWindow, occurrences, window_covering, windows_overlap

MON, TUE, FRI, SAT, SUN = 0, 1, 4, 5, 6
FRIDAY = dt.date(2025, 6, 6)
MONDAY = dt.date(2025, 6, 9)


def at(day: dt.date, hour: int, minute: int = 0, *, days: int = 0) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=CITY_TZ)


def w(weekday: int, start: int, end: int) -> WeeklyWindow:
    return WeeklyWindow(weekday, dt.time(start), dt.time(end))


def test_the_reference_days_are_what_the_tests_say():
    assert FRIDAY.weekday() == FRI
    assert MONDAY.weekday() == MON


def test_a_window_past_midnight_covers_the_night_but_not_the_next_morning():
    night = [w(FRI, 19, 7)]
    assert window_covering(night, at(FRIDAY, 22), at(FRIDAY, 6, days=1)) == (at(FRIDAY, 19), at(FRIDAY, 7, days=1))
    assert window_covering(night, at(FRIDAY, 6, days=1), at(FRIDAY, 8, days=1)) is None
    assert window_covering(night, at(FRIDAY, 18), at(FRIDAY, 20)) is None
    # The window is Friday's only: Thursday night is not offered.
    assert window_covering(night, at(FRIDAY, 22, days=-1), at(FRIDAY, 23, days=-1)) is None
    # Exactly the whole window fits.
    assert window_covering(night, at(FRIDAY, 19), at(FRIDAY, 7, days=1)) is not None


def test_times_in_another_zone_are_read_in_city_time():
    night = [w(FRI, 19, 7)]
    utc = dt.UTC
    # Fri 22:00-Sat 06:00 in Shanghai is Fri 14:00-22:00 UTC.
    assert window_covering(night, dt.datetime(2025, 6, 6, 14, tzinfo=utc), dt.datetime(2025, 6, 6, 22, tzinfo=utc))
    # Fri 10:00-11:00 UTC is Fri 18:00-19:00 in Shanghai: before the window.
    assert window_covering(night, dt.datetime(2025, 6, 6, 10, tzinfo=utc),
                           dt.datetime(2025, 6, 6, 11, tzinfo=utc)) is None


def test_adjacent_windows_merge():
    windows = [w(MON, 8, 12), w(MON, 12, 18)]
    assert window_covering(windows, at(MONDAY, 11), at(MONDAY, 13)) == (at(MONDAY, 8), at(MONDAY, 18))
    assert window_covering(windows, at(MONDAY, 17), at(MONDAY, 19)) is None
    # A gap does not merge.
    gapped = [w(MON, 8, 12), w(MON, 13, 18)]
    assert window_covering(gapped, at(MONDAY, 11), at(MONDAY, 14)) is None
    assert window_covering(gapped, at(MONDAY, 13), at(MONDAY, 14)) is not None


def test_windows_merge_across_midnight_and_the_end_of_the_week():
    windows = [w(SUN, 22, 0), w(MON, 0, 6)]
    sunday = MONDAY - dt.timedelta(days=1)
    assert window_covering(windows, at(sunday, 23), at(MONDAY, 1)) == (at(sunday, 22), at(MONDAY, 6))


def test_all_week_windows_hold_a_multi_day_stay():
    all_week = [w(day, 0, 0) for day in range(7)]
    assert window_covering(all_week, at(MONDAY, 9), at(MONDAY, 9, days=3)) is not None


def test_occurrences_are_sorted_and_a_midnight_end_closes_the_next_day():
    found = occurrences([w(MON, 8, 10), w(SUN, 20, 0)], dt.date(2025, 6, 8), dt.date(2025, 6, 9))
    assert found == [(at(dt.date(2025, 6, 8), 20), at(MONDAY, 0)), (at(MONDAY, 8), at(MONDAY, 10))]


def test_overlapping_windows_are_detected():
    assert windows_overlap([w(MON, 8, 12), w(MON, 11, 13)])
    assert not windows_overlap([w(MON, 8, 12), w(MON, 12, 13)])
    assert not windows_overlap([w(MON, 8, 12), w(TUE, 8, 12)])
    assert windows_overlap([w(FRI, 19, 7), w(SAT, 6, 9)])
    assert not windows_overlap([w(FRI, 19, 7), w(SAT, 7, 9)])


def test_a_sunday_night_window_overlapping_monday_morning_is_detected():
    assert windows_overlap([w(SUN, 22, 2), w(MON, 1, 3)])
    assert not windows_overlap([w(SUN, 22, 2), w(MON, 2, 3)])
