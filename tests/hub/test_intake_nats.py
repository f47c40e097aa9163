"""The slice over NATS JetStream: relay -> JetStream -> intake, with the same effect as the
local transport, and JetStream's own deduplication by ``Nats-Msg-Id``."""

from __future__ import annotations

import json
import time

import pytest

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.nats import NatsTransport
from sharecity.hub.intake.models import IntakeStream, QuarantinedMessage
from sharecity.hub.intake.services import IntakeReport, intake_pump
from sharecity.hub.monitoring.services import NO_DISTRICT
from sharecity.hub.registry.models import RegisteredPlatform
from tests.factories import make_platform, make_provider, make_space
from tests.hub.slice import craft, expected_stat, run_slice, stat

pytestmark = [pytest.mark.nats, pytest.mark.django_db]


class Recording:
    """Passes everything to the real transport and remembers what was published."""

    def __init__(self, inner: NatsTransport) -> None:
        self.inner = inner
        self.name = inner.name
        self.published: list[dict] = []

    def publish(self, **message) -> None:
        self.inner.publish(**message)
        self.published.append(message)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def stream_message_count(transport: NatsTransport) -> int:
    """Messages on the uplink subjects (receipts travel back on the downlink ones)."""
    async def count() -> int:
        total = 0
        for name in await transport._stream_names():
            total += (await transport._js.stream_info(name)).state.messages
        return total

    return transport._run(count())


class Watching:
    """Passes everything to the real transport and remembers what was fetched, for failure messages."""

    def __init__(self, inner: NatsTransport) -> None:
        self.inner = inner
        self.name = inner.name
        self.fetched: list[str] = []

    def fetch(self, **kwargs):
        deliveries = self.inner.fetch(**kwargs)
        batch = []
        for delivery in deliveries:
            try:
                data = json.loads(delivery.data)
                seq = data.get("sequence", data.get("first_sequence"))
            except ValueError:
                seq = "garbage"
            md = delivery.token.metadata
            batch.append((seq, md.sequence.stream, md.sequence.consumer, md.num_delivered, time.monotonic() % 100))
        if batch:
            self.fetched.append(batch)
        return deliveries

    def __getattr__(self, name):
        return getattr(self.inner, name)


