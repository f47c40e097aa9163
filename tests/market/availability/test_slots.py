"""The calendar maths, on plain data."""

from __future__ import annotations

import datetime as dt

import pytest

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.availability import slots
from sharecity.market.availability.errors import (
    InvalidTimes,
    TooFarAhead,
    TooLong,
    TooShort,
    TooSoon,
    UserLimit,
)

MONDAY = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CITY_TZ)


def booked(day, start_hour, end_hour, quantity=1):
    return slots.Booked(at(day, start_hour), at(day, end_hour), quantity)


def test_a_city_day_is_always_24_hours_in_asia_shanghai():
    # Asia/Shanghai keeps no daylight saving: the spring-forward weekend elsewhere changes nothing here.
    for day in (dt.date(2026, 3, 8), dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2026, 11, 1)):
        opens, closes = slots.day_span(day, day)
        assert closes - opens == dt.timedelta(hours=24)
        assert opens.utcoffset() == dt.timedelta(hours=8)
    rows = slots.calendar_rows(slots.Schedule(capacity=1), [], unit=slots.HOUR, start_date=dt.date(2026, 3, 29),
                               days=1, slot_minutes=60)
    assert len(rows[0].slots) == 24


def test_no_rules_means_open_all_the_time_at_capacity():
    schedule = slots.Schedule(capacity=3)
    assert slots.capacity_profile(schedule, at(MONDAY, 0), at(MONDAY, 23)) == [
        slots.Segment(at(MONDAY, 0), at(MONDAY, 23), 3)]


def test_weekly_rule_opens_only_on_its_weekday_and_hours():
    schedule = slots.Schedule(capacity=2, rules=(slots.Rule(0, dt.time(9), dt.time(17)),))
    profile = slots.capacity_profile(schedule, at(MONDAY, 0), at(MONDAY + dt.timedelta(days=1), 12))
    assert [(s.starts_at.hour, s.ends_at.hour, s.value) for s in profile] == [(0, 9, 0), (9, 17, 2), (17, 12, 0)]


def test_rule_ending_at_or_before_its_start_runs_past_midnight():
    friday_night = slots.Rule(4, dt.time(22), dt.time(6))
    schedule = slots.Schedule(capacity=1, rules=(friday_night,))
    friday, saturday = MONDAY + dt.timedelta(days=4), MONDAY + dt.timedelta(days=5)
    assert friday_night.overnight
    assert slots.min_remaining(schedule, [], at(friday, 23), at(saturday, 5)) == 1
    assert slots.min_remaining(schedule, [], at(saturday, 5), at(saturday, 7)) == 0
    # Seen from Saturday alone, the rule that began on Friday is still found.
    assert slots.rule_occurrences(schedule.rules, at(saturday, 1), at(saturday, 2)) == [
        (at(friday, 22), at(saturday, 6), friday_night)]
    # Sunday night into Monday of the next week.
    sunday_night = slots.Rule(6, dt.time(20), dt.time(0))
    sunday = MONDAY + dt.timedelta(days=6)
    assert slots.min_remaining(slots.Schedule(capacity=1, rules=(sunday_night,)), [], at(sunday, 20),
                               at(sunday + dt.timedelta(days=1), 0)) == 1


def test_rule_capacity_overrides_the_listing_capacity():
    schedule = slots.Schedule(capacity=5, rules=(slots.Rule(0, dt.time(9), dt.time(12), capacity=2),
                                                 slots.Rule(0, dt.time(12), dt.time(18))))
    assert slots.min_remaining(schedule, [], at(MONDAY, 9), at(MONDAY, 12)) == 2
    assert slots.min_remaining(schedule, [], at(MONDAY, 12), at(MONDAY, 18)) == 5
    assert slots.min_remaining(schedule, [], at(MONDAY, 11), at(MONDAY, 13)) == 2


