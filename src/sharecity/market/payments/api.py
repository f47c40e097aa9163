"""The payments routes of the market API (mounted by ``market.api`` under its authentication).

A provider (or a machine client acting for one with ``X-Acting-User``) reads their payable
balance, what they were charged and their payouts on the platform.
"""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.payments import selectors

router = Router(tags=["payments"])


class PayoutOut(Schema):
    created_at: dt.datetime
    amount_fen: int
    status: str
    gateway_reference: str


class WeekOut(Schema):
    week_start: dt.date
    income_fen: int


class PayoutsOut(Schema):
    payable_fen: int
    earned_fen: int
    commission_fen: int
    tax_fen: int
    paid_out_fen: int
    weeks: list[WeekOut]
    payouts: list[PayoutOut]


@router.get("/p/{platform}/payouts", response={200: PayoutsOut, **ERRORS})
def payouts_mine(request, platform: str):
    caller = Caller(request, platform)
    provider = caller.person()
    summary = selectors.provider_summary(platform=caller.platform, provider=provider)
    payouts = selectors.provider_payouts(platform=caller.platform, provider=provider)[:100]
    return {
        "payable_fen": summary.payable_fen, "earned_fen": summary.earned_fen,
        "commission_fen": summary.commission_fen, "tax_fen": summary.tax_fen, "paid_out_fen": summary.paid_out_fen,
        "weeks": [{"week_start": w.week_start, "income_fen": w.income_fen} for w in summary.weeks],
        "payouts": [{"created_at": p.created_at, "amount_fen": p.amount_fen, "status": p.status,
                     "gateway_reference": p.gateway_reference} for p in payouts],
    }
