"""What a message waits for between its commit at the platform and its application at the hub:
nothing it need not. A relay wakes when any process commits outbox rows (PostgreSQL NOTIFY), not
at its next poll; intake over NATS goes straight back to the transport after an empty fetch, takes
a batch from one stream without waiting out the quiet streams' pulls, and sends its receipts
together. The poll intervals here are set far beyond the tests' patience, so a message that
arrives proves the wake-up; the latencies themselves are measured by bench/exchange_latency.py."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.db import connections, transaction

from sharecity import workers
from sharecity.exchange.models import DeliveryAttempt, ProducerStream
from sharecity.exchange.relay import OutboxCommitListener, relay_pump
from sharecity.exchange.transports import nats as nats_module
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.services import intake_pump
from sharecity.kernel import services as kernel_services
from sharecity.kernel.models import OutboxMessage, OutboxPending
from sharecity.kernel.services import outbox_enqueue
from tests.factories import make_platform

FOREVER = 3600.0


def wait_for(condition, *, within: float = 30.0, every: float = 0.05):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return condition()


def _fact(platform_id: str) -> None:
    with transaction.atomic():
        outbox_enqueue(platform_id=platform_id, message_type="platform.heartbeat", payload={"n": 1})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_commit_of_outbox_rows_notifies_a_listener_in_another_connection():
    woken = threading.Event()
    listener = OutboxCommitListener(woken.set)
    listener.start()
    try:
        assert listener.listening.wait(30), "the listener never listened"
        assert wait_for(woken.is_set), "no wake on connecting"  # a commit while not listening would be missed
        woken.clear()
        _fact("listener-platform")
        assert woken.wait(30), "the commit did not wake the listener"
    finally:
        listener.stop()
        listener.join(10)
    assert not listener.is_alive()


@pytest.fixture
def quiet_loops(monkeypatch, settings):
    """The worker loops with a poll interval no test would wait for, and without the in-process
    poke, so that only a wake-up from the database can make them act."""
    settings.SHARECITY_WORKER_IDLE_SECONDS = FOREVER
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    monkeypatch.setattr(kernel_services, "_commit_listeners", [])
    made: list[workers.Loop] = []

    def start(names: list[str]) -> list[workers.Loop]:
        loops = workers.loops(names)
        kernel_services._commit_listeners.clear()  # the in-process poke: not what is tested here
        made.extend(loops)
        return loops

    yield start
    for loop in made:
        loop.stop()
    for loop in made:
        loop.join(timeout=10)
    assert not any(loop.is_alive() for loop in made)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_row_committed_while_the_relay_is_idle_is_relayed_without_waiting_for_its_poll(quiet_loops):
    platform = make_platform()
    [relay] = quiet_loops(["relay"])
    [listener] = relay.helpers
    steps, idle = [], threading.Event()
    step = relay.step

    def counted() -> bool:
        idle.clear()
        busy = step()
        steps.append(busy)
        idle.set()
        return busy

    relay.step = counted
    relay.start()
    # The platform's registration goes out first; then the relay sleeps (for an hour).
    assert wait_for(lambda: not OutboxMessage.objects.filter(relayed_at__isnull=True).exists())
    assert wait_for(lambda: listener.listening.is_set() and len(steps) >= 2 and idle.is_set())
    before = len(steps)

    _fact(platform.exchange_id)

    assert wait_for(lambda: not OutboxMessage.objects.filter(relayed_at__isnull=True).exists()), \
        "the row waited for the relay's poll"
    assert len(steps) > before


def test_intake_over_nats_goes_back_to_the_transport_at_once_after_an_empty_fetch(settings):
    # Its fetch waits for deliveries itself (up to a second) and returns as soon as one comes.
    settings.SHARECITY_BUS = "nats://127.0.0.1:4222"
    [intake] = workers.loops(["intake"])
    assert intake.idle_seconds == 0
    settings.SHARECITY_BUS = "local"
    settings.SHARECITY_WORKER_IDLE_SECONDS = 0.7
    [intake] = workers.loops(["intake"])
    assert intake.idle_seconds == 0.7  # the local transport is polled


def test_a_loop_whose_step_fails_pauses_before_trying_again(monkeypatch):
    monkeypatch.setattr(workers, "FAILED_PAUSE_SECONDS", FOREVER)
    calls = []

    def failing() -> bool:
        calls.append(1)
        raise ConnectionError("the database went away")

    loop = workers.Loop("failing", failing, idle_seconds=0.0)
    loop.start()
    try:
        assert wait_for(lambda: calls)
        time.sleep(0.3)
        assert len(calls) == 1  # not spinning on a broken connection
    finally:
        loop.stop()
        loop.join(timeout=10)
    assert not loop.is_alive()


@pytest.mark.nats
def test_a_batch_on_one_stream_is_taken_without_waiting_out_the_quiet_streams_pulls(nats_transport, monkeypatch):
    transport = nats_transport
    platforms = [f"wake-{n}" for n in range(3)]
    for platform_id in platforms:
        transport.publish(platform_id=platform_id, message_id=str(uuid.uuid4()), sequence=1,
                          data=f'{{"p": "{platform_id}"}}'.encode())
    taken = []
    deadline = time.monotonic() + 30
    while len(taken) < 3 and time.monotonic() < deadline:
        deliveries = transport.fetch(limit=100, timeout=2.0)
        transport.ack(deliveries)
        taken += deliveries
    assert len(taken) == 3
    assert transport.fetch(limit=100, timeout=0.5) == []  # every stream quiet now
    # Quiet streams are pulled with the longest wait, here far longer than the test waits.
    monkeypatch.setattr(nats_module, "IDLE_WAIT", FOREVER)
    transport._wait = FOREVER
    got: list = []
    fetching = threading.Thread(target=lambda: got.extend(transport.fetch(limit=100, timeout=FOREVER)))
    fetching.start()
    time.sleep(0.5)  # the pulls are waiting
    transport.publish(platform_id=platforms[1], message_id=str(uuid.uuid4()), sequence=2, data=b'{"p": "again"}')
    fetching.join(timeout=30)
    assert not fetching.is_alive(), "the fetch waited for the quiet streams"
    assert [delivery.data for delivery in got] == [b'{"p": "again"}']
    transport.ack(got)


class ManyAtOnce(LocalTransport):
    """The local transport, with a ``publish_many`` that records each hand-over."""

    def __init__(self, fail_for: str = "", fail_direction: str = "down") -> None:
        self.handovers: list[list[dict]] = []
        self.fail_for = fail_for
        self.fail_direction = fail_direction

    def publish_many(self, messages: list[dict]) -> list[Exception | None]:
        self.handovers.append(messages)
        results: list[Exception | None] = []
        for message in messages:
            if message["platform_id"] == self.fail_for and message.get("direction", "up") == self.fail_direction:
                results.append(ConnectionError("no route"))
                continue
            self.publish(**message)
            results.append(None)
        return results


@pytest.mark.django_db
def test_intake_sends_the_receipts_of_a_fetch_in_one_hand_over():
    first, second = make_platform(), make_platform()
    transport = ManyAtOnce(fail_for=second.exchange_id)
    relay_pump(transport=transport)
    report = intake_pump(transport=transport, limit=200)
    assert report.applied >= 2
    [relayed, handover] = transport.handovers
    assert {message["direction"] for message in relayed} == {"up"}
    assert sorted(message["platform_id"] for message in handover) == sorted([first.exchange_id, second.exchange_id])
    assert all(message["direction"] == "down" for message in handover)
    # A receipt that could not be sent is only logged (the next one covers it); the other went down.
    down = transport.fetch(limit=10, direction="down")
    assert len(down) == 1 and first.exchange_id.encode() in down[0].data


@pytest.mark.django_db
def test_the_relay_hands_every_platforms_batch_over_at_once_and_a_failed_one_waits_alone():
    first, second = make_platform(), make_platform()
    transport = ManyAtOnce(fail_for=second.exchange_id, fail_direction="up")
    report = relay_pump(transport=transport)
    [handover] = transport.handovers
    assert sorted(message["platform_id"] for message in handover) == sorted([first.exchange_id, second.exchange_id])
    assert report.failed_platforms == [second.exchange_id]
    assert not OutboxPending.objects.filter(platform_id=first.exchange_id).exists()
    assert OutboxPending.objects.filter(platform_id=second.exchange_id).exists()
    failed = ProducerStream.objects.get(platform_id=second.exchange_id)
    assert failed.consecutive_failures == 1 and failed.next_attempt_at is not None and failed.last_sequence == 0
    assert ProducerStream.objects.get(platform_id=first.exchange_id).last_sequence == report.sent
    attempts = {attempt.platform_id: attempt for attempt in DeliveryAttempt.objects.all()}
    assert attempts[first.exchange_id].succeeded and not attempts[second.exchange_id].succeeded
    assert "no route" in attempts[second.exchange_id].error
    # Backing off, the failed platform is not tried again at once; the first has nothing left to send.
    assert relay_pump(transport=transport).sent == 0 and len(transport.handovers) == 1
