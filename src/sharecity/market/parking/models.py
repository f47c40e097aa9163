from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.market.platforms.models import Platform


class VehicleSize(models.TextChoices):
    """Ordered from small to large: a space fits every size up to its own."""

    SMALL = "small", _("Small car")
    STANDARD = "standard", _("Standard car")
    LARGE = "large", _("Large car / SUV")

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)


class SpaceStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    REMOVED = "removed", _("Removed")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ParkingSpace(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="parking_spaces")
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="parking_spaces")
    title = models.CharField(_("title"), max_length=100)
    district_code = models.CharField(_("district"), max_length=6, db_index=True)
    address = models.CharField(_("address"), max_length=200)
    vehicle_size = models.CharField(_("largest vehicle"), max_length=10, choices=VehicleSize.choices)
    price_per_hour_fen = models.PositiveIntegerField(_("price per hour (fen)"))
    status = models.CharField(max_length=12, choices=SpaceStatus.choices, default=SpaceStatus.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("parking space")
        verbose_name_plural = _("parking spaces")

    def __str__(self) -> str:
        return self.title


class AvailabilityWindow(models.Model):
    """A weekly off-peak window in city time. ``end_time <= start_time`` runs past midnight."""

    space = models.ForeignKey(ParkingSpace, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start_time"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class BookingState(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Booking(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="parking_bookings")
    space = models.ForeignKey(ParkingSpace, on_delete=models.PROTECT, related_name="bookings")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="parking_bookings")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    amount_fen = models.PositiveIntegerField(_("total (fen)"))
    state = models.CharField(max_length=12, choices=BookingState.choices, default=BookingState.CONFIRMED)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["space", "starts_at"], name="booking_space_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            )
        ]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self) -> str:
        return f"{self.space} {self.starts_at:%Y-%m-%d %H:%M}"
