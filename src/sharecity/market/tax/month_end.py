"""The month-end run of a platform's tax and labour duties as plain data (no ORM): given the month's orders and
what the registers hold for each worker from earlier months, compute per worker and platform

- the income tax withheld in the month by the cumulative method (``rules.month_withholding``, 国家税务总局公告
  2025年第16号 第一条第(一)项),
- the VAT return filed on the worker's behalf (``vat.month_vat``, 2025年第16号 第二条第(一)项 with 财政部 税务总局
  公告2023年第19号),
- the occupational-injury contribution: orders in covered sectors × the per-order rate of the sector, the rates
  given as a plain mapping {sector: fen per order} (the dated rates table lives elsewhere),
- the Decree 810 report totals (国务院令第810号 第四条: orders, gross income, commission, income, tax withheld),

and the totals of the run. The VAT-return service (``services.prepare_vat_returns``) calls ``worker_vat``. These
per-worker functions are the reference for ``month_end_columns``, which applies the same rules over a frame of all
workers at once (tested equal to the fen); ``bench/month_end.py`` times that one and checks it against these.

Two incomes of a worker are kept apart:
- the income the tax is withheld on is what the platform pays the worker: the order's price less the platform's
  commission (as the payouts do, ``withholding.py``);
- the income of the VAT return is what customers paid for the worker's services, VAT included (``vat.py``): the
  commission is the platform's charge to the worker, not a reduction of the worker's sales.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.timeutil import add_months
from sharecity.market.tax.parameters import (
    CUMULATIVE_VERSIONS,
    CumulativeParameters,
    SmallScaleVatParameters,
    cumulative_parameters_at,
    small_scale_vat_parameters_at,
)
from sharecity.market.tax.rules import GapRule, MonthWithholding, month_withholding, months_counted, next_month
from sharecity.market.tax.vat import MonthSales, MonthVat, month_vat


@dataclass(frozen=True)
class OrderRow:
    """One completed order of the month, as the ledger has it."""

    worker: str
    platform: str
    month: dt.date  # the first day of the month the order was paid to the worker (city time)
    amount_fen: int  # what the customer paid for the service
    sector: str
    commission_fen: int = 0  # the platform's commission, deducted from what it pays the worker


@dataclass(frozen=True)
class EarlierMonth:
    """One earlier month of a worker on a platform, as the withholding register holds it."""

    month: dt.date
    income_fen: int  # paid to the worker (after commission)
    sales_income_fen: int  # what customers paid (VAT included)
    withheld_fen: int
    other_deductions_fen: int = 0


@dataclass(frozen=True)
class EarlierState:
    """What the month-end run needs from a worker's earlier months: the tax year's running totals before the
    month, whether each month of the year so far had income (for the month count of the basic deduction), and
    the customers' payments in the 11 months before the month (for the VAT registration guidance)."""

    year_income_fen: int = 0
    year_other_deductions_fen: int = 0
    year_withheld_fen: int = 0
    year_months_with_income: tuple[bool, ...] = ()  # the year's months before this one, from its first, in order
    eleven_months_sales_fen: int = 0


def tax_year_start(month: dt.date) -> dt.date:
    """The first month of ``month``'s tax year for the cumulative method: January, or the month it came into
    force (2025-10: ``parameters.CUMULATIVE_VERSIONS``)."""
    first_in_force = min(v.effective_from for v in CUMULATIVE_VERSIONS).replace(day=1)
    return max(month.replace(month=1), first_in_force)


def earlier_state(month: dt.date, earlier: Iterable[EarlierMonth]) -> EarlierState:
    """Fold a worker's earlier months (any order, missing months without income) into the state before ``month``."""
    by_month = {m.month: m for m in earlier}
    start = tax_year_start(month)
    year: list[EarlierMonth] = []
    current = start
    while current < month:
        year.append(by_month.get(current) or EarlierMonth(current, 0, 0, 0))
        current = next_month(current)
    eleven = 0
    for back in range(1, 12):
        found = by_month.get(add_months(month, -back))
        eleven += found.sales_income_fen if found else 0
    return EarlierState(
        year_income_fen=sum(m.income_fen for m in year),
        year_other_deductions_fen=sum(m.other_deductions_fen for m in year),
        year_withheld_fen=sum(m.withheld_fen for m in year),
        year_months_with_income=tuple(m.income_fen > 0 for m in year),
        eleven_months_sales_fen=eleven)


