"""Hub intake: verify, order, store append-only and apply each exchange message once.

Outcomes: ``applied``; ``duplicate`` (already applied: a redelivery, dropped);
``deferred`` (a sequence gap: an earlier message has not arrived yet, try again later);
``quarantined`` (rejected with the field and rule at fault, kept for correction).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from django.db import IntegrityError, transaction

from sharecity.exchange.envelope import GENESIS_HASH, Envelope, envelope_parse, envelope_verify
from sharecity.exchange.schemas import PlatformRegisteredV1, payload_validate
from sharecity.exchange.transports import Transport, transport_for
from sharecity.hub.intake.handlers import handlers_for
from sharecity.hub.intake.models import IntakeStream, QuarantinedMessage, ReceivedMessage
from sharecity.hub.registry.selectors import registered_platform_get
from sharecity.kernel.errors import InvalidInput

logger = logging.getLogger(__name__)


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


def _quarantine(raw: bytes, error: InvalidInput, envelope: Envelope | None = None) -> Outcome:
    QuarantinedMessage.objects.create(
        raw=raw,
        platform_id=envelope.platform_id if envelope else "",
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


def intake_receive(raw: bytes) -> Outcome:
    envelope = None
    try:
        envelope = envelope_parse(raw)
        envelope_verify(envelope, public_key=_signing_key(envelope))
        payload = payload_validate(envelope.type, envelope.schema_version, envelope.payload)
    except InvalidInput as error:
        return _quarantine(raw, error, envelope)

    with transaction.atomic():
        stream, _ = IntakeStream.objects.select_for_update().get_or_create(
            platform_id=envelope.platform_id, defaults={"last_hash": GENESIS_HASH}
        )
        if ReceivedMessage.objects.filter(message_id=envelope.message_id).exists():
            return Outcome.DUPLICATE
        expected = stream.last_sequence + 1
        if envelope.sequence < expected:
            return _quarantine(
                raw,
                InvalidInput(
                    f"sequence {envelope.sequence} was already used by another message (replay)",
                    field="sequence",
                    code="exchange.replayed_sequence",
                ),
                envelope,
            )
        if envelope.sequence > expected:
            return Outcome.DEFERRED
        if envelope.prev_hash != stream.last_hash:
            return _quarantine(
                raw,
                InvalidInput("prev_hash does not match the hash of the platform's previous message",
                             field="prev_hash", code="exchange.broken_chain"),
                envelope,
            )
        try:
            with transaction.atomic():
                ReceivedMessage.objects.create(
                    message_id=envelope.message_id,
                    platform_id=envelope.platform_id,
                    sequence=envelope.sequence,
                    message_type=envelope.type,
                    schema_version=envelope.schema_version,
                    envelope=raw,
                    envelope_hash=envelope.hash,
                )
        except IntegrityError:
            return Outcome.DUPLICATE
        stream.last_sequence = envelope.sequence
        stream.last_hash = envelope.hash
        stream.save(update_fields=["last_sequence", "last_hash", "updated_at"])
        for handler in handlers_for(envelope.type):
            handler(envelope=envelope, payload=payload)
    return Outcome.APPLIED


def intake_pump(*, transport: Transport | None = None, limit: int = 200, timeout: float = 0.0) -> IntakeReport:
    """Take what the transport has, apply it, acknowledge what is settled."""
    transport = transport or transport_for()
    report = IntakeReport()
    deliveries = transport.fetch(limit=limit, timeout=timeout)
    settled, retry = [], []
    for delivery in deliveries:
        outcome = intake_receive(delivery.data)
        report.add(outcome)
        (retry if outcome is Outcome.DEFERRED else settled).append(delivery)
    transport.ack(settled)
    transport.nak(retry)
    return report
