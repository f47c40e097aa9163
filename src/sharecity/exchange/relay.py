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
from sharecity.exchange.keys import producer_signing_keys
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
# Streams relayed in one pass (one transaction, one hand-over of their batches): a pass per
# platform cost a dozen round trips each, which at a city's evening rate kept messages waiting in
# the outbox for most of a second (bench/exchange_latency.py). Bounded, so that one pass's
# transaction and sealing stay short.
STREAMS_PER_PASS = 32


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


def _pending(*, streams: list[tuple[str, str]], limit: int) -> dict[tuple[str, str], list]:
    """Each stream's pending rows, oldest first, at most ``limit`` each (as
    ``outbox_pending_for_platform``), by (direction, platform id). On PostgreSQL one plain query for
    all the streams: building model instances cost the relay more than the query, and a query per
    platform more than the rest of its pass. The rows are not locked one by one: the caller holds
    the lock of each stream's row, which every relay takes before reading its rows, so no other
    relay reads them meanwhile (and locking 500 rows costs PostgreSQL a write to each before the
    UPDATE writes them again)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return {(direction, platform_id): outbox_pending_for_platform(platform_id=platform_id, limit=limit, lock=True,
                                                                      direction=direction)
                for direction, platform_id in streams}
    with connection.cursor() as cursor:
        # The payload's text from jsonb only where the outbox has no canonical text of it.
        cursor.execute(
            "SELECT direction, platform_id, id, message_id::text, message_type, schema_version, payload_text, "  # noqa: S608
            "CASE WHEN payload_text = '' THEN payload::text END, "
            "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') "
            f"FROM {OutboxMessage._meta.db_table} WHERE id IN ("
            "SELECT message_id FROM (SELECT message_id, row_number() OVER "
            "(PARTITION BY direction, platform_id ORDER BY message_id) AS n "
            f"FROM {OutboxPending._meta.db_table} WHERE (direction, platform_id) IN "
            "(SELECT * FROM unnest(%s::text[], %s::text[]))) AS waiting WHERE n <= %s) ORDER BY id",
            [[direction for direction, _ in streams], [platform_id for _, platform_id in streams], limit],
        )
        rows = cursor.fetchall()
    pending: dict[tuple[str, str], list] = {stream: [] for stream in streams}
    for direction, platform_id, pk, message_id, message_type, schema_version, canonical, text, created_at in rows:
        if canonical:
            message = PendingMessage(pk, message_id, message_type, schema_version, canonical, None,
                                     _isoformat_utc(created_at))
        else:
            payload, float_free = json_loads_noting_floats(text)
            message = PendingMessage(pk, message_id, message_type, schema_version, "", payload,
                                     _isoformat_utc(created_at), float_free)
        pending[(direction, platform_id)].append(message)
    return pending


def _stream_id(direction: str, platform_id: str) -> str:
    # Facts up count one sequence per platform; what goes down to a platform counts its own.
    return platform_id if direction == "up" else f"{direction}:{platform_id}"


@dataclass
class _Outgoing:
    direction: str
    platform_id: str
    stream: ProducerStream
    messages: list
    batch: SealedBatch
    last_hash: str  # the hash of the batch's last envelope: the stream's position once it is sent
    transport_message_id: str
    error: Exception | None = None


def _streams_lock(stream_ids: list[str]) -> dict[str, ProducerStream]:
    """The producer streams among ``stream_ids`` no other relay is sending, locked, made if new.
    Several relay processes share the work: a stream another relay holds is skipped
    (PostgreSQL's SKIP LOCKED), not waited for; it is that relay's until it commits."""
    locked = {stream.platform_id: stream for stream in
              ProducerStream.objects.select_for_update(skip_locked=True).filter(platform_id__in=stream_ids)}
    missing = [stream_id for stream_id in stream_ids if stream_id not in locked]
    if missing:
        held = set(ProducerStream.objects.filter(platform_id__in=missing).values_list("platform_id", flat=True))
        for stream_id in missing:
            if stream_id not in held:
                locked[stream_id], _ = ProducerStream.objects.select_for_update().get_or_create(
                    platform_id=stream_id, defaults={"last_hash": GENESIS_HASH})
    return locked


def _seal(*, direction: str, platform_id: str, stream: ProducerStream, messages: list, private_key: bytes
          ) -> _Outgoing:
    """The stream's next batch: its messages sealed in order from the stream's position (those that
    fit in ``BATCH_BYTES``; the rest waits for the next batch, under the next sequences)."""
    hashes: list[str] = []
    encoded: list[bytes] = []
    sequence, prev_hash = stream.last_sequence, stream.last_hash
    size = 0
    for message in messages:
        digest, raw = envelope_sealed(message, platform_id=platform_id, sequence=sequence + 1,
                                      prev_hash=prev_hash, private_key=private_key)
        size += len(raw) + 1
        if encoded and size > BATCH_BYTES:
            break
        sequence += 1
        message.sequence = sequence
        prev_hash = digest
        hashes.append(digest)
        encoded.append(raw)
    messages = messages[:len(hashes)]
    batch = batch_seal_encoded(platform_id=platform_id, first_sequence=messages[0].sequence, hashes=hashes,
                               encoded=encoded, private_key=private_key)
    return _Outgoing(direction=direction, platform_id=platform_id, stream=stream, messages=messages, batch=batch,
                     last_hash=prev_hash, transport_message_id=_transport_id(batch, direction))


def _hand_over(outgoing: list[_Outgoing], transport: Transport) -> None:
    """Give every batch to the transport, noting each one's error. A transport that can (NATS)
    takes them all at once, their acknowledgements awaited together: each batch is a different
    stream's, and a stream sends one batch per pass, so their order does not matter."""
    many = getattr(transport, "publish_many", None)
    if many is not None and len(outgoing) > 1:
        errors: list[Exception | None]
        try:
            errors = many([{"platform_id": item.platform_id, "message_id": item.transport_message_id,
                            "sequence": item.batch.first_sequence, "data": item.batch.data,
                            "direction": item.direction} for item in outgoing])
        except Exception as failure:
            errors = [failure] * len(outgoing)
        for item, error in zip(outgoing, errors, strict=True):
            item.error = error
        return
    for item in outgoing:
        try:
            transport.publish(platform_id=item.platform_id, message_id=item.transport_message_id,
                              sequence=item.batch.first_sequence, data=item.batch.data, direction=item.direction)
        except Exception as error:
            item.error = error


def _relay_streams(streams: list[tuple[str, str]], *, transport: Transport, limit: int, report: RelayReport) -> None:
    """One pass over these (direction, platform id) streams in one transaction: the free ones are
    locked, their pending rows read, each sealed as a batch under the stream's key, the batches
    handed over together, and the rows, attempts and stream positions written for all at once.
    A stream whose hand-over failed keeps its rows and backs off; the others are not held up."""
    with transaction.atomic():
        locked = _streams_lock([_stream_id(direction, platform_id) for direction, platform_id in streams])
        now = timezone.now()
        ready = [(direction, platform_id) for direction, platform_id in streams
                 if (stream := locked.get(_stream_id(direction, platform_id))) is not None
                 and not (stream.next_attempt_at and stream.next_attempt_at > now)]
        if not ready:
            return
        pending = _pending(streams=ready, limit=limit)
        # Facts are signed by the platform's key; directives down to a platform by the hub's.
        signers = {(direction, platform_id): platform_id if direction == "up" else HUB_PRODUCER_ID
                   for direction, platform_id in ready if pending.get((direction, platform_id))}
        private_keys = producer_signing_keys(platform_ids=set(signers.values()))
        outgoing: list[_Outgoing] = []
        for (direction, platform_id), signer in signers.items():
            outgoing.append(_seal(direction=direction, platform_id=platform_id,
                                  stream=locked[_stream_id(direction, platform_id)],
                                  messages=pending[(direction, platform_id)], private_key=private_keys[signer]))
        if not outgoing:
            return
        _hand_over(outgoing, transport)
        sent = [item for item in outgoing if item.error is None]
        if sent:
            outbox_mark_relayed(messages=[message for item in sent for message in item.messages], relayed_at=now)
        DeliveryAttempt.objects.bulk_create([DeliveryAttempt(
            platform_id=item.platform_id, first_sequence=item.messages[0].sequence,
            last_sequence=item.messages[-1].sequence, transport_message_id=item.transport_message_id,
            transport=transport.name, succeeded=item.error is None,
            error="" if item.error is None else f"{type(item.error).__name__}: {item.error}",
        ) for item in outgoing])
        for item in outgoing:
            stream = item.stream
            if item.error is None:
                stream.last_sequence = item.messages[-1].sequence
                stream.last_hash = item.last_hash
                stream.consecutive_failures = 0
                stream.next_attempt_at = None
                report.sent += len(item.messages)
                report.batches += 1
            else:
                logger.warning("relay to %s failed for %s #%s-%s: %s", transport.name, item.platform_id,
                               item.batch.first_sequence, item.batch.last_sequence, item.error)
                stream.consecutive_failures += 1
                stream.next_attempt_at = now + _backoff(stream.consecutive_failures)
                report.failed_platforms.append(item.platform_id)
        ProducerStream.objects.bulk_update([item.stream for item in outgoing],
                                           ["last_sequence", "last_hash", "consecutive_failures", "next_attempt_at"])


def _transport_id(batch: SealedBatch, direction: str) -> str:
    """The deduplication id on the transport; the two directions count sequences apart."""
    if direction == "up":
        return batch.batch_id
    return str(uuid.uuid5(BATCH_NAMESPACE, f"{direction}:{batch.batch_id}"))


def relay_pump(*, transport: Transport | None = None, limit: int = BATCH_LIMIT) -> RelayReport:
    """Send what is pending for every platform; returns how many messages went out."""
    transport = transport or transport_for()
    report = RelayReport()
    streams = outbox_pending_streams()
    for start in range(0, len(streams), STREAMS_PER_PASS):
        _relay_streams(streams[start:start + STREAMS_PER_PASS], transport=transport, limit=limit, report=report)
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
