"""Reads of the warning duty, scoped by the caller's jurisdiction (city, and district for a district
bureau: a warning of no district is the city's, seen by its city-level officers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.warnings.models import LodgingLicence, RuleSetting, Warning, WarningScan
from sharecity.kernel.errors import NotFound


@dataclass(frozen=True)
class WarningFilters:
    status: str = ""
    rule: str = ""
    severity: str = ""
    district: str = ""
    platform: str = ""
    subject_ref: str = ""


def warning_list(*, jurisdiction: Jurisdiction, filters: WarningFilters = WarningFilters()) -> QuerySet[Warning]:
    warnings = jurisdiction.filter_scoped(Warning.objects.all())
    for name, column in (("status", "status"), ("rule", "rule"), ("severity", "severity"),
                         ("district", "district_code"), ("platform", "platform_id"), ("subject_ref", "subject_ref")):
        value = getattr(filters, name)
        if value:
            warnings = warnings.filter(**{column: value})
    return warnings.order_by("-raised_at", "-id")


def warning_get(*, jurisdiction: Jurisdiction, warning_id: int) -> Warning:
    warning = Warning.objects.filter(pk=warning_id).first()
    if warning is None or not jurisdiction.covers_scoped(warning.city_code, warning.district_code):
        raise NotFound(_("No such warning."), field="warning_id", code="warnings.not_found")
    return warning


def warning_counts(*, jurisdiction: Jurisdiction) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in jurisdiction.filter_scoped(Warning.objects.all()).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def setting_for(*, rule: str, day: dt.date) -> RuleSetting | None:
    """The version of the rule's parameters in effect on ``day`` (None before its first version)."""
    return RuleSetting.objects.filter(rule=rule, effective_from__lte=day).order_by("-effective_from").first()


def settings_in_effect(*, day: dt.date) -> list[RuleSetting]:
    rules = RuleSetting.objects.order_by("rule").values_list("rule", flat=True).distinct()
    return [setting for rule in rules if (setting := setting_for(rule=rule, day=day)) is not None]


def licensed_holders(*, day: dt.date) -> set[tuple[str, str]]:
    """(city code, holder key) of every lodging licence valid on ``day``."""
    valid = LodgingLicence.objects.filter(valid_from__lte=day).exclude(valid_until__lt=day)
    return set(valid.values_list("city_code", "holder_key"))


def last_scan() -> WarningScan | None:
    return WarningScan.objects.filter(finished_at__isnull=False, skipped=False).first()
