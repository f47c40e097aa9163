"""The quarterly tax-information reports a platform filed (国务院令第810号 第四条): one row per quarter sent."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QuarterlyFiling(models.Model):
    """A quarter's report as sent on the exchange (``tax.quarterly_report`` v1, in ``parts`` messages). Filing the
    same quarter again (a correction) adds a row; the latest is the one in force."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="tax_filings")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    report_id = models.CharField(_("report"), max_length=64, unique=True)
    parts = models.PositiveIntegerField(_("parts"))
    provider_count = models.PositiveIntegerField(_("providers"))
    exempt_count = models.PositiveIntegerField(_("providers whose income is not reported"))
    gross_fen = models.BigIntegerField(_("gross income (fen)"))
    recipient_key_id = models.CharField(max_length=16)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["platform", "year", "quarter"], name="tax_filing_quarter_idx")]
        verbose_name = _("quarterly tax report")
        verbose_name_plural = _("quarterly tax reports")

    def __str__(self) -> str:
        return f"{self.platform} {self.year}Q{self.quarter}"


class WithholdingMethod(models.TextChoices):
    CUMULATIVE = "cumulative", _("Cumulative method (platform worker)")
    NOT_WITHHELD = "not_withheld", _("Not withheld: a business files its own tax")


class Withholding(models.Model):
    """The income tax withheld from one payment to a provider (the withholding register, 扣缴明细): the payment's
    income, the cumulative working of the method in force, and what was withheld. Written once, with the ledger
    entries of the payment (``entry_key``), and never edited: a later change in law is a new parameter version."""

    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="withholdings")
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="withholdings")
    entry_key = models.CharField(_("ledger entry"), max_length=200, unique=True)
    order_ref = models.CharField(_("order"), max_length=64, blank=True)
    method = models.CharField(_("method"), max_length=16, choices=WithholdingMethod.choices)
    month = models.DateField(_("month"))  # its first day, city time
    income_fen = models.BigIntegerField(_("income (fen)"))  # paid to the provider: after the platform's commission
    cumulative_income_fen = models.BigIntegerField(_("income this year (fen)"))
    cumulative_expenses_fen = models.BigIntegerField(_("expenses this year (fen)"))
    months_counted = models.PositiveSmallIntegerField(_("months of basic deduction"))
    cumulative_deduction_fen = models.BigIntegerField(_("basic deduction this year (fen)"))
    taxable_fen = models.BigIntegerField(_("taxable income this year (fen)"))
    rate_bp = models.PositiveIntegerField(_("rate (basis points)"))
    quick_deduction_fen = models.BigIntegerField(_("quick deduction (fen)"))
    cumulative_tax_fen = models.BigIntegerField(_("tax this year (fen)"))
    withheld_before_fen = models.BigIntegerField(_("withheld before this payment this year (fen)"))
    withheld_fen = models.BigIntegerField(_("withheld (fen)"))
    gap_rule = models.CharField(_("month count rule"), max_length=24, blank=True)
    source = models.CharField(_("source"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["platform", "provider", "month"])]
        verbose_name = _("tax withholding")
        verbose_name_plural = _("tax withholdings")

    def __str__(self) -> str:
        return f"{self.provider_id} {self.month:%Y-%m} {self.withheld_fen}"

    @property
    def rate_percent(self) -> str:
        return f"{self.rate_bp / 100:g}%"


class VatReturn(models.Model):
    """A worker's monthly VAT return that the platform files on the worker's behalf (代办申报, 国家税务总局公告
    2025年第16号 第二条), computed from the withholding register by ``services.prepare_vat_returns``.

    Never edited. Preparing a month again computes it again: when the figures are those of the latest version
    nothing is written; when they differ (a payment booked to the month after it was prepared) a new version is
    added, and the latest version is the return in force (the earlier ones stay, as what was computed then)."""

    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="vat_returns")
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vat_returns")
    month = models.DateField(_("month"))  # its first day
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    payments = models.PositiveIntegerField(_("payments"))
    income_fen = models.BigIntegerField(_("income including VAT (fen)"))  # what customers paid for the services
    sales_fen = models.BigIntegerField(_("sales excluding VAT (fen)"))
    exempt = models.BooleanField(_("exempt"))
    levy_rate = models.DecimalField(_("levy rate"), max_digits=5, decimal_places=4)
    vat_fen = models.BigIntegerField(_("VAT (fen)"))
    twelve_months_fen = models.BigIntegerField(_("income in 12 months (fen)"))
    guide_to_register = models.BooleanField(_("guide to register as a general taxpayer"))
    source = models.CharField(_("source"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month", "provider_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["platform", "provider", "month", "version"],
                                               name="tax_vat_return_version_unique")]
        verbose_name = _("VAT return")
        verbose_name_plural = _("VAT returns")

    def __str__(self) -> str:
        return f"{self.provider_id} {self.month:%Y-%m} v{self.version} {self.vat_fen}"

    @property
    def levy_rate_percent(self) -> str:
        return f"{(self.levy_rate * 100).normalize():f}%"
