"""Reads about the intake itself: what arrived, what was refused."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max

from sharecity.hub.intake.models import QuarantinedMessage, ReceivedMessage


def quarantine_open_count() -> int:
    """Rejected messages still waiting to be corrected and sent again."""
    return QuarantinedMessage.objects.filter(resolved_at__isnull=True).count()


def latest_received_at(*, platform_ids: list[str] | None = None) -> dt.datetime | None:
    messages = ReceivedMessage.objects.all()
    if platform_ids is not None:
        messages = messages.filter(platform_id__in=platform_ids)
    return messages.aggregate(latest=Max("received_at"))["latest"]


def received_count() -> int:
    return ReceivedMessage.objects.count()
