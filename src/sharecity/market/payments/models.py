"""The ledger (accounts, entries, postings), commission rules, deposit obligations and payouts.

Balances are never stored: they are the sums of postings (``payments.selectors``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    CUSTOMER_FUNDS = "customer_funds", _("Customer funds")
    ESCROW = "escrow", _("Escrow")
    PROVIDER_PAYABLE = "provider_payable", _("Payable to provider")
    PLATFORM_COMMISSION = "platform_commission", _("Platform commission")
    DEPOSITS_HELD = "deposits_held", _("Deposits held")
    TAX_WITHHELD = "tax_withheld", _("Tax withheld")
    GATEWAY_CLEARING = "gateway_clearing", _("Payment gateway clearing")
    INJURY_PAYABLE = "injury_insurance_payable", _("Occupational-injury contributions payable")


class EntryKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    ESCROW_RELEASE = "escrow_release", _("Escrow release")
    REFUND = "refund", _("Refund")
    DEPOSIT_HOLD = "deposit_hold", _("Deposit held")
    DEPOSIT_RELEASE = "deposit_release", _("Deposit returned")
    DEPOSIT_DEDUCTION = "deposit_deduction", _("Deposit deduction")
    PAYOUT = "payout", _("Payout")
    COMMISSION = "commission", _("Commission")
    TAX_WITHHOLDING = "tax_withholding", _("Tax withheld")
    MILESTONE_RELEASE = "milestone_release", _("Milestone release")
    INJURY_CONTRIBUTION = "injury_contribution", _("Occupational-injury contribution")


class Account(models.Model):
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="ledger_accounts")
    kind = models.CharField(_("kind"), max_length=24, choices=AccountKind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="ledger_accounts")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "kind", "owner"], condition=models.Q(owner__isnull=False),
                                    name="account_unique_owned"),
            models.UniqueConstraint(fields=["platform", "kind"], condition=models.Q(owner__isnull=True),
                                    name="account_unique_platform"),
        ]
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.owner or ''}".strip()


class JournalEntry(models.Model):
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="ledger_entries")
    order_ref = models.CharField(_("order"), max_length=64, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=24, choices=EntryKind.choices)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    # A retried operation carries the same key and so never posts twice.
    idempotency_key = models.CharField(max_length=200, unique=True)
    gateway_reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order_ref}"


class Posting(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount_fen = models.BigIntegerField(_("amount (fen)"))

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~models.Q(amount_fen=0), name="posting_not_zero")]

    def __str__(self) -> str:
        return f"{self.account} {self.amount_fen:+d}"


class CommissionRule(models.Model):
    """What a platform charges providers in one category (blank: every category without its own rule)."""

    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.CASCADE,
                                 related_name="commission_rules")
    category_code = models.CharField(_("category"), max_length=60, blank=True)
    percent_bp = models.PositiveIntegerField(_("percentage (basis points)"), default=0)
    fixed_fen = models.PositiveIntegerField(_("fixed fee (fen)"), default=0)
    minimum_fen = models.PositiveIntegerField(_("minimum (fen)"), default=0)
    cap_fen = models.PositiveIntegerField(_("cap (fen)"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category_code"]
        constraints = [models.UniqueConstraint(fields=["platform", "category_code"], name="commission_rule_unique")]
        verbose_name = _("commission rule")
        verbose_name_plural = _("commission rules")

    def __str__(self) -> str:
        return self.category_code or "*"


class DepositObligation(models.Model):
    """A deposit the platform holds for an order and must return by ``due_at`` (E-commerce Law
    Art. 21: deposits are refunded promptly, by the deadline the listing states)."""

    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT,
                                 related_name="deposit_obligations")
    order_ref = models.CharField(_("order"), max_length=64)
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="deposit_obligations")
    amount_fen = models.PositiveIntegerField(_("deposit (fen)"))
    due_at = models.DateTimeField(_("refund due"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    deduction_fen = models.PositiveIntegerField(_("deducted (fen)"), default=0)
    deduction_reason = models.CharField(_("reason for the deduction"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["platform", "order_ref"], name="deposit_obligation_unique")]
        indexes = [models.Index(fields=["platform", "refunded_at", "due_at"], name="deposit_due_idx")]
        verbose_name = _("deposit obligation")
        verbose_name_plural = _("deposit obligations")

    def __str__(self) -> str:
        return f"{self.order_ref} {self.amount_fen}"


class PayoutStatus(models.TextChoices):
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


class Payout(models.Model):
    """One transfer of a provider's payable balance through the gateway (or the attempt that failed)."""

    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="payouts")
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts")
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    status = models.CharField(_("status"), max_length=8, choices=PayoutStatus.choices)
    gateway_reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    failure_reason = models.CharField(_("failure"), max_length=300, blank=True)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="payout")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")

    def __str__(self) -> str:
        return f"{self.provider} {self.amount_fen} {self.status}"


class Receivable(models.Model):
    """What a provider owes the platform: the part of a refund taken back from their payable balance
    beyond what was there (they had been paid out, or the balance was short). Their payable balance
    goes below zero by it in the ledger, and later income settles it before any payout (a payout
    only ever pays a positive balance), so the money is recorded, never silently lost."""

    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="receivables")
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="receivables")
    order_ref = models.CharField(_("order"), max_length=64, db_index=True)
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="receivable")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("receivable from a provider")
        verbose_name_plural = _("receivables from providers")

    def __str__(self) -> str:
        return f"{self.provider} {self.amount_fen}"
