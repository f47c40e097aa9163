"""The outbox relay: turns outbox rows into sealed envelopes, signs them as a batch and
hands the batch to a transport.

At least once, in order per platform. A platform's stream row is locked while its
messages are sent, so several relay processes can run without reordering. The envelope
of a message is a pure function of the outbox row and the stream position, so a message
resent after a crash is byte-identical and the transport or intake drops the copy.
A failed hand-over leaves the rows pending; the platform backs off before trying again.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.utils import timezone

from sharecity.exchange.batches import BATCH_NAMESPACE, SealedBatch, batch_seal_encoded
from sharecity.exchange.envelope import (
    GENESIS_HASH,
    envelope_seal_hashed,
    envelope_seal_text,
    json_loads_noting_floats,
)
from sharecity.exchange.keys import producer_signing_key
from sharecity.exchange.models import DeliveryAttempt, ProducerStream
from sharecity.exchange.transports import Transport, transport_for
from sharecity.kernel.models import OutboxMessage, OutboxPending
from sharecity.kernel.selectors import outbox_pending_for_platform, outbox_pending_streams
from sharecity.kernel.services import outbox_mark_relayed

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 60.0
# The producer id under which the hub signs what it sends down to platforms.
HUB_PRODUCER_ID = "hub"
# Envelopes per batch: one signature and one transport message for all of them, and on each side
# the per-batch work (locks, look-ups, the attempt, the received batch, the receipt) paid once.
# 1,000 made the exchange bench ~20% faster than 500; 2,000 was slower again (bench/README.md).
BATCH_LIMIT = 1000
# And the batch's size: NATS refuses a message over its max_payload (1 MiB by default); a batch
# refused for its size would be retried for ever. The batch's own fields add a few hundred bytes.
BATCH_BYTES = 1_000_000


@dataclass
class RelayReport:
    sent: int = 0
    batches: int = 0
    failed_platforms: list[str] = field(default_factory=list)


def _backoff(failures: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(MAX_BACKOFF_SECONDS, 0.5 * 2 ** max(failures - 1, 0)))


def _sent_at(message) -> str:
    if isinstance(message, PendingMessage):
        return message.sent_at
    return message.created_at.astimezone(dt.UTC).isoformat()


def envelope_fields(message, *, platform_id: str, sequence: int, prev_hash: str) -> dict:
    """The envelope of an outbox row at a stream position: a pure function of both, so a
    message sent again (after a crash, or on request) is byte-identical."""
    return {
        "message_id": str(message.message_id),
        "platform_id": platform_id,
        "type": message.message_type,
        "schema_version": message.schema_version,
        "sequence": sequence,
        "sent_at": _sent_at(message),
        "payload": message.payload,
        "prev_hash": prev_hash,
    }


def envelope_sealed(message, *, platform_id: str, sequence: int, prev_hash: str, private_key: bytes
                    ) -> tuple[str, bytes]:
    """The hash and canonical bytes of ``envelope_fields`` sealed: from the payload's canonical text
    where the outbox has it (spliced in, not decoded and encoded again), else from the payload."""
    text = message.payload_text
    if text:
        return envelope_seal_text(
            private_key=private_key, message_id=str(message.message_id), platform_id=platform_id,
            kind=message.message_type, schema_version=message.schema_version, sequence=sequence,
            sent_at=_sent_at(message), payload_text=text, prev_hash=prev_hash,
        )
    envelope, raw = envelope_seal_hashed(
        envelope_fields(message, platform_id=platform_id, sequence=sequence, prev_hash=prev_hash),
        private_key=private_key, float_free=getattr(message, "float_free", False),
    )
    return envelope.hash, raw


@dataclass(slots=True)
class PendingMessage:
    """What the relay needs of an outbox row (read without building model instances)."""

    pk: int
    message_id: str
    message_type: str
    schema_version: int
    # The payload's canonical JSON text as the outbox keeps it, or "" and the decoded ``payload``.
    payload_text: str
    payload: dict | None
    # ``created_at`` in UTC as ``datetime.isoformat`` writes it (the envelope's ``sent_at``).
    sent_at: str
    # Read without a float (``canonical_json_float_free`` may encode it).
    float_free: bool = False
    sequence: int | None = None
    relayed_at: dt.datetime | None = None


def _isoformat_utc(text: str) -> str:
    """PostgreSQL's ``to_char(… 'YYYY-MM-DD"T"HH24:MI:SS.US')`` of a UTC time as Python's
    ``isoformat()`` of the aware datetime: no fraction when it is zero, ``+00:00`` after."""
    if text.endswith(".000000"):
        text = text[:-7]
    return f"{text}+00:00"


def _pending(*, platform_id: str, limit: int, direction: str) -> list:
    """A platform's pending rows, oldest first (as ``outbox_pending_for_platform``). On PostgreSQL
    one plain query: building model instances cost the relay more than the query. The rows are
    not locked one by one: the caller holds the lock of the platform's stream row, which every
    relay takes before reading a platform's rows, so no other relay reads them meanwhile (and
    locking 500 rows costs PostgreSQL a write to each before the UPDATE writes them again)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return outbox_pending_for_platform(platform_id=platform_id, limit=limit, lock=True, direction=direction)
    with connection.cursor() as cursor:
        # The payload's text from jsonb only where the outbox has no canonical text of it.
        cursor.execute(
            "SELECT id, message_id::text, message_type, schema_version, payload_text, "  # noqa: S608
            "CASE WHEN payload_text = '' THEN payload::text END, "
            "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') "
            f"FROM {OutboxMessage._meta.db_table} WHERE id IN (SELECT message_id FROM {OutboxPending._meta.db_table} "
            "WHERE platform_id = %s AND direction = %s ORDER BY message_id LIMIT %s) ORDER BY id",
            [platform_id, direction, limit],
        )
        rows = cursor.fetchall()
    pending = []
    for pk, message_id, message_type, schema_version, canonical, text, created_at in rows:
        if canonical:
            pending.append(PendingMessage(pk, message_id, message_type, schema_version, canonical, None,
                                          _isoformat_utc(created_at)))
        else:
            payload, float_free = json_loads_noting_floats(text)
            pending.append(PendingMessage(pk, message_id, message_type, schema_version, "", payload,
                                          _isoformat_utc(created_at), float_free))
    return pending


