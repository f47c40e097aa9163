from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewReason(models.TextChoices):
    IDENTITY_IN_USE = "identity_in_use", _("The number is verified for another account")
    AREA_CODE_AFTER_BIRTH = "area_code_after_birth_date", _("The district code is younger than the birth date")


class IdentityReview(models.Model):
    """A real-name verification a platform could not settle alone, waiting for the city's officers.

    Only pseudonyms: the requesting account's party key and the key of the number it claimed.
    When the claimed key is already a verified subject somewhere, one number is claimed by two
    accounts, which may be identity theft or a person with two accounts.
    """

    platform_id = models.CharField(max_length=64)
    review_id = models.CharField(max_length=64)
    subject_key = models.CharField(_("requesting account"), max_length=64)
    claimed_key = models.CharField(_("claimed identity"), max_length=64, db_index=True)
    subject_kind = models.CharField(_("kind"), max_length=10)
    reason = models.CharField(_("reason"), max_length=30, choices=ReviewReason.choices)
    requested_at = models.DateTimeField(_("requested at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["platform_id", "review_id"], name="identity_review_once_per_platform"),
        ]
        verbose_name = _("identity review")
        verbose_name_plural = _("identity reviews")

    def __str__(self) -> str:
        return f"{self.claimed_key}: {self.get_reason_display()}"
