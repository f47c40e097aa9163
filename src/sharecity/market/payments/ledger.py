"""The pure core of the double-entry ledger: entries as plain data, no ORM.

Sign convention: a posting of ``+x`` fen means ``x`` fen arrived in that account, ``-x`` that
``x`` fen left it. Every entry sums to zero, so the sum of every account's balance is always
zero. ``gateway_clearing`` is the boundary with the outside world: it goes negative by what
the payment gateway collected and comes back up by what was refunded or paid out, so
``-balance(gateway_clearing)`` is the money the platform holds for others.

How money moves (services persist these drafts, each in one transaction):

* payment: gateway_clearing → customer_funds → escrow (the price) / deposits_held (a deposit)
* escrow_release / milestone_release: escrow → provider_payable; then commission:
  provider_payable → platform_commission; tax_withholding: provider_payable → tax_withheld
* refund: escrow (or, after release and before payout, provider_payable) → customer_funds →
  gateway_clearing
* deposit_deduction: deposits_held → provider_payable; deposit_release: deposits_held →
  customer_funds → gateway_clearing
* payout: provider_payable → gateway_clearing
* injury_contribution: platform_commission → injury_insurance_payable (the platform's own expense: the
  occupational-injury contribution it owes per covered order, market.injury)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from sharecity.market.payments.errors import InvalidAmount, UnbalancedEntry

CUSTOMER_FUNDS = "customer_funds"
ESCROW = "escrow"
PROVIDER_PAYABLE = "provider_payable"
PLATFORM_COMMISSION = "platform_commission"
DEPOSITS_HELD = "deposits_held"
TAX_WITHHELD = "tax_withheld"
INJURY_PAYABLE = "injury_insurance_payable"
GATEWAY_CLEARING = "gateway_clearing"

ACCOUNT_KINDS = (CUSTOMER_FUNDS, ESCROW, PROVIDER_PAYABLE, PLATFORM_COMMISSION, DEPOSITS_HELD, TAX_WITHHELD,
                 GATEWAY_CLEARING, INJURY_PAYABLE)
# Accounts kept per person; the others are one per platform.
OWNED_KINDS = frozenset({CUSTOMER_FUNDS, PROVIDER_PAYABLE})

ENTRY_KINDS = ("payment", "escrow_release", "refund", "deposit_hold", "deposit_release", "deposit_deduction",
               "payout", "commission", "tax_withholding", "milestone_release", "injury_contribution")

BASIS_POINTS = 10_000


@dataclass(frozen=True)
class AccountKey:
    kind: str
    owner_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ACCOUNT_KINDS:
            raise ValueError(f"unknown account kind {self.kind!r}")
        if (self.kind in OWNED_KINDS) != (self.owner_id is not None):
            raise ValueError(f"account kind {self.kind!r} {'needs' if self.kind in OWNED_KINDS else 'has no'} owner")


@dataclass(frozen=True)
class Line:
    account: AccountKey
    amount_fen: int


@dataclass(frozen=True)
class EntryDraft:
    kind: str
    order_ref: str
    idempotency_key: str
    lines: tuple[Line, ...]
    memo: str = ""
    gateway_reference: str = ""

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)


def entry_build(*, kind: str, order_ref: str, idempotency_key: str, lines: Iterable[Line], memo: str = "",
                gateway_reference: str = "") -> EntryDraft:
    """A checked entry: known kind, an idempotency key, non-zero whole-fen lines summing to zero."""
    lines = tuple(line for line in lines if line.amount_fen != 0)
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown entry kind {kind!r}")
    if not idempotency_key:
        raise ValueError("an entry needs an idempotency key")
    if any(not isinstance(line.amount_fen, int) or isinstance(line.amount_fen, bool) for line in lines):
        raise UnbalancedEntry(_("Amounts are whole numbers of fen."), field="amount_fen")
    if len(lines) < 2:
        raise UnbalancedEntry(_("An entry moves money between at least two accounts."), field="lines")
    total = sum(line.amount_fen for line in lines)
    if total != 0:
        raise UnbalancedEntry(
            _("The entry does not balance: its postings sum to %(total)d fen instead of 0.") % {"total": total},
            field="lines",
        )
    return EntryDraft(kind=kind, order_ref=order_ref, idempotency_key=idempotency_key, lines=lines, memo=memo,
                      gateway_reference=gateway_reference)


def move(source: AccountKey, target: AccountKey, amount_fen: int) -> tuple[Line, Line]:
    """``amount_fen`` leaves ``source`` and arrives in ``target``."""
    return Line(source, -amount_fen), Line(target, amount_fen)


def positive_amount(amount_fen: int, *, field: str = "amount_fen", allow_zero: bool = False) -> int:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen < 0 or (
            amount_fen == 0 and not allow_zero):
        raise InvalidAmount(_("An amount is a positive whole number of fen."), field=field)
    return amount_fen


def balances(lines: Iterable[Line]) -> dict[AccountKey, int]:
    totals: dict[AccountKey, int] = defaultdict(int)
    for line in lines:
        totals[line.account] += line.amount_fen
    return dict(totals)


# --- the entries of each operation ----------------------------------------------------------------


def payment_entries(*, order_ref: str, key: str, customer_id: int, amount_fen: int, deposit_fen: int,
                    gateway_reference: str) -> list[EntryDraft]:
    customer = AccountKey(CUSTOMER_FUNDS, customer_id)
    entries = [entry_build(
        kind="payment", order_ref=order_ref, idempotency_key=key, gateway_reference=gateway_reference,
        lines=[*move(AccountKey(GATEWAY_CLEARING), customer, amount_fen + deposit_fen),
               *move(customer, AccountKey(ESCROW), amount_fen)],
    )]
    if deposit_fen:
        entries.append(entry_build(kind="deposit_hold", order_ref=order_ref, idempotency_key=f"{key}:deposit",
                                   lines=move(customer, AccountKey(DEPOSITS_HELD), deposit_fen)))
    return entries


def release_entries(*, kind: str, order_ref: str, key: str, provider_id: int, amount_fen: int, commission_fen: int,
                    tax_fen: int, memo: str = "") -> list[EntryDraft]:
    payable = AccountKey(PROVIDER_PAYABLE, provider_id)
    entries = [entry_build(kind=kind, order_ref=order_ref, idempotency_key=key, memo=memo,
                           lines=move(AccountKey(ESCROW), payable, amount_fen))]
    if commission_fen:
        entries.append(entry_build(kind="commission", order_ref=order_ref, idempotency_key=f"{key}:commission",
                                   lines=move(payable, AccountKey(PLATFORM_COMMISSION), commission_fen)))
    if tax_fen:
        entries.append(entry_build(kind="tax_withholding", order_ref=order_ref, idempotency_key=f"{key}:tax",
                                   lines=move(payable, AccountKey(TAX_WITHHELD), tax_fen)))
    return entries


def injury_contribution_entry(*, order_ref: str, key: str, amount_fen: int) -> EntryDraft:
    """The platform's occupational-injury contribution on one covered order, owed to the social insurance fund."""
    return entry_build(kind="injury_contribution", order_ref=order_ref, idempotency_key=key,
                       lines=move(AccountKey(PLATFORM_COMMISSION), AccountKey(INJURY_PAYABLE), amount_fen))


