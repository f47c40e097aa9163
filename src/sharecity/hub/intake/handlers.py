"""Explicit registry: which hub read models each message type updates."""

from __future__ import annotations

from collections.abc import Callable

from sharecity.hub.directives.services import directive_acknowledged
from sharecity.hub.monitoring import services as monitoring
from sharecity.hub.registry.services import platform_register


def _platform_registered(*, envelope, payload) -> None:
    platform_register(
        platform_id=envelope.platform_id,
        name=payload.name,
        credit_code=payload.credit_code,
        sectors=list(payload.sectors),
        public_key=payload.public_key,
        sequence=envelope.sequence,
        message_id=envelope.message_id,
    )


HANDLERS: dict[str, list[Callable]] = {
    "platform.registered": [_platform_registered],
    "subject.verified": [monitoring.subject_verified],
    "listing.published": [monitoring.listing_published],
    "order.created": [monitoring.order_created],
    "order.state_changed": [monitoring.order_state_changed],
    "review.published": [monitoring.review_published],
    "complaint.filed": [monitoring.complaint_filed],
    "directive.acknowledged": [directive_acknowledged],
}


def handlers_for(message_type: str) -> list[Callable]:
    return HANDLERS.get(message_type, [])
