"""Risk warnings (风险预警): what the hub's rules found in the facts platforms reported, each with its
explanation and the facts behind it, and its course from new to closed.

A warning belongs to the city and the district responsible (属地) for its subject, which decide who
reads it and who may act on it. The rules' thresholds, windows and severities are data
(``RuleSetting``), each version with the day it takes effect from and the source it rests on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.kernel import limits

DISTRICT = limits.DISTRICT_CODE_LENGTH
NOTES_MAX_LENGTH = 2000
DEDUPE_MAX_LENGTH = 300
REF_MAX_LENGTH = 200


class Rule(models.TextChoices):
    COMPLAINT_RATE = "complaint_rate", _("Complaint rate far above its baseline")
    FALSE_DISCOUNT = "false_discount", _("Discount from a price not held for seven days")
    REVIEW_RING = "review_ring", _("Accounts that buy from and review each other")
    UNLICENSED_HOMESTAY = "unlicensed_homestay", _("Homestay without a lodging licence")
    DEPOSIT_OVERDUE = "deposit_overdue", _("Deposit not refunded by its deadline")
    DEPOSIT_KEPT = "deposit_kept", _("Whole deposit kept")
    REPOSTED_LISTING = "reposted_listing", _("Removed listing posted again")
    CANCELLATION_BURST = "cancellation_burst", _("Burst of cancellations")
    OUTLIER = "outlier", _("Statistical outlier among providers")
    LATE_ACKNOWLEDGEMENT = "late_acknowledgement", _("Directive acknowledged late")
    FLEET_OVER_QUOTA = "fleet_over_quota", _("Fleet above its quota")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


SEVERITY_ORDER = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2}


class SubjectKind(models.TextChoices):
    PLATFORM = "platform", _("Platform")
    CATEGORY = "category", _("Category")
    DISTRICT = "district", _("District")
    LISTING = "listing", _("Listing")
    ORDER = "order", _("Order")
    ACCOUNT = "account", _("Account")
    DIRECTIVE = "directive", _("Directive")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    HANDLED = "handled", _("Handled")
    CLOSED = "closed", _("Closed")


class RuleSetting(models.Model):
    """One version of a rule's parameters: from ``effective_from`` on (until a later version) the rule
    runs with ``params`` and raises warnings of ``severity``; ``source`` cites what it rests on."""

    rule = models.CharField(_("rule"), max_length=32, choices=Rule.choices)
    effective_from = models.DateField(_("effective from"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    params = models.JSONField(_("parameters"), default=dict)
    source = models.CharField(_("source"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "effective_from"], name="warnings_setting_unique")]
        ordering = ["rule", "-effective_from"]
        verbose_name = _("rule setting")
        verbose_name_plural = _("rule settings")

    def __str__(self) -> str:
        return f"{self.rule} from {self.effective_from}"


class Warning(models.Model):
    city_code = models.CharField(_("city"), max_length=DISTRICT, db_index=True)
    district_code = models.CharField(_("district responsible"), max_length=DISTRICT, blank=True, default="")
    platform_id = models.CharField(_("platform"), max_length=limits.PLATFORM_ID_MAX_LENGTH, blank=True, default="")
    rule = models.CharField(_("rule"), max_length=32, choices=Rule.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    subject_kind = models.CharField(_("subject"), max_length=12, choices=SubjectKind.choices)
    subject_ref = models.CharField(_("subject reference"), max_length=REF_MAX_LENGTH)
    explanation = models.JSONField(_("explanation"), default=dict)  # {"zh": ..., "en": ...}
    evidence = models.JSONField(_("evidence"), default=list)  # [{"kind", "ref", "description"}, ...]
    dedupe_key = models.CharField(max_length=DEDUPE_MAX_LENGTH, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    assigned_department = models.CharField(_("assigned to"), max_length=limits.NAME_MAX_LENGTH, blank=True,
                                           default="")
    assigned_district = models.CharField(_("assigned district"), max_length=DISTRICT, blank=True, default="")
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    handling_notes = models.TextField(_("how it was handled"), max_length=NOTES_MAX_LENGTH, blank=True, default="")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closing_notes = models.TextField(_("closing notes"), max_length=NOTES_MAX_LENGTH, blank=True, default="")
    # The enforcement case opened from this warning, as that app's id (set by ``warning_case_open``).
    case_ref = models.CharField(_("case"), max_length=64, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["city_code", "status"], name="warnings_city_status_idx"),
                   models.Index(fields=["district_code", "status"], name="warnings_district_status_idx"),
                   models.Index(fields=["rule", "subject_ref"], name="warnings_rule_subject_idx")]
        ordering = ["-raised_at", "-id"]
        verbose_name = _("risk warning")
        verbose_name_plural = _("risk warnings")

    def __str__(self) -> str:
        return f"warning {self.pk} {self.rule} {self.subject_kind}:{self.subject_ref}"

    def explanation_in(self, language: str) -> str:
        return str(self.explanation.get("zh" if language.startswith("zh") else "en", ""))


class LodgingLicence(models.Model):
    """A special-industry (lodging) licence the public security bureau issued, as the city imports its
    register: the hub's only way to know a homestay is licensed, since listings on the exchange carry
    no licence number (《旅馆业治安管理办法》第四条)."""

    city_code = models.CharField(_("city"), max_length=DISTRICT, db_index=True)
    district_code = models.CharField(_("district"), max_length=DISTRICT, blank=True, default="")
    licence_number = models.CharField(_("licence number"), max_length=64)
    holder_key = models.CharField(_("holder"), max_length=limits.PARTY_KEY_MAX_LENGTH, db_index=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city_code", "licence_number"],
                                               name="warnings_licence_unique")]
        verbose_name = _("lodging licence")
        verbose_name_plural = _("lodging licences")

    def __str__(self) -> str:
        return self.licence_number


class WarningScan(models.Model):
    """One run of the rules: what it read up to, and what it raised."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the newest message the scan read had arrived: a scan finding nothing newer has nothing to do.
    last_received_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateTimeField()  # the moment the rules were evaluated at
    raised = models.JSONField(default=dict)  # new warnings by rule
    skipped = models.BooleanField(default=False)  # nothing new had arrived since the previous scan

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"scan {self.pk} at {self.started_at:%Y-%m-%d %H:%M}"
