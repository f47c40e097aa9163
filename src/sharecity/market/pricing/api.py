"""The pricing routes of the market API (mounted by ``market.api`` under its authentication)."""

from __future__ import annotations

import uuid

from ninja import Router, Schema

from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.listings.selectors import listing_get
from sharecity.market.pricing.selectors import price_now

router = Router(tags=["pricing"])


class PriceOut(Schema):
    price_fen: int
    original_price_fen: int | None
    price_unit: str


@router.get("/p/{platform}/pricing/listings/{listing_id}", response={200: PriceOut, **ERRORS})
def listing_price(request, platform: str, listing_id: uuid.UUID):
    """The price a customer pays now, and the original price struck through beside it during a
    promotion (SAMR Order 56 Art. 16: only a price actually transacted)."""
    caller = Caller(request, platform)
    listing = listing_get(platform=caller.platform, public_id=listing_id)
    price_fen, original_fen = price_now(listing=listing)
    return {"price_fen": price_fen, "original_price_fen": original_fen, "price_unit": listing.price_unit}
