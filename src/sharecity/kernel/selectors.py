from __future__ import annotations

from django.db.models import QuerySet

from sharecity.kernel.models import AuditEvent, OutboxMessage, OutboxPending


def outbox_pending(*, limit: int = 500) -> list[OutboxMessage]:
    ids = OutboxPending.objects.order_by("message_id").values_list("message_id", flat=True)[:limit]
    return list(OutboxMessage.objects.filter(id__in=list(ids)).order_by("id"))


def outbox_pending_count() -> int:
    return OutboxPending.objects.count()


def audit_list(*, target_type: str | None = None, target_id: str | None = None) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=str(target_id))
    return events


def outbox_pending_streams(*, limit: int = 1000) -> list[tuple[str, str]]:
    """(direction, platform id) of the streams with messages waiting, oldest first."""
    rows = OutboxPending.objects.order_by("message_id").values_list("direction", "platform_id")
    seen: dict[tuple[str, str], None] = {}
    for stream in rows[:limit]:
        seen.setdefault(stream, None)
    return list(seen)


def outbox_pending_for_platform(*, platform_id: str, limit: int, lock: bool, direction: str = "up"
                                ) -> list[OutboxMessage]:
    """Oldest first; ``lock`` takes row locks so that two relays never send the same rows."""
    waiting = OutboxPending.objects.filter(platform_id=platform_id, direction=direction).order_by("message_id")
    if lock:
        waiting = waiting.select_for_update()
    ids = list(waiting.values_list("message_id", flat=True)[:limit])
    return list(OutboxMessage.objects.filter(id__in=ids).order_by("id"))


def outbox_relayed_through(*, platform_id: str, last_sequence: int) -> QuerySet[OutboxMessage]:
    """A platform's relayed facts from the first up to ``last_sequence``, in stream order."""
    return OutboxMessage.objects.filter(
        platform_id=platform_id, direction="up", sequence__isnull=False, sequence__lte=last_sequence
    ).order_by("sequence")
