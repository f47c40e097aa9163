"""Kernel writes: the audit trail and the transactional outbox.

``fact_record`` is the one door for a change that other parties must learn about: it
writes the audit row and the outbox row inside the caller's transaction, and wakes the
relay only after commit so a rolled-back change is never announced.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
from django.db import transaction

from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.limits import OUTBOX_PAYLOAD_MAX_BYTES
from sharecity.kernel.models import AuditEvent, OutboxMessage, OutboxPending, User

_commit_listeners: list[Callable[[], None]] = []


def outbox_listener_add(listener: Callable[[], None]) -> None:
    """Register a callable run after each commit that wrote outbox rows (wakes a relay)."""
    if listener not in _commit_listeners:
        _commit_listeners.append(listener)


def _notify_listeners() -> None:
    for listener in list(_commit_listeners):
        listener()


def audit_record(
    *,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: Any,
    platform_id: str = "",
    data: dict | None = None,
    actor_label: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label or (str(actor) if actor is not None and actor.pk else "system"),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        platform_id=platform_id,
        data=data or {},
    )


def _require_transaction(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name} must run inside the transaction of the change it reports")


def _json_size(payload: dict) -> int:
    try:
        return len(orjson.dumps(payload, default=str, option=orjson.OPT_NON_STR_KEYS))
    except orjson.JSONEncodeError:  # an integer beyond 64 bits
        return len(json.dumps(payload, default=str, ensure_ascii=False, separators=(",", ":")).encode())


def _float_free_json(value: Any) -> bool:
    """Whether ``value`` is made only of what the protocol's JSON holds: strings, integers (within
    64 bits), booleans, null, lists and objects with string keys."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return -(2**63) <= value < 2**64
    if kind is dict:
        return all(type(key) is str and _float_free_json(item) for key, item in value.items())
    if kind is list:
        return all(_float_free_json(item) for item in value)
    return False


def payload_canonical_text(payload: dict) -> str:
    """The payload's canonical JSON as the exchange defines it (keys sorted by code point, no
    whitespace, non-ASCII as itself: ``docs/exchange/README.md``), or "" for a payload holding
    anything else than the protocol's JSON values (a float, a date), which the relay encodes itself.
    orjson writes exactly those bytes for such values (tested against ``exchange.envelope``)."""
    if not _float_free_json(payload):
        return ""
    try:
        return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):  # a lone surrogate has no UTF-8 form
        return ""


def outbox_enqueue(*, platform_id: str, message_type: str, payload: dict, schema_version: int = 1,
                   direction: str = "up") -> OutboxMessage:
    _require_transaction("outbox_enqueue")
    text = payload_canonical_text(payload)
    # The canonical text is the compact JSON, keys sorted: its length is the payload's size.
    size = len(text.encode()) if text else _json_size(payload)
    if size > OUTBOX_PAYLOAD_MAX_BYTES:
        raise InvalidInput(
            f"the payload of {message_type} is {size:,} bytes of JSON; a fact carries at most "
            f"{OUTBOX_PAYLOAD_MAX_BYTES:,} (send a large report in parts)",
            field="payload", code="outbox.payload_too_large",
        )
    message = OutboxMessage.objects.create(
        platform_id=platform_id, message_type=message_type, payload=payload, schema_version=schema_version,
        direction=direction, payload_text=text,
    )
    OutboxPending.objects.create(message=message, platform_id=platform_id, direction=direction)
    transaction.on_commit(_notify_listeners)
    return message


def fact_record(
    *,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: Any,
    platform_id: str,
    message_type: str,
    payload: dict,
    audit_data: dict | None = None,
    direction: str = "up",
) -> OutboxMessage:
    """Audit a change and queue the fact for the exchange, atomically with the change."""
    # Checked before the audit row is written, so a refused call leaves nothing behind.
    _require_transaction("fact_record")
    audit_record(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        platform_id=platform_id,
        data=audit_data if audit_data is not None else payload,
    )
    return outbox_enqueue(platform_id=platform_id, message_type=message_type, payload=payload, direction=direction)


def outbox_mark_relayed(*, messages: list[OutboxMessage], relayed_at) -> None:
    """Record that these messages (their ``sequence`` already set) left with the relay: out of
    the queue of waiting rows, and each marked with its time and sequence."""
    for message in messages:
        message.relayed_at = relayed_at
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        # One statement each over arrays: Django's bulk_update builds a CASE per row, which costs
        # the relay more than signing the messages. The array literals are written here: psycopg
        # adapting 1,000 ints one by one cost more than this.
        ids = "{" + ",".join(str(int(message.pk)) for message in messages) + "}"
        numbers = [message.sequence for message in messages]
        if None in numbers:
            raise ValueError("every message is relayed under a sequence, set before it is marked")
        sequences = "{" + ",".join(str(int(number)) for number in numbers if number is not None) + "}"
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {OutboxPending._meta.db_table} WHERE message_id = ANY(%s::bigint[])",  # noqa: S608
                           [ids])
            cursor.execute(
                f"UPDATE {OutboxMessage._meta.db_table} AS o SET relayed_at = %s, sequence = v.sequence "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, sequence) WHERE o.id = v.id",
                [relayed_at, ids, sequences],
            )
        return
    OutboxPending.objects.filter(message_id__in=[message.pk for message in messages]).delete()
    OutboxMessage.objects.bulk_update(messages, ["sequence", "relayed_at"], batch_size=500)
