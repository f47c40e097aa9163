"""Embedded transport: a stream table in the same database. No servers needed."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from sharecity.exchange.models import LocalStreamEntry
from sharecity.exchange.transports import Delivery


class LocalTransport:
    name = "local"

    def publish(self, *, platform_id: str, message_id: str, sequence: int, data: bytes, direction: str = "up") -> None:
        # Same message id twice is the at-least-once redelivery case: keep the first.
        try:
            with transaction.atomic():
                LocalStreamEntry.objects.create(
                    message_id=message_id, platform_id=platform_id, sequence=sequence, envelope=data,
                    direction=direction,
                )
        except IntegrityError:
            if not LocalStreamEntry.objects.filter(message_id=message_id).exists():
                raise

    def fetch(self, *, limit: int = 100, timeout: float = 0.0, direction: str = "up") -> list[Delivery]:
        entries = LocalStreamEntry.objects.filter(acked_at__isnull=True, direction=direction).order_by("id")[:limit]
        return [Delivery(data=bytes(entry.envelope), token=entry.pk) for entry in entries]

    def ack(self, deliveries: list[Delivery]) -> None:
        if deliveries:
            LocalStreamEntry.objects.filter(pk__in=[d.token for d in deliveries]).update(acked_at=timezone.now())

    def nak(self, deliveries: list[Delivery], *, delay: float = 1.0) -> None:
        """Leave for a later fetch: unacked rows are fetched again, oldest first."""

    def close(self) -> None:
        return None
