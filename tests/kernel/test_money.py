"""Money is integer fen, formatted and parsed as yuan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.money import format_yuan, parse_yuan, prorate_fen


@pytest.mark.parametrize(
    ("fen", "text"),
    [(0, "¥0.00"), (5, "¥0.05"), (1250, "¥12.50"), (123456, "¥1,234.56"), (100000000, "¥1,000,000.00"),
     (-1250, "-¥12.50"), (-5, "-¥0.05")],
)
def test_format_yuan(fen, text):
    assert format_yuan(fen) == text


def test_format_yuan_without_symbol():
    assert format_yuan(123456, symbol=False) == "1,234.56"


@pytest.mark.parametrize(
    ("text", "fen"),
    [("12.50", 1250), ("12.5", 1250), ("12", 1200), ("¥1,234.56", 123456), (" 0.01 ", 1), ("-3.20", -320),
     ("-¥12.50", -1250), (12, 1200), (Decimal("0.30"), 30), ("1,000,000", 100000000)],
)
def test_parse_yuan(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("fen", [0, 1, 99, 1250, 123456, -1250, -5, 987654321])
def test_format_then_parse_is_the_identity(fen):
    assert parse_yuan(format_yuan(fen)) == fen


def test_too_many_decimals_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as caught:
        parse_yuan("12.345", field="price")
    assert caught.value.field == "price"
    assert "two decimals" in str(caught.value.message)


@pytest.mark.parametrize("text", ["abc", "", "12,5.0.1", "NaN", "Infinity", "--5"])
def test_non_amounts_are_refused_naming_the_field(text):
    with pytest.raises(InvalidInput) as caught:
        parse_yuan(text, field="price_per_hour")
    assert caught.value.field == "price_per_hour"
    assert caught.value.code == "invalid"


@pytest.mark.parametrize(
    ("rate", "numerator", "denominator", "fen"),
    [(800, 30, 60, 400), (800, 90, 60, 1200), (1000, 1, 3, 333), (1000, 2, 3, 667), (1, 1, 2, 1), (3, 1, 2, 2),
     (999, 0, 60, 0)],
)
def test_prorate_rounds_half_up_to_whole_fen(rate, numerator, denominator, fen):
    assert prorate_fen(rate, numerator, denominator) == fen
