"""Receipts: the hub's signed tree heads, checkable by the platform and by anyone with the log."""

from __future__ import annotations

import base64

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sharecity.exchange.envelope import canonical_json

RECEIPT_FIELDS = ("platform_id", "tree_size", "root_hash", "issued_at")


def receipt_body(receipt: dict) -> bytes:
    """The bytes the hub signs: canonical JSON of the platform id, log size, root and time."""
    return canonical_json({name: receipt[name] for name in RECEIPT_FIELDS})


def receipt_verify(receipt: dict, *, hub_public_key: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(hub_public_key.encode())).verify(
            base64.urlsafe_b64decode(receipt["signature"].encode()), receipt_body(receipt)
        )
    except (InvalidSignature, ValueError, KeyError):
        return False
    return True


RESEND_REQUEST_FIELDS = ("platform_id", "first_sequence", "last_sequence", "requested_at")


def resend_request_body(request: dict) -> bytes:
    """The bytes the hub signs when it asks a platform to send a range again."""
    return canonical_json({name: request[name] for name in RESEND_REQUEST_FIELDS})


def resend_request_verify(request: dict, *, hub_keys: dict[str, str]) -> bool:
    key = hub_keys.get(request.get("key_id", ""))
    if key is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(key.encode())).verify(
            base64.urlsafe_b64decode(request["signature"].encode()), resend_request_body(request)
        )
    except (InvalidSignature, ValueError, KeyError):
        return False
    return True
