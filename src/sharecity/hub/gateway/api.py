"""The exchange's HTTPS push endpoint for external platforms, under ``/exchange/v1/``.

A platform sends its ingest key in ``X-Exchange-Key``. Errors are ``{code, message, field}``.
"""

from __future__ import annotations

from typing import Literal

import orjson
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import APIKeyHeader

from sharecity.hub.gateway import selectors, services
from sharecity.hub.intake.services import receipt_latest
from sharecity.kernel.errors import NotFound
from sharecity.kernel.ratelimit import ratelimit_hit


class ExchangeKey(APIKeyHeader):
    param_name = "X-Exchange-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        return services.ingest_key_authenticate(raw=key or "")


router = Router(auth=ExchangeKey(), tags=["exchange"])

BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "https://sharecity.invalid/exchange/batch.schema.json",
                                                    "description": "a signed batch as exchange.batches produces"}}},
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


@router.post("/batches", response={200: dict, 400: dict, 403: dict, 413: dict, 429: dict}, openapi_extra=BATCH_BODY,
             summary="Push a signed batch")
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


@router.get("/keys", auth=None, response=dict, summary="The hub's public keys")
def keys(request: HttpRequest):
    """Receipt keys by key id, and the key that signs the hub's directives. Pin them."""
    return services.hub_keys()


@router.get("/quarantine", response=list[dict], summary="This platform's quarantined input")
def quarantine(request: HttpRequest, status: Literal["open", "resolved", "all"] = "all", limit: int = 100):
    return selectors.platform_quarantine(platform_id=request.auth, status=status, limit=max(1, min(limit, 500)))


@router.get("/receipt", response=dict, summary="The latest receipt")
def receipt(request: HttpRequest):
    latest = receipt_latest(platform_id=request.auth)
    if latest is None:
        raise NotFound(_("The hub has accepted nothing from this platform yet."), code="exchange.no_receipt")
    return latest


@router.get("/proof/{message_id}", response=dict, summary="Inclusion proof of a message")
def proof(request: HttpRequest, message_id: str):
    return services.inclusion_proof_build(platform_id=request.auth, message_id=message_id)


@router.get("/status", response=dict, summary="Where the platform's chain stands at the hub")
def status(request: HttpRequest):
    return services.status_get(platform_id=request.auth)
