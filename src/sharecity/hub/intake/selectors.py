"""Reads about the intake itself: what arrived, what was refused."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Max

from sharecity.hub.intake.models import IntakeGap, IntakeStream, QuarantinedMessage, ReceivedMessage, storable


def quarantine_open_count(*, platform_ids: list[str] | None = None) -> int:
    """Rejected messages still waiting to be corrected and sent again (of ``platform_ids`` only, if given)."""
    entries = QuarantinedMessage.objects.filter(resolved_at__isnull=True)
    if platform_ids is not None:
        entries = entries.filter(platform_id__in=platform_ids)
    return entries.count()


def latest_received_at(*, platform_ids: list[str] | None = None) -> dt.datetime | None:
    messages = ReceivedMessage.objects.all()
    if platform_ids is not None:
        messages = messages.filter(platform_id__in=platform_ids)
    return messages.aggregate(latest=Max("received_at"))["latest"]


def quarantine_list(*, platform_id: str | None = None, status: str = "all", code: str | None = None,
                    platform_ids: list[str] | None = None):
    """Quarantined inputs, newest first; ``status`` is ``open``, ``resolved`` or ``all``; only those of
    ``platform_ids`` when given (a jurisdiction's platforms)."""
    entries = QuarantinedMessage.objects.all()
    if platform_ids is not None:
        entries = entries.filter(platform_id__in=platform_ids)
    if platform_id is not None:
        entries = entries.filter(platform_id=platform_id)
    if status == "open":
        entries = entries.filter(resolved_at__isnull=True)
    elif status == "resolved":
        entries = entries.filter(resolved_at__isnull=False)
    if code:
        entries = entries.filter(code=code)
    return entries.order_by("-id")


def quarantine_latest_for(*, platform_id: str, message_ids: list[str]) -> dict[str, QuarantinedMessage]:
    """The newest quarantine entry of each of these messages (an id too long to keep whole is
    found by what was kept of it)."""
    kept = {storable(message_id, 64): message_id for message_id in message_ids}
    latest: dict[str, QuarantinedMessage] = {}
    for entry in QuarantinedMessage.objects.filter(platform_id=platform_id, message_id__in=kept).order_by("id"):
        latest[kept[entry.message_id]] = entry
    return latest


def quarantine_codes(*, platform_ids: list[str] | None = None) -> list[str]:
    entries = QuarantinedMessage.objects.all()
    if platform_ids is not None:
        entries = entries.filter(platform_id__in=platform_ids)
    return list(entries.order_by("code").values_list("code", flat=True).distinct())


def stream_position(*, platform_id: str) -> tuple[int, str | None]:
    """The last sequence accepted from the platform and the hash that ends its chain at the hub."""
    stream = IntakeStream.objects.filter(platform_id=platform_id).first()
    return (stream.last_sequence, stream.last_hash) if stream else (0, None)


def gaps_open(*, platform_id: str) -> list[tuple[int, int]]:
    """Sequence ranges the hub has seen skipped and still lacks, merged, as ``(first, last)``."""
    last_sequence, _ = stream_position(platform_id=platform_id)
    ranges = sorted(
        (max(first, last_sequence + 1), last)
        for first, last in IntakeGap.objects.filter(platform_id=platform_id, last_missing__gt=last_sequence)
        .values_list("first_missing", "last_missing")
    )
    merged: list[tuple[int, int]] = []
    for first, last in ranges:
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def received_message_get(*, platform_id: str, message_id: str) -> ReceivedMessage | None:
    try:
        return ReceivedMessage.objects.filter(platform_id=platform_id, message_id=message_id).first()
    except ValidationError:  # not a UUID
        return None


def received_hashes(*, platform_id: str, tree_size: int) -> list[bytes]:
    """The first ``tree_size`` envelope hashes of the platform's log at the hub, in sequence order."""
    hashes = (ReceivedMessage.objects.filter(platform_id=platform_id).order_by("sequence")
              .values_list("envelope_hash", flat=True)[:tree_size])
    return [bytes.fromhex(value) for value in hashes]


def received_envelopes(*, message_types: tuple[str, ...]):
    """The received messages of these types, each platform's in the order of its chain, as (count, iterator of
    (platform id, sequence, type, raw envelope bytes)): the fact store that statistics are recomputed from."""
    messages = ReceivedMessage.objects.filter(message_type__in=message_types)
    rows = messages.order_by("platform_id", "sequence").values_list(
        "platform_id", "sequence", "message_type", "envelope").iterator(chunk_size=5000)
    return messages.count(), rows
