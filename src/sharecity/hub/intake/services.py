"""Hub intake: verify, order, store append-only and apply each exchange message once.

A delivery is a signed batch (or, from simple clients, a single envelope). The batch
signature over its Merkle root vouches for every envelope in it. Each accepted envelope
extends the platform's Merkle log at the hub, and the hub answers with a receipt: its
signed tree head of that log.

Outcomes: ``applied``; ``duplicate`` (already applied: a redelivery, dropped);
``deferred`` (a sequence gap: an earlier message has not arrived yet, try again later);
``quarantined`` (rejected with the field and rule at fault, kept for correction).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from sharecity.exchange.batches import Batch, batch_decode, batch_verify
from sharecity.exchange.envelope import (
    ENVELOPE_MAX_BYTES,
    GENESIS_HASH,
    Envelope,
    canonical_json,
    envelope_parse,
    envelope_verify,
)
from sharecity.exchange.merkle import MerkleFrontier
from sharecity.exchange.receipts import receipt_body
from sharecity.exchange.schemas import DIRECTIONS, HUB_TO_PLATFORM, PlatformRegisteredV1, payload_validate
from sharecity.exchange.transports import Delivery, Transport, transport_for
from sharecity.hub.intake.handlers import handlers_for
from sharecity.hub.intake.models import (
    IntakeGap,
    IntakeStream,
    QuarantinedMessage,
    ReceivedBatch,
    ReceivedMessage,
    SignedTreeHead,
)
from sharecity.hub.registry.keys import hub_sign
from sharecity.hub.registry.selectors import registered_platform_get
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.limits import OUTBOX_PAYLOAD_MAX_BYTES

logger = logging.getLogger(__name__)

RECEIPT_NAMESPACE = uuid.UUID("0d5f3e8a-2b7c-4c1e-8f6a-3a9d2c4b5e71")


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    DEFERRED = "deferred"
    QUARANTINED = "quarantined"


@dataclass
class IntakeReport:
    applied: int = 0
    duplicate: int = 0
    deferred: int = 0
    quarantined: int = 0

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


def _quarantine(raw: bytes, error: InvalidInput, envelope: Envelope | None = None, *,
                platform_id: str | None = None) -> Outcome:
    QuarantinedMessage.objects.create(
        raw=raw,
        platform_id=platform_id or (envelope.platform_id if envelope else ""),
        message_id=envelope.message_id if envelope else "",
        code=error.code,
        field=error.field or "",
        reason=str(error.message),
    )
    logger.warning("quarantined %s: %s (%s)", envelope.message_id if envelope else "?", error.message, error.field)
    return Outcome.QUARANTINED


def _signing_key(envelope: Envelope) -> str:
    registered = registered_platform_get(platform_id=envelope.platform_id)
    if registered is not None:
        return registered.public_key
    if envelope.type == "platform.registered" and envelope.sequence == 1:
        # The first message of a platform introduces its key; it must be signed by it.
        try:
            return PlatformRegisteredV1.model_validate(envelope.payload).public_key
        except ValueError:
            pass
    raise InvalidInput(
        f"platform {envelope.platform_id} is not registered at the hub",
        field="platform_id",
        code="exchange.unknown_platform",
    )


def intake_receive(raw: bytes, *, transport: str = "") -> Outcome:
    """Take one envelope or one batch; for a batch, the least settled outcome of its envelopes."""
    result = intake_receive_delivery(raw, transport=transport)
    return result.outcome


@dataclass
class DeliveryResult:
    outcomes: list[Outcome]
    receipt: dict | None = None
    error: dict | None = None

    @property
    def outcome(self) -> Outcome:
        for outcome in (Outcome.QUARANTINED, Outcome.DEFERRED, Outcome.APPLIED):
            if outcome in self.outcomes:
                return outcome
        return Outcome.DUPLICATE


def intake_receive_delivery(raw: bytes, *, transport: str = "", sender: str = "") -> DeliveryResult:
    """Verify and apply what one transport delivery carried, and answer with a receipt.

    ``sender`` is the platform a transport has authenticated (the HTTPS gateway's API key):
    input too broken to name its platform is quarantined under it, so the platform sees it.
    """
    opened = _open(raw, sender=sender)
    if isinstance(opened, DeliveryResult):
        return opened
    assert opened is not None  # only unknown_later gives None
    platform_id, items, batch = opened
    outcomes, error = _apply(platform_id=platform_id, items=items, batch=batch, transport=transport)
    receipt = receipt_issue(platform_id=platform_id) if Outcome.APPLIED in outcomes else receipt_latest(
        platform_id=platform_id
    )
    return DeliveryResult(outcomes=outcomes, receipt=receipt, error=error)


def _open(raw: bytes, *, sender: str = "", unknown_later: bool = False
          ) -> tuple[str, list[tuple[Envelope, bytes]], Batch | None] | DeliveryResult | None:
    """Parse and verify a delivery: (platform, envelopes with their bytes, batch), or the
    quarantined result if it cannot be trusted at all. With ``unknown_later``, a platform not
    registered yet gives None instead (its registration may be in a delivery not applied yet)."""
    batch = envelope = None
    try:
        batch, data, _ = batch_decode(raw)
        if batch is not None:
            encoded = batch_verify(batch, public_key=_signing_key(batch.envelopes[0]))
            items = list(zip(batch.envelopes, encoded, strict=True))
        else:
            envelope = envelope_parse(data)
            envelope_verify(envelope, public_key=_signing_key(envelope))
            items = [(envelope, bytes(raw))]
    except InvalidInput as error:
        if unknown_later and error.code == "exchange.unknown_platform":
            return None
        first = batch.envelopes[0] if batch else envelope
        _quarantine(raw, error, first, platform_id=batch.platform_id if batch else (sender or None))
        return DeliveryResult(outcomes=[Outcome.QUARANTINED], error=error.as_dict())
    return items[0][0].platform_id, items, batch


def _apply(*, platform_id: str, items: list[tuple[Envelope, bytes]], batch: Batch | None, transport: str
           ) -> tuple[list[Outcome], dict | None]:
    [result] = _apply_many(platform_id=platform_id, deliveries=[(items, batch)], transport=transport)
    return result


Deliveries = list[tuple[list[tuple[Envelope, bytes]], Batch | None]]


def _apply_many(*, platform_id: str, deliveries: Deliveries, transport: str
                ) -> list[tuple[list[Outcome], dict | None]]:
    """Apply consecutive deliveries of one platform in one transaction: (outcomes, first error) of each.

    Which messages the hub already has is looked up only for those at or below the platform's
    last applied sequence (redeliveries and replays): a message further on is new unless a
    platform reused a message id under a new sequence, which the unique message id refuses when
    the rows are stored. Then the work is undone (a savepoint) and done again looking up every
    id, so the outcome is what a full look-up would have given, at no cost in the usual case."""
    with transaction.atomic():
        stream, _ = IntakeStream.objects.select_for_update().get_or_create(
            platform_id=platform_id, defaults={"last_hash": GENESIS_HASH}
        )
        try:
            with transaction.atomic():
                return _apply_locked(stream, deliveries=deliveries, transport=transport, look_up_all=False)
        except IntegrityError:
            stream.refresh_from_db()
            return _apply_locked(stream, deliveries=deliveries, transport=transport, look_up_all=True)


def _apply_locked(stream: IntakeStream, *, deliveries: Deliveries, transport: str, look_up_all: bool
                  ) -> list[tuple[list[Outcome], dict | None]]:
    platform_id = stream.platform_id
    results: list[tuple[list[Outcome], dict | None]] = []
    frontier = MerkleFrontier.from_json(stream.merkle_frontier)
    known = _known([envelope.message_id for items, _ in deliveries for envelope, _ in items
                    if look_up_all or envelope.sequence <= stream.last_sequence])
    accepted: list[tuple] = []  # rows of _RECEIVED_COLUMNS without the time
    applied_payloads = []
    gap: tuple[int, int] | None = None
    tried: set[int] = set()
    for items, batch in deliveries:
        outcomes: list[Outcome] = []
        first_error = None
        stored_batch = None
        for envelope, raw in items:
            if envelope.message_id in known:
                outcomes.append(Outcome.DUPLICATE)
                continue
            expected = stream.last_sequence + 1
            problem = None
            if envelope.sequence < expected:
                problem = InvalidInput(
                    f"sequence {envelope.sequence} was already used by another message (replay)",
                    field="sequence", code="exchange.replayed_sequence")
            elif envelope.sequence > expected:
                if expected not in tried:  # not refused just now: it has not arrived
                    gap = gap or (expected, envelope.sequence - 1)
                outcomes.append(Outcome.DEFERRED)
                continue
            elif envelope.prev_hash != stream.last_hash:
                problem = InvalidInput("prev_hash does not match the hash of the platform's previous message",
                                       field="prev_hash", code="exchange.broken_chain")
            tried.add(envelope.sequence)
            if problem is None and len(raw) > ENVELOPE_MAX_BYTES:
                problem = InvalidInput(
                    f"the envelope is {len(raw):,} bytes; at most {ENVELOPE_MAX_BYTES:,} (a payload of at most "
                    f"{OUTBOX_PAYLOAD_MAX_BYTES:,} bytes of JSON: send a large report in parts)",
                    field="payload", code="exchange.too_large")
            if problem is None and DIRECTIONS.get(envelope.type) == HUB_TO_PLATFORM:
                problem = InvalidInput(f"{envelope.type} is sent by the hub to platforms, never by a platform",
                                       field="type", code="exchange.wrong_direction")
            if problem is None:
                try:
                    payload = payload_validate(envelope.type, envelope.schema_version, envelope.payload)
                except InvalidInput as error:
                    problem = error
            if problem is not None:
                _quarantine(raw, problem, envelope)
                first_error = first_error or problem.as_dict()
                outcomes.append(Outcome.QUARANTINED)
                continue
            if batch is not None and stored_batch is None:
                stored_batch = ReceivedBatch.objects.create(
                    platform_id=platform_id, first_sequence=batch.first_sequence,
                    last_sequence=batch.last_sequence, merkle_root=batch.merkle_root, signature=batch.signature,
                    transport=transport,
                )
            accepted.append((envelope.message_id, platform_id, envelope.sequence, envelope.type,
                             envelope.schema_version, raw, envelope.hash,
                             stored_batch.pk if stored_batch is not None else None))
            applied_payloads.append((envelope, payload))
            frontier.append(bytes.fromhex(envelope.hash))
            stream.last_sequence = envelope.sequence
            stream.last_hash = envelope.hash
            known.add(envelope.message_id)
            outcomes.append(Outcome.APPLIED)
        results.append((outcomes, first_error))
    if accepted:
        _received_store(accepted)
        stream.merkle_frontier = frontier.to_json()
        stream.save(update_fields=["last_sequence", "last_hash", "merkle_frontier", "updated_at"])
        _handlers_run(applied_payloads)
        _quarantine_resolve(platform_id=platform_id, message_ids=[row[0] for row in accepted])
    if gap is not None:
        _gap_record(platform_id=platform_id, first_missing=gap[0], last_missing=gap[1])
    return results


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _known(message_ids: list[str]) -> set[str]:
    """Which of these message ids the hub has already received."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        # Stored ids read back as canonical lower-case text, and only an exact match counts: an id
        # in any other form cannot be among them (and would not cast to uuid).
        valid = [message_id for message_id in message_ids if _CANONICAL_UUID.fullmatch(message_id)]
        if not valid:
            return set()
        # One array parameter, not a list of thousands of placeholders built and parsed per delivery;
        # its literal written here (the ids are canonical uuids, checked above), not adapted per item.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT message_id::text FROM {ReceivedMessage._meta.db_table} "  # noqa: S608
                           "WHERE message_id = ANY(%s::uuid[])", ["{" + ",".join(valid) + "}"])
            found = {row[0] for row in cursor.fetchall()}
        return {message_id for message_id in message_ids if message_id in found}
    return set(
        str(message_id) for message_id in ReceivedMessage.objects.filter(message_id__in=message_ids)
        .values_list("message_id", flat=True)
    )


