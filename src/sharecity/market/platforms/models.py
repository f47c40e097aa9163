from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    PARKING = "parking", _("Off-peak parking")
    HOMESTAY = "homestay", _("Homestays and short rentals")
    HOUSEKEEPING = "housekeeping", _("Housekeeping")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    LAB_INSTRUMENTS = "lab_instruments", _("Lab instruments")
    PRODUCTION_CAPACITY = "production_capacity", _("Production capacity")
    SKILLS = "skills", _("Skills and crowdsourced tasks")
    SECOND_HAND = "second_hand", _("Second-hand goods")
    TALENT = "talent", _("Talent sharing")
    EDUCATION = "education", _("Education")
    MEDICAL_CONSULTATION = "medical_consultation", _("Online medical consultation")
    CHILD_CARE = "child_care", _("Child care")
    CATERING = "catering", _("Catering and delivery")
    CULTURE_SPORTS = "culture_sports", _("Culture, tourism and sports venues")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing")
    BIKE_SHARING = "bike_sharing", _("Shared bikes")
    BEAUTY = "beauty", _("Beauty and hairdressing")
    LAUNDRY = "laundry", _("Laundry and dry cleaning")
    REPAIR = "repair", _("Repairs")
    COMMUNITY_RETAIL = "community_retail", _("Community retail")
    LONG_TERM_RENTAL = "long_term_rental", _("Long-term rental homes")


class Platform(models.Model):
    """A tenant: one sharing platform hosted by this deployment."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    sectors = models.JSONField(_("sectors"), default=list)
    city_code = models.CharField(_("city"), max_length=6, default="350200")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self) -> str:
        return self.name

    @property
    def exchange_id(self) -> str:
        return str(self.public_id)

    @property
    def runs_parking_slice(self) -> bool:
        """A parking-only platform uses the first slice's parking screens; a platform of several
        sectors offers parking as a catalogue category of the general market."""
        return self.sectors == [Sector.PARKING]


class ApiKey(models.Model):
    """A machine client's key. Only a hash is kept; the key is shown once when issued."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="api_keys")
    label = models.CharField(_("label"), max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.platform} {self.label} ({self.prefix})"


class OperatorMembership(models.Model):
    """Platform operator staff."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="operators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="operator_memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "user"], name="operator_membership_unique")]
        verbose_name = _("operator membership")
        verbose_name_plural = _("operator memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.platform}"


class JoinedVia(models.TextChoices):
    SESSION = "session", _("Signed in as themselves")
    OPERATOR = "operator", _("Platform staff")
    AUDIT_TRAIL = "audit_trail", _("Earlier activity on the platform")


class PlatformMembership(models.Model):
    """A person who uses this platform: its API keys may act for them (``X-Acting-User``), and
    for no one else.

    A person joins by using the platform signed in as themselves (its pages or the API with
    their own session), by becoming its staff, or, for accounts older than this record, by
    what the audit trail shows they did on it. A platform's key never makes anyone a member.
    """

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="platform_memberships")
    joined_at = models.DateTimeField(auto_now_add=True)
    joined_via = models.CharField(max_length=12, choices=JoinedVia.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "user"], name="platform_membership_unique")]
        verbose_name = _("platform member")
        verbose_name_plural = _("platform members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.platform}"


class PlatformLicence(models.Model):
    """An administrative licence the platform holds (《中华人民共和国电子商务法》第十五条: shown on its home page
    with its business licence). The platform's current set; every change sends the whole set to the city
    (``platform.licences_declared``), the audit trail keeps the earlier ones."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="licences")
    kind = models.CharField(_("kind"), max_length=40)
    name = models.CharField(_("title"), max_length=120, blank=True)
    number = models.CharField(_("licence number"), max_length=64)
    issued_by = models.CharField(_("issued by"), max_length=120)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "kind", "number"],
                                               name="platform_licence_unique")]
        ordering = ["kind", "number"]
        verbose_name = _("platform licence")
        verbose_name_plural = _("platform licences")

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"
