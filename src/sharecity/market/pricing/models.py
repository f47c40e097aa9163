from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PriceObservation(models.Model):
    """A price actually transacted on a listing (what SAMR Order 56 Art. 16 compares with)."""

    listing = models.ForeignKey("market_listings.Listing", on_delete=models.CASCADE,
                                related_name="price_observations")
    unit_price_fen = models.PositiveIntegerField(_("unit price (fen)"))
    transacted_at = models.DateTimeField(_("transacted at"))

    class Meta:
        ordering = ["-transacted_at", "-id"]
        indexes = [models.Index(fields=["listing", "transacted_at"], name="price_obs_listing_at_idx")]
        verbose_name = _("transacted price")
        verbose_name_plural = _("transacted prices")

    def __str__(self) -> str:
        return f"{self.listing_id} {self.unit_price_fen} {self.transacted_at:%Y-%m-%d}"


class PromotionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REFUSED = "refused", _("Refused")
    ENDED = "ended", _("Ended")


class ComparisonBasis(models.TextChoices):
    """The stated basis of the struck-through price (SAMR Order 56 Art. 16: 第二款 and 第三款)."""

    TRANSACTED = "transacted", _("Not stated: no higher than what customers paid (7-day rule)")
    MSRP = "msrp", _("Manufacturer's suggested retail price")


class Promotion(models.Model):
    """A reduced price for a time, shown beside the struck-through original price."""

    listing = models.ForeignKey("market_listings.Listing", on_delete=models.CASCADE, related_name="promotions")
    original_price_fen = models.PositiveIntegerField(_("original price (fen)"))
    price_fen = models.PositiveIntegerField(_("promotional price (fen)"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=8, choices=PromotionStatus.choices)
    # What the struck-through price is (SAMR Order 56 Art. 16): bounded by real transactions when no basis is
    # stated (第二款), or the manufacturer's suggested retail price, labelled as such with who suggests it (第三款).
    comparison_basis = models.CharField(_("basis of the original price"), max_length=12,
                                        choices=ComparisonBasis.choices, default=ComparisonBasis.TRANSACTED)
    basis_source = models.CharField(_("manufacturer"), max_length=80, blank=True)
    refusal_reason = models.TextField(_("why it was refused"), blank=True)
    # The highest original price the rule allowed when the promotion was checked, and which branch applied.
    reference_price_fen = models.PositiveIntegerField(null=True, blank=True)
    reference_basis = models.CharField(max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["listing", "status", "starts_at"], name="promotion_listing_idx")]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")

    def __str__(self) -> str:
        return f"{self.listing_id} {self.price_fen}/{self.original_price_fen}"