def _relay_platform(*, platform_id: str, transport: Transport, limit: int, report: RelayReport,
                    direction: str = "up") -> None:
    # Facts are signed by the platform's key; directives down to a platform by the hub's.
    signer = platform_id if direction == "up" else HUB_PRODUCER_ID
    stream_id = platform_id if direction == "up" else f"{direction}:{platform_id}"
    private_key = producer_signing_key(platform_id=signer)
    with transaction.atomic():
        # Several relay processes share the work: a platform another relay is sending is skipped
        # (PostgreSQL's SKIP LOCKED), not waited for; it is that relay's until it commits.
        stream = ProducerStream.objects.select_for_update(skip_locked=True).filter(platform_id=stream_id).first()
        if stream is None:
            if ProducerStream.objects.filter(platform_id=stream_id).exists():
                return
            stream, _ = ProducerStream.objects.select_for_update().get_or_create(
                platform_id=stream_id, defaults={"last_hash": GENESIS_HASH}
            )
        now = timezone.now()
        if stream.next_attempt_at and stream.next_attempt_at > now:
            return
        messages = _pending(platform_id=platform_id, limit=limit, direction=direction)
        if not messages:
            return
        hashes: list[str] = []
        encoded: list[bytes] = []
        sequence, prev_hash = stream.last_sequence, stream.last_hash
        size = 0
        for message in messages:
            digest, raw = envelope_sealed(message, platform_id=platform_id, sequence=sequence + 1,
                                          prev_hash=prev_hash, private_key=private_key)
            size += len(raw) + 1
            if encoded and size > BATCH_BYTES:
                break  # the rest waits for the next batch, under the next sequences
            sequence += 1
            message.sequence = sequence
            prev_hash = digest
            hashes.append(digest)
            encoded.append(raw)
        messages = messages[:len(hashes)]
        batch = batch_seal_encoded(platform_id=platform_id, first_sequence=messages[0].sequence, hashes=hashes,
                                   encoded=encoded, private_key=private_key)
        transport_message_id = _transport_id(batch, direction)
        try:
            transport.publish(platform_id=platform_id, message_id=transport_message_id,
                              sequence=batch.first_sequence, data=batch.data, direction=direction)
        except Exception as error:
            logger.warning("relay to %s failed for %s #%s-%s: %s", transport.name, platform_id,
                           batch.first_sequence, batch.last_sequence, error)
            stream.consecutive_failures += 1
            stream.next_attempt_at = now + _backoff(stream.consecutive_failures)
            stream.save()
            _attempts(messages, platform_id=platform_id, transport=transport, error=f"{type(error).__name__}: {error}",
                      transport_message_id=transport_message_id)
            report.failed_platforms.append(platform_id)
            return
        outbox_mark_relayed(messages=messages, relayed_at=now)
        _attempts(messages, platform_id=platform_id, transport=transport, error="",
                  transport_message_id=transport_message_id)
        stream.last_sequence = sequence
        stream.last_hash = prev_hash
        stream.consecutive_failures = 0
        stream.next_attempt_at = None
        stream.save()
        report.sent += len(messages)
        report.batches += 1


