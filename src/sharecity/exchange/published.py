"""What the exchange publishes for implementers: JSON Schemas and worked examples.

``sharecity manage exchange_schemas`` writes these files under ``docs/exchange/``;
``--check`` fails when the committed files differ from what the code would write, and a
test runs the same check, so a model cannot change without its published schema.

The examples are produced by the real code from fixed test keys, so every byte in them
(hashes, Merkle roots, signatures, sealed fields, party keys) is reproducible.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from pydantic import BaseModel, ConfigDict, Field

from sharecity.exchange import schemas
from sharecity.exchange.envelope import GENESIS_HASH, envelope_seal
from sharecity.exchange.sealing import EncryptedField, key_id, seal_context
from sharecity.kernel import limits

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = Path("schemas")
EXAMPLE_DIR = Path("examples")

Hex64 = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$")
Signature = Field(min_length=88, max_length=88, pattern=r"^[A-Za-z0-9_-]{86}==$",
                  description="Ed25519 signature (64 bytes), urlsafe base64")
PlatformId = Field(min_length=1, max_length=limits.PLATFORM_ID_MAX_LENGTH, pattern=limits.PLATFORM_ID_PATTERN,
                   description="the sender's id at the hub: letters, digits and ._:-")
Sequence = Field(ge=1, le=limits.SEQUENCE_MAX, description="1, 2, 3, ... per platform, without gaps")


# --- the wire: envelope, batch, receipt (documentation models; parsing lives in envelope/batches) ---


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EnvelopeDocument(_Wire):
    """One message, hash-chained per platform and signed. ``hash`` is SHA-256 (hex) of the canonical
    JSON of every other field except ``signature``; ``signature`` is Ed25519 over the 32 raw bytes of
    ``hash`` with the platform's registered key."""

    message_id: str = Field(min_length=limits.UUID_LENGTH, max_length=limits.UUID_LENGTH,
                            pattern=limits.UUID_PATTERN,
                            description="UUID chosen by the sender, lower case; the unit of idempotence")
    platform_id: str = PlatformId
    type: str = Field(min_length=3, max_length=limits.MESSAGE_TYPE_MAX_LENGTH, pattern=limits.MESSAGE_TYPE_PATTERN,
                      description="message type, e.g. listing.published")
    schema_version: int = Field(ge=1, le=limits.SCHEMA_VERSION_MAX,
                                description="version of the payload's schema for this type")
    sequence: int = Sequence
    sent_at: str = Field(max_length=limits.DATETIME_TEXT_MAX_LENGTH,
                         description="ISO 8601 time in UTC, as text; hashed exactly as written")
    payload: dict[str, Any] = Field(description="the message, valid against <type>.v<schema_version>.json")
    prev_hash: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$",
                           description="hash of the platform's previous envelope; 64 zeros for sequence 1")
    hash: str = Hex64
    signature: str = Signature


class BatchDocument(_Wire):
    """Consecutive envelopes of one platform, with the RFC 6962 Merkle root of their hashes signed by
    the platform (Ed25519 over the 32 raw root bytes)."""

    platform_id: str = PlatformId
    first_sequence: int = Field(ge=1, le=limits.SEQUENCE_MAX, description="sequence of the first envelope")
    last_sequence: int = Field(ge=1, le=limits.SEQUENCE_MAX, description="sequence of the last envelope")
    envelopes: list[EnvelopeDocument] = Field(min_length=1)
    merkle_root: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$",
                             description="RFC 6962 Merkle tree hash over the envelopes' raw 32-byte hashes, hex")
    signature: str = Signature


class ReceiptDocument(_Wire):
    """The hub's signed tree head of a platform's log: every envelope accepted from the platform so
    far, in sequence order, as RFC 6962 leaves. Ed25519 over the canonical JSON of platform_id,
    tree_size, root_hash and issued_at, with the hub key named by key_id."""

    platform_id: str = PlatformId
    tree_size: int = Field(ge=0, le=limits.SEQUENCE_MAX, description="envelopes in the platform's log at the hub")
    root_hash: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$",
                           description="RFC 6962 root of the log, hex")
    issued_at: str = Field(max_length=limits.DATETIME_TEXT_MAX_LENGTH, description="ISO 8601 time in UTC, as text")
    key_id: str = Field(min_length=16, max_length=16, pattern=r"^[0-9a-f]{16}$",
                        description="first 16 hex digits of SHA-256 of the hub's public key as written (base64)")
    signature: str = Signature


