"""What schemathesis found, each kept as a plain test that runs on every backend."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest
from django.test import Client

from tests import factories
from tests.hub.test_gateway import Platform

pytestmark = pytest.mark.django_db


def test_an_unknown_vehicle_size_in_the_space_search_is_refused_naming_the_field():
    """GET /spaces?vehicle_size=null answered 500 (ValueError in the size ranking)."""
    platform = factories.make_platform(slug="ludao")
    key = factories.api_key(platform)
    client = Client(headers={"accept-language": "en"})
    answer = client.get(f"/api/v1/p/{platform.slug}/spaces", {"vehicle_size": "null"}, HTTP_X_API_KEY=key)
    assert answer.status_code == 400
    assert answer.json() == {"code": "invalid", "message": "Choose small, standard or large.", "field": "vehicle_size"}
    fitting = client.get(f"/api/v1/p/{platform.slug}/spaces", {"vehicle_size": "standard"}, HTTP_X_API_KEY=key)
    assert fitting.status_code == 200


def _gateway_document() -> dict:
    return Client().get("/exchange/v1/openapi.json").json()


def test_the_gateway_documents_the_batch_body_so_that_a_real_batch_validates():
    """The body was a $ref to https://sharecity.invalid/..., which no client can resolve."""
    body = _gateway_document()["paths"]["/exchange/v1/batches"]["post"]["requestBody"]["content"]["application/json"]
    assert "$ref" not in str(body)
    validator = jsonschema_rs.Draft202012Validator(body["schema"])
    platform = Platform("", "鹭岛共享停车")
    envelopes = platform.envelopes(2)
    assert validator.is_valid(json.loads(platform.batch(envelopes)))
    assert validator.is_valid(envelopes[0].as_dict())
    assert not validator.is_valid({"envelopes": []})


def test_every_keyed_gateway_operation_documents_its_refusals():
    """400, 401, 404 and 422 were answered but not documented."""
    for path, operations in _gateway_document()["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"400", "429"} <= documented, (method, path)
            if path != "/exchange/v1/keys":
                assert {"401", "422"} <= documented, (method, path)
            if path in ("/exchange/v1/receipt", "/exchange/v1/proof/{message_id}"):
                assert "404" in documented, (method, path)
