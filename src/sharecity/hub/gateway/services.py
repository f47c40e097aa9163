"""The HTTPS gateway: external platforms push signed batches to the hub with an ingest key.

The key only says who is calling. What a platform sends is checked exactly as on every other
transport, by ``hub.intake``: the batch signature with the platform's registered Ed25519 key,
the hash chain, the schemas. A caller that names another platform is refused outright
(nothing is stored: it is not that platform); anything else that is wrong is quarantined under
the caller's platform, where the platform and the hub's operators can see it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange import merkle
from sharecity.exchange.keys import producer_key_ensure
from sharecity.exchange.relay import HUB_PRODUCER_ID
from sharecity.hub.audit.services import audit_record
from sharecity.hub.gateway.models import IngestKey
from sharecity.hub.intake import selectors as intake_selectors
from sharecity.hub.intake.services import Outcome, intake_receive_delivery, receipt_issue, receipt_latest
from sharecity.hub.registry.keys import hub_key_current, hub_public_keys
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.services import platform_register_external
from sharecity.kernel.errors import Forbidden, NotFound
from sharecity.kernel.models import User

INGEST_KEY_PREFIX = "sce_"
TRANSPORT = "https"

# Faults that make the whole delivery unusable (found before any envelope is looked at on
# its own): the answer is 400 and nothing in it was applied.
WHOLE_DELIVERY_CODES = frozenset({
    "exchange.malformed", "exchange.missing_field", "exchange.wrong_type", "exchange.empty_batch",
    "exchange.mixed_batch", "exchange.batch_sequence", "exchange.bad_hash", "exchange.bad_merkle_root",
    "exchange.bad_signature", "exchange.unknown_platform", "exchange.invalid_platform_id",
})


def _hash_key(raw: str) -> str:
    # Keys are 256-bit random, so a plain SHA-256 is as strong as a slow hash here.
    return hashlib.sha256(raw.encode()).hexdigest()


# --- keys and registration ----------------------------------------------------------------------------------


@transaction.atomic
def ingest_key_issue(*, actor: User | None, platform_id: str, label: str = "gateway") -> tuple[IngestKey, str]:
    """Return the key row and the raw key, which is never stored and shown only now."""
    prefix = secrets.token_hex(4)
    raw = f"{INGEST_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = IngestKey.objects.create(platform_id=platform_id, label=label, prefix=prefix, key_hash=_hash_key(raw))
    audit_record(actor=actor, action="ingest_key.issued", object_type="ingest_key", object_id=key.pk,
                 detail={"platform_id": platform_id, "label": label, "prefix": prefix})
    return key, raw


@transaction.atomic
def ingest_key_revoke(*, actor: User | None, key: IngestKey) -> None:
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="ingest_key.revoked", object_type="ingest_key", object_id=key.pk,
                 detail={"platform_id": key.platform_id, "prefix": key.prefix})


def ingest_key_authenticate(*, raw: str) -> str | None:
    """The platform id the key belongs to, or None for a missing, wrong or revoked key."""
    if not raw or not raw.startswith(INGEST_KEY_PREFIX):
        return None
    prefix = raw[len(INGEST_KEY_PREFIX):].split("_", 1)[0]
    key = IngestKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash_key(raw)):
        return None
    IngestKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key.platform_id


@transaction.atomic
def external_platform_onboard(*, actor: User | None, name: str, credit_code: str, sectors: list[str],
                              public_key: str, platform_id: str | None = None
                              ) -> tuple[RegisteredPlatform, str]:
    """Register an external platform at the hub and issue its first ingest key.

    Returns the registration and the raw key (shown once). The platform id defaults to a new UUID.
    """
    platform = platform_register_external(
        actor=actor, platform_id=platform_id or str(uuid.uuid4()), name=name, credit_code=credit_code,
        sectors=sectors, public_key=public_key,
    )
    _, raw = ingest_key_issue(actor=actor, platform_id=platform.platform_id)
    return platform, raw


def hub_keys() -> dict:
    """The keys a platform pins: receipt keys by key id, and the key that signs directives."""
    hub_key_current()
    return {
        "receipt_keys": hub_public_keys(),
        "directive_key": {"producer_id": HUB_PRODUCER_ID,
                          "public_key": producer_key_ensure(platform_id=HUB_PRODUCER_ID)},
    }


# --- deliveries ---------------------------------------------------------------------------------------------


@dataclass
class GatewayAnswer:
    status: int
    body: dict = field(default_factory=dict)


def _named_platform(raw: bytes) -> tuple[object, list]:
    """What the delivery says about itself before anything is trusted: its platform id and envelopes."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, []
    if not isinstance(data, dict):
        return None, []
    if "envelopes" in data:
        envelopes = data["envelopes"] if isinstance(data["envelopes"], list) else []
    else:
        envelopes = [data]
    return data.get("platform_id"), envelopes


