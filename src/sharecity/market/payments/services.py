"""Writes of payments: money in, through escrow, out to providers or back to customers.

Each operation builds its entries with the pure ``payments.ledger`` and persists them in one
transaction, after the gateway (``payments.gateway``) moved the money: a gateway failure raises
``PaymentFailed`` and posts nothing. Every operation has an idempotency key (derived from the
order when not given); a retry with the same key returns what the first call did and never
posts or charges twice.

The platform's escrow account row is locked for the whole operation, so operations on one
platform's money are serialised and balances checked before a write cannot change under it.

The hub has no message type for ledger movements: it learns of payments through the orders'
``order.state_changed`` facts and the tax reports. Each operation here is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.kernel.errors import NotFound
from sharecity.kernel.models import User
from sharecity.kernel.money import format_yuan
from sharecity.kernel.services import audit_record
from sharecity.kernel.timeutil import require_aware
from sharecity.market.catalog.selectors import category_get
from sharecity.market.payments import ledger, selectors
from sharecity.market.payments.errors import (
    InvalidAmount,
    InvalidCommissionRule,
    NoDepositHeld,
    NotEnoughInEscrow,
    NotOperator,
    PaymentFailed,
    RefundRefused,
)
from sharecity.market.payments.gateway import gateway_get
from sharecity.market.payments.ledger import AccountKey, EntryDraft
from sharecity.market.payments.models import (
    Account,
    CommissionRule,
    DepositObligation,
    EntryKind,
    JournalEntry,
    Payout,
    PayoutStatus,
    Posting,
    Receivable,
)
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import is_operator
from sharecity.market.tax.withholding import withholding_for_payment

MAX_BASIS_POINTS = ledger.BASIS_POINTS


# --- persistence -----------------------------------------------------------------------------------


def _account(platform: Platform, key: AccountKey) -> Account:
    account, _created = Account.objects.get_or_create(platform=platform, kind=key.kind, owner_id=key.owner_id)
    return account


def _lock(platform: Platform) -> None:
    """Serialise the money operations of one platform (a row lock on its escrow account)."""
    escrow = _account(platform, AccountKey(ledger.ESCROW))
    Account.objects.select_for_update().filter(pk=escrow.pk).first()


def _persist(platform: Platform, drafts: Iterable[EntryDraft]) -> list[JournalEntry]:
    entries = []
    for draft in drafts:
        entry = JournalEntry.objects.create(
            platform=platform, order_ref=draft.order_ref, kind=draft.kind, memo=draft.memo[:300],
            idempotency_key=draft.idempotency_key, gateway_reference=draft.gateway_reference,
        )
        Posting.objects.bulk_create(
            Posting(entry=entry, account=_account(platform, line.account), amount_fen=line.amount_fen)
            for line in draft.lines
        )
        entries.append(entry)
    return entries


def _audit(*, actor: User | None, action: str, platform: Platform, order_ref: str, data: dict) -> None:
    audit_record(actor=actor, action=action, target_type="order" if order_ref else "platform",
                 target_id=order_ref or platform.public_id, platform_id=platform.exchange_id, data=data)


def _key(platform: Platform, *parts: object) -> str:
    return ":".join(["pay", str(platform.pk), *(str(part) for part in parts)])


def _count(platform: Platform, kind: str, order_ref: str) -> int:
    return JournalEntry.objects.filter(platform=platform, kind=kind, order_ref=order_ref).count()


# --- the platform's own expenses -------------------------------------------------------------------


def injury_contribution_book(*, platform: Platform, order_ref: str, amount_fen: int) -> JournalEntry:
    """Book the occupational-injury contribution on a covered order (market.injury) as the platform's expense,
    payable to the fund; once per order (a second call returns the first entry)."""
    ledger.positive_amount(amount_fen)
    key = _key(platform, "injury", order_ref)
    existing = selectors.entry_by_key(idempotency_key=key)
    if existing is not None:
        return existing
    _lock(platform)
    (entry,) = _persist(platform, [ledger.injury_contribution_entry(order_ref=order_ref, key=key,
                                                                    amount_fen=amount_fen)])
    return entry


# --- pay-in ----------------------------------------------------------------------------------------


@transaction.atomic
def payment_collect(*, platform: Platform, order_ref: str, customer: User, amount_fen: int, deposit_fen: int = 0,
                    idempotency_key: str = "") -> JournalEntry:
    """Charge the customer through the gateway and hold the money: the price in escrow, the
    deposit (if any) in deposits held. One payment per order unless a key is given."""
    order_ref = str(order_ref)
    ledger.positive_amount(amount_fen, allow_zero=deposit_fen > 0)
    ledger.positive_amount(deposit_fen, field="deposit_fen", allow_zero=True)
    key = idempotency_key or _key(platform, "payment", order_ref)
    _lock(platform)
    existing = selectors.entry_by_key(idempotency_key=key)
    if existing is not None:
        return existing
    result = gateway_get().charge(reference=key, amount_fen=amount_fen + deposit_fen, payer=str(customer.pk))
    entry, *_rest = _persist(platform, ledger.payment_entries(
        order_ref=order_ref, key=key, customer_id=customer.pk, amount_fen=amount_fen, deposit_fen=deposit_fen,
        gateway_reference=result.reference))
    if deposit_fen:
        obligation, created = DepositObligation.objects.get_or_create(
            platform=platform, order_ref=order_ref, defaults={"customer": customer, "amount_fen": deposit_fen})
        if not created:
            obligation.amount_fen += deposit_fen
            obligation.customer = customer
            obligation.save(update_fields=["amount_fen", "customer"])
    _audit(actor=customer, action="payments.payment_collect", platform=platform, order_ref=order_ref,
           data={"amount_fen": amount_fen, "deposit_fen": deposit_fen, "gateway_reference": result.reference})
    return entry


# --- escrow to the provider ------------------------------------------------------------------------


def _release(*, kind: str, platform: Platform, order_ref: str, provider: User, category_code: str, amount_fen: int,
             key: str, memo: str = "") -> int:
    ledger.positive_amount(amount_fen)
    _lock(platform)
    existing = selectors.entry_by_key(idempotency_key=key)
    if existing is not None:
        commission = selectors.entry_by_key(idempotency_key=f"{key}:commission")
        return -sum(p.amount_fen for p in commission.postings.all() if p.amount_fen < 0) if commission else 0
    in_escrow = selectors.order_balance(order_ref=order_ref).escrow_fen
    if amount_fen > in_escrow:
        raise NotEnoughInEscrow(
            _("Only %(left)s of this order is still in escrow; %(asked)s cannot be released.")
            % {"left": format_yuan(in_escrow), "asked": format_yuan(amount_fen)}, field="amount_fen")
    commission = selectors.commission_for(platform=platform, category_code=category_code, amount_fen=amount_fen)
    # Income tax by law (market.tax.withholding): the cumulative method for a worker, nothing for a business.
    tax = withholding_for_payment(platform=platform, provider=provider, income_fen=amount_fen - commission,
                                  entry_key=key, order_ref=order_ref, at=timezone.now()).withheld_fen
    _persist(platform, ledger.release_entries(kind=kind, order_ref=order_ref, key=key, provider_id=provider.pk,
                                              amount_fen=amount_fen, commission_fen=commission, tax_fen=tax, memo=memo))
    _audit(actor=None, action=f"payments.{kind}", platform=platform, order_ref=order_ref,
           data={"amount_fen": amount_fen, "commission_fen": commission, "tax_fen": tax,
                 "category": category_code, "provider_id": provider.pk})
    return commission


@transaction.atomic
def escrow_release(*, platform: Platform, order_ref: str, provider: User, category_code: str, amount_fen: int,
                   idempotency_key: str = "") -> int:
    """The order is complete: ``amount_fen`` leaves escrow for the provider's payable balance, less
    the platform's commission for the category and the platform's tax withholding (a rate on
    the income after commission). Returns the commission in fen."""
    order_ref = str(order_ref)
    return _release(kind=EntryKind.ESCROW_RELEASE, platform=platform, order_ref=order_ref, provider=provider,
                    category_code=category_code, amount_fen=amount_fen,
                    key=idempotency_key or _key(platform, "escrow_release", order_ref))


@transaction.atomic
def milestone_release(*, platform: Platform, order_ref: str, provider: User, category_code: str, amount_fen: int,
                      milestone: str = "") -> int:
    """Pay one milestone of a task from escrow (a partial release), with commission and tax as
    for ``escrow_release``. Give ``milestone`` (its id) so a retry does not pay it twice."""
    order_ref = str(order_ref)
    label = milestone or str(_count(platform, EntryKind.MILESTONE_RELEASE, order_ref) + 1)
    return _release(kind=EntryKind.MILESTONE_RELEASE, platform=platform, order_ref=order_ref, provider=provider,
                    category_code=category_code, amount_fen=amount_fen, memo=milestone,
                    key=_key(platform, "milestone_release", order_ref, label))


# --- back to the customer --------------------------------------------------------------------------


@transaction.atomic
def refund(*, platform: Platform, order_ref: str, customer: User, amount_fen: int, reason: str,
           idempotency_key: str = "", allow_receivable: bool = False) -> JournalEntry:
    """Give ``amount_fen`` back to the customer through the gateway (partial refunds allowed).

    The money comes from what remains in escrow for the order. Once the order was released, the
    rest comes back from the provider's payable balance for this order as long as it has not been
    paid out; after a payout (or beyond what the balance holds) the refund is refused, unless
    ``allow_receivable`` (a decided complaint or dispute: the customer is owed the money whatever
    the provider was paid), when the shortfall is taken from the provider's payable balance all
    the same, which goes below zero by it, and recorded as a ``Receivable`` the provider's next
    income settles. A refund never exceeds what the customer paid for the order (the price, not
    the deposit) and has not had back."""
    order_ref = str(order_ref)
    ledger.positive_amount(amount_fen)
    _lock(platform)
    key = idempotency_key or _key(platform, "refund", order_ref, _count(platform, EntryKind.REFUND, order_ref) + 1)
    existing = selectors.entry_by_key(idempotency_key=key)
    if existing is not None:
        return existing
    balance = selectors.order_balance(order_ref=order_ref)
    if balance.customer_id is None:
        raise RefundRefused(_("Nothing was paid for this order, so nothing can be refunded."), field="order_ref")
    if balance.customer_id != customer.pk:
        raise RefundRefused(_("A refund goes back to the customer who paid for the order."), field="customer")
    from_escrow = min(amount_fen, balance.escrow_fen)
    rest = amount_fen - from_escrow
    provider_id = None
    receivable = 0
    if rest:
        if not balance.provider_ids:
            raise NotEnoughInEscrow(
                _("At most %(left)s can be refunded: that is what remains in escrow for this order.")
                % {"left": format_yuan(balance.escrow_fen)}, field="amount_fen")
        price_paid = balance.paid_fen - (balance.deposit_held_fen + balance.deposit_returned_fen
                                         + balance.deposit_deducted_fen)
        if amount_fen > price_paid - balance.refunded_fen:
            raise RefundRefused(
                _("At most %(left)s can be refunded: the price paid for this order less what was already "
                  "refunded.") % {"left": format_yuan(max(price_paid - balance.refunded_fen, 0))},
                field="amount_fen")
        provider_id = balance.provider_ids[0]
        provider = User.objects.get(pk=provider_id)
        paid_out = selectors.paid_out_since_release(platform=platform, order_ref=order_ref, provider=provider)
        if paid_out and not allow_receivable:
            raise RefundRefused(
                _("The provider has already been paid out for this order; at most %(left)s (still in escrow) "
                  "can be refunded here.") % {"left": format_yuan(balance.escrow_fen)}, field="amount_fen")
        payable = 0 if paid_out else min(
            selectors.order_payable_fen(order_ref=order_ref, provider=provider),
            selectors.account_balance(platform=platform, kind=ledger.PROVIDER_PAYABLE, owner=provider))
        payable = max(payable, 0)
        if rest > payable:
            if not allow_receivable:
                raise RefundRefused(
                    _("At most %(most)s can be refunded: what remains in escrow and what the provider has not "
                      "yet been paid for this order.") % {"most": format_yuan(balance.escrow_fen + payable)},
                    field="amount_fen")
            receivable = rest - payable
    result = gateway_get().refund(reference=key, amount_fen=amount_fen, payee=str(customer.pk))
    entry = _persist(platform, [ledger.refund_entry(
        order_ref=order_ref, key=key, customer_id=customer.pk, from_escrow_fen=from_escrow, from_payable_fen=rest,
        provider_id=provider_id, memo=reason, gateway_reference=result.reference)])[0]
    if receivable:
        Receivable.objects.create(platform=platform, provider_id=provider_id, order_ref=order_ref,
                                  amount_fen=receivable, entry=entry)
    _audit(actor=None, action="payments.refund", platform=platform, order_ref=order_ref,
           data={"amount_fen": amount_fen, "from_escrow_fen": from_escrow, "from_provider_fen": rest,
                 "receivable_fen": receivable, "reason": reason, "gateway_reference": result.reference})
    return entry


# --- deposits --------------------------------------------------------------------------------------


@transaction.atomic
def deposit_due_set(*, platform: Platform, order_ref: str, due_at: dt.datetime) -> DepositObligation:
    """Record the deadline by which the order's deposit must be back with the customer (the one
    the listing states, E-commerce Law Art. 21)."""
    order_ref = str(order_ref)
    due_at = require_aware(due_at)
    held = selectors.order_balance(order_ref=order_ref).deposit_held_fen
    obligation, _created = DepositObligation.objects.get_or_create(
        platform=platform, order_ref=order_ref, defaults={"amount_fen": held})
    obligation.due_at = due_at
    obligation.save(update_fields=["due_at"])
    return obligation


@transaction.atomic
def deposit_release(*, platform: Platform, order_ref: str, customer: User, deduction_fen: int = 0, reason: str = "",
                    provider: User | None = None) -> DepositObligation:
    """Return the order's deposit to the customer through the gateway, keeping ``deduction_fen``
    for the provider (damage, late return) with the ``reason`` they are told. Once only."""
    order_ref = str(order_ref)
    ledger.positive_amount(deduction_fen, field="deduction_fen", allow_zero=True)
    _lock(platform)
    obligation = selectors.deposit_obligation(platform=platform, order_ref=order_ref)
    if obligation is not None and obligation.refunded_at is not None:
        return obligation
    balance = selectors.order_balance(order_ref=order_ref)
    held = balance.deposit_held_fen
    if held <= 0:
        raise NoDepositHeld(_("No deposit is held for this order."), field="order_ref")
    if balance.customer_id != customer.pk:
        raise RefundRefused(_("A deposit goes back to the customer who paid it."), field="customer")
    if deduction_fen > held:
        raise InvalidAmount(_("The deduction cannot exceed the deposit held (%(held)s).") % {"held": format_yuan(held)},
                            field="deduction_fen")
    if deduction_fen and not reason.strip():
        raise InvalidAmount(_("Say why part of the deposit is kept."), field="reason")
    if deduction_fen and provider is None:
        raise InvalidAmount(_("Name the provider who receives the deduction."), field="provider")
    key = _key(platform, "deposit_release", order_ref)
    back = held - deduction_fen
    reference = ""
    if back:
        reference = gateway_get().refund(reference=key, amount_fen=back, payee=str(customer.pk)).reference
    _persist(platform, ledger.deposit_entries(
        order_ref=order_ref, key=key, customer_id=customer.pk, held_fen=held, deduction_fen=deduction_fen,
        provider_id=provider.pk if provider else None, reason=reason.strip(), gateway_reference=reference))
    if obligation is None:
        obligation = DepositObligation(platform=platform, order_ref=order_ref, customer=customer, amount_fen=held)
    obligation.refunded_at = timezone.now()
    obligation.deduction_fen = deduction_fen
    obligation.deduction_reason = reason.strip()[:300]
    obligation.save()
    _audit(actor=None, action="payments.deposit_release", platform=platform, order_ref=order_ref,
           data={"returned_fen": back, "deduction_fen": deduction_fen, "reason": reason.strip(),
                 "overdue": bool(obligation.due_at and obligation.refunded_at > obligation.due_at)})
    return obligation


# --- payouts ---------------------------------------------------------------------------------------


@transaction.atomic
def payout_run(*, platform: Platform, provider: User | None = None) -> list[Payout]:
    """Pay every provider (or the one given) their whole payable balance through the gateway.
    A refused payout is recorded as failed and the money stays payable; the others go on."""
    _lock(platform)
    owners = selectors.providers_with_payable(platform=platform)
    if provider is not None:
        owners = [(owner, balance) for owner, balance in owners if owner == provider.pk]
    payouts = []
    gateway = gateway_get()
    for owner_id, balance in owners:
        number = Payout.objects.filter(platform=platform, provider_id=owner_id).count() + 1
        key = _key(platform, "payout", f"provider-{owner_id}", number)
        try:
            result = gateway.payout(reference=key, amount_fen=balance, payee=str(owner_id))
        except PaymentFailed as error:
            payouts.append(Payout.objects.create(platform=platform, provider_id=owner_id, amount_fen=balance,
                                                 status=PayoutStatus.FAILED, failure_reason=str(error.message)[:300]))
            continue
        entry = _persist(platform, [ledger.payout_entry(key=key, provider_id=owner_id, amount_fen=balance,
                                                        gateway_reference=result.reference)])[0]
        payouts.append(Payout.objects.create(platform=platform, provider_id=owner_id, amount_fen=balance,
                                             status=PayoutStatus.PAID, gateway_reference=result.reference,
                                             entry=entry))
        _audit(actor=None, action="payments.payout", platform=platform, order_ref="",
               data={"provider_id": owner_id, "amount_fen": balance, "gateway_reference": result.reference})
    return payouts


# --- operator settings -----------------------------------------------------------------------------


def _require_operator(actor: User | None, platform: Platform) -> None:
    if actor is not None and not is_operator(user=actor, platform=platform):
        raise NotOperator(_("Only the platform's operators may change its commission settings."), field="platform")


def _check_rule(*, platform: Platform, rule: CommissionRule | None, category_code: str, percent_bp: int,
                fixed_fen: int, minimum_fen: int, cap_fen: int | None) -> None:
    if category_code:
        try:
            category_get(code=category_code)
        except NotFound:
            raise InvalidCommissionRule(_("There is no category with this code; leave it blank for all categories."),
                                        field="category_code") from None
    clash = CommissionRule.objects.filter(platform=platform, category_code=category_code)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise InvalidCommissionRule(_("There is already a rule for this category; edit that one."),
                                    field="category_code")
    if not 0 <= percent_bp <= MAX_BASIS_POINTS:
        raise InvalidCommissionRule(_("The percentage is between 0% and 100%."), field="percent_bp")
    for name, value in (("fixed_fen", fixed_fen), ("minimum_fen", minimum_fen)):
        if value < 0:
            raise InvalidCommissionRule(_("An amount cannot be negative."), field=name)
    if cap_fen is not None and cap_fen < minimum_fen:
        raise InvalidCommissionRule(_("The cap cannot be lower than the minimum."), field="cap_fen")


@transaction.atomic
def commission_rule_save(*, actor: User | None, platform: Platform, rule: CommissionRule | None = None,
                         category_code: str = "", percent_bp: int = 0, fixed_fen: int = 0, minimum_fen: int = 0,
                         cap_fen: int | None = None) -> CommissionRule:
    """Add a rule (``rule=None``) or change one. A blank category covers every category
    without a rule of its own."""
    _require_operator(actor, platform)
    category_code = (category_code or "").strip()
    _check_rule(platform=platform, rule=rule, category_code=category_code, percent_bp=percent_bp,
                fixed_fen=fixed_fen, minimum_fen=minimum_fen, cap_fen=cap_fen)
    if rule is None:
        rule = CommissionRule(platform=platform)
    before = {"percent_bp": rule.percent_bp, "fixed_fen": rule.fixed_fen, "minimum_fen": rule.minimum_fen,
              "cap_fen": rule.cap_fen} if rule.pk else None
    rule.category_code, rule.percent_bp, rule.fixed_fen = category_code, percent_bp, fixed_fen
    rule.minimum_fen, rule.cap_fen = minimum_fen, cap_fen
    rule.save()
    audit_record(actor=actor, action="payments.commission_rule_save", target_type="commission_rule",
                 target_id=rule.pk, platform_id=platform.exchange_id,
                 data={"category": category_code, "percent_bp": percent_bp, "fixed_fen": fixed_fen,
                       "minimum_fen": minimum_fen, "cap_fen": cap_fen, "before": before})
    return rule


@transaction.atomic
def commission_rule_delete(*, actor: User | None, rule: CommissionRule) -> None:
    _require_operator(actor, rule.platform)
    audit_record(actor=actor, action="payments.commission_rule_delete", target_type="commission_rule",
                 target_id=rule.pk, platform_id=rule.platform.exchange_id, data={"category": rule.category_code})
    rule.delete()
