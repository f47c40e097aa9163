"""Issuing the e-invoices of a completed order, and red-letter invoices for what was refunded.

Who issues (《中华人民共和国发票管理办法》第十八条: the payee issues the invoice to the payer for goods sold and
services provided, and the tax authority or a party it entrusts issues (代开) for those who cannot issue their
own — article numbers as of the 2023 revision, from memory: not verified in the published text):
- the service, sold by a business provider: the provider issues its own invoice;
- the service, sold by a natural-person worker: the platform issues it on the worker's behalf (代开) at the
  small-scale levy rate in force (``market.tax.parameters.small_scale_vat_parameters_at``, 国家税务总局公告2025年
  第16号 第二条第(一)项);
- the platform's commission, sold to the provider: the platform issues it at the general rate (``rates``).
Amounts come from the order and its ledger entries, which are only read here. Issuing is idempotent per order
and party; a refund after issuing gives a red-letter invoice for the refunded amount, issued by the hourly sweep
(``tasks.red_letter_sweep``) or sooner when the order's invoices are asked for again.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.kernel.crypto import decrypt_text
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.ids import validate_credit_code
from sharecity.kernel.services import audit_record
from sharecity.market.accounts.models import ProviderProfile, SubjectKind
from sharecity.market.accounts.services import IDENTITY_CONTEXT
from sharecity.market.invoices.errors import NotInvoiceable, NotYourInvoice, SellerUnknown
from sharecity.market.invoices.issuers import IssueRequest, issuer_get
from sharecity.market.invoices.models import Invoice, InvoiceColour, InvoiceParty, IssuedBy, RateKind
from sharecity.market.invoices.rates import platform_service_rate_at
from sharecity.market.invoices.words import amount_in_words
from sharecity.market.orders.models import Order
from sharecity.market.orders.selectors import order_party_role
from sharecity.market.payments.selectors import entries_of_order, order_balance
from sharecity.market.tax.parameters import small_scale_vat_parameters_at

# A consumer's 数电票 is of the ordinary kind (普通发票), the other being the special VAT invoice (增值税专用发票); the
# title as printed on a 数电票 is from memory, not verified.
INVOICE_TYPE = "电子发票（普通发票）"
MAX_NAME = 120

# The 税收分类编码 short name printed before an item's name between asterisks (*生活服务*家政服务). Which short
# name fits each category is this project's reading of the classification, not verified against it.
CATEGORY_SHORT_NAMES = {
    "homestay": "住宿服务", "catering": "餐饮服务", "parking": "不动产经营租赁服务",
    "lab_instruments": "有形动产租赁服务", "equipment_rental": "有形动产租赁服务", "education": "教育服务",
    "housekeeping": "生活服务", "elderly_care": "生活服务", "child_care": "生活服务",
}
SERVICE_SHORT_NAME = "生活服务"
PLATFORM_SHORT_NAME = "信息技术服务"


def _split(total_fen: int, rate: Decimal) -> tuple[int, int]:
    """A price including tax → (amount excluding tax, tax), to the fen; the tax is the difference."""
    amount = int((Decimal(total_fen) / (1 + rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return amount, total_fen - amount


def _items(lines: list[tuple[str, int]], rate: Decimal) -> list[dict]:
    items = []
    for name, fen in lines:
        amount, tax = _split(fen, rate)
        items.append({"name": name[:100], "specification": "", "unit": "次", "quantity": 1,
                      "unit_price_fen": amount, "amount_fen": amount, "tax_fen": tax})
    return items


def _category_code(order: Order) -> str:
    if order.listing_id:
        return order.listing.category.code
    if order.task_id:
        return order.task.category.code
    return ""


def _service_lines(order: Order) -> list[tuple[str, int]]:
    short = CATEGORY_SHORT_NAMES.get(_category_code(order), SERVICE_SHORT_NAME)
    lines = [(str(line.get("label_zh") or _("Service")), int(line.get("fen", 0))) for line in order.price_lines]
    lines = [(label, fen) for label, fen in lines if fen > 0]
    if sum(fen for _label, fen in lines) != order.total_fen:
        title = order.listing.title if order.listing_id else order.task.title if order.task_id else ""
        lines = [(title or "服务", order.total_fen)]
    return [(f"*{short}*{label}", fen) for label, fen in lines]


def _profile(user) -> ProviderProfile:
    profile = ProviderProfile.objects.filter(user=user).first()
    if profile is None:
        raise SellerUnknown(_("The provider has not verified their identity: no invoice can name them."),
                            field="order_id")
    return profile


def _tax_id(profile: ProviderProfile) -> str:
    """A business's unified social credit code is printed in full (it is public); a person's identity number,
    their taxpayer number, only masked: the consumer needs the invoice, not the worker's identity."""
    if profile.kind == SubjectKind.BUSINESS:
        return decrypt_text(profile.identity_encrypted, context=IDENTITY_CONTEXT)
    return profile.identity_masked


