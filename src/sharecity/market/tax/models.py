"""The quarterly tax-information reports a platform filed (国务院令第810号 第四条): one row per quarter sent."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QuarterlyFiling(models.Model):
    """A quarter's report as sent on the exchange (``tax.quarterly_report`` v1, in ``parts`` messages). Filing the
    same quarter again (a correction) adds a row; the latest is the one in force."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="tax_filings")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    report_id = models.CharField(_("report"), max_length=64, unique=True)
    parts = models.PositiveIntegerField(_("parts"))
    provider_count = models.PositiveIntegerField(_("providers"))
    exempt_count = models.PositiveIntegerField(_("providers whose income is not reported"))
    gross_fen = models.BigIntegerField(_("gross income (fen)"))
    recipient_key_id = models.CharField(max_length=16)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["platform", "year", "quarter"], name="tax_filing_quarter_idx")]
        verbose_name = _("quarterly tax report")
        verbose_name_plural = _("quarterly tax reports")

    def __str__(self) -> str:
        return f"{self.platform} {self.year}Q{self.quarter}"
