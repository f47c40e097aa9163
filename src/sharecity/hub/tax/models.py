"""The quarterly tax reports the hub carried (``tax.quarterly_report`` v1): one row per part received. The
providers' identities are sealed to the tax department's key; the hub keeps the parts' totals and counts, and
which quarter each platform filed when."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaxReportPart(models.Model):
    platform_id = models.CharField(max_length=64, db_index=True)
    report_id = models.CharField(_("report"), max_length=200)
    message_id = models.CharField(max_length=36, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    part = models.PositiveIntegerField(_("part"))
    parts = models.PositiveIntegerField(_("parts"))
    recipient_key_id = models.CharField(max_length=16)
    # The report's totals as sent (TaxTotalsV1, the same in every part) and how many providers this part lists.
    totals = models.JSONField(default=dict)
    provider_rows = models.PositiveIntegerField(_("providers in this part"))
    sent_at = models.DateTimeField(_("sent at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["platform_id", "year", "quarter", "report_id", "part"]
        constraints = [models.UniqueConstraint(fields=["platform_id", "report_id", "part"],
                                               name="tax_report_part_unique")]
        indexes = [models.Index(fields=["platform_id", "year", "quarter"], name="hub_tax_quarter_idx")]
        verbose_name = _("tax report part")
        verbose_name_plural = _("tax report parts")

    def __str__(self) -> str:
        return f"{self.platform_id} {self.year}Q{self.quarter} {self.part}/{self.parts}"


class InjuryReport(models.Model):
    """A platform's occupational-injury monthly report (``injury.monthly_report`` v1) as received: the month's
    covered orders, contributions and workers (their pseudonymous keys and shares in ``workers``)."""

    platform_id = models.CharField(max_length=64, db_index=True)
    report_id = models.CharField(_("report"), max_length=200)
    message_id = models.CharField(max_length=36, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    orders_covered = models.BigIntegerField(_("orders covered"))
    contribution_fen = models.BigIntegerField(_("contributions (fen)"))
    orders_rate_not_loaded = models.BigIntegerField(_("orders whose rate is not loaded"))
    workers_covered = models.PositiveIntegerField(_("workers covered"))
    workers = models.JSONField(default=list)
    sent_at = models.DateTimeField(_("sent at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["platform_id", "year", "month", "sent_at"]
        constraints = [models.UniqueConstraint(fields=["platform_id", "report_id"], name="injury_report_unique")]
        indexes = [models.Index(fields=["platform_id", "year", "month"], name="hub_injury_month_idx")]
        verbose_name = _("occupational-injury report")
        verbose_name_plural = _("occupational-injury reports")

    def __str__(self) -> str:
        return f"{self.platform_id} {self.year}-{self.month:02d}"