_RECEIVED_COLUMNS = ("message_id", "platform_id", "sequence", "message_type", "schema_version", "envelope",
                     "envelope_hash", "batch_id", "received_at")


_COPY_PLAIN = re.compile(r"[A-Za-z0-9_.:@/+-]*")


def _received_store(accepted: list[tuple]) -> None:
    """Append the accepted messages (rows of ``_RECEIVED_COLUMNS`` up to the time). On PostgreSQL
    with COPY inside intake's transaction: the rows are most of what intake writes, and COPY is
    several times faster than a multi-row INSERT of model instances."""
    now = timezone.now()
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        ReceivedMessage.objects.bulk_create(
            [ReceivedMessage(**dict(zip(_RECEIVED_COLUMNS, (*row, now), strict=True))) for row in accepted],
            batch_size=500,
        )
        return
    table = ReceivedMessage._meta.db_table
    stamp = now.isoformat()
    # wrap_database_errors: a refused row (a reused message id) surfaces as Django's IntegrityError,
    # as it would through the ORM; COPY on the raw cursor would raise psycopg's own.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(_RECEIVED_COLUMNS)}) FROM STDIN") as copy:
            lines = []
            for row in accepted:
                message_id, platform_id, sequence, message_type, version, raw, digest, batch_id = row
                if _COPY_PLAIN.fullmatch(f"{message_id}{platform_id}{message_type}{digest}"):
                    # COPY's text format written directly (nothing here needs escaping; bytea as
                    # hex, its backslash doubled): several times cheaper than adapting each value.
                    batch = "\\N" if batch_id is None else batch_id
                    lines.append(f"{message_id}\t{platform_id}\t{sequence}\t{message_type}\t{version}\t"
                                 f"\\\\x{raw.hex()}\t{digest}\t{batch}\t{stamp}\n")
                else:
                    if lines:
                        copy.write("".join(lines))
                        lines = []
                    copy.write_row((*row, now))
            if lines:
                copy.write("".join(lines))


