"""The category tree and what each category asks of a listing.

A category's ``attribute_schema`` is a list of field definitions (plain JSON, so an
operator can add fields without code)::

    {"name": "max_part_mm", "label_zh": "最大加工尺寸", "label_en": "Largest part",
     "type": "int" | "decimal" | "text" | "choice" | "multichoice" | "bool" | "date",
     "unit": "mm", "required": true, "choices": [...], "min": 1, "max": 5000,
     "max_length": 200, "pattern": "^...$", "filterable": true}

``licence_rules`` lists the licences a listing (or its provider, or its users) needs::

    {"code": "special_industry_licence", "label_zh": "特种行业许可证", "label_en": "...",
     "holder": "listing" | "provider" | "customer", "pattern": "^...$", "legal_reference": "..."}
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PriceUnit(models.TextChoices):
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    NIGHT = "night", _("per night")
    # Long-term rental homes are let by the month (住房租赁条例 sets the rent per month in the contract).
    MONTH = "month", _("per month")
    ITEM = "item", _("per item")


class Category(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # The exchange's sector code (parking, homestay, lab_instruments, ...) the hub aggregates by.
    sector = models.CharField(_("sector"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    default_process = models.CharField(_("default transaction process"), max_length=40, blank=True)
    default_unit = models.CharField(_("default price unit"), max_length=8, choices=PriceUnit.choices,
                                    default=PriceUnit.ITEM)
    attribute_schema = models.JSONField(_("attribute schema"), default=list, blank=True)
    licence_rules = models.JSONField(_("licence rules"), default=list, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"


class PlatformCategory(models.Model):
    """A category a platform has enabled, with the fields its operator added."""

    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.CASCADE,
                                 related_name="categories")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="platform_settings")
    is_enabled = models.BooleanField(_("enabled"), default=True)
    extra_fields = models.JSONField(_("additional fields"), default=list, blank=True)
    process = models.CharField(_("transaction process"), max_length=40, blank=True,
                               help_text=_("empty: the category's default"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "category"], name="platform_category_unique")]
        verbose_name = _("platform category")
        verbose_name_plural = _("platform categories")

    def __str__(self) -> str:
        return f"{self.platform} / {self.category}"
