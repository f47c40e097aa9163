"""The pure ledger core: entries balance or are refused; commission arithmetic."""

import pytest

from sharecity.market.payments import ledger
from sharecity.market.payments.errors import UnbalancedEntry
from sharecity.market.payments.ledger import AccountKey, CommissionTerms, Line, commission_compute, entry_build

ESCROW = AccountKey(ledger.ESCROW)
CLEARING = AccountKey(ledger.GATEWAY_CLEARING)


def test_an_unbalanced_entry_is_refused_with_the_difference():
    with pytest.raises(UnbalancedEntry) as caught:
        entry_build(kind="payment", order_ref="o1", idempotency_key="k",
                    lines=[Line(CLEARING, -1000), Line(ESCROW, 999)])
    assert "-1" in str(caught.value.message)
    assert caught.value.field == "lines"


def test_an_entry_needs_two_non_zero_lines():
    with pytest.raises(UnbalancedEntry):
        entry_build(kind="payment", order_ref="o1", idempotency_key="k", lines=[Line(ESCROW, 0), Line(CLEARING, 0)])


def test_a_balanced_entry_keeps_its_lines():
    entry = entry_build(kind="payment", order_ref="o1", idempotency_key="k", lines=ledger.move(CLEARING, ESCROW, 500))
    assert entry.total_fen == 0
    assert ledger.balances(entry.lines) == {CLEARING: -500, ESCROW: 500}


def test_owned_accounts_need_an_owner_and_platform_accounts_have_none():
    with pytest.raises(ValueError):
        AccountKey(ledger.PROVIDER_PAYABLE)
    with pytest.raises(ValueError):
        AccountKey(ledger.ESCROW, 3)


def test_payment_entries_put_price_in_escrow_and_deposit_aside():
    entries = ledger.payment_entries(order_ref="o", key="k", customer_id=7, amount_fen=10_000, deposit_fen=2_000,
                                     gateway_reference="g")
    totals = ledger.balances(line for entry in entries for line in entry.lines)
    assert totals[ESCROW] == 10_000
    assert totals[AccountKey(ledger.DEPOSITS_HELD)] == 2_000
    assert totals[CLEARING] == -12_000
    assert totals[AccountKey(ledger.CUSTOMER_FUNDS, 7)] == 0


@pytest.mark.parametrize(("amount", "terms", "expected"), [
    (10_000, CommissionTerms(percent_bp=1_000), 1_000),                          # 10 %
    (10_005, CommissionTerms(percent_bp=1_000), 1_001),                          # 1000.5 fen rounds half up
    (10_004, CommissionTerms(percent_bp=1_000), 1_000),                          # 1000.4 fen rounds down
    (10_000, CommissionTerms(percent_bp=500, fixed_fen=200), 700),               # 5 % + ¥2
    (1_000, CommissionTerms(percent_bp=500, minimum_fen=300), 300),              # raised to the minimum
    (1_000_000, CommissionTerms(percent_bp=2_000, cap_fen=50_000), 50_000),      # lowered to the cap
    (100, CommissionTerms(fixed_fen=500), 100),                                  # never more than the amount
    (10_000, None, 0),                                                           # no rule, no commission
])
def test_commission_arithmetic(amount, terms, expected):
    assert commission_compute(amount, terms) == expected
