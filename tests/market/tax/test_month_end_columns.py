"""The columnar month-end run (``market.tax.month_end_columns``) gives every worker the same figures, to the fen,
as the per-worker reference (``month_end.worker_month_end``): for every reading of 连续 (``GapRule``), at the edges
of each bracket of the cumulative table, at the VAT exemption's edge, for months without income and for random
workers."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecity.kernel.errors import InvalidInput
from sharecity.market.tax.month_end import (
    EarlierState,
    WorkerMonthSums,
    month_end_from_sums,
)
from sharecity.market.tax.month_end_columns import SECTOR_PREFIX, month_end_frame
from sharecity.market.tax.parameters import cumulative_parameters_at, small_scale_vat_parameters_at
from sharecity.market.tax.rules import MAX_MONTHLY_FEN, GapRule, fen_divided_by_one_plus, fen_times

NOV = dt.date(2026, 11, 1)
RATES = {"catering": 4, "ride_hailing": 6}  # fen per order: made-up rates for the test, not the official table
SECTORS = ("catering", "ride_hailing", "skills")


def frame_of(cases: list[tuple[WorkerMonthSums, EarlierState | None]]) -> pl.DataFrame:
    rows = []
    for index, (sums, state) in enumerate(cases):
        row = {"worker": f"w{index}", "platform": "p", "orders": sums.orders, "gross_fen": sums.gross_fen,
               "commission_fen": sums.commission_fen,
               **{SECTOR_PREFIX + s: sums.orders_by_sector.get(s, 0) for s in SECTORS}}
        if state is None:  # a worker new this year: no row in the register, nulls after the join
            row |= {"year_income_fen": None, "year_other_deductions_fen": None, "year_withheld_fen": None,
                    "eleven_months_sales_fen": None, "year_months_with_income": None}
        else:
            row |= {"year_income_fen": state.year_income_fen,
                    "year_other_deductions_fen": state.year_other_deductions_fen,
                    "year_withheld_fen": state.year_withheld_fen,
                    "eleven_months_sales_fen": state.eleven_months_sales_fen,
                    "year_months_with_income": "".join("1" if m else "0" for m in state.year_months_with_income)}
        rows.append(row)
    schema = {"worker": pl.String, "platform": pl.String, "orders": pl.Int64, "gross_fen": pl.Int64,
              "commission_fen": pl.Int64, **{SECTOR_PREFIX + s: pl.Int64 for s in SECTORS},
              "year_income_fen": pl.Int64, "year_other_deductions_fen": pl.Int64, "year_withheld_fen": pl.Int64,
              "eleven_months_sales_fen": pl.Int64, "year_months_with_income": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def assert_same(cases, gap_rule: GapRule) -> None:
    sums = {(f"w{i}", "p"): s for i, (s, _) in enumerate(cases)}
    earlier = {(f"w{i}", "p"): e for i, (_, e) in enumerate(cases) if e is not None}
    reference = month_end_from_sums(sums, month=NOV, earlier=earlier, injury_rates=RATES, gap_rule=gap_rule)
    columns = month_end_frame(frame_of(cases), month=NOV, injury_rates=RATES, gap_rule=gap_rule)
    assert columns.totals == reference.totals
    got = columns.workers.to_dicts()
    assert len(got) == len(reference.workers)
    for row, r in zip(got, reference.workers, strict=True):
        w, v = r.withholding, r.vat
        expected = {
            "worker": r.worker, "platform": r.platform, "orders": r.orders, "gross_fen": r.gross_fen,
            "commission_fen": r.commission_fen, "income_fen": r.income_fen,
            "cumulative_income_fen": w.cumulative_income_fen, "cumulative_expenses_fen": w.cumulative_expenses_fen,
            "months_counted": w.months_counted, "cumulative_deduction_fen": w.cumulative_deduction_fen,
            "cumulative_other_deductions_fen": w.cumulative_other_deductions_fen, "taxable_fen": w.taxable_fen,
            "quick_deduction_fen": w.quick_deduction_fen, "cumulative_tax_fen": w.cumulative_tax_fen,
            "withheld_before_fen": w.withheld_before_fen, "withheld_fen": w.withheld_fen, "net_fen": r.net_fen,
            "sales_fen": v.sales_fen, "vat_fen": v.vat_fen, "exempt": v.exempt,
            "twelve_months_fen": v.twelve_months_fen, "guide_to_register": v.guide_to_register,
            "injury_orders": r.injury_orders, "injury_fen": r.injury_fen}
        assert row == expected, (row, expected)


FLAGS = ["", "1", "0", "1111111111", "0000000000", "1011111111", "1111110111", "0000000001", "1000000000",
         "0101010101", "11111"]


def boundary_cases() -> list[tuple[WorkerMonthSums, EarlierState | None]]:
    """Incomes putting the year's taxable income at each bracket's ceiling and one fen either side, a month at
    the VAT exemption's edge, and months without income (no pay, or all of it commission)."""
    in_force, vat = cumulative_parameters_at(NOV), small_scale_vat_parameters_at(NOV)
    cases: list[tuple[WorkerMonthSums, EarlierState | None]] = []
    income = 30_000_00
    for flags in FLAGS:
        months = tuple(c == "1" for c in flags)
        for bracket in in_force.brackets[:-1]:
            for counted in range(len(flags) + 2):
                deduction = in_force.deduction_per_month_fen * counted
                target = bracket.up_to_fen + deduction
                # the cumulative income whose taxable income (less 20% expenses) is near the ceiling
                guess = target * 5 // 4
                for cumulative in range(guess - 4, guess + 5):
                    if cumulative - fen_times(cumulative, in_force.expense_ratio) - deduction not in (
                            bracket.up_to_fen - 1, bracket.up_to_fen, bracket.up_to_fen + 1):
                        continue
                    for withheld in (0, 1_000_00, 10**12):
                        state = EarlierState(year_income_fen=cumulative - income, year_withheld_fen=withheld,
                                             year_months_with_income=months, eleven_months_sales_fen=cumulative)
                        cases.append((WorkerMonthSums(orders=3, gross_fen=income, commission_fen=0,
                                                      orders_by_sector={"catering": 3}), state))
        # the VAT exemption's edge: sales exactly at it, and the incomes around it
        at = vat.monthly_exemption_fen * (1 + vat.levy_rate)
        for gross in range(int(at) - 3, int(at) + 4):
            state = EarlierState(year_income_fen=gross, year_months_with_income=months,
                                 eleven_months_sales_fen=vat.general_registration_fen - gross + (gross % 3 - 1))
            cases.append((WorkerMonthSums(orders=1, gross_fen=gross, commission_fen=gross // 10,
                                          orders_by_sector={"ride_hailing": 1}), state))
        # months without income: nothing paid, or everything the platform's commission
        state = EarlierState(year_income_fen=100_000_00, year_withheld_fen=5_000_00, year_months_with_income=months)
        cases.append((WorkerMonthSums(orders=0, gross_fen=0, commission_fen=0), state))
        cases.append((WorkerMonthSums(orders=2, gross_fen=500_00, commission_fen=500_00,
                                      orders_by_sector={"skills": 2}), state))
        cases.append((WorkerMonthSums(orders=0, gross_fen=0, commission_fen=0), None))
    assert any(fen_divided_by_one_plus(s.gross_fen, vat.levy_rate) == vat.monthly_exemption_fen for s, _ in cases)
    return cases


