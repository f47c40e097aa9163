"""Individual income tax withheld from platform payments: plain data in, plain data out (no ORM).

The payouts, the ``sharecity tax withhold`` command and the tests call these functions with the parameters in
force (``parameters.py``). Amounts are integers of fen; a tax is rounded half up to the fen.

Cumulative method (国家税务总局公告2025年第16号 第一条第(一)项, in force from 2025-10-01):

    本期应预扣预缴税额 = (累计收入 − 累计费用 − 累计免税收入 − 累计减除费用 − 累计依法确定的其他扣除) × 预扣率
                         − 速算扣除数 − 累计减免税额 − 累计已预扣预缴税额
    累计费用 = 累计收入 × 20%;  累计减除费用 = 5,000元/月 × 当年截至本月在本平台连续取得劳务报酬的月份数

A negative result withholds nothing and refunds nothing: the difference is settled in the annual
reconciliation (国家税务总局公告2018年第61号 第六条: "计算本月应预扣预缴税额为负值时，暂不退税").

"连续取得劳务报酬的月份数" does not say what a month without income does to the count. ``GapRule`` is that
decision, a setting (``SHARECITY_TAX_GAP_RULE``):
- ``restart`` (the default) reads "连续" as written: a month without income from the platform ends the run, and
  the count starts again at 1 with the next month of income. The income of the whole year stays cumulative,
  as the formula's 累计收入 is. Of the readings this one withholds the most; we take it because a withholding
  agent answers for tax it should have withheld and did not (《中华人民共和国税收征收管理法》第六十九条), while
  tax withheld in excess comes back to the worker in the annual reconciliation.
- ``months_with_income``: every month of the year with income from the platform counts, gaps or not.
- ``since_first``: every month from the first month with income this year counts, gaps included.

Per-payment method for other labour payments (国家税务总局公告2018年第61号 第八条, 预扣率表二): 800 yuan deducted
from a payment up to 4,000 yuan, 20% of a larger one; the rest is taxed at 20%, 30% or 40% less 0, 2,000 or
7,000 yuan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise

from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.timeutil import next_month
from sharecity.market.tax.parameters import (
    Bracket,
    CumulativeParameters,
    PerPaymentParameters,
    cumulative_parameters_at,
)

MAX_MONTHLY_FEN = 100_000_000_00  # 100 million yuan in one month: far above any platform worker


class GapRule(StrEnum):
    RESTART = "restart"
    MONTHS_WITH_INCOME = "months_with_income"
    SINCE_FIRST = "since_first"


def _fen(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@lru_cache(maxsize=256)
def _ratio(rate: Decimal) -> tuple[int, int]:
    return rate.as_integer_ratio()


def fen_times(amount_fen: int, rate: Decimal) -> int:
    """``amount_fen × rate`` rounded half up (a tie away from zero) to the fen: what
    ``_fen(Decimal(amount_fen) * rate)`` gives, in exact integer arithmetic (the month-end run calls it for every
    worker; a test checks the two agree)."""
    numerator, denominator = _ratio(rate)
    rounded = (abs(amount_fen) * numerator * 2 + denominator) // (2 * denominator)
    return rounded if amount_fen >= 0 else -rounded


@lru_cache(maxsize=64)
def _one_plus_ratio(rate: Decimal) -> tuple[int, int]:
    numerator, denominator = rate.as_integer_ratio()
    return denominator + numerator, denominator


def fen_divided_by_one_plus(amount_fen: int, rate: Decimal) -> int:
    """``amount_fen ÷ (1 + rate)`` (a rate above −1) rounded half up to the fen, in exact integer arithmetic: what
    ``_fen(Decimal(amount_fen) / (1 + rate))`` gives (the quotient's exact fraction is never within Decimal's
    28 digits of a tie, so the two agree; a test checks it)."""
    numerator, denominator = _one_plus_ratio(rate)
    rounded = (abs(amount_fen) * denominator * 2 + numerator) // (2 * numerator)
    return rounded if amount_fen >= 0 else -rounded


def bracket_for(brackets: Sequence[Bracket], taxable_fen: int) -> Bracket:
    for bracket in brackets:
        if bracket.up_to_fen is None or taxable_fen <= bracket.up_to_fen:
            return bracket
    return brackets[-1]


def tax_on(brackets: Sequence[Bracket], taxable_fen: int) -> tuple[int, Bracket]:
    """The tax on ``taxable_fen`` by the table (0 for nothing taxable), and the bracket applied."""
    bracket = bracket_for(brackets, max(taxable_fen, 0))
    if taxable_fen <= 0:
        return 0, bracket
    return fen_times(taxable_fen, bracket.rate) - bracket.quick_deduction_fen, bracket


@dataclass(frozen=True)
class MonthIncome:
    month: dt.date  # the first day of the month
    income_fen: int  # paid by this platform in the month; 0 for a month without income
    other_deductions_fen: int = 0  # 依法确定的其他扣除 and tax-free income the worker gave the platform


@dataclass(frozen=True)
class MonthWithholding:
    month: dt.date
    income_fen: int
    cumulative_income_fen: int
    cumulative_expenses_fen: int
    months_counted: int
    cumulative_deduction_fen: int
    cumulative_other_deductions_fen: int
    taxable_fen: int
    rate: Decimal
    quick_deduction_fen: int
    cumulative_tax_fen: int
    withheld_before_fen: int
    withheld_fen: int
    source: str


def _months_counted(history: Sequence[MonthIncome], *, gap_rule: GapRule) -> int:
    """The month count of the basic deduction for the last month of ``history`` (months of one year, in order)."""
    return months_counted([m.income_fen > 0 for m in history], gap_rule=gap_rule)


def months_counted(with_income: Sequence[bool], *, gap_rule: GapRule) -> int:
    """The month count of the basic deduction (累计减除费用's 月份数) for the last of consecutive months of one year
    from January (or the method's first month), given whether each had income from the platform."""
    if gap_rule is GapRule.MONTHS_WITH_INCOME:
        return sum(with_income)
    if gap_rule is GapRule.SINCE_FIRST:
        return len(with_income) - with_income.index(True) if any(with_income) else 0
    run = 0
    for has_income in with_income:
        run = run + 1 if has_income else 0
    return run


def _check_months(months: Sequence[MonthIncome]) -> None:
    if not months:
        raise InvalidInput("give at least one month", field="monthly", code="tax.no_months")
    if len(months) > 12:
        raise InvalidInput("a tax year has at most 12 months", field="monthly", code="tax.too_many_months")
    year = months[0].month.year
    for index, month in enumerate(months):
        if month.month.year != year or month.month.day != 1:
            raise InvalidInput("the months are the first days of months of one tax year", field="monthly",
                               code="tax.months_of_one_year")
        if index and month.month <= months[index - 1].month:
            raise InvalidInput("the months are in order, each once", field="monthly", code="tax.months_in_order")
        if not 0 <= month.income_fen <= MAX_MONTHLY_FEN:
            raise InvalidInput(f"a month's income is between 0 and {MAX_MONTHLY_FEN // 100:,} yuan",
                               field="monthly", code="tax.income_out_of_range")
        if not 0 <= month.other_deductions_fen <= MAX_MONTHLY_FEN:
            raise InvalidInput("other deductions are between 0 and the month's ceiling", field="other_deductions",
                               code="tax.deductions_out_of_range")


def cumulative_withholding(months: Sequence[MonthIncome], *, gap_rule: GapRule = GapRule.RESTART,
                           parameters: CumulativeParameters | None = None) -> list[MonthWithholding]:
    """Tax withheld each month of one tax year from one platform's payments to one worker, by the cumulative
    method. ``months`` are consecutive calendar months in order (a month without income has income 0) from
    January, or from the first month the method is in force. ``parameters`` default to those in force on
    each month."""
    _check_months(months)
    for previous, month in pairwise(months):
        if month.month != next_month(previous.month):
            raise InvalidInput("give every month in order, with 0 for a month without income", field="monthly",
                               code="tax.months_consecutive")
    results: list[MonthWithholding] = []
    cumulative_income = cumulative_other = withheld_so_far = 0
    for index, month in enumerate(months):
        cumulative_income += month.income_fen
        cumulative_other += month.other_deductions_fen
        result = month_withholding(
            month=month.month, income_fen=month.income_fen, cumulative_income_fen=cumulative_income,
            cumulative_other_deductions_fen=cumulative_other,
            months_counted=_months_counted(months[: index + 1], gap_rule=gap_rule),
            withheld_before_fen=withheld_so_far, parameters=parameters)
        results.append(result)
        withheld_so_far += result.withheld_fen
    return results


def month_withholding(*, month: dt.date, income_fen: int, cumulative_income_fen: int,
                      cumulative_other_deductions_fen: int, months_counted: int, withheld_before_fen: int,
                      parameters: CumulativeParameters | None = None) -> MonthWithholding:
    """One month's step of the cumulative method from the year's running totals up to and including the month:
    the formula of 2025年第16号 第一条第(一)项 once. ``cumulative_withholding`` runs it month by month; the
    month-end run (``month_end``) calls it directly with the totals it read."""
    in_force = parameters or cumulative_parameters_at(month)
    expenses = fen_times(cumulative_income_fen, in_force.expense_ratio)
    deduction = in_force.deduction_per_month_fen * months_counted
    taxable = cumulative_income_fen - expenses - deduction - cumulative_other_deductions_fen
    tax, bracket = tax_on(in_force.brackets, taxable)
    # Nothing is paid in a month without income, so nothing is withheld in it.
    due = max(tax - withheld_before_fen, 0) if income_fen > 0 else 0
    return MonthWithholding(
        month=month, income_fen=income_fen, cumulative_income_fen=cumulative_income_fen,
        cumulative_expenses_fen=expenses, months_counted=months_counted, cumulative_deduction_fen=deduction,
        cumulative_other_deductions_fen=cumulative_other_deductions_fen, taxable_fen=taxable, rate=bracket.rate,
        quick_deduction_fen=bracket.quick_deduction_fen, cumulative_tax_fen=max(tax, 0),
        withheld_before_fen=withheld_before_fen, withheld_fen=due, source=in_force.source)


@dataclass(frozen=True)
class PaymentWithholding:
    amount_fen: int
    expenses_fen: int
    taxable_fen: int
    rate: Decimal
    quick_deduction_fen: int
    withheld_fen: int
    source: str


def per_payment_withholding(amount_fen: int, *, parameters: PerPaymentParameters) -> PaymentWithholding:
    """Tax withheld from one payment of labour remuneration by the per-payment method."""
    if not 0 < amount_fen <= MAX_MONTHLY_FEN:
        raise InvalidInput(f"a payment is more than 0 and at most {MAX_MONTHLY_FEN // 100:,} yuan", field="amount",
                           code="tax.amount_out_of_range")
    if amount_fen <= parameters.flat_deduction_up_to_fen:
        expenses = min(parameters.flat_deduction_fen, amount_fen)
    else:
        expenses = fen_times(amount_fen, parameters.expense_ratio)
    taxable = amount_fen - expenses
    tax, bracket = tax_on(parameters.brackets, taxable)
    return PaymentWithholding(amount_fen=amount_fen, expenses_fen=expenses, taxable_fen=taxable, rate=bracket.rate,
                              quick_deduction_fen=bracket.quick_deduction_fen, withheld_fen=max(tax, 0),
                              source=parameters.source)


def withholding_due(months: Sequence[MonthIncome], *, withheld_this_year_fen: int,
                    gap_rule: GapRule = GapRule.RESTART) -> MonthWithholding:
    """What to withhold from a payment now: ``months`` run from the first month of the tax year (or of the
    method) to the payment's month, whose income includes this payment; ``withheld_this_year_fen`` is what the
    platform already withheld from the worker this year. A platform that pays a worker several times a month
    withholds at each payment the cumulative tax so far less what it already withheld, so the month's total is
    what one monthly payment would have borne."""
    last = cumulative_withholding(months, gap_rule=gap_rule)[-1]
    due = max(last.cumulative_tax_fen - withheld_this_year_fen, 0) if last.income_fen > 0 else 0
    return MonthWithholding(**{**last.__dict__, "withheld_before_fen": withheld_this_year_fen, "withheld_fen": due})
