"""The month-end run as plain data (``market.tax.month_end``): withholding by the cumulative method
(国家税务总局公告2025年第16号 第一条第(一)项), the VAT return on the worker's behalf (same announcement 第二条第(一)项
with 财政部 税务总局公告2023年第19号), the per-order injury contribution and the report totals, per worker."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sharecity.kernel.errors import InvalidInput
from sharecity.market.tax.month_end import (
    EarlierMonth,
    OrderRow,
    earlier_state,
    earlier_states,
    month_end,
)
from sharecity.market.tax.rules import (
    GapRule,
    MonthIncome,
    _fen,
    cumulative_withholding,
    fen_divided_by_one_plus,
    fen_times,
)

NOV = dt.date(2026, 11, 1)
RATES = {"catering": 4, "ride_hailing": 6}  # fen per order: made-up rates for the test, not the official table


def orders(worker, n, amount_fen, *, sector="catering", commission_fen=0, month=NOV):
    return [OrderRow(worker, "p", month, amount_fen, sector, commission_fen) for _ in range(n)]


def test_the_months_withholding_is_the_cumulative_methods_for_the_year():
    # Jan–Oct 2026 of 8,000 yuan each, nothing in June, then 12,000 in November: the same result as the rules'
    # month-by-month working (the restart reading of 连续: the count restarts in July).
    incomes = [8_000_00] * 10
    incomes[5] = 0
    months = [dt.date(2026, m, 1) for m in range(1, 11)]
    by_rules = cumulative_withholding([MonthIncome(m, i) for m, i in zip(months, incomes, strict=True)]
                                      + [MonthIncome(NOV, 12_000_00)])
    earlier = [EarlierMonth(m, i, i, r.withheld_fen) for m, i, r in zip(months, incomes, by_rules, strict=False)]
    run = month_end(orders("w", 4, 3_000_00), month=NOV, earlier=earlier_states(NOV, {("w", "p"): earlier}),
                    injury_rates=RATES)
    (worker,) = run.workers
    assert worker.withholding.months_counted == 5  # July to November
    assert worker.withheld_fen == by_rules[-1].withheld_fen > 0
    assert worker.withholding.cumulative_tax_fen == by_rules[-1].cumulative_tax_fen


def test_a_vat_month_at_exactly_the_threshold_is_exempt_and_above_it_is_taxed():
    # 2025年第16号 第二条第(一)项; 2023年第19号: sales up to 100,000 yuan a month (inclusive) exempt, 1% above.
    run = month_end(orders("at", 1, 101_000_00) + orders("above", 1, 101_010_00), month=NOV, earlier={},
                    injury_rates=RATES)
    by_worker = {w.worker: w for w in run.workers}
    at, above = by_worker["at"], by_worker["above"]
    assert (at.vat.sales_fen, at.vat.exempt, at.vat.vat_fen) == (100_000_00, True, 0)
    assert (above.vat.exempt, above.vat.vat_fen) == (False, 1_000_10)
    assert run.totals["vat_exempt"] == 1 and run.totals["vat_fen"] == 1_000_10


def test_the_vat_income_is_what_customers_paid_and_the_tax_income_is_after_commission():
    run = month_end(orders("w", 10, 100_00, commission_fen=10_00), month=NOV, earlier={}, injury_rates=RATES)
    (worker,) = run.workers
    assert worker.vat.income_fen == 1_000_00 and worker.income_fen == worker.withholding.income_fen == 900_00


def test_the_guidance_to_register_counts_the_eleven_months_before():
    earlier = [EarlierMonth(dt.date(2025, 12, 1), 0, 460_000_00, 0)]
    earlier += [EarlierMonth(dt.date(2026, m, 1), 0, 420_000_00, 0) for m in range(1, 11)]
    state = earlier_state(NOV, earlier)
    assert state.eleven_months_sales_fen == 4_660_000_00
    (worker,) = month_end(orders("w", 1, 340_000_01), month=NOV, earlier={("w", "p"): state},
                          injury_rates=RATES).workers
    assert worker.vat.twelve_months_fen == 5_000_000_01 and worker.vat.guide_to_register


def test_the_injury_contribution_is_covered_orders_times_the_sectors_rate():
    rows = orders("w", 3, 20_00) + orders("w", 2, 50_00, sector="ride_hailing") + orders("w", 5, 9_00,
                                                                                           sector="skills")
    (worker,) = month_end(rows, month=NOV, earlier={}, injury_rates=RATES).workers
    assert (worker.injury_orders, worker.injury_fen) == (5, 3 * 4 + 2 * 6)


def test_totals_add_up_the_workers():
    rows = orders("a", 2, 5_000_00) + orders("b", 30, 40_00, commission_fen=4_00)
    run = month_end(rows, month=NOV, earlier={}, injury_rates=RATES)
    assert run.totals["workers"] == 2 and run.totals["orders"] == 32
    assert run.totals["gross_fen"] == 10_000_00 + 1_200_00
    assert run.totals["net_fen"] == run.totals["income_fen"] - run.totals["withheld_fen"]
    assert run.totals["withheld_fen"] == sum(w.withheld_fen for w in run.workers) > 0


@pytest.mark.parametrize("gap_rule", list(GapRule))
def test_every_gap_rule_counts_as_the_rules_do(gap_rule):
    incomes = [0, 6_000_00, 0, 0, 9_000_00]
    months = [dt.date(2026, m, 1) for m in range(6, 11)]
    year = [MonthIncome(dt.date(2026, m, 1), 0) for m in range(1, 6)] + [
        MonthIncome(m, i) for m, i in zip(months, incomes, strict=True)] + [MonthIncome(NOV, 7_000_00)]
    by_rules = cumulative_withholding(year, gap_rule=gap_rule)
    earlier = [EarlierMonth(r.month, r.income_fen, r.income_fen, r.withheld_fen) for r in by_rules[:-1]]
    (worker,) = month_end(orders("w", 1, 7_000_00), month=NOV, earlier=earlier_states(NOV, {("w", "p"): earlier}),
                          injury_rates=RATES, gap_rule=gap_rule).workers
    assert worker.withholding.months_counted == by_rules[-1].months_counted
    assert worker.withheld_fen == by_rules[-1].withheld_fen


def test_an_order_of_another_month_is_refused():
    with pytest.raises(InvalidInput) as refused:
        month_end(orders("w", 1, 100, month=dt.date(2026, 10, 1)), month=NOV, earlier={}, injury_rates=RATES)
    assert refused.value.field == "month"


@given(amount=st.integers(-10**12, 10**12), rate=st.sampled_from(
    [Decimal("0.03"), Decimal("0.10"), Decimal("0.20"), Decimal("0.25"), Decimal("0.45"), Decimal("0.0125"),
     Decimal("0.005")]))
def test_integer_rounding_is_the_decimal_rounding(amount, rate):
    # The rules round a tax half up to the fen; the integer arithmetic must give what Decimal gives.
    assert fen_times(amount, rate) == _fen(Decimal(amount) * rate)


@given(amount=st.integers(0, 10**11), rate=st.sampled_from([Decimal("0.01"), Decimal("0.03"), Decimal("0.13")]))
def test_integer_division_is_the_decimal_division(amount, rate):
    assert fen_divided_by_one_plus(amount, rate) == _fen(Decimal(amount) / (1 + rate))


def test_the_run_leaves_the_garbage_collector_as_it_found_it():
    import gc

    assert gc.isenabled()
    month_end(orders("w", 1, 100), month=NOV, earlier={}, injury_rates=RATES)
    assert gc.isenabled()
