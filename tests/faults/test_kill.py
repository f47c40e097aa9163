"""Faults mid-stream: SIGKILL the relay and the intake, or the NATS server, while platforms keep
reporting; restart them; nothing is lost and nothing is applied twice, by count and checksum.

The relay and intake run as real ``sharecity worker`` processes against this test's database
and a private nats-server (its own port and store), never the machine's shared one.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.db.models import Count, Sum

from sharecity.exchange.models import DeliveryAttempt, ProducerStream
from sharecity.hub.intake.models import IntakeStream, QuarantinedMessage, ReceivedMessage
from sharecity.hub.monitoring.models import ActivityStat, OrderFact
from sharecity.kernel.models import OutboxMessage
from tests.factories import make_platform, make_provider
from tests.faults.harness import (
    NatsServer,
    Worker,
    fact_write,
    fresh_database_connection,
    hub_checksum,
    outbox_checksum,
    wait_until,
    worker_env,
)

# Several processes share one database: PostgreSQL. (SQLite's one writer at a time serialises
# the workers behind the test's own writes; the embedded mode runs them as threads instead.)
pytestmark = [pytest.mark.nats, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PLATFORMS = 3
FACTS = 600


@pytest.fixture
def stack(tmp_path, nats_server_binary):
    """A private nats-server and the two workers, all stopped (SIGKILL) at the end whatever happens."""
    server = NatsServer(tmp_path / "jetstream")
    server.start()
    env = worker_env(server.url)
    relay = Worker("relay", env, tmp_path / "relay.log")
    intake = Worker("intake", env, tmp_path / "intake.log")
    try:
        yield server, relay, intake
    finally:
        for process in (relay, intake):
            process.kill()
        server.kill()


def _platforms() -> list[str]:
    ids = []
    for _ in range(PLATFORMS):
        platform = make_platform()
        make_provider(platform)
        ids.append(platform.exchange_id)
    return ids


def _settled() -> bool:
    fresh_database_connection()
    pending = OutboxMessage.objects.filter(direction="up", relayed_at__isnull=True).count()
    return pending == 0 and ReceivedMessage.objects.count() == OutboxMessage.objects.filter(direction="up").count()


def _logs(tmp_path) -> str:
    return "\n".join(f"== {path.name}\n{path.read_text()[-3000:]}" for path in sorted(tmp_path.glob("*.log")))


def _assert_exactly_once(platforms: list[str], tmp_path) -> None:
    try:
        wait_until(_settled, within=90, every=0.5, what="every outbox row applied at the hub")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{_logs(tmp_path)}") from None
    sent = OutboxMessage.objects.filter(direction="up").count()
    received = ReceivedMessage.objects.count()
    assert received == sent == PLATFORMS * 2 + FACTS
    # Zero duplicated: one row per message id and per (platform, sequence) (also unique constraints).
    assert ReceivedMessage.objects.values("message_id").distinct().count() == received
    assert not ReceivedMessage.objects.values("platform_id", "sequence").annotate(n=Count("id")).filter(n__gt=1)
    # Zero lost and nothing altered: the same (platform, sequence, id, type, payload) on both sides.
    assert hub_checksum() == outbox_checksum()
    assert QuarantinedMessage.objects.count() == 0
    for platform_id in platforms:
        producer = ProducerStream.objects.get(platform_id=platform_id)
        hub = IntakeStream.objects.get(platform_id=platform_id)
        assert (hub.last_sequence, hub.last_hash) == (producer.last_sequence, producer.last_hash)
    # Read models applied once per fact.
    orders = Counter(OutboxMessage.objects.filter(message_type="order.created").values_list("platform_id", flat=True))
    assert OrderFact.objects.count() == FACTS
    for platform_id in platforms:
        bookings = ActivityStat.objects.filter(platform_id=platform_id).aggregate(n=Sum("bookings"))["n"]
        assert bookings == orders[platform_id]
    delivered = sum(attempt.message_count for attempt in DeliveryAttempt.objects.filter(succeeded=True))
    assert delivered >= sent


def test_relay_and_intake_killed_mid_stream_lose_and_duplicate_nothing(stack, tmp_path):
    _server, relay, intake = stack
    platforms = _platforms()
    relay.start()
    intake.start()
    kills = {FACTS // 5: (relay,), 2 * FACTS // 5: (intake,), 3 * FACTS // 5: (relay, intake),
             4 * FACTS // 5: (intake, relay)}
    for n in range(FACTS):
        fact_write(platforms[n % PLATFORMS], n)
        for worker in kills.get(n, ()):
            # Let it get busy first, so the kill lands in the middle of its work.
            wait_until(lambda: ReceivedMessage.objects.count() > 0, within=30, what="first messages applied")
            worker.kill()
        if n in kills:
            time.sleep(0.3)  # the platforms keep writing while the workers are down
            for worker in kills[n]:
                worker.start()
        time.sleep(0.004)
    assert relay.starts == 4 and intake.starts == 4
    _assert_exactly_once(platforms, tmp_path)


def test_nats_server_killed_and_restarted_mid_stream_loses_and_duplicates_nothing(stack, tmp_path):
    server, relay, intake = stack
    platforms = _platforms()
    relay.start()
    intake.start()
    restarts = {FACTS // 3, 2 * FACTS // 3}
    for n in range(FACTS):
        fact_write(platforms[n % PLATFORMS], n)
        if n in restarts:
            wait_until(lambda: ReceivedMessage.objects.count() > 0, within=30, what="first messages applied")
            server.kill()
            time.sleep(1.0)  # platforms keep writing into the outbox while the bus is down
            server.start()  # same port, same store
        time.sleep(0.004)
    assert relay.alive() and intake.alive(), _logs(tmp_path)
    _assert_exactly_once(platforms, tmp_path)