@dataclass
class WorkerMonthSums:
    """A worker's orders of the month on one platform, summed."""

    orders: int = 0
    gross_fen: int = 0
    commission_fen: int = 0
    orders_by_sector: dict[str, int] = field(default_factory=dict)

    @property
    def income_fen(self) -> int:
        return self.gross_fen - self.commission_fen


def sum_orders(rows: Iterable[OrderRow], *, month: dt.date) -> dict[tuple[str, str], WorkerMonthSums]:
    """The month's orders summed per (worker, platform); an order of another month is refused."""
    sums: dict[tuple[str, str], WorkerMonthSums] = {}
    for row in rows:
        if row.month != month:
            raise InvalidInput(f"an order of {row.month:%Y-%m} is not in the run of {month:%Y-%m}", field="month",
                               code="tax.order_of_another_month")
        if row.amount_fen < 0 or not 0 <= row.commission_fen <= row.amount_fen:
            raise InvalidInput("an order's amount and commission are at least 0, the commission at most the amount",
                               field="amount_fen", code="tax.order_amount")
        found = sums.get((row.worker, row.platform))
        if found is None:
            found = sums[(row.worker, row.platform)] = WorkerMonthSums()
        found.orders += 1
        found.gross_fen += row.amount_fen
        found.commission_fen += row.commission_fen
        found.orders_by_sector[row.sector] = found.orders_by_sector.get(row.sector, 0) + 1
    return sums


@lru_cache(maxsize=4096)
def _counted(with_income: tuple[bool, ...], gap_rule: GapRule) -> int:
    return months_counted(with_income, gap_rule=gap_rule)


def worker_withholding(*, month: dt.date, income_fen: int, state: EarlierState,
                       gap_rule: GapRule = GapRule.RESTART,
                       parameters: CumulativeParameters | None = None) -> MonthWithholding:
    """The tax withheld in ``month`` from a worker paid ``income_fen`` in it: the cumulative tax of the year so far
    less what was withheld before (2025年第16号 第一条第(一)项; a negative result withholds nothing)."""
    return month_withholding(
        month=month, income_fen=income_fen, cumulative_income_fen=state.year_income_fen + income_fen,
        cumulative_other_deductions_fen=state.year_other_deductions_fen,
        months_counted=_counted((*state.year_months_with_income, income_fen > 0), gap_rule),
        withheld_before_fen=state.year_withheld_fen, parameters=parameters)


def worker_vat(*, month: dt.date, sales_income_fen: int, state: EarlierState,
               parameters: SmallScaleVatParameters | None = None) -> MonthVat:
    """The VAT return of ``month`` filed on the worker's behalf, the 12 months' income counting the 11 before."""
    return month_vat(MonthSales(month=month, income_fen=sales_income_fen),
                     twelve_months_fen=state.eleven_months_sales_fen + sales_income_fen, parameters=parameters)


def worker_injury(orders_by_sector: Mapping[str, int], rates: Mapping[str, int]) -> tuple[int, int]:
    """(covered orders, contribution in fen): each order in a covered sector bears its sector's per-order rate."""
    covered = contribution = 0
    for sector, count in orders_by_sector.items():
        rate = rates.get(sector)
        if rate is not None:
            covered += count
            contribution += count * rate
    return covered, contribution


@dataclass(frozen=True)
class WorkerMonthEnd:
    worker: str
    platform: str
    month: dt.date
    orders: int
    gross_fen: int
    commission_fen: int
    income_fen: int
    withholding: MonthWithholding
    vat: MonthVat
    injury_orders: int
    injury_fen: int

    @property
    def withheld_fen(self) -> int:
        return self.withholding.withheld_fen

    @property
    def net_fen(self) -> int:
        return self.income_fen - self.withheld_fen


