"""Reading e-invoices: a party's invoices of an order, one invoice by its public id."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sharecity.market.invoices.errors import InvoiceNotFound
from sharecity.market.invoices.models import Invoice
from sharecity.market.orders.models import Order
from sharecity.market.platforms.models import Platform


def invoices_of_order(*, order: Order) -> QuerySet[Invoice]:
    return Invoice.objects.filter(order=order).select_related("reverses").prefetch_related("ledger_entries")


def invoice_get(*, platform: Platform, public_id) -> Invoice:
    invoice = (Invoice.objects.filter(platform=platform, public_id=public_id)
               .select_related("order", "order__platform", "reverses").prefetch_related("ledger_entries").first())
    if invoice is None:
        raise InvoiceNotFound(_("No such invoice on this platform."), field="invoice_id")
    return invoice


def invoice_visible(*, invoice: Invoice, role: str | None) -> bool:
    """The customer sees the service invoices (theirs as the buyer); the provider and the operator see all of
    the order's, including the platform's commission invoice to the provider."""
    if role in ("provider", "operator", "platform"):
        return True
    return role == "customer" and invoice.party == "service"
