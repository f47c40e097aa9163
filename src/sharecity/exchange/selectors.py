"""Reads of the exchange's producing side."""

from __future__ import annotations

from django.db.models import QuerySet

from sharecity.exchange.models import DeliveryAttempt


def delivery_attempts_of(*, platform_id: str, sequence: int) -> QuerySet[DeliveryAttempt]:
    """Every attempt to deliver a platform's message at ``sequence``, oldest first: the attempts
    of the batches it went in."""
    return DeliveryAttempt.objects.filter(
        platform_id=platform_id, first_sequence__lte=sequence, last_sequence__gte=sequence
    ).order_by("id")