def refund_entry(*, order_ref: str, key: str, customer_id: int, from_escrow_fen: int, from_payable_fen: int,
                 provider_id: int | None, memo: str, gateway_reference: str) -> EntryDraft:
    customer = AccountKey(CUSTOMER_FUNDS, customer_id)
    lines = [*move(AccountKey(ESCROW), customer, from_escrow_fen)]
    if from_payable_fen:
        lines += move(AccountKey(PROVIDER_PAYABLE, provider_id), customer, from_payable_fen)
    lines += move(customer, AccountKey(GATEWAY_CLEARING), from_escrow_fen + from_payable_fen)
    return entry_build(kind="refund", order_ref=order_ref, idempotency_key=key, lines=lines, memo=memo,
                       gateway_reference=gateway_reference)


def deposit_entries(*, order_ref: str, key: str, customer_id: int, held_fen: int, deduction_fen: int,
                    provider_id: int | None, reason: str, gateway_reference: str) -> list[EntryDraft]:
    entries = []
    if deduction_fen:
        entries.append(entry_build(
            kind="deposit_deduction", order_ref=order_ref, idempotency_key=f"{key}:deduction", memo=reason,
            lines=move(AccountKey(DEPOSITS_HELD), AccountKey(PROVIDER_PAYABLE, provider_id), deduction_fen)))
    back = held_fen - deduction_fen
    if back:
        customer = AccountKey(CUSTOMER_FUNDS, customer_id)
        entries.append(entry_build(
            kind="deposit_release", order_ref=order_ref, idempotency_key=key, gateway_reference=gateway_reference,
            lines=[*move(AccountKey(DEPOSITS_HELD), customer, back),
                   *move(customer, AccountKey(GATEWAY_CLEARING), back)],
        ))
    return entries


def payout_entry(*, key: str, provider_id: int, amount_fen: int, gateway_reference: str) -> EntryDraft:
    return entry_build(kind="payout", order_ref="", idempotency_key=key, gateway_reference=gateway_reference,
                       lines=move(AccountKey(PROVIDER_PAYABLE, provider_id), AccountKey(GATEWAY_CLEARING), amount_fen))


# --- commission and tax arithmetic ----------------------------------------------------------------


@dataclass(frozen=True)
class CommissionTerms:
    """A platform's charge on a provider's income: ``percent_bp`` basis points (1/100 of a percent)
    plus ``fixed_fen``, at least ``minimum_fen``, at most ``cap_fen`` (none: no cap)."""

    percent_bp: int = 0
    fixed_fen: int = 0
    minimum_fen: int = 0
    cap_fen: int | None = None


def rate_of(amount_fen: int, basis_points: int) -> int:
    """``amount × basis_points / 10 000`` rounded half up to a whole fen (0.5 fen becomes 1 fen)."""
    return int((Decimal(amount_fen) * basis_points / BASIS_POINTS).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def commission_compute(amount_fen: int, terms: CommissionTerms | None) -> int:
    """The commission on ``amount_fen``: the percentage (rounded half up on the fen) plus the
    fixed fee, raised to the minimum, lowered to the cap, and never more than the amount itself."""
    if terms is None or amount_fen <= 0:
        return 0
    commission = rate_of(amount_fen, terms.percent_bp) + terms.fixed_fen
    commission = max(commission, terms.minimum_fen)
    if terms.cap_fen is not None:
        commission = min(commission, terms.cap_fen)
    return max(0, min(commission, amount_fen))
