from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.kernel import limits


class ActivityStat(models.Model):
    """Counters per platform and district, kept current by intake as facts arrive."""

    platform_id = models.CharField(max_length=limits.PLATFORM_ID_MAX_LENGTH)
    district_code = models.CharField(max_length=limits.DISTRICT_CODE_LENGTH)
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

    platform_id = models.CharField(max_length=limits.PLATFORM_ID_MAX_LENGTH)
    order_id = models.CharField(max_length=limits.IDENTIFIER_MAX_LENGTH)
    # The market's category code, as order.created carries it (it held 60 of the code's 64 once).
    category = models.CharField(max_length=limits.CATEGORY_CODE_MAX_LENGTH)
    district_code = models.CharField(max_length=limits.DISTRICT_CODE_LENGTH)
    amount_fen = models.BigIntegerField()
    state = models.CharField(max_length=20)
    customer_key = models.CharField(max_length=limits.PARTY_KEY_MAX_LENGTH)
    provider_key = models.CharField(max_length=limits.PARTY_KEY_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "order_id"], name="order_fact_unique")]

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.order_id} {self.state}"
