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

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
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
    storable,
)
from sharecity.hub.registry.keys import hub_sign, hub_signer
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.selectors import platform_key_at, registered_platform_get
from sharecity.hub.registry.services import PLATFORM_ID_PATTERN
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
    # What is kept comes from the refused input itself (ids, field names from its payload keys):
    # cut to the columns and rid of NUL, which PostgreSQL text cannot hold, so that keeping a
    # refusal can never fail and stop the intake in its turn.
    QuarantinedMessage.objects.create(
        raw=raw,
        platform_id=storable(platform_id or (envelope.platform_id if envelope else ""), 64),
        message_id=storable(envelope.message_id if envelope else "", 64),
        code=storable(error.code, 60),
        field=storable(error.field or "", 120),
        reason=storable(str(error.message), 4000),
    )
    # Logged once kept: a refusal made on intake's fast path is undone with it when intake goes
    # over the delivery again message by message, and made again there.
    transaction.on_commit(lambda: logger.warning(
        "quarantined %s: %s (%s)", storable(envelope.message_id, 64) if envelope else "?",
        storable(str(error.message), 500), storable(error.field or "", 120)))
    return Outcome.QUARANTINED


def _signing_key(envelope: Envelope, registry: dict[str, RegisteredPlatform | None] | None = None) -> str:
    """The key that signed ``envelope``. ``registry`` remembers the platforms looked up during one
    pass of intake: every delivery of a fetch is opened before any is applied, so within the pass
    a platform's registration cannot change (a key rotation among them is seen by the next pass)."""
    # Checked before the id is used in a query: a NUL in it fails even a look-up on PostgreSQL.
    if not PLATFORM_ID_PATTERN.fullmatch(envelope.platform_id):
        raise InvalidInput("a platform id is 1 to 64 letters, digits, dots, colons, dashes or underscores",
                           field="platform_id", code="exchange.invalid_platform_id")
    if registry is None:
        registered = registered_platform_get(platform_id=envelope.platform_id)
    elif envelope.platform_id in registry:
        registered = registry[envelope.platform_id]
    else:
        registered = registry[envelope.platform_id] = registered_platform_get(platform_id=envelope.platform_id)
    if registered is not None:
        return platform_key_at(platform=registered, sequence=envelope.sequence)
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
    outcomes, error, _ = _apply(platform_id=platform_id, items=items, batch=batch, transport=transport)
    receipt = receipt_issue(platform_id=platform_id) if Outcome.APPLIED in outcomes else receipt_latest(
        platform_id=platform_id
    )
    return DeliveryResult(outcomes=outcomes, receipt=receipt, error=error)


def _open(raw: bytes, *, sender: str = "", unknown_later: bool = False,
          registry: dict[str, RegisteredPlatform | None] | None = None,
          ) -> tuple[str, list[tuple[Envelope, bytes]], Batch | None] | DeliveryResult | None:
    """Parse and verify a delivery: (platform, envelopes with their bytes, batch), or the
    quarantined result if it cannot be trusted at all. With ``unknown_later``, a platform not
    registered yet gives None instead (its registration may be in a delivery not applied yet)."""
    batch = envelope = None
    try:
        try:
            batch, data, _ = batch_decode(raw)
        except RecursionError:  # json's parser gives up on arrays or objects nested thousands deep
            raise InvalidInput("not valid JSON: nested too deeply", field="envelope",
                               code="exchange.malformed") from None
        if batch is not None:
            encoded = batch_verify(batch, public_key=_signing_key(batch.envelopes[0], registry))
            items = list(zip(batch.envelopes, encoded, strict=True))
        else:
            envelope = envelope_parse(data)
            envelope_verify(envelope, public_key=_signing_key(envelope, registry))
            items = [(envelope, bytes(raw))]
    except InvalidInput as error:
        # A key that may change in a delivery not applied yet: the platform's registration, or a
        # rotation of its key (the deliveries after it are signed with the new one).
        if unknown_later and error.code in ("exchange.unknown_platform", "exchange.bad_signature"):
            return None
        first = batch.envelopes[0] if batch else envelope
        _quarantine(raw, error, first, platform_id=batch.platform_id if batch else (sender or None))
        return DeliveryResult(outcomes=[Outcome.QUARANTINED], error=error.as_dict())
    return items[0][0].platform_id, items, batch


