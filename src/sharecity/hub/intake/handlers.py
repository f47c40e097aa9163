"""Explicit registry: which hub read models each message type updates."""

from __future__ import annotations

from collections.abc import Callable

from sharecity.hub.directives.services import directive_acknowledged
from sharecity.hub.identity.services import review_requested
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
    "identity.review_requested": [review_requested],
}


def handlers_for(message_type: str) -> list[Callable]:
    return HANDLERS.get(message_type, [])


# Where the handlers above keep what a payload carries: for every message type with a handler,
# each field of its payload -> the columns it is stored in ("app_label.Model.field"; a JSON column
# holds the whole payload), or () where no handler stores it. ``tests/exchange/test_limits_walk.py``
# checks that each column holds every value the published schema allows, and fails on a handled
# type or a payload field missing here, so a new one cannot be stored unchecked.
_STAT_DISTRICT = "hub_monitoring.ActivityStat.district_code"
# The acknowledgement is kept whole, on the directive and in the audit trail.
_ACKNOWLEDGEMENT = ("hub_directives.Directive.acknowledgement", "kernel.AuditEvent.data")
STORED_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "platform.registered": {
        "name": ("hub_registry.RegisteredPlatform.name",),
        "credit_code": ("hub_registry.RegisteredPlatform.credit_code",),
        "sectors": ("hub_registry.RegisteredPlatform.sectors",),
        "public_key": ("hub_registry.RegisteredPlatform.public_key",),
    },
    "subject.verified": {"subject_key": (), "subject_kind": (), "verified_at": ()},
    "listing.published": {
        "listing_id": (), "category": (), "district": (_STAT_DISTRICT,), "provider_key": (), "price_fen": (),
        "price_unit": (), "title": (),
    },
    "order.created": {
        "order_id": ("hub_monitoring.OrderFact.order_id",),
        "listing_id": (),
        "category": ("hub_monitoring.OrderFact.category",),
        "district": ("hub_monitoring.OrderFact.district_code", _STAT_DISTRICT),
        "customer_key": ("hub_monitoring.OrderFact.customer_key",),
        "provider_key": ("hub_monitoring.OrderFact.provider_key",),
        "amount_fen": ("hub_monitoring.OrderFact.amount_fen",),
        "starts_at": (),
        "ends_at": (),
        "state": ("hub_monitoring.OrderFact.state",),
    },
    "order.state_changed": {
        "order_id": ("hub_monitoring.OrderFact.order_id",),
        "category": (),
        "district": (_STAT_DISTRICT,),
        "state": ("hub_monitoring.OrderFact.state",),
        "amount_fen": ("hub_monitoring.OrderFact.amount_fen", "hub_monitoring.ActivityStat.turnover_fen"),
        "previous_state": (),
        "changed_at": (),
        "refund_fen": (),
    },
    "review.published": {
        "review_id": (), "order_id": (), "district": (_STAT_DISTRICT,), "author_role": (), "rating": (),
    },
    "complaint.filed": {
        "complaint_id": (), "order_id": (), "district": (_STAT_DISTRICT,), "category": (), "complainant_key": (),
    },
    "identity.review_requested": {
        "review_id": ("hub_identity.IdentityReview.review_id",),
        "subject_key": ("hub_identity.IdentityReview.subject_key",),
        "claimed_key": ("hub_identity.IdentityReview.claimed_key",),
        "subject_kind": ("hub_identity.IdentityReview.subject_kind",),
        "reason": ("hub_identity.IdentityReview.reason",),
        "requested_at": ("hub_identity.IdentityReview.requested_at",),
    },
    "directive.acknowledged": {
        "directive_message_id": ("hub_directives.Directive.message_id", *_ACKNOWLEDGEMENT),
        "directive_type": ("hub_directives.Directive.directive_type", *_ACKNOWLEDGEMENT),
        "acknowledged_at": ("hub_directives.Directive.acknowledged_at", *_ACKNOWLEDGEMENT),
        "action_taken": _ACKNOWLEDGEMENT,
        "completed": _ACKNOWLEDGEMENT,
        "completed_at": _ACKNOWLEDGEMENT,
    },
}
