"""The demo city's completed orders carry their e-invoices."""

from __future__ import annotations

import pytest

from sharecity.market.invoices.models import Invoice
from sharecity.market.orders.models import Order
from sharecity.sim.demo import demo_load

pytestmark = pytest.mark.django_db


def test_the_demos_completed_orders_are_invoiced():
    demo_load()
    completed = Order.objects.filter(completed_at__isnull=False)
    assert completed.exists()
    service = Invoice.objects.filter(order__in=completed, party="service", colour="blue")
    assert service.count() == completed.count()
    for invoice in service:
        assert len(invoice.number) == 20 and invoice.total_fen == invoice.order.total_fen
        assert invoice.total_in_words.endswith(("整", "分"))
