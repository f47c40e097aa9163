"""源头追溯、属地查处: enforcement cases, their hand-overs (移送), the violation catalogue and the
leniency list (免罚清单), and the directives a case sends to platforms.

A case is held by one department (a ``Department`` kind of ``hub.registry``) in one district of one
city; only officers of that department whose jurisdiction covers the district see and act on it. A
hand-over moves it to another department or district and leaves an audited ``CaseHandover`` row.
Penalties go into credit through ``hub.publicity.services.penalty_record`` (its publicity period
comes from ``hub.credit.rules``); this app never writes the credit tables.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.hub.registry.models import Department
from sharecity.kernel import limits


class SourceKind(models.TextChoices):
    WARNING = "warning", _("Risk warning")
    COMPLAINT = "complaint", _("Complaint")
    INSPECTION = "inspection", _("Inspection")
    REFERRAL = "referral", _("Referral")
    MANUAL = "manual", _("Opened by an officer")


class CaseSubjectKind(models.TextChoices):
    PLATFORM = "platform", _("Platform")
    ENTERPRISE = "enterprise", _("Enterprise (unified social credit code)")
    BUSINESS = "business", _("Business (pseudonymous key)")
    PERSON = "person", _("Person (pseudonymous key)")
    LISTING = "listing", _("Listing")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


class Outcome(models.TextChoices):
    EDUCATION = "education", _("No penalty, education (首违不罚)")
    PENALTY = "penalty", _("Penalty")


class LeniencyReason(models.TextChoices):
    """What the leniency assessment found (``hub.enforcement.leniency``)."""

    QUALIFIES = "qualifies", _("First, minor, corrected in time: no penalty")
    NO_ENTRY = "no_entry", _("Not on the leniency list in force that day")
    NOT_MINOR = "not_minor", _("Not minor")
    NOT_CORRECTED = "not_corrected", _("Not corrected")
    CORRECTED_LATE = "corrected_late", _("Corrected after the deadline")
    REPEAT = "repeat", _("A repeat within the look-back period")


class Case(models.Model):
    """One enforcement case. ``city_code``/``district_code``/``department`` say who holds it now."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    city_code = models.CharField(_("city"), max_length=limits.DISTRICT_CODE_LENGTH, db_index=True)
    district_code = models.CharField(_("district"), max_length=limits.DISTRICT_CODE_LENGTH)
    department = models.CharField(_("department"), max_length=30, choices=Department.choices)
    source_kind = models.CharField(_("source"), max_length=12, choices=SourceKind.choices)
    source_ref = models.CharField(_("source reference"), max_length=limits.IDENTIFIER_MAX_LENGTH, blank=True)
    subject_kind = models.CharField(_("subject kind"), max_length=12, choices=CaseSubjectKind.choices)
    subject_ref = models.CharField(_("subject"), max_length=limits.IDENTIFIER_MAX_LENGTH)
    platform_id = models.CharField(_("platform"), max_length=limits.PLATFORM_ID_MAX_LENGTH, blank=True)
    summary = models.TextField(_("summary"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    # The decision (filled by case_decide).
    violation_code = models.CharField(_("violation"), max_length=40, blank=True)
    found_on = models.DateField(_("violation found on"), null=True, blank=True)
    minor = models.BooleanField(_("minor, no harmful consequence"), null=True, blank=True)
    correction_due = models.DateField(_("correction due"), null=True, blank=True)
    corrected_on = models.DateField(_("corrected on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    leniency_reason = models.CharField(_("leniency assessment"), max_length=40, blank=True,
                                       choices=LeniencyReason.choices)
    leniency_entry = models.ForeignKey("LeniencyEntry", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    amount_fen = models.BigIntegerField(_("fine (fen)"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    penalty_public_id = models.UUIDField(null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["city_code", "district_code", "department"], name="enf_case_holder_idx"),
                   models.Index(fields=["subject_kind", "subject_ref", "violation_code"], name="enf_case_subject_idx")]
        verbose_name = _("enforcement case")
        verbose_name_plural = _("enforcement cases")

    def __str__(self) -> str:
        return f"{self.public_id} {self.subject_kind}:{self.subject_ref}"


class CaseHandover(models.Model):
    """A hand-over (移送) of a case from one holder to another, with the reason, who and when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="handovers")
    from_department = models.CharField(max_length=30, choices=Department.choices)
    from_district_code = models.CharField(max_length=limits.DISTRICT_CODE_LENGTH)
    to_department = models.CharField(max_length=30, choices=Department.choices)
    to_district_code = models.CharField(max_length=limits.DISTRICT_CODE_LENGTH)
    reason = models.TextField(_("reason"), max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("handed over"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_department}/{self.from_district_code} → {self.to_department}/{self.to_district_code}"


class Violation(models.Model):
    """One entry of the violation catalogue with its legal basis (data, seeded from ``catalogue``)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    law = models.CharField(_("law"), max_length=200)
    article = models.CharField(_("article"), max_length=100)
    penalty_article = models.CharField(_("penalty provision"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class LeniencyEntry(models.Model):
    """One row of a city's leniency list (免罚清单): a violation that, first committed, minor and
    corrected within ``correction_days`` of being found, gets education and no penalty
    (《行政处罚法》(2021修订) 第三十三条). ``city_code`` empty: every city. A repeat of the same violation
    by the same subject within ``look_back_months`` before it does not qualify."""

    city_code = models.CharField(_("city"), max_length=limits.DISTRICT_CODE_LENGTH, blank=True)
    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="leniency_entries")
    condition = models.CharField(_("condition"), max_length=500)
    look_back_months = models.PositiveSmallIntegerField(_("look-back period (months)"))
    correction_days = models.PositiveSmallIntegerField(_("days to correct"))
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["violation__code", "city_code", "-effective_from"]
        verbose_name = _("leniency list entry")
        verbose_name_plural = _("leniency list entries")

    def __str__(self) -> str:
        return f"{self.city_code or '*'} {self.violation.code} {self.effective_from}"


class CaseDirective(models.Model):
    """A directive (recall or rectification order) a case sent, by the directive's message id."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="directives")
    directive_message_id = models.UUIDField()
    directive_type = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["directive_message_id"], name="enf_case_directive_unique")]

    def __str__(self) -> str:
        return f"{self.directive_type} {self.directive_message_id}"
