"""Occupational-injury cover: the per-order contribution rates (dated, sourced, loaded from the local notice),
the contribution recorded on each covered order, and the monthly reports sent to the city."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.market.injury.pilot import INDUSTRY_LABELS


class ContributionRate(models.Model):
    """The contribution a platform pays per completed order (按单缴费) in one province and industry, from
    ``effective_from``. No figure ships with ShareCity: none could be verified from a public text, so each row is
    loaded (``injury_rates_load`` or the admin) with the notice it comes from. A row not ``verified`` is shown as
    such everywhere it is used. A newer rate is a new row with a later ``effective_from``."""

    province_code = models.CharField(_("province"), max_length=2,
                                     help_text=_("first two digits of the administrative division code"))
    industry = models.CharField(_("industry"), max_length=24, choices=list(INDUSTRY_LABELS.items()))
    effective_from = models.DateField(_("effective from"))
    fen_per_order = models.PositiveIntegerField(_("contribution per order (fen)"))
    source = models.CharField(_("source"), max_length=300,
                              help_text=_("the notice's document number and article"))
    verified = models.BooleanField(_("verified against the notice"), default=False)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        ordering = ["province_code", "industry", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["province_code", "industry", "effective_from"],
                                               name="injury_rate_unique")]
        verbose_name = _("injury-cover contribution rate")
        verbose_name_plural = _("injury-cover contribution rates")

    def __str__(self) -> str:
        return f"{self.province_code} {self.industry} {self.effective_from} {self.fen_per_order}"


class ContributionStatus(models.TextChoices):
    COMPUTED = "computed", _("Contribution computed")
    RATE_NOT_LOADED = "rate_not_loaded", _("Rate not loaded")


class Contribution(models.Model):
    """One completed order within the pilot: covered from the day it was completed. ``amount_fen`` is None while
    no rate for its province, industry and day has been loaded (``rate_not_loaded``); loading the rate computes
    it. One row per order, written in the transaction that completes it."""

    order = models.OneToOneField("market_orders.Order", on_delete=models.PROTECT, related_name="injury_contribution")
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT,
                                 related_name="injury_contributions")
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    industry = models.CharField(_("industry"), max_length=24, choices=list(INDUSTRY_LABELS.items()))
    province_code = models.CharField(_("province"), max_length=2)
    completed_on = models.DateField(_("completed on"))
    month = models.DateField(_("month"))  # the first day of the month of completed_on (city time)
    status = models.CharField(_("status"), max_length=20, choices=ContributionStatus.choices)
    rate = models.ForeignKey(ContributionRate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount_fen = models.PositiveIntegerField(_("contribution (fen)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["platform", "month"], name="injury_contrib_month_idx"),
                   models.Index(fields=["provider", "month"], name="injury_contrib_provider_idx")]
        verbose_name = _("injury-cover contribution")
        verbose_name_plural = _("injury-cover contributions")

    def __str__(self) -> str:
        return f"{self.order_id} {self.status} {self.amount_fen}"


class MonthlyReport(models.Model):
    """A month's report as sent on the exchange (``injury.monthly_report`` v1). Filing the month again (a
    correction) adds a row; the latest is the one in force."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT,
                                 related_name="injury_reports")
    month = models.DateField(_("month"))
    report_id = models.CharField(_("report"), max_length=64, unique=True)
    orders_covered = models.PositiveIntegerField(_("orders covered"))
    contribution_fen = models.BigIntegerField(_("contributions (fen)"))
    workers_covered = models.PositiveIntegerField(_("workers covered"))
    orders_rate_not_loaded = models.PositiveIntegerField(_("orders whose rate is not loaded"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "-filed_at", "-id"]
        verbose_name = _("injury-cover monthly report")
        verbose_name_plural = _("injury-cover monthly reports")

    def __str__(self) -> str:
        return f"{self.platform} {self.month:%Y-%m}"
