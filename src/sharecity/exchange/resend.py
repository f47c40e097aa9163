"""Sending a range of a platform's stream again, when the hub asks for it.

The relay keeps every outbox row with the sequence it went out under, and an envelope is
a pure function of its row and position, so the range is rebuilt byte for byte: the chain
is recomputed from the first message (hashing only, which is cheap) and the requested
envelopes are signed again (Ed25519 signatures are deterministic).
"""

from __future__ import annotations

import logging
import uuid

from sharecity.exchange.batches import batch_seal
from sharecity.exchange.envelope import GENESIS_HASH, Envelope, envelope_hash, envelope_seal
from sharecity.exchange.keys import producer_private_key
from sharecity.exchange.models import ProducerKey
from sharecity.exchange.relay import envelope_fields
from sharecity.exchange.transports import Transport, transport_for
from sharecity.kernel.selectors import outbox_relayed_through

logger = logging.getLogger(__name__)


def relay_resend(*, platform_id: str, first_sequence: int, last_sequence: int,
                 transport: Transport | None = None) -> int:
    """Publish ``first_sequence..last_sequence`` of the platform's stream again as one batch.

    Returns how many envelopes went out (0 when this deployment does not produce that
    platform's stream or has not sent that range yet)."""
    if first_sequence < 1 or last_sequence < first_sequence:
        return 0
    if not ProducerKey.objects.filter(platform_id=platform_id).exists():
        return 0
    private_key = producer_private_key(platform_id=platform_id)
    prev_hash = GENESIS_HASH
    envelopes: list[Envelope] = []
    for message in outbox_relayed_through(platform_id=platform_id, last_sequence=last_sequence).iterator(2000):
        sequence = int(message.sequence or 0)
        fields = envelope_fields(message, platform_id=platform_id, sequence=sequence, prev_hash=prev_hash)
        if sequence >= first_sequence:
            envelopes.append(envelope_seal(private_key=private_key, **fields))
        prev_hash = envelope_hash(fields)
    if not envelopes or envelopes[0].sequence != first_sequence or envelopes[-1].sequence != last_sequence:
        logger.warning("cannot resend %s..%s for %s: not all of it was sent", first_sequence, last_sequence,
                       platform_id)
        return 0
    batch = batch_seal(platform_id=platform_id, envelopes=envelopes, private_key=private_key)
    transport = transport or transport_for()
    # A fresh transport id: the original batch id may still sit in the transport's dedup window.
    transport.publish(platform_id=platform_id, message_id=str(uuid.uuid4()), sequence=first_sequence,
                      data=batch.to_bytes())
    logger.info("resent %s..%s for %s", first_sequence, last_sequence, platform_id)
    return len(envelopes)