def _apply(*, platform_id: str, items: list[tuple[Envelope, bytes]], batch: Batch | None, transport: str
           ) -> Applied:
    [result] = _apply_many(platform_id=platform_id, deliveries=[(items, batch)], transport=transport)
    return result


Deliveries = list[tuple[list[tuple[Envelope, bytes]], Batch | None]]
# Per delivery: the outcome of each envelope, the first error, and whether it waits for a message
# yet to arrive (deferred behind a gap: the transport should deliver it again). A message deferred
# behind one refused in the same pass does not wait: it is dropped, and the range from the refused
# one on is reported missing, to be sent again after the correction (a redelivery would only be
# refused again, for ever).
Applied = tuple[list[Outcome], dict | None, bool]


# What a message that passed its schema can still meet when it is stored or applied: a value
# the column cannot hold (DataError on PostgreSQL, OverflowError from SQLite for an integer past
# 64 bits), a constraint (IntegrityError), or a handler's refusal (InvalidInput, ValueError).
# Anything else (a lost connection, a deadlock) is no fault of the message and is retried.
_UNSTORABLE = (DataError, IntegrityError, ValueError, ArithmeticError, InvalidInput)


def _apply_many(*, platform_id: str, deliveries: Deliveries, transport: str, quarantine_open: bool = True
                ) -> list[Applied]:
    """Apply consecutive deliveries of one platform in one transaction: (outcomes, first error,
    whether it waits) of each.

    The usual path stores and applies them all at once. Which messages the hub already has is
    looked up only for those at or below the platform's last applied sequence (redeliveries and
    replays): a message further on is new unless the platform reused one of its message ids
    under a new sequence, which the unique id refuses when the rows are stored.

    If that fails for something in the messages (a reused id, a value no column can hold, a
    handler's refusal), the work is undone (a savepoint) and done again with every id looked up,
    each delivery in a savepoint of its own, and the one that fails message by message: the
    message at fault is quarantined with the reason, the platform's chain waits at its sequence
    for a corrected one, and what came before it is applied. Nothing is retried in a loop and no
    other platform waits on it."""
    with transaction.atomic():
        stream, _ = IntakeStream.objects.select_for_update().get_or_create(
            platform_id=platform_id, defaults={"last_hash": GENESIS_HASH}
        )
        try:
            with transaction.atomic(), transaction.get_connection().wrap_database_errors:
                return _apply_locked(stream, deliveries=deliveries, transport=transport, careful=False,
                                     quarantine_open=quarantine_open)
        except _UNSTORABLE as error:
            logger.info("intake of %s goes delivery by delivery: %s", platform_id, storable(error, 300))
            stream.refresh_from_db()
        return _apply_locked(stream, deliveries=deliveries, transport=transport, careful=True)


