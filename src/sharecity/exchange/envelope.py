"""The envelope: what travels on the exchange, hash-chained per platform and signed.

The hash covers the canonical JSON of every field except ``hash`` and ``signature``;
the Ed25519 signature covers the hash. ``prev_hash`` links each message to the
platform's previous one, so a removed or reordered message breaks the chain.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sharecity.kernel.errors import InvalidInput

GENESIS_HASH = "0" * 64
ENVELOPE_FIELDS = ("message_id", "platform_id", "type", "schema_version", "sequence", "sent_at", "payload", "prev_hash")


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())


def keypair_generate() -> tuple[bytes, str]:
    """Return (raw private key bytes, urlsafe-base64 public key)."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    return private.private_bytes_raw(), _b64(public)


@dataclass(frozen=True)
class Envelope:
    message_id: str
    platform_id: str
    type: str
    schema_version: int
    sequence: int
    sent_at: str
    payload: dict
    prev_hash: str
    hash: str
    signature: str

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in (*ENVELOPE_FIELDS, "hash", "signature")}

    def to_bytes(self) -> bytes:
        return canonical_json(self.as_dict())


def envelope_hash(fields: dict) -> str:
    return hashlib.sha256(canonical_json({name: fields[name] for name in ENVELOPE_FIELDS})).hexdigest()


@functools.lru_cache(maxsize=256)
def _private_key(raw: bytes) -> Ed25519PrivateKey:
    """Loading a key costs as much as a signature; the relay signs thousands with the same one."""
    return Ed25519PrivateKey.from_private_bytes(raw)


def envelope_seal(*, private_key: bytes, **fields: Any) -> Envelope:
    digest = envelope_hash(fields)
    signature = _private_key(private_key).sign(bytes.fromhex(digest))
    return Envelope(**{name: fields[name] for name in ENVELOPE_FIELDS}, hash=digest, signature=_b64(signature))


def envelope_parse(raw: bytes | str | dict) -> Envelope:
    """Parse without trusting: shape only. Raises ``InvalidInput`` naming the field."""
    if isinstance(raw, dict):
        data = raw
    else:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidInput(f"not valid JSON: {error}", field="envelope", code="exchange.malformed") from error
    if not isinstance(data, dict):
        raise InvalidInput("an envelope is a JSON object", field="envelope", code="exchange.malformed")
    expected: dict[str, type | tuple[type, ...]] = {
        "message_id": str,
        "platform_id": str,
        "type": str,
        "schema_version": int,
        "sequence": int,
        "sent_at": str,
        "payload": dict,
        "prev_hash": str,
        "hash": str,
        "signature": str,
    }
    for name, kind in expected.items():
        if name not in data:
            raise InvalidInput(f"{name} is required", field=name, code="exchange.missing_field")
        if not isinstance(data[name], kind) or isinstance(data[name], bool):
            raise InvalidInput(f"{name} has the wrong type", field=name, code="exchange.wrong_type")
    return Envelope(**{name: data[name] for name in expected})


def envelope_verify(envelope: Envelope, *, public_key: str) -> None:
    """Check the hash and the signature; raise ``InvalidInput`` on the first fault."""
    if envelope_hash(envelope.as_dict()) != envelope.hash:
        raise InvalidInput("hash does not match the envelope's content", field="hash", code="exchange.bad_hash")
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(public_key)).verify(
            _unb64(envelope.signature), bytes.fromhex(envelope.hash)
        )
    except (InvalidSignature, ValueError) as error:
        raise InvalidInput(
            "signature does not verify with the platform's registered key",
            field="signature",
            code="exchange.bad_signature",
        ) from error
