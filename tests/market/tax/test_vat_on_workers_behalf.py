"""VAT filed by the platform on its workers' behalf as small-scale taxpayers (国家税务总局公告2025年第16号
第二条第(一)项: monthly sales up to 100,000 yuan exempt, 3% levy reduced to 1%, guidance to register above
5 million yuan in 12 consecutive months)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sharecity.kernel.errors import InvalidInput
from sharecity.market.tax.vat import MonthSales, monthly_vat


def months_from(start, incomes_yuan):
    months, month = [], start
    for income in incomes_yuan:
        months.append(MonthSales(month=month, income_fen=round(income * 100)))
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def test_sales_of_exactly_100000_yuan_excluding_vat_are_exempt():
    (result,) = monthly_vat(months_from(dt.date(2026, 3, 1), [101_000]))
    assert (result.sales_fen, result.exempt, result.vat_fen) == (10_000_000, True, 0)


def test_a_month_above_the_threshold_is_taxed_in_full_at_1_percent():
    (result,) = monthly_vat(months_from(dt.date(2026, 3, 1), [101_010]))
    assert result.sales_fen == 10_000_990 and not result.exempt
    assert result.vat_fen == 100_010  # 101,010 − 100,009.90 = 1,000.10 yuan (1% of the sales, to the fen)
    assert result.levy_rate == Decimal("0.01")
    assert result.sales_fen + result.vat_fen == result.income_fen


def test_an_ordinary_workers_month_owes_nothing():
    assert [r.vat_fen for r in monthly_vat(months_from(dt.date(2026, 1, 1), [6000, 0, 8500.5]))] == [0, 0, 0]


def test_the_platform_guides_a_worker_above_5_million_in_12_consecutive_months_to_register():
    results = monthly_vat(months_from(dt.date(2026, 1, 1), [420_000] * 12))
    assert [r.guide_to_register for r in results[-2:]] == [False, True]  # 4.62 million, then 5.04 million
    assert results[-1].twelve_months_fen == 504_000_000


@pytest.mark.parametrize("month", [dt.date(2025, 9, 1), dt.date(2028, 1, 1)])
def test_no_return_is_computed_outside_the_recorded_treatment(month):
    with pytest.raises(InvalidInput) as refused:
        monthly_vat(months_from(month, [1000]))
    assert (refused.value.field, refused.value.code) == ("month", "tax.not_in_force")


def test_months_out_of_order_are_refused():
    with pytest.raises(InvalidInput) as refused:
        monthly_vat([MonthSales(month=dt.date(2026, 1, 1), income_fen=1),
                     MonthSales(month=dt.date(2026, 3, 1), income_fen=1)])
    assert refused.value.code == "tax.months_consecutive"
