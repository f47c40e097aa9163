"""The outbox relay: at least once, in order per platform, hash-chained, with retries and backoff."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone

from sharecity.exchange.batches import Batch, batch_parse, batch_verify, raw_parse
from sharecity.exchange.envelope import GENESIS_HASH, envelope_parse, envelope_verify
from sharecity.exchange.models import DeliveryAttempt, LocalStreamEntry, ProducerKey, ProducerStream
from sharecity.exchange.relay import relay_pump
from sharecity.exchange.selectors import delivery_attempts_of
from sharecity.exchange.transports.local import LocalTransport
from sharecity.kernel.models import OutboxMessage
from sharecity.kernel.selectors import outbox_pending_count
from sharecity.kernel.services import fact_record
from tests.factories import make_platform, make_provider, make_space

pytestmark = pytest.mark.django_db


class BrokenTransport:
    """The bus is down: every publish fails."""

    name = "broken"

    def __init__(self) -> None:
        self.calls = 0

    def publish(self, *, platform_id: str, message_id: str, sequence: int, data: bytes, direction: str = "up") -> None:
        self.calls += 1
        raise ConnectionError("bus unreachable")


def wait_until(moment) -> None:
    if moment is not None:
        time.sleep(max(0.0, (moment - timezone.now()).total_seconds()) + 0.05)


@dataclass(frozen=True)
class Sent:
    """One envelope as it left inside a batch on the local stream."""

    sequence: int
    message_id: str
    envelope: bytes


def batches(platform_id: str) -> list[Batch]:
    rows = LocalStreamEntry.objects.filter(platform_id=platform_id, direction="up").order_by("sequence")
    return [batch_parse(raw_parse(bytes(row.envelope))) for row in rows]


def entries(platform_id: str) -> list[Sent]:
    return [
        Sent(sequence=envelope.sequence, message_id=envelope.message_id, envelope=envelope.to_bytes())
        for batch in batches(platform_id)
        for envelope in batch.envelopes
    ]


def assert_valid_chain(platform_id: str) -> None:
    public_key = ProducerKey.objects.get(platform_id=platform_id).public_key
    for batch in batches(platform_id):
        batch_verify(batch, public_key=public_key)
    prev_hash = GENESIS_HASH
    for expected_sequence, entry in enumerate(entries(platform_id), start=1):
        envelope = envelope_parse(entry.envelope)
        envelope_verify(envelope, public_key=public_key)
        assert envelope.sequence == entry.sequence == expected_sequence
        assert envelope.platform_id == platform_id
        assert envelope.prev_hash == prev_hash
        prev_hash = envelope.hash


def platform_with_listing():
    platform = make_platform()
    provider = make_provider(platform)
    make_space(platform, provider)
    return platform  # three facts: registered, verified, listed


def test_outbox_rows_become_a_signed_hash_chain_with_consecutive_sequences():
    platform = platform_with_listing()
    outbox = list(OutboxMessage.objects.filter(platform_id=platform.exchange_id).order_by("id"))
    assert len(outbox) == 3

    report = relay_pump(transport=LocalTransport())

    assert report.sent == 3
    assert report.failed_platforms == []
    assert outbox_pending_count() == 0
    stream = entries(platform.exchange_id)
    assert [e.sequence for e in stream] == [1, 2, 3]
    # In outbox order, each entry is that row's message.
    assert [str(e.message_id) for e in stream] == [str(m.message_id) for m in outbox]
    assert [envelope_parse(e.envelope).type for e in stream] == [
        "platform.registered", "subject.verified", "listing.published"]
    assert_valid_chain(platform.exchange_id)
    for message in OutboxMessage.objects.filter(platform_id=platform.exchange_id):
        assert message.relayed_at is not None
    # The three went as one batch: one signature over their Merkle root, one transport message,
    # one attempt recorded for the three.
    [attempt] = DeliveryAttempt.objects.filter(platform_id=platform.exchange_id)
    assert (attempt.first_sequence, attempt.last_sequence, attempt.message_count, attempt.succeeded) == (1, 3, 3, True)
    assert attempt.transport_message_id
    assert [list(delivery_attempts_of(platform_id=platform.exchange_id, sequence=n)) for n in (1, 2, 3)] == [
        [attempt]] * 3
    assert report.batches == 1
    assert LocalStreamEntry.objects.filter(platform_id=platform.exchange_id, direction="up").count() == 1


def test_a_batch_stays_under_the_transports_size_limit_and_the_rest_follows(monkeypatch):
    platform = platform_with_listing()
    # Room for about two of these envelopes: NATS refuses a message over its max_payload, and a
    # batch refused for its size would be retried for ever.
    monkeypatch.setattr("sharecity.exchange.relay.BATCH_BYTES", 1400)
    transport = LocalTransport()
    report = relay_pump(transport=transport)
    while (more := relay_pump(transport=transport)).sent:
        report.sent += more.sent
        report.batches += more.batches
    assert report.sent == 3 and report.batches >= 2
    sent = batches(platform.exchange_id)
    assert all(len(batch.to_bytes()) < 1400 + 400 for batch in sent if len(batch.envelopes) > 1)
    assert [e.sequence for e in entries(platform.exchange_id)] == [1, 2, 3]
    assert_valid_chain(platform.exchange_id)
    assert outbox_pending_count() == 0
    attempts = DeliveryAttempt.objects.filter(platform_id=platform.exchange_id).order_by("id")
    ranges = [(a.first_sequence, a.last_sequence) for a in attempts]
    assert ranges[0][0] == 1 and ranges[-1][1] == 3
    assert all(later[0] == earlier[1] + 1 for earlier, later in itertools.pairwise(ranges))


def test_running_the_relay_again_sends_nothing_twice():
    platform = platform_with_listing()
    transport = LocalTransport()
    assert relay_pump(transport=transport).sent == 3
    assert relay_pump(transport=transport).sent == 0
    assert relay_pump(transport=transport).sent == 0
    assert len(entries(platform.exchange_id)) == 3
    assert DeliveryAttempt.objects.count() == 1


def test_the_chain_continues_across_relay_runs():
    platform = make_platform()
    transport = LocalTransport()
    relay_pump(transport=transport)
    provider = make_provider(platform)
    relay_pump(transport=transport)
    make_space(platform, provider)
    relay_pump(transport=transport)
    assert [e.sequence for e in entries(platform.exchange_id)] == [1, 2, 3]
    assert_valid_chain(platform.exchange_id)


def test_two_platforms_keep_separate_sequences_and_chains():
    first = platform_with_listing()
    second = make_platform()
    make_provider(second)
    relay_pump(transport=LocalTransport())
    assert [e.sequence for e in entries(first.exchange_id)] == [1, 2, 3]
    assert [e.sequence for e in entries(second.exchange_id)] == [1, 2]
    assert_valid_chain(first.exchange_id)
    assert_valid_chain(second.exchange_id)
    assert ProducerKey.objects.get(platform_id=first.exchange_id).public_key != ProducerKey.objects.get(
        platform_id=second.exchange_id).public_key


def test_a_failing_transport_records_the_attempt_keeps_the_row_and_backs_off():
    platform = make_platform()
    message = OutboxMessage.objects.get(platform_id=platform.exchange_id)
    broken = BrokenTransport()

    report = relay_pump(transport=broken)

    assert report.sent == 0
    assert report.failed_platforms == [platform.exchange_id]
    [attempt] = delivery_attempts_of(platform_id=platform.exchange_id, sequence=1)
    assert attempt.succeeded is False
    assert attempt.transport == "broken"
    assert (attempt.first_sequence, attempt.last_sequence) == (1, 1)
    assert "ConnectionError" in attempt.error and "bus unreachable" in attempt.error
    message.refresh_from_db()
    assert message.relayed_at is None and message.sequence is None  # still pending
    stream = ProducerStream.objects.get(platform_id=platform.exchange_id)
    assert stream.last_sequence == 0
    assert stream.consecutive_failures == 1
    assert stream.next_attempt_at is not None

    # While backing off, the relay does not hammer the transport.
    relay_pump(transport=broken)
    assert broken.calls == 1
    assert relay_pump(transport=LocalTransport()).sent == 0

    # Once the back-off has passed, a working transport sends it with the same sequence.
    wait_until(stream.next_attempt_at)
    assert relay_pump(transport=LocalTransport()).sent == 1
    assert [(e.message_id, e.sequence) for e in entries(platform.exchange_id)] == [(str(message.message_id), 1)]
    message.refresh_from_db()
    assert message.relayed_at is not None and message.sequence == 1
    attempts = list(delivery_attempts_of(platform_id=platform.exchange_id, sequence=1))
    assert [(a.succeeded, a.first_sequence, a.last_sequence) for a in attempts] == [(False, 1, 1), (True, 1, 1)]
    stream.refresh_from_db()
    assert (stream.consecutive_failures, stream.next_attempt_at, stream.last_sequence) == (0, None, 1)
    assert_valid_chain(platform.exchange_id)


def test_backoff_grows_with_consecutive_failures():
    platform = make_platform()
    broken = BrokenTransport()
    delays = []
    for _ in range(3):
        before = ProducerStream.objects.filter(platform_id=platform.exchange_id).first()
        if before is not None:
            wait_until(before.next_attempt_at)
        relay_pump(transport=broken)
        stream = ProducerStream.objects.get(platform_id=platform.exchange_id)
        attempt = DeliveryAttempt.objects.filter(platform_id=platform.exchange_id).order_by("-id").first()
        delays.append((stream.next_attempt_at - attempt.attempted_at).total_seconds())
    assert broken.calls == 3
    assert delays[0] < delays[1] < delays[2]


def test_a_failure_on_one_platform_does_not_hold_up_another():
    first = make_platform()
    second = make_platform()

    class FailsForFirst(LocalTransport):
        def publish(self, *, platform_id, message_id, sequence, data, direction="up"):
            if platform_id == first.exchange_id:
                raise TimeoutError("no ack")
            super().publish(platform_id=platform_id, message_id=message_id, sequence=sequence, data=data)

    report = relay_pump(transport=FailsForFirst())
    assert report.sent == 1
    assert report.failed_platforms == [first.exchange_id]
    assert entries(second.exchange_id)[0].sequence == 1
    assert entries(first.exchange_id) == []


def test_a_rolled_back_change_is_never_relayed():
    platform = make_platform()
    relay_pump(transport=LocalTransport())
    with pytest.raises(RuntimeError), transaction.atomic():
        fact_record(actor=None, action="test.change", target_type="thing", target_id=1,
                    platform_id=platform.exchange_id, message_type="listing.published", payload={"x": 1})
        raise RuntimeError("the change failed after the fact was recorded")
    assert relay_pump(transport=LocalTransport()).sent == 0
    assert LocalStreamEntry.objects.filter(direction="up").count() == 1
