"""Reading e-invoices: a party's invoices of an order, one invoice by its public id."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Max, QuerySet
from django.utils import timezone
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



def orders_refunded_since_invoiced(*, within: dt.timedelta = dt.timedelta(days=7), limit: int = 500) -> list[Order]:
    """Orders with a blue invoice and a refund posted to the ledger after the order's latest invoice (refunds of
    the last ``within``: the hourly sweep catches up after an outage shorter than that)."""
    from sharecity.market.payments.models import JournalEntry

    since = timezone.now() - within
    last_refund: dict[str, dt.datetime] = {}
    for ref, at in (JournalEntry.objects.filter(kind="refund", created_at__gte=since)
                    .values_list("order_ref", "created_at")):
        last_refund[ref] = max(at, last_refund.get(ref, at))
    ids = []
    for ref in last_refund:
        try:
            ids.append(uuid.UUID(ref))
        except ValueError:
            continue
    orders = (Order.objects.filter(public_id__in=ids, invoices__colour="blue")
              .annotate(last_invoice=Max("invoices__created_at")).select_related("platform", "customer", "provider"))
    return [o for o in orders if last_refund[str(o.public_id)] > o.last_invoice][:limit]
