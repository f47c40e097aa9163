"""Control characters in any text a client sends are refused at the API boundary, naming the field.

The walk reads the OpenAPI document, so an endpoint added later is covered without a change
here: every string of every request body (nested objects and lists too), every query and path
parameter, and the headers that reach authentication. Run on SQLite and on PostgreSQL, where a
NUL used to give 500.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from urllib.parse import quote

import pytest
from django.test import Client

from sharecity.hub.registry.services import regulator_profile_set
from sharecity.market.parking.services import booking_create
from tests import factories

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1"
WRITES = {"post", "put", "patch", "delete"}
# One of each kind the rule covers: NUL, another C0, DEL, C1, a lone surrogate, a line separator.
CHARACTERS = ["\x00", "\x1b", "\x7f", "\x85", "\ud800", "\u2028"]
NUL_QUOTED = quote("x\x00y")


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return Client().get(f"{PREFIX}/openapi.json").json()


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def string_paths(schema: dict, document: dict, path: tuple = ()) -> list[tuple]:
    """Every place a string may go in a body of this schema, as a path of keys and list indexes."""
    schema = _resolve(schema, document)
    found: list[tuple] = []
    for option in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        found += string_paths(option, document, path)
    kind = schema.get("type")
    if kind == "string" and schema.get("format") not in ("binary",):
        found.append(path)
    elif kind == "object":
        for name, child in schema.get("properties", {}).items():
            found += string_paths(child, document, (*path, name))
    elif kind == "array":
        found += string_paths(schema.get("items", {}), document, (*path, 0))
    return list(dict.fromkeys(found))


def body_with(path: tuple, value: str):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        return [body_with(rest, value)]
    return {head: body_with(rest, value)}


def operations(document: dict):
    for route, methods in document["paths"].items():
        for method, operation in methods.items():
            if method in WRITES | {"get"}:
                yield route, method, operation


@pytest.fixture
def caller():
    platform = factories.make_platform()
    key = factories.api_key(platform)
    person = factories.make_user(platform=platform)
    regulator_profile_set(actor=None, user=person, department="厦门市市场监督管理局")
    client = Client()
    client.force_login(person)  # the hub's reads take a regulator's session
    return platform, {"X-API-Key": key, "X-Acting-User": str(person.public_id)}, client


def url_for(route: str, operation: dict, platform, *, override: dict | None = None) -> str:
    values = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            name = parameter["name"]
            values[name] = platform.slug if name == "platform" else str(uuid.uuid4())
    values.update(override or {})
    return route.format(**{k: quote(v, safe="") for k, v in values.items()})


def send(client: Client, method: str, url: str, body=None, headers=None):
    payload = json.dumps(body) if body is not None else ""
    return client.generic(method.upper(), url, payload, content_type="application/json", headers=headers or {})


def assert_refused(response, field: str, context) -> None:
    assert 400 <= response.status_code < 500, (context, response.status_code, response.content)
    body = response.json()
    assert body["code"] == "input.control_character", (context, body)
    assert body["field"] == field, (context, body)


# Write bodies of numbers only (the quarter a quota evaluation is computed for: year and quarter).
NUMBERS_ONLY = {("post", f"{PREFIX}/hub/quota/evaluations"),
                # the year and quarter of a Decree 810 report to file (tests/market/tax/test_decree810_reports.py)
                ("post", f"{PREFIX}/p/{{platform}}/tax/reports"),
                # the year and month of an occupational-injury report (tests/market/injury/test_cover.py)
                ("post", f"{PREFIX}/p/{{platform}}/injury/reports")}


def test_every_string_of_every_write_body_is_checked(document, caller):
    platform, headers, session = caller
    checked = 0
    for route, method, operation in operations(document):
        if method not in WRITES:
            continue
        # The hub's writes take a regulator's session, as its reads do.
        client = session if route.startswith(f"{PREFIX}/hub/") else Client()
        content = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if content is None:
            continue
        paths = string_paths(content["schema"], document)
        assert paths or route.endswith("}") or (method, route) in NUMBERS_ONLY, \
            f"{method} {route}: a body without any string?"
        for path in paths:
            for character in CHARACTERS:
                body = body_with(path, f"前{character}后")
                response = send(client, method, url_for(route, operation, platform), body, headers)
                assert_refused(response, ".".join(str(p) for p in path) or "body", (method, route, path))
                checked += 1
    assert checked >= len(CHARACTERS) * 35  # 37 string fields across the write endpoints today


def test_every_query_and_path_parameter_is_checked(document, caller):
    platform, headers, session = caller
    checked = 0
    for route, method, operation in operations(document):
        client = session if route.startswith(f"{PREFIX}/hub/") else Client()
        for parameter in operation.get("parameters", []):
            name = parameter["name"]
            if parameter["in"] == "query":
                url = url_for(route, operation, platform) + f"?{name}={NUL_QUOTED}"
                assert_refused(send(client, method, url, None, headers), name, (method, route, name))
                checked += 1
            elif parameter["in"] == "path":
                url = url_for(route, operation, platform, override={name: "x\x00y"})
                assert_refused(send(client, method, url, None, headers), name, (method, route, name))
                checked += 1
    assert checked >= 40


@pytest.mark.parametrize("header", ["X-API-Key", "X-Acting-User"])
@pytest.mark.parametrize("character", CHARACTERS)
def test_the_headers_authentication_reads_are_checked_first(caller, header, character):
    platform, headers, _client = caller
    response = Client().get(f"{PREFIX}/p/{platform.slug}/bookings",
                            headers={**headers, header: headers[header] + character})
    assert_refused(response, header, header)


def test_tabs_and_line_breaks_stay_allowed_in_body_text(caller):
    platform, headers, _client = caller
    customer = factories.make_user(platform=platform)
    provider = factories.make_provider(platform)
    space = factories.make_space(platform, provider)
    start = factories.next_slot(24)
    booking = booking_create(actor=customer, platform=platform, space_id=space.public_id, customer=customer,
                             starts_at=start, ends_at=start + dt.timedelta(hours=1))
    text = "第一行：道闸没开\n第二行：\t等了二十分钟\r\n"
    response = Client().post(f"{PREFIX}/p/{platform.slug}/bookings/{booking.public_id}/complaints",
                             json.dumps({"category": "access", "description": text, "remedy": "apology"}),
                             content_type="application/json",
                             headers={**headers, "X-Acting-User": str(customer.public_id)})
    assert response.status_code == 201, response.content
    assert "\n第二行" in response.json()["description"]


def test_text_without_control_characters_passes(caller):
    platform, headers, _client = caller
    response = Client().get(f"{PREFIX}/p/{platform.slug}/spaces", {"district": "350203"}, headers=headers)
    assert response.status_code == 200, response.content
