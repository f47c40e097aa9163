"""Appending to the regulator's audit log, in the transaction of the action it records."""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from sharecity.hub.audit.chain import GENESIS_HASH, canonical_json, entry_hash, timestamp_text
from sharecity.hub.audit.models import AuditEntry
from sharecity.kernel.models import User

# Any fixed 64-bit number, the same in every process: the key of PostgreSQL's advisory lock that
# serialises appends, so two transactions never read the same head and fork the chain.
APPEND_LOCK_KEY = 0x5C_A0D1_7C4A_1001


# Who acts when no user is signed in: a management command names its operator here.
_ACTING_AS: ContextVar[str] = ContextVar("audit_acting_as", default="")


@contextlib.contextmanager
def acting_as_operator(command: str) -> Iterator[None]:
    """Entries recorded inside name the hub's operator at the command line (their OS account)."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        account = "unknown"
    token = _ACTING_AS.set(f"operator {account} ({command})"[:150])
    try:
        yield
    finally:
        _ACTING_AS.reset(token)


def _append_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Held to the end of the transaction: the next appender reads the head this one wrote.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK_KEY])
    # SQLite has one writer at a time; the unique sequence and prev_hash refuse a fork on any database.


def _actor_scope(actor: User | None) -> tuple[str, str]:
    from sharecity.hub.registry.selectors import regulator_profile_for

    profile = regulator_profile_for(actor) if actor is not None else None
    return (profile.city_code, profile.district_code) if profile is not None else ("", "")


def audit_record(*, actor: User | None, action: str, object_type: str, object_id: Any,
                 detail: dict | None = None, actor_label: str = "", now: dt.datetime | None = None,
                 city_code: str | None = None, district_code: str | None = None) -> AuditEntry:
    """Append one entry; call it inside the transaction of the action, so both stand or neither.

    ``actor`` is the regulator or operator; without one (a command run by the hub's operator, a
    platform's signed message) ``actor_label`` says who acted, else ``system``.

    The entry belongs to the acting officer's city and district, which decide who reads it; an
    operator's action on something of a city passes ``city_code`` (and ``district_code``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the action it records")
    _append_lock()
    head = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    sequence, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    # Microseconds kept whole and UTC: what the hash covers is what the database gives back.
    occurred_at = (now or timezone.now()).astimezone(dt.UTC)
    signed_in = actor is not None and actor.pk is not None
    row = {
        "sequence": sequence,
        "occurred_at": timestamp_text(occurred_at),
        "actor_id": actor.pk if signed_in else None,
        "actor_name": actor.get_username() if signed_in else (actor_label or _ACTING_AS.get() or "system"),
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        # Dates and decimals as DjangoJSONEncoder writes them, so the detail is plain JSON before it is hashed.
        "detail": canonical_json(json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder))),
        "prev_hash": prev_hash,
    }
    if city_code is None:
        city_code, district_code = _actor_scope(actor if signed_in else None)
    row["city_code"], row["district_code"] = city_code, district_code or ""
    entry = AuditEntry(**{**row, "occurred_at": occurred_at}, entry_hash=entry_hash(row))
    entry.save()
    return entry