def _handlers_run(applied: list[tuple[Envelope, object]]) -> None:
    """Each applied message's read-model handlers, in order. A handler that offers ``apply_many``
    has its calls of the whole delivery passed to that at the end instead (same effect, a few
    queries per delivery rather than several per message)."""
    grouped: dict[Callable, list[tuple[Callable, Envelope, object]]] = {}
    for envelope, payload in applied:
        for handler in handlers_for(envelope.type):
            many = getattr(handler, "apply_many", None)
            if many is None:
                handler(envelope=envelope, payload=payload)
            else:
                grouped.setdefault(many, []).append((handler, envelope, payload))
    for many, calls in grouped.items():
        many(calls)


def _quarantine_resolve(*, platform_id: str, message_ids: list[str]) -> None:
    """A message once refused has now been applied (corrected and sent again): close its entries."""
    open_entries = QuarantinedMessage.objects.filter(platform_id=platform_id, resolved_at__isnull=True)
    if not open_entries.exists():  # the usual case: one cheap look instead of a match on every id
        return
    QuarantinedMessage.objects.filter(
        platform_id=platform_id, resolved_at__isnull=True, message_id__in=message_ids
    ).update(resolved_at=timezone.now())


def _gap_record(*, platform_id: str, first_missing: int, last_missing: int) -> None:
    """Remember that ``first_missing..last_missing`` has not arrived, so it can be asked for again."""
    gap, created = IntakeGap.objects.get_or_create(
        platform_id=platform_id, first_missing=first_missing, defaults={"last_missing": last_missing}
    )
    if not created:
        gap.last_missing = max(gap.last_missing, last_missing)
        gap.save(update_fields=["last_missing", "last_seen_at"])
    logger.info("gap in %s: %s..%s missing", platform_id, first_missing, gap.last_missing)


