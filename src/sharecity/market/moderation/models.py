"""Content moderation: the human review queue and the statements of reasons.

A ``ModerationCase`` is one piece of content (a listing, a review, an account) the automated
screening could not decide; a platform moderator decides it. A ``StatementOfReasons`` is
written for every decision that restricts content (or restores it): the provider sees it and
the hub receives it as ``moderation.decision``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectType(models.TextChoices):
    LISTING = "listing", _("Listing")
    REVIEW = "review", _("Review")
    PHOTO = "photo", _("Listing photo")
    ACCOUNT = "account", _("Account")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


class CaseOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REMOVED = "removed", _("Removed")
    VISIBILITY_RESTRICTED = "visibility_restricted", _("Visibility restricted")
    SUSPENDED = "suspended", _("Suspended")
    RESTORED = "restored", _("Restored")
    WARNED = "warned", _("Warned")


class Ground(models.TextChoices):
    ILLEGAL_CONTENT = "illegal_content", _("Illegal content")
    TERMS_VIOLATION = "terms_violation", _("Against the platform's rules")


class ModerationCase(models.Model):
    """One item in a platform's human review queue."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT,
                                 related_name="moderation_cases")
    subject_type = models.CharField(_("subject type"), max_length=10, choices=SubjectType.choices)
    subject_id = models.CharField(_("subject"), max_length=64, db_index=True)
    # The text that was screened, so a moderator sees the findings where they are.
    text = models.TextField(_("screened text"), blank=True)
    findings = models.JSONField(_("findings"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN,
                              db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=CaseOutcome.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["opened_at", "id"]
        indexes = [models.Index(fields=["platform", "status", "opened_at"], name="moderation_queue_idx")]
        verbose_name = _("moderation case")
        verbose_name_plural = _("moderation cases")

    def __str__(self) -> str:
        return f"{self.subject_type} {self.subject_id} ({self.status})"


class StatementOfReasons(models.Model):
    """Why a piece of content was restricted or restored: shown to the provider, sent to the hub."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT,
                                 related_name="statements_of_reasons")
    subject_type = models.CharField(_("subject type"), max_length=10, choices=SubjectType.choices)
    subject_id = models.CharField(_("subject"), max_length=64)
    decision = models.CharField(_("decision"), max_length=24, choices=Decision.choices)
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices)
    legal_reference = models.CharField(_("legal reference"), max_length=500)
    facts = models.TextField(_("facts and circumstances"))
    automated_detection = models.BooleanField(_("found by automated means"))
    automated_decision = models.BooleanField(_("decided by automated means"))
    case = models.ForeignKey(ModerationCase, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="statements")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "created_at"], name="statement_subject_idx")]
        verbose_name = _("statement of reasons")
        verbose_name_plural = _("statements of reasons")

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.subject_type} {self.subject_id}"
