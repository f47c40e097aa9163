"""Individual income tax parameters for platform payments, as data: each version with the day it takes effect
and its source.

A change in law is a new version with a later ``effective_from``, never an edit of the numbers: a payment is
always computed with the version in force on its day (``withholding_parameters_at``), so a result once
booked is reproduced by the same data whatever changed later.

Sources:
- 《中华人民共和国个人所得税法》(2018年8月31日第七次修正, 2019-01-01起施行) 第三条、附表一: the comprehensive income
  table (综合所得适用, 3% to 45%); 第六条第一款第(二)项 and 第二款: labour remuneration's income is the
  receipt less 20% of expenses.
- 国家税务总局公告2018年第61号《个人所得税扣缴申报管理办法（试行）》第八条 and its 个人所得税预扣率表二: a payment
  of labour remuneration to a person who is not an employee is withheld per payment: 800 yuan deducted from a
  payment up to 4,000 yuan, 20% above; rates 20%, 30% and 40% with quick deductions 0, 2,000 and 7,000.
- 国家税务总局公告2025年第16号《关于互联网平台企业为平台内从业人员办理扣缴申报、代办申报若干事项的公告》
  (2025-06-26, 2025-10-01起施行) 第一条第(一)项: a platform withholds its workers' labour remuneration by the
  cumulative method of 2018年第61号; 累计费用 = 累计收入 × 20%; 累计减除费用 = 5,000元/月 × 纳税人当年截至本月在本
  互联网平台企业连续取得劳务报酬的月份数; the rate and quick deduction are those of the comprehensive income
  table (预扣率表一).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sharecity.kernel.errors import InvalidInput


@dataclass(frozen=True)
class Bracket:
    """Income up to ``up_to_fen`` (None: no upper bound) is taxed at ``rate`` less ``quick_deduction_fen``."""

    up_to_fen: int | None
    rate: Decimal
    quick_deduction_fen: int


@dataclass(frozen=True)
class CumulativeParameters:
    effective_from: dt.date
    expense_ratio: Decimal
    deduction_per_month_fen: int
    brackets: tuple[Bracket, ...]
    source: str


@dataclass(frozen=True)
class PerPaymentParameters:
    effective_from: dt.date
    flat_deduction_fen: int  # deducted from a payment up to ``flat_deduction_up_to_fen``
    flat_deduction_up_to_fen: int
    expense_ratio: Decimal  # deducted from a larger payment
    brackets: tuple[Bracket, ...]
    source: str


YUAN = 100

# 个人所得税法 附表一 (综合所得), used as 个人所得税预扣率表一 (2018年第61号) for the cumulative method.
COMPREHENSIVE_2019 = (
    Bracket(36_000 * YUAN, Decimal("0.03"), 0),
    Bracket(144_000 * YUAN, Decimal("0.10"), 2_520 * YUAN),
    Bracket(300_000 * YUAN, Decimal("0.20"), 16_920 * YUAN),
    Bracket(420_000 * YUAN, Decimal("0.25"), 31_920 * YUAN),
    Bracket(660_000 * YUAN, Decimal("0.30"), 52_920 * YUAN),
    Bracket(960_000 * YUAN, Decimal("0.35"), 85_920 * YUAN),
    Bracket(None, Decimal("0.45"), 181_920 * YUAN),
)

# 个人所得税预扣率表二 (2018年第61号, 劳务报酬所得适用).
LABOUR_PER_PAYMENT_2019 = (
    Bracket(20_000 * YUAN, Decimal("0.20"), 0),
    Bracket(50_000 * YUAN, Decimal("0.30"), 2_000 * YUAN),
    Bracket(None, Decimal("0.40"), 7_000 * YUAN),
)

CUMULATIVE_VERSIONS: tuple[CumulativeParameters, ...] = (
    CumulativeParameters(
        effective_from=dt.date(2025, 10, 1), expense_ratio=Decimal("0.20"), deduction_per_month_fen=5_000 * YUAN,
        brackets=COMPREHENSIVE_2019,
        source="国家税务总局公告2025年第16号 第一条第(一)项; 国家税务总局公告2018年第61号 预扣率表一; "
               "个人所得税法 附表一"),
)

PER_PAYMENT_VERSIONS: tuple[PerPaymentParameters, ...] = (
    PerPaymentParameters(
        effective_from=dt.date(2019, 1, 1), flat_deduction_fen=800 * YUAN, flat_deduction_up_to_fen=4_000 * YUAN,
        expense_ratio=Decimal("0.20"), brackets=LABOUR_PER_PAYMENT_2019,
        source="国家税务总局公告2018年第61号 第八条、预扣率表二; 个人所得税法 第六条"),
)


def _in_force(versions, *, on: dt.date, what: str):
    found = [v for v in versions if v.effective_from <= on]
    if not found:
        first = min(v.effective_from for v in versions)
        raise InvalidInput(f"{what} is in force from {first.isoformat()}, not on {on.isoformat()}",
                           field="month", code="tax.not_in_force")
    return max(found, key=lambda v: v.effective_from)


def cumulative_parameters_at(on: dt.date) -> CumulativeParameters:
    return _in_force(CUMULATIVE_VERSIONS, on=on, what="the cumulative method for platform workers")


def per_payment_parameters_at(on: dt.date) -> PerPaymentParameters:
    return _in_force(PER_PAYMENT_VERSIONS, on=on, what="per-payment withholding of labour remuneration")


@dataclass(frozen=True)
class SmallScaleVatParameters:
    """The VAT treatment of a worker's service income filed by the platform on the worker's behalf (代办申报)
    as a small-scale taxpayer, for the months from ``effective_from`` to ``effective_until``."""

    effective_from: dt.date
    effective_until: dt.date | None
    monthly_exemption_fen: int  # sales (excluding VAT) up to this amount in a month are exempt, inclusive
    levy_rate: Decimal
    general_registration_fen: int  # 12 consecutive months above this: guide the worker to register
    source: str
    verified: str


SMALL_SCALE_VAT_VERSIONS: tuple[SmallScaleVatParameters, ...] = (
    SmallScaleVatParameters(
        effective_from=dt.date(2025, 10, 1), effective_until=dt.date(2027, 12, 31),
        monthly_exemption_fen=100_000 * YUAN, levy_rate=Decimal("0.01"), general_registration_fen=5_000_000 * YUAN,
        source="国家税务总局公告2025年第16号 第二条第(一)项 (小规模纳税人月销售额10万元以下免征增值税、3%征收率减按1%; "
               "连续12个月累计超过500万元的引导办理登记); 财政部 税务总局公告2023年第19号 第一条、第二条、第五条 "
               "(执行至2027年12月31日); 《中华人民共和国增值税法》(2026-01-01起施行) 征收率3%",
        verified="2025年第16号 第二条第(一)项 read in its published text; 2023年第19号 and the VAT Law's articles "
                 "from the project's notes, not re-read here; after 2027-12-31 the treatment is not known and "
                 "nothing is computed until a new version is added"),
)


def small_scale_vat_parameters_at(on: dt.date) -> SmallScaleVatParameters:
    in_force = _in_force(SMALL_SCALE_VAT_VERSIONS, on=on, what="VAT filing on platform workers' behalf")
    if in_force.effective_until is not None and on > in_force.effective_until:
        raise InvalidInput(f"no VAT treatment of small-scale taxpayers is recorded after "
                           f"{in_force.effective_until.isoformat()}: add the version in force on {on.isoformat()}",
                           field="month", code="tax.not_in_force")
    return in_force
