"""Writes of the open data portal: the refresh that rebuilds datasets from the duties' selectors and keeps
each changed result as a new immutable version (row count, hash, time), audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sharecity.hub.audit.services import audit_record
from sharecity.hub.opendata.catalog import REGISTRY, BuildContext, DatasetSpec
from sharecity.hub.opendata.models import DatasetVersion
from sharecity.kernel.errors import NotFound
from sharecity.kernel.timeutil import CITY_TZ


def content_hash(fields: list[dict], rows: list[dict]) -> str:
    text = json.dumps({"fields": fields, "rows": rows}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _fields(spec: DatasetSpec) -> list[dict]:
    return [
        {"name": f.name, "type": f.type, "title_zh": f.title_zh, "title_en": f.title_en, "description": f.description}
        for f in spec.fields
    ]


@dataclass
class Refreshed:
    dataset: str
    version: int
    created: bool
    row_count: int


def dataset_refresh(*, name: str, now: dt.datetime | None = None) -> Refreshed:
    """Build one dataset and keep it as the next version when its rows (or fields) changed; otherwise the
    latest version stands (idempotent). Refused for a name the catalogue does not hold."""
    spec = REGISTRY.get(name)
    if spec is None:
        raise NotFound(f"No dataset {name!r} in the catalogue.", field="name", code="opendata.no_dataset")
    now = now or timezone.now()
    with transaction.atomic():
        built = spec.build(BuildContext(today=now.astimezone(CITY_TZ).date()))
        names = [f.name for f in spec.fields]
        rows = [{key: row.get(key) for key in names} for row in built.rows]
        fields = _fields(spec)
        digest = content_hash(fields, rows)
        latest = DatasetVersion.objects.select_for_update().filter(dataset=name).order_by("-version").first()
        if latest is not None and latest.sha256 == digest:
            return Refreshed(dataset=name, version=latest.version, created=False, row_count=latest.row_count)
        metadata = {
            "temporal_start": built.temporal_start.isoformat() if built.temporal_start else None,
            "temporal_end": built.temporal_end.isoformat() if built.temporal_end else None,
            "spatial": list(built.spatial),
            "privacy": built.privacy,
            "licence": spec.licence,
            "frequency": spec.frequency,
            "publisher": spec.publisher,
        }
        version = DatasetVersion.objects.create(
            dataset=name,
            version=(latest.version + 1) if latest else 1,
            created_at=now,
            row_count=len(rows),
            sha256=digest,
            fields=fields,
            rows=rows,
            metadata=metadata,
        )
        audit_record(
            actor=None,
            actor_label="opendata",
            action="opendata.version_published",
            object_type="dataset",
            object_id=name,
            detail={"version": version.version, "rows": len(rows), "sha256": digest},
            now=now,
        )
    return Refreshed(dataset=name, version=version.version, created=True, row_count=len(rows))


def datasets_refresh(*, names: list[str] | None = None, now: dt.datetime | None = None) -> list[Refreshed]:
    """Every dataset of the catalogue (or those named), each in its own transaction."""
    return [dataset_refresh(name=name, now=now) for name in (names or sorted(REGISTRY))]
