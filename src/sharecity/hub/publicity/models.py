"""信用信息公示、名单与修复: penalty decisions with their repair notices, the red and serious-dishonesty
lists, and repair applications from the public window.

The credit file itself (CreditSubject, CreditRecord) belongs to ``hub.credit``; this duty writes to it
only through ``hub.credit.services``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.kernel import limits


class Severity(models.TextChoices):
    LIGHT = "light", _("Light (轻微失信)")
    ORDINARY = "ordinary", _("Ordinary (一般失信)")
    SERIOUS = "serious", _("Serious (严重失信)")


class SubjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise (unified social credit code)")
    BUSINESS = "business", _("Business (pseudonymous key)")
    PERSON = "person", _("Person (pseudonymous key)")


class PenaltyDecision(models.Model):
    """An administrative penalty decision an officer recorded, and the repair notice served with it
    (两书同达: 国办发〔2025〕22号 三、“行政处罚决定书和信用修复告知书同时送达”)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision_number = models.CharField(_("decision number"), max_length=100)
    subject_kind = models.CharField(_("subject kind"), max_length=12, choices=SubjectKind.choices)
    subject_identifier = models.CharField(_("credit code or key"), max_length=limits.PARTY_KEY_MAX_LENGTH)
    subject_name = models.CharField(_("subject name"), max_length=120, blank=True)
    facts = models.TextField(_("facts"), max_length=4000)
    law = models.CharField(_("law"), max_length=200)
    article = models.CharField(_("article"), max_length=100)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    decided_on = models.DateField(_("decided on"))
    department = models.CharField(_("department"), max_length=120)
    department_kind = models.CharField(_("department kind"), max_length=30)
    city_code = models.CharField(_("city"), max_length=6, db_index=True)
    district_code = models.CharField(_("district"), max_length=limits.DISTRICT_CODE_LENGTH, blank=True)
    public = models.BooleanField(_("publicly shown"), default=True)
    repair_from = models.DateField(_("repair may be applied for from"))
    display_until = models.DateField(_("shown until"))
    rule_source = models.CharField(max_length=300)
    notice_served_on = models.DateField(_("repair notice served on"))
    credit_record_id = models.BigIntegerField(null=True, blank=True)
    repaired_at = models.DateTimeField(_("repaired"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["city_code", "decision_number"],
                                               name="publicity_penalty_number_unique")]
        verbose_name = _("penalty decision")
        verbose_name_plural = _("penalty decisions")

    def __str__(self) -> str:
        return self.decision_number

    @property
    def legal_basis(self) -> str:
        return f"{self.law} {self.article}"


class CreditList(models.TextChoices):
    RED = "red", _("Red list (守信激励)")
    BLACK = "black", _("Serious-dishonesty list (严重失信主体名单)")


class EntryStatus(models.TextChoices):
    ACTIVE = "active", _("On the list")
    REMOVED = "removed", _("Removed")
    EXPIRED = "expired", _("Expired")


class ListEntry(models.Model):
    """A subject on the red or the serious-dishonesty list of a city."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    credit_list = models.CharField(_("list"), max_length=8, choices=CreditList.choices)
    subject_kind = models.CharField(_("subject kind"), max_length=12, choices=SubjectKind.choices)
    subject_identifier = models.CharField(_("pseudonymous key"), max_length=limits.PARTY_KEY_MAX_LENGTH)
    legal_basis = models.CharField(_("legal basis"), max_length=500)
    department = models.CharField(_("deciding department"), max_length=120)
    department_kind = models.CharField(_("department kind"), max_length=30)
    decided_on = models.DateField(_("decided on"))
    effective_on = models.DateField(_("effective from"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=4000)
    measures = models.JSONField(_("measures"), default=list, blank=True)
    # The penalty a serious-dishonesty entry rests on: its repair takes the subject off the list.
    basis_penalty = models.ForeignKey(PenaltyDecision, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="list_entries")
    city_code = models.CharField(_("city"), max_length=6, db_index=True)
    district_code = models.CharField(_("district"), max_length=limits.DISTRICT_CODE_LENGTH, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.ACTIVE)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removal_reason = models.TextField(_("removal reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["status", "expires_on"], name="publicity_entry_expiry_idx")]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")

    def __str__(self) -> str:
        return f"{self.credit_list} {self.subject_identifier[:8]}…"


class ListNotice(models.Model):
    """One ``credit_list.changed`` directive that told one platform of an entry's addition or removal."""

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="notices")
    action = models.CharField(max_length=8)  # added / removed
    platform_id = models.CharField(max_length=limits.PLATFORM_ID_MAX_LENGTH)
    directive_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["entry", "action", "platform_id"],
                                               name="publicity_notice_unique")]

    def __str__(self) -> str:
        return f"{self.action} {self.entry_id} -> {self.platform_id}"


class RepairStatus(models.TextChoices):
    PENDING = "pending", _("Received, awaiting the department's decision")
    APPROVED = "approved", _("Repaired")
    REJECTED = "rejected", _("Not repaired")


class RepairApplication(models.Model):
    """A repair application from the public window, routed to the department that decided
    (谁认定、谁修复: 国办发〔2025〕22号)."""

    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    secret_hash = models.CharField(max_length=64)
    penalty = models.ForeignKey(PenaltyDecision, on_delete=models.PROTECT, related_name="repairs")
    city_code = models.CharField(_("city"), max_length=6, db_index=True)
    department_kind = models.CharField(_("department kind"), max_length=30, db_index=True)
    performance = models.TextField(_("how the penalty was performed"), max_length=2000)
    correction = models.TextField(_("how the conduct was corrected"), max_length=2000)
    commitment = models.TextField(_("public commitment"), max_length=2000)
    evidence = models.TextField(_("evidence (optional)"), max_length=2000, blank=True)
    received_at = models.DateTimeField(_("received"))
    received_on = models.DateField(_("received on"))
    decision_due = models.DateField(_("decision due"))
    result_due = models.DateField(_("result due"))
    status = models.CharField(_("status"), max_length=10, choices=RepairStatus.choices,
                              default=RepairStatus.PENDING)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["decision_due", "id"]
        verbose_name = _("repair application")
        verbose_name_plural = _("repair applications")

    def __str__(self) -> str:
        return self.tracking_code
