from __future__ import annotations

import uuid

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


class ReviewReason(models.TextChoices):
    IDENTITY_IN_USE = "identity_in_use", _("The number is verified for another account")
    AREA_CODE_AFTER_BIRTH = "area_code_after_birth_date", _("The district code is younger than the birth date")


class VerificationReview(models.Model):
    """A verification a person must look at before it counts: the number is already verified
    for another account, or it is right by GB 11643 but not by the district list.

    The requester is told only that a review is pending, whatever the reason, so that asking
    cannot tell anyone whether a number is registered. The city's hub sees the request under
    pseudonyms (``identity.review_requested``).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification_reviews")
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=SubjectKind.choices)
    legal_name = models.CharField(_("legal name"), max_length=120)
    identity_encrypted = models.TextField()
    identity_index = models.CharField(max_length=64, db_index=True)
    identity_masked = models.CharField(_("identity number"), max_length=18)
    reason = models.CharField(_("reason"), max_length=30, choices=ReviewReason.choices)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("verification review")
        verbose_name_plural = _("verification reviews")

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.identity_masked}): {self.get_reason_display()}"


class CreditList(models.TextChoices):
    RED = "red", _("red list (honours)")
    BLACK = "black", _("serious-dishonesty list")
    WATCH = "watch", _("watch list")


class CreditListChange(models.Model):
    """A change to a city credit list as the city sent it to this platform (``credit_list.changed``).

    Kept as a log, one row per directive: whether a subject stands on a list at a moment is the
    latest change in effect by then, so a removal or an entry dated ahead takes effect on its own date.
    """

    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="+")
    directive_message_id = models.UUIDField(unique=True)
    subject_key = models.CharField(_("party key"), max_length=64, db_index=True)
    subject_kind = models.CharField(_("kind"), max_length=10, choices=SubjectKind.choices)
    credit_list = models.CharField(_("list"), max_length=8, choices=CreditList.choices)
    added = models.BooleanField(_("added"), help_text=_("false: taken off the list"))
    effective_at = models.DateTimeField(_("from"))
    expires_at = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    issued_by = models.CharField(_("issued by"), max_length=200)
    legal_reference = models.CharField(_("legal reference"), max_length=500)
    measures = models.JSONField(default=list, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_at", "-id"]
        indexes = [models.Index(fields=["platform", "subject_key", "credit_list", "effective_at"],
                                name="credit_list_subject_idx")]
        verbose_name = _("credit list change")
        verbose_name_plural = _("credit list changes")

    def __str__(self) -> str:
        return f"{self.credit_list} {'+' if self.added else '-'} {self.subject_key}"


class IdentityRecheckReminder(models.Model):
    """The platform told a provider (and its operators) that their verification in a vertical runs out: one row
    per provider, vertical and expiry, so the reminder sweep tells each once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sector = models.CharField(_("sector"), max_length=40)
    expires_at = models.DateTimeField(_("verification expires"))
    reminded_at = models.DateTimeField(_("reminded at"))

    class Meta:
        ordering = ["expires_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "sector", "expires_at"],
                                               name="identity_recheck_reminder_unique")]
        verbose_name = _("identity re-check reminder")
        verbose_name_plural = _("identity re-check reminders")

    def __str__(self) -> str:
        return f"{self.user_id} {self.sector} {self.expires_at:%Y-%m-%d}"