WIRE_DOCUMENTS: dict[str, type[BaseModel]] = {
    "envelope": EnvelopeDocument,
    "batch": BatchDocument,
    "receipt": ReceiptDocument,
    "encrypted_field": EncryptedField,
}


# --- schemas -----------------------------------------------------------------------------------


def _schema(model: type[BaseModel], *, name: str, version: int, title: str, extra: dict) -> dict:
    body = model.model_json_schema()
    document: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"urn:sharecity:exchange:{name}:v{version}",
        "title": title,
        **extra,
    }
    for key, value in body.items():
        if key != "title":
            document[key] = value
    return document


def schema_documents() -> dict[str, dict]:
    """File name under ``docs/exchange/schemas/`` -> JSON Schema, for every message type and version,
    the wire formats, and ``index.json``."""
    documents: dict[str, dict] = {}
    index: dict[str, Any] = {"$comment": "generated by `sharecity manage exchange_schemas`; do not edit",
                             "messages": [], "wire": []}
    for (message_type, version), model in sorted(schemas.MESSAGE_TYPES.items()):
        file_name = f"{message_type}.v{version}.json"
        direction = schemas.DIRECTIONS[message_type]
        documents[file_name] = _schema(
            model, name=message_type, version=version, title=f"{message_type} v{version}",
            extra={"x-message-type": message_type, "x-schema-version": version, "x-direction": direction},
        )
        index["messages"].append({
            "type": message_type, "schema_version": version, "direction": direction, "file": file_name,
            "current": schemas.CURRENT_VERSIONS[message_type] == version,
            "description": (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " "),
        })
    for name, wire_model in WIRE_DOCUMENTS.items():
        file_name = f"{name}.v1.json"
        documents[file_name] = _schema(wire_model, name=name, version=1, title=f"{name} v1", extra={})
        index["wire"].append({"name": name, "version": 1, "file": file_name})
    documents["index.json"] = index
    return documents


# --- worked examples ---------------------------------------------------------------------------


def _fixed_seed(label: str) -> bytes:
    """A test key's 32 seed bytes: SHA-256 of a public label. Never use these keys for anything real."""
    return hashlib.sha256(f"sharecity example key: {label}".encode()).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


EXAMPLE_PLATFORM_ID = "example-platform"


def example_keys() -> dict[str, dict[str, str]]:
    platform = Ed25519PrivateKey.from_private_bytes(_fixed_seed("platform"))
    hub = Ed25519PrivateKey.from_private_bytes(_fixed_seed("hub"))
    tax = X25519PrivateKey.from_private_bytes(_fixed_seed("tax department"))
    hub_public = _b64(hub.public_key().public_bytes_raw())
    tax_public = _b64(tax.public_key().public_bytes_raw())
    return {
        "platform": {"alg": "Ed25519", "private_key": _b64(_fixed_seed("platform")),
                     "public_key": _b64(platform.public_key().public_bytes_raw())},
        "hub": {"alg": "Ed25519", "private_key": _b64(_fixed_seed("hub")), "public_key": hub_public,
                "key_id": key_id(hub_public)},
        "tax_department": {"alg": "X25519", "private_key": _b64(_fixed_seed("tax department")),
                           "public_key": tax_public, "key_id": key_id(tax_public)},
        "pseudonym": {"alg": "HMAC-SHA256", "key": _b64(_fixed_seed("city pseudonym"))},
    }


