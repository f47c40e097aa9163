"""Batches: one platform signature over the Merkle root of consecutive envelopes."""

from __future__ import annotations

import dataclasses

import pytest

from sharecity.exchange.batches import batch_parse, batch_seal, batch_verify, raw_parse
from sharecity.exchange.envelope import GENESIS_HASH, envelope_seal, keypair_generate
from sharecity.kernel.errors import InvalidInput


def chain(private_key: bytes, *, count: int = 4, platform_id: str = "p-1"):
    envelopes, prev = [], GENESIS_HASH
    for sequence in range(1, count + 1):
        envelope = envelope_seal(
            private_key=private_key, message_id=f"00000000-0000-0000-0000-{sequence:012d}", platform_id=platform_id,
            type="listing.published", schema_version=1, sequence=sequence, sent_at="2026-11-23T01:00:00+00:00",
            payload={"n": sequence}, prev_hash=prev,
        )
        envelopes.append(envelope)
        prev = envelope.hash
    return envelopes


@pytest.fixture
def keys():
    return keypair_generate()


def test_a_sealed_batch_verifies_after_a_round_trip_through_bytes(keys):
    private, public = keys
    batch = batch_seal(platform_id="p-1", envelopes=chain(private), private_key=private)
    again = batch_parse(raw_parse(batch.to_bytes()))
    batch_verify(again, public_key=public)
    assert (again.first_sequence, again.last_sequence) == (1, 4)
    assert again.batch_id == batch.batch_id  # deterministic: a resend deduplicates


def fault(batch, public, *, code, field):
    with pytest.raises(InvalidInput) as caught:
        batch_verify(batch, public_key=public)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_tampering_anywhere_is_caught_and_named(keys):
    private, public = keys
    envelopes = chain(private)
    batch = batch_seal(platform_id="p-1", envelopes=envelopes, private_key=private)

    changed = dataclasses.replace(envelopes[2], payload={"n": 99})
    fault(dataclasses.replace(batch, envelopes=(*envelopes[:2], changed, envelopes[3])), public,
          code="exchange.bad_hash", field="envelopes[2].hash")

    fault(dataclasses.replace(batch, envelopes=(envelopes[0], envelopes[2], envelopes[1], envelopes[3])), public,
          code="exchange.batch_sequence", field="envelopes[1].sequence")

    # A message dropped from the end, with last_sequence adjusted, no longer matches the signed root.
    fault(dataclasses.replace(batch, envelopes=tuple(envelopes[:3]), last_sequence=3), public,
          code="exchange.bad_merkle_root", field="merkle_root")

    _, other_public = keypair_generate()
    fault(batch, other_public, code="exchange.bad_signature", field="signature")


def test_parse_names_the_envelope_and_field_at_fault(keys):
    private, _ = keys
    data = batch_seal(platform_id="p-1", envelopes=chain(private), private_key=private).as_dict()
    del data["envelopes"][1]["prev_hash"]
    with pytest.raises(InvalidInput) as caught:
        batch_parse(data)
    assert (caught.value.code, caught.value.field) == ("exchange.missing_field", "envelopes[1].prev_hash")
    with pytest.raises(InvalidInput) as caught:
        batch_parse({**data, "envelopes": []})
    assert caught.value.code == "exchange.empty_batch"
