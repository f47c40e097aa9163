"""Reads of pricing: the effective price now and the transactions the price rule compares with."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from sharecity.market.pricing.models import PriceObservation, Promotion, PromotionStatus


def promotion_current(*, listing, at: dt.datetime | None = None) -> Promotion | None:
    at = at or timezone.now()
    return (Promotion.objects.filter(listing=listing, status=PromotionStatus.ACTIVE, starts_at__lte=at, ends_at__gt=at)
            .order_by("-starts_at", "-id").first())


def price_now(*, listing, at: dt.datetime | None = None) -> tuple[int, int | None]:
    """The price a customer pays at ``at`` and the original price to strike through (or None)."""
    promotion = promotion_current(listing=listing, at=at)
    if promotion is None:
        return listing.price_fen, None
    return promotion.price_fen, promotion.original_price_fen


def transactions_before(*, listing, before: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """What the rule needs: every transaction in the 7 days before, and the last one before that."""
    from sharecity.market.pricing.rules import WINDOW

    recent = list(PriceObservation.objects.filter(listing=listing, transacted_at__lt=before,
                                                  transacted_at__gte=before - WINDOW)
                  .values_list("transacted_at", "unit_price_fen"))
    last = (PriceObservation.objects.filter(listing=listing, transacted_at__lt=before)
            .order_by("-transacted_at", "-id").values_list("transacted_at", "unit_price_fen").first())
    return recent + ([last] if last is not None else [])


def promotions_of_listing(*, listing) -> QuerySet[Promotion]:
    return Promotion.objects.filter(listing=listing).order_by("-starts_at", "-id")