def _apply_locked(stream: IntakeStream, *, deliveries: Deliveries, transport: str, careful: bool,
                  quarantine_open: bool = True) -> list[Applied]:
    """``quarantine_open``: whether the platform may have quarantined messages still open (False when
    the caller has looked, for every platform of its pass at once, and found none)."""
    platform_id = stream.platform_id
    walk = _Walk(stream, transport=transport, known=_known(platform_id, [
        envelope.message_id for items, _ in deliveries for envelope, _ in items
        if careful or envelope.sequence <= stream.last_sequence]))
    results: list[Applied] = []
    if not careful:
        accepted: list[tuple] = []
        payloads: list[tuple[Envelope, object]] = []
        for items, batch in deliveries:
            results.append(walk.delivery(items, batch, accepted=accepted, payloads=payloads))
        if accepted:
            _accepted_store(accepted)
            _handlers_run(payloads)
    else:
        for items, batch in deliveries:
            saved = walk.save()
            try:
                with transaction.atomic(), transaction.get_connection().wrap_database_errors:
                    accepted, payloads = [], []
                    result = walk.delivery(items, batch, accepted=accepted, payloads=payloads)
                    if accepted:
                        _accepted_store(accepted)
                        _handlers_run(payloads)
            except _UNSTORABLE:
                walk.restore(saved)
                result = walk.delivery(items, batch, accepted=None, payloads=None)
            results.append(result)
    if walk.applied_ids:
        stream.merkle_frontier = walk.frontier.to_json()
        stream.save(update_fields=["last_sequence", "last_hash", "merkle_frontier", "updated_at"])
        if quarantine_open or walk.quarantined:
            _quarantine_resolve(platform_id=platform_id, message_ids=walk.applied_ids)
    missing = _missing(after=stream.last_sequence, arrived=walk.deferred, refused=walk.tried)
    if walk.dropped - walk.deferred:
        missing.append((stream.last_sequence + 1, max(walk.dropped - walk.deferred)))
    for first, last in missing:
        _gap_record(platform_id=platform_id, first_missing=first, last_missing=last)
    return results


class _Walk:
    """Intake's way along one platform's chain: where it stands, what it has seen."""

    def __init__(self, stream: IntakeStream, *, transport: str, known: set[str]) -> None:
        self.stream = stream
        self.transport = transport
        self.window = settings.SHARECITY_INTAKE_SEQUENCE_WINDOW
        self.frontier = MerkleFrontier.from_json(stream.merkle_frontier)
        self.known = known
        self.tried: set[int] = set()  # sequences refused at the chain's end in this pass
        self.deferred: set[int] = set()  # waiting for a gap before them to fill
        self.dropped: set[int] = set()  # behind a refused one: to be sent again after the correction
        self.applied_ids: list[str] = []
        self.quarantined = False  # whether this pass quarantined any of the platform's messages

    def save(self) -> tuple:
        return (self.stream.last_sequence, self.stream.last_hash, self.frontier.to_json(), set(self.known),
                set(self.tried), set(self.deferred), set(self.dropped), len(self.applied_ids))

    def restore(self, saved: tuple) -> None:
        (self.stream.last_sequence, self.stream.last_hash, frontier, self.known, self.tried, self.deferred,
         self.dropped, applied) = saved
        self.frontier = MerkleFrontier.from_json(frontier)
        del self.applied_ids[applied:]

    def delivery(self, items: list[tuple[Envelope, bytes]], batch: Batch | None, *, accepted: list[tuple] | None,
                 payloads: list[tuple[Envelope, object]] | None) -> Applied:
        """Walk one delivery's envelopes. Accepted rows (``_RECEIVED_COLUMNS`` without the time) and
        payloads go to ``accepted`` and ``payloads`` to be stored together; without them, each is
        stored and applied at once in a savepoint of its own, and one that fails is quarantined."""
        stream, platform_id = self.stream, self.stream.platform_id
        # Locals on the hot path (restore() replaces the objects, so they are taken here, not kept).
        known, tried, deferred, dropped = self.known, self.tried, self.deferred, self.dropped
        frontier, applied_ids, window = self.frontier, self.applied_ids, self.window
        outcomes: list[Outcome] = []
        first_error = None
        stored_batch = None
        waits = False
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
            elif envelope.sequence - stream.last_sequence > window:
                problem = InvalidInput(
                    f"sequence {envelope.sequence} is more than {window:,} past the last applied "
                    f"({stream.last_sequence}): not a gap that messages could fill, so it is refused "
                    "(SHARECITY_INTAKE_SEQUENCE_WINDOW)",
                    field="sequence", code="exchange.implausible_sequence")
            elif envelope.sequence > expected:
                if expected in tried:
                    dropped.add(envelope.sequence)
                else:
                    deferred.add(envelope.sequence)
                    waits = True
                outcomes.append(Outcome.DEFERRED)
                continue
            elif envelope.prev_hash != stream.last_hash:
                problem = InvalidInput("prev_hash does not match the hash of the platform's previous message",
                                       field="prev_hash", code="exchange.broken_chain")
            if problem is None or problem.code != "exchange.implausible_sequence":
                tried.add(envelope.sequence)
            if problem is None and not _CANONICAL_UUID.fullmatch(envelope.message_id):
                problem = InvalidInput("message_id must be a UUID in canonical lower-case form",
                                       field="message_id", code="exchange.invalid_message_id")
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
            row = (envelope.message_id, platform_id, envelope.sequence, envelope.type, envelope.schema_version,
                   raw, envelope.hash)
            if problem is None and accepted is None:
                try:
                    with transaction.atomic(), transaction.get_connection().wrap_database_errors:
                        stored = stored_batch
                        if batch is not None and stored is None:
                            stored = _batch_store(batch, platform_id=platform_id, transport=self.transport)
                        _received_store([(*row, stored.pk if stored is not None else None)])
                        _handlers_run([(envelope, payload)])
                    stored_batch = stored
                except _UNSTORABLE as error:
                    problem = _unstorable(error, envelope)
            if problem is not None:
                _quarantine(raw, problem, envelope)
                self.quarantined = True
                first_error = first_error or problem.as_dict()
                outcomes.append(Outcome.QUARANTINED)
                continue
            if accepted is not None and payloads is not None:
                if batch is not None and stored_batch is None:
                    # Stored with the rest of the pass's batches (``_accepted_store``): the row keeps the
                    # instance until then.
                    stored_batch = _batch_new(batch, platform_id=platform_id, transport=self.transport)
                accepted.append((*row, stored_batch))
                payloads.append((envelope, payload))
            frontier.append(bytes.fromhex(envelope.hash))
            stream.last_sequence = envelope.sequence
            stream.last_hash = envelope.hash
            known.add(envelope.message_id)
            applied_ids.append(envelope.message_id)
            dropped.discard(envelope.sequence)
            outcomes.append(Outcome.APPLIED)
        return outcomes, first_error, waits


