"""Individual income tax withheld from platform workers, by the rules as written and dated.

Sources: 国家税务总局公告2025年第16号 第一条第(一)项 (cumulative method for platform workers, from 2025-10-01);
国家税务总局公告2018年第61号 第六条 (a negative result is not refunded), 第八条 and 预扣率表二 (per payment);
个人所得税法 附表一 (the comprehensive income table)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sharecity.kernel.errors import InvalidInput
from sharecity.market.tax import parameters
from sharecity.market.tax.parameters import CumulativeParameters, per_payment_parameters_at
from sharecity.market.tax.rules import GapRule, MonthIncome, cumulative_withholding, per_payment_withholding


def year_of(incomes_yuan, *, start=dt.date(2026, 1, 1)):
    months, month = [], start
    for income in incomes_yuan:
        months.append(MonthIncome(month=month, income_fen=round(income * 100)))
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def withheld(results):
    return [r.withheld_fen / 100 for r in results]


def test_the_issues_example_withholds_in_the_second_month_only_and_refunds_nothing_in_the_third():
    results = cumulative_withholding(year_of([6000, 8000, 3000]))
    # February: (14,000 − 2,800 − 10,000) × 3% = 36; March's cumulative tax is negative: nothing back.
    assert withheld(results) == [0, 36.0, 0]
    assert results[2].taxable_fen < 0 and results[2].withheld_before_fen == 3600


def test_a_monthly_income_up_to_6250_yuan_is_not_withheld_as_the_tax_administration_announced():
    # STA on Announcement 2025 No. 16: "月收入不超过6250元的从业人员当月无需预扣税款" (6,250 × 80% = 5,000).
    assert withheld(cumulative_withholding(year_of([6250] * 12))) == [0] * 12
    assert withheld(cumulative_withholding(year_of([6300])))[0] == 1.20  # (5,040 − 5,000) × 3%


def test_the_table_moves_up_a_bracket_with_the_quick_deduction():
    results = cumulative_withholding(year_of([60000, 60000]))
    # January: 48,000 − 5,000 = 43,000 at 10% − 2,520 = 1,780; February: 86,000 at 10% − 2,520 − 1,780.
    assert withheld(results) == [1780.0, 4300.0]
    assert (results[1].rate, results[1].quick_deduction_fen) == (Decimal("0.10"), 252000)


@pytest.mark.parametrize(("gap_rule", "march"), [
    (GapRule.RESTART, 138.0),  # (12,000 − 2,400 − 5,000 × 1) × 3%: the run restarted in March
    (GapRule.MONTHS_WITH_INCOME, 0),  # 9,600 − 10,000 < 0
    (GapRule.SINCE_FIRST, 0),  # 9,600 − 15,000 < 0
])
def test_a_month_without_income_and_the_month_count_follow_the_setting(gap_rule, march):
    results = cumulative_withholding(year_of([6000, 0, 6000]), gap_rule=gap_rule)
    assert withheld(results) == [0, 0, march]
    assert results[1].withheld_fen == 0  # nothing paid in February, nothing withheld


def test_other_deductions_lower_the_taxable_income():
    months = [MonthIncome(month=dt.date(2026, 1, 1), income_fen=1000000, other_deductions_fen=100000)]
    (result,) = cumulative_withholding(months)
    assert result.taxable_fen == 1000000 - 200000 - 500000 - 100000
    assert result.withheld_fen == 6000  # 2,000 × 3%


def test_the_method_is_not_applied_before_it_came_into_force_on_1_october_2025():
    with pytest.raises(InvalidInput) as refused:
        cumulative_withholding(year_of([6000], start=dt.date(2025, 9, 1)))
    assert refused.value.field == "month" and "2025-10-01" in refused.value.message
    assert withheld(cumulative_withholding(year_of([6000, 8000, 3000], start=dt.date(2025, 10, 1)))) == [0, 36.0, 0]


def test_a_change_in_law_is_a_new_version_that_leaves_earlier_months_alone(monkeypatch):
    current = parameters.CUMULATIVE_VERSIONS[0]
    raised = CumulativeParameters(effective_from=dt.date(2027, 1, 1), expense_ratio=current.expense_ratio,
                                  deduction_per_month_fen=600000, brackets=current.brackets, source="a later law")
    monkeypatch.setattr(parameters, "CUMULATIVE_VERSIONS", (current, raised))
    assert withheld(cumulative_withholding(year_of([7000]))) == [18.0]  # 2026: (5,600 − 5,000) × 3%
    (in_2027,) = cumulative_withholding(year_of([7000], start=dt.date(2027, 1, 1)))
    assert (in_2027.withheld_fen, in_2027.source) == (0, "a later law")


@pytest.mark.parametrize(("months", "code"), [
    ([], "tax.no_months"),
    (year_of([1] * 13), "tax.too_many_months"),
    ([MonthIncome(month=dt.date(2026, 1, 1), income_fen=1), MonthIncome(month=dt.date(2026, 3, 1), income_fen=1)],
     "tax.months_consecutive"),
    ([MonthIncome(month=dt.date(2026, 12, 1), income_fen=1), MonthIncome(month=dt.date(2027, 1, 1), income_fen=1)],
     "tax.months_of_one_year"),
    ([MonthIncome(month=dt.date(2026, 1, 1), income_fen=-1)], "tax.income_out_of_range"),
])
def test_bad_months_are_refused_naming_the_rule(months, code):
    with pytest.raises(InvalidInput) as refused:
        cumulative_withholding(months)
    assert refused.value.code == code


@pytest.mark.parametrize(("amount_yuan", "expected_yuan"), [
    (2000, 240),  # (2,000 − 800) × 20%: the example of the 2018 No. 61 rules' interpretation
    (800, 0),
    (4000, 640),  # up to 4,000 yuan, 800 is deducted
    (4000.01, 640),  # above, 20%: 3,200.008 × 20% rounds to 640.00
    (30000, 5200),  # 24,000 at 30% − 2,000
    (60000, 12400),  # 48,000 is still at 30% − 2,000
    (80000, 18600),  # 64,000 at 40% − 7,000
])
def test_other_labour_payments_are_withheld_per_payment(amount_yuan, expected_yuan):
    in_force = per_payment_parameters_at(dt.date(2026, 12, 7))
    result = per_payment_withholding(round(amount_yuan * 100), parameters=in_force)
    assert result.withheld_fen == expected_yuan * 100


def test_a_payment_of_nothing_is_refused():
    with pytest.raises(InvalidInput) as refused:
        per_payment_withholding(0, parameters=per_payment_parameters_at(dt.date(2026, 12, 7)))
    assert refused.value.field == "amount"


def test_two_payments_in_a_month_bear_what_one_monthly_payment_would():
    from sharecity.market.tax.rules import withholding_due

    one = cumulative_withholding(year_of([6000, 8000]))
    # February paid in two parts, 5,000 then 3,000: the first is still under the deduction, the second bears it all.
    first = withholding_due(year_of([6000, 5000]), withheld_this_year_fen=0)
    second = withholding_due(year_of([6000, 8000]), withheld_this_year_fen=first.withheld_fen)
    assert (first.withheld_fen, second.withheld_fen) == (0, one[1].withheld_fen) == (0, 3600)


def test_nothing_is_withheld_again_once_the_years_tax_is_covered():
    from sharecity.market.tax.rules import withholding_due

    due = withholding_due(year_of([6000, 8000, 3000]), withheld_this_year_fen=3600)
    assert due.withheld_fen == 0 and due.taxable_fen < 0