def worker_month_end(*, worker: str, platform: str, month: dt.date, sums: WorkerMonthSums, state: EarlierState,
                     injury_rates: Mapping[str, int], gap_rule: GapRule = GapRule.RESTART,
                     parameters: CumulativeParameters | None = None,
                     vat_parameters: SmallScaleVatParameters | None = None) -> WorkerMonthEnd:
    """One worker's month end; ``parameters`` and ``vat_parameters`` default to those in force on ``month``."""
    covered, contribution = worker_injury(sums.orders_by_sector, injury_rates)
    return WorkerMonthEnd(
        worker=worker, platform=platform, month=month, orders=sums.orders, gross_fen=sums.gross_fen,
        commission_fen=sums.commission_fen, income_fen=sums.income_fen,
        withholding=worker_withholding(month=month, income_fen=sums.income_fen, state=state, gap_rule=gap_rule,
                                       parameters=parameters),
        vat=worker_vat(month=month, sales_income_fen=sums.gross_fen, state=state, parameters=vat_parameters),
        injury_orders=covered, injury_fen=contribution)


TOTAL_NAMES = ("workers", "orders", "gross_fen", "commission_fen", "income_fen", "withheld_fen", "net_fen",
               "vat_sales_fen", "vat_fen", "vat_exempt", "guide_to_register", "injury_orders", "injury_fen")


def totals(results: Iterable[WorkerMonthEnd]) -> dict[str, int]:
    out = dict.fromkeys(TOTAL_NAMES, 0)
    for r in results:
        out["workers"] += 1
        out["orders"] += r.orders
        out["gross_fen"] += r.gross_fen
        out["commission_fen"] += r.commission_fen
        out["income_fen"] += r.income_fen
        out["withheld_fen"] += r.withholding.withheld_fen
        out["net_fen"] += r.income_fen - r.withholding.withheld_fen
        out["vat_sales_fen"] += r.vat.sales_fen
        out["vat_fen"] += r.vat.vat_fen
        out["vat_exempt"] += r.vat.exempt
        out["guide_to_register"] += r.vat.guide_to_register
        out["injury_orders"] += r.injury_orders
        out["injury_fen"] += r.injury_fen
    return out


@dataclass(frozen=True)
class MonthEndRun:
    month: dt.date
    workers: list[WorkerMonthEnd]
    totals: dict[str, int]


def month_end(rows: Iterable[OrderRow], *, month: dt.date, earlier: Mapping[tuple[str, str], EarlierState],
              injury_rates: Mapping[str, int], gap_rule: GapRule = GapRule.RESTART) -> MonthEndRun:
    """The month-end run over the month's orders; ``earlier`` holds each (worker, platform)'s state before the
    month (none: a worker new this year). Workers without orders in the month have nothing to compute."""
    return month_end_from_sums(sum_orders(rows, month=month), month=month, earlier=earlier,
                               injury_rates=injury_rates, gap_rule=gap_rule)


def month_end_from_sums(sums: Mapping[tuple[str, str], WorkerMonthSums], *, month: dt.date,
                        earlier: Mapping[tuple[str, str], EarlierState], injury_rates: Mapping[str, int],
                        gap_rule: GapRule = GapRule.RESTART) -> MonthEndRun:
    """``month_end`` from orders already summed per worker (by ``sum_orders`` or a query doing the same sums);
    the workers come out in the order of ``sums``."""
    if month.day != 1:
        raise InvalidInput("a month is given by its first day", field="month", code="tax.month_first_day")
    nothing = EarlierState()
    in_force, vat_in_force = cumulative_parameters_at(month), small_scale_vat_parameters_at(month)
    with cyclic_gc_paused():
        workers = [worker_month_end(worker=worker, platform=platform, month=month, sums=worker_sums,
                                    state=earlier.get((worker, platform), nothing), injury_rates=injury_rates,
                                    gap_rule=gap_rule, parameters=in_force, vat_parameters=vat_in_force)
                   for (worker, platform), worker_sums in sums.items()]
    return MonthEndRun(month=month, workers=workers, totals=totals(workers))


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a run makes its records: they hold no reference cycles (plain
    values and frozen records), and with 100,000 of them alive each full collection walks them all again, for
    nothing (the bench measured 40–50% of the run in it). Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def earlier_states(month: dt.date, earlier: Mapping[tuple[str, str], Sequence[EarlierMonth]]
                   ) -> dict[tuple[str, str], EarlierState]:
    return {key: earlier_state(month, months) for key, months in earlier.items()}
