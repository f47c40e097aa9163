"""The platform side of the downlink: receipts and directives the hub sends down.

A downlink delivery carries either a hub-signed receipt (``{"kind": "receipt", "receipt":
{...}}``) or a batch of directive envelopes that the relay signed with the hub's producer
key (``HUB_PRODUCER_ID``), hash-chained per platform on the stream ``down:<platform_id>``.

- A receipt is verified with the hub's receipt keys (when given) and kept once
  (``ProducerReceipt``), so the platform can later prove what it delivered.
- A batch is verified (hashes, Merkle root, the hub's signature) and checked against the
  platform's downlink chain (``DownlinkStream``): a copy already taken is dropped, a gap
  waits (``nak``) until the missing batch arrives, and what extends the chain is handed to
  ``on_directives`` in the same transaction that advances the chain. If the callback
  fails, nothing moves and the delivery comes again.
- Anything that does not parse or verify is logged and acknowledged: garbage never blocks
  the stream, and nothing of it is stored.

The exchange knows neither side: the caller passes the hub's receipt keys and the
callback that stores directives.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from sharecity.exchange.batches import batch_parse, batch_verify, is_batch
from sharecity.exchange.envelope import GENESIS_HASH, Envelope
from sharecity.exchange.models import DownlinkStream, ProducerKey, ProducerReceipt
from sharecity.exchange.receipts import RECEIPT_FIELDS, receipt_verify, resend_request_verify
from sharecity.exchange.relay import HUB_PRODUCER_ID
from sharecity.exchange.transports import Delivery, Transport, transport_for
from sharecity.kernel.errors import InvalidInput

logger = logging.getLogger(__name__)


@dataclass
class DownlinkReport:
    receipts: int = 0
    directives: int = 0
    duplicate: int = 0
    deferred: int = 0
    refused: int = 0
    resend_requests: int = 0


class DirectivesNotTaken(Exception):
    """The platform's callback failed: nothing was taken and the delivery must come again."""


def hub_producer_public_key() -> str | None:
    """The public key the relay signs downlink batches with (embedded: the same database)."""
    key = ProducerKey.objects.filter(platform_id=HUB_PRODUCER_ID).first()
    return key.public_key if key else None


def receipt_store(receipt: dict, *, hub_receipt_keys: dict[str, str] | None) -> ProducerReceipt:
    """Verify (when keys are given) and keep a receipt once; raises ``InvalidInput`` if it is refused."""
    if not isinstance(receipt, dict):
        raise InvalidInput("a receipt is a JSON object", field="receipt", code="exchange.malformed")
    for name in (*RECEIPT_FIELDS, "key_id", "signature"):
        if name not in receipt:
            raise InvalidInput(f"receipt.{name} is required", field=f"receipt.{name}", code="exchange.missing_field")
    verified = False
    if hub_receipt_keys is not None:
        key = hub_receipt_keys.get(receipt["key_id"])
        if key is None:
            raise InvalidInput("receipt signed with a key the hub did not publish", field="receipt.key_id",
                               code="exchange.unknown_key")
        if not receipt_verify(receipt, hub_public_key=key):
            raise InvalidInput("receipt signature does not verify with the hub's key", field="receipt.signature",
                               code="exchange.bad_signature")
        verified = True
    try:
        issued_at = dt.datetime.fromisoformat(receipt["issued_at"])
        tree_size = int(receipt["tree_size"])
    except (TypeError, ValueError) as error:
        raise InvalidInput("receipt.issued_at or tree_size is malformed", field="receipt.issued_at",
                           code="exchange.malformed") from error
    try:
        with transaction.atomic():
            stored, _ = ProducerReceipt.objects.get_or_create(
                platform_id=receipt["platform_id"], tree_size=tree_size, issued_at=issued_at,
                defaults={"root_hash": receipt["root_hash"], "key_id": receipt["key_id"],
                          "signature": receipt["signature"], "verified": verified},
            )
    except IntegrityError:
        stored = ProducerReceipt.objects.get(platform_id=receipt["platform_id"], tree_size=tree_size,
                                             issued_at=issued_at)
    return stored


def receipt_latest(*, platform_id: str) -> ProducerReceipt | None:
    return ProducerReceipt.objects.filter(platform_id=platform_id).order_by("-tree_size", "-id").first()


