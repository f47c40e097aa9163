"""Every operation documents the errors it can answer with, and they come in the one shape.

The walk reads /api/v1/openapi.json, so an operation added later without its errors fails here.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

ERROR_FIELDS = {"code", "message", "field"}


@pytest.fixture
def document():
    return Client().get("/api/v1/openapi.json").json()


def _schema(document: dict, response: dict) -> dict:
    schema = response["content"]["application/json"]["schema"]
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def test_every_operation_documents_its_errors(document):
    missing = []
    operations = 0
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            operations += 1
            expected = {"400", "422"}  # control characters anywhere; the operation's schema
            if operation.get("security"):
                expected |= {"401", "403"}
            if "/p/{platform}/" in path:
                expected |= {"404"}  # an unknown platform, an unknown acting user
            lacking = expected - set(operation["responses"])
            if lacking:
                missing.append(f"{method.upper()} {path}: {sorted(lacking)}")
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    properties = set(_schema(document, response).get("properties", {}))
                    assert ERROR_FIELDS <= properties, (method, path, status, properties)
    assert operations >= 30
    assert missing == []


@pytest.fixture
def api_call():
    platform = factories.make_platform()
    key = factories.api_key(platform)
    person = factories.make_user(platform=platform)
    headers = {"X-API-Key": key, "X-Acting-User": str(person.public_id)}

    def call(path: str, body: str | None = None, method: str = "POST"):
        return Client().generic(method, f"/api/v1/p/{platform.slug}{path}", body or "",
                                content_type="application/json", headers=headers)

    return call


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/bookings", json.dumps({"space_id": "not-a-uuid", "start": "2025-01-01T08:00+08:00",
                              "end": "2025-01-01T09:00+08:00"}), "space_id"),
    ("/bookings", json.dumps({"space_id": 7}), "space_id"),
    ("/bookings", "", "body"),
    ("/bookings", "[]", "space_id"),  # not an object: the first field it lacks
    ("/bookings", '"text"', "space_id"),
    ("/spaces", json.dumps({"title": ["a list"]}), "title"),
    ("/bookings/not-a-uuid/cancel", None, "booking_id"),
])
def test_validation_errors_come_as_code_message_field(api_call, path, body, field):
    response = api_call(path, body)
    assert response.status_code == 422, response.content
    answer = response.json()
    assert ERROR_FIELDS <= set(answer)
    assert answer["code"] == "invalid"
    assert answer["message"]
    assert answer["field"] == field
    assert answer["errors"]


@pytest.mark.parametrize("body", ["{", "{\"a\": }", "\xff\xfe", "nan", "{\"a\": NaN}"])
def test_a_body_that_is_not_json_is_400_in_the_one_shape(api_call, body):
    response = api_call("/bookings", body)
    assert 400 <= response.status_code < 500, response.content
    assert ERROR_FIELDS <= set(response.json())


def test_no_two_schemas_of_the_api_share_a_name():
    """OpenAPI names a component by its class name: two schemas of one name make one component, and
    one of the operations is documented with the other's fields (the hub's ComplaintOut once replaced
    the market's, and schemathesis found market answers 'missing' the hub's required fields)."""
    from ninja import Schema

    import sharecity.api  # noqa: F401  (imports every router the API mounts)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    # The exchange's HTTPS transport is a NinjaAPI of its own, with its own components.
    own_document = "sharecity.hub.gateway."
    by_name: dict[str, set[str]] = {}
    for schema in set(subclasses(Schema)):
        if schema.__module__.startswith("sharecity.") and not schema.__module__.startswith(own_document):
            by_name.setdefault(schema.__name__, set()).add(schema.__module__)
    assert {name: sorted(modules) for name, modules in by_name.items() if len(modules) > 1} == {}
