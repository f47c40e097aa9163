"""The platform's tax-information reports of 《互联网平台企业涉税信息报送规定》 (国务院令第810号, published and in
force 2025-06-20), as dated data and plain functions (no ORM).

What the decree says (text read from the State Council's publication, 2025-06-20):
- 第二条: the platform reports to its tax office the identity and income information of its operators (平台内经营者)
  and workers (从业人员: natural persons providing services for profit in their own name through the platform).
- 第三条: within 30 days of the decree's entry into force, or within 30 days of starting its internet business, the
  platform reports its domain, business types, and the credit code and name of the operating entity.
- 第四条第一款: within the month after each quarter ends (于季度终了的次月内), the identity information and the last
  quarter's income information.
- 第四条第二款: for workers providing convenience services such as delivery, transport and housekeeping (配送、运输、
  家政等便民劳务) who enjoy a tax preference or owe no tax, the platform does not report their income information
  (the identity is still reported). Information already filed when withholding or filing on a worker's behalf
  (扣缴申报、代办申报) is not reported again.

The categories of income (收入总额, 退款金额, 收入净额, 佣金) follow 国家税务总局公告2025年第15号 (the STA's
implementing announcement), whose text we could read only in part: the forms' names
《平台内的经营者和从业人员身份信息报送表》 and the income items are from it; the exact column order of the official
forms could not be verified, so the files carry the decree's and the announcement's items under those names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.timeutil import month_end

DECREE = "国务院令第810号《互联网平台企业涉税信息报送规定》"
DECREE_IN_FORCE = dt.date(2025, 6, 20)
# The first quarterly report was due in October 2025, for the third quarter (国家税务总局 as reported by 新华社,
# 2025-07-20: "今年10月，互联网平台企业要向主管税务机关报送平台内经营者和从业人员身份信息及上季度收入信息").
FIRST_QUARTER = (2025, 3)


@dataclass(frozen=True)
class ConvenienceExemption:
    """第四条第二款 as data: the sectors whose workers' income is not reported when they owe no tax.

    ``sectors`` are the exchange's sector codes that are 便民劳务 (delivery, transport, housekeeping "等"). Whether a
    worker "owes no tax" is read from what the platform knows: a natural person (not a registered business) from
    whom the platform withheld no income tax in the quarter and whose quarter's income through the platform is at most
    ``quarter_income_up_to_fen`` (the small-scale VAT exemption of 100,000 yuan a month, 财政部 税务总局公告2023年
    第19号 第一条, over a quarter; that announcement's text was not at hand to check when this was written: the
    threshold is data, so a correction is a new version). A worker over either line is reported in full: for a
    platform, reporting income it could have left out is the safe side of not reporting income it owed."""

    effective_from: dt.date
    sectors: frozenset[str]
    quarter_income_up_to_fen: int
    source: str


EXEMPTION_VERSIONS: tuple[ConvenienceExemption, ...] = (
    ConvenienceExemption(
        effective_from=DECREE_IN_FORCE,
        # catering is the sector of meal delivery; ride_hailing (h4's sector) is transport; housekeeping and elderly
        # care are household services (家政).
        sectors=frozenset({"catering", "ride_hailing", "housekeeping", "elderly_care"}),
        quarter_income_up_to_fen=300_000_00,
        source=f"{DECREE} 第四条第二款; 财政部 税务总局公告2023年第19号 第一条",
    ),
)


def exemption_at(on: dt.date) -> ConvenienceExemption:
    found = [v for v in EXEMPTION_VERSIONS if v.effective_from <= on]
    if not found:
        raise InvalidInput(f"{DECREE} is in force from {DECREE_IN_FORCE.isoformat()}, not on {on.isoformat()}",
                           field="quarter", code="tax.not_in_force")
    return max(found, key=lambda v: v.effective_from)


def income_exempt(*, rule: ConvenienceExemption, subject_kind: str, sectors: set[str], income_fen: int,
                  withheld_fen: int) -> bool:
    """Whether a provider's income is left out of the quarter's income form (第四条第二款): a natural person
    working only in 便民劳务 sectors, with no tax withheld and income within the exemption line."""
    return (subject_kind == "person" and bool(sectors) and sectors <= rule.sectors and withheld_fen == 0
            and income_fen <= rule.quarter_income_up_to_fen)


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return month_end(dt.date(self.year, 3 * self.quarter, 1))

    @property
    def due(self) -> dt.date:
        """第四条第一款 "于季度终了的次月内": the last day of the month after the quarter ends. (The announcement
        moves a deadline that falls on a holiday as the tax calendar does; we keep the plain date.)"""
        return month_end(self.last_day + dt.timedelta(days=1))

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"


def quarter_parse(year: int, quarter: int) -> Quarter:
    if not 1 <= quarter <= 4:
        raise InvalidInput("a quarter is 1 to 4", field="quarter", code="tax.invalid_quarter")
    if not 2000 <= year <= 2100:
        raise InvalidInput("the year is between 2000 and 2100", field="year", code="tax.invalid_year")
    result = Quarter(year, quarter)
    if (year, quarter) < FIRST_QUARTER:
        raise InvalidInput(f"the quarterly report of {DECREE} starts with {FIRST_QUARTER[0]}Q{FIRST_QUARTER[1]}",
                           field="quarter", code="tax.not_in_force")
    return result


def quarters_due(*, first_day: dt.date, today: dt.date) -> list[Quarter]:
    """Quarters whose report a platform active from ``first_day`` owed by ``today`` or owes now (the current
    quarter's is not due until it ends): every ended quarter from the later of its start and the decree's."""
    quarter = max(Quarter(first_day.year, (first_day.month - 1) // 3 + 1), Quarter(*FIRST_QUARTER),
                  key=lambda q: (q.year, q.quarter))
    result = []
    while quarter.last_day < today:
        result.append(quarter)
        quarter = Quarter(quarter.year + 1, 1) if quarter.quarter == 4 else Quarter(quarter.year, quarter.quarter + 1)
    return result


def platform_info_due(*, started_on: dt.date) -> dt.date:
    """第三条: within 30 days of the decree's entry into force, or of starting the internet business if later."""
    return max(started_on, DECREE_IN_FORCE) + dt.timedelta(days=30)
