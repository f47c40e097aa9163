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
    # The first sequence the current key signs; earlier messages (redeliveries of what was sent
    # before a rotation) verify with the key of their time, kept in KeyRotation.
    key_since_sequence = models.BigIntegerField(default=0)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("registered platform")
        verbose_name_plural = _("registered platforms")

    def __str__(self) -> str:
        return self.name


class Department(models.TextChoices):
    """The city departments that supervise the platform economy (Tianjin's opinions, part 4, name
    market supervision, commerce, transport, culture and tourism, health, tax and public security;
    the development and reform commission leads the social credit system)."""

    MARKET_SUPERVISION = "market_supervision", _("Market supervision")
    COMMERCE = "commerce", _("Commerce")
    TRANSPORT = "transport", _("Transport")
    CULTURE_TOURISM = "culture_tourism", _("Culture and tourism")
    HEALTH = "health", _("Health")
    TAX = "tax", _("Taxation")
    PUBLIC_SECURITY = "public_security", _("Public security")
    DEVELOPMENT_REFORM = "development_reform", _("Development and reform (credit)")


class RegulatorProfile(models.Model):
    """Regulator staff: a city, a department and, for district bureaus, the district they cover."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regulator_profile")
    # The bureau's own name as it signs (厦门市市场监督管理局); ``department_kind`` is what rules read.
    department = models.CharField(_("department"), max_length=120)
    department_kind = models.CharField(_("department kind"), max_length=30, choices=Department.choices,
                                       default=Department.MARKET_SUPERVISION)
    city_code = models.CharField(_("city"), max_length=6, default="350200",
                                 help_text=_("GB/T 2260 code of the city whose data the officer may see."))
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


class KeyRotation(models.Model):
    """A platform's signing key replaced by another: by a platform.registered message signed with
    the old key, or by a hub operator (a lost or stolen key). Append-only."""

    class Source(models.TextChoices):
        MESSAGE = "message", _("signed message under the old key")
        OPERATOR = "operator", _("hub operator")

    platform_id = models.CharField(max_length=64, db_index=True)
    old_public_key = models.CharField(max_length=64)
    new_public_key = models.CharField(max_length=64)
    old_fingerprint = models.CharField(_("old key fingerprint"), max_length=64)
    new_fingerprint = models.CharField(_("new key fingerprint"), max_length=64)
    # Messages from this sequence on are signed with the new key.
    effective_sequence = models.BigIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices)
    message_id = models.CharField(max_length=64, blank=True, help_text=_("The message that carried the rotation."))
    reason = models.TextField(blank=True)
    rotated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["platform_id", "effective_sequence", "id"]
        verbose_name = _("key rotation")
        verbose_name_plural = _("key rotations")

    def __str__(self) -> str:
        return f"{self.platform_id}@{self.effective_sequence}: {self.old_fingerprint[:8]} -> {self.new_fingerprint[:8]}"


class LicenceDeclaration(models.Model):
    """A platform's whole set of administrative licences as one ``platform.licences_declared`` message
    carried it (《中华人民共和国电子商务法》第十五条). The latest by ``declared_at`` is the current set;
    the earlier ones stay as its history."""

    platform_id = models.CharField(max_length=64, db_index=True)
    message_id = models.UUIDField(unique=True)
    declared_at = models.DateTimeField(_("declared at"))
    licences = models.JSONField(default=list, help_text=_("The declared licences, as the message carried them."))
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["platform_id", "-declared_at", "-id"]
        verbose_name = _("licence declaration")
        verbose_name_plural = _("licence declarations")

    def __str__(self) -> str:
        return f"{self.platform_id} @ {self.declared_at:%Y-%m-%d}: {len(self.licences)}"


class PlatformLicence(models.Model):
    """One licence of a declaration."""

    declaration = models.ForeignKey(LicenceDeclaration, on_delete=models.CASCADE, related_name="rows")
    kind = models.CharField(_("kind"), max_length=40)
    name = models.CharField(_("name"), max_length=120, blank=True)
    number = models.CharField(_("number"), max_length=64)
    issued_by = models.CharField(_("issued by"), max_length=120)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["declaration", "kind", "number"]
        verbose_name = _("platform licence")
        verbose_name_plural = _("platform licences")

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"