def receipt_issue(*, platform_id: str) -> dict | None:
    """Sign the platform's log as it stands now (size and RFC 6962 root) and keep the receipt."""
    stream = IntakeStream.objects.filter(platform_id=platform_id).first()
    if stream is None or not stream.last_sequence:
        return None
    frontier = MerkleFrontier.from_json(stream.merkle_frontier)
    body = {
        "platform_id": platform_id,
        "tree_size": frontier.size,
        "root_hash": frontier.root().hex(),
        "issued_at": timezone.now().astimezone(dt.UTC).isoformat(),
    }
    key_id, signature = hub_sign(receipt_body(body))
    head = SignedTreeHead.objects.create(
        platform_id=platform_id, tree_size=body["tree_size"], root_hash=body["root_hash"],
        issued_at=dt.datetime.fromisoformat(body["issued_at"]), key_id=key_id, signature=signature,
    )
    return head.as_receipt()


def receipt_latest(*, platform_id: str) -> dict | None:
    head = SignedTreeHead.objects.filter(platform_id=platform_id).order_by("-id").first()
    return head.as_receipt() if head else None


def intake_pump(*, transport: Transport | None = None, limit: int = 200, timeout: float = 0.0) -> IntakeReport:
    """Take what the transport has, apply it, acknowledge what is settled."""
    transport = transport or transport_for()
    report = IntakeReport()
    deliveries = transport.fetch(limit=limit, timeout=timeout)
    settled, retry = [], []
    receipts: dict[str, dict] = {}
    # A platform's deliveries in this fetch are applied together, in their order, in one
    # transaction with one receipt: the per-delivery work (locks, look-ups, read-model updates,
    # the signed receipt) is paid once per platform, which keeps up when batches are small.
    # A platform's first deliveries may register it: what its key cannot be found for yet is
    # opened again once those are applied (a second round), and only then refused.
    waiting = list(deliveries)
    for last_round in (False, True):
        by_platform: dict[str, list[tuple[Delivery, list[tuple[Envelope, bytes]], Batch | None]]] = {}
        later = []
        for delivery in waiting:
            opened = _open(delivery.data, unknown_later=not last_round)
            if opened is None:
                later.append(delivery)
                continue
            if isinstance(opened, DeliveryResult):
                report.add(Outcome.QUARANTINED)
                settled.append(delivery)
                continue
            platform_id, items, batch = opened
            by_platform.setdefault(platform_id, []).append((delivery, items, batch))
        for platform_id, group in by_platform.items():
            results = _apply_many(platform_id=platform_id, deliveries=[(items, batch) for _, items, batch in group],
                                  transport=transport.name)
            applied = False
            for (delivery, _, _), (outcomes, _) in zip(group, results, strict=True):
                for outcome in outcomes:
                    report.add(outcome)
                (retry if Outcome.DEFERRED in outcomes else settled).append(delivery)
                applied = applied or Outcome.APPLIED in outcomes
            receipt = receipt_issue(platform_id=platform_id) if applied else receipt_latest(platform_id=platform_id)
            if receipt:
                receipts[platform_id] = receipt
        waiting = later
        if not waiting:
            break
    transport.ack(settled)
    transport.nak(retry)
    for receipt in receipts.values():
        _receipt_send(transport, receipt)
    return report


def _receipt_send(transport: Transport, receipt: dict) -> None:
    """Send the latest receipt down to the platform. Best effort: a lost receipt is replaced by
    the next one, which covers everything before it."""
    message_id = str(uuid.uuid5(RECEIPT_NAMESPACE, f"{receipt['platform_id']}:{receipt['tree_size']}:"
                                                   f"{receipt['issued_at']}"))
    try:
        transport.publish(platform_id=receipt["platform_id"], message_id=message_id, sequence=receipt["tree_size"],
                          data=canonical_json({"kind": "receipt", "receipt": receipt}), direction="down")
    except Exception as error:
        logger.warning("could not send receipt to %s: %s", receipt["platform_id"], error)
