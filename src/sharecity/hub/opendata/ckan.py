"""CKAN's Action API (version 3) over the catalogue: each action takes the request's parameters (a GET's
query string or a POST's JSON object, as CKAN accepts both) and returns CKAN's ``result`` or raises
:class:`CkanError`, which the view wraps in CKAN's envelope with CKAN's status (400 bad request, 404 not
found, 409 validation error). See https://docs.ckan.org/en/2.10/api/ (ckan.logic.action.get)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable

from sharecity.hub.opendata import selectors
from sharecity.hub.opendata.catalog import FIELD_TYPES, GROUPS, LICENCES, ORGANIZATIONS, REGISTRY, DatasetSpec
from sharecity.hub.opendata.models import DatasetVersion

TABULAR = ("csv", "json", "xlsx")
MAX_ROWS = 1000  # package_search: CKAN's ckan.search.rows_max default
MAX_LIMIT = 32000  # datastore_search: CKAN's ckan.datastore.search.rows_max default
DEFAULT_LIMIT = 100
MAX_TEXT = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CkanError(Exception):
    def __init__(self, status: int, kind: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.field = status, kind, message, field

    def as_error(self) -> dict:
        error: dict = {"__type": self.kind, "message": self.message}
        if self.field:
            error[self.field] = [self.message]
        return error


def invalid(field: str, message: str) -> CkanError:
    return CkanError(409, "Validation Error", message, field)


def not_found(message: str = "Not found") -> CkanError:
    return CkanError(404, "Not Found Error", message)


# ---- parameters --------------------------------------------------------------------------------------------


def _text(params: dict, name: str, default: str = "", *, max_length: int = MAX_TEXT) -> str:
    value = params.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise invalid(name, f"{name}: give text, not {type(value).__name__}")
    if len(value) > max_length:
        raise invalid(name, f"{name}: at most {max_length} characters")
    if _CONTROL.search(value):
        raise invalid(name, f"{name}: control characters are not allowed")
    return value.strip()


def _int(params: dict, name: str, default: int, *, low: int, high: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool):
        raise invalid(name, f"{name}: give a whole number")
    if isinstance(value, str):
        if not re.fullmatch(r"\s*-?\d{1,12}\s*", value):
            raise invalid(name, f"{name}: give a whole number")
        value = int(value)
    if not isinstance(value, int):
        raise invalid(name, f"{name}: give a whole number")
    if not low <= value <= high:
        raise invalid(name, f"{name}: must be between {low} and {high}")
    return value


def _bool(params: dict, name: str, default: bool) -> bool:
    value = params.get(name, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        return value.lower() in ("true", "1", "yes", "on")
    raise invalid(name, f"{name}: give true or false")


def _json_param(params: dict, name: str, expected: type, default):
    """A structured parameter: as JSON text in a query string, or the value itself in a JSON body."""
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, str):
        if len(value) > 10_000:
            raise invalid(name, f"{name}: at most 10000 characters")
        if expected is list and not value.lstrip().startswith("["):
            value = [part.strip() for part in value.split(",") if part.strip()]
        else:
            try:
                value = json.loads(value)
            except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
                raise invalid(name, f"{name}: not valid JSON") from None
    if not isinstance(value, expected):
        raise invalid(name, f"{name}: give a JSON {'object' if expected is dict else 'array'}")
    return value


# ---- shapes -----------------------------------------------------------------------------------------------


def organization_dict(name: str, *, count: int | None = None, language: str = "zh-hans") -> dict:
    org = ORGANIZATIONS[name]
    zh = language.startswith("zh")
    return {
        "id": org.name,
        "name": org.name,
        "title": org.title_zh if zh else org.title_en,
        "display_name": org.title_zh if zh else org.title_en,
        "title_zh": org.title_zh,
        "title_en": org.title_en,
        "description": org.description_zh if zh else org.description_en,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "package_count": count if count is not None else sum(1 for s in REGISTRY.values() if s.publisher == name),
    }


def group_dict(name: str, *, language: str = "zh-hans") -> dict:
    group = GROUPS[name]
    zh = language.startswith("zh")
    return {
        "id": group.name,
        "name": group.name,
        "title": group.title_zh if zh else group.title_en,
        "display_name": group.title_zh if zh else group.title_en,
        "title_zh": group.title_zh,
        "title_en": group.title_en,
        "type": "group",
        "is_organization": False,
        "state": "active",
        "package_count": sum(1 for s in REGISTRY.values() if name in s.groups),
    }


def resource_dicts(spec: DatasetSpec, version: DatasetVersion | None, base: str) -> list[dict]:
    if version is None:
        return []
    names = {"csv": "CSV", "json": "JSON", "xlsx": "XLSX"}
    resources = []
    for position, fmt in enumerate(TABULAR):
        resources.append(
            {
                "id": f"{spec.name}.{fmt}",
                "package_id": spec.name,
                "name": f"{spec.title_zh} ({names[fmt]})",
                "description": spec.title_en,
                "format": names[fmt],
                "mimetype": _mimetype(fmt),
                "url": f"{base}/opendata/dataset/{spec.name}/download/{spec.name}.{fmt}",
                "position": position,
                "datastore_active": True,
                "state": "active",
                "created": version.created_at.isoformat(),
                "last_modified": version.created_at.isoformat(),
                "hash": version.sha256,
                "rows": version.row_count,
                "url_type": "",
                "resource_type": "file.upload" if fmt != "json" else "api",
            }
        )
    resources.append(
        {
            "id": f"{spec.name}.datapackage",
            "package_id": spec.name,
            "name": "datapackage.json",
            "description": "Frictionless Data Package descriptor",
            "format": "JSON",
            "mimetype": "application/json",
            "url": f"{base}/opendata/dataset/{spec.name}/download/datapackage.json",
            "position": len(TABULAR),
            "datastore_active": False,
            "state": "active",
            "created": version.created_at.isoformat(),
            "last_modified": version.created_at.isoformat(),
            "hash": "",
            "url_type": "",
            "resource_type": "metadata",
        }
    )
    return resources


def _mimetype(fmt: str) -> str:
    from sharecity.hub.opendata.exports import FORMATS

    return FORMATS[fmt].split(";")[0]


def package_dict(
    spec: DatasetSpec,
    *,
    latest: DatasetVersion | None,
    first: DatasetVersion | None,
    base: str,
    language: str = "zh-hans",
) -> dict:
    zh = language.startswith("zh")
    licence = LICENCES[spec.licence]
    meta = (latest.metadata if latest else {}) or {}
    privacy = meta.get("privacy")
    extras = {
        "frequency": spec.frequency,
        "publisher_department": ORGANIZATIONS[spec.publisher].title_zh,
        "temporal_start": meta.get("temporal_start") or "",
        "temporal_end": meta.get("temporal_end") or "",
        "spatial": ",".join(meta.get("spatial") or []),
        "spatial_scheme": "GB/T 2260",
        "source": spec.source,
        "rows": str(latest.row_count) if latest else "0",
        "sha256": latest.sha256 if latest else "",
        "privacy_method": privacy["method"] if privacy else "",
        "privacy_epsilon": str(privacy["epsilon_per_count"]) if privacy else "",
        "privacy_threshold": str(privacy["threshold"]) if privacy else "",
    }
    return {
        "id": spec.name,
        "name": spec.name,
        "title": spec.title_zh if zh else spec.title_en,
        "title_zh": spec.title_zh,
        "title_en": spec.title_en,
        "notes": spec.notes_zh if zh else spec.notes_en,
        "notes_zh": spec.notes_zh,
        "notes_en": spec.notes_en,
        "type": "dataset",
        "state": "active",
        "private": False,
        "license_id": licence.id,
        "license_title": licence.title,
        "license_url": licence.url,
        "owner_org": spec.publisher,
        "organization": organization_dict(spec.publisher, language=language),
        "groups": [group_dict(g, language=language) for g in spec.groups],
        "tags": [{"name": t, "display_name": t, "state": "active"} for t in spec.tags],
        "num_tags": len(spec.tags),
        "version": str(latest.version) if latest else "",
        "frequency": spec.frequency,
        "metadata_created": first.created_at.isoformat() if first else None,
        "metadata_modified": latest.created_at.isoformat() if latest else None,
        "temporal_coverage": {"start": meta.get("temporal_start"), "end": meta.get("temporal_end")},
        "spatial_coverage": meta.get("spatial") or [],
        "privacy": privacy,
        "extras": [{"key": key, "value": value} for key, value in extras.items()],
        "resources": (resources := resource_dicts(spec, latest, base)),
        "num_resources": len(resources),
        "url": f"{base}/opendata/dataset/{spec.name}/",
    }


# ---- actions ------------------------------------------------------------------------------------------------


class Context:
    def __init__(self, base: str, language: str) -> None:
        self.base, self.language = base, language
        self._latest: dict[str, DatasetVersion] | None = None
        self._first: dict[str, DatasetVersion] | None = None

    def latest(self) -> dict[str, DatasetVersion]:
        if self._latest is None:
            self._latest = selectors.latest_versions()
        return self._latest

    def first(self) -> dict[str, DatasetVersion]:
        if self._first is None:
            self._first = selectors.first_versions()
        return self._first

    def package(self, spec: DatasetSpec) -> dict:
        return package_dict(
            spec,
            latest=self.latest().get(spec.name),
            first=self.first().get(spec.name),
            base=self.base,
            language=self.language,
        )


def _spec(params: dict, name: str = "id") -> DatasetSpec:
    key = _text(params, name, max_length=200) or _text(params, "name" if name == "id" else name, max_length=200)
    if not key:
        raise invalid(name, f"{name}: Missing value")
    spec = REGISTRY.get(key)
    if spec is None:
        raise not_found()
    return spec


def package_list(params: dict, ctx: Context) -> list[str]:
    names = sorted(REGISTRY)
    limit = _int(params, "limit", len(names), low=0, high=MAX_ROWS) if "limit" in params else len(names)
    offset = _int(params, "offset", 0, low=0, high=10**9)
    return names[offset : offset + limit]


def package_show(params: dict, ctx: Context) -> dict:
    return ctx.package(_spec(params))


_FQ = re.compile(r'([+-]?)([a-z_]+):(?:"([^"]*)"|(\S+))')
FQ_FIELDS = ("organization", "tags", "groups", "res_format", "name", "license_id", "frequency")
FACET_FIELDS = ("organization", "tags", "groups", "res_format", "license_id", "frequency")
SORTS = {
    "name": lambda p: p["name"],
    "title_string": lambda p: p["title"],
    "metadata_modified": lambda p: p["metadata_modified"] or "",
    "metadata_created": lambda p: p["metadata_created"] or "",
    "score": lambda p: p["_score"],
}


def _values(package: dict, field: str) -> list[str]:
    if field == "organization":
        return [package["organization"]["name"]]
    if field == "tags":
        return [t["name"] for t in package["tags"]]
    if field == "groups":
        return [g["name"] for g in package["groups"]]
    if field == "res_format":
        return sorted({r["format"] for r in package["resources"]})
    return [str(package.get(field, ""))]


def _fq_parse(fq: str) -> list[tuple[bool, str, str]]:
    clauses = []
    rest = _FQ.sub(
        lambda m: (
            clauses.append((m.group(1) != "-", m.group(2), m.group(3) if m.group(3) is not None else m.group(4))) or ""
        ),
        fq,
    )
    if rest.replace("AND", "").strip():
        raise invalid(
            "fq",
            "fq: use field:value clauses (organization, tags, groups, res_format, name, license_id, "
            "frequency), values with spaces in double quotes",
        )
    for _keep, field, _value in clauses:
        if field not in FQ_FIELDS:
            raise invalid("fq", f"fq: unknown field {field!r}; one of {', '.join(FQ_FIELDS)}")
    return clauses


def _score(package: dict, terms: list[str]) -> int:
    if not terms:
        return 1
    haystack = " ".join(
        [
            package["name"],
            package["title_zh"],
            package["title_en"],
            package["notes_zh"],
            package["notes_en"],
            *(t["name"] for t in package["tags"]),
            package["organization"]["title_zh"],
            package["organization"]["title_en"],
        ]
    ).lower()
    hits = [haystack.count(term) for term in terms]
    return sum(hits) if all(hits) else 0


def package_search(params: dict, ctx: Context) -> dict:
    q = _text(params, "q")
    fq = _text(params, "fq")
    rows = _int(params, "rows", 10, low=0, high=MAX_ROWS)
    start = _int(params, "start", 0, low=0, high=10**9)
    sort = _text(params, "sort", "score desc, metadata_modified desc", max_length=200)
    facet_fields = _json_param(params, "facet.field", list, [])
    facet_limit = _int(params, "facet.limit", 50, low=-1, high=1000)
    if not all(isinstance(f, str) for f in facet_fields) or len(facet_fields) > 20:
        raise invalid("facet.field", "facet.field: give a list of at most 20 field names")
    unknown = [f for f in facet_fields if f not in FACET_FIELDS]
    if unknown:
        raise invalid("facet.field", f"facet.field: unknown {unknown[0]!r}; one of {', '.join(FACET_FIELDS)}")
    order = []
    for part in [p.strip() for p in sort.split(",") if p.strip()]:
        bits = part.split()
        if len(bits) > 2 or bits[0] not in SORTS or (len(bits) == 2 and bits[1] not in ("asc", "desc")):
            raise invalid("sort", f"sort: use 'field asc|desc' with a field of {', '.join(SORTS)}")
        order.append((bits[0], len(bits) == 2 and bits[1] == "desc"))
    terms = [] if q in ("", "*:*") else [t.lower() for t in q.replace(":", " ").split() if t]
    clauses = _fq_parse(fq)
    found = []
    for spec in REGISTRY.values():
        package = ctx.package(spec)
        score = _score(package, terms)
        if not score:
            continue
        if any((value in _values(package, field)) != keep for keep, field, value in clauses):
            continue
        found.append({**package, "_score": score})
    for field, descending in reversed(order):
        found.sort(key=SORTS[field], reverse=descending)
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, dict] = {}
    for field in facet_fields:
        counts = Counter(value for p in found for value in _values(p, field))
        items = counts.most_common(None if facet_limit < 0 else facet_limit)
        facets[field] = dict(items)
        search_facets[field] = {
            "title": field,
            "items": [
                {"name": value, "display_name": _display(field, value, ctx.language), "count": count}
                for value, count in items
            ],
        }
    results = [{k: v for k, v in p.items() if k != "_score"} for p in found[start : start + rows]]
    return {"count": len(found), "results": results, "facets": facets, "search_facets": search_facets, "sort": sort}


def _display(field: str, value: str, language: str) -> str:
    zh = language.startswith("zh")
    if field == "organization" and value in ORGANIZATIONS:
        return ORGANIZATIONS[value].title_zh if zh else ORGANIZATIONS[value].title_en
    if field == "groups" and value in GROUPS:
        return GROUPS[value].title_zh if zh else GROUPS[value].title_en
    return value


def organization_list(params: dict, ctx: Context) -> list:
    all_fields = _bool(params, "all_fields", False)
    names = sorted(ORGANIZATIONS)
    return [organization_dict(n, language=ctx.language) for n in names] if all_fields else names


def organization_show(params: dict, ctx: Context) -> dict:
    key = _text(params, "id", max_length=200)
    if not key:
        raise invalid("id", "id: Missing value")
    if key not in ORGANIZATIONS:
        raise not_found()
    result = organization_dict(key, language=ctx.language)
    if _bool(params, "include_datasets", False):
        result["packages"] = [ctx.package(s) for s in REGISTRY.values() if s.publisher == key]
    return result


def group_list(params: dict, ctx: Context) -> list:
    all_fields = _bool(params, "all_fields", False)
    names = sorted(GROUPS)
    return [group_dict(n, language=ctx.language) for n in names] if all_fields else names


def group_show(params: dict, ctx: Context) -> dict:
    key = _text(params, "id", max_length=200)
    if not key:
        raise invalid("id", "id: Missing value")
    if key not in GROUPS:
        raise not_found()
    return group_dict(key, language=ctx.language)


def tag_list(params: dict, ctx: Context) -> list[str]:
    query = _text(params, "query", max_length=200).lower()
    tags = sorted({t for spec in REGISTRY.values() for t in spec.tags})
    return [t for t in tags if query in t.lower()]


def _resource(params: dict, ctx: Context, name: str = "id") -> tuple[DatasetSpec, str, dict]:
    key = _text(params, name, max_length=200)
    if not key:
        raise invalid(name, f"{name}: Missing value")
    dataset, _dot, fmt = key.rpartition(".")
    spec = REGISTRY.get(dataset)
    if spec is None:
        raise not_found("Resource was not found.")
    for resource in ctx.package(spec)["resources"]:
        if resource["id"] == key:
            return spec, fmt, resource
    raise not_found("Resource was not found.")


def resource_show(params: dict, ctx: Context) -> dict:
    return _resource(params, ctx)[2]


def _datastore_filter_value(field: str, value, kind: str):
    values = value if isinstance(value, list) else [value]
    if len(values) > 100:
        raise invalid("filters", f"filters: at most 100 values for {field}")
    for v in values:
        if v is not None and not isinstance(v, (str, int, float, bool)):
            raise invalid("filters", f"filters: {field}: give a value or a list of values")
        if isinstance(v, str) and (len(v) > MAX_TEXT or _CONTROL.search(v)):
            raise invalid("filters", f"filters: {field}: text of at most {MAX_TEXT} characters, no control characters")
    return [_plain(v) for v in values]


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def datastore_search(params: dict, ctx: Context) -> dict:
    spec, fmt, resource = _resource(params, ctx, "resource_id")
    if fmt not in TABULAR:
        raise not_found(f"Resource \"{resource['id']}\" was not found.")
    version_number = _int(params, "version", 0, low=0, high=2**31 - 1) if "version" in params else None
    version = selectors.version_get(spec.name, version_number or None)
    if version is None:
        raise not_found("Resource was not found.")
    limit = _int(params, "limit", DEFAULT_LIMIT, low=0, high=MAX_LIMIT)
    offset = _int(params, "offset", 0, low=0, high=10**9)
    types = {f["name"]: f["type"] for f in version.fields}
    filters = _json_param(params, "filters", dict, {})
    if len(filters) > 50:
        raise invalid("filters", "filters: at most 50 fields")
    wanted: dict[str, list[str]] = {}
    for field, value in filters.items():
        if field not in types and field != "_id":
            raise invalid("filters", f"filters: field {field!r} not in the resource")
        wanted[field] = _datastore_filter_value(field, value, types.get(field, "integer"))
    q = params.get("q", "")
    if isinstance(q, dict):
        for field, text in q.items():
            if field not in types or not isinstance(text, str) or len(text) > MAX_TEXT or _CONTROL.search(text):
                raise invalid("q", f"q: {field!r}: a field of the resource and text")
        q_fields = {field: text.lower() for field, text in q.items()}
        q_all = ""
    else:
        q_all = _text(params, "q").lower()
        q_fields = {}
    fields_param = params.get("fields")
    if fields_param in (None, ""):
        chosen = list(types)
    else:
        chosen = _json_param(params, "fields", list, [])
        if not all(isinstance(f, str) for f in chosen):
            raise invalid("fields", "fields: give field names")
        unknown = [f for f in chosen if f not in types and f != "_id"]
        if unknown:
            raise invalid("fields", f"fields: field {unknown[0]!r} not in the resource")
        chosen = [f for f in chosen if f != "_id"]
    sort = _text(params, "sort", max_length=500)
    order = []
    for part in [p.strip() for p in sort.split(",") if p.strip()]:
        bits = part.split()
        name = bits[0].strip('"')
        if (
            len(bits) > 2
            or (name not in types and name != "_id")
            or (len(bits) == 2 and bits[1].lower() not in ("asc", "desc"))
        ):
            raise invalid("sort", f"sort: {part!r}: use 'field asc|desc' with fields of the resource")
        order.append((name, len(bits) == 2 and bits[1].lower() == "desc"))
    include_total = _bool(params, "include_total", True)

    records = [{"_id": index, **row} for index, row in enumerate(version.rows, start=1)]
    if wanted:
        records = [r for r in records if all(_plain(r.get(f)) in values for f, values in wanted.items())]
    if q_all:
        terms = q_all.split()
        records = [r for r in records if all(any(t in _plain(r.get(f)).lower() for f in types) for t in terms)]
    for field, text in q_fields.items():
        records = [r for r in records if text in _plain(r.get(field)).lower()]
    for name, descending in reversed(order):
        present = [r for r in records if r.get(name) is not None]
        missing = [r for r in records if r.get(name) is None]
        present.sort(key=lambda r, n=name: r[n], reverse=descending)
        records = present + missing
    total = len(records)
    page = [{"_id": r["_id"], **{f: r.get(f) for f in chosen}} for r in records[offset : offset + limit]]
    link = f"/api/3/action/datastore_search?resource_id={resource['id']}"
    labels = {f["name"]: f for f in version.fields}
    result = {
        "resource_id": resource["id"],
        "include_total": include_total,
        "limit": limit,
        "offset": offset,
        "records_format": "objects",
        "version": version.version,
        "fields": [{"id": "_id", "type": "int"}]
        + [
            {
                "id": f,
                "type": FIELD_TYPES[types[f]],
                "info": {
                    "label": labels[f]["title_zh"],
                    "notes": labels[f]["title_en"],
                    "type_override": FIELD_TYPES[types[f]],
                },
            }
            for f in chosen
        ],
        "records": page,
        "filters": filters,
        "q": q if isinstance(q, dict) else q_all,
        "sort": sort,
        "_links": {"start": link, "next": f"{link}&offset={offset + limit}"},
    }
    if include_total:
        result["total"] = total
        result["total_was_estimated"] = False
    return result


def help_show(params: dict, ctx: Context) -> str:
    name = _text(params, "name", max_length=100)
    action = ACTIONS.get(name)
    if action is None:
        raise not_found()
    return (action.__doc__ or name).strip()


def status_show(params: dict, ctx: Context) -> dict:
    return {
        "site_title": "ShareCity open data",
        "ckan_version": "2.10.0",
        "api_version": 3,
        "extensions": ["datastore"],
        "locale_default": "zh_Hans_CN",
    }


ACTIONS: dict[str, Callable[[dict, Context], object]] = {
    "package_list": package_list,
    "package_search": package_search,
    "package_show": package_show,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "group_list": group_list,
    "group_show": group_show,
    "tag_list": tag_list,
    "resource_show": resource_show,
    "datastore_search": datastore_search,
    "help_show": help_show,
    "status_show": status_show,
}
