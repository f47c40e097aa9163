"""The published protocol: committed JSON Schemas match the code, and the worked examples verify,
both with the real code and with an independent implementation written from docs/exchange/README.md."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.management import call_command
from django.core.management.base import CommandError

from sharecity.exchange import merkle
from sharecity.exchange.batches import batch_parse, batch_verify
from sharecity.exchange.envelope import envelope_parse, envelope_verify
from sharecity.exchange.published import schema_documents, stale_files, write_files
from sharecity.exchange.receipts import receipt_verify
from sharecity.exchange.schemas import MESSAGE_TYPES, payload_validate
from sharecity.exchange.sealing import unseal

DOCS = Path(__file__).resolve().parents[2] / "docs" / "exchange"
EXAMPLES = DOCS / "examples"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())


KEYS = example("keys.json")


# --- the committed files are what the code writes ----------------------------------------------------


def test_committed_schemas_and_examples_match_the_code():
    stale = stale_files(DOCS)
    assert not stale, f"run `uv run sharecity manage exchange_schemas` and commit: {stale}"


def test_check_command_passes_on_the_committed_files():
    call_command("exchange_schemas", "--check", root=DOCS)


def test_check_command_fails_on_stale_missing_or_leftover_files(tmp_path):
    with pytest.raises(CommandError, match="out of date"):
        call_command("exchange_schemas", "--check", root=tmp_path)
    call_command("exchange_schemas", root=tmp_path)
    call_command("exchange_schemas", "--check", root=tmp_path)
    target = tmp_path / "schemas" / "listing.published.v1.json"
    target.write_text(target.read_text().replace('"price_fen"', '"price_yuan"'))
    (tmp_path / "schemas" / "listing.teleported.v1.json").write_text("{}")
    assert stale_files(tmp_path) == ["schemas/listing.published.v1.json", "schemas/listing.teleported.v1.json"]
    with pytest.raises(CommandError, match=r"listing\.published\.v1\.json"):
        call_command("exchange_schemas", "--check", root=tmp_path)
    write_files(tmp_path)
    assert stale_files(tmp_path) == []
    assert not (tmp_path / "schemas" / "listing.teleported.v1.json").exists()


def test_one_schema_per_type_and_version_plus_wire_formats_and_an_index():
    documents = schema_documents()
    for message_type, version in MESSAGE_TYPES:
        document = documents[f"{message_type}.v{version}.json"]
        assert document["$id"] == f"urn:sharecity:exchange:{message_type}:v{version}"
        assert document["title"] == f"{message_type} v{version}"
        assert document["additionalProperties"] is False
    for name in ("envelope", "batch", "receipt", "encrypted_field"):
        assert f"{name}.v1.json" in documents
    index = documents["index.json"]
    assert len(index["messages"]) == len(MESSAGE_TYPES)
    assert all((DOCS / "schemas" / entry["file"]).exists() for entry in index["messages"] + index["wire"])
    envelope_fields = set(documents["envelope.v1.json"]["properties"])
    assert envelope_fields == {"message_id", "platform_id", "type", "schema_version", "sequence", "sent_at",
                               "payload", "prev_hash", "hash", "signature"}
    assert set(documents["batch.v1.json"]["properties"]) == {"platform_id", "first_sequence", "last_sequence",
                                                            "envelopes", "merkle_root", "signature"}


# --- the examples verify with the real code ---------------------------------------------------------


def test_examples_verify_with_the_code():
    public = KEYS["platform"]["public_key"]
    envelope = envelope_parse(json.dumps(example("envelope.json")))
    envelope_verify(envelope, public_key=public)
    batch = batch_parse(example("batch.json"))
    batch_verify(batch, public_key=public)
    assert batch.envelopes[0] == envelope
    for item in batch.envelopes:
        payload_validate(item.type, item.schema_version, item.payload)
    assert receipt_verify(example("receipt.json"), hub_public_key=KEYS["hub"]["public_key"])
    proof = example("inclusion_proof.json")
    assert merkle.verify_inclusion(bytes.fromhex(proof["leaf"]), proof["leaf_index"], proof["tree_size"],
                                   [bytes.fromhex(node) for node in proof["audit_path"]],
                                   bytes.fromhex(proof["root_hash"]))
    sealed = example("sealed_field.json")
    assert unseal(sealed["sealed"], private_key=KEYS["tax_department"]["private_key"],
                  context=sealed["context"]) == sealed["plaintext"]
    report = payload_validate("tax.quarterly_report", 1, example("tax_quarterly_report.json"))
    row = report.providers[0]  # type: ignore[attr-defined]
    assert unseal(row.legal_name, private_key=KEYS["tax_department"]["private_key"],
                  context="tax.quarterly_report.v1:legal_name") == "张三"


# --- and with an independent implementation of the README ------------------------------------------


def canonical(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1, written out again here on purpose."""
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def ed25519_ok(public_key: str, signature: str, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(b64(public_key)).verify(b64(signature), message)
    except Exception:
        return False
    return True


def test_envelope_bytes_by_hand():
    steps = example("envelope_steps.json")
    envelope = example("envelope.json")
    body = {name: value for name, value in envelope.items() if name not in ("hash", "signature")}
    assert canonical(body).decode() == steps["canonical_json"]
    assert hashlib.sha256(canonical(body)).hexdigest() == envelope["hash"] == steps["hash"]
    assert ed25519_ok(KEYS["platform"]["public_key"], envelope["signature"], bytes.fromhex(envelope["hash"]))
    assert not ed25519_ok(KEYS["platform"]["public_key"], envelope["signature"], envelope["hash"].encode())
    assert envelope["prev_hash"] == "0" * 64 and envelope["sequence"] == 1


def test_batch_chain_root_and_signature_by_hand():
    batch = example("batch.json")
    previous = "0" * 64
    for position, envelope in enumerate(batch["envelopes"]):
        body = {name: value for name, value in envelope.items() if name not in ("hash", "signature")}
        assert hashlib.sha256(canonical(body)).hexdigest() == envelope["hash"]
        assert envelope["prev_hash"] == previous
        assert envelope["sequence"] == batch["first_sequence"] + position
        assert ed25519_ok(KEYS["platform"]["public_key"], envelope["signature"], bytes.fromhex(envelope["hash"]))
        previous = envelope["hash"]
    assert batch["last_sequence"] == batch["envelopes"][-1]["sequence"]
    root = mth([bytes.fromhex(envelope["hash"]) for envelope in batch["envelopes"]])
    assert root.hex() == batch["merkle_root"]
    assert ed25519_ok(KEYS["platform"]["public_key"], batch["signature"], root)


def test_receipt_and_inclusion_proof_by_hand():
    receipt = example("receipt.json")
    batch = example("batch.json")
    body = {name: receipt[name] for name in ("platform_id", "tree_size", "root_hash", "issued_at")}
    assert ed25519_ok(KEYS["hub"]["public_key"], receipt["signature"], canonical(body))
    assert receipt["key_id"] == hashlib.sha256(KEYS["hub"]["public_key"].encode()).hexdigest()[:16]
    # The hub's log of this platform holds exactly the first batch, so its root is the batch's root.
    assert receipt["root_hash"] == batch["merkle_root"] and receipt["tree_size"] == len(batch["envelopes"])
    proof = example("inclusion_proof.json")
    leaf = hashlib.sha256(b"\x00" + bytes.fromhex(proof["leaf"])).digest()
    assert leaf.hex() == proof["leaf_hash"]
    # Index 1 of 3: the left sibling is leaf 0, then the right subtree (leaf 2).
    left, right = (bytes.fromhex(node) for node in proof["audit_path"])
    node = hashlib.sha256(b"\x01" + left + leaf).digest()
    assert hashlib.sha256(b"\x01" + node + right).digest().hex() == proof["root_hash"] == receipt["root_hash"]


def test_sealed_field_by_hand():
    vector = example("sealed_field.json")
    sealed = vector["sealed"]
    private = X25519PrivateKey.from_private_bytes(b64(KEYS["tax_department"]["private_key"]))
    recipient = private.public_key().public_bytes_raw()
    assert base64.urlsafe_b64encode(recipient).decode() == vector["recipient_public_key"]
    ephemeral = X25519PrivateKey.from_private_bytes(b64(vector["ephemeral_private_key"]))
    assert base64.urlsafe_b64encode(ephemeral.public_key().public_bytes_raw()).decode() == sealed["epk"]
    shared = private.exchange(X25519PublicKey.from_public_bytes(b64(sealed["epk"])))
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b64(sealed["epk"]) + recipient,
               info=b"sharecity.seal.v1:" + vector["context"].encode()).derive(shared)
    plaintext = AESGCM(key).decrypt(b64(sealed["nonce"]), b64(sealed["ciphertext"]), vector["context"].encode())
    assert plaintext.decode() == vector["plaintext"]


def test_party_keys_by_hand():
    vector = example("party_keys.json")
    for item in vector["examples"]:
        digest = hmac.new(b64(vector["key"]), b"sharecity.party.v1\x00identity\x00" + item["normalised"].encode(),
                          hashlib.sha256).digest()
        assert item["party_key"] == "id-" + base64.b32encode(digest[:20]).decode().lower()


def test_the_readme_walks_through_the_committed_example():
    readme = (DOCS / "README.md").read_text(encoding="utf-8")
    assert example("envelope.json")["hash"] in readme
    assert example("batch.json")["merkle_root"] in readme
    assert example("envelope.json")["signature"] in readme
    for code in ("exchange.malformed", "exchange.missing_field", "exchange.wrong_type", "exchange.unknown_type",
                 "exchange.invalid_payload", "exchange.bad_hash", "exchange.bad_signature",
                 "exchange.unknown_platform", "exchange.replayed_sequence", "exchange.broken_chain"):
        assert f"`{code}`" in readme
