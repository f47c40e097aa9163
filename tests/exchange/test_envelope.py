"""Envelopes: sealed, hash-chained, signed; parsed without trust; payloads validated by version."""

from __future__ import annotations

import dataclasses
import json
import uuid

import pytest

from sharecity.exchange.envelope import (
    GENESIS_HASH,
    Envelope,
    envelope_hash,
    envelope_parse,
    envelope_seal,
    envelope_verify,
    keypair_generate,
)
from sharecity.exchange.schemas import ListingPublishedV1, payload_build, payload_validate
from sharecity.kernel.errors import InvalidInput

PRIVATE, PUBLIC = keypair_generate()


def listing(**overrides) -> dict:
    fields = {"listing_id": "L-1", "category": "parking", "district": "350203", "provider_key": "provider-key-1",
              "price_fen": 800, "price_unit": "hour", "title": "思明区车位"}
    fields.update(overrides)
    return fields


def sealed(private_key: bytes = PRIVATE, **overrides) -> Envelope:
    fields = {"message_id": str(uuid.uuid4()), "platform_id": "platform-a", "type": "listing.published",
              "schema_version": 1, "sequence": 1, "sent_at": "2025-10-09T02:00:00+00:00", "payload": listing(),
              "prev_hash": GENESIS_HASH}
    fields.update(overrides)
    return envelope_seal(private_key=private_key, **fields)


def test_seal_then_verify_round_trip_through_bytes():
    envelope = sealed()
    parsed = envelope_parse(envelope.to_bytes())
    assert parsed == envelope
    envelope_verify(parsed, public_key=PUBLIC)  # does not raise
    assert len(envelope.hash) == 64
    assert envelope.hash == envelope_hash(envelope.as_dict())


def test_sealing_is_deterministic_so_a_resend_is_byte_identical():
    first = sealed(message_id="00000000-0000-4000-8000-000000000001")
    again = sealed(message_id="00000000-0000-4000-8000-000000000001")
    assert first.to_bytes() == again.to_bytes()


def test_envelope_survives_non_ascii_payloads():
    envelope = sealed(payload=listing(title="厦门·鹭岛 车位 🚗"))
    envelope_verify(envelope_parse(envelope.to_bytes().decode()), public_key=PUBLIC)


@pytest.mark.parametrize(
    "change",
    [
        {"payload": listing(price_fen=1)},
        {"payload": listing(district="350206")},
        {"sequence": 2},
        {"prev_hash": "1" * 64},
        {"platform_id": "platform-b"},
        {"type": "review.published"},
        {"message_id": "another-id"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_any_change_after_sealing_breaks_the_hash(change):
    original = sealed()
    tampered = dataclasses.replace(original, **change)
    assert envelope_hash(tampered.as_dict()) != original.hash
    with pytest.raises(InvalidInput) as caught:
        envelope_verify(tampered, public_key=PUBLIC)
    assert (caught.value.code, caught.value.field) == ("exchange.bad_hash", "hash")


def test_signature_from_another_key_fails():
    other_private, other_public = keypair_generate()
    forged = sealed(private_key=other_private)
    envelope_verify(forged, public_key=other_public)  # valid for its own key...
    with pytest.raises(InvalidInput) as caught:
        envelope_verify(forged, public_key=PUBLIC)  # ...but not for the registered one
    assert (caught.value.code, caught.value.field) == ("exchange.bad_signature", "signature")


def test_rehashed_envelope_without_a_new_signature_fails():
    original = sealed()
    changed = dataclasses.replace(original, sequence=5)
    rehashed = dataclasses.replace(changed, hash=envelope_hash(changed.as_dict()))
    with pytest.raises(InvalidInput) as caught:
        envelope_verify(rehashed, public_key=PUBLIC)
    assert caught.value.field == "signature"


def test_garbage_signature_is_a_signature_error_not_a_crash():
    envelope = dataclasses.replace(sealed(), signature="not base64 at all!")
    with pytest.raises(InvalidInput) as caught:
        envelope_verify(envelope, public_key=PUBLIC)
    assert caught.value.field == "signature"


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"{", b"\xff\xfe", "not json", b""])
def test_parse_rejects_malformed_json(raw):
    with pytest.raises(InvalidInput) as caught:
        envelope_parse(raw)
    assert (caught.value.code, caught.value.field) == ("exchange.malformed", "envelope")
    assert "JSON" in caught.value.message


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42", b"null"])
def test_parse_rejects_json_that_is_not_an_object(raw):
    with pytest.raises(InvalidInput) as caught:
        envelope_parse(raw)
    assert caught.value.code == "exchange.malformed"


@pytest.mark.parametrize(
    "name", ["message_id", "platform_id", "type", "schema_version", "sequence", "sent_at", "payload", "prev_hash",
             "hash", "signature"]
)
def test_parse_names_a_missing_field(name):
    data = sealed().as_dict()
    del data[name]
    with pytest.raises(InvalidInput) as caught:
        envelope_parse(json.dumps(data))
    assert (caught.value.code, caught.value.field) == ("exchange.missing_field", name)
    assert name in caught.value.message


@pytest.mark.parametrize(
    ("name", "value"),
    [("sequence", "1"), ("sequence", True), ("schema_version", 1.0), ("payload", []), ("message_id", 7),
     ("hash", None), ("signature", {"sig": "x"})],
)
def test_parse_names_a_wrongly_typed_field(name, value):
    data = sealed().as_dict()
    data[name] = value
    with pytest.raises(InvalidInput) as caught:
        envelope_parse(json.dumps(data).encode())
    assert (caught.value.code, caught.value.field) == ("exchange.wrong_type", name)


# --- payload schemas -------------------------------------------------------------------------


def test_payload_validate_accepts_a_valid_payload():
    payload = payload_validate("listing.published", 1, listing())
    assert isinstance(payload, ListingPublishedV1)
    assert payload.price_fen == 800


@pytest.mark.parametrize(("message_type", "version"), [("listing.published", 2), ("listing.teleported", 1)])
def test_payload_validate_rejects_unknown_type_or_version(message_type, version):
    with pytest.raises(InvalidInput) as caught:
        payload_validate(message_type, version, listing())
    assert (caught.value.code, caught.value.field) == ("exchange.unknown_type", "type")
    assert message_type in caught.value.message


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({k: v for k, v in listing().items() if k != "district"}, "payload.district"),
        (listing(district="Siming"), "payload.district"),
        (listing(price_fen=-1), "payload.price_fen"),
        (listing(price_unit="fortnight"), "payload.price_unit"),
        (listing(provider_key="short"), "payload.provider_key"),
        (listing(surprise="extra"), "payload.surprise"),
    ],
)
def test_payload_validate_names_the_field_at_fault(payload, field):
    with pytest.raises(InvalidInput) as caught:
        payload_validate("listing.published", 1, payload)
    assert (caught.value.code, caught.value.field) == ("exchange.invalid_payload", field)
    assert caught.value.message.startswith(field)


def test_payload_build_returns_json_ready_data():
    data = payload_build("order.created", order_id="o", listing_id="l", category="parking", district="350203",
                         customer_key="customer-1", provider_key="provider-1", amount_fen=400,
                         starts_at="2025-10-09T10:00:00+08:00", ends_at="2025-10-09T10:30:00+08:00")
    json.dumps(data)  # serialisable as is
    assert data["amount_fen"] == 400
    assert payload_validate("order.created", 1, data).amount_fen == 400
