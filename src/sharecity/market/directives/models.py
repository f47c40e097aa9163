from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sharecity.market.platforms.models import Platform


class DirectiveType(models.TextChoices):
    INSPECTION_RESULT = "inspection.result", _("Spot-check result")
    RECALL_ORDER = "recall.order", _("Recall order")
    CREDIT_LIST_CHANGED = "credit_list.changed", _("Credit list change")
    ASSISTANCE_REQUEST = "assistance.request", _("Request for assistance with an investigation")
    EMERGENCY_ORDER = "emergency.order", _("Emergency order")
    COMPLAINT_REFERRED = "complaint.referred", _("Complaint referred for online dispute resolution")
    QUOTA_ASSIGNED = "quota.assigned", _("Quota assigned")
    COMPLAINT_WITHDRAWN = "complaint.withdrawn", _("Referred complaint withdrawn")


class ReceivedDirective(models.Model):
    """A directive the city sent this platform through the exchange, and the platform's answer."""

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="directives")
    message_id = models.UUIDField(unique=True)
    directive_type = models.CharField(_("type"), max_length=40, choices=DirectiveType.choices)
    payload = models.JSONField()
    deadline = models.DateTimeField(_("deadline"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    action_taken = models.TextField(_("action taken"), blank=True)
    completed = models.BooleanField(_("completed"), default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    # What the platform did by itself on receipt (e.g. listings suspended under a recall order).
    automatic_actions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("directive received")
        verbose_name_plural = _("directives received")

    def __str__(self) -> str:
        return f"{self.directive_type} {self.message_id}"

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.acknowledged_at is None and self.deadline < (now or timezone.now())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def issued_by(self) -> str:
        return str(self.payload.get("issued_by", ""))