def _batch_new(batch: Batch, *, platform_id: str, transport: str) -> ReceivedBatch:
    return ReceivedBatch(
        platform_id=platform_id, first_sequence=batch.first_sequence, last_sequence=batch.last_sequence,
        merkle_root=batch.merkle_root, signature=batch.signature, transport=transport,
    )


def _batch_store(batch: Batch, *, platform_id: str, transport: str) -> ReceivedBatch:
    stored = _batch_new(batch, platform_id=platform_id, transport=transport)
    stored.save()
    return stored


def _accepted_store(accepted: list[tuple]) -> None:
    """Store accepted rows whose last value is their batch, not saved yet (or None): the batches in one
    insert, then the rows with their batch's id."""
    batches = list({id(batch): batch for *_, batch in accepted if batch is not None}.values())
    if batches:
        ReceivedBatch.objects.bulk_create(batches)
    _received_store([(*row, batch.pk if batch is not None else None) for *row, batch in accepted])


def _missing(*, after: int, arrived: set[int], refused: set[int]) -> list[tuple[int, int]]:
    """The ranges past ``after`` that have not arrived, up to the last that has (deferred), as
    ``(first, last)``. A sequence refused just now (quarantined) arrived: the platform learns of it
    from its quarantine and sends a corrected one, not a resend of the range."""
    ranges: list[tuple[int, int]] = []
    following = after + 1
    for sequence in sorted(number for number in arrived if number > after):
        if sequence > following:
            first = following
            while first in refused and first < sequence:
                first += 1
            if first < sequence:
                ranges.append((first, sequence - 1))
        following = sequence + 1
    return ranges


