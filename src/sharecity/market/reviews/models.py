from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sharecity.market.parking.models import Booking
from sharecity.market.platforms.models import Platform


class AuthorRole(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    PROVIDER = "provider", _("Provider")


class HiddenReason(models.TextChoices):
    """The reasons an operator may record for hiding a review (as the exchange's ``review.hidden``)."""

    ABUSIVE = "abusive", _("Abusive or insulting")
    ILLEGAL = "illegal", _("Illegal content")
    SPAM = "spam", _("Spam or advertising")
    PERSONAL_DATA = "personal_data", _("Discloses personal data")
    NOT_GENUINE = "not_genuine", _("Not a genuine review")
    AUTHOR_REQUEST = "author_request", _("The author asked for it")
    COURT_ORDER = "court_order", _("Court or authority order")


class ReviewUndeletable(Exception):
    """Reviews are never deleted (E-commerce Law Art. 39); an operator may only hide one, with a reason."""


class ReviewQuerySet(models.QuerySet):
    def delete(self):
        raise ReviewUndeletable("reviews cannot be deleted; hide one with review_hide and a recorded reason")


class Review(models.Model):
    """Two-way: each side of a completed booking or order reviews the other once. Never deleted.

    A review of an order is blind: it is published (``published_at``) when both sides are in
    or when the review window closes; until then only its author sees it. An operator may hide
    a published review, with a recorded reason, but nobody can delete one (E-commerce Law Art. 39).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="reviews")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="reviews", null=True, blank=True)
    order = models.ForeignKey("market_orders.Order", on_delete=models.PROTECT, related_name="reviews",
                              null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_written")
    author_role = models.CharField(max_length=10, choices=AuthorRole.choices)
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_received",
                                null=True, blank=True, help_text=_("the person reviewed"))
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Where it was written from, for the detection of review rings and bursts (moderators only).
    ip = models.GenericIPAddressField(null=True, blank=True)
    device = models.CharField(max_length=128, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=20, choices=HiddenReason.choices, blank=True)
    hidden_note = models.TextField(_("facts behind the decision"), blank=True, max_length=2000)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "author_role"], name="review_once_per_side"),
            models.UniqueConstraint(fields=["order", "author_role"], name="review_once_per_side_of_order"),
            models.CheckConstraint(
                condition=(Q(booking__isnull=False) & Q(order__isnull=True))
                | (Q(booking__isnull=True) & Q(order__isnull=False)),
                name="review_of_a_booking_or_an_order",
            ),
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.rating}★ {self.order or self.booking}"

    def delete(self, *args, **kwargs):
        raise ReviewUndeletable("reviews cannot be deleted; hide one with review_hide and a recorded reason")

    @property
    def is_visible(self) -> bool:
        return self.published_at is not None and self.hidden_at is None


class FlagKind(models.TextChoices):
    RING = "ring", _("Reviews among the same few accounts")
    DEVICE_BURST = "device_burst", _("Burst of reviews from one device")
    NETWORK_BURST = "network_burst", _("Burst of reviews from one network")


class ReviewFlag(models.Model):
    """A suspicious pattern of reviews, found automatically, for the platform's moderators."""

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="review_flags")
    kind = models.CharField(_("pattern"), max_length=20, choices=FlagKind.choices)
    key = models.CharField(max_length=200, help_text=_("what identifies the pattern: accounts, device or network"))
    detail = models.JSONField(default=dict, blank=True)
    reviews = models.ManyToManyField(Review, related_name="flags")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  null=True, blank=True)
    closing_note = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["platform", "kind", "key"], name="review_flag_once")]
        verbose_name = _("review flag")
        verbose_name_plural = _("review flags")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"
