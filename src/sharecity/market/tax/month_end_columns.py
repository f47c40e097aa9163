"""The month-end run over columns: the same rules as ``month_end`` (withholding by the cumulative method, the VAT
return on the worker's behalf, the injury contribution, the totals), applied to every worker at once as Polars
expressions over a frame of per-worker sums instead of one Python call per worker.

``month_end.worker_month_end`` stays the reference: a test (``tests/market/tax/test_month_end_columns.py``)
checks that this module gives the same figures to the fen for every ``GapRule``, at each bracket's edges, at the
VAT exemption's edge and for months without income. The arithmetic is exact: integers of fen (Int64), rates as
integer ratios from the dated parameters (``parameters.py``), rounding half up as ``rules.fen_times`` and
``rules.fen_divided_by_one_plus`` do.

- Withholding (国家税务总局公告2025年第16号 第一条第(一)项, as ``rules.month_withholding``): 累计收入 less 20% of it,
  less 5,000 yuan × the months counted (``GapRule``), less other deductions, taxed by the cumulative table, less
  what was withheld before; never negative (国家税务总局公告2018年第61号 第六条); nothing in a month without income.
- VAT (2025年第16号 第二条第(一)项, 财政部 税务总局公告2023年第19号, as ``vat.month_vat``): sales = income ÷ (1 + levy
  rate); exempt up to the monthly exemption (inclusive), else the levy; guidance to register above the general
  taxpayer threshold over the 12 months.

The input frame, one row per (worker, platform) with orders in the month:
worker, platform, orders, gross_fen, commission_fen; the earlier state (null for a worker new this year):
year_income_fen, year_other_deductions_fen, year_withheld_fen, eleven_months_sales_fen, and
year_months_with_income as a string of "1" (a month with income) and "0", one character per month of the tax year
before this one, from its first (a missing column counts as 0 or no months, as ``EarlierState``'s defaults);
and one column ``orders:<sector>`` per sector with the month's orders in it
(a sector without a column has none).

Polars is a runtime dependency of the project (``pyproject.toml``); this module is imported only by the code
that runs the month end over many workers, so the services that compute one worker do not load it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from sharecity.kernel.errors import InvalidInput
from sharecity.market.tax.month_end import TOTAL_NAMES
from sharecity.market.tax.parameters import (
    CumulativeParameters,
    SmallScaleVatParameters,
    cumulative_parameters_at,
    small_scale_vat_parameters_at,
)
from sharecity.market.tax.rules import MAX_MONTHLY_FEN, GapRule

SECTOR_PREFIX = "orders:"
# The year's totals a run accepts: far above any worker (12 months at ``MAX_MONTHLY_FEN`` are 1.2 × 10^11 fen) and
# far enough below Int64's 9.2 × 10^18 that no product in the rounding (at most ×200 here) overflows.
EARLIER_CEILING_FEN = 10**15
EARLIER_INT_COLUMNS = ("year_income_fen", "year_other_deductions_fen", "year_withheld_fen",
                       "eleven_months_sales_fen")
RESULT_COLUMNS = ("worker", "platform", "orders", "gross_fen", "commission_fen", "income_fen",
                  "cumulative_income_fen", "cumulative_expenses_fen", "months_counted", "cumulative_deduction_fen",
                  "cumulative_other_deductions_fen", "taxable_fen", "quick_deduction_fen", "cumulative_tax_fen",
                  "withheld_before_fen", "withheld_fen", "net_fen", "sales_fen", "vat_fen", "exempt",
                  "twelve_months_fen", "guide_to_register", "injury_orders", "injury_fen")


def _fen_times(amount: pl.Expr, rate: Decimal) -> pl.Expr:
    """``rules.fen_times`` over a column: ``amount × rate`` rounded half up (a tie away from zero) to the fen."""
    numerator, denominator = rate.as_integer_ratio()
    rounded = (amount.abs() * (numerator * 2) + denominator) // (2 * denominator)
    return pl.when(amount >= 0).then(rounded).otherwise(-rounded)


def _fen_divided_by_one_plus(amount: pl.Expr, rate: Decimal) -> pl.Expr:
    """``rules.fen_divided_by_one_plus`` over a column: ``amount ÷ (1 + rate)`` rounded half up to the fen."""
    numerator, denominator = rate.as_integer_ratio()
    numerator, denominator = denominator + numerator, denominator
    rounded = (amount.abs() * (denominator * 2) + numerator) // (2 * numerator)
    return pl.when(amount >= 0).then(rounded).otherwise(-rounded)


def _months_counted(flags: pl.Expr, has_income: pl.Expr, gap_rule: GapRule) -> pl.Expr:
    """``rules.months_counted`` over a column of earlier months' flags with this month's appended."""
    this_month = has_income.cast(pl.Int64)
    if gap_rule is GapRule.MONTHS_WITH_INCOME:
        return flags.str.count_matches("1", literal=True).cast(pl.Int64) + this_month
    if gap_rule is GapRule.SINCE_FIRST:
        first = flags.str.find("1", literal=True).cast(pl.Int64)
        return (pl.when(first.is_not_null()).then(flags.str.len_chars().cast(pl.Int64) + 1 - first)
                .when(has_income).then(1).otherwise(0))
    trailing = (flags.str.len_chars().cast(pl.Int64)
                - flags.str.strip_chars_end("1").str.len_chars().cast(pl.Int64))
    return pl.when(has_income).then(trailing + 1).otherwise(0)


def _cumulative_tax(taxable: pl.Expr, parameters: CumulativeParameters) -> tuple[pl.Expr, pl.Expr]:
    """(tax, quick deduction) by the table, as ``rules.tax_on``: the first bracket whose ceiling holds the taxable
    income (at least 0), the tax 0 for nothing taxable."""
    brackets = parameters.brackets
    floored = pl.max_horizontal(taxable, pl.lit(0))
    tax: pl.Expr | None = None
    quick: pl.Expr | None = None
    for bracket in reversed(brackets):  # built from the last bracket out, so the first match wins
        bracket_tax = _fen_times(taxable, bracket.rate) - bracket.quick_deduction_fen
        if tax is None or quick is None or bracket.up_to_fen is None:
            tax, quick = bracket_tax, pl.lit(bracket.quick_deduction_fen, dtype=pl.Int64)
            continue
        fits = floored <= bracket.up_to_fen
        tax = pl.when(fits).then(bracket_tax).otherwise(tax)
        quick = pl.when(fits).then(pl.lit(bracket.quick_deduction_fen, dtype=pl.Int64)).otherwise(quick)
    assert tax is not None and quick is not None  # a table has at least one bracket
    return pl.when(taxable <= 0).then(0).otherwise(tax), quick


def month_end_lazy(sums: pl.LazyFrame, *, month: dt.date, injury_rates: Mapping[str, int],
                   gap_rule: GapRule = GapRule.RESTART, parameters: CumulativeParameters | None = None,
                   vat_parameters: SmallScaleVatParameters | None = None) -> pl.LazyFrame:
    """Each worker's month end (``RESULT_COLUMNS``) from the frame of sums (see the module's docstring), the
    parameters defaulting to those in force on ``month``."""
    if month.day != 1:
        raise InvalidInput("a month is given by its first day", field="month", code="tax.month_first_day")
    in_force = parameters or cumulative_parameters_at(month)
    vat_in_force = vat_parameters or small_scale_vat_parameters_at(month)
    names = sums.collect_schema().names()
    sector_columns = {name[len(SECTOR_PREFIX):]: name for name in names if name.startswith(SECTOR_PREFIX)}
    covered = [(pl.col(sector_columns[s]).fill_null(0).cast(pl.Int64), rate)
               for s, rate in injury_rates.items() if s in sector_columns]
    injury_orders = pl.sum_horizontal(*(c for c, _ in covered)) if covered else pl.lit(0, dtype=pl.Int64)
    injury_fen = pl.sum_horizontal(*(c * r for c, r in covered)) if covered else pl.lit(0, dtype=pl.Int64)

    income = pl.col("income_fen")
    cumulative_income = pl.col("cumulative_income_fen")
    taxable = pl.col("taxable_fen")
    tax, quick = _cumulative_tax(taxable, in_force)
    gross = pl.col("gross_fen")
    sales = pl.col("sales_fen")
    return (
        sums.with_columns(
            *((pl.col(c).fill_null(0).cast(pl.Int64) if c in names else pl.lit(0, dtype=pl.Int64)).alias(c)
              for c in EARLIER_INT_COLUMNS),
            (pl.col("year_months_with_income").fill_null("") if "year_months_with_income" in names
             else pl.lit("")).alias("year_months_with_income"),
            *(pl.col(c).cast(pl.Int64) for c in ("orders", "gross_fen", "commission_fen")),
            (gross.cast(pl.Int64) - pl.col("commission_fen").cast(pl.Int64)).alias("income_fen"),
            injury_orders.alias("injury_orders"), injury_fen.alias("injury_fen"))
        .with_columns(
            (pl.col("year_income_fen") + income).alias("cumulative_income_fen"),
            _months_counted(pl.col("year_months_with_income"), income > 0, gap_rule).alias("months_counted"),
            pl.col("year_other_deductions_fen").alias("cumulative_other_deductions_fen"),
            pl.col("year_withheld_fen").alias("withheld_before_fen"),
            _fen_divided_by_one_plus(gross, vat_in_force.levy_rate).alias("sales_fen"),
            (pl.col("eleven_months_sales_fen") + gross).alias("twelve_months_fen"))
        .with_columns(
            _fen_times(cumulative_income, in_force.expense_ratio).alias("cumulative_expenses_fen"),
            (pl.col("months_counted") * in_force.deduction_per_month_fen).alias("cumulative_deduction_fen"),
            (sales <= vat_in_force.monthly_exemption_fen).alias("exempt"),
            (pl.col("twelve_months_fen") > vat_in_force.general_registration_fen).alias("guide_to_register"))
        .with_columns(
            (cumulative_income - pl.col("cumulative_expenses_fen") - pl.col("cumulative_deduction_fen")
             - pl.col("cumulative_other_deductions_fen")).alias("taxable_fen"),
            pl.when(pl.col("exempt")).then(0).otherwise(gross - sales).alias("vat_fen"))
        .with_columns(tax.alias("_tax"), quick.alias("quick_deduction_fen"))
        .with_columns(
            pl.max_horizontal(pl.col("_tax"), pl.lit(0)).alias("cumulative_tax_fen"),
            pl.when(income > 0).then(pl.max_horizontal(pl.col("_tax") - pl.col("withheld_before_fen"), pl.lit(0)))
            .otherwise(0).alias("withheld_fen"))
        .with_columns((income - pl.col("withheld_fen")).alias("net_fen"))
        .select(RESULT_COLUMNS))


def totals_of(workers: pl.DataFrame) -> dict[str, int]:
    """The totals of the run (``month_end.TOTAL_NAMES``), as ``month_end.totals`` adds them up."""
    row = workers.select(
        pl.len().alias("workers"),
        *(pl.col(c).sum() for c in ("orders", "gross_fen", "commission_fen", "income_fen", "withheld_fen",
                                    "net_fen")),
        pl.col("sales_fen").sum().alias("vat_sales_fen"), pl.col("vat_fen").sum(),
        pl.col("exempt").sum().alias("vat_exempt"), pl.col("guide_to_register").sum(),
        pl.col("injury_orders").sum(), pl.col("injury_fen").sum()).row(0, named=True)
    return {name: int(row[name] or 0) for name in TOTAL_NAMES}


@dataclass(frozen=True)
class MonthEndFrame:
    month: dt.date
    workers: pl.DataFrame  # one row per (worker, platform), ``RESULT_COLUMNS``
    totals: dict[str, int]


def month_end_frame(sums: pl.DataFrame | pl.LazyFrame, *, month: dt.date, injury_rates: Mapping[str, int],
                    gap_rule: GapRule = GapRule.RESTART) -> MonthEndFrame:
    """The month-end run of ``month_end.month_end_from_sums`` over a frame of sums (the workers in its order).
    A month's income outside what ``vat.month_vat`` accepts (0 to ``rules.MAX_MONTHLY_FEN``), or a commission
    outside 0 to the amount, is refused as there, and so are earlier totals outside 0 to ``EARLIER_CEILING_FEN``:
    within those bounds Int64 holds every intermediate figure."""
    workers = month_end_lazy(sums.lazy(), month=month, injury_rates=injury_rates, gap_rule=gap_rule).collect()
    bad = workers.select(
        ((pl.col("gross_fen") < 0) | (pl.col("gross_fen") > MAX_MONTHLY_FEN)).any().alias("gross"),
        ((pl.col("commission_fen") < 0) | (pl.col("commission_fen") > pl.col("gross_fen"))).any()
        .alias("commission"),
        pl.any_horizontal(*((pl.col(c) < 0) | (pl.col(c) > EARLIER_CEILING_FEN) for c in (
            "cumulative_income_fen", "cumulative_other_deductions_fen", "withheld_before_fen",
            "twelve_months_fen"))).any().alias("earlier")).row(0, named=True)
    if bad["gross"]:
        raise InvalidInput(f"a month's income is between 0 and {MAX_MONTHLY_FEN // 100:,} yuan", field="months",
                           code="tax.income_out_of_range")
    if bad["commission"]:
        raise InvalidInput("an order's amount and commission are at least 0, the commission at most the amount",
                           field="amount_fen", code="tax.order_amount")
    if bad["earlier"]:
        raise InvalidInput("the earlier months' totals are between 0 and 10,000 billion yuan", field="earlier",
                           code="tax.earlier_out_of_range")
    return MonthEndFrame(month=month, workers=workers, totals=totals_of(workers))
