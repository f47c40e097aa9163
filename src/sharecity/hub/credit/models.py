"""Credit files: one per subject, and the records that facts from the exchange put in them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.kernel import limits


class SubjectKind(models.TextChoices):
    # A platform enterprise, known to the city by its unified social credit code (GB 32100).
    ENTERPRISE = "enterprise", _("Enterprise")
    # A business on a platform, known by the exchange's pseudonymous key.
    BUSINESS = "business", _("Business")
    # A natural person, known by the exchange's pseudonymous key; never by name or ID number.
    PERSON = "person", _("Person")


class CreditSubject(models.Model):
    """A credit file's holder. ``identifier`` is the credit code of an enterprise or the pseudonymous
    key of a business or person: unique per kind."""

    kind = models.CharField(_("kind"), max_length=12, choices=SubjectKind.choices)
    identifier = models.CharField(_("identifier"), max_length=limits.PARTY_KEY_MAX_LENGTH)
    # The registered name of an enterprise; empty for keyed subjects (the hub does not know them).
    name = models.CharField(_("name"), max_length=120, blank=True)
    # Where the subject mainly operates (subject.registered), or where its first fact happened.
    district_code = models.CharField(_("district"), max_length=limits.DISTRICT_CODE_LENGTH, blank=True)
    city_code = models.CharField(_("city"), max_length=6, blank=True, db_index=True)
    # The platform that first reported the subject (a keyed subject is known through platforms).
    platform_id = models.CharField(max_length=limits.PLATFORM_ID_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "identifier"]
        constraints = [models.UniqueConstraint(fields=["kind", "identifier"], name="credit_subject_unique")]
        indexes = [models.Index(fields=["district_code"], name="credit_subject_district_idx")]
        verbose_name = _("credit subject")
        verbose_name_plural = _("credit subjects")

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.identifier[:8]}…"


class RecordKind(models.TextChoices):
    PENALTY = "penalty", _("Administrative penalty")
    INSPECTION = "inspection", _("Inspection result")
    COMPLAINT = "complaint", _("Complaint outcome")
    REVIEWS = "reviews", _("Review aggregate")
    COMMITMENT = "commitment", _("Credit commitment")
    TAX = "tax", _("Tax compliance")
    HONOUR = "honour", _("Honour")
    SAFETY = "safety", _("Safety incident")
    MODERATION = "moderation", _("Platform moderation")
    # The platform verified the subject's real identity (subject.verified): a qualification.
    VERIFICATION = "verification", _("Identity verification")


class CreditRecord(models.Model):
    """One entry in a credit file, from one fact (``source_type`` + ``source_id`` keep it idempotent).

    A penalty carries a severity (轻微/一般/严重失信) from which ``hub.credit.rules`` derives the
    dates its publicity may be repaired from and ends on; those are stored when the record is made,
    measured by the rule in force on ``decided_on``.
    """

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(_("kind"), max_length=12, choices=RecordKind.choices)
    # For penalties and dishonesty: light / ordinary / serious (hub.credit.rules.Severity).
    severity = models.CharField(_("severity"), max_length=10, blank=True)
    # Positive for good conduct, negative for bad: what the scorecard's rules read, with ``kind``.
    polarity = models.SmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=limits.TITLE_MAX_LENGTH)
    detail = models.JSONField(default=dict, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=120, blank=True)
    decided_on = models.DateField(_("decided on"))
    district_code = models.CharField(_("district"), max_length=limits.DISTRICT_CODE_LENGTH, blank=True)
    city_code = models.CharField(_("city"), max_length=6, blank=True, db_index=True)
    public = models.BooleanField(_("public"), default=False)
    repair_from = models.DateField(_("repair may be applied for from"), null=True, blank=True)
    display_until = models.DateField(_("shown until"), null=True, blank=True)
    repaired_at = models.DateTimeField(_("repaired"), null=True, blank=True)
    source_type = models.CharField(max_length=80)
    source_id = models.CharField(max_length=200)
    platform_id = models.CharField(max_length=limits.PLATFORM_ID_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["subject", "source_type", "source_id"],
                                               name="credit_record_source_unique")]
        indexes = [models.Index(fields=["subject", "kind"], name="credit_record_subject_kind_idx")]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class CommitmentFulfilment(models.TextChoices):
    # The national credit-commitment template's three outcomes.
    PENDING = "", _("Not yet assessed")
    FULL = "full", _("Fully kept (全部履行)")
    PARTIAL = "partial", _("Partly kept (部分履行)")
    NONE = "none", _("Not kept (未履行)")


class ScorecardVersion(models.Model):
    """One version of a city's scorecard: the indicator tree, its weights, rules and grade thresholds
    as data (``hub.credit.scoring`` reads it). Versions are never edited: a regulator's change is a new
    version with an effective date, so an old grade is explained by the version in force on its day.
    ``city_code`` empty is the default every city starts from."""

    city_code = models.CharField(_("city"), max_length=6, blank=True, db_index=True)
    effective_from = models.DateField(_("effective from"))
    tree = models.JSONField(_("indicator tree"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey("kernel.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["city_code", "-effective_from", "-id"]
        verbose_name = _("scorecard version")
        verbose_name_plural = _("scorecard versions")

    def __str__(self) -> str:
        return f"{self.city_code or '*'} {self.effective_from}"