def _transport_id(batch: SealedBatch, direction: str) -> str:
    """The deduplication id on the transport; the two directions count sequences apart."""
    if direction == "up":
        return batch.batch_id
    return str(uuid.uuid5(BATCH_NAMESPACE, f"{direction}:{batch.batch_id}"))


def _attempts(messages, *, platform_id: str, transport: Transport, error: str, transport_message_id: str) -> None:
    """Record the attempt to hand these messages (one batch, sequences set) to the transport."""
    DeliveryAttempt.objects.create(
        platform_id=platform_id, first_sequence=messages[0].sequence, last_sequence=messages[-1].sequence,
        transport_message_id=transport_message_id, transport=transport.name, succeeded=not error, error=error,
    )


def relay_pump(*, transport: Transport | None = None, limit: int = BATCH_LIMIT) -> RelayReport:
    """Send what is pending for every platform; returns how many messages went out."""
    transport = transport or transport_for()
    report = RelayReport()
    for direction, platform_id in outbox_pending_streams():
        _relay_platform(platform_id=platform_id, transport=transport, limit=limit, report=report, direction=direction)
    return report


# Every transaction that queues outbox rows notifies this channel as it commits (PostgreSQL; a
# trigger made by exchange's migration 0005), whichever process wrote them.
OUTBOX_CHANNEL = "sharecity_outbox"


class OutboxCommitListener(threading.Thread):
    """Calls ``on_commit`` when another process commits outbox rows, so that a relay process wakes
    at once instead of at its next poll. LISTENs on its own PostgreSQL connection (autocommit);
    reconnects after an error. Without PostgreSQL it does nothing and the relay polls as before."""

    def __init__(self, on_commit: Callable[[], None], *, alias: str = "default", reconnect_seconds: float = 1.0
                 ) -> None:
        super().__init__(name="outbox-commit-listener", daemon=True)
        self.on_commit = on_commit
        self.alias = alias
        self.reconnect_seconds = reconnect_seconds
        self.stopping = threading.Event()
        self.listening = threading.Event()  # set while LISTEN is in force (tests wait for it)

    @staticmethod
    def available(alias: str = "default") -> bool:
        return connections[alias].vendor == "postgresql"

    def run(self) -> None:
        import psycopg

        while not self.stopping.is_set():
            try:
                params = connections[self.alias].get_connection_params()
                with psycopg.connect(**params, autocommit=True) as connection:
                    connection.execute(f"LISTEN {OUTBOX_CHANNEL}")
                    self.listening.set()
                    # Wake once on (re)connecting: a commit while not listening would be missed.
                    self.on_commit()
                    while not self.stopping.is_set():
                        # Returns after a second at most, to see ``stopping``.
                        for _ in connection.notifies(timeout=1.0):
                            self.on_commit()
            except Exception as error:  # the database restarting, a network error: listen again soon
                logger.warning("outbox commit listener: %s; listening again in %ss", error, self.reconnect_seconds)
            self.listening.clear()
            self.stopping.wait(self.reconnect_seconds)

    def stop(self) -> None:
        self.stopping.set()
