"""Policy targets and the quarterly district evaluation: targets with their sources, the regulator's
designations of headquarters and national leaders, versioned indicator schemes, and evaluation runs
kept as they were computed (a re-run is a new version, never an edit).

Sources (Tianjin's opinions on the platform economy of life services, 天津市人民政府办公厅关于推动生活性
服务领域平台经济健康发展的实施意见, 2023-05-17): the 2025 goals in 一(二) and 二(一)-(四); the quarterly
evaluation and the special fund in 三(一) and 六(二); the support-exit rule (对不达标区域或列入负面清单企业，
不再给予支持) in 六(二). ``hub.evaluation.policy`` holds the citations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.kernel import limits


class Measure(models.TextChoices):
    # Platforms registered in the city (by credit code), all or those of a category's sectors.
    PLATFORMS = "platforms", _("Platforms registered in the city")
    # Platforms an officer recognised (designations), of a kind.
    DESIGNATIONS = "designations", _("Platforms recognised by the city")


class Category(models.TextChoices):
    ALL = "", _("All platform enterprises")
    ECOMMERCE = "ecommerce", _("E-commerce (online sales)")
    RESIDENT_LIFE = "resident_life", _("Resident life services")
    CULTURE_TOURISM_SPORTS = "culture_tourism_sports", _("Culture, tourism and sports")
    MEDICAL_HEALTH = "medical_health", _("Medical and health")


class DesignationKind(models.TextChoices):
    REGIONAL_HQ = "regional_hq", _("Regional headquarters")
    FUNCTIONAL_HQ = "functional_hq", _("Functional headquarters")
    NATIONAL_LEADER = "national_leader", _("National leading platform enterprise")


class PolicyTarget(models.Model):
    """One goal of a city, with the document it comes from. Seeded goals have no author; a city's own
    goals are entered by its city-level officers (audited). ``designation_kinds`` (for the designations
    measure) lists the kinds that count, such as regional and functional headquarters."""

    city_code = models.CharField(_("city"), max_length=6, db_index=True)
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, blank=True)
    designation_kinds = models.JSONField(default=list, blank=True)
    target_value = models.PositiveIntegerField(_("target"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    # From when progress is counted toward the goal (the document's date): the on-track line starts here.
    baseline_date = models.DateField(_("counted from"))
    source_document = models.CharField(_("source document"), max_length=200)
    source_number = models.CharField(_("document number"), max_length=60, blank=True)
    source_article = models.CharField(_("article"), max_length=60)
    source_text = models.CharField(_("wording of the source"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["city_code", "target_year", "id"]
        constraints = [models.UniqueConstraint(fields=["city_code", "code"], name="evaluation_target_code_unique")]
        verbose_name = _("policy target")
        verbose_name_plural = _("policy targets")

    def __str__(self) -> str:
        return f"{self.city_code} {self.code} {self.target_value}/{self.target_year}"


class SectorCategory(models.Model):
    """Which target category a platform's sector counts toward (data, with its reading of the source).
    ``city_code`` empty: the default every city uses unless it maps the sector itself."""

    city_code = models.CharField(_("city"), max_length=6, blank=True)
    sector = models.CharField(_("sector"), max_length=limits.SECTOR_CODE_MAX_LENGTH)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["city_code", "sector"]
        constraints = [models.UniqueConstraint(fields=["city_code", "sector"], name="evaluation_sector_unique")]
        verbose_name = _("sector category")
        verbose_name_plural = _("sector categories")

    def __str__(self) -> str:
        return f"{self.city_code or '*'} {self.sector} -> {self.category}"


class Designation(models.Model):
    """A platform the city recognised as a regional or functional headquarters or a national leader:
    what the exchange cannot tell. Entered by a city-level officer with the decision it rests on;
    audited. A withdrawal (``withdrawn_on`` with its own decision) keeps the row as history: the
    designation counts toward the targets from ``recognised_on`` until the day before ``withdrawn_on``,
    and the platform may be designated again (one active designation of a kind per platform)."""

    city_code = models.CharField(_("city"), max_length=6, db_index=True)
    platform_id = models.CharField(_("platform"), max_length=limits.PLATFORM_ID_MAX_LENGTH)
    kind = models.CharField(_("kind"), max_length=20, choices=DesignationKind.choices)
    decision_reference = models.CharField(_("decision reference"), max_length=120)
    evidence = models.TextField(_("evidence"), max_length=2000)
    recognised_on = models.DateField(_("recognised on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reference = models.CharField(_("withdrawal decision"), max_length=120, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recognised_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["city_code", "platform_id", "kind"],
                                               condition=models.Q(withdrawn_on__isnull=True),
                                               name="evaluation_designation_active_unique")]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")

    def __str__(self) -> str:
        return f"{self.platform_id} {self.kind}"


class IndicatorScheme(models.Model):
    """One version of a city's district evaluation scheme: indicators (code, source, weight, direction)
    and the index below which a district loses support, in force from ``effective_from``. Never
    edited: a change is a new version. ``city_code`` empty: the default every city starts from."""

    city_code = models.CharField(_("city"), max_length=6, blank=True, db_index=True)
    effective_from = models.DateField(_("effective from"))
    indicators = models.JSONField(_("indicators"))
    negative_threshold = models.DecimalField(_("negative-list threshold"), max_digits=5, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["city_code", "-effective_from", "-id"]
        verbose_name = _("indicator scheme")
        verbose_name_plural = _("indicator schemes")

    def __str__(self) -> str:
        return f"{self.city_code or '*'} {self.effective_from}"


class EvaluationRun(models.Model):
    """One evaluation of a city's districts for a quarter, as computed: the scheme it used, the fund it
    shared out, and every district's figures, normalised values, contributions, index, rank and share
    (``districts``), and the enterprises that lose support (``enterprises``). A re-run is a new
    ``version``; rows are never changed."""

    city_code = models.CharField(_("city"), max_length=6, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    version = models.PositiveIntegerField(_("version"))
    scheme = models.ForeignKey(IndicatorScheme, on_delete=models.PROTECT, related_name="runs")
    fund_fen = models.BigIntegerField(_("special fund (fen)"))
    indicators = models.JSONField(_("indicators used"))
    negative_threshold = models.DecimalField(_("negative-list threshold"), max_digits=5, decimal_places=2)
    districts = models.JSONField(_("districts"))
    enterprises = models.JSONField(_("enterprises losing support"), default=list)
    unallocated_fen = models.BigIntegerField(_("not allocated (fen)"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-quarter", "-version"]
        constraints = [models.UniqueConstraint(fields=["city_code", "year", "quarter", "version"],
                                               name="evaluation_run_version_unique")]
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")

    def __str__(self) -> str:
        return f"{self.city_code} {self.year}Q{self.quarter} v{self.version}"
