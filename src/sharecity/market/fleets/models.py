"""A platform's fleet of vehicles on public space (bikes): the reports it sends the city, and the quotas the
city assigned it (``quota.assigned`` directives, kept as received)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.market.platforms.models import Platform


class FleetReport(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="fleet_reports")
    report_id = models.CharField(_("report id"), max_length=64, default="")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField()
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "report_id"], name="fleets_report_unique")]
        ordering = ["-created_at", "-id"]
        verbose_name = _("fleet report")
        verbose_name_plural = _("fleet reports")

    def __str__(self) -> str:
        return f"{self.platform.slug} {self.report_id}"


class AssignedQuota(models.Model):
    """One zone of a quota the city assigned: the latest by ``effective_from`` is the one in force."""

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="quotas")
    message_id = models.UUIDField()
    allocation_id = models.CharField(_("allocation"), max_length=64)
    city_code = models.CharField(_("city"), max_length=6)
    zone = models.CharField(_("zone"), max_length=40)
    vehicles = models.BigIntegerField(_("vehicles"))
    effective_from = models.DateTimeField(_("effective from"))
    issued_by = models.CharField(_("issued by"), max_length=120)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message_id", "zone"], name="fleets_quota_unique")]
        ordering = ["city_code", "zone", "-effective_from", "-id"]
        verbose_name = _("assigned quota")
        verbose_name_plural = _("assigned quotas")

    def __str__(self) -> str:
        return f"{self.allocation_id} {self.zone}: {self.vehicles}"