_SQL_COLUMN = re.compile(r"\bcolumn (\w+)")
_VARCHAR_LIMIT = re.compile(r"character varying\((\d+)\)")
_INT64 = (-(2**63), 2**63 - 1)


def _unstorable(error: Exception, envelope: Envelope) -> InvalidInput:
    """The reason a message could not be stored or applied, naming the field where it can be found."""
    if isinstance(error, InvalidInput):
        return error
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    field = _field_at_fault(error, envelope, detail)
    where = f" ({field})" if field else ""
    return InvalidInput(
        f"message {envelope.message_id} passed its schema but cannot be stored{where}: {detail}; "
        "correct it and send it again with the same sequence",
        field=field, code="exchange.unstorable")


def _field_at_fault(error: Exception, envelope: Envelope, detail: str) -> str | None:
    diag = getattr(getattr(error, "__cause__", None), "diag", None)
    column = getattr(diag, "column_name", None)
    if column is None:
        match = _SQL_COLUMN.search(getattr(diag, "context", None) or "")
        column = match.group(1) if match else None
    flat = dict(_leaves(envelope.payload, "payload"))
    if column:
        for name in (f"payload.{column}", f"payload.{column.removesuffix('_code')}", column):
            if name in flat or name in ("sequence", "message_id", "platform_id"):
                return name
    if isinstance(error, ArithmeticError) or "out of range" in detail:
        if not _INT64[0] <= envelope.sequence <= _INT64[1]:
            return "sequence"
        for name, value in flat.items():
            if isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]:
                return name
    if "NUL" in detail:
        for name, value in flat.items():
            if isinstance(value, str) and "\x00" in value:
                return name
    limit = _VARCHAR_LIMIT.search(detail)
    if limit:
        for name, value in flat.items():
            if isinstance(value, str) and len(value) > int(limit.group(1)):
                return name
    return column


