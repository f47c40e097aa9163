"""Reads of the open data portal: versions of the catalogue's datasets (public: no jurisdiction)."""

from __future__ import annotations

from django.db.models import QuerySet

from sharecity.hub.opendata.catalog import REGISTRY
from sharecity.hub.opendata.models import DatasetVersion, DisclosureRule


def latest_versions() -> dict[str, DatasetVersion]:
    """name -> the latest version, for every catalogued dataset that has one (rows not loaded)."""
    found: dict[str, DatasetVersion] = {}
    for version in (
        DatasetVersion.objects.filter(dataset__in=list(REGISTRY)).defer("rows").order_by("dataset", "-version")
    ):
        found.setdefault(version.dataset, version)
    return found


def first_versions() -> dict[str, DatasetVersion]:
    found: dict[str, DatasetVersion] = {}
    for version in (
        DatasetVersion.objects.filter(dataset__in=list(REGISTRY)).defer("rows").order_by("dataset", "version")
    ):
        found.setdefault(version.dataset, version)
    return found


def versions_of(name: str) -> QuerySet[DatasetVersion]:
    return DatasetVersion.objects.filter(dataset=name).defer("rows").order_by("-version")


def version_get(name: str, version: int | None = None) -> DatasetVersion | None:
    """The version (the latest when None), with its rows, or None."""
    rows = DatasetVersion.objects.filter(dataset=name)
    if version is not None:
        return rows.filter(version=version).first() if 0 < version < 2**31 else None
    return rows.order_by("-version").first()


def disclosure_rules() -> QuerySet[DisclosureRule]:
    return DisclosureRule.objects.order_by("-effective_from", "-id")
