"""A dataset version as files: CSV (UTF-8, header of field names), JSON (an array of records), XLSX
(openpyxl) and the Frictionless data package descriptor (datapackage.json) that describes the CSV."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from sharecity.hub.opendata.catalog import LICENCES, DatasetSpec
from sharecity.hub.opendata.models import DatasetVersion

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_csv(version: DatasetVersion) -> bytes:
    out = io.StringIO()
    names = [f["name"] for f in version.fields]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in version.rows:
        writer.writerow([_cell(row.get(name)) for name in names])
    return out.getvalue().encode("utf-8")


def as_json(version: DatasetVersion) -> bytes:
    return json.dumps(version.rows, ensure_ascii=False, indent=1).encode("utf-8")


def as_xlsx(version: DatasetVersion) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(version.dataset[:31])
    names = [f["name"] for f in version.fields]
    sheet.append(names)
    for row in version.rows:
        # A control character XML cannot hold would stop the workbook: it becomes U+FFFD.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v
                      for v in (row.get(name) for name in names)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(version: DatasetVersion, fmt: str) -> bytes:
    return {"csv": as_csv, "json": as_json, "xlsx": as_xlsx}[fmt](version)


def datapackage(spec: DatasetSpec, version: DatasetVersion, *, csv_path: str | None = None) -> dict:
    """The Frictionless Data Package descriptor of the version: one tabular resource (the CSV) with its Table
    Schema; ``csv_path`` where the CSV is (a URL, or a file name beside the descriptor)."""
    licence = LICENCES[spec.licence]
    meta = version.metadata or {}
    schema: dict = {
        "fields": [
            {
                "name": f["name"],
                "type": f["type"],
                "title": f["title_zh"],
                "description": f["title_en"] + (f" — {f['description']}" if f["description"] else ""),
            }
            for f in version.fields
        ],
        "missingValues": [""],
    }
    if spec.primary_key:
        schema["primaryKey"] = list(spec.primary_key)
    descriptor = {
        "profile": "tabular-data-package",
        "name": spec.name,
        "title": f"{spec.title_zh} / {spec.title_en}",
        "version": f"{version.version}.0.0",
        "created": version.created_at.isoformat(timespec="seconds"),
        "description": spec.notes_zh + "\n\n" + spec.notes_en,
        "licenses": [
            {
                "name": licence.id.upper() if licence.id.startswith("cc") else licence.id,
                "path": licence.url,
                "title": licence.title,
            }
        ],
        "keywords": list(spec.tags),
        "sources": [{"title": spec.source}] if spec.source else [],
        "resources": [
            {
                "name": spec.name,
                "path": csv_path or f"{spec.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
                "hash": f"sha256:{_sha256(as_csv(version))}",
                "bytes": len(as_csv(version)),
            }
        ],
        "sharecity": {
            "publisher": spec.publisher,
            "frequency": spec.frequency,
            "temporal": {"start": meta.get("temporal_start"), "end": meta.get("temporal_end")},
            "spatial": meta.get("spatial", []),
            "privacy": meta.get("privacy"),
            "rows": version.row_count,
            "rows_sha256": version.sha256,
        },
    }
    return descriptor


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
