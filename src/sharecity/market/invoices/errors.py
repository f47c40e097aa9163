"""Error codes of e-invoices."""

from sharecity.kernel.errors import Conflict, Forbidden, NotFound


class InvoiceNotFound(NotFound):
    code = "invoice.not_found"


class NotInvoiceable(Conflict):
    code = "invoice.order_not_completed"


class SellerUnknown(Conflict):
    code = "invoice.seller_not_verified"


class NotYourInvoice(Forbidden):
    code = "invoice.not_a_party"
