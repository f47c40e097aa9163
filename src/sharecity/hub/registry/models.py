from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegisteredPlatform(models.Model):
    """A platform as the city knows it: from its registration message, never its database."""

    platform_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    sectors = models.JSONField(default=list)
    public_key = models.CharField(max_length=64)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("registered platform")
        verbose_name_plural = _("registered platforms")

    def __str__(self) -> str:
        return self.name


class RegulatorProfile(models.Model):
    """Regulator staff: a department and, for district bureaus, the district they cover."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regulator_profile")
    department = models.CharField(_("department"), max_length=120)
    district_code = models.CharField(_("district"), max_length=6, blank=True,
                                     help_text=_("Empty for city-level departments."))

    class Meta:
        verbose_name = _("regulator profile")
        verbose_name_plural = _("regulator profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.department})"


class HubSigningKey(models.Model):
    """The hub's Ed25519 key that signs receipts; the private half is encrypted at rest."""

    key_id = models.CharField(max_length=16, unique=True)
    public_key = models.CharField(max_length=64)
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key_id