def drain(transport, *, settled: int = 0, until=None, within: float = 15.0) -> IntakeReport:
    """Pump the intake until ``settled`` messages were applied, dropped or quarantined, or until ``until()``."""
    total = IntakeReport()
    deadline = time.monotonic() + within
    transport = Watching(transport)
    total.fetched = transport.fetched
    while time.monotonic() < deadline:
        report = intake_pump(transport=transport, timeout=0.5)
        for name in ("applied", "duplicate", "deferred", "quarantined"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        if until() if until else total.applied + total.duplicate + total.quarantined >= settled:
            # One more short pump to show nothing else is waiting.
            extra = intake_pump(transport=transport, timeout=0.3)
            assert extra.applied + extra.quarantined == 0, (extra, transport.fetched)
            return total
    pytest.fail(f"intake did not settle within {within}s: {total} {transport.fetched}")


def test_slice_travels_over_jetstream_to_the_dashboard(nats_transport):
    sl = run_slice(name="鹭岛共享停车")

    assert relay_pump(transport=nats_transport).sent == 8
    assert stream_message_count(nats_transport) == 1  # one signed batch
    report = drain(nats_transport, settled=8)

    assert (report.applied, report.duplicate, report.quarantined) == (8, 0, 0)
    # The same read model as with the local transport.
    assert stat(sl.platform_id) == expected_stat(sl.booking)
    assert stat(sl.platform_id, NO_DISTRICT)["verified_subjects"] == 1
    assert RegisteredPlatform.objects.get(platform_id=sl.platform_id).name == "鹭岛共享停车"
    assert QuarantinedMessage.objects.count() == 0
    # Relaying again sends nothing new.
    assert relay_pump(transport=nats_transport).sent == 0
    assert stream_message_count(nats_transport) == 1


def test_same_message_id_twice_is_deduplicated_and_applied_once(nats_transport):
    recording = Recording(nats_transport)
    platform = make_platform()
    provider = make_provider(platform)
    make_space(platform, provider)
    assert relay_pump(transport=recording).sent == 3  # registered, verified, listed

    batch = recording.published[-1]
    nats_transport.publish(**batch)  # a resend after a lost acknowledgement: same Nats-Msg-Id
    assert stream_message_count(nats_transport) == 1

    # A resend after JetStream's duplicate window (a new Nats-Msg-Id) reaches the stream,
    # and the intake itself drops its envelopes by their message ids.
    nats_transport.publish(**{**batch, "message_id": f"{batch['message_id']}-late"})
    assert stream_message_count(nats_transport) == 2

    report = drain(nats_transport, settled=6)
    assert (report.applied, report.duplicate, report.quarantined) == (3, 3, 0)
    assert stat(platform.exchange_id)["listings"] == 1


def test_gap_is_redelivered_by_jetstream_and_garbage_is_quarantined_once(nats_transport):
    platform = make_platform()
    assert relay_pump(transport=nats_transport).sent == 1
    assert drain(nats_transport, settled=1).applied == 1
    platform_id = platform.exchange_id

    stream = IntakeStream.objects.get(platform_id=platform_id)
    second = craft(platform_id=platform_id, sequence=2, prev_hash=stream.last_hash)
    third = craft(platform_id=platform_id, sequence=3, prev_hash=second.hash)
    nats_transport.publish(platform_id=platform_id, message_id="garbage-1", sequence=0, data=b"{not json")
    nats_transport.publish(platform_id=platform_id, message_id=third.message_id, sequence=3, data=third.to_bytes())
    nats_transport.publish(platform_id=platform_id, message_id=second.message_id, sequence=2,
                           data=second.to_bytes())

    # The third is held back (nak) and redelivered by JetStream after the second has applied.
    # Delivery is at least once: nats-server 2.9 sometimes also re-sends the acknowledged second
    # after the nak; intake must drop such copies as duplicates, so they are not counted here.
    def third_applied() -> bool:
        return IntakeStream.objects.get(platform_id=platform_id).last_sequence == 3

    report = drain(nats_transport, until=third_applied)
    assert (report.applied, report.quarantined) == (2, 1), (report, report.fetched)
    assert report.deferred >= 1
    assert stat(platform_id)["listings"] == 2
    stream.refresh_from_db()
    assert (stream.last_sequence, stream.last_hash) == (3, third.hash)
    # The garbage was acknowledged once quarantined: kept once, never redelivered.
    assert QuarantinedMessage.objects.filter(code="exchange.malformed").count() == 1


def test_each_platform_has_its_own_stream_and_purge_removes_them_all(nats_transport):
    first, second = make_platform(), make_platform()
    assert relay_pump(transport=nats_transport).sent == 2
    names = nats_transport._run(nats_transport._stream_names())
    assert sorted(names) == sorted(nats_transport.up_stream(p.exchange_id) for p in (first, second))
    assert drain(nats_transport, settled=2).applied == 2

    nats_transport.purge(recreate=False)
    assert nats_transport._run(nats_transport._stream_names()) == []
    # Publishing again makes the platform's stream anew.
    make_platform()
    assert relay_pump(transport=nats_transport).sent == 1
    assert len(nats_transport._run(nats_transport._stream_names())) == 1


def test_stream_names_are_safe_and_distinct(nats_transport):
    assert nats_transport.up_stream("abc-123") == f"{nats_transport.stream}_UP_abc-123"
    odd = {nats_transport.up_stream(p) for p in ("a.b", "a b", "a*b", "a>b")}
    assert len(odd) == 4
    assert all(set(name) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") for name in odd)


def test_a_consumer_left_by_an_earlier_version_is_brought_to_the_short_ack_wait_where_it_stood(nats_transport):
    from nats.js.api import AckPolicy, ConsumerConfig

    from sharecity.exchange.transports.nats import ACK_WAIT

    first = make_platform()
    assert relay_pump(transport=nats_transport).sent == 1
    assert drain(nats_transport, settled=1).applied == 1
    stream = nats_transport.up_stream(first.exchange_id)

    async def consumer():
        return await nats_transport._js.consumer_info(stream, nats_transport.durable)

    async def as_an_earlier_version_left_it():
        # What an intake of an earlier version made: a 60 s ack wait, and no subscription held now.
        subscription = nats_transport._up_subscriptions.pop(stream)
        await subscription.unsubscribe()
        info = await consumer()
        await nats_transport._js.add_consumer(stream, config=ConsumerConfig(
            durable_name=nats_transport.durable, ack_policy=AckPolicy.EXPLICIT, ack_wait=60.0,
            max_ack_pending=1000, filter_subject=info.config.filter_subject))

    nats_transport._run(as_an_earlier_version_left_it())
    before = nats_transport._run(consumer())
    assert before.config.ack_wait == 60.0

    # A message more for the platform: the intake finds the consumer again, and settles it first.
    make_provider(platform=first)
    assert relay_pump(transport=nats_transport).sent == 1
    assert drain(nats_transport, settled=1).applied == 1
    after = nats_transport._run(consumer())
    assert after.config.ack_wait == ACK_WAIT == 15.0
    assert after.config.max_ack_pending == 20000
    # The same consumer, where it stood: only the new message was delivered, nothing again.
    assert after.delivered.stream_seq == before.delivered.stream_seq + 1
    assert IntakeStream.objects.get(platform_id=first.exchange_id).last_sequence == 2
