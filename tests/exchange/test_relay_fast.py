"""The relay's fast read of the outbox gives the envelopes the model-based definition gives:
a message relayed now and the same message sent again later (``relay_resend``, which reads
model instances) must be byte-identical, or the hub would see two different messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from sharecity.exchange.batches import batch_parse, raw_parse
from sharecity.exchange.envelope import GENESIS_HASH, envelope_seal
from sharecity.exchange.keys import producer_private_key
from sharecity.exchange.models import DeliveryAttempt, LocalStreamEntry
from sharecity.exchange.relay import _isoformat_utc, envelope_fields, relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.kernel.models import OutboxMessage
from sharecity.kernel.services import outbox_enqueue

pytestmark = pytest.mark.django_db

MOMENTS = (
    dt.datetime(2026, 11, 23, 8, 0, 0, tzinfo=dt.UTC),  # no fraction: isoformat leaves it out
    dt.datetime(2026, 11, 23, 8, 0, 0, 1, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 23, 23, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    dt.datetime(2027, 1, 1, 0, 0, 0, 120000, tzinfo=dt.UTC),
)


def test_relayed_envelopes_are_the_model_definition_byte_for_byte():
    with transaction.atomic():
        for n, moment in enumerate(MOMENTS):
            message = outbox_enqueue(platform_id="p-fast", message_type="listing.removed",
                                     payload={"listing_id": f"L-{n}", "reason": "厦门 \"引号\" \\ \u2028", "n": n})
            OutboxMessage.objects.filter(pk=message.pk).update(created_at=moment)
    # Each row keeps its payload's canonical text, which the relay puts into the envelope as it is.
    assert all(message.payload_text for message in OutboxMessage.objects.filter(platform_id="p-fast"))
    transport = LocalTransport()
    assert relay_pump(transport=transport).sent == len(MOMENTS)

    [entry] = LocalStreamEntry.objects.filter(platform_id="p-fast")
    batch = batch_parse(raw_parse(bytes(entry.envelope)))
    private_key = producer_private_key(platform_id="p-fast")
    prev = GENESIS_HASH
    expected = []
    for sequence, message in enumerate(OutboxMessage.objects.filter(platform_id="p-fast").order_by("id"), 1):
        sealed = envelope_seal(private_key=private_key,
                               **envelope_fields(message, platform_id="p-fast", sequence=sequence, prev_hash=prev))
        expected.append(sealed)
        prev = sealed.hash
        assert message.sequence == sequence and message.relayed_at is not None
    assert list(batch.envelopes) == expected
    assert [envelope.sent_at for envelope in batch.envelopes] == [m.astimezone(dt.UTC).isoformat() for m in MOMENTS]
    assert bytes(entry.envelope) == batch.to_bytes()
    attempts = DeliveryAttempt.objects.filter(platform_id="p-fast")
    assert [(a.first_sequence, a.last_sequence, a.succeeded, a.error) for a in attempts] == [
        (1, len(MOMENTS), True, "")]


def test_a_payload_with_a_float_or_a_huge_integer_is_relayed_as_the_reference_encodes_it():
    # The protocol has no floats, but the outbox takes any JSON: such a row must still go out
    # byte for byte as ``canonical_json`` writes it (``1e-07``, not orjson's ``1e-7``).
    payloads = [{"listing_id": "L-f", "half": 0.5, "small": 1e-07}, {"listing_id": "L-i", "n": 2**80}]
    with transaction.atomic():
        for payload in payloads:
            outbox_enqueue(platform_id="p-float", message_type="listing.removed", payload=payload)
    # No canonical text kept for these: the relay encodes the payload itself.
    assert [message.payload_text for message in OutboxMessage.objects.filter(platform_id="p-float")] == ["", ""]
    transport = LocalTransport()
    assert relay_pump(transport=transport).sent == 2
    [entry] = LocalStreamEntry.objects.filter(platform_id="p-float")
    raw = bytes(entry.envelope)
    assert b'"small":1e-07' in raw and b'"half":0.5' in raw and str(2**80).encode() in raw
    batch = batch_parse(raw_parse(raw))
    private_key = producer_private_key(platform_id="p-float")
    prev = GENESIS_HASH
    for sequence, message in enumerate(OutboxMessage.objects.filter(platform_id="p-float").order_by("id"), 1):
        sealed = envelope_seal(private_key=private_key,
                               **envelope_fields(message, platform_id="p-float", sequence=sequence, prev_hash=prev))
        assert batch.envelopes[sequence - 1] == sealed
        prev = sealed.hash


def test_postgres_time_text_becomes_python_isoformat():
    assert _isoformat_utc("2026-11-23T08:00:00.000000") == "2026-11-23T08:00:00+00:00"
    assert _isoformat_utc("2026-11-23T08:00:00.000100") == "2026-11-23T08:00:00.000100+00:00"
