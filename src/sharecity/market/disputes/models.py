from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DisputeReason(models.TextChoices):
    NOT_PROVIDED = "not_provided", _("Not provided or not delivered")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    DAMAGE = "damage", _("Damage or loss")
    NO_SHOW = "no_show", _("The other side did not turn up")
    OVERCHARGED = "overcharged", _("Charged more than agreed")
    NOT_PAID = "not_paid", _("Work done but not paid for")
    OTHER = "other", _("Other")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REFUNDED = "refunded", _("Decided: refund")
    REJECTED = "rejected", _("Decided: no refund")


class Decision(models.TextChoices):
    REFUND_FULL = "refund_full", _("Refund in full")
    REFUND_PARTIAL = "refund_partial", _("Refund in part")
    REJECT = "reject", _("Reject the claim")


class Dispute(models.Model):
    """A disagreement about an order, brought by either side and decided by the platform's operator."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="disputes")
    order = models.ForeignKey("market_orders.Order", on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_opened")
    opener_role = models.CharField(max_length=10)
    reason = models.CharField(_("reason"), max_length=20, choices=DisputeReason.choices)
    description = models.TextField(_("what happened"), max_length=2000)
    amount_claimed_fen = models.PositiveIntegerField(_("amount claimed (fen)"), default=0)
    status = models.CharField(max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN, db_index=True)
    order_marked = models.BooleanField(default=False, help_text=_("the order was moved to its 'in dispute' state"))
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_text = models.TextField(_("written decision"), blank=True, max_length=4000)
    refund_fen = models.PositiveIntegerField(default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["order"], condition=Q(status="open"),
                                               name="one_open_dispute_per_order")]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — {self.order}"
