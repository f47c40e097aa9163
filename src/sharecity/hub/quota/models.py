"""Public-space quotas (bikes first): the city's zones, the fleets platforms report, the evaluation weights a
regulator edits, quarterly evaluations, and allocation runs with the quota table they produce.

An allocation run is immutable once written (its inputs, parameters and result stay as computed); publishing
it records when its quotas went to the platforms as ``quota.assigned`` directives.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.kernel import limits

DISTRICT = limits.DISTRICT_CODE_LENGTH
PLATFORM = limits.PLATFORM_ID_MAX_LENGTH
ZONE = 40


class QuotaZone(models.Model):
    """A zone of a city that has its own quota (Xiamen: island and off-island), by the districts it covers."""

    city_code = models.CharField(_("city"), max_length=DISTRICT)
    code = models.CharField(_("zone"), max_length=ZONE)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    district_codes = models.JSONField(_("districts"), default=list)
    weight = models.PositiveIntegerField(_("ratio"), default=1, help_text=_("share of a platform's quota"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city_code", "code"], name="quota_zone_unique")]
        ordering = ["city_code", "-weight", "code"]
        verbose_name = _("quota zone")
        verbose_name_plural = _("quota zones")

    def __str__(self) -> str:
        return f"{self.city_code}/{self.code}"


class FleetReport(models.Model):
    """A ``fleet.reported`` fact: appended once per (platform, report id), never rewritten."""

    platform_id = models.CharField(_("platform"), max_length=PLATFORM, db_index=True)
    report_id = models.CharField(_("report id"), max_length=limits.IDENTIFIER_MAX_LENGTH)
    message_id = models.CharField(max_length=limits.UUID_LENGTH, blank=True, default="")
    city_code = models.CharField(_("city"), max_length=DISTRICT)
    zone = models.CharField(_("zone"), max_length=ZONE)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    reported_at = models.DateTimeField(_("reported"))
    vehicles_deployed = models.BigIntegerField(_("vehicles deployed"))
    vehicles_good = models.BigIntegerField(_("in good condition"))
    parking_checked = models.BigIntegerField(_("parking checked"))
    parking_compliant = models.BigIntegerField(_("parking compliant"))
    dispatch_requests = models.BigIntegerField(_("dispatch requests"))
    dispatch_response_minutes = models.PositiveIntegerField(_("dispatch response (minutes)"), null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform_id", "report_id"], name="quota_fleet_unique")]
        indexes = [models.Index(fields=["city_code", "zone", "period_end"], name="quota_fleet_zone_idx")]
        ordering = ["-period_end", "-id"]
        verbose_name = _("fleet report")
        verbose_name_plural = _("fleet reports")

    def __str__(self) -> str:
        return f"{self.platform_id} {self.zone} {self.period_end}: {self.vehicles_deployed}"


class EvaluationWeights(models.Model):
    """One version of a city's evaluation weights and scales, from ``effective_from`` on (a regulator edits
    them by adding a version; the quarter is scored with the version in force on its first day)."""

    city_code = models.CharField(_("city"), max_length=DISTRICT)
    effective_from = models.DateField(_("effective from"))
    complaints = models.PositiveSmallIntegerField(_("complaints"), validators=[MaxValueValidator(100)])
    parking = models.PositiveSmallIntegerField(_("parking compliance"), validators=[MaxValueValidator(100)])
    condition = models.PositiveSmallIntegerField(_("vehicle condition"), validators=[MaxValueValidator(100)])
    dispatch = models.PositiveSmallIntegerField(_("dispatch response"), validators=[MaxValueValidator(100)])
    # Complaints per 1,000 vehicles in the quarter at which the complaints part reaches 0.
    complaints_zero_per_thousand = models.PositiveIntegerField(_("complaints per 1,000 vehicles scoring 0"))
    # Mean dispatch response at or under the target scores 100, at or over the limit 0, linear between.
    dispatch_target_minutes = models.PositiveIntegerField(_("dispatch target (minutes)"))
    dispatch_zero_minutes = models.PositiveIntegerField(_("dispatch minutes scoring 0"))
    source = models.CharField(_("source"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city_code", "effective_from"], name="quota_weights_unique")]
        ordering = ["city_code", "-effective_from"]
        verbose_name = _("evaluation weights")
        verbose_name_plural = _("evaluation weights")

    def __str__(self) -> str:
        return f"{self.city_code} from {self.effective_from}"


class Evaluation(models.Model):
    """A platform's score for a quarter in a city, and the parts it was computed from."""

    city_code = models.CharField(_("city"), max_length=DISTRICT)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    platform_id = models.CharField(_("platform"), max_length=PLATFORM)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    components = models.JSONField(default=dict)
    weights = models.ForeignKey(EvaluationWeights, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city_code", "year", "quarter", "platform_id"],
                                               name="quota_evaluation_unique")]
        ordering = ["city_code", "-year", "-quarter", "-score"]
        verbose_name = _("quarterly evaluation")
        verbose_name_plural = _("quarterly evaluations")

    def __str__(self) -> str:
        return f"{self.platform_id} {self.year}Q{self.quarter}: {self.score}"


class Method(models.TextChoices):
    RANK_SHARES = "rank-shares", _("Rank shares (Xiamen 2019)")
    PENALTY_LADDER = "penalty-ladder", _("Penalty ladder (Tianjin 2019)")


class AllocationRun(models.Model):
    """One allocation: its rule, parameters, inputs and result as computed. Never edited afterwards."""

    city_code = models.CharField(_("city"), max_length=DISTRICT)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    parameters = models.JSONField(default=dict)
    inputs = models.JSONField(default=list)
    result = models.JSONField(default=dict)
    unallocated = models.BigIntegerField(_("withheld"), default=0)
    effective_from = models.DateField(_("effective from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")

    def __str__(self) -> str:
        return f"QA-{self.pk} {self.city_code} {self.year}Q{self.quarter}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("an allocation run is immutable once written")
        super().save(*args, **kwargs)


class Quota(models.Model):
    """The quota table: vehicles a platform may deploy in a zone, from one allocation run."""

    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="quotas")
    platform_id = models.CharField(_("platform"), max_length=PLATFORM)
    zone = models.CharField(_("zone"), max_length=ZONE)
    vehicles = models.BigIntegerField(_("vehicles"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "platform_id", "zone"], name="quota_row_unique")]
        ordering = ["run", "platform_id", "zone"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")

    def __str__(self) -> str:
        return f"{self.platform_id} {self.zone}: {self.vehicles}"
