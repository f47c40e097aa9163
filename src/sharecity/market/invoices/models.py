"""Fully digital e-invoices (全面数字化的电子发票, 数电票) of completed orders, as issued.

One blue (正数) invoice per order and party: the service (sold by the provider, or by a natural-person worker
through the platform's 代开) and the platform's commission (sold by the platform to the provider). A refund
issues a red-letter (红字) invoice for the amount given back, linked to the blue one. Amounts are fen; the
figures shown on the invoice are yuan with two decimals.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceParty(models.TextChoices):
    SERVICE = "service", _("The service")
    COMMISSION = "commission", _("The platform's commission")


class IssuedBy(models.TextChoices):
    PLATFORM = "platform", _("The platform, for its own fees")
    PROVIDER = "provider", _("The provider, a business")
    PLATFORM_ON_BEHALF = "on_behalf", _("The platform on the worker's behalf (代开)")


class InvoiceColour(models.TextChoices):
    BLUE = "blue", _("Invoice")
    RED = "red", _("Red-letter invoice")


class RateKind(models.TextChoices):
    TAX_RATE = "tax_rate", _("Tax rate")
    LEVY_RATE = "levy_rate", _("Levy rate")


class Invoice(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="invoices")
    order = models.ForeignKey("market_orders.Order", on_delete=models.PROTECT, related_name="invoices")
    party = models.CharField(_("for"), max_length=12, choices=InvoiceParty.choices)
    colour = models.CharField(_("kind"), max_length=4, choices=InvoiceColour.choices)
    # A retried issue carries the same key and returns the same invoice.
    idempotency_key = models.CharField(max_length=120, unique=True)
    reverses = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="reversals", verbose_name=_("reverses"))
    number = models.CharField(_("invoice number"), max_length=20, unique=True)
    issued_on = models.DateField(_("issue date"))
    invoice_type = models.CharField(_("invoice type"), max_length=40)
    issued_by = models.CharField(_("issued by"), max_length=10, choices=IssuedBy.choices)
    seller_name = models.CharField(_("seller"), max_length=120)
    seller_tax_id = models.CharField(_("seller's taxpayer identification number"), max_length=18)
    buyer_name = models.CharField(_("buyer"), max_length=120)
    buyer_tax_id = models.CharField(_("buyer's taxpayer identification number"), max_length=18, blank=True)
    items = models.JSONField(_("items"), default=list)
    rate_kind = models.CharField(_("rate kind"), max_length=10, choices=RateKind.choices)
    rate = models.DecimalField(_("rate"), max_digits=5, decimal_places=4)
    amount_fen = models.BigIntegerField(_("amount excluding tax (fen)"))
    tax_fen = models.BigIntegerField(_("tax (fen)"))
    total_fen = models.BigIntegerField(_("total (fen)"))
    total_in_words = models.CharField(_("total in words"), max_length=80)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    issuer_name = models.CharField(_("issuer"), max_length=120)
    rate_source = models.CharField(_("source of the rate"), max_length=500)
    ledger_entries = models.ManyToManyField("market_payments.JournalEntry", related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "party"], condition=models.Q(colour="blue"),
                                    name="invoice_one_blue_per_order_party"),
        ]
        verbose_name = _("e-invoice")
        verbose_name_plural = _("e-invoices")

    def __str__(self) -> str:
        return self.number

    @property
    def total_yuan(self) -> str:
        sign = "-" if self.total_fen < 0 else ""
        return f"{sign}{abs(self.total_fen) // 100}.{abs(self.total_fen) % 100:02d}"