def _buyer(buyer_name: str, buyer_tax_id: str, default: str) -> tuple[str, str]:
    name = (buyer_name or "").strip() or default
    if len(name) > MAX_NAME or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InvalidInput(_("The buyer's name is at most 120 characters, without control characters."),
                           field="buyer_name", code="invoice.buyer_name")
    tax_id = (buyer_tax_id or "").strip().upper()
    if tax_id:
        tax_id = validate_credit_code(tax_id, field="buyer_tax_id")
    return name, tax_id


def _create(*, order: Order, party: str, key: str, issued_by: str, seller: tuple[str, str],
            buyer: tuple[str, str], items: list[dict], rate_kind: str, rate: Decimal, source: str, notes: str,
            entries, reverses: Invoice | None = None) -> Invoice:
    existing = Invoice.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    total = sum(i["amount_fen"] + i["tax_fen"] for i in items)
    tax = sum(i["tax_fen"] for i in items)
    request = IssueRequest(key=key, seller_name=seller[0], seller_tax_id=seller[1], buyer_name=buyer[0],
                           buyer_tax_id=buyer[1], province_code=order.platform.city_code[:2], issued_on=today,
                           items=tuple(items), total_fen=total, tax_fen=tax,
                           reverses_number=reverses.number if reverses else "")
    issuer = issuer_get()
    issued = issuer.reverse(request) if reverses else issuer.issue(request)
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                platform=order.platform, order=order, party=party,
                colour=InvoiceColour.RED if reverses else InvoiceColour.BLUE, idempotency_key=key,
                reverses=reverses, number=issued.number, issued_on=issued.issued_on, invoice_type=INVOICE_TYPE,
                issued_by=issued_by, seller_name=seller[0], seller_tax_id=seller[1], buyer_name=buyer[0],
                buyer_tax_id=buyer[1], items=items, rate_kind=rate_kind, rate=rate, amount_fen=total - tax,
                tax_fen=tax, total_fen=total, total_in_words=amount_in_words(total), notes=notes[:500],
                issuer_name=(order.platform.name if issued_by != IssuedBy.PROVIDER else seller[0])[:120],
                rate_source=source[:500])
            invoice.ledger_entries.set(entries)
    except IntegrityError:
        # Issued meanwhile by a concurrent request with the same key (or the same order and party).
        found = Invoice.objects.filter(idempotency_key=key).first()
        if found is None:
            raise
        return found
    audit_record(actor=None, action="invoices.reverse" if reverses else "invoices.issue", target_type="order",
                 target_id=order.public_id, platform_id=order.platform.exchange_id,
                 data={"number": invoice.number, "party": party, "total_fen": total})
    return invoice


def _key(order: Order, party: str, *parts: object) -> str:
    return ":".join(["inv", str(order.pk), party, *(str(p) for p in parts)])


def _service(order: Order, buyer: tuple[str, str], entries) -> Invoice:
    profile = _profile(order.provider)
    on = timezone.localdate()
    if profile.kind == SubjectKind.BUSINESS:
        # The business's own VAT status is not recorded: it is taken as a general taxpayer selling a service at
        # the 6% rate (goods at 13%, small-scale businesses at their levy rate are not told apart yet).
        rate = platform_service_rate_at(on)
        issued_by, rate_kind, value, source = IssuedBy.PROVIDER, RateKind.TAX_RATE, rate.rate, rate.source
        notes = f"订单 {order.public_id}"
    else:
        levy = small_scale_vat_parameters_at(on)
        issued_by, rate_kind, value, source = IssuedBy.PLATFORM_ON_BEHALF, RateKind.LEVY_RATE, levy.levy_rate, \
            levy.source
        notes = f"订单 {order.public_id}；{order.platform.name}代自然人{profile.legal_name}开具"
    seller = (profile.legal_name, _tax_id(profile))
    items = _items(_service_lines(order), value)
    used = [e for e in entries if e.kind in ("payment", "escrow_release", "milestone_release")]
    return _create(order=order, party=InvoiceParty.SERVICE, key=_key(order, InvoiceParty.SERVICE), issued_by=issued_by,
                   seller=seller, buyer=buyer, items=items, rate_kind=rate_kind, rate=value, source=source,
                   notes=notes, entries=used)


