"""Writes of pricing: transacted prices and promotions checked against SAMR Order 56 Art. 16."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.kernel.models import User
from sharecity.kernel.money import format_yuan
from sharecity.kernel.services import audit_record, fact_record
from sharecity.kernel.timeutil import CITY_TZ, require_aware
from sharecity.market.platforms.selectors import is_operator
from sharecity.market.pricing import rules
from sharecity.market.pricing.errors import InvalidPromotion, NotYourListing, OriginalPriceRefused, PromotionOverlaps
from sharecity.market.pricing.models import PriceObservation, Promotion, PromotionStatus
from sharecity.market.pricing.selectors import transactions_before


@transaction.atomic
def price_transacted_record(*, listing, unit_price_fen: int, at: dt.datetime | None = None) -> PriceObservation:
    """Record a unit price actually paid on the listing (called when an order is paid)."""
    return PriceObservation.objects.create(listing=listing, unit_price_fen=unit_price_fen,
                                           transacted_at=require_aware(at) if at else timezone.now())


def _refusal_message(check: rules.OriginalPriceCheck, starts_at: dt.datetime) -> str:
    since = f"{(starts_at - rules.WINDOW).astimezone(CITY_TZ):%Y-%m-%d %H:%M}"
    if check.basis == rules.NO_TRANSACTION:
        return _("No sale of this listing has been recorded before the promotion starts, so an original price with "
                 "no stated basis cannot be shown (SAMR Order 56 Art. 16 para. 2); a manufacturer's suggested retail "
                 "price may be, labelled as such (para. 3).")
    if check.basis == rules.LOWEST_IN_WINDOW:
        return _("The original price may be at most %(lowest)s, the lowest price actually transacted in the 7 days "
                 "before the promotion starts (since %(since)s) (SAMR Order 56 Art. 16).") % {
            "lowest": format_yuan(check.reference_fen), "since": since}
    return _("Nothing was sold in the 7 days before the promotion starts, so the original price may be at most "
             "%(last)s, the last price actually transacted (SAMR Order 56 Art. 16).") % {
        "last": format_yuan(check.reference_fen)}


MANUFACTURER_MAX = 80


def _basis_checked(comparison_basis, basis_source) -> tuple[str, str]:
    """The stated basis and, for a manufacturer's suggested retail price, who suggests it."""
    if comparison_basis not in rules.BASES:
        raise InvalidPromotion(_("The basis of the original price is not stated, or the manufacturer's suggested "
                                 "retail price."), field="comparison_basis")
    if not isinstance(basis_source, str):
        raise InvalidPromotion(_("Name the manufacturer in words."), field="basis_source")
    source = basis_source.strip()
    if comparison_basis == rules.BASIS_TRANSACTED:
        return comparison_basis, ""
    # 《明码标价和禁止价格欺诈规定》（市场监管总局令第56号）第十六条第三款: a comparison with the manufacturer's
    # suggested retail price labels it as such; the label names the manufacturer, so a customer can check it.
    if not source:
        raise InvalidPromotion(_("Name the manufacturer whose suggested retail price is struck through: it is shown "
                                 "with the price (SAMR Order 56 Art. 16 para. 3)."), field="basis_source")
    if len(source) > MANUFACTURER_MAX or any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in source):
        raise InvalidPromotion(_("The manufacturer's name is at most %(n)d characters of text.")
                               % {"n": MANUFACTURER_MAX}, field="basis_source")
    return comparison_basis, source


