"""When a listing can be booked, how much of it, and what is held or booked.

A listing without a plan is bookable at any time (hour unit), by whole days or nights, or
sold as stock (item unit) up to its capacity. A plan adds weekly rules, dated exceptions and
NEMO-style instrument rules.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.catalog.models import PriceUnit


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilityPlan(models.Model):
    listing = models.OneToOneField("market_listings.Listing", on_delete=models.CASCADE,
                                   related_name="availability_plan")
    timezone = models.CharField(_("time zone"), max_length=40, default="Asia/Shanghai")
    unit = models.CharField(_("booking unit"), max_length=8, choices=PriceUnit.choices)
    slot_minutes = models.PositiveSmallIntegerField(_("slot (minutes)"), default=60)
    min_block_minutes = models.PositiveIntegerField(_("shortest reservation (minutes)"), null=True, blank=True)
    max_block_minutes = models.PositiveIntegerField(_("longest reservation (minutes)"), null=True, blank=True)
    notice_minutes = models.PositiveIntegerField(_("booking notice (minutes ahead)"), default=0)
    horizon_days = models.PositiveIntegerField(_("bookable ahead (days)"), null=True, blank=True)
    max_future_reservations = models.PositiveSmallIntegerField(
        _("upcoming reservations per user"), null=True, blank=True)
    max_hours_per_week = models.PositiveSmallIntegerField(_("hours per user in any 7 days"), null=True, blank=True)
    missed_release_minutes = models.PositiveSmallIntegerField(
        _("release when not checked in after (minutes)"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("availability plan")
        verbose_name_plural = _("availability plans")

    def __str__(self) -> str:
        return f"plan of listing {self.listing_id}"


class WeeklyRule(models.Model):
    plan = models.ForeignKey(AvailabilityPlan, on_delete=models.CASCADE, related_name="rules")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("opens"))
    # At or before the opening time: the rule runs past midnight into the next day.
    end_time = models.TimeField(_("closes"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True,
                                           help_text=_("leave empty for the listing's capacity"))

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = _("weekly rule")
        verbose_name_plural = _("weekly rules")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class DatedException(models.Model):
    plan = models.ForeignKey(AvailabilityPlan, on_delete=models.CASCADE, related_name="exceptions")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    all_day = models.BooleanField(default=False)  # entered as dates (whole city days)
    closed = models.BooleanField(_("closed"), default=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("dated exception")
        verbose_name_plural = _("dated exceptions")

    def __str__(self) -> str:
        return f"{'closed' if self.closed else 'open'} {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%Y-%m-%d %H:%M}"

    @property
    def first_day(self):
        return self.starts_at.astimezone(CITY_TZ).date()

    @property
    def last_day(self):
        """The last whole day of an all-day exception (its end is the midnight after it)."""
        return (self.ends_at.astimezone(CITY_TZ) - dt.timedelta(microseconds=1)).date()


class ReservationStatus(models.TextChoices):
    HELD = "held", _("Held")
    CONFIRMED = "confirmed", _("Confirmed")
    RELEASED = "released", _("Released")
    EXPIRED = "expired", _("Expired")
    MISSED = "missed", _("Missed")
    USED = "used", _("Used")


class Reservation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    listing = models.ForeignKey("market_listings.Listing", on_delete=models.PROTECT, related_name="reservations")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="availability_reservations")
    # Both empty for stock items sold by quantity.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.HELD)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    order_ref = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["listing", "status", "starts_at"], name="reservation_listing_idx"),
            models.Index(fields=["status", "hold_expires_at"], name="reservation_hold_idx"),
        ]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")

    def __str__(self) -> str:
        return f"reservation {self.public_id} ({self.status})"
