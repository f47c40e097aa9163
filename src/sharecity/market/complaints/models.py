from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sharecity.market.parking.models import Booking
from sharecity.market.platforms.models import Platform


class ComplaintCategory(models.TextChoices):
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    PRICE = "price", _("Price or charges")
    ACCESS = "access", _("Could not use what was booked")
    SAFETY = "safety", _("Safety")
    PRIVACY = "privacy", _("Personal data")
    OTHER = "other", _("Other")


class Remedy(models.TextChoices):
    REFUND = "refund", _("Refund")
    APOLOGY = "apology", _("Apology")
    FIX = "fix", _("Put it right")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    ANSWERED = "answered", _("Answered")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")


class Answer(models.TextChoices):
    """The platform's answer, as the exchange's ``complaint.answered`` names it."""

    EXPLANATION = "explanation", _("Explanation")
    REFUND_OFFERED = "refund_offered", _("Refund offered")
    REPLACEMENT_OFFERED = "replacement_offered", _("Replacement offered")
    COMPENSATION_OFFERED = "compensation_offered", _("Compensation offered")
    FORWARDED_TO_PROVIDER = "forwarded_to_provider", _("Forwarded to the provider")
    REJECTED = "rejected", _("Complaint rejected")


class EscalatedTo(models.TextChoices):
    MARKET_REGULATOR = "market_regulator", _("The market regulator (12315)")
    CONSUMER_ASSOCIATION = "consumer_association", _("The consumer association")
    THIRD_PARTY_PLATFORM = "third_party_platform", _("The city's third-party complaint platform")
    PLATFORM_ARBITRATION = "platform_arbitration", _("The platform's arbitration")
    COURT = "court", _("A court")


class EscalationReason(models.TextChoices):
    UNANSWERED_IN_TIME = "unanswered_in_time", _("Not answered in time")
    NOT_SATISFIED = "complainant_not_satisfied", _("Not satisfied with the answer")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    REJECTED = "rejected", _("Rejected")
    SETTLED = "settled", _("Settled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ComplaintPolicy(models.Model):
    """A platform's promise on answering complaints: within N hours, or N working days."""

    platform = models.OneToOneField(Platform, on_delete=models.CASCADE, related_name="complaint_policy")
    answer_hours = models.PositiveIntegerField(_("answer within (hours)"), default=48)
    answer_workdays = models.PositiveIntegerField(
        _("answer within (working days)"), null=True, blank=True,
        help_text=_("when set, the limit is this many working days (official calendar) instead of hours"))
    # Stated to the city (odr.commitment): complaints its third-party complaint platform accepts come here.
    odr_committed = models.BooleanField(_("committed to online dispute resolution"), default=False)

    class Meta:
        verbose_name = _("complaint policy")
        verbose_name_plural = _("complaint policies")

    def __str__(self) -> str:
        return f"{self.platform}: {self.answer_workdays or self.answer_hours}"


class Complaint(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="complaints")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="complaints", null=True, blank=True)
    order = models.ForeignKey("market_orders.Order", on_delete=models.PROTECT, related_name="complaints",
                              null=True, blank=True)
    # None for a complaint the city's third-party complaint platform referred (the complainant is not this
    # platform's account: the platform answers through the exchange, the association tells them).
    complainant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints",
                                    null=True, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=ComplaintCategory.choices)
    description = models.TextField(_("what happened"), max_length=2000)
    remedy = models.CharField(_("wanted remedy"), max_length=10, choices=Remedy.choices)
    status = models.CharField(max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.FILED)
    created_at = models.DateTimeField(auto_now_add=True)
    answer_due_at = models.DateTimeField(_("answer due"), null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=24, choices=Answer.choices, blank=True)
    answer_text = models.TextField(_("the platform's answer"), blank=True, max_length=2000)
    answer_refused_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.CharField(max_length=24, choices=EscalatedTo.choices, blank=True)
    escalation_reason = models.CharField(max_length=30, choices=EscalationReason.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    refund_fen = models.PositiveIntegerField(default=0)
    compensation_fen = models.PositiveIntegerField(default=0)
    complainant_satisfied = models.BooleanField(null=True, blank=True)
    # A complaint referred by the city's third-party complaint platform (directive complaint.referred, online
    # dispute resolution, 《电子商务法》第六十三条): its referral id, the directive that carried it, the district.
    referral_id = models.CharField(_("referral"), max_length=64, blank=True, db_index=True)
    referral_message_id = models.UUIDField(null=True, blank=True, unique=True)
    referral_district = models.CharField(max_length=6, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(booking__isnull=False) & Q(order__isnull=True))
                | (Q(booking__isnull=True) & Q(order__isnull=False))
                | (Q(booking__isnull=True) & Q(order__isnull=True) & ~Q(referral_id="")),
                name="complaint_on_a_booking_an_order_or_a_referral",
            ),
        ]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.order or self.booking}"


def evidence_storage() -> FileSystemStorage:
    """Evidence files live under the deployment's var directory (there is no MEDIA_ROOT);
    they are served only through the complaint's evidence view, to those who may see it."""
    from sharecity import conf

    return FileSystemStorage(location=conf.var_dir() / "complaint-evidence", base_url=None)


def _evidence_path(instance: ComplaintEvidence, filename: str) -> str:
    return f"{instance.complaint.public_id}/{uuid.uuid4().hex}{instance.extension}"


class ComplaintEvidence(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(storage=evidence_storage, upload_to=_evidence_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp",
                "application/pdf": ".pdf"}.get(self.content_type, "")
