"""The pricing routes of the market API (mounted by ``market.api`` under its authentication)."""

from __future__ import annotations

import uuid

from ninja import Field, Router, Schema

from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.listings.selectors import listing_get
from sharecity.market.pricing.selectors import price_shown

router = Router(tags=["pricing"])


class PriceOut(Schema):
    price_fen: int
    original_price_fen: int | None
    original_price_basis: str | None = Field(
        description="what the struck-through price is (SAMR Order 56 Art. 16): lowest_7_days or last_transaction "
                    "(no basis stated, bounded by what customers paid) or stated_msrp (the manufacturer's suggested "
                    "retail price)")
    original_price_label: str | None = Field(description="the same, as shown beside the price, in the reader's "
                                                         "language (Accept-Language)")
    manufacturer: str = Field(description="who suggests the retail price, for stated_msrp; empty otherwise")
    price_unit: str


@router.get("/p/{platform}/pricing/listings/{listing_id}", response={200: PriceOut, **ERRORS})
def listing_price(request, platform: str, listing_id: uuid.UUID):
    """The price a customer pays now, and the original price struck through beside it during a
    promotion, with what it is (SAMR Order 56 Art. 16: a price actually transacted when no basis is stated,
    or the manufacturer's suggested retail price labelled as such)."""
    caller = Caller(request, platform)
    listing = listing_get(platform=caller.platform, public_id=listing_id)
    shown = price_shown(listing=listing)
    return {"price_fen": shown.price_fen, "original_price_fen": shown.original_fen,
            "original_price_basis": shown.basis, "original_price_label": shown.label,
            "manufacturer": shown.manufacturer, "price_unit": listing.price_unit}
