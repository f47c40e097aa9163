from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    PERSON = "person", _("Person")
    BUSINESS = "business", _("Business")


class ProviderProfile(models.Model):
    """Real-name verification of a provider, valid on every platform of the deployment.

    The identity number is stored only encrypted; look-ups go through the keyed blind
    index and people see the masked form.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_profile")
    kind = models.CharField(_("kind"), max_length=10, choices=SubjectKind.choices)
    legal_name = models.CharField(_("legal name"), max_length=120)
    identity_encrypted = models.TextField()
    identity_index = models.CharField(max_length=64, unique=True)
    identity_masked = models.CharField(_("identity number"), max_length=18)
    # How the hub sees this person: the same keyed pseudonym on every platform of the city.
    party_key = models.CharField(max_length=64, blank=True)
    verified_at = models.DateTimeField(_("verified at"))
    verifier = models.CharField(_("verified by"), max_length=40)
    verification_reference = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("provider profile")
        verbose_name_plural = _("provider profiles")

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.identity_masked})"
