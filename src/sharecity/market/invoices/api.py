"""The e-invoice routes of the market API (mounted by ``market.api`` under its authentication).

A party of a completed order asks for its invoices (the customer may give the buyer's title and taxpayer
number) and reads them as JSON or XML; the customer sees the service invoices, the provider and the operator
also the platform's commission invoice.
"""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.invoices import selectors, services
from sharecity.market.invoices.errors import InvoiceNotFound, NotYourInvoice
from sharecity.market.invoices.export import invoice_data, invoice_xml
from sharecity.market.orders import selectors as order_selectors

router = Router(tags=["invoices"])


class InvoiceRequestIn(Schema):
    buyer_name: str = Field("", max_length=120, description="the buyer's title (抬头); the customer's name if empty")
    buyer_tax_id: str = Field("", max_length=18, description="a business buyer's unified social credit code")


class InvoicePartyOut(Schema):
    name: str
    tax_id: str


class InvoiceItemOut(Schema):
    name: str
    specification: str
    unit: str
    quantity: int
    unit_price: str
    amount: str
    tax: str
    amount_fen: int
    tax_fen: int


class InvoiceOut(Schema):
    id: uuid.UUID
    number: str = Field(description="20 digits")
    issued_on: str
    invoice_type: str
    colour: str = Field(description="blue, or red for a red-letter invoice")
    party: str = Field(description="service or commission")
    issued_by: str = Field(description="platform, provider or on_behalf (代开)")
    order_id: uuid.UUID
    reverses_number: str
    seller: InvoicePartyOut
    buyer: InvoicePartyOut
    items: list[InvoiceItemOut]
    rate_kind: str
    rate: str
    amount_fen: int
    tax_fen: int
    total_fen: int
    amount: str
    tax: str
    total: str
    total_in_words: str
    notes: str
    issuer: str
    rate_source: str
    ledger_entry_ids: list[int]


def _role(caller: Caller, order) -> str | None:
    if caller.user is not None:
        role = order_selectors.order_party_role(order=order, user=caller.user)
        if role is not None:
            return role
    return "platform" if caller.sees_whole_platform else None


def _order(caller: Caller, order_id: uuid.UUID):
    order = order_selectors.order_get(platform=caller.platform, public_id=order_id)
    role = _role(caller, order)
    if role is None:
        raise NotYourInvoice(_("This is not your order."), field="order_id")
    return order, role


def _invoice(caller: Caller, invoice_id: uuid.UUID):
    invoice = selectors.invoice_get(platform=caller.platform, public_id=invoice_id)
    if not selectors.invoice_visible(invoice=invoice, role=_role(caller, invoice.order)):
        # Not a party: the same answer as no such invoice, so ids cannot be probed.
        raise InvoiceNotFound(_("No such invoice on this platform."), field="invoice_id")
    return invoice


@router.get("/p/{platform}/orders/{order_id}/invoices", response={200: list[InvoiceOut], **ERRORS})
def invoices_of_order(request, platform: str, order_id: uuid.UUID):
    caller = Caller(request, platform)
    order, role = _order(caller, order_id)
    return [invoice_data(i) for i in selectors.invoices_of_order(order=order)
            if selectors.invoice_visible(invoice=i, role=role)]


@router.post("/p/{platform}/orders/{order_id}/invoices", response={200: list[InvoiceOut], **ERRORS})
def invoices_request(request, platform: str, order_id: uuid.UUID, data: InvoiceRequestIn):
    """Issue the order's invoices (once completed) and red-letter invoices for refunds since; a retry returns the
    same invoices."""
    caller = Caller(request, platform)
    order, role = _order(caller, order_id)
    actor = caller.user if role != "platform" else None
    invoices = services.invoices_issue(actor=actor, order=order, buyer_name=data.buyer_name,
                                       buyer_tax_id=data.buyer_tax_id)
    return [invoice_data(i) for i in invoices if selectors.invoice_visible(invoice=i, role=role)]


@router.get("/p/{platform}/invoices/{invoice_id}", response={200: InvoiceOut, **ERRORS})
def invoices_get(request, platform: str, invoice_id: uuid.UUID):
    return invoice_data(_invoice(Caller(request, platform), invoice_id))


@router.get("/p/{platform}/invoices/{invoice_id}/xml", response={200: str, **ERRORS},
            openapi_extra={"responses": {"200": {"description": "the invoice as XML",
                                                 "content": {"application/xml": {}}}}})
def invoices_xml(request, platform: str, invoice_id: uuid.UUID):
    invoice = _invoice(Caller(request, platform), invoice_id)
    response = HttpResponse(invoice_xml(invoice), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.xml"'
    return response
