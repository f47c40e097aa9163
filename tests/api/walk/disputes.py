"""Disputes routes in the tenant walk: they act on the order the orders module prepares."""

from __future__ import annotations

from sharecity.market.disputes.models import Dispute

BODIES = {
    ("POST", "/p/{platform}/orders/{order_id}/disputes"): lambda t: {
        "reason": "other", "description": "越权发起的争议内容描述", "amount_claimed_fen": 0},
}

NOT_FOUND_CODES = ("order.not_found",)


def SNAPSHOT(platform):
    return {"disputes": list(Dispute.objects.filter(platform=platform).order_by("pk").values())}
