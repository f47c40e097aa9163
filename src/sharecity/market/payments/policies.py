"""Cancellation policies: how much of an order's total a customer gets back on cancelling.

Pure (no ORM). ``starts_at`` is when the booked service begins; times are aware datetimes.

* **flexible**: full refund until 24 hours before the start; 50 % after that (also once started).
* **moderate**: full refund until 5 days before the start; 50 % until the start; nothing after it.
* **strict**: 50 % until 7 days before the start; nothing after that.
* Items without a start (goods): a full refund before shipping, nothing from this rule after it;
  the caller says whether the item has shipped (``shipped``) and passes ``starts_at=None``.

A refund of 50 % is rounded half up to the fen. Each boundary belongs to the better side for
the customer: cancelling exactly 24 hours before the start under *flexible* is a full refund.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from sharecity.market.payments.ledger import rate_of

FLEXIBLE = "flexible"
MODERATE = "moderate"
STRICT = "strict"
POLICIES = (FLEXIBLE, MODERATE, STRICT)

# (time before the start from which the share applies, share in basis points), most generous first;
# ``None`` as the time means "any time, even after the start".
_SCHEDULES: dict[str, tuple[tuple[dt.timedelta | None, int], ...]] = {
    FLEXIBLE: ((dt.timedelta(hours=24), 10_000), (None, 5_000)),
    MODERATE: ((dt.timedelta(days=5), 10_000), (dt.timedelta(0), 5_000)),
    STRICT: ((dt.timedelta(days=7), 5_000),),
}

POLICY_TEXT = {
    FLEXIBLE: _("Flexible: full refund if you cancel at least 24 hours before the start; 50% after that."),
    # xgettext:no-python-format
    MODERATE: _("Moderate: full refund if you cancel at least 5 days before the start; 50% until the start; "
                "no refund after the start."),
    # xgettext:no-python-format
    STRICT: _("Strict: 50% refund if you cancel at least 7 days before the start; no refund after that."),
}
NO_START_TEXT = _("Goods: full refund if you cancel before the item is shipped.")


def cancellation_refund_fen(*, policy: str, total_fen: int, starts_at: dt.datetime | None,
                            cancelled_at: dt.datetime, shipped: bool = False) -> int:
    """The refund in fen for cancelling an order of ``total_fen`` at ``cancelled_at``."""
    if policy not in _SCHEDULES:
        raise ValueError(f"unknown cancellation policy {policy!r}")
    if total_fen <= 0:
        return 0
    if starts_at is None:
        return 0 if shipped else total_fen
    ahead = starts_at - cancelled_at
    for before, share in _SCHEDULES[policy]:
        if before is None or ahead >= before:
            return rate_of(total_fen, share)
    return 0


def policy_text(policy: str, *, has_start: bool = True) -> str:
    """The policy in words, to show before booking."""
    return str(POLICY_TEXT[policy] if has_start else NO_START_TEXT)
