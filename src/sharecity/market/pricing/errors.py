from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput


class InvalidQuote(InvalidInput):
    code = "pricing.invalid_quote"


class OriginalPriceRefused(InvalidInput):
    """SAMR Order 56 Art. 16: the struck-through original price is not backed by transactions."""

    code = "pricing.original_price_refused"


class InvalidPromotion(InvalidInput):
    code = "pricing.invalid_promotion"


class PromotionOverlaps(Conflict):
    code = "pricing.promotion_overlaps"


class NotYourListing(Forbidden):
    code = "pricing.not_your_listing"
