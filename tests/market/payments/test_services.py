"""Money through the ledger: pay-in, escrow, commission, refunds, deposits, payouts."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from sharecity.kernel.models import AuditEvent
from sharecity.market.payments import selectors, services
from sharecity.market.payments.errors import (
    InvalidAmount,
    InvalidCommissionRule,
    NoDepositHeld,
    NotEnoughInEscrow,
    NotOperator,
    PaymentFailed,
    RefundRefused,
)
from sharecity.market.payments.gateway import OfflineGateway
from sharecity.market.payments.models import JournalEntry, PayoutStatus
from sharecity.market.platforms.services import operator_add
from tests import factories
from tests.market.engine_factories import category
from tests.market.payments.helpers import total_of_all_accounts

pytestmark = pytest.mark.django_db


def _collect(platform, order_ref, customer, amount=10_000, deposit=0):
    return services.payment_collect(platform=platform, order_ref=order_ref, customer=customer, amount_fen=amount,
                                    deposit_fen=deposit)


def _rule(platform, **fields):
    operator = factories.make_user()
    operator_add(actor=None, platform=platform, user=operator)
    return services.commission_rule_save(actor=operator, platform=platform, **fields)


def test_collect_puts_the_price_in_escrow_and_the_deposit_aside(platform, customer, order_ref):
    entry = _collect(platform, order_ref, customer, amount=10_000, deposit=3_000)
    balance = selectors.order_balance(order_ref=order_ref)
    assert (balance.paid_fen, balance.escrow_fen, balance.deposit_held_fen) == (13_000, 10_000, 3_000)
    assert entry.gateway_reference.startswith("offline-charge-")
    assert selectors.deposit_obligation(platform=platform, order_ref=order_ref).amount_fen == 3_000
    assert total_of_all_accounts(platform) == 0


def test_a_retried_collect_charges_and_posts_once(platform, customer, order_ref):
    first = _collect(platform, order_ref, customer)
    second = _collect(platform, order_ref, customer)
    assert first.pk == second.pk
    assert selectors.order_balance(order_ref=order_ref).escrow_fen == 10_000


def test_a_refused_charge_posts_nothing(platform, customer, order_ref):
    OfflineGateway.fail_for(order_ref)
    with pytest.raises(PaymentFailed):
        _collect(platform, order_ref, customer)
    assert not JournalEntry.objects.filter(order_ref=order_ref).exists()


def test_release_charges_the_category_commission_and_withholds_tax(platform, provider, customer, order_ref):
    category("homestay")
    _rule(platform, category_code="", percent_bp=1_000)
    _rule(platform, category_code="homestay", percent_bp=500, fixed_fen=100)
    _collect(platform, order_ref, customer, amount=1_000_000)
    commission = services.escrow_release(platform=platform, order_ref=order_ref, provider=provider,
                                         category_code="homestay", amount_fen=1_000_000)
    assert commission == 50_100                      # 5 % of ¥10,000 + ¥1 (the homestay rule wins)
    # The worker's first income this year, ¥9,499 after commission, by the cumulative method of
    # 国家税务总局公告2025年第16号: (9,499 − 20 % − 5,000) × 3 % = 77.976, withheld ¥77.98.
    tax = 7_798
    summary = selectors.provider_summary(platform=platform, provider=provider)
    assert summary.payable_fen == 1_000_000 - 50_100 - tax
    assert (summary.commission_fen, summary.tax_fen, summary.earned_fen) == (50_100, tax, 1_000_000)
    assert summary.weeks[-1].income_fen == 1_000_000
    assert selectors.order_balance(order_ref=order_ref).escrow_fen == 0
    assert total_of_all_accounts(platform) == 0


def test_other_categories_fall_back_to_the_platform_rule(platform):
    _rule(platform, percent_bp=1_000, minimum_fen=50, cap_fen=5_000)
    assert selectors.commission_for(platform=platform, category_code="second_hand", amount_fen=100) == 50
    assert selectors.commission_for(platform=platform, category_code="second_hand", amount_fen=1_000_000) == 5_000


def test_release_is_idempotent_and_never_more_than_escrow(platform, provider, customer, order_ref):
    _rule(platform, percent_bp=1_000)
    _collect(platform, order_ref, customer, amount=10_000)
    assert services.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="x",
                                   amount_fen=10_000) == 1_000
    assert services.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="x",
                                   amount_fen=10_000) == 1_000
    assert selectors.provider_summary(platform=platform, provider=provider).payable_fen == 9_000
    other = str(uuid.uuid4())
    _collect(platform, other, customer, amount=1_000)
    with pytest.raises(NotEnoughInEscrow) as caught:
        services.escrow_release(platform=platform, order_ref=other, provider=provider, category_code="x",
                                amount_fen=1_001)
    assert caught.value.field == "amount_fen"


def test_milestones_release_escrow_in_parts(platform, provider, customer, order_ref):
    _collect(platform, order_ref, customer, amount=9_000)
    for milestone in ("design", "build", "design"):   # the repeated milestone is paid once
        services.milestone_release(platform=platform, order_ref=order_ref, provider=provider,
                                   category_code="skills_tasks", amount_fen=3_000, milestone=milestone)
    assert selectors.order_balance(order_ref=order_ref).escrow_fen == 3_000
    services.milestone_release(platform=platform, order_ref=order_ref, provider=provider,
                               category_code="skills_tasks", amount_fen=3_000, milestone="deliver")
    with pytest.raises(NotEnoughInEscrow):
        services.milestone_release(platform=platform, order_ref=order_ref, provider=provider,
                                   category_code="skills_tasks", amount_fen=1, milestone="extra")


def test_partial_refunds_never_exceed_escrow(platform, customer, order_ref, in_english):
    _collect(platform, order_ref, customer, amount=10_000)
    services.refund(platform=platform, order_ref=order_ref, customer=customer, amount_fen=4_000, reason="late")
    services.refund(platform=platform, order_ref=order_ref, customer=customer, amount_fen=5_000, reason="broken")
    with pytest.raises(NotEnoughInEscrow) as caught:
        services.refund(platform=platform, order_ref=order_ref, customer=customer, amount_fen=1_001, reason="more")
    assert "¥10.00" in str(caught.value.message)
    balance = selectors.order_balance(order_ref=order_ref)
    assert (balance.refunded_fen, balance.escrow_fen) == (9_000, 1_000)


def test_refund_after_release_comes_from_the_provider_until_paid_out(platform, provider, customer, order_ref,
                                                                       in_english):
    _collect(platform, order_ref, customer, amount=10_000)
    services.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="x",
                            amount_fen=10_000)
    services.refund(platform=platform, order_ref=order_ref, customer=customer, amount_fen=2_000, reason="dispute")
    assert selectors.provider_summary(platform=platform, provider=provider).payable_fen == 8_000
    payouts = services.payout_run(platform=platform)
    assert [(p.provider_id, p.amount_fen, p.status) for p in payouts] == [(provider.pk, 8_000, PayoutStatus.PAID)]
    with pytest.raises(RefundRefused) as caught:
        services.refund(platform=platform, order_ref=order_ref, customer=customer, amount_fen=1_000, reason="more")
    assert "paid out" in str(caught.value.message)
    assert total_of_all_accounts(platform) == 0


def test_a_decided_refund_after_payout_leaves_the_provider_owing_it(platform, provider, customer, order_ref,
                                                                     in_english):
    _collect(platform, order_ref, customer, amount=10_000)
    services.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="x",
                            amount_fen=10_000)
    services.payout_run(platform=platform)
    entry = services.refund(platform=platform, order_ref=order_ref, customer=customer, amount_fen=3_000,
                            reason="complaint upheld", idempotency_key="decided-1", allow_receivable=True)
    split = selectors.refund_split(entry=entry)
    assert (split.from_escrow_fen, split.from_provider_fen, split.receivable_fen) == (0, 3_000, 3_000)
    [owed] = selectors.provider_receivables(platform=platform, provider=provider)
    assert (owed.amount_fen, owed.order_ref) == (3_000, order_ref)
    # The provider's balance is below zero by what they owe: their next income settles it, no payout meanwhile.
    assert selectors.provider_summary(platform=platform, provider=provider).payable_fen == -3_000
    assert services.payout_run(platform=platform) == []
    other = str(uuid.uuid4())
    _collect(platform, other, customer, amount=5_000)
    services.escrow_release(platform=platform, order_ref=other, provider=provider, category_code="x",
                            amount_fen=5_000)
    [payout] = services.payout_run(platform=platform)
    assert payout.amount_fen == 2_000
    # Retried with its key, nothing moves again; never more than the price paid less what came back.
    assert services.refund(platform=platform, order_ref=order_ref, customer=customer, amount_fen=3_000,
                           reason="retry", idempotency_key="decided-1", allow_receivable=True) == entry
    with pytest.raises(RefundRefused) as caught:
        services.refund(platform=platform, order_ref=order_ref, customer=customer, amount_fen=7_001,
                        reason="too much", allow_receivable=True)
    assert caught.value.field == "amount_fen"
    assert selectors.order_balance(order_ref=order_ref).refunded_fen == 3_000
    assert total_of_all_accounts(platform) == 0


def test_a_decided_refund_takes_what_the_balance_holds_and_records_the_rest(platform, provider, customer,
                                                                            order_ref):
    _collect(platform, order_ref, customer, amount=10_000)
    services.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="x",
                            amount_fen=6_000)
    entry = services.refund(platform=platform, order_ref=order_ref, customer=customer, amount_fen=10_000,
                            reason="complaint upheld", allow_receivable=True)
    split = selectors.refund_split(entry=entry)
    assert (split.from_escrow_fen, split.from_provider_fen, split.receivable_fen) == (4_000, 6_000, 0)
    other = str(uuid.uuid4())
    _collect(platform, other, customer, amount=10_000)
    services.escrow_release(platform=platform, order_ref=other, provider=provider, category_code="x",
                            amount_fen=10_000)
    services.payout_run(platform=platform)
    # Payout took the whole balance; this order's own payable is gone with it.
    entry = services.refund(platform=platform, order_ref=other, customer=customer, amount_fen=2_500,
                            reason="partly upheld", allow_receivable=True)
    assert selectors.refund_split(entry=entry).receivable_fen == 2_500
    assert total_of_all_accounts(platform) == 0


def test_only_the_paying_customer_gets_a_refund(platform, customer, order_ref):
    _collect(platform, order_ref, customer)
    with pytest.raises(RefundRefused):
        services.refund(platform=platform, order_ref=order_ref, customer=factories.make_user(), amount_fen=1,
                        reason="x")
    with pytest.raises(RefundRefused):
        services.refund(platform=platform, order_ref=str(uuid.uuid4()), customer=customer, amount_fen=1, reason="x")


def test_deposit_returned_with_a_deduction_for_the_provider(platform, provider, customer, order_ref, in_english):
    _collect(platform, order_ref, customer, amount=5_000, deposit=20_000)
    with pytest.raises(InvalidAmount) as caught:
        services.deposit_release(platform=platform, order_ref=order_ref, customer=customer, deduction_fen=3_000,
                                 provider=provider)
    assert caught.value.field == "reason"
    obligation = services.deposit_release(platform=platform, order_ref=order_ref, customer=customer,
                                          deduction_fen=3_000, reason="镜头划伤 scratched lens", provider=provider)
    assert obligation.refunded_at is not None
    balance = selectors.order_balance(order_ref=order_ref)
    assert (balance.deposit_returned_fen, balance.deposit_deducted_fen, balance.deposit_held_fen) == (17_000, 3_000, 0)
    assert selectors.provider_summary(platform=platform, provider=provider).payable_fen == 3_000
    again = services.deposit_release(platform=platform, order_ref=order_ref, customer=customer)
    assert again.pk == obligation.pk
    assert selectors.order_balance(order_ref=order_ref).deposit_returned_fen == 17_000


def test_no_deposit_no_release(platform, customer, order_ref):
    _collect(platform, order_ref, customer)
    with pytest.raises(NoDepositHeld):
        services.deposit_release(platform=platform, order_ref=order_ref, customer=customer)


def test_overdue_deposits_are_listed_until_returned(platform, customer, order_ref):
    _collect(platform, order_ref, customer, amount=1_000, deposit=5_000)
    now = timezone.now()
    services.deposit_due_set(platform=platform, order_ref=order_ref, due_at=now + dt.timedelta(days=3))
    assert list(selectors.deposits_overdue(platform=platform, now=now)) == []
    overdue = list(selectors.deposits_overdue(platform=platform, now=now + dt.timedelta(days=4)))
    assert [o.order_ref for o in overdue] == [order_ref]
    services.deposit_release(platform=platform, order_ref=order_ref, customer=customer)
    assert list(selectors.deposits_overdue(platform=platform, now=now + dt.timedelta(days=4))) == []


def test_a_refused_payout_is_recorded_and_the_money_stays(platform, provider, customer, order_ref):
    _collect(platform, order_ref, customer, amount=6_000)
    services.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="x",
                            amount_fen=6_000)
    OfflineGateway.fail_for(f"provider-{provider.pk}:")
    [failed] = services.payout_run(platform=platform, provider=provider)
    assert failed.status == PayoutStatus.FAILED and failed.failure_reason
    assert selectors.provider_summary(platform=platform, provider=provider).payable_fen == 6_000
    OfflineGateway.reset()
    [paid] = services.payout_run(platform=platform, provider=provider)
    assert paid.status == PayoutStatus.PAID and paid.amount_fen == 6_000
    assert selectors.provider_summary(platform=platform, provider=provider).payable_fen == 0
    assert [p.status for p in selectors.provider_payouts(platform=platform, provider=provider)] == ["paid", "failed"]
    assert AuditEvent.objects.filter(action="payments.payout").count() == 1


def test_commission_rules_name_the_field_at_fault(platform, in_english):
    category("homestay")
    _rule(platform, category_code="homestay", percent_bp=500)
    cases = [
        ({"category_code": "homestay", "percent_bp": 100}, "category_code"),
        ({"category_code": "no-such", "percent_bp": 100}, "category_code"),
        ({"percent_bp": 10_001}, "percent_bp"),
        ({"minimum_fen": 500, "cap_fen": 100}, "cap_fen"),
    ]
    for fields, field in cases:
        with pytest.raises(InvalidCommissionRule) as caught:
            _rule(platform, **fields)
        assert caught.value.field == field


def test_only_operators_change_commission(platform):
    with pytest.raises(NotOperator):
        services.commission_rule_save(actor=factories.make_user(), platform=platform, percent_bp=100)


def test_a_deposit_deduction_is_not_refunded_as_price(platform, provider, customer, order_ref):
    _collect(platform, order_ref, customer, amount=100, deposit=10_000)
    services.deposit_release(platform=platform, order_ref=order_ref, customer=customer, deduction_fen=5_000,
                             reason="damage", provider=provider)
    services.refund(platform=platform, order_ref=order_ref, customer=customer, amount_fen=100, reason="x")
    with pytest.raises(RefundRefused):
        services.refund(platform=platform, order_ref=order_ref, customer=customer, amount_fen=1, reason="x")
    assert selectors.provider_summary(platform=platform, provider=provider).payable_fen == 5_000
