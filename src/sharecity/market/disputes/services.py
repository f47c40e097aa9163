"""Disputes: either side of an order opens one; the platform's operator decides it.

The order is moved to its "in dispute" state through the orders context's transition
``dispute``; a decision to refund takes ``resolve_refund`` (which refunds through the
ledger), a rejection ``resolve_release``. Should the order's process have no such
transition, the dispute still stands on its own and a refund goes through
``orders.services.order_refund`` (the ledger, the order's refunds, ``order.refunded`` to the hub).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record
from sharecity.market.disputes import errors
from sharecity.market.disputes.models import Decision, Dispute, DisputeReason, DisputeStatus
from sharecity.market.platforms.selectors import is_operator
from sharecity.market.reviews.orderlink import party_role


def refundable_fen(order) -> int:
    """What the customer paid that can still come back: not refunded and not paid out."""
    return max(order.total_fen - order.refunded_fen - getattr(order, "released_fen", 0), 0)


def _transition(*, actor, order, transition: str, **data):
    """Take an orders transition; None when the orders context or the order's process has none of that name."""
    try:
        from sharecity.market.orders.services import order_transition
    except ImportError:
        return None
    try:
        return order_transition(actor=actor, order=order, transition=transition, **data)
    except Exception as error:  # the orders context's UnknownTransition: this process has no such step
        # No such step in this process, or not from the order's state (closed, expired): the dispute
        # stands without changing the order.
        if getattr(error, "code", "") in ("order.unknown_transition", "order.wrong_state"):
            return None
        raise


@transaction.atomic
def dispute_open(*, actor: User, order, reason: str, description: str, amount_claimed_fen: int = 0) -> Dispute:
    from sharecity.market.orders.models import Order

    order = Order.objects.select_for_update(of=("self",)).select_related("platform", "listing").get(pk=order.pk)
    role = party_role(order=order, user=actor)
    if role not in ("customer", "provider"):
        raise errors.NotAParty(_("Only the customer and the provider of an order can open a dispute about it."),
                               field="order_id")
    if reason not in DisputeReason.values:
        raise errors.InvalidDispute(_("Choose the reason for the dispute."), field="reason")
    description = (description or "").strip()
    if not 10 <= len(description) <= 2000:
        raise errors.InvalidDispute(_("Describe the dispute in 10 to 2000 characters."), field="description")
    if isinstance(amount_claimed_fen, bool) or not isinstance(amount_claimed_fen, int) or amount_claimed_fen < 0:
        raise errors.InvalidDispute(_("The amount claimed is a whole, non-negative number of fen."),
                                    field="amount_claimed_fen")
    if amount_claimed_fen > order.total_fen:
        raise errors.InvalidDispute(_("The amount claimed cannot be more than the order's total."),
                                    field="amount_claimed_fen")
    if Dispute.objects.filter(order=order, status=DisputeStatus.OPEN).exists():
        raise errors.AlreadyOpen(_("A dispute about this order is already open."), field="order_id")
    marked = _transition(actor=actor, order=order, transition="dispute", reason=description[:200]) is not None
    dispute = Dispute.objects.create(platform=order.platform, order=order, opened_by=actor, opener_role=role,
                                     reason=reason, description=description, amount_claimed_fen=amount_claimed_fen,
                                     order_marked=marked)
    audit_record(actor=actor, action="dispute.open", target_type="dispute", target_id=dispute.public_id,
                 platform_id=order.platform.exchange_id,
                 data={"order_id": str(order.public_id), "reason": reason, "role": role,
                       "amount_claimed_fen": amount_claimed_fen, "order_marked": marked})
    return dispute


@transaction.atomic
def dispute_resolve(*, actor: User, dispute: Dispute, decision: str, decision_text: str,
                    refund_fen: int | None = None, now: dt.datetime | None = None) -> Dispute:
    """The operator's decision, written for both sides: a full or partial refund through the ledger, or no refund."""
    from sharecity.market.orders.models import Order

    now = now or timezone.now()
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if not is_operator(user=actor, platform=dispute.platform):
        raise errors.NotOperator(_("Only the platform's operator staff may decide a dispute."), field="dispute_id")
    if dispute.status != DisputeStatus.OPEN:
        raise errors.AlreadyDecided(_("This dispute has already been decided."), field="dispute_id")
    if decision not in Decision.values:
        raise errors.InvalidDispute(_("Choose the decision."), field="decision")
    decision_text = (decision_text or "").strip()
    if not 10 <= len(decision_text) <= 4000:
        raise errors.InvalidDispute(_("Write the decision and its reasons in 10 to 4000 characters."),
                                    field="decision_text")
    order = (Order.objects.select_for_update(of=("self",)).select_related("platform", "customer")
             .get(pk=dispute.order_id))
    left = refundable_fen(order)
    amount = 0
    if decision == Decision.REFUND_FULL:
        amount = left
        if amount <= 0:
            raise errors.InvalidDispute(_("Nothing paid for this order is left to refund."), field="decision")
    elif decision == Decision.REFUND_PARTIAL:
        if isinstance(refund_fen, bool) or not isinstance(refund_fen, int) or not 0 < refund_fen <= left:
            raise errors.InvalidDispute(
                _("A partial refund is more than ¥0 and at most what is still held for the order (%(left)s fen).")
                % {"left": left}, field="refund_fen")
        amount = refund_fen
    in_dispute_state = order.state == "disputed"
    if amount:
        if in_dispute_state and _transition(actor=actor, order=order, transition="resolve_refund",
                                            refund_fen=amount, note=decision_text[:200]) is not None:
            pass
        else:
            from sharecity.market.orders.services import order_refund

            order_refund(actor=actor, order=order, amount_fen=amount, kind="dispute",
                         source_id=str(dispute.public_id), note=decision_text[:300], field="refund_fen", now=now)
    elif in_dispute_state:
        _transition(actor=actor, order=order, transition="resolve_release", note=decision_text[:200])
    dispute.status = DisputeStatus.REFUNDED if amount else DisputeStatus.REJECTED
    dispute.decision, dispute.decision_text, dispute.refund_fen = decision, decision_text, amount
    dispute.decided_by, dispute.decided_at = actor, now
    dispute.save(update_fields=["status", "decision", "decision_text", "refund_fen", "decided_by", "decided_at"])
    audit_record(actor=actor, action="dispute.resolve", target_type="dispute", target_id=dispute.public_id,
                 platform_id=dispute.platform.exchange_id,
                 data={"order_id": str(order.public_id), "decision": decision, "refund_fen": amount,
                       "decision_text": decision_text})
    return dispute
