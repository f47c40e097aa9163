"""Reads of payments: balances (always summed from postings), commission, deposits, payouts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.payments import ledger
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


def _sum(queryset) -> int:
    return int(queryset.aggregate(total=Sum("amount_fen"))["total"] or 0)


def account_balance(*, platform: Platform, kind: str, owner=None) -> int:
    """The balance of one account: the sum of its postings (0 when it has none yet)."""
    postings = Posting.objects.filter(account__platform=platform, account__kind=kind)
    postings = postings.filter(account__owner=owner) if owner is not None else postings.filter(account__owner=None)
    return _sum(postings)


def platform_balances(*, platform: Platform) -> dict[str, int]:
    """Every account kind's total on the platform (owned accounts added up)."""
    rows = (Posting.objects.filter(account__platform=platform).values("account__kind")
            .annotate(total=Sum("amount_fen")))
    return {row["account__kind"]: int(row["total"]) for row in rows}


@dataclass(frozen=True)
class OrderBalance:
    """Where an order's money is now. ``paid_fen`` is what the customer paid (price and deposit).
    ``refunded_fen`` includes ``refunded_from_provider_fen``, taken back after a release."""

    order_ref: str
    paid_fen: int
    escrow_fen: int
    deposit_held_fen: int
    released_fen: int
    commission_fen: int
    tax_fen: int
    refunded_fen: int
    refunded_from_provider_fen: int
    deposit_returned_fen: int
    deposit_deducted_fen: int
    customer_id: int | None
    provider_ids: tuple[int, ...]


def order_balance(*, order_ref: str) -> OrderBalance:
    order_ref = str(order_ref)
    postings = Posting.objects.filter(entry__order_ref=order_ref)
    by_account: dict[str, int] = {}
    for row in postings.values("account__kind").annotate(total=Sum("amount_fen")):
        by_account[row["account__kind"]] = int(row["total"])
    positive = postings.filter(amount_fen__gt=0)

    def into(kind: str, entry_kinds: tuple[str, ...]) -> int:
        return _sum(positive.filter(account__kind=kind, entry__kind__in=entry_kinds))

    payment = postings.filter(entry__kind=EntryKind.PAYMENT, account__kind=ledger.CUSTOMER_FUNDS,
                              amount_fen__gt=0).values_list("account__owner_id", flat=True).first()
    providers = tuple(sorted(set(
        postings.filter(account__kind=ledger.PROVIDER_PAYABLE).values_list("account__owner_id", flat=True))))
    return OrderBalance(
        order_ref=order_ref,
        paid_fen=into(ledger.CUSTOMER_FUNDS, (EntryKind.PAYMENT,)),
        escrow_fen=by_account.get(ledger.ESCROW, 0),
        deposit_held_fen=by_account.get(ledger.DEPOSITS_HELD, 0),
        released_fen=into(ledger.PROVIDER_PAYABLE, (EntryKind.ESCROW_RELEASE, EntryKind.MILESTONE_RELEASE)),
        commission_fen=by_account.get(ledger.PLATFORM_COMMISSION, 0),
        tax_fen=by_account.get(ledger.TAX_WITHHELD, 0),
        refunded_fen=into(ledger.CUSTOMER_FUNDS, (EntryKind.REFUND,)),
        refunded_from_provider_fen=-_sum(postings.filter(account__kind=ledger.PROVIDER_PAYABLE,
                                                         entry__kind=EntryKind.REFUND)),
        deposit_returned_fen=into(ledger.CUSTOMER_FUNDS, (EntryKind.DEPOSIT_RELEASE,)),
        deposit_deducted_fen=into(ledger.PROVIDER_PAYABLE, (EntryKind.DEPOSIT_DEDUCTION,)),
        customer_id=payment,
        provider_ids=providers,
    )


def order_payable_fen(*, order_ref: str, provider) -> int:
    """What this order's price put in the provider's payable account and is still there for it
    (releases, less commission, tax and refunds taken back). A deposit deduction is not part of
    the price and is never refunded as if it were."""
    return _sum(Posting.objects.filter(entry__order_ref=str(order_ref), account__kind=ledger.PROVIDER_PAYABLE,
                                       account__owner=provider).exclude(entry__kind=EntryKind.DEPOSIT_DEDUCTION))


def paid_out_since_release(*, platform: Platform, order_ref: str, provider) -> bool:
    """Whether a payout to the provider happened after the order's last release to them (a payout
    always takes the whole payable balance, so the order's money has left)."""
    last = (JournalEntry.objects.filter(platform=platform, order_ref=str(order_ref),
                                        postings__account__kind=ledger.PROVIDER_PAYABLE,
                                        postings__account__owner=provider, postings__amount_fen__gt=0)
            .order_by("-id").values_list("id", flat=True).first())
    if last is None:
        return False
    return Payout.objects.filter(platform=platform, provider=provider, status=PayoutStatus.PAID,
                                 entry_id__gt=last).exists()


def entry_by_key(*, idempotency_key: str) -> JournalEntry | None:
    return JournalEntry.objects.filter(idempotency_key=idempotency_key).first()


# --- commission ------------------------------------------------------------------------------------


def commission_rules(*, platform: Platform) -> QuerySet[CommissionRule]:
    return CommissionRule.objects.filter(platform=platform).order_by("category_code")


def commission_rule_for(*, platform: Platform, category_code: str) -> CommissionRule | None:
    """The most specific rule: the category's own, else the platform's rule for all categories."""
    rules = {rule.category_code: rule for rule in CommissionRule.objects.filter(
        platform=platform, category_code__in={category_code or "", ""})}
    return rules.get(category_code or "") or rules.get("")


