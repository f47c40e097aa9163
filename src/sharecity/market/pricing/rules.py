"""SAMR Order 56 (《明码标价和禁止价格欺诈规定》) Art. 16, as a pure rule.

A promotion may show a struck-through "original price" only if that price is no higher than
the lowest price actually transacted on the listing in the 7 days before the promotion starts
(the window ``[starts_at - 7 days, starts_at)``); when nothing was transacted in those 7 days,
no higher than the last price transacted before it. With no transaction ever there is no
original price to show, and the promotion is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

WINDOW = dt.timedelta(days=7)

LOWEST_IN_WINDOW = "lowest_7_days"
LAST_TRANSACTION = "last_transaction"
NO_TRANSACTION = "no_transaction"


@dataclass(frozen=True)
class OriginalPriceCheck:
    allowed: bool
    basis: str                       # which branch of the rule applied
    reference_fen: int | None        # the highest original price the rule allows


def original_price_check(*, original_price_fen: int, starts_at: dt.datetime,
                         transactions: Iterable[tuple[dt.datetime, int]]) -> OriginalPriceCheck:
    """``transactions``: (transacted_at, unit price in fen) of the listing, in any order."""
    before = [(at, fen) for at, fen in transactions if at < starts_at]
    if not before:
        return OriginalPriceCheck(allowed=False, basis=NO_TRANSACTION, reference_fen=None)
    in_window = [fen for at, fen in before if at >= starts_at - WINDOW]
    if in_window:
        reference, basis = min(in_window), LOWEST_IN_WINDOW
    else:
        reference, basis = max(before, key=lambda item: item[0])[1], LAST_TRANSACTION
    return OriginalPriceCheck(allowed=original_price_fen <= reference, basis=basis, reference_fen=reference)
