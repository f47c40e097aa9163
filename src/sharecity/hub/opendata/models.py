"""The open data portal's own tables: immutable dataset versions (every refresh that changes a dataset adds
one, with its rows, row count, hash and time), the privacy ledger of small-area counts released once, and
the disclosure-control rule (threshold and budget) as data with an effective date.

Source: 厦府办〔2019〕13号《厦门市促进共享经济健康发展实施方案》四(三)5 推动政务数据开放 (公共数据资源汇聚与开放,
加快建设统一的数据资源开放平台); 四(四)6 依法严厉打击泄露、篡改和滥用用户个人信息 (no dataset singles out a person).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DatasetVersion(models.Model):
    """One published state of a dataset. Never edited: a refresh whose rows differ adds the next version."""

    dataset = models.CharField(_("dataset"), max_length=100, db_index=True)
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("published"), default=timezone.now)
    row_count = models.PositiveIntegerField(_("rows"))
    sha256 = models.CharField(_("SHA-256 of the rows"), max_length=64)
    fields = models.JSONField(_("fields"))
    rows = models.JSONField(_("rows"))
    # What the dataset said about itself at the time: coverage, privacy method and budget, licence.
    metadata = models.JSONField(_("metadata"), default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "version"], name="opendata_version_unique")]
        ordering = ["dataset", "-version"]
        verbose_name = _("dataset version")
        verbose_name_plural = _("dataset versions")

    def __str__(self) -> str:
        return f"{self.dataset} v{self.version}"


class ReleasedCell(models.Model):
    """A small-area cell (e.g. a district, sector and month) as it was first released: measured once,
    with its noise, and reused by every later version, so two releases differ in no released cell and
    differencing them reveals nothing (a fresh measurement would spend the privacy budget again)."""

    dataset = models.CharField(max_length=100)
    period = models.DateField()
    key = models.CharField(max_length=200)
    values = models.JSONField()
    suppressed = models.BooleanField(default=False)
    rule = models.ForeignKey("DisclosureRule", on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "period", "key"], name="opendata_cell_unique")]

    def __str__(self) -> str:
        return f"{self.dataset} {self.period} {self.key}"


class DisclosureRule(models.Model):
    """Statistical disclosure control in force from ``effective_from``: a cell counting fewer than
    ``threshold`` distinct people (providers or customers) is suppressed whole; every count that is released
    carries discrete Laplace noise of scale 1/``epsilon`` (OpenDP ``make_laplace`` over integers)."""

    effective_from = models.DateField(_("effective from"))
    threshold = models.PositiveSmallIntegerField(_("minimum people in a cell"))
    epsilon = models.DecimalField(_("privacy budget ε per released count"), max_digits=6, decimal_places=3)
    source = models.CharField(_("source"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("disclosure rule")
        verbose_name_plural = _("disclosure rules")

    def __str__(self) -> str:
        return f"{self.effective_from}: k={self.threshold}, ε={self.epsilon}"
