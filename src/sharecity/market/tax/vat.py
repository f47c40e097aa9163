"""VAT a platform files on its workers' behalf (代办申报), month by month: plain data in, plain data out.

A worker's service income through the platform is the price customers paid, VAT included. As a small-scale
taxpayer the worker's sales excluding VAT are ``income / (1 + levy rate)``; a month whose sales are at most
the exemption threshold (inclusive) is exempt, a month above it is taxed in full at the levy rate
(国家税务总局公告2025年第16号 第二条第(一)项 with 财政部 税务总局公告2023年第19号; the numbers are dated data in
``parameters.SMALL_SCALE_VAT_VERSIONS``). When a worker's income over 12 consecutive months passes the
general-taxpayer threshold, the platform guides the worker to register (same article); the return says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from sharecity.kernel.errors import InvalidInput
from sharecity.market.tax.parameters import SmallScaleVatParameters, small_scale_vat_parameters_at
from sharecity.market.tax.rules import MAX_MONTHLY_FEN, fen_divided_by_one_plus, next_month


@dataclass(frozen=True)
class MonthSales:
    month: dt.date  # the first day of the month
    income_fen: int  # what customers paid for the worker's services in the month, VAT included


@dataclass(frozen=True)
class MonthVat:
    month: dt.date
    income_fen: int
    sales_fen: int  # excluding VAT
    exempt: bool
    levy_rate: Decimal
    vat_fen: int
    twelve_months_fen: int  # income of this month and the 11 before it (those given)
    guide_to_register: bool
    source: str




def monthly_vat(months: Sequence[MonthSales]) -> list[MonthVat]:
    """The VAT return of one worker for each month given (consecutive months in order; earlier months may be
    given to count the 12-month income for the registration guidance)."""
    if not months:
        raise InvalidInput("give at least one month", field="months", code="tax.no_months")
    for previous, month in pairwise(months):
        if month.month != next_month(previous.month):
            raise InvalidInput("give every month in order, with 0 for a month without income", field="months",
                               code="tax.months_consecutive")
    results = []
    for index, month in enumerate(months):
        twelve = sum(m.income_fen for m in months[max(0, index - 11): index + 1])
        results.append(month_vat(month, twelve_months_fen=twelve))
    return results


def month_vat(month: MonthSales, *, twelve_months_fen: int,
              parameters: SmallScaleVatParameters | None = None) -> MonthVat:
    """One month's return, ``twelve_months_fen`` being the income of the month and the 11 before it (the
    registration guidance). ``monthly_vat`` calls it for each month; the month-end run calls it directly, with
    the parameters in force on the month looked up once for all its workers."""
    if month.month.day != 1:
        raise InvalidInput("a month is given by its first day", field="months", code="tax.month_first_day")
    if not 0 <= month.income_fen <= MAX_MONTHLY_FEN:
        raise InvalidInput(f"a month's income is between 0 and {MAX_MONTHLY_FEN // 100:,} yuan", field="months",
                           code="tax.income_out_of_range")
    in_force = parameters or small_scale_vat_parameters_at(month.month)
    sales = fen_divided_by_one_plus(month.income_fen, in_force.levy_rate)
    exempt = sales <= in_force.monthly_exemption_fen
    vat = 0 if exempt else month.income_fen - sales
    return MonthVat(month=month.month, income_fen=month.income_fen, sales_fen=sales, exempt=exempt,
                    levy_rate=in_force.levy_rate, vat_fen=vat, twelve_months_fen=twelve_months_fen,
                    guide_to_register=twelve_months_fen > in_force.general_registration_fen,
                    source=in_force.source)
