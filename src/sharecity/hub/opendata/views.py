"""The portal over HTTP, public (no login): CKAN's Action API, file downloads, and the catalogue pages."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sharecity.hub.opendata import ckan, exports, selectors
from sharecity.hub.opendata.catalog import REGISTRY

MAX_BODY = 64 * 1024


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _envelope(request: HttpRequest, action: str, *, result=None, error: ckan.CkanError | None = None) -> JsonResponse:
    body: dict = {"help": f"{_base(request)}/opendata/api/3/action/help_show?name={action}"}
    if error is None:
        body.update(success=True, result=result)
        status = 200
    else:
        body.update(success=False, error=error.as_error())
        status = error.status
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # a public, read-only API that clients (ckanapi) call without a session
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, name: str) -> JsonResponse:
    """``/opendata/api/3/action/<name>``: parameters from the query string (GET) or a JSON object (POST)."""
    function = ckan.ACTIONS.get(name)
    if function is None:
        return _envelope(
            request,
            name,
            error=ckan.CkanError(400, "Bad request", f"Bad request - Action name not known: {name[:100]}"),
        )
    if request.method == "POST" and request.body:
        if len(request.body) > MAX_BODY:
            return _envelope(
                request,
                name,
                error=ckan.CkanError(400, "Bad request", f"Bad request - the body is over {MAX_BODY} bytes"),
            )
        try:
            params = json.loads(request.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _envelope(
                request,
                name,
                error=ckan.CkanError(400, "Bad request", "Bad request - JSON Error: the body is not valid JSON"),
            )
        if not isinstance(params, dict):
            return _envelope(
                request,
                name,
                error=ckan.CkanError(400, "Bad request", "Bad request - JSON Error: the body must be a JSON object"),
            )
        params = {**request.GET.dict(), **params}
    elif request.method == "POST" and request.POST:
        params = request.POST.dict()
    else:
        # A key given more than once (facet.field=a&facet.field=b, as ckanapi's GET sends a list) is a list.
        params = {key: values[0] if len(values) == 1 else values for key, values in request.GET.lists()}
    context = ckan.Context(_base(request), get_language() or "zh-hans")
    try:
        result = function(params, context)
    except ckan.CkanError as error:
        return _envelope(request, name, error=error)
    return _envelope(request, name, result=result)


def _version_param(request: HttpRequest) -> int | None:
    value = request.GET.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def download(request: HttpRequest, name: str, filename: str) -> HttpResponse:
    """A resource of the latest version, or of ``?version=N`` (older versions stay downloadable)."""
    spec = REGISTRY.get(name)
    version_number = _version_param(request)
    if spec is None or ("version" in request.GET and version_number is None):
        return _not_found(request)
    version = selectors.version_get(name, version_number)
    if version is None:
        return _not_found(request)
    if filename == "datapackage.json":
        descriptor = exports.datapackage(
            spec,
            version,
            csv_path=request.build_absolute_uri(
                f"/opendata/dataset/{name}/download/{name}.csv?version={version.version}"
            ),
        )
        return JsonResponse(descriptor, json_dumps_params={"ensure_ascii": False, "indent": 1})
    stem, _dot, fmt = filename.rpartition(".")
    if stem != name or fmt not in exports.FORMATS:
        return _not_found(request)
    response = HttpResponse(exports.render(version, fmt), content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}-v{version.version}.{fmt}"'
    response["X-Dataset-Version"] = str(version.version)
    response["ETag"] = f'"{version.sha256}"'
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import render

    return render(request, "404.html", status=404)


# ---- pages ----------------------------------------------------------------------------------------------------

PREVIEW_ROWS = 20


def _page_params(request: HttpRequest) -> tuple[dict, list[tuple[str, str]]]:
    """The catalogue's search from the query string: q and one value per facet (organization, groups, tags,
    res_format), turned into CKAN's q and fq."""
    q = request.GET.get("q", "")[: ckan.MAX_TEXT]
    chosen = []
    for field in ("organization", "groups", "tags", "res_format"):
        value = request.GET.get(field, "")[:200]
        if value and '"' not in value:
            chosen.append((field, value))
    fq = " ".join(f'{field}:"{value}"' for field, value in chosen)
    return {"q": q, "fq": fq, "rows": 100, "facet.field": ["organization", "groups", "tags", "res_format"]}, chosen


def catalogue(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import render

    params, chosen = _page_params(request)
    context = ckan.Context(_base(request), get_language() or "zh-hans")
    error = ""
    try:
        found = ckan.package_search(params, context)
    except ckan.CkanError as problem:
        error = problem.message
        found = {"count": 0, "results": [], "search_facets": {}}
    facets = []
    for field, label in (("organization", _("Publisher")), ("groups", _("Theme")), ("tags", _("Tag")),
                         ("res_format", _("Format"))):
        items = found["search_facets"].get(field, {}).get("items", [])
        if field == "tags":
            items = [item for item in items if _tag_in_reader_language(item["name"])]
        facets.append({"field": field, "label": label, "items": [
            {**item, "selected": (field, item["name"]) in chosen,
             "query": _query_with(request, field, item["name"])} for item in items]})
    status = 400 if error else 200
    return render(request, "opendata/catalogue.html", {
        "q": params["q"], "found": found, "facets": facets, "chosen": chosen, "error": error,
        "clear": [{"field": f, "value": v, "query": _query_with(request, f, "")} for f, v in chosen]}, status=status)


def _tag_in_reader_language(tag: str) -> bool:
    """Datasets carry their keywords in both languages (统计, statistics); a page shows the reader's."""
    chinese = (get_language() or "zh-hans").startswith("zh")
    return (not tag.isascii()) == chinese


def _query_with(request: HttpRequest, field: str, value: str) -> str:
    query = request.GET.copy()
    if value:
        query[field] = value
    else:
        query.pop(field, None)
    return query.urlencode()


def dataset(request: HttpRequest, name: str) -> HttpResponse:
    from django.shortcuts import render

    spec = REGISTRY.get(name)
    if spec is None:
        return _not_found(request)
    context = ckan.Context(_base(request), get_language() or "zh-hans")
    package = context.package(spec)
    latest = selectors.version_get(name)
    preview, columns = [], []
    zh = (get_language() or "zh-hans").startswith("zh")
    if latest is not None:
        columns = [{"name": f["name"], "label": f["title_zh"] if zh else f["title_en"]} for f in latest.fields]
        preview = [[row.get(c["name"]) for c in columns] for row in latest.rows[:PREVIEW_ROWS]]
    return render(request, "opendata/dataset.html", {
        "package": package, "spec": spec, "latest": latest, "columns": columns, "preview": preview,
        "tags": [t["name"] for t in package["tags"] if _tag_in_reader_language(t["name"])],
        "versions": list(selectors.versions_of(name)), "privacy": package["privacy"],
        "frequency": _frequency_label(spec.frequency), "preview_rows": PREVIEW_ROWS,
        "spatial": package["spatial_coverage"], "temporal": package["temporal_coverage"]})


def _frequency_label(value: str) -> str:
    return {"daily": _("Daily"), "weekly": _("Weekly"), "monthly": _("Monthly"), "quarterly": _("Quarterly"),
            "annual": _("Annual"), "irregular": _("Irregular")}.get(value, value)