def test_exceptions_override_weekly_rules_both_ways():
    rules = (slots.Rule(0, dt.time(9), dt.time(17)),)
    closed = slots.Exception_(at(MONDAY, 12), at(MONDAY, 14), closed=True)
    opened = slots.Exception_(at(MONDAY, 18), at(MONDAY, 20), closed=False, capacity=1)
    schedule = slots.Schedule(capacity=3, rules=rules, exceptions=(closed, opened))
    profile = slots.capacity_profile(schedule, at(MONDAY, 9), at(MONDAY, 20))
    assert [(s.starts_at.hour, s.ends_at.hour, s.value) for s in profile] == [
        (9, 12, 3), (12, 14, 0), (14, 17, 3), (17, 18, 0), (18, 20, 1)]
    assert slots.closed_exception_overlaps(schedule, at(MONDAY, 13), at(MONDAY, 15)) == closed
    assert slots.closed_exception_overlaps(schedule, at(MONDAY, 14), at(MONDAY, 15)) is None
    # The later exception wins where two overlap.
    reopened = slots.Exception_(at(MONDAY, 13), at(MONDAY, 14), closed=False, capacity=2)
    schedule = slots.Schedule(capacity=3, rules=rules, exceptions=(closed, reopened))
    assert slots.min_remaining(schedule, [], at(MONDAY, 13), at(MONDAY, 14)) == 2


def test_peak_not_sum_partial_overlaps():
    # 9-10 and 11-12 both overlap 9-12 but never at the same instant: the peak is 1, the sum 2.
    schedule = slots.Schedule(capacity=2)
    apart = [booked(MONDAY, 9, 10), booked(MONDAY, 11, 12)]
    assert slots.peak_usage(apart, at(MONDAY, 9), at(MONDAY, 12)) == 1
    assert slots.min_remaining(schedule, apart, at(MONDAY, 9), at(MONDAY, 12)) == 1
    # 9-11 and 10-12 meet during 10-11: the peak is 2, nothing is left.
    meeting = [booked(MONDAY, 9, 11), booked(MONDAY, 10, 12)]
    assert slots.peak_usage(meeting, at(MONDAY, 9), at(MONDAY, 12)) == 2
    assert slots.min_remaining(schedule, meeting, at(MONDAY, 9), at(MONDAY, 12)) == 0
    assert slots.min_remaining(schedule, meeting, at(MONDAY, 11), at(MONDAY, 12)) == 1


def test_back_to_back_intervals_never_meet():
    end_at_ten = [booked(MONDAY, 8, 10, quantity=2)]
    assert slots.peak_usage(end_at_ten, at(MONDAY, 10), at(MONDAY, 11)) == 0
    assert slots.min_remaining(slots.Schedule(capacity=2), end_at_ten, at(MONDAY, 10), at(MONDAY, 11)) == 2


def test_normalise_times_for_each_unit():
    nine, ten = at(MONDAY, 9), at(MONDAY, 10)
    assert slots.normalise_times("hour", nine, ten, slot_minutes=30) == (nine, ten)
    with pytest.raises(InvalidTimes) as error:
        slots.normalise_times("hour", at(MONDAY, 9, 15), ten, slot_minutes=30)
    assert error.value.field == "starts_at"
    with pytest.raises(InvalidTimes) as error:
        slots.normalise_times("hour", ten, nine)
    assert error.value.field == "ends_at"
    # Whole days only.
    tuesday = MONDAY + dt.timedelta(days=1)
    assert slots.normalise_times("day", MONDAY, tuesday) == (at(MONDAY, 0), at(tuesday, 0))
    with pytest.raises(InvalidTimes):
        slots.normalise_times("day", nine, at(tuesday, 0))
    # Nights: check-in date to check-out date, times of day ignored.
    s, e = slots.normalise_times("night", at(MONDAY, 14), at(tuesday + dt.timedelta(days=1), 12))
    assert (s, e) == (at(MONDAY, 0), at(tuesday + dt.timedelta(days=1), 0))
    assert slots.units_count("night", s, e) == 2
    with pytest.raises(InvalidTimes):
        slots.normalise_times("night", at(MONDAY, 14), at(MONDAY, 20))
    # A UTC datetime is read in city time: 01:00 UTC is 09:00 in Xiamen.
    utc_nine = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    assert slots.normalise_times("hour", utc_nine, ten) == (utc_nine, ten)
    assert slots.units_count("hour", utc_nine, at(MONDAY, 11, 30)) == 3