def _example_payloads(keys: dict) -> list[tuple[str, str, dict]]:
    from sharecity.exchange.pseudonyms import pseudonym_with_key

    provider = pseudonym_with_key(base64.urlsafe_b64decode(keys["pseudonym"]["key"]), "11010519491231002X")
    customer = pseudonym_with_key(base64.urlsafe_b64decode(keys["pseudonym"]["key"]), "350203199003071236")
    return [
        ("6f1c2a52-0b7e-4a53-9c61-2d7f0c3e9a01", "platform.registered", schemas.payload_build(
            "platform.registered", name="鹭岛共享停车", credit_code="91350200MA2YEXAMP7",
            sectors=["parking"], public_key=keys["platform"]["public_key"])),
        ("6f1c2a52-0b7e-4a53-9c61-2d7f0c3e9a02", "listing.published", schemas.payload_build(
            "listing.published", listing_id="L-1001", category="parking", district="350203",
            provider_key=provider, price_fen=800, price_unit="hour", title="思明区 软件园二期 地下车位")),
        ("6f1c2a52-0b7e-4a53-9c61-2d7f0c3e9a03", "order.created", schemas.payload_build(
            "order.created", order_id="O-2001", listing_id="L-1001", category="parking", district="350203",
            customer_key=customer, provider_key=provider, amount_fen=1600,
            starts_at="2025-10-09T18:00:00+08:00", ends_at="2025-10-09T20:00:00+08:00")),
    ]


def example_documents() -> dict[str, dict]:
    """File name under ``docs/exchange/examples/`` -> example, all from the fixed test keys."""
    from sharecity.exchange import merkle
    from sharecity.exchange.batches import batch_seal
    from sharecity.exchange.receipts import receipt_body
    from sharecity.exchange.sealing import seal_with_ephemeral

    keys = example_keys()
    platform_private = base64.urlsafe_b64decode(keys["platform"]["private_key"])
    envelopes = []
    prev_hash = GENESIS_HASH
    for sequence, (message_id, message_type, payload) in enumerate(_example_payloads(keys), start=1):
        envelope = envelope_seal(
            private_key=platform_private, message_id=message_id, platform_id=EXAMPLE_PLATFORM_ID,
            type=message_type, schema_version=1, sequence=sequence,
            sent_at=f"2025-10-09T02:00:0{sequence}+00:00", payload=payload, prev_hash=prev_hash,
        )
        envelopes.append(envelope)
        prev_hash = envelope.hash
    batch = batch_seal(platform_id=EXAMPLE_PLATFORM_ID, envelopes=envelopes, private_key=platform_private)
    leaves = [bytes.fromhex(envelope.hash) for envelope in envelopes]
    receipt: dict[str, Any] = {"platform_id": EXAMPLE_PLATFORM_ID, "tree_size": len(leaves),
                               "root_hash": merkle.root(leaves).hex(), "issued_at": "2025-10-09T02:00:05+00:00"}
    hub = Ed25519PrivateKey.from_private_bytes(base64.urlsafe_b64decode(keys["hub"]["private_key"]))
    receipt["key_id"] = keys["hub"]["key_id"]
    receipt["signature"] = _b64(hub.sign(receipt_body(receipt)))
    index = 1
    proof = {
        "message_id": envelopes[index].message_id, "leaf_index": index, "tree_size": len(leaves),
        "leaf": envelopes[index].hash, "leaf_hash": merkle.leaf_hash(leaves[index]).hex(),
        "audit_path": [node.hex() for node in merkle.inclusion_proof(index, leaves)],
        "root_hash": receipt["root_hash"],
    }
    first = envelopes[0]
    envelope_steps = {
        "envelope_without_hash_and_signature": {name: value for name, value in first.as_dict().items()
                                                if name not in ("hash", "signature")},
        "canonical_json": _canonical_text(first.as_dict(), exclude=("hash", "signature")),
        "hash": first.hash,
        "signature": first.signature,
    }
    tax_public = keys["tax_department"]["public_key"]
    context = seal_context("tax.quarterly_report", 1, "id_number")
    sealed = seal_with_ephemeral("11010519491231002X", recipient_public_key=tax_public, context=context,
                        ephemeral_private=_fixed_seed("ephemeral"), nonce=_fixed_seed("nonce")[:12])
    pseudonym_key = base64.urlsafe_b64decode(keys["pseudonym"]["key"])
    tax_report = _example_tax_report(keys, pseudonym_key)
    from sharecity.exchange.pseudonyms import identity_normalise, pseudonym_with_key

    return {
        "keys.json": {"$comment": "TEST KEYS: derived from public labels; never use them for anything real",
                      **keys},
        "envelope.json": first.as_dict(),
        "envelope_steps.json": envelope_steps,
        "batch.json": batch.as_dict(),
        "receipt.json": receipt,
        "inclusion_proof.json": proof,
        "sealed_field.json": {"plaintext": "11010519491231002X", "context": context,
                              "recipient_public_key": tax_public,
                              "ephemeral_private_key": _b64(_fixed_seed("ephemeral")), "sealed": sealed.model_dump()},
        "tax_quarterly_report.json": tax_report,
        "party_keys.json": {
            "key": keys["pseudonym"]["key"],
            "examples": [{"input": text, "normalised": identity_normalise(text),
                          "party_key": pseudonym_with_key(pseudonym_key, text)}
                         for text in ("110105 19491231 002x", "11010519491231002X", "91350200MA2YEXAMP7")],
        },
    }