def delivery_receive(*, platform_id: str, raw: bytes) -> GatewayAnswer:
    """Take a batch (or a single envelope) pushed by ``platform_id`` and answer as the API does."""
    named, envelopes = _named_platform(raw)
    if isinstance(named, str) and named != platform_id:
        raise Forbidden(_("This key belongs to another platform than the one the batch names."),
                        field="platform_id", code="exchange.wrong_sender")
    result = intake_receive_delivery(raw, transport=TRANSPORT, sender=platform_id)
    error = result.error
    if error is not None and (error.get("code") in WHOLE_DELIVERY_CODES or len(result.outcomes) != len(envelopes)):
        return GatewayAnswer(status=400, body={"code": error["code"], "message": error["message"],
                                               "field": error.get("field")})
    counts = {outcome.value: 0 for outcome in Outcome}
    for outcome in result.outcomes:
        counts[outcome.value] += 1
    quarantined_ids = [
        str(item.get("message_id")) for item, outcome in zip(envelopes, result.outcomes, strict=False)
        if outcome is Outcome.QUARANTINED and isinstance(item, dict)
    ]
    entries = intake_selectors.quarantine_latest_for(platform_id=platform_id, message_ids=quarantined_ids)
    errors = [
        {"code": entry.code, "message": entry.reason, "field": entry.field or None, "message_id": message_id}
        for message_id in quarantined_ids if (entry := entries.get(message_id)) is not None
    ]
    if error is not None and len(errors) < len(quarantined_ids):
        # Refused before its envelopes could be read (a malformed field): the entry names no message,
        # so each refused envelope is answered with the delivery's reason.
        answered = {item["message_id"] for item in errors}
        errors += [{"code": error["code"], "message": error["message"], "field": error.get("field"),
                    "message_id": message_id} for message_id in quarantined_ids if message_id not in answered]
    results = [
        {"message_id": item.get("message_id"), "sequence": item.get("sequence"), "outcome": outcome.value}
        for item, outcome in zip(envelopes, result.outcomes, strict=False) if isinstance(item, dict)
    ]
    body: dict = {"outcomes": counts, "results": results, "receipt": result.receipt, "errors": errors}
    missing = intake_selectors.gaps_open(platform_id=platform_id)
    if missing:
        body["missing"] = [[first, last] for first, last in missing]
    return GatewayAnswer(status=200, body=body)


def inclusion_proof_build(*, platform_id: str, message_id: str) -> dict:
    """An audit path for one of the platform's accepted messages in a tree the hub has signed."""
    message = intake_selectors.received_message_get(platform_id=platform_id, message_id=message_id)
    if message is None:
        raise NotFound(_("No accepted message of this platform has this id."), field="message_id",
                       code="exchange.unknown_message")
    receipt = receipt_latest(platform_id=platform_id)
    if receipt is None or receipt["tree_size"] < message.sequence:
        receipt = receipt_issue(platform_id=platform_id)
    assert receipt is not None  # the message is accepted, so the log is not empty
    leaves = intake_selectors.received_hashes(platform_id=platform_id, tree_size=receipt["tree_size"])
    leaf = bytes.fromhex(message.envelope_hash)
    index = message.sequence - 1
    if not (0 <= index < len(leaves) and leaves[index] == leaf):
        index = leaves.index(leaf)
    return {
        "message_id": str(message.message_id),
        "sequence": message.sequence,
        "leaf_index": index,
        "envelope_hash": message.envelope_hash,
        "tree_size": receipt["tree_size"],
        "proof": [node.hex() for node in merkle.inclusion_proof(index, leaves)],
        "receipt": receipt,
    }


def status_get(*, platform_id: str) -> dict:
    """Where the platform's chain stands at the hub, and what the hub is missing."""
    last_sequence, last_hash = intake_selectors.stream_position(platform_id=platform_id)
    return {
        "platform_id": platform_id,
        "last_sequence": last_sequence,
        "last_hash": last_hash,
        "missing": [[first, last] for first, last in intake_selectors.gaps_open(platform_id=platform_id)],
        "open_quarantine": intake_selectors.quarantine_list(platform_id=platform_id, status="open").count(),
    }
