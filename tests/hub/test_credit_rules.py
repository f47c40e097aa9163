"""Publicity periods and repair deadlines of dishonesty records, on dated examples.

Periods: 国办发〔2025〕22号 二 (from 2025-06-22) and 国家发展改革委令2025年第36号 (from 2026-04-01);
counting by 民法典 第二百零一条、第二百零二条. Deadlines: working days on the official holiday calendar.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.utils import translation

from sharecity.hub.credit.rules import (
    GUOBAN_2025_22,
    NDRC_ORDER_2025_36,
    PUBLICITY_RULES,
    PublicityRule,
    RepairDeadlineRule,
    Severity,
    period_end,
    publicity_periods,
    repair_decision_due,
    repair_result_due,
)
from sharecity.kernel.errors import InvalidInput

D = dt.date.fromisoformat


def periods(severity: str, decided: str) -> tuple[str, str]:
    result = publicity_periods(severity=severity, decided=D(decided))
    return result.repair_from.isoformat(), result.display_until.isoformat()


@pytest.mark.parametrize(("severity", "decided", "repair_from", "display_until"), [
    # Ordinary: at least 3 months, at most 1 year. The minimum ends on the corresponding day; repair from the next.
    ("ordinary", "2026-05-15", "2026-08-16", "2027-05-15"),
    # Serious: at least 1 year, at most 3 years.
    ("serious", "2026-05-15", "2027-05-16", "2029-05-15"),
    # Light: no minimum (repair once the duty is performed), shown at most 3 months if shown at all.
    ("light", "2026-05-15", "2026-05-15", "2026-08-15"),
    # 31 Jan + 3 months: April has no 31st, so the minimum ends on 30 April (民法典 第二百零二条).
    ("ordinary", "2026-01-31", "2026-05-01", "2027-01-31"),
    ("ordinary", "2026-08-31", "2026-12-01", "2027-08-31"),
    ("ordinary", "2025-11-30", "2026-03-01", "2026-11-30"),
    ("light", "2026-11-30", "2026-11-30", "2027-02-28"),
    # A leap day: one year later there is no 29 February, so the period ends on the 28th.
    ("serious", "2028-02-29", "2029-03-01", "2031-02-28"),
    ("light", "2027-11-29", "2027-11-29", "2028-02-29"),
    ("ordinary", "2027-11-30", "2028-03-01", "2028-11-30"),
    # The eve of National Day: a publicity period is not moved off holidays (see rules.py on 第二百零三条).
    ("serious", "2026-09-30", "2027-10-01", "2029-09-30"),
])
def test_publicity_periods_on_dated_examples(severity, decided, repair_from, display_until):
    assert periods(severity, decided) == (repair_from, display_until)


def test_the_rule_in_force_on_the_decision_date_is_cited():
    assert publicity_periods(severity="ordinary", decided=D("2025-06-22")).source.startswith(GUOBAN_2025_22)
    assert publicity_periods(severity="ordinary", decided=D("2026-03-31")).source.startswith(GUOBAN_2025_22)
    assert publicity_periods(severity="ordinary", decided=D("2026-04-01")).source.startswith(NDRC_ORDER_2025_36)


@pytest.mark.parametrize("decided", ["2023-04-30", "2024-06-01", "2025-06-21"])
def test_no_rule_in_force_before_the_2025_measures_is_said_not_guessed(decided):
    with pytest.raises(InvalidInput) as caught:
        publicity_periods(severity="serious", decided=D(decided))
    assert caught.value.field == "decided"
    assert caught.value.code == "credit.no_rule_in_force"
    assert decided in str(caught.value.message)


@pytest.mark.parametrize("decided", ["9999-12-31", "9998-06-01"])
def test_a_period_ending_past_the_calendar_is_refused_not_crashed(decided):
    with pytest.raises(InvalidInput) as caught:
        publicity_periods(severity="serious", decided=D(decided))
    assert caught.value.field == "decided"
    assert caught.value.code == "credit.date_out_of_range"


@pytest.mark.parametrize(("language", "words"), [("en", "Unknown severity"), ("zh-hans", "未知的失信程度")])
def test_unknown_severity_names_the_field_and_the_choices_in_the_users_language(language, words):
    with translation.override(language), pytest.raises(InvalidInput) as caught:
        publicity_periods(severity="grave", decided=D("2026-05-15"))
    assert caught.value.field == "severity"
    assert caught.value.code == "credit.severity_unknown"
    message = str(caught.value.message)
    assert words in message and "'grave'" in message
    assert all(choice in message for choice in ("light", "ordinary", "serious"))


def test_a_change_in_law_is_a_new_row_and_old_decisions_keep_the_old_rule():
    amended = (
        *(r if r.severity != Severity.ORDINARY or r.effective_until else
          PublicityRule(r.severity, r.min_display_months, r.max_display_months, r.source, r.effective_from,
                        dt.date(2027, 12, 31))
          for r in PUBLICITY_RULES),
        PublicityRule(Severity.ORDINARY, 6, 18, "a later order", dt.date(2028, 1, 1), None),
    )
    before = publicity_periods(severity="ordinary", decided=D("2027-12-31"), rules=amended)
    after = publicity_periods(severity="ordinary", decided=D("2028-01-01"), rules=amended)
    assert (before.display_until, before.source) == (D("2028-12-31"), publicity_periods(
        severity="ordinary", decided=D("2027-12-31")).source)
    assert (after.repair_from, after.display_until, after.source) == (D("2028-07-02"), D("2029-07-01"),
                                                                       "a later order")


def test_overlapping_rule_versions_are_refused_not_guessed():
    doubled = (*PUBLICITY_RULES, PublicityRule(Severity.SERIOUS, 6, 36, "overlap", dt.date(2026, 1, 1), None))
    with pytest.raises(ValueError, match="overlapping"):
        publicity_periods(severity="serious", decided=D("2026-05-15"), rules=doubled)


def test_period_end_counts_from_the_day_after():
    assert period_end(D("2026-03-15"), 0) == D("2026-03-15")
    assert period_end(D("2026-12-31"), 2) == D("2027-02-28")
    assert period_end(D("2026-01-31"), 1) == D("2026-02-28")


@pytest.mark.parametrize(("received", "decision_due", "result_due"), [
    # 2025 National Day and Mid-Autumn: 1-8 Oct off, Saturday 11 Oct worked.
    ("2025-09-30", "2025-10-11", "2025-10-21"),
    # 2026 Spring Festival: 15-23 Feb off, Saturdays 14 and 28 Feb worked.
    ("2026-02-13", "2026-02-25", "2026-03-05"),
    # 2026 National Day: 1-7 Oct off, Saturday 10 Oct worked.
    ("2026-09-30", "2026-10-10", "2026-10-20"),
    # An ordinary week: Friday + 3 working days is Wednesday.
    ("2026-05-15", "2026-05-20", "2026-05-29"),
])
def test_repair_deadlines_follow_the_official_holiday_calendar(received, decision_due, result_due):
    assert repair_decision_due(received=D(received)) == D(decision_due)
    assert repair_result_due(received=D(received)) == D(result_due)


@pytest.mark.parametrize(("received", "decision_due", "result_due"), [
    # 2025 Spring Festival: 28 Jan - 4 Feb off, Sunday 26 Jan and Saturday 8 Feb worked.
    ("2025-01-24", "2025-02-05", "2025-02-13"),
    ("2025-01-27", "2025-02-07", "2025-02-17"),
])
def test_repair_deadlines_over_the_2025_spring_festival_with_a_rule_in_force_then(received, decision_due, result_due):
    # The 2025 measures postdate this holiday; a rule row covering it shows the calendar arithmetic.
    earlier = (RepairDeadlineRule(3, 10, "earlier rule", dt.date(2025, 1, 1), dt.date(2025, 6, 21)),)
    assert repair_decision_due(received=D(received), rules=earlier) == D(decision_due)
    assert repair_result_due(received=D(received), rules=earlier) == D(result_due)


def test_repair_deadlines_before_the_2025_measures_say_no_rule():
    with pytest.raises(InvalidInput) as caught:
        repair_decision_due(received=D("2025-06-21"))
    assert caught.value.field == "received"
    assert repair_result_due(received=D("2025-06-22"), rules=(
        RepairDeadlineRule(3, 10, "x", dt.date(2025, 6, 22), None),)) == D("2025-07-04")


def run_cli(*args: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SHARECITY_VAR_DIR": str(tmp_path / "var")}
    return subprocess.run([sys.executable, "-m", "sharecity.cli", "credit", "periods", *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_cli_prints_the_periods_as_json(tmp_path):
    done = run_cli("--severity", "ordinary", "--decided", "2026-01-31", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "severity": "ordinary", "decided": "2026-01-31", "repair_from": "2026-05-01",
        "display_until": "2027-01-31", "source": publicity_periods(severity="ordinary", decided=D("2026-01-31")).source,
    }


@pytest.mark.parametrize(("args", "option"), [
    (("--severity", "grave", "--decided", "2026-01-31"), "--severity"),
    (("--severity", "ordinary", "--decided", "2026-02-30"), "--decided"),
    (("--severity", "ordinary", "--decided", "31/01/2026"), "--decided"),
    (("--severity", "ordinary", "--decided", "2024-01-31"), "--decided"),
    # Other ISO 8601 spellings Python would read are refused: the option promises YYYY-MM-DD.
    (("--severity", "ordinary", "--decided", "20260131"), "--decided"),
    (("--severity", "ordinary", "--decided", "2026-W05-6"), "--decided"),
    (("--severity", "ordinary", "--decided", "9999-12-31"), "--decided"),
    (("--severity", "SERIOUS", "--decided", "2026-01-31"), "--severity"),
    (("--severity", "ordinary"), "--decided"),
])
def test_cli_refuses_bad_input_naming_the_option(args, option, tmp_path):
    done = run_cli(*args, tmp_path=tmp_path)
    assert done.returncode != 0
    assert done.stdout == ""
    assert option in done.stderr
    assert "Traceback" not in done.stderr
