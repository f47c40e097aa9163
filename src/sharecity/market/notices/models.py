"""Rights holders' notices and the platform's handling of them (《中华人民共和国电子商务法》第四十二条至第四十五条).

A ``Notice`` is filed by a rights holder (no account: a tracking code and a secret) against
listings of one platform. Every step (``NoticeStep``) is dated and says who took it; the
time limit the law sets for the rights holder after a counter-notice is data
(``NoticePeriod``, with its effective date and source), and the moment the measures end by
themselves is a ``NoticeTimer`` row written with the step that set it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _


class RightKind(models.TextChoices):
    TRADEMARK = "trademark", _("Trademark")
    COPYRIGHT = "copyright", _("Copyright")
    PATENT = "patent", _("Patent")
    OTHER = "other", _("Other intellectual property right")


class NoticeStatus(models.TextChoices):
    FILED = "filed", _("Filed, awaiting the platform")
    TAKEN_DOWN = "taken_down", _("Listings taken down")
    EXPLAINED = "explained", _("No measure taken, with the platform's explanation")
    COUNTER_NOTICED = "counter_noticed", _("Counter-notice received")
    AWAITING_HOLDER = "awaiting_holder", _("Counter-notice forwarded; waiting for the rights holder")
    MEASURES_KEPT = "measures_kept", _("Complaint or lawsuit reported; measures kept")
    RESTORED = "restored", _("Measures ended; listings restored")


class Step(models.TextChoices):
    FILED = "filed", _("Notice filed")
    TAKEN_DOWN = "taken_down", _("Listings taken down")
    EXPLAINED = "explained", _("Platform explained why no measure was taken")
    FORWARDED = "forwarded", _("Notice forwarded to the provider")
    COUNTER_NOTICED = "counter_noticed", _("Provider's counter-notice received")
    COUNTER_FORWARDED = "counter_forwarded", _("Counter-notice forwarded to the rights holder")
    COMPLAINT_REPORTED = "complaint_reported", _("Complaint or lawsuit reported")
    RESTORED = "restored", _("Measures ended; listings restored")
    WRONG_NOTICE = "wrong_notice", _("Notice recorded as wrong, causing damage")
    MALICIOUS = "malicious", _("Notice flagged as malicious")


class ActorRole(models.TextChoices):
    HOLDER = "holder", _("The rights holder")
    OPERATOR = "operator", _("The platform")
    PROVIDER = "provider", _("The provider")
    SYSTEM = "system", _("The system (time limit)")


class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint to the competent authority")
    LAWSUIT = "lawsuit", _("Lawsuit in a people's court")


class PeriodCode(models.TextChoices):
    # 《中华人民共和国电子商务法》第四十三条第二款: 十五日 after the counter-notice reaches the rights holder.
    COUNTER_NOTICE_WAIT = "counter_notice_wait", _("Wait for a complaint or lawsuit after a counter-notice")


class NoticePeriod(models.Model):
    """A time limit of the notice procedure, in natural (calendar) days, as the law in force on a date sets it."""

    code = models.CharField(_("period"), max_length=40, choices=PeriodCode.choices)
    days = models.PositiveSmallIntegerField(_("natural days"))
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["code", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="notice_period_unique")]
        verbose_name = _("notice period")
        verbose_name_plural = _("notice periods")

    def __str__(self) -> str:
        return f"{self.code} {self.days} ({self.effective_from})"


class Notice(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="notices")
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    holder_name = models.CharField(_("rights holder"), max_length=120)
    holder_contact = models.CharField(_("contact"), max_length=200)
    right_kind = models.CharField(_("right"), max_length=12, choices=RightKind.choices)
    registration_numbers = models.JSONField(_("registration numbers"), default=list, blank=True)
    claim = models.TextField(_("what infringes the right"), max_length=4000)
    status = models.CharField(_("status"), max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.FILED,
                              db_index=True)
    filed_at = models.DateTimeField(_("filed"))
    measure_at = models.DateTimeField(_("measure taken or explained"), null=True, blank=True)
    explanation = models.TextField(_("platform's explanation"), blank=True, max_length=4000)
    forwarded_at = models.DateTimeField(_("forwarded to the provider"), null=True, blank=True)
    counter_text = models.TextField(_("counter-notice"), blank=True, max_length=4000)
    counter_at = models.DateTimeField(_("counter-notice received"), null=True, blank=True)
    counter_forwarded_at = models.DateTimeField(_("counter-notice forwarded"), null=True, blank=True)
    restore_due_at = models.DateTimeField(_("measures end unless a complaint or lawsuit is reported"),
                                          null=True, blank=True)
    period_days = models.PositiveSmallIntegerField(null=True, blank=True)
    period_source = models.CharField(max_length=300, blank=True)
    complaint_kind = models.CharField(_("complaint or lawsuit"), max_length=12, choices=ComplaintKind.choices,
                                      blank=True)
    complaint_detail = models.CharField(_("authority or court, case number"), max_length=300, blank=True)
    complaint_reported_at = models.DateTimeField(_("complaint or lawsuit reported"), null=True, blank=True)
    restored_at = models.DateTimeField(_("listings restored"), null=True, blank=True)
    wrong_notice = models.BooleanField(_("proved wrong, causing damage"), default=False)
    wrong_notice_note = models.TextField(blank=True, max_length=4000)
    malicious = models.BooleanField(_("flagged as malicious"), default=False)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("rights holder's notice")
        verbose_name_plural = _("rights holders' notices")

    def __str__(self) -> str:
        return self.tracking_code


class NoticeListing(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="items")
    listing = models.ForeignKey("market_listings.Listing", on_delete=models.PROTECT, related_name="notice_items")
    taken_down = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["notice", "listing"], name="notice_listing_unique")]

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.listing_id}"


class NoticeStep(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_role = models.CharField(_("who"), max_length=10, choices=ActorRole.choices)
    note = models.TextField(_("note"), blank=True, max_length=4000)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.step} {self.at:%Y-%m-%d %H:%M}"


def evidence_storage() -> FileSystemStorage:
    """Evidence lives under the var directory and is served only through the notice's pages."""
    from sharecity import conf

    return FileSystemStorage(location=conf.var_dir() / "notice-evidence", base_url=None)


def _evidence_path(instance: NoticeEvidence, filename: str) -> str:
    return f"{instance.notice.public_id}/{uuid.uuid4().hex}"


class NoticeEvidence(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="evidence")
    party = models.CharField(max_length=10, choices=ActorRole.choices)
    file = models.FileField(storage=evidence_storage, upload_to=_evidence_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class NoticeTimer(models.Model):
    """A step the system takes by itself when it falls due (the end of the measures, Art. 43 ¶2)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="timers")
    action = models.CharField(max_length=20, default="restore")
    due_at = models.DateTimeField(db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.due_at:%Y-%m-%d %H:%M}"
