"""The price shown before commit (明码标价): every line and fee, and the total the customer pays.

Pure: plain data in, plain data out. A fee is a mapping (as stored on a listing) or a
:class:`Fee`: ``{"code", "label_zh", "label_en", "fen", "per": "order" | "unit"}``. A fee per
order is charged once; a fee per unit is charged for every unit of time (or item) and every
piece booked, like the price itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sharecity.market.pricing.errors import InvalidQuote

PER_ORDER = "order"
PER_UNIT = "unit"


@dataclass(frozen=True)
class Fee:
    code: str
    fen: int
    per: str = PER_ORDER
    label_zh: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class QuoteLine:
    """``unit_fen × count = amount_fen``; ``kind`` is ``price`` or ``fee``."""

    kind: str
    code: str
    label_zh: str
    label_en: str
    unit_fen: int
    count: int
    amount_fen: int
    per: str = PER_UNIT

    @property
    def label(self) -> str:
        english = (get_language() or "zh-hans").startswith("en")
        return (self.label_en if english else self.label_zh) or self.label_zh or self.label_en or self.code


@dataclass(frozen=True)
class Quote:
    lines: list[QuoteLine]
    subtotal_fen: int
    fees_fen: int
    total_fen: int


def _whole(value, *, field: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidQuote(_("%(field)s is a whole number of at least %(minimum)d.")
                           % {"field": field, "minimum": minimum}, field=field)
    return value


def _fee(raw: Fee | Mapping) -> Fee:
    if isinstance(raw, Fee):
        fee = raw
    else:
        fee = Fee(code=str(raw.get("code", "")), fen=raw.get("fen", 0), per=raw.get("per", PER_ORDER),
                  label_zh=str(raw.get("label_zh", "")), label_en=str(raw.get("label_en", "")))
    _whole(fee.fen, field="fees.fen", minimum=0)
    if fee.per not in (PER_ORDER, PER_UNIT):
        raise InvalidQuote(_("A fee is charged per order or per unit."), field="fees.per")
    return fee


def quote_build(*, unit_price_fen: int, units: int, quantity: int, fees: Iterable[Fee | Mapping] = ()) -> Quote:
    """``unit_price_fen × units × quantity`` plus each fee (once per order, or per unit × quantity)."""
    _whole(unit_price_fen, field="unit_price_fen", minimum=0)
    _whole(units, field="units", minimum=1)
    _whole(quantity, field="quantity", minimum=1)
    count = units * quantity
    lines = [QuoteLine(kind="price", code="price", label_zh="价格", label_en="Price", unit_fen=unit_price_fen,
                       count=count, amount_fen=unit_price_fen * count)]
    for fee in map(_fee, fees or ()):
        fee_count = count if fee.per == PER_UNIT else 1
        lines.append(QuoteLine(kind="fee", code=fee.code, label_zh=fee.label_zh, label_en=fee.label_en,
                               unit_fen=fee.fen, count=fee_count, amount_fen=fee.fen * fee_count, per=fee.per))
    subtotal = lines[0].amount_fen
    fees_fen = sum(line.amount_fen for line in lines[1:])
    return Quote(lines=lines, subtotal_fen=subtotal, fees_fen=fees_fen, total_fen=subtotal + fees_fen)