def _leaves(value: object, path: str):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}.{index}")
    else:
        yield path, value


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _known(platform_id: str, message_ids: list[str]) -> set[str]:
    """Which of these message ids the hub has already received from this platform."""
    # Stored ids read back as canonical lower-case text, and only an exact match counts: an id in
    # any other form cannot be among them (and would not cast to uuid).
    valid = [message_id for message_id in message_ids if _CANONICAL_UUID.fullmatch(message_id)]
    if not valid:
        return set()
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        # One array parameter, not a list of thousands of placeholders built and parsed per delivery;
        # its literal written here (the ids are canonical uuids, checked above), not adapted per item.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT message_id::text FROM {ReceivedMessage._meta.db_table} "  # noqa: S608
                           "WHERE platform_id = %s AND message_id = ANY(%s::uuid[])",
                           [platform_id, "{" + ",".join(valid) + "}"])
            return {row[0] for row in cursor.fetchall()}
    return set(
        str(message_id) for message_id in ReceivedMessage.objects.filter(
            platform_id=platform_id, message_id__in=valid).values_list("message_id", flat=True)
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


def receipts_issue(*, platform_ids: list[str]) -> dict[str, dict]:
    """``receipt_issue`` for several platforms at once (one pass of intake): their streams read
    together, signed with the hub key looked up once, and the receipts kept in one insert."""
    streams = IntakeStream.objects.filter(platform_id__in=platform_ids, last_sequence__gt=0).only(
        "platform_id", "merkle_frontier")
    issued_at = timezone.now().astimezone(dt.UTC).isoformat()
    sign = hub_signer()
    heads = []
    for stream in sorted(streams, key=lambda stream: stream.platform_id):
        frontier = MerkleFrontier.from_json(stream.merkle_frontier)
        body = {"platform_id": stream.platform_id, "tree_size": frontier.size, "root_hash": frontier.root().hex(),
                "issued_at": issued_at}
        key_id, signature = sign(receipt_body(body))
        heads.append(SignedTreeHead(platform_id=stream.platform_id, tree_size=body["tree_size"],
                                    root_hash=body["root_hash"], issued_at=dt.datetime.fromisoformat(issued_at),
                                    key_id=key_id, signature=signature))
    SignedTreeHead.objects.bulk_create(heads)
    return {head.platform_id: head.as_receipt() for head in heads}


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
    to_issue: list[str] = []
    for last_round in (False, True):
        by_platform: dict[str, list[tuple[Delivery, list[tuple[Envelope, bytes]], Batch | None]]] = {}
        later = []
        registry: dict[str, RegisteredPlatform | None] = {}  # anew each round: the first may register some
        for delivery in waiting:
            opened = _open(delivery.data, unknown_later=not last_round, registry=registry)
            if opened is None:
                later.append(delivery)
                continue
            if isinstance(opened, DeliveryResult):
                report.add(Outcome.QUARANTINED)
                settled.append(delivery)
                continue
            platform_id, items, batch = opened
            by_platform.setdefault(platform_id, []).append((delivery, items, batch))
        # Whose quarantine has entries still open, for all the pass's platforms in one look (usually none).
        quarantined = set(QuarantinedMessage.objects.filter(
            platform_id__in=list(by_platform), resolved_at__isnull=True).values_list("platform_id", flat=True))
        for platform_id, group in by_platform.items():
            try:
                results = _apply_many(platform_id=platform_id,
                                      deliveries=[(items, batch) for _, items, batch in group],
                                      transport=transport.name, quarantine_open=platform_id in quarantined)
            except Exception:
                # Not the input's fault (what is, is quarantined): the database or a defect. This
                # platform's deliveries are tried again later; the other platforms go on.
                logger.exception("intake of %s failed; its deliveries will be tried again", platform_id)
                retry.extend(delivery for delivery, _, _ in group)
                continue
            applied = False
            for (delivery, _, _), (outcomes, _, waits) in zip(group, results, strict=True):
                for outcome in outcomes:
                    report.add(outcome)
                (retry if waits else settled).append(delivery)
                applied = applied or Outcome.APPLIED in outcomes
            if applied:
                to_issue.append(platform_id)
            elif receipt := receipt_latest(platform_id=platform_id):
                receipts[platform_id] = receipt
        waiting = later
        if not waiting:
            break
    if to_issue:
        receipts.update(receipts_issue(platform_ids=to_issue))
    transport.ack(settled)
    transport.nak(retry)
    _receipts_send(transport, list(receipts.values()))
    return report


def _receipt_message(receipt: dict) -> dict:
    message_id = str(uuid.uuid5(RECEIPT_NAMESPACE, f"{receipt['platform_id']}:{receipt['tree_size']}:"
                                                   f"{receipt['issued_at']}"))
    return {"platform_id": receipt["platform_id"], "message_id": message_id, "sequence": receipt["tree_size"],
            "data": canonical_json({"kind": "receipt", "receipt": receipt}), "direction": "down"}


def _receipts_send(transport: Transport, receipts: list[dict]) -> None:
    """Send each platform's latest receipt down. A transport that can (NATS) takes them all at once,
    waiting for its acknowledgements together, not one platform after another. Best effort: a lost
    receipt is replaced by the next one, which covers everything before it."""
    many = getattr(transport, "publish_many", None)
    if many is None or len(receipts) < 2:
        for receipt in receipts:
            _receipt_send(transport, receipt)
        return
    try:
        results = many([_receipt_message(receipt) for receipt in receipts])
    except Exception as error:
        results = [error] * len(receipts)
    for receipt, error in zip(receipts, results, strict=True):
        if error is not None:
            logger.warning("could not send receipt to %s: %s", receipt["platform_id"], error)


def _receipt_send(transport: Transport, receipt: dict) -> None:
    """Send the latest receipt down to the platform (best effort, as ``_receipts_send``)."""
    try:
        transport.publish(**_receipt_message(receipt))
    except Exception as error:
        logger.warning("could not send receipt to %s: %s", receipt["platform_id"], error)