def promotion_create(*, actor: User | None, listing, original_price_fen: int, price_fen: int, starts_at: dt.datetime,
                     ends_at: dt.datetime, comparison_basis: str = rules.BASIS_TRANSACTED,
                     basis_source: str = "") -> Promotion:
    """Offer the listing at ``price_fen`` from ``starts_at`` until ``ends_at``, beside the struck-
    through ``original_price_fen``. Its stated basis (SAMR Order 56 Art. 16, see ``pricing.rules``):
    ``transacted`` (none stated) must be backed by real transactions, otherwise the promotion is
    kept as refused, with the reason, and ``OriginalPriceRefused`` is raised on ``original_price``;
    ``msrp`` is the manufacturer's suggested retail price, shown labelled with ``basis_source``."""
    starts_at, ends_at = require_aware(starts_at), require_aware(ends_at)
    comparison_basis, basis_source = _basis_checked(comparison_basis, basis_source)
    if actor is not None and actor.pk != listing.provider_id and not is_operator(user=actor,
                                                                                 platform=listing.platform):
        raise NotYourListing(_("Only the listing's provider or the platform's operators can set a promotion."),
                             field="listing")
    for name, value in (("original_price", original_price_fen), ("price", price_fen)):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise InvalidPromotion(_("A price is a positive whole number of fen."), field=name)
    if price_fen >= original_price_fen:
        raise InvalidPromotion(_("The promotional price must be lower than the original price."), field="price")
    if ends_at <= starts_at:
        raise InvalidPromotion(_("The promotion must end after it starts."), field="ends_at")
    check = rules.original_price_check(original_price_fen=original_price_fen, starts_at=starts_at,
                                       transactions=transactions_before(listing=listing, before=starts_at),
                                       stated_basis=comparison_basis)
    if not check.allowed:
        message = _refusal_message(check, starts_at)
        _promotion_refused_record(actor=actor, listing=listing, original_price_fen=original_price_fen,
                                  price_fen=price_fen, starts_at=starts_at, ends_at=ends_at, check=check,
                                  message=message, comparison_basis=comparison_basis, basis_source=basis_source)
        raise OriginalPriceRefused(message, field="original_price")
    return _promotion_activate(actor=actor, listing=listing, original_price_fen=original_price_fen,
                               price_fen=price_fen, starts_at=starts_at, ends_at=ends_at, check=check,
                               comparison_basis=comparison_basis, basis_source=basis_source)


@transaction.atomic
def _promotion_refused_record(*, actor, listing, original_price_fen, price_fen, starts_at, ends_at, check,
                              message, comparison_basis, basis_source) -> Promotion:
    promotion = Promotion.objects.create(
        listing=listing, original_price_fen=original_price_fen, price_fen=price_fen, starts_at=starts_at,
        ends_at=ends_at, status=PromotionStatus.REFUSED, refusal_reason=message,
        comparison_basis=comparison_basis, basis_source=basis_source,
        reference_price_fen=check.reference_fen, reference_basis=check.basis, created_by=actor)
    audit_record(actor=actor, action="pricing.promotion_refused", target_type="listing", target_id=listing.public_id,
                 platform_id=listing.platform.exchange_id,
                 data={"promotion_id": promotion.pk, "original_price_fen": original_price_fen, "price_fen": price_fen,
                       "reference_fen": check.reference_fen, "basis": check.basis})
    return promotion


@transaction.atomic
def _promotion_activate(*, actor, listing, original_price_fen, price_fen, starts_at, ends_at, check,
                        comparison_basis, basis_source) -> Promotion:
    type(listing).objects.select_for_update().filter(pk=listing.pk).first()
    if Promotion.objects.filter(listing=listing, status=PromotionStatus.ACTIVE, starts_at__lt=ends_at,
                                ends_at__gt=starts_at).exists():
        raise PromotionOverlaps(_("Another promotion of this listing runs at the same time."), field="starts_at")
    promotion = Promotion.objects.create(
        listing=listing, original_price_fen=original_price_fen, price_fen=price_fen, starts_at=starts_at,
        ends_at=ends_at, status=PromotionStatus.ACTIVE, reference_price_fen=check.reference_fen,
        reference_basis=check.basis, comparison_basis=comparison_basis, basis_source=basis_source, created_by=actor)
    fact_record(
        actor=actor, action="pricing.promotion_create", target_type="listing", target_id=listing.public_id,
        platform_id=listing.platform.exchange_id, message_type="listing.changed",
        payload=payload_build("listing.changed", listing_id=str(listing.public_id), changed=["price"],
                              changed_at=starts_at, price_fen=price_fen, price_unit=listing.price_unit),
        audit_data={"promotion_id": promotion.pk, "original_price_fen": original_price_fen, "price_fen": price_fen,
                    "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
                    "reference_fen": check.reference_fen, "basis": check.basis, "manufacturer": basis_source},
    )
    return promotion


@transaction.atomic
def promotions_end(*, now: dt.datetime | None = None) -> int:
    """Mark promotions whose time is over as ended (``price_now`` already ignores them)."""
    now = now or timezone.now()
    ended = Promotion.objects.filter(status=PromotionStatus.ACTIVE, ends_at__lte=now)
    return ended.update(status=PromotionStatus.ENDED)
