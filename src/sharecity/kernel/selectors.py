from __future__ import annotations

from django.db.models import QuerySet

from sharecity.kernel.models import AuditEvent, OutboxMessage


def outbox_pending(*, limit: int = 500) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(relayed_at__isnull=True).order_by("id")[:limit])


def outbox_pending_count() -> int:
    return OutboxMessage.objects.filter(relayed_at__isnull=True).count()


def audit_list(*, target_type: str | None = None, target_id: str | None = None) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=str(target_id))
    return events


def outbox_pending_streams(*, limit: int = 1000) -> list[tuple[str, str]]:
    """(direction, platform id) of the streams with messages waiting, oldest first."""
    rows = OutboxMessage.objects.filter(relayed_at__isnull=True).order_by("id").values_list("direction", "platform_id")
    seen: dict[tuple[str, str], None] = {}
    for stream in rows[:limit]:
        seen.setdefault(stream, None)
    return list(seen)


def outbox_pending_for_platform(*, platform_id: str, limit: int, lock: bool, direction: str = "up"
                                ) -> list[OutboxMessage]:
    """Oldest first; ``lock`` takes row locks so that two relays never send the same rows."""
    rows = OutboxMessage.objects.filter(platform_id=platform_id, direction=direction,
                                        relayed_at__isnull=True).order_by("id")
    if lock:
        rows = rows.select_for_update()
    return list(rows[:limit])


def outbox_relayed_through(*, platform_id: str, last_sequence: int) -> QuerySet[OutboxMessage]:
    """A platform's relayed facts from the first up to ``last_sequence``, in stream order."""
    return OutboxMessage.objects.filter(
        platform_id=platform_id, direction="up", sequence__isnull=False, sequence__lte=last_sequence
    ).order_by("sequence")
