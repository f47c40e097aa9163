from __future__ import annotations

import pytest

from sharecity.market.disputes.errors import AlreadyDecided, AlreadyOpen, InvalidDispute, NotAParty, NotOperator
from sharecity.market.disputes.models import Dispute
from sharecity.market.disputes.selectors import dispute_queue, disputes_of_order
from sharecity.market.disputes.services import dispute_open, dispute_resolve
from sharecity.market.payments.selectors import order_balance
from sharecity.market.payments.services import payment_collect
from tests import factories
from tests.market.helpers import nothing_written
from tests.market.reviews.trust import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(platform, provider, customer):
    order = make_order(platform, provider, customer, state="completed", total_fen=30_000)
    payment_collect(platform=platform, order_ref=str(order.public_id), customer=customer, amount_fen=30_000)
    return order


def _open(actor, order, **kwargs):
    terms = {"reason": "not_as_described", "description": "电镜的能谱模块无法使用，与描述不符",
             "amount_claimed_fen": 15_000}
    return dispute_open(actor=actor, order=order, **{**terms, **kwargs})


def test_either_side_opens_a_dispute_and_the_order_is_marked(paid_order, customer, provider):
    with nothing_written(), pytest.raises(NotAParty):
        _open(factories.make_user(), paid_order)
    with nothing_written(), pytest.raises(InvalidDispute) as caught:
        _open(customer, paid_order, amount_claimed_fen=30_001)
    assert caught.value.field == "amount_claimed_fen"
    dispute = _open(customer, paid_order)
    paid_order.refresh_from_db()
    assert paid_order.state == "disputed" and dispute.order_marked
    assert dispute.opener_role == "customer"
    with pytest.raises(AlreadyOpen):
        _open(provider, paid_order)


def test_a_partial_refund_goes_through_the_ledger_and_both_sides_see_the_decision(
        platform, paid_order, customer, provider, operator):
    dispute = _open(customer, paid_order)
    with nothing_written(), pytest.raises(NotOperator):
        dispute_resolve(actor=provider, dispute=dispute, decision="reject", decision_text="客户操作不当导致")
    with pytest.raises(InvalidDispute) as caught:
        dispute_resolve(actor=operator, dispute=dispute, decision="refund_partial", refund_fen=40_000,
                        decision_text="能谱模块确有故障，退还一半费用")
    assert caught.value.field == "refund_fen"
    dispute_resolve(actor=operator, dispute=dispute, decision="refund_partial", refund_fen=12_000,
                    decision_text="能谱模块确有故障，退还部分费用")
    paid_order.refresh_from_db()
    assert paid_order.refunded_fen == 12_000
    assert paid_order.state == "refunded"
    balance = order_balance(order_ref=str(paid_order.public_id))
    assert balance.escrow_fen == 0  # the rest went on to the provider
    for side in (customer, provider, operator):
        shown = disputes_of_order(order=paid_order, user=side)
        assert [(d.decision, d.refund_fen, d.decision_text) for d in shown] == [
            ("refund_partial", 12_000, "能谱模块确有故障，退还部分费用")]
    with pytest.raises(NotAParty):
        disputes_of_order(order=paid_order, user=factories.make_user())
    with pytest.raises(AlreadyDecided):
        dispute_resolve(actor=operator, dispute=dispute, decision="refund_full", decision_text="再退一次全款项")
    from sharecity.kernel.models import AuditEvent

    audit = AuditEvent.objects.filter(action="dispute.resolve").get()
    assert audit.data["refund_fen"] == 12_000 and audit.actor == operator


def test_a_full_refund_returns_what_is_left(paid_order, provider, operator):
    dispute = _open(provider, paid_order, reason="no_show", description="客户未按时到场，设备空置一整天",
                    amount_claimed_fen=0)
    dispute_resolve(actor=operator, dispute=dispute, decision="refund_full", decision_text="平台核实后全额退款给客户")
    paid_order.refresh_from_db()
    assert paid_order.refunded_fen == 30_000
    assert Dispute.objects.get().status == "refunded"


def test_a_rejected_claim_refunds_nothing_and_pays_the_provider(platform, paid_order, customer, operator):
    dispute = _open(customer, paid_order)
    assert [d.pk for d in dispute_queue(platform=platform)["open"]] == [dispute.pk]
    dispute_resolve(actor=operator, dispute=dispute, decision="reject", decision_text="证据不足，驳回退款请求")
    paid_order.refresh_from_db()
    assert paid_order.refunded_fen == 0 and paid_order.state != "disputed"
    assert order_balance(order_ref=str(paid_order.public_id)).escrow_fen == 0
    queue = dispute_queue(platform=platform)
    assert queue["open"] == [] and [d.status for d in queue["decided"]] == ["rejected"]


@pytest.mark.parametrize("state", ["closed", "expired"])
def test_a_dispute_on_a_closed_or_expired_order_stands_and_leaves_the_order_as_it_was(
        platform, provider, customer, operator, state):
    order = make_order(platform, provider, customer, state=state, total_fen=30_000)
    dispute = _open(customer, order)
    order.refresh_from_db()
    assert order.state == state and not dispute.order_marked
    assert [d.pk for d in disputes_of_order(order=order, user=customer)] == [dispute.pk]
    assert [d.pk for d in dispute_queue(platform=platform)["open"]] == [dispute.pk]
