"""Random inspections (双随机、一公开): ratio rules, items, inspectors, plans, frozen pools and tasks.

A plan's draw is verifiable: ``seed_commitment`` (sha256 of the seed) is published before the draw, the
pools are frozen as rows (``PoolSubject``, ``PoolInspector``) whose canonical serialization hashes to
``pools_hash``, the draw (``hub.inspection.draw``, plain Python) is a function of seed, pools and ratios,
and the seed is revealed after. ``sharecity inspection verify PLAN`` recomputes all of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskClass(models.TextChoices):
    # 国市监信发〔2022〕6号 二(三): enterprises are sorted into four credit risk classes, A (low risk),
    # B (normal), C (raised), D (high). The hub reads them from the credit file's grade (A–D).
    A = "A", _("A: low risk")
    B = "B", _("B: normal risk")
    C = "C", _("C: raised risk")
    D = "D", _("D: high risk")


class RatioRule(models.Model):
    """The share of a risk class drawn for inspection, as data with an effective date and a source.
    ``city_code`` empty: the default every city starts from. A row is never edited: a change is a new row."""

    city_code = models.CharField(_("city"), max_length=6, blank=True, db_index=True)
    risk_class = models.CharField(_("risk class"), max_length=1, choices=RiskClass.choices)
    # Percent of the class's subjects, in hundredths of a percent (500 = 5.00%).
    ratio_min_bp = models.PositiveIntegerField(_("lowest ratio (0.01%)"))
    ratio_max_bp = models.PositiveIntegerField(_("highest ratio (0.01%)"))
    # Class A: not inspected proactively; only a subject a complaint, a data signal or a referral points to.
    pointed_only = models.BooleanField(_("only when pointed to"), default=False)
    on_site = models.BooleanField(_("on site"), default=False)
    effective_from = models.DateField(_("effective from"))
    source_document = models.CharField(_("source document"), max_length=200)
    source_number = models.CharField(_("document number"), max_length=60, blank=True)
    source_article = models.CharField(_("article"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["city_code", "risk_class", "-effective_from", "-id"]
        verbose_name = _("inspection ratio rule")
        verbose_name_plural = _("inspection ratio rules")

    def __str__(self) -> str:
        return f"{self.city_code or '*'} {self.risk_class} {self.ratio_min_bp / 100}–{self.ratio_max_bp / 100}%"


class ItemKind(models.TextChoices):
    # 国市监信发〔2022〕6号 and the SAMR item lists (随机抽查事项清单): general items are checked at a
    # capped share of the drawn subjects; key items (重点检查事项) on every drawn subject, without a cap.
    GENERAL = "general", _("General item (capped ratio)")
    KEY = "key", _("Key item (no cap)")


class InspectionItem(models.Model):
    """One thing inspectors check (随机抽查事项), owned by a department of a city."""

    city_code = models.CharField(_("city"), max_length=6, db_index=True)
    department_kind = models.CharField(_("department kind"), max_length=30)
    code = models.CharField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices)
    # General items: at most this share of the pool is checked on the item, hundredths of a percent.
    cap_bp = models.PositiveIntegerField(_("cap (0.01%)"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        ordering = ["city_code", "department_kind", "code"]
        constraints = [models.UniqueConstraint(fields=["city_code", "code"], name="inspection_item_code_unique")]
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class Inspector(models.Model):
    """An officer in the inspector pool (执法检查人员名录库) of a city's department."""

    city_code = models.CharField(_("city"), max_length=6, db_index=True)
    department_kind = models.CharField(_("department kind"), max_length=30)
    department = models.CharField(_("department"), max_length=120)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    name = models.CharField(_("name"), max_length=60)
    badge = models.CharField(_("badge number"), max_length=30)
    # The district bureau the officer works for; empty for the city's own department.
    unit_district_code = models.CharField(_("unit district"), max_length=6, blank=True)
    residence_district_code = models.CharField(_("residence district"), max_length=6, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["city_code", "department_kind", "badge"]
        constraints = [models.UniqueConstraint(fields=["city_code", "badge"], name="inspector_badge_unique")]
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")

    def __str__(self) -> str:
        return f"{self.name} ({self.badge})"


class InspectorConnection(models.Model):
    """A connection an inspector declared to a subject (kin, former employer, shareholding): recusal."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="connections")
    subject_id = models.BigIntegerField(_("credit subject"))
    reason = models.CharField(_("reason"), max_length=200)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspector", "subject_id"], name="inspector_connection_unique")]
        verbose_name = _("declared connection")
        verbose_name_plural = _("declared connections")

    def __str__(self) -> str:
        return f"{self.inspector_id} ~ {self.subject_id}"


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMMITTED = "committed", _("Seed committed, pools frozen")
    DRAWN = "drawn", _("Drawn")
    REVEALED = "revealed", _("Seed revealed")


class InspectionPlan(models.Model):
    """A random inspection plan (抽查计划) of a city, or of one district's bureau."""

    city_code = models.CharField(_("city"), max_length=6, db_index=True)
    # The owning bureau's district; empty: a city-level plan.
    district_code = models.CharField(_("district"), max_length=6, blank=True)
    title = models.CharField(_("title"), max_length=120)
    # Several departments: a joint plan (进一次门、查多项事): one visit per subject checks all their items.
    departments = models.JSONField(_("departments"), default=list)
    sector = models.CharField(_("sector"), max_length=40, blank=True)
    districts = models.JSONField(_("districts"), default=list)
    items = models.ManyToManyField(InspectionItem, related_name="plans")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    recuse_residence = models.BooleanField(_("recuse inspectors from their residence district"), default=False)
    inspectors_per_task = models.PositiveSmallIntegerField(_("inspectors per task"), default=2)
    # Working days a task has from the draw to the inspection.
    task_workdays = models.PositiveSmallIntegerField(_("working days per task"), default=20)
    # Chosen ratio per class, in 0.01% (validated against the RatioRule in force), frozen at commit.
    ratios_bp = models.JSONField(_("ratios"), default=dict)
    state = models.CharField(_("state"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    seed_commitment = models.CharField(_("seed commitment (sha256)"), max_length=64, blank=True)
    # Secret until ``revealed_at``; never shown or served before.
    seed = models.CharField(max_length=64, blank=True)
    pools_hash = models.CharField(_("pools hash (sha256)"), max_length=64, blank=True)
    draw_digest = models.CharField(_("draw digest (sha256)"), max_length=64, blank=True)
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("drawn"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("revealed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self) -> str:
        return self.title


class PlanPointer(models.Model):
    """A subject of class A (or any class) a complaint, a data signal or a referral points to: the only
    way a class-A subject enters the draw (国市监信发〔2022〕6号 二(四))."""

    class Source(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        SIGNAL = "signal", _("Data signal (warning)")
        REFERRAL = "referral", _("Referral")

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="pointers")
    subject_id = models.BigIntegerField(_("credit subject"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=300)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "subject_id"], name="plan_pointer_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.subject_id} ({self.source})"


class PoolSubject(models.Model):
    """A subject frozen into a plan's pool at commit: what the draw reads, hashed into ``pools_hash``."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="pool_subjects")
    subject_id = models.BigIntegerField()
    kind = models.CharField(max_length=12)
    label = models.CharField(max_length=140)
    district_code = models.CharField(max_length=6, blank=True)
    platform_id = models.CharField(max_length=64, blank=True)
    risk_class = models.CharField(max_length=1, choices=RiskClass.choices)
    pointed = models.BooleanField(default=False)
    pointer_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "subject_id"]
        constraints = [models.UniqueConstraint(fields=["plan", "subject_id"], name="pool_subject_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.subject_id} {self.risk_class}"


class PoolInspector(models.Model):
    """An inspector frozen into a plan's pool at commit, with the connections declared by then."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="pool_inspectors")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="+")
    department_kind = models.CharField(max_length=30)
    residence_district_code = models.CharField(max_length=6, blank=True)
    connected_subject_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["plan", "inspector_id"]
        constraints = [models.UniqueConstraint(fields=["plan", "inspector"], name="pool_inspector_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id}: inspector {self.inspector_id}"


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    RESULT = "result", _("Result recorded")
    PUBLISHED = "published", _("Published")


class InspectionTask(models.Model):
    """One drawn subject: one visit by the drawn inspectors checking the drawn items."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="tasks")
    rank = models.PositiveIntegerField()
    pool_subject = models.ForeignKey(PoolSubject, on_delete=models.PROTECT, related_name="tasks")
    inspector_ids = models.JSONField(default=list)
    item_codes = models.JSONField(default=list)
    on_site = models.BooleanField(default=False)
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    items_checked = models.JSONField(_("items checked"), default=list)
    # The items on which the violation was found: in a joint plan each department answers for its own.
    items_failed = models.JSONField(_("items failed"), default=list)
    findings = models.TextField(_("findings"), blank=True)
    violation_found = models.BooleanField(_("violation found"), null=True)
    result_recorded_at = models.DateTimeField(null=True, blank=True)
    result_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    publish_due = models.DateField(_("publish by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    directive_message_id = models.CharField(max_length=64, blank=True)
    credit_record_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "rank"]
        constraints = [models.UniqueConstraint(fields=["plan", "rank"], name="inspection_task_rank_unique")]
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")

    def __str__(self) -> str:
        return f"{self.plan_id}#{self.rank}"