def commission_terms(rule: CommissionRule | None) -> ledger.CommissionTerms | None:
    if rule is None:
        return None
    return ledger.CommissionTerms(percent_bp=rule.percent_bp, fixed_fen=rule.fixed_fen,
                                  minimum_fen=rule.minimum_fen, cap_fen=rule.cap_fen)


def commission_for(*, platform: Platform, category_code: str, amount_fen: int) -> int:
    """The commission the platform charges on ``amount_fen`` of income in the category."""
    return ledger.commission_compute(
        amount_fen, commission_terms(commission_rule_for(platform=platform, category_code=category_code)))


# --- deposits --------------------------------------------------------------------------------------


def deposit_obligation(*, platform: Platform, order_ref: str) -> DepositObligation | None:
    return DepositObligation.objects.filter(platform=platform, order_ref=str(order_ref)).first()


def deposits_overdue(*, platform: Platform, now: dt.datetime | None = None) -> QuerySet[DepositObligation]:
    """Deposits not yet returned whose refund deadline has passed, the longest overdue first."""
    now = now or timezone.now()
    return (DepositObligation.objects.filter(platform=platform, refunded_at__isnull=True, due_at__lt=now)
            .select_related("customer").order_by("due_at", "id"))


# --- providers -------------------------------------------------------------------------------------


def provider_payouts(*, platform: Platform, provider) -> QuerySet[Payout]:
    return Payout.objects.filter(platform=platform, provider=provider).order_by("-created_at", "-id")


@dataclass(frozen=True)
class WeekIncome:
    week_start: dt.date
    income_fen: int


@dataclass(frozen=True)
class ProviderSummary:
    payable_fen: int
    earned_fen: int
    commission_fen: int
    tax_fen: int
    paid_out_fen: int
    weeks: list[WeekIncome]


def provider_summary(*, platform: Platform, provider, weeks: int = 8, now: dt.datetime | None = None
                     ) -> ProviderSummary:
    """The provider's balance, what they earned, were charged and were paid, and the income
    (releases and deposit deductions, before commission) of the last ``weeks`` weeks (city time,
    weeks starting on Monday), oldest first."""
    postings = Posting.objects.filter(account__platform=platform, account__kind=ledger.PROVIDER_PAYABLE,
                                      account__owner=provider)
    income_kinds = (EntryKind.ESCROW_RELEASE, EntryKind.MILESTONE_RELEASE, EntryKind.DEPOSIT_DEDUCTION)
    today = (now or timezone.now()).astimezone(CITY_TZ).date()
    this_monday = today - dt.timedelta(days=today.weekday())
    first = this_monday - dt.timedelta(weeks=weeks - 1)
    since = dt.datetime.combine(first, dt.time(0), tzinfo=CITY_TZ)
    totals = {first + dt.timedelta(weeks=n): 0 for n in range(weeks)}
    for created_at, amount in postings.filter(entry__kind__in=income_kinds, entry__created_at__gte=since).values_list(
            "entry__created_at", "amount_fen"):
        day = created_at.astimezone(CITY_TZ).date()
        monday = day - dt.timedelta(days=day.weekday())
        if monday in totals:
            totals[monday] += int(amount)
    return ProviderSummary(
        payable_fen=_sum(postings),
        earned_fen=_sum(postings.filter(entry__kind__in=income_kinds)),
        commission_fen=-_sum(postings.filter(entry__kind=EntryKind.COMMISSION)),
        tax_fen=-_sum(postings.filter(entry__kind=EntryKind.TAX_WITHHOLDING)),
        paid_out_fen=-_sum(postings.filter(entry__kind=EntryKind.PAYOUT)),
        weeks=[WeekIncome(week_start=day, income_fen=fen) for day, fen in sorted(totals.items())],
    )


def providers_with_payable(*, platform: Platform) -> list[tuple[int, int]]:
    """(provider id, payable balance) of every provider with money waiting, by provider id."""
    rows = (Account.objects.filter(platform=platform, kind=ledger.PROVIDER_PAYABLE)
            .annotate(balance=Sum("postings__amount_fen")).filter(balance__gt=0).order_by("owner_id")
            .values_list("owner_id", "balance"))
    return [(owner, int(balance)) for owner, balance in rows]


def entries_of_order(*, order_ref: str) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(order_ref=str(order_ref)).prefetch_related("postings__account").order_by("id")


def unbalanced_entries(*, platform: Platform) -> QuerySet[JournalEntry]:
    """Entries whose postings do not sum to zero (there should never be any)."""
    return (JournalEntry.objects.filter(platform=platform).annotate(total=Sum("postings__amount_fen"))
            .filter(~Q(total=0)))


@dataclass(frozen=True)
class RefundSplit:
    """Where one refund entry took its money from: escrow, the provider's payable balance, and of
    that the part beyond the balance, which the provider owes (a ``Receivable``)."""

    from_escrow_fen: int
    from_provider_fen: int
    receivable_fen: int


def refund_split(*, entry: JournalEntry) -> RefundSplit:
    postings = Posting.objects.filter(entry=entry)
    receivable = Receivable.objects.filter(entry=entry).values_list("amount_fen", flat=True).first() or 0
    return RefundSplit(from_escrow_fen=-_sum(postings.filter(account__kind=ledger.ESCROW)),
                       from_provider_fen=-_sum(postings.filter(account__kind=ledger.PROVIDER_PAYABLE)),
                       receivable_fen=int(receivable))


def provider_receivables(*, platform: Platform, provider) -> QuerySet[Receivable]:
    return Receivable.objects.filter(platform=platform, provider=provider).order_by("-created_at", "-id")
