"""The tax authority's e-invoice issuing service, behind an interface.

The 数电票 are issued through the tax authority's electronic invoice service platform (全国统一的电子发票服务
平台), which gives each invoice its number. ShareCity cannot reach it: ``InvoiceIssuer`` is what an adapter to it
(or to a licensed intermediary) implements, named by the setting ``SHARECITY_INVOICE_ISSUER``. The fake numbers
invoices locally in the official shape and is what the demo and the tests use.

The number of a 数电票 has 20 digits: the last two digits of the year, two of the province (the first two of its
administrative division code), one for the issuing channel and fifteen of sequence (国家税务总局 on 全面数字化的
电子发票; the layout was read in a third-party summary, not in the authority's own text).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_ISSUER = "sharecity.market.invoices.issuers.FakeInvoiceIssuer"


@dataclass(frozen=True)
class IssueRequest:
    """What the service is asked to issue: every field printed on the invoice."""

    key: str  # the same key for a retry: the service answers with the invoice it issued the first time
    seller_name: str
    seller_tax_id: str
    buyer_name: str
    buyer_tax_id: str
    province_code: str  # two digits, where the seller files
    issued_on: dt.date
    items: tuple[dict, ...]
    total_fen: int
    tax_fen: int
    reverses_number: str = ""  # a red-letter invoice names the blue one it reverses


@dataclass(frozen=True)
class Issued:
    number: str
    issued_on: dt.date


class InvoiceIssuer(Protocol):
    def issue(self, request: IssueRequest) -> Issued:
        """Issue a blue invoice."""

    def reverse(self, request: IssueRequest) -> Issued:
        """Issue a red-letter invoice (红字发票) reversing ``request.reverses_number`` by ``request.total_fen``
        (negative)."""


class FakeInvoiceIssuer:
    """Numbers invoices in the official 20-digit shape from a local sequence (channel digit 9: not the tax
    authority's), and answers a repeated key with the number it gave first."""

    CHANNEL = "9"

    def _number(self, request: IssueRequest) -> Issued:
        from sharecity.market.invoices.models import Invoice

        previous = Invoice.objects.filter(idempotency_key=request.key).first()
        if previous is not None:
            return Issued(previous.number, previous.issued_on)
        prefix = f"{request.issued_on.year % 100:02d}{request.province_code[:2]:0>2}{self.CHANNEL}"
        last = (Invoice.objects.filter(number__startswith=prefix).order_by("-number")
                .values_list("number", flat=True).first())
        sequence = int(last[5:]) + 1 if last else 1
        return Issued(f"{prefix}{sequence:015d}", request.issued_on)

    def issue(self, request: IssueRequest) -> Issued:
        return self._number(request)

    def reverse(self, request: IssueRequest) -> Issued:
        return self._number(request)


def issuer_get() -> InvoiceIssuer:
    return import_string(getattr(settings, "SHARECITY_INVOICE_ISSUER", DEFAULT_ISSUER))()
