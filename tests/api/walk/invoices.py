"""E-invoice routes in the tenant walk: each tenant has a completed order with its invoices issued."""

from __future__ import annotations

from sharecity.market.invoices.models import Invoice
from sharecity.market.invoices.services import invoices_issue
from sharecity.market.orders.services import order_place, order_transition
from tests.market.engine_factories import make_listing


def prepare(tenant) -> None:
    listing = make_listing(tenant.platform, tenant.provider, category_code="second_hand", title="二手相机",
                           price_fen=50_000)
    order = order_place(actor=tenant.customer, platform=tenant.platform, listing=listing, customer=tenant.customer)
    order = order_transition(actor=tenant.customer, order=order, transition="pay")
    order = order_transition(actor=tenant.provider, order=order, transition="ship", tracking_no="SF0001")
    tenant.invoiced_order = order_transition(actor=tenant.customer, order=order, transition="confirm_receipt")
    [tenant.invoice] = invoices_issue(actor=tenant.customer, order=tenant.invoiced_order)


OBJECT_PARAMS = {"invoice_id": lambda t: t.invoice.public_id}


def OBJECT_IDS(tenant):
    return [tenant.invoice.public_id, tenant.invoice.number]


BODIES = {
    ("POST", "/p/{platform}/orders/{order_id}/invoices"): lambda t: {"buyer_name": "越权抬头"},
}

NOT_FOUND_CODES = ("invoice.not_found",)


def SNAPSHOT(platform):
    return {"invoices": list(Invoice.objects.filter(platform=platform).order_by("pk").values())}
