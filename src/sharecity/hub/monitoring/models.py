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
    # The listing order.created names: source tracing follows a listing to its orders. Empty for orders the
    # hub learnt of before it kept it.
    listing_id = models.CharField(max_length=limits.IDENTIFIER_MAX_LENGTH, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "order_id"], name="order_fact_unique")]
        indexes = [models.Index(fields=["platform_id", "listing_id"], name="order_fact_listing_idx")]

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.order_id} {self.state}"


class DailyStat(models.Model):
    """The monitoring figures of one day (city time, the day the platform committed the fact) for one
    platform, district and sector: the grain every statistic by district, sector, platform and period
    is summed from. Kept current by intake, and recomputable from the received messages."""

    day = models.DateField()
    platform_id = models.CharField(max_length=limits.PLATFORM_ID_MAX_LENGTH)
    district_code = models.CharField(max_length=limits.DISTRICT_CODE_LENGTH)
    # The root of the market's category code (``housekeeping`` of ``housekeeping.cleaning``).
    sector = models.CharField(max_length=limits.CATEGORY_CODE_MAX_LENGTH)
    listings_published = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    turnover_fen = models.BigIntegerField(default=0)
    refunds_fen = models.BigIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)
    complaints_resolved = models.PositiveIntegerField(default=0)
    complaints_resolved_in_time = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    deposits_held_fen = models.BigIntegerField(default=0)
    deposits_returned_fen = models.BigIntegerField(default=0)
    deposits_deducted_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "platform_id", "district_code", "sector"],
                                    name="daily_stat_unique")
        ]
        indexes = [models.Index(fields=["district_code", "day"], name="daily_stat_district_day")]
        verbose_name = _("daily statistic")
        verbose_name_plural = _("daily statistics")

    def __str__(self) -> str:
        return f"{self.day} {self.platform_id}/{self.district_code}/{self.sector}"


class DailyParty(models.Model):
    """One party active on one day in one platform, district and sector: providers and customers are
    counted as distinct people over any period, and a person providing services is a flexible worker
    whose income is the turnover of the orders they completed."""

    class Role(models.TextChoices):
        PROVIDER = "provider", _("provider")
        CUSTOMER = "customer", _("customer")

    day = models.DateField()
    platform_id = models.CharField(max_length=limits.PLATFORM_ID_MAX_LENGTH)
    district_code = models.CharField(max_length=limits.DISTRICT_CODE_LENGTH)
    sector = models.CharField(max_length=limits.CATEGORY_CODE_MAX_LENGTH)
    role = models.CharField(max_length=10, choices=Role.choices)
    party_key = models.CharField(max_length=limits.PARTY_KEY_MAX_LENGTH)
    # A natural person (a flexible worker when providing); unknown until the hub has seen the subject.
    is_person = models.BooleanField(null=True)
    orders = models.PositiveIntegerField(default=0)
    income_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "platform_id", "district_code", "sector", "role", "party_key"],
                                    name="daily_party_unique")
        ]
        indexes = [models.Index(fields=["district_code", "day"], name="daily_party_district_day"),
                   # A subject's kind learnt later is written to the rows of its earlier days.
                   models.Index(fields=["platform_id", "party_key"], name="daily_party_platform_key")]
        verbose_name = _("daily active party")
        verbose_name_plural = _("daily active parties")

    def __str__(self) -> str:
        return f"{self.day} {self.role} {self.party_key}"


class ComplaintClock(models.Model):
    """What monitoring needs of one complaint to count it once: when it was filed and resolved (city days)
    and its sector (of the order it is about), so a resolution is counted in time or late, once."""

    platform_id = models.CharField(max_length=limits.PLATFORM_ID_MAX_LENGTH)
    complaint_id = models.CharField(max_length=limits.IDENTIFIER_MAX_LENGTH)
    sector = models.CharField(max_length=limits.CATEGORY_CODE_MAX_LENGTH, blank=True, default="")
    filed_on = models.DateField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "complaint_id"], name="complaint_clock_unique")]

    def __str__(self) -> str:
        return f"{self.platform_id}/{self.complaint_id}"