def _example_tax_report(keys: dict, pseudonym_key: bytes) -> dict:
    """A tax.quarterly_report payload whose identity fields are sealed to the example tax key."""
    from sharecity.exchange.pseudonyms import pseudonym_with_key
    from sharecity.exchange.sealing import seal_with_ephemeral

    tax_public = keys["tax_department"]["public_key"]

    def sealed(value: str, field: str) -> dict:
        return seal_with_ephemeral(
            value, recipient_public_key=tax_public, context=seal_context("tax.quarterly_report", 1, field),
            ephemeral_private=_fixed_seed(f"ephemeral {field}"), nonce=_fixed_seed(f"nonce {field}")[:12],
        ).model_dump()

    return schemas.payload_build(
        "tax.quarterly_report", report_id="TAX-2025Q3-0001", year=2025, quarter=3,
        recipient_key_id=keys["tax_department"]["key_id"],
        totals={"provider_count": 1, "order_count": 42, "gross_fen": 3360000, "refunds_fen": 16000,
                "commission_fen": 268800, "withheld_tax_fen": 0},
        providers=[{
            "provider_key": pseudonym_with_key(pseudonym_key, "11010519491231002X"), "subject_kind": "person",
            "legal_name": sealed("张三", "legal_name"), "id_number": sealed("11010519491231002X", "id_number"),
            "district": "350203", "order_count": 42, "gross_fen": 3360000, "refunds_fen": 16000,
            "commission_fen": 268800, "withheld_tax_fen": 0,
        }],
    )


def _canonical_text(data: dict, *, exclude: tuple[str, ...]) -> str:
    from sharecity.exchange.envelope import canonical_json

    return canonical_json({name: value for name, value in data.items() if name not in exclude}).decode()


# --- writing and checking ------------------------------------------------------------------------


def render(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def expected_files() -> dict[Path, str]:
    files = {SCHEMA_DIR / name: render(document) for name, document in schema_documents().items()}
    files.update({EXAMPLE_DIR / name: render(document) for name, document in example_documents().items()})
    return files


def stale_files(root: Path) -> list[str]:
    """Paths under ``root`` (docs/exchange) that are missing, differ, or should no longer exist."""
    expected = expected_files()
    stale = [str(path) for path, text in expected.items()
             if not (root / path).exists() or (root / path).read_text(encoding="utf-8") != text]
    for directory in (SCHEMA_DIR, EXAMPLE_DIR):
        if (root / directory).is_dir():
            stale += [str(path.relative_to(root)) for path in sorted((root / directory).glob("*.json"))
                      if path.relative_to(root) not in expected]
    return sorted(stale)


def write_files(root: Path) -> list[str]:
    """Write every published file; remove ones no longer produced. Returns the paths changed."""
    changed = stale_files(root)
    expected = expected_files()
    for path, text in expected.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    for name in changed:
        if Path(name) not in expected:
            (root / name).unlink()
    return changed