def test_instrument_rules():
    now = at(MONDAY, 8, 10)
    rules = slots.Rules(slot_minutes=30, min_block_minutes=60, max_block_minutes=240, notice_minutes=120,
                        horizon_days=14)
    slots.check_rules(rules, "hour", at(MONDAY, 10, 30), at(MONDAY, 11, 30), now)
    with pytest.raises(TooSoon):  # less than two hours' notice
        slots.check_rules(rules, "hour", at(MONDAY, 10), at(MONDAY, 11), now)
    with pytest.raises(TooSoon):  # in the past
        slots.check_rules(slots.Rules(slot_minutes=30), "hour", at(MONDAY, 7, 30), at(MONDAY, 9), now)
    slots.check_rules(slots.Rules(slot_minutes=30), "hour", at(MONDAY, 8), at(MONDAY, 9), now)  # current slot
    with pytest.raises(TooShort):
        slots.check_rules(rules, "hour", at(MONDAY, 11), at(MONDAY, 11, 30), now)
    with pytest.raises(TooLong):
        slots.check_rules(rules, "hour", at(MONDAY, 11), at(MONDAY, 15, 30), now)
    far = MONDAY + dt.timedelta(days=15)
    with pytest.raises(TooFarAhead):
        slots.check_rules(rules, "hour", at(far, 9), at(far, 10), now)
    # Days: today is still bookable, yesterday is not.
    slots.check_rules(slots.Rules(), "day", at(MONDAY, 0), at(MONDAY + dt.timedelta(days=1), 0), now)
    with pytest.raises(TooSoon):
        slots.check_rules(slots.Rules(), "day", at(MONDAY - dt.timedelta(days=1), 0), at(MONDAY, 0), now)


def test_rolling_week_finds_the_fullest_seven_days():
    day = dt.timedelta(days=1)
    spans = [(at(MONDAY, 9), at(MONDAY, 13)), (at(MONDAY + 6 * day, 9), at(MONDAY + 6 * day, 13)),
             (at(MONDAY + 8 * day, 9), at(MONDAY + 8 * day, 13))]
    # Monday and the next Sunday fit in one week (8 h), as do that Sunday and the Tuesday after (8 h); not all three.
    assert slots.max_minutes_in_window(spans) == 8 * 60
    rules = slots.Rules(max_hours_per_week=8)
    slots.check_user_limits(rules, starts_at=at(MONDAY + 15 * day, 9), ends_at=at(MONDAY + 15 * day, 17),
                            active_future=2, own_intervals=spans)
    with pytest.raises(UserLimit):
        slots.check_user_limits(rules, starts_at=at(MONDAY + 3 * day, 9), ends_at=at(MONDAY + 3 * day, 10),
                                active_future=2, own_intervals=spans)
    with pytest.raises(UserLimit):
        slots.check_user_limits(slots.Rules(max_future_reservations=2), starts_at=at(MONDAY, 9),
                                ends_at=at(MONDAY, 10), active_future=2, own_intervals=[])


def test_calendar_rows_show_capacity_and_what_is_left():
    schedule = slots.Schedule(capacity=3, rules=(slots.Rule(0, dt.time(9), dt.time(12)),),
                              exceptions=(slots.Exception_(at(MONDAY, 11), at(MONDAY, 12), closed=True),))
    rows = slots.calendar_rows(schedule, [booked(MONDAY, 9, 10, quantity=2)], unit="hour", start_date=MONDAY,
                               days=2, slot_minutes=60)
    monday = {slot["starts_at"].hour: (slot["capacity"], slot["remaining"]) for slot in rows[0].slots}
    assert monday[8] == (0, 0)
    assert monday[9] == (3, 1)
    assert monday[10] == (3, 3)
    assert monday[11] == (0, 0)
    assert rows[0].remaining == 1
    assert all(slot["capacity"] == 0 for slot in rows[1].slots)
    nights = slots.calendar_rows(slots.Schedule(capacity=2), [slots.Booked(at(MONDAY, 0), at(MONDAY, 0) +
                                 dt.timedelta(days=2), 1)], unit="night", start_date=MONDAY, days=3)
    assert [row.slots[0]["remaining"] for row in nights] == [1, 1, 2]


def test_overlapping_rules_are_refused_including_across_the_week_end():
    assert slots.rules_overlap([slots.Rule(0, dt.time(9), dt.time(12)), slots.Rule(0, dt.time(11), dt.time(13))])
    assert not slots.rules_overlap([slots.Rule(0, dt.time(9), dt.time(12)), slots.Rule(0, dt.time(12), dt.time(13))])
    assert slots.rules_overlap([slots.Rule(6, dt.time(22), dt.time(6)), slots.Rule(0, dt.time(5), dt.time(8))])
