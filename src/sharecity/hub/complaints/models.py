"""The third-party complaint platform (第三方投诉平台) an industry association runs for the city.

《厦门市促进共享经济健康发展实施方案》(厦府办〔2019〕13号) 四、(一)3 完善社会监督: 鼓励行业组织依法合规探索
设立共享经济用户投诉和维权的第三方平台, 建立健全用户投诉和纠纷解决机制.
《中华人民共和国电子商务法》第六十条: 电子商务争议可以……请求消费者组织、行业协会或者其他依法成立的调解组织调解.

Anyone files a complaint about a platform operating in the city and follows it with a tracking code and a
secret (only the secret's keyed hash is kept). The association's staff decide to accept or refuse it, send
it to a platform that committed to online dispute resolution (ODR) through the exchange, mediate, and
close it with an outcome. Time limits are data (``TimeLimit``), counted in working days on the official
calendar. Every change is in the hub's audit log and in a notice the complainant reads.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.kernel import limits


class AssociationStaff(models.Model):
    """Staff of the industry association that runs a city's third-party complaint platform."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="complaint_association_staff")
    association = models.CharField(_("association"), max_length=limits.NAME_MAX_LENGTH)
    city_code = models.CharField(_("city"), max_length=6)

    class Meta:
        verbose_name = _("association staff")
        verbose_name_plural = _("association staff")

    def __str__(self) -> str:
        return f"{self.user} ({self.association})"


class LimitKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Decide to accept or refuse")
    MEDIATION = "mediation", _("End mediation")
    ODR_SETTLEMENT = "odr_settlement", _("Platform settles through online dispute resolution")


class TimeLimit(models.Model):
    """One version of a time limit in working days: from ``effective_from`` until a later version."""

    kind = models.CharField(_("time limit"), max_length=20, choices=LimitKind.choices)
    workdays = models.PositiveSmallIntegerField(_("working days"))
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["kind", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["kind", "effective_from"], name="tpc_limit_unique")]
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")

    def __str__(self) -> str:
        return f"{self.kind} {self.workdays} ({self.effective_from})"


class OdrCommitment(models.Model):
    """A platform's commitment to settle complaints through online dispute resolution (在线争议解决,
    《电子商务法》第六十三条): its complaints go to it directly through the exchange."""

    platform_id = models.CharField(max_length=limits.PLATFORM_ID_MAX_LENGTH)
    city_code = models.CharField(_("city"), max_length=6)
    committed = models.BooleanField(_("committed"), default=True)
    changed_at = models.DateTimeField(_("changed"))
    changed_by = models.CharField(_("changed by"), max_length=150)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "city_code"], name="tpc_odr_unique")]
        verbose_name = _("ODR commitment")
        verbose_name_plural = _("ODR commitments")

    def __str__(self) -> str:
        return f"{self.platform_id} {self.city_code}: {self.committed}"


class Category(models.TextChoices):
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    PRICE = "price", _("Price or charges")
    REFUND = "refund", _("Refund or deposit")
    SAFETY = "safety", _("Safety")
    PRIVACY = "privacy", _("Personal data")
    SERVICE = "service", _("Service quality")
    OTHER = "other", _("Other")


class DesiredOutcome(models.TextChoices):
    REFUND = "refund", _("Refund")
    COMPENSATION = "compensation", _("Compensation")
    APOLOGY = "apology", _("Apology")
    FIX = "fix", _("Put it right")
    OTHER = "other", _("Other")


class Source(models.TextChoices):
    PUBLIC = "public", _("Filed on the public site")
    ESCALATED = "escalated", _("Escalated by a platform's complainant")


class Status(models.TextChoices):
    FILED = "filed", _("Awaiting a decision to accept")
    REFUSED = "refused", _("Not accepted")
    WITH_PLATFORM = "with_platform", _("With the platform (online dispute resolution)")
    MEDIATION = "mediation", _("In mediation by the association")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SETTLED = "settled", _("Settled")
    MEDIATION_FAILED = "mediation_failed", _("Mediation failed")
    REFERRED = "referred_to_regulator", _("Referred to market supervision as a report of a violation")


class ThirdPartyComplaint(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    # HMAC-SHA256 of the secret under a key derived from the data key: the secret is never stored.
    secret_hash = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.PUBLIC)
    # For an escalated complaint: the platform's own complaint id (one case per platform and id).
    source_complaint_id = models.CharField(max_length=limits.IDENTIFIER_MAX_LENGTH, blank=True)
    escalated_to = models.CharField(max_length=30, blank=True)
    city_code = models.CharField(_("city"), max_length=6, db_index=True)
    district_code = models.CharField(_("district"), max_length=6)
    platform_id = models.CharField(_("platform"), max_length=limits.PLATFORM_ID_MAX_LENGTH, db_index=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("what happened"), max_length=2000, blank=True)
    desired_outcome = models.CharField(_("desired outcome"), max_length=20, choices=DesiredOutcome.choices)
    # The complainant's contact (a phone number or an e-mail address), encrypted at rest, and its masked form.
    contact_encrypted = models.TextField(blank=True)
    contact_masked = models.CharField(_("contact"), max_length=80, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.FILED)
    filed_at = models.DateTimeField(_("filed"))
    acceptance_due = models.DateTimeField(_("decision due"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    mediation_due = models.DateTimeField(_("mediation ends by"), null=True, blank=True)
    referred_at = models.DateTimeField(_("sent to the platform"), null=True, blank=True)
    referral_message_id = models.UUIDField(null=True, blank=True)
    platform_due = models.DateTimeField(_("platform settles by"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned to mediation"), null=True, blank=True)
    platform_responded_at = models.DateTimeField(_("platform responded"), null=True, blank=True)
    platform_answer = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    case_ref = models.CharField(_("enforcement case"), max_length=64, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["platform_id", "source_complaint_id"], condition=models.Q(source="escalated"),
            name="tpc_escalation_once")]
        verbose_name = _("third-party complaint")
        verbose_name_plural = _("third-party complaints")

    def __str__(self) -> str:
        return self.tracking_code


def evidence_storage() -> FileSystemStorage:
    """Evidence lives under the deployment's var directory, served only through views that check access."""
    from sharecity import conf

    return FileSystemStorage(location=conf.var_dir() / "media" / "tpc-evidence", base_url=None)


def _evidence_path(instance: Evidence, filename: str) -> str:
    return f"{instance.complaint.public_id}/{uuid.uuid4().hex}{instance.extension}"


class Evidence(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(ThirdPartyComplaint, on_delete=models.PROTECT, related_name="evidence")
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


class Notice(models.Model):
    """What the complainant is told, in both languages, read with the tracking code (there is no e-mail)."""

    complaint = models.ForeignKey(ThirdPartyComplaint, on_delete=models.CASCADE, related_name="notices")
    at = models.DateTimeField()
    kind = models.CharField(max_length=30)
    text_zh = models.TextField()
    text_en = models.TextField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("notice to the complainant")
        verbose_name_plural = _("notices to the complainant")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"
