"""Reads of pricing: the effective price now and the transactions the price rule compares with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

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


@dataclass(frozen=True)
class PriceShown:
    """What a listing shows now: the price, and during a promotion the struck-through price with what it is."""

    price_fen: int
    original_fen: int | None
    basis: str | None            # the branch of SAMR Order 56 Art. 16 the promotion was checked by
    manufacturer: str
    label: str | None            # what the struck-through price is, in the reader's language


def comparison_label(*, basis: str, manufacturer: str = "") -> str:
    """The words beside a struck-through price saying what it is (SAMR Order 56 Art. 16: 第二款 bounds an
    unstated basis by what customers paid; 第三款 asks that a manufacturer's suggested retail price be labelled
    as such)."""
    from sharecity.market.pricing import rules

    if basis == rules.STATED_MSRP:
        return _("Manufacturer's suggested retail price (%(manufacturer)s)") % {"manufacturer": manufacturer}
    if basis == rules.LAST_TRANSACTION:
        return _("Last price paid before the promotion")
    return _("Lowest price paid in the 7 days before the promotion")


def price_shown(*, listing, at: dt.datetime | None = None) -> PriceShown:
    promotion = promotion_current(listing=listing, at=at)
    if promotion is None:
        return PriceShown(price_fen=listing.price_fen, original_fen=None, basis=None, manufacturer="", label=None)
    return PriceShown(price_fen=promotion.price_fen, original_fen=promotion.original_price_fen,
                      basis=promotion.reference_basis, manufacturer=promotion.basis_source,
                      label=comparison_label(basis=promotion.reference_basis, manufacturer=promotion.basis_source))


def transactions_before(*, listing, before: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """What the rule needs: every transaction in the 7 days before, and the last one before that."""
    from sharecity.market.pricing.rules import rule_at

    window = rule_at(before).window
    recent = list(PriceObservation.objects.filter(listing=listing, transacted_at__lt=before,
                                                  transacted_at__gte=before - window)
                  .values_list("transacted_at", "unit_price_fen"))
    last = (PriceObservation.objects.filter(listing=listing, transacted_at__lt=before)
            .order_by("-transacted_at", "-id").values_list("transacted_at", "unit_price_fen").first())
    return recent + ([last] if last is not None else [])


def promotions_of_listing(*, listing) -> QuerySet[Promotion]:
    return Promotion.objects.filter(listing=listing).order_by("-starts_at", "-id")
