"""``/api/v1/opendata/...``: the open data portal in the project's API (and its OpenAPI), public. The same
catalogue answers CKAN's Action API at ``/opendata/api/3/action/`` (``views.action``); these routes give the
pages' data in the project's error shape ({code, message, field})."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.opendata import ckan
from sharecity.kernel.errors import InvalidInput, NotFound

public_router = Router(auth=None, tags=["open data"])
ERRORS = {**VALIDATION, 404: ErrorOut, 429: ErrorOut}


class OpenDataSearchQuery(Schema):
    q: str = Field("", max_length=ckan.MAX_TEXT)
    fq: str = Field("", max_length=ckan.MAX_TEXT, description="CKAN filter, e.g. organization:statistics tags:统计")
    rows: int = Field(20, ge=0, le=ckan.MAX_ROWS)
    start: int = Field(0, ge=0, le=10**9)


class OpenDataRecordsQuery(Schema):
    version: int | None = Field(None, ge=1, le=2**31 - 1, description="a version number; the latest by default")
    filters: str = Field("", max_length=10_000, description='JSON object, e.g. {"district_code": "350203"}')
    q: str = Field("", max_length=ckan.MAX_TEXT)
    sort: str = Field("", max_length=500)
    limit: int = Field(100, ge=0, le=ckan.MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10**9)


class OpenDataSearchOut(Schema):
    count: int
    results: list[dict[str, Any]]
    search_facets: dict[str, Any]


class OpenDataRecordsOut(Schema):
    resource_id: str
    version: int
    fields: list[dict[str, Any]]
    records: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


def _call(request, action: str, params: dict):
    context = ckan.Context(request.build_absolute_uri("/").rstrip("/"), get_language() or "zh-hans")
    try:
        return ckan.ACTIONS[action](params, context)
    except ckan.CkanError as error:
        if error.status == 404:
            raise NotFound(error.message, field=error.field or "name", code="opendata.not_found") from None
        raise InvalidInput(error.message, field=error.field, code="opendata.invalid") from None


@public_router.get("/opendata/datasets", response={200: OpenDataSearchOut, **ERRORS})
def opendata_datasets(request, query: Query[OpenDataSearchQuery]):
    """The catalogue: datasets matching ``q`` and ``fq`` with facets by publisher, theme, tag and format."""
    return _call(
        request,
        "package_search",
        {
            "q": query.q,
            "fq": query.fq,
            "rows": query.rows,
            "start": query.start,
            "facet.field": ["organization", "groups", "tags", "res_format", "frequency"],
        },
    )


@public_router.get("/opendata/datasets/{name}", response={200: dict[str, Any], **ERRORS})
def opendata_dataset(request, name: str):
    """A dataset's metadata (publisher, licence, frequency, coverage, privacy method and budget), its resources
    and every version (number, time, rows, SHA-256)."""
    from sharecity.hub.opendata.selectors import versions_of

    package = _call(request, "package_show", {"id": name[:200]})
    package["versions"] = [
        {"version": v.version, "created": v.created_at, "rows": v.row_count, "sha256": v.sha256}
        for v in versions_of(package["name"])
    ]
    return package


@public_router.get("/opendata/datasets/{name}/records", response={200: OpenDataRecordsOut, **ERRORS})
def opendata_records(request, name: str, query: Query[OpenDataRecordsQuery]):
    """A dataset's rows (as CKAN's datastore_search gives them): filters, q, sort, limit and offset."""
    params: dict[str, Any] = {
        "resource_id": f"{name[:200]}.csv",
        "filters": query.filters,
        "q": query.q,
        "sort": query.sort,
        "limit": query.limit,
        "offset": query.offset,
    }
    if query.version is not None:
        params["version"] = query.version
    return _call(request, "datastore_search", params)
