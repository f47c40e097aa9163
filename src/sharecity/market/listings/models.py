from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.market.catalog.models import PriceUnit


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_REVIEW = "pending_review", _("Pending review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
    REMOVED = "removed", _("Removed")


class CancellationPolicy(models.TextChoices):
    FLEXIBLE = "flexible", _("Flexible")
    MODERATE = "moderate", _("Moderate")
    STRICT = "strict", _("Strict")


class Listing(models.Model):
    """Something a provider offers on one platform: a space, an instrument, a service, a good."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="listings")
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="listings")
    category = models.ForeignKey("market_catalog.Category", on_delete=models.PROTECT, related_name="listings")
    status = models.CharField(_("status"), max_length=16, choices=ListingStatus.choices,
                              default=ListingStatus.DRAFT, db_index=True)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    # {rule code: licence number} as the provider entered them.
    licences = models.JSONField(_("licences"), default=dict, blank=True)
    district_code = models.CharField(_("district"), max_length=6, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    price_unit = models.CharField(_("price unit"), max_length=8, choices=PriceUnit.choices)
    # Fees every customer pays on top of the price: [{"code", "label_zh", "label_en", "fen", "per": "order"|"unit"}]
    fees = models.JSONField(_("fees"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=1,
                                           help_text=_("seats, rooms or pieces available at the same time"))
    deposit_fen = models.PositiveIntegerField(_("deposit (fen)"), default=0)
    deposit_refund_days = models.PositiveSmallIntegerField(_("deposit refunded within (days)"), default=0)
    cancellation_policy = models.CharField(_("cancellation policy"), max_length=10,
                                           choices=CancellationPolicy.choices, default=CancellationPolicy.MODERATE)
    process = models.CharField(_("transaction process"), max_length=40, blank=True)
    # jieba-segmented title, description and attribute values, space-separated: what full-text search matches.
    search_text = models.TextField(blank=True, default="")
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    status_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["platform", "status", "category"], name="listing_browse_idx"),
            models.Index(fields=["platform", "status", "price_fen"], name="listing_price_idx"),
        ]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")

    def __str__(self) -> str:
        return self.title

    @property
    def rating_average(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None


class PhotoReview(models.TextChoices):
    """Where a photo stands with the platform's moderators: a new or replacing photo is held until one approves it."""

    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SearchSynonym(models.Model):
    """A word people search with and the words listings are written with (车位 → 停车, 月嫂 → 育儿嫂): a query
    word finds what its synonyms find. Data, edited in the admin; the query reads it, so a change needs no
    re-indexing."""

    term = models.CharField(_("search word"), max_length=20, unique=True)
    words = models.JSONField(_("also finds"), default=list, help_text=_("words a listing may use instead"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self) -> str:
        return f"{self.term} → {', '.join(self.words)}"


class ListingPhoto(models.Model):
    """A picture of a listing, as the app serves it: decoded, turned upright, stripped of its metadata (EXIF: the
    camera, the time, often where it was taken) and re-encoded at two sizes. The uploaded bytes are not kept, so
    nothing hidden in them (a second file appended, a script) is ever served."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=20, default="image/jpeg")
    display = models.BinaryField()
    thumbnail = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Only an approved photo is shown to the public; the provider and the platform's staff see every one.
    review = models.CharField(_("moderation"), max_length=10, choices=PhotoReview.choices,
                              default=PhotoReview.PENDING, db_index=True)
    review_reason = models.TextField(_("reason"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("listing photo")
        verbose_name_plural = _("listing photos")

    def __str__(self) -> str:
        return f"{self.listing} #{self.position}"
