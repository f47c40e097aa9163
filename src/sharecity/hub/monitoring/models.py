from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityStat(models.Model):
    """Counters per platform and district, kept current by intake as facts arrive."""

    platform_id = models.CharField(max_length=64)
    district_code = models.CharField(max_length=6)
    listings = models.PositiveIntegerField(default=0)
    bookings = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    turnover_fen = models.BigIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)
    verified_subjects = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform_id", "district_code"], name="activity_platform_district_unique")
        ]
        verbose_name = _("activity statistic")
        verbose_name_plural = _("activity statistics")

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.district_code}"


class OrderFact(models.Model):
    """The hub's view of one order, so each state counts once however often it is reported."""

    platform_id = models.CharField(max_length=64)
    order_id = models.CharField(max_length=64)
    category = models.CharField(max_length=60)
    district_code = models.CharField(max_length=6)
    amount_fen = models.BigIntegerField()
    state = models.CharField(max_length=20)
    customer_key = models.CharField(max_length=64)
    provider_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "order_id"], name="order_fact_unique")]

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.order_id} {self.state}"
