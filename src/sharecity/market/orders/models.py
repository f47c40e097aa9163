from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Order(models.Model):
    """One transaction on a listing, driven by a declarative transaction process.

    ``state`` is a state of ``process`` (see ``orders.processes``); each process state says
    which public state (the exchange's ``OrderState``) it is reported to the hub as.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="orders")
    listing = models.ForeignKey("market_listings.Listing", on_delete=models.PROTECT, related_name="orders")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_placed")
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_received")
    process = models.CharField(_("transaction process"), max_length=40)
    state = models.CharField(_("state"), max_length=32, db_index=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    unit_price_fen = models.PositiveIntegerField(_("unit price (fen)"))
    units = models.PositiveIntegerField(_("units"), default=1, help_text=_("hours, days, nights or items charged"))
    subtotal_fen = models.PositiveIntegerField(_("subtotal (fen)"))
    fees_fen = models.PositiveIntegerField(_("fees (fen)"), default=0)
    total_fen = models.PositiveIntegerField(_("total (fen)"))
    deposit_fen = models.PositiveIntegerField(_("deposit (fen)"), default=0)
    refunded_fen = models.PositiveIntegerField(_("refunded (fen)"), default=0)
    # The priced lines shown before commit, kept as shown: [{"label_zh", "label_en", "fen"}].
    price_lines = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["platform", "state"], name="order_platform_state_idx")]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return f"{self.listing} #{self.public_id}"
