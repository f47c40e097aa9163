"""The exchange's HTTPS push endpoint for external platforms, under ``/exchange/v1/``.

A platform sends its ingest key in ``X-Exchange-Key``. Errors are ``{code, message, field}``.
"""

from __future__ import annotations

from typing import Literal

import orjson
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import APIKeyHeader

from sharecity.exchange.published import WIRE_DOCUMENTS
from sharecity.hub.gateway import selectors, services
from sharecity.hub.intake.services import receipt_latest
from sharecity.kernel.errors import NotFound
from sharecity.kernel.ratelimit import ratelimit_hit


class ExchangeKey(APIKeyHeader):
    param_name = "X-Exchange-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        return services.ingest_key_authenticate(raw=key or "")


router = Router(auth=ExchangeKey(), tags=["exchange"])


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None


# Any keyed call may be refused for text the API takes from no one (400: control characters), its key
# (401), its parameters (422) or the public rate limit of an address that sent wrong keys (429).
ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _inlined(schema, definitions: dict):
    """The schema with its local ``$ref``s replaced by what they name: an OpenAPI document resolves ``#`` from
    its own root, where the published schema's ``$defs`` are not."""
    if isinstance(schema, dict):
        reference = schema.get("$ref", "")
        if reference.startswith("#/$defs/"):
            return _inlined(definitions[reference.removeprefix("#/$defs/")], definitions)
        return {key: _inlined(value, definitions) for key, value in schema.items() if key != "$defs"}
    if isinstance(schema, list):
        return [_inlined(item, definitions) for item in schema]
    return schema


def _published(name: str) -> dict:
    schema = WIRE_DOCUMENTS[name].model_json_schema()
    return _inlined(schema, schema.get("$defs", {}))


BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {
            "description": "a signed batch as exchange.batches produces (docs/exchange/schemas/batch.v1.json), "
                           "or one signed envelope (envelope.v1.json)",
            "anyOf": [_published("batch"), _published("envelope")],
        }}},
    }
}


def _envelope_count(raw: bytes) -> int:
    """How many messages a delivery carries, for the rate limit; 1 for anything that is not a batch."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return 1
    if isinstance(data, dict) and isinstance(data.get("envelopes"), list):
        return max(len(data["envelopes"]), 1)
    return 1


@router.post("/batches", response={200: dict, 403: ErrorOut, 413: ErrorOut, **ERRORS},
             openapi_extra=BATCH_BODY, summary="Push a signed batch")
def batch_push(request: HttpRequest):
    """Outcomes per envelope (applied, duplicate, deferred, quarantined), the hub's receipt, errors
    naming the message and field, and ``missing`` ranges when the hub saw a gap in the sequence.
    A delivery that is wholly unusable is answered 400 and kept in quarantine. A platform that sends
    more messages than its rate allows (``SHARECITY_RATE_EXCHANGE``) is answered 429 with Retry-After,
    and nothing of that delivery is looked at: send it again after that many seconds."""
    try:
        raw = request.body
    except RequestDataTooBig:
        return Status(413, {"code": "exchange.too_large", "message": _("The batch is too large: send fewer envelopes."),
                     "field": "envelopes"})
    ratelimit_hit(scope="exchange", key=request.auth, cost=_envelope_count(raw))
    answer = services.delivery_receive(platform_id=request.auth, raw=raw)
    return Status(answer.status, answer.body)


@router.get("/keys", auth=None, response={200: dict, 400: ErrorOut, 429: ErrorOut}, summary="The hub's public keys")
def keys(request: HttpRequest):
    """Receipt keys by key id, and the key that signs the hub's directives. Pin them."""
    return services.hub_keys()


@router.get("/quarantine", response={200: list[dict], **ERRORS}, summary="This platform's quarantined input")
def quarantine(request: HttpRequest, status: Literal["open", "resolved", "all"] = "all", limit: int = 100):
    return selectors.platform_quarantine(platform_id=request.auth, status=status, limit=max(1, min(limit, 500)))


@router.get("/receipt", response={200: dict, 404: ErrorOut, **ERRORS}, summary="The latest receipt")
def receipt(request: HttpRequest):
    latest = receipt_latest(platform_id=request.auth)
    if latest is None:
        raise NotFound(_("The hub has accepted nothing from this platform yet."), code="exchange.no_receipt")
    return latest


@router.get("/proof/{message_id}", response={200: dict, 404: ErrorOut, **ERRORS},
            summary="Inclusion proof of a message")
def proof(request: HttpRequest, message_id: str):
    return services.inclusion_proof_build(platform_id=request.auth, message_id=message_id)


@router.get("/status", response={200: dict, **ERRORS}, summary="Where the platform's chain stands at the hub")
def status(request: HttpRequest):
    return services.status_get(platform_id=request.auth)
