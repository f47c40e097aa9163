"""The comparison price (被比较价格) of a promotion, as a pure rule.

Source: 《明码标价和禁止价格欺诈规定》（国家市场监督管理总局令第56号，2022年4月14日公布，2022年7月1日起施行）
第十六条:

- 第一款: the comparison price a business states must be true and accurate (真实准确);
- 第二款: where it does not state the details of the comparison price (未标明被比较价格的详细信息), the comparison
  price may be no higher than its lowest transaction price in the 7 days before the comparison (价格比较前七日内的
  最低成交价格); with no transaction in those 7 days, no higher than the last transaction price before the
  comparison (本次价格比较前最后一次交易价格);
- 第三款: a comparison with the manufacturer's suggested retail price must label the comparison price as the
  manufacturer's suggested retail price (明确标示被比较价格为厂商建议零售价), and be updated when it changes.

So a promotion states its basis: ``transacted`` (no details stated: 第二款 bounds it by real transactions, the
window ``[starts_at - 7 days, starts_at)``; with no transaction ever there is nothing to compare with and the
promotion is refused) or ``msrp`` (第三款: allowed, shown labelled as the manufacturer's suggested retail price with
the manufacturer named). The 7-day window is data with its effective date (``COMPARISON_RULES``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sharecity.kernel.timeutil import CITY_TZ

# The stated bases a promotion may use (第十六条 第二款 and 第三款).
BASIS_TRANSACTED = "transacted"
BASIS_MSRP = "msrp"
BASES = (BASIS_TRANSACTED, BASIS_MSRP)

# Which branch of the rule applied (kept on the promotion as ``reference_basis``).
LOWEST_IN_WINDOW = "lowest_7_days"
LAST_TRANSACTION = "last_transaction"
NO_TRANSACTION = "no_transaction"
STATED_MSRP = "stated_msrp"


@dataclass(frozen=True)
class ComparisonRule:
    effective: dt.date          # in force from this day (city time)
    window: dt.timedelta        # "前七日内"
    source: str


COMPARISON_RULES: tuple[ComparisonRule, ...] = (
    ComparisonRule(effective=dt.date(2022, 7, 1), window=dt.timedelta(days=7),
                   source="《明码标价和禁止价格欺诈规定》（国家市场监督管理总局令第56号）第十六条"),
)


def rule_at(moment: dt.datetime) -> ComparisonRule:
    """The rule in force on ``moment``'s city date (the earliest one before any came into force)."""
    day = moment.astimezone(CITY_TZ).date()
    in_force = [rule for rule in COMPARISON_RULES if rule.effective <= day]
    return max(in_force, key=lambda rule: rule.effective) if in_force else COMPARISON_RULES[0]


WINDOW = COMPARISON_RULES[-1].window


@dataclass(frozen=True)
class OriginalPriceCheck:
    allowed: bool
    basis: str                       # which branch of the rule applied
    reference_fen: int | None        # the highest original price the rule allows (None: no bound)


def original_price_check(*, original_price_fen: int, starts_at: dt.datetime,
                         transactions: Iterable[tuple[dt.datetime, int]],
                         stated_basis: str = BASIS_TRANSACTED) -> OriginalPriceCheck:
    """``transactions``: (transacted_at, unit price in fen) of the listing, in any order."""
    if stated_basis == BASIS_MSRP:
        # 第十六条第三款: a comparison with the manufacturer's suggested retail price, labelled as such.
        return OriginalPriceCheck(allowed=True, basis=STATED_MSRP, reference_fen=None)
    window = rule_at(starts_at).window
    before = [(at, fen) for at, fen in transactions if at < starts_at]
    if not before:
        return OriginalPriceCheck(allowed=False, basis=NO_TRANSACTION, reference_fen=None)
    in_window = [fen for at, fen in before if at >= starts_at - window]
    if in_window:
        reference, basis = min(in_window), LOWEST_IN_WINDOW
    else:
        reference, basis = max(before, key=lambda item: item[0])[1], LAST_TRANSACTION
    return OriginalPriceCheck(allowed=original_price_fen <= reference, basis=basis, reference_fen=reference)
