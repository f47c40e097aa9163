"""Cancellation refunds under each policy, at each boundary."""

import datetime as dt

import pytest

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.payments.policies import cancellation_refund_fen, policy_text

START = dt.datetime(2026, 5, 1, 14, 0, tzinfo=CITY_TZ)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@pytest.mark.parametrize(("policy", "before_start", "expected"), [
    ("flexible", 24 * H, 10_001),
    ("flexible", 24 * H - dt.timedelta(seconds=1), 5_001),   # 5000.5 rounds half up
    ("flexible", -2 * H, 5_001),
    ("moderate", 5 * D, 10_001),
    ("moderate", 5 * D - dt.timedelta(seconds=1), 5_001),
    ("moderate", dt.timedelta(0), 5_001),
    ("moderate", -dt.timedelta(seconds=1), 0),
    ("strict", 7 * D, 5_001),
    ("strict", 7 * D - dt.timedelta(seconds=1), 0),
    ("strict", 30 * D, 5_001),
])
def test_refund_by_policy_and_time(policy, before_start, expected):
    assert cancellation_refund_fen(policy=policy, total_fen=10_001, starts_at=START,
                                   cancelled_at=START - before_start) == expected


def test_goods_without_a_start_are_refunded_in_full_before_shipping():
    assert cancellation_refund_fen(policy="strict", total_fen=8_000, starts_at=None, cancelled_at=START) == 8_000
    assert cancellation_refund_fen(policy="strict", total_fen=8_000, starts_at=None, cancelled_at=START,
                                   shipped=True) == 0


def test_unknown_policy_is_an_error():
    with pytest.raises(ValueError):
        cancellation_refund_fen(policy="lenient", total_fen=1, starts_at=START, cancelled_at=START)


def test_policy_texts_name_the_deadlines(in_english):
    assert "24 hours" in policy_text("flexible")
    assert "5 days" in policy_text("moderate")
    assert "7 days" in policy_text("strict")