def _commission(order: Order, commission_fen: int, entries) -> Invoice:
    profile = _profile(order.provider)
    rate = platform_service_rate_at(timezone.localdate())
    buyer = (profile.legal_name, _tax_id(profile) if profile.kind == SubjectKind.BUSINESS else "")
    items = _items([(f"*{PLATFORM_SHORT_NAME}*平台信息服务费", commission_fen)], rate.rate)
    return _create(order=order, party=InvoiceParty.COMMISSION, key=_key(order, InvoiceParty.COMMISSION),
                   issued_by=IssuedBy.PLATFORM, seller=(order.platform.name, order.platform.credit_code),
                   buyer=buyer, items=items, rate_kind=RateKind.TAX_RATE, rate=rate.rate, source=rate.source,
                   notes=f"订单 {order.public_id}", entries=[e for e in entries if e.kind == "commission"])


def _reverse(blue: Invoice, *, now_fen: int, entries) -> Invoice | None:
    """A red-letter invoice bringing ``blue`` down to ``now_fen`` (what remains of the sale), if it is not."""
    reversed_fen = -sum(blue.reversals.values_list("total_fen", flat=True))
    due = blue.total_fen - reversed_fen - max(now_fen, 0)
    if due <= 0:
        return None
    items = _items([(blue.items[0]["name"] if blue.items else "退款", due)], blue.rate)
    items = [{**i, "quantity": -1, "amount_fen": -i["amount_fen"], "tax_fen": -i["tax_fen"]} for i in items]
    return _create(order=blue.order, party=blue.party, key=_key(blue.order, blue.party, "red", reversed_fen + due),
                   issued_by=blue.issued_by, seller=(blue.seller_name, blue.seller_tax_id),
                   buyer=(blue.buyer_name, blue.buyer_tax_id), items=items, rate_kind=blue.rate_kind,
                   rate=blue.rate, source=blue.rate_source,
                   notes=f"被红冲蓝字数电发票号码：{blue.number}；订单 {blue.order.public_id}",
                   entries=[e for e in entries if e.kind == "refund"], reverses=blue)


def invoices_issue(*, actor, order: Order, buyer_name: str = "", buyer_tax_id: str = "") -> list[Invoice]:
    """Issue what the order is due: the service and commission invoices once completed, and red-letter invoices
    for what was refunded since. A retry returns the same invoices. The buyer's title (抬头) and taxpayer number
    (a business buyer) are the customer's to give; otherwise the customer's name is used."""
    role = order_party_role(order=order, user=actor) if actor is not None else "system"
    if role is None:
        raise NotYourInvoice(_("This is not your order."), field="order_id")
    if role != "customer" and (buyer_name or buyer_tax_id):
        raise InvalidInput(_("Only the customer gives the buyer's name and taxpayer number."), field="buyer_name",
                           code="invoice.buyer_not_customer")
    if order.completed_at is None:
        raise NotInvoiceable(_("An invoice is issued once the order is completed."), field="order_id")
    buyer = _buyer(buyer_name, buyer_tax_id, str(order.customer))
    ref = str(order.public_id)
    balance = order_balance(order_ref=ref)
    entries = list(entries_of_order(order_ref=ref))
    with transaction.atomic():
        blues = {i.party: i for i in Invoice.objects.filter(order=order, colour=InvoiceColour.BLUE)}
        if InvoiceParty.SERVICE not in blues and order.total_fen > balance.refunded_fen:
            blues[InvoiceParty.SERVICE] = _service(order, buyer, entries)
        if InvoiceParty.COMMISSION not in blues and balance.commission_fen > 0:
            blues[InvoiceParty.COMMISSION] = _commission(order, balance.commission_fen, entries)
        if InvoiceParty.SERVICE in blues:
            _reverse(blues[InvoiceParty.SERVICE], now_fen=order.total_fen - balance.refunded_fen, entries=entries)
        if InvoiceParty.COMMISSION in blues:
            _reverse(blues[InvoiceParty.COMMISSION], now_fen=balance.commission_fen, entries=entries)
    return list(Invoice.objects.filter(order=order))


def invoices_reverse_refunds(*, limit: int = 500) -> int:
    """Red-letter invoices for every invoiced order refunded since (the hourly sweep: a refund needs no one to ask
    again). Returns how many red-letter invoices were issued; running it twice issues none the second time."""
    from sharecity.market.invoices.selectors import orders_refunded_since_invoiced

    issued = 0
    for order in orders_refunded_since_invoiced(limit=limit):
        before = Invoice.objects.filter(order=order, colour=InvoiceColour.RED).count()
        invoices_issue(actor=None, order=order)
        issued += Invoice.objects.filter(order=order, colour=InvoiceColour.RED).count() - before
    return issued
