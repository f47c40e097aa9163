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