@pytest.mark.parametrize("gap_rule", list(GapRule))
def test_the_columns_equal_the_reference_at_every_edge(gap_rule):
    assert_same(boundary_cases(), gap_rule)


money = st.integers(min_value=0, max_value=2_000_000_00)
worker = st.builds(
    lambda orders, gross, share, flags, year, other, withheld, eleven, catering, known: (
        WorkerMonthSums(orders=orders, gross_fen=gross, commission_fen=gross * share // 100,
                        orders_by_sector={"catering": min(catering, orders), "skills": orders - min(catering, orders)}),
        EarlierState(year_income_fen=year, year_other_deductions_fen=other, year_withheld_fen=withheld,
                     year_months_with_income=tuple(flags), eleven_months_sales_fen=eleven) if known else None),
    st.integers(0, 400), money, st.integers(0, 100), st.lists(st.booleans(), max_size=10),
    st.integers(0, 20_000_000_00), st.integers(0, 100_000_00), st.integers(0, 5_000_000_00),
    st.integers(0, 100_000_000_00), st.integers(0, 400), st.booleans())


@settings(max_examples=60, deadline=None)
@given(st.lists(worker, min_size=1, max_size=30), st.sampled_from(list(GapRule)))
def test_the_columns_equal_the_reference_for_random_workers(cases, gap_rule):
    assert_same(cases, gap_rule)


def test_the_columns_refuse_what_the_reference_refuses():
    too_much = WorkerMonthSums(orders=1, gross_fen=MAX_MONTHLY_FEN + 1)
    with pytest.raises(InvalidInput) as raised:
        month_end_frame(frame_of([(too_much, None)]), month=NOV, injury_rates=RATES)
    assert raised.value.code == "tax.income_out_of_range"
    with pytest.raises(InvalidInput) as raised:
        month_end_frame(frame_of([(WorkerMonthSums(orders=1, gross_fen=100), EarlierState(year_income_fen=10**17))]),
                        month=NOV, injury_rates=RATES)
    assert raised.value.code == "tax.earlier_out_of_range"  # beyond it Int64 could overflow: refused, not wrapped
    with pytest.raises(InvalidInput):
        month_end_frame(frame_of([(WorkerMonthSums(orders=1, gross_fen=100), None)]), month=dt.date(2026, 11, 2),
                        injury_rates=RATES)
