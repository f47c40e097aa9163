from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DirectiveType(models.TextChoices):
    INSPECTION_RESULT = "inspection.result", _("Spot-check result")
    RECALL_ORDER = "recall.order", _("Recall order")
    CREDIT_LIST_CHANGED = "credit_list.changed", _("Credit list change")
    ASSISTANCE_REQUEST = "assistance.request", _("Request for assistance with an investigation")
    EMERGENCY_ORDER = "emergency.order", _("Emergency order")
    COMPLAINT_REFERRED = "complaint.referred", _("Complaint referred for online dispute resolution")
    QUOTA_ASSIGNED = "quota.assigned", _("Quota assigned")
    COMPLAINT_WITHDRAWN = "complaint.withdrawn", _("Referred complaint withdrawn")


class DirectiveStatus(models.TextChoices):
    SENT = "sent", _("Sent, awaiting acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    COMPLETED = "completed", _("Completed")


class Directive(models.Model):
    """A directive the hub sent to a platform through the exchange, and the platform's answer.

    ``message_id`` is the id of the exchange message that carried it; the platform's
    acknowledgement (``directive.acknowledged``) names it. Overdue is not stored: it is a
    directive still unacknowledged after its deadline.
    """

    message_id = models.UUIDField(unique=True, null=True, blank=True)
    platform_id = models.CharField(max_length=64, db_index=True)
    directive_type = models.CharField(_("type"), max_length=40, choices=DirectiveType.choices)
    payload = models.JSONField()
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    department = models.CharField(_("department"), max_length=120)
    # The issuing officer's city and, for a district bureau, district: who may see the directive.
    city_code = models.CharField(_("city"), max_length=6, blank=True, db_index=True)
    district_code = models.CharField(_("district"), max_length=6, blank=True)
    issued_at = models.DateTimeField(_("issued"))
    status = models.CharField(_("status"), max_length=16, choices=DirectiveStatus.choices,
                              default=DirectiveStatus.SENT)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledgement = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"], name="directive_status_deadline_idx")]
        verbose_name = _("directive")
        verbose_name_plural = _("directives")

    def __str__(self) -> str:
        return f"{self.directive_type} → {self.platform_id}"

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.status == DirectiveStatus.SENT and self.deadline < (now or timezone.now())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def action_taken(self) -> str:
        return str(self.acknowledgement.get("action_taken", ""))