def _batch_take(data: dict, *, public_key: str | None, on_directives: Callable[[list[Envelope]], None],
                report: DownlinkReport) -> bool:
    """Verify and apply one batch; returns False when it must wait for an earlier one."""
    batch = batch_parse(data)
    if public_key is None:
        raise InvalidInput("no hub producer key to verify the batch with", field="signature",
                           code="exchange.unknown_key")
    batch_verify(batch, public_key=public_key)
    with transaction.atomic():
        stream, _ = DownlinkStream.objects.select_for_update().get_or_create(
            platform_id=batch.platform_id, defaults={"last_hash": GENESIS_HASH}
        )
        fresh: list[Envelope] = []
        last_sequence, last_hash = stream.last_sequence, stream.last_hash
        for envelope in batch.envelopes:
            if envelope.sequence <= last_sequence:
                report.duplicate += 1
                continue
            if envelope.sequence > last_sequence + 1:
                return False
            if envelope.prev_hash != last_hash:
                raise InvalidInput("prev_hash does not match the hash of the previous directive",
                                   field="prev_hash", code="exchange.broken_chain")
            fresh.append(envelope)
            last_sequence, last_hash = envelope.sequence, envelope.hash
        if fresh:
            try:
                on_directives(fresh)
            except Exception as error:
                raise DirectivesNotTaken(str(error)) from error
            stream.last_sequence, stream.last_hash = last_sequence, last_hash
            stream.save(update_fields=["last_sequence", "last_hash", "updated_at"])
            report.directives += len(fresh)
    return True


def _resend_take(request, *, hub_receipt_keys: dict[str, str] | None,
                 on_resend: Callable[[str, int, int], object] | None) -> None:
    """The hub asks for a range again: only a request it signed is honoured."""
    if not isinstance(request, dict) or hub_receipt_keys is None:
        raise InvalidInput("a resend request needs the hub's keys to check it", field="request",
                           code="exchange.malformed")
    if not resend_request_verify(request, hub_keys=hub_receipt_keys):
        raise InvalidInput("the resend request is not signed by the hub", field="request.signature",
                           code="exchange.bad_signature")
    if on_resend is not None:
        on_resend(str(request["platform_id"]), int(request["first_sequence"]), int(request["last_sequence"]))


def downlink_receive(raw: bytes, *, hub_receipt_keys: dict[str, str] | None, hub_public_key: str | None,
                     on_directives: Callable[[list[Envelope]], None], report: DownlinkReport | None = None,
                     on_resend: Callable[[str, int, int], object] | None = None) -> bool:
    """Take one downlink delivery. Returns False when it must be delivered again later (a gap)."""
    report = report if report is not None else DownlinkReport()
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise InvalidInput("a downlink message is a JSON object", field="data", code="exchange.malformed")
        if data.get("kind") == "receipt":
            receipt_store(data.get("receipt"), hub_receipt_keys=hub_receipt_keys)  # type: ignore[arg-type]
            report.receipts += 1
            return True
        if data.get("kind") == "resend_request":
            _resend_take(data.get("request"), hub_receipt_keys=hub_receipt_keys, on_resend=on_resend)
            report.resend_requests += 1
            return True
        if is_batch(data):
            return _batch_take(data, public_key=hub_public_key, on_directives=on_directives, report=report)
        raise InvalidInput("neither a receipt nor a batch", field="data", code="exchange.malformed")
    except (ValueError, UnicodeDecodeError, InvalidInput) as error:
        field = error.field if isinstance(error, InvalidInput) else "data"
        logger.warning("downlink refused: %s (%s)", error, field)
        report.refused += 1
        return True


def downlink_pump(*, transport: Transport | None = None,
                  hub_receipt_keys: Callable[[], dict[str, str]] | None,
                  on_directives: Callable[[list[Envelope]], None],
                  hub_producer_key: Callable[[], str | None] = hub_producer_public_key,
                  on_resend: Callable[[str, int, int], object] | None = None,
                  limit: int = 100, timeout: float = 0.0) -> DownlinkReport:
    """Fetch what the hub sent down, verify it, keep receipts, hand directives to ``on_directives``,
    and acknowledge what is settled (a gap is left for a later fetch)."""
    transport = transport or transport_for()
    report = DownlinkReport()
    deliveries = transport.fetch(limit=limit, timeout=timeout, direction="down")
    if not deliveries:
        return report
    keys = hub_receipt_keys() if hub_receipt_keys is not None else None
    public_key = hub_producer_key()
    settled: list[Delivery] = []
    pending = list(deliveries)
    while True:
        # A batch that arrived before an earlier one is tried again once the earlier one is taken.
        retry: list[Delivery] = []
        for delivery in pending:
            try:
                done = downlink_receive(delivery.data, hub_receipt_keys=keys, hub_public_key=public_key,
                                        on_directives=on_directives, report=report, on_resend=on_resend)
            except DirectivesNotTaken:
                # The callback failed: nothing was taken; the delivery comes again.
                logger.exception("downlink delivery could not be applied; retrying later")
                done = False
            (settled if done else retry).append(delivery)
        if not retry or len(retry) == len(pending):
            break
        pending = retry
    report.deferred = len(retry)
    transport.ack(settled)
    transport.nak(retry)
    return report
