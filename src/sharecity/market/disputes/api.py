"""The disputes routes of the market API (mounted by ``market.api`` under its authentication).

Either side of an order opens a dispute and reads the operator's written decision.
"""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Router, Schema, Status

from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.disputes import selectors, services
from sharecity.market.reviews.orderlink import order_get

router = Router(tags=["disputes"])


class DisputeIn(Schema):
    reason: str = Field(...,
                        description="not_provided, not_as_described, damage, no_show, overcharged, not_paid, other")
    description: str
    amount_claimed_fen: int = 0


class DisputeOut(Schema):
    id: uuid.UUID
    opener_role: str
    reason: str
    description: str
    amount_claimed_fen: int
    status: str
    decision: str
    decision_text: str
    refund_fen: int
    created_at: dt.datetime
    decided_at: dt.datetime | None


def _out(dispute) -> dict:
    return {"id": dispute.public_id, "opener_role": dispute.opener_role, "reason": dispute.reason,
            "description": dispute.description, "amount_claimed_fen": dispute.amount_claimed_fen,
            "status": dispute.status, "decision": dispute.decision, "decision_text": dispute.decision_text,
            "refund_fen": dispute.refund_fen, "created_at": dispute.created_at, "decided_at": dispute.decided_at}


@router.get("/p/{platform}/orders/{order_id}/disputes", response={200: list[DisputeOut], **ERRORS})
def disputes_list(request, platform: str, order_id: uuid.UUID):
    caller = Caller(request, platform)
    order = order_get(platform=caller.platform, public_id=order_id)
    return [_out(d) for d in selectors.disputes_of_order(order=order, user=caller.person())]


@router.post("/p/{platform}/orders/{order_id}/disputes", response={201: DisputeOut, **ERRORS})
def disputes_open(request, platform: str, order_id: uuid.UUID, data: DisputeIn):
    caller = Caller(request, platform)
    order = order_get(platform=caller.platform, public_id=order_id)
    dispute = services.dispute_open(actor=caller.person(), order=order, reason=data.reason,
                                    description=data.description, amount_claimed_fen=data.amount_claimed_fen)
    return Status(201, _out(dispute))
