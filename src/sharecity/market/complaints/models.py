from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.market.parking.models import Booking
from sharecity.market.platforms.models import Platform


class ComplaintCategory(models.TextChoices):
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    PRICE = "price", _("Price or charges")
    ACCESS = "access", _("Could not use what was booked")
    SAFETY = "safety", _("Safety")
    PRIVACY = "privacy", _("Personal data")
    OTHER = "other", _("Other")


class Remedy(models.TextChoices):
    REFUND = "refund", _("Refund")
    APOLOGY = "apology", _("Apology")
    FIX = "fix", _("Put it right")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    ANSWERED = "answered", _("Answered")
    RESOLVED = "resolved", _("Resolved")


class Complaint(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="complaints")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="complaints")
    complainant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints")
    category = models.CharField(_("category"), max_length=20, choices=ComplaintCategory.choices)
    description = models.TextField(_("what happened"), max_length=2000)
    remedy = models.CharField(_("wanted remedy"), max_length=10, choices=Remedy.choices)
    status = models.CharField(max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.FILED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.booking}"
