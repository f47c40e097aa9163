"""Explicit registry: which hub read models each message type updates."""

from __future__ import annotations

from collections.abc import Callable

from sharecity.hub.credit import services as credit
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
    "platform.registered": [_platform_registered, credit.credit_platform_registered],
    "subject.registered": [credit.credit_subject_registered],
    "subject.verified": [monitoring.subject_verified, credit.credit_subject_verified],
    "listing.published": [monitoring.listing_published, credit.credit_listing_published],
    "order.created": [monitoring.order_created, credit.credit_order_created],
    "order.state_changed": [monitoring.order_state_changed],
    "review.published": [monitoring.review_published, credit.credit_review_published],
    "complaint.filed": [monitoring.complaint_filed, credit.credit_complaint_filed],
    "complaint.resolved": [credit.credit_complaint_resolved],
    "moderation.decision": [credit.credit_moderation_decision],
    "safety.incident": [credit.credit_safety_incident],
    "tax.quarterly_report": [credit.credit_tax_report],
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
# Credit files: the subject's key and kind, a record's detail (JSON), its source id and district.
_SUBJECT_KEY = "hub_credit.CreditSubject.identifier"
_SUBJECT_KIND = "hub_credit.CreditSubject.kind"
_RECORD_DETAIL = "hub_credit.CreditRecord.detail"
_RECORD_SOURCE = "hub_credit.CreditRecord.source_id"
_RECORD_DISTRICT = "hub_credit.CreditRecord.district_code"
STORED_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "platform.registered": {
        "name": ("hub_registry.RegisteredPlatform.name", "hub_credit.CreditSubject.name"),
        "credit_code": ("hub_registry.RegisteredPlatform.credit_code", _SUBJECT_KEY),
        "sectors": ("hub_registry.RegisteredPlatform.sectors",),
        "public_key": ("hub_registry.RegisteredPlatform.public_key",),
    },
    "subject.registered": {
        "subject_key": (_SUBJECT_KEY,), "subject_kind": (_SUBJECT_KIND,), "sectors": (),
        "district": ("hub_credit.CreditSubject.district_code",), "registered_at": (),
    },
    "subject.verified": {"subject_key": (_SUBJECT_KEY,), "subject_kind": (_SUBJECT_KIND,), "verified_at": ()},
    "listing.published": {
        "listing_id": (), "category": (), "district": (_STAT_DISTRICT, "hub_credit.CreditSubject.district_code"),
        "provider_key": (), "price_fen": (),
        "price_unit": (), "title": (),
    },
    "order.created": {
        "order_id": ("hub_monitoring.OrderFact.order_id",),
        "listing_id": (),
        "category": ("hub_monitoring.OrderFact.category",),
        "district": ("hub_monitoring.OrderFact.district_code", _STAT_DISTRICT),
        "customer_key": ("hub_monitoring.OrderFact.customer_key",),
        "provider_key": ("hub_monitoring.OrderFact.provider_key", _SUBJECT_KEY),
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
        "review_id": (), "order_id": (), "district": (_STAT_DISTRICT, _RECORD_DISTRICT), "author_role": (),
        "rating": (_RECORD_DETAIL,),
    },
    "complaint.filed": {
        "complaint_id": (_RECORD_DETAIL, _RECORD_SOURCE), "order_id": (_RECORD_DETAIL,),
        "district": (_STAT_DISTRICT, _RECORD_DISTRICT), "category": (_RECORD_DETAIL,), "complainant_key": (),
    },
    "complaint.resolved": {
        "complaint_id": (_RECORD_DETAIL, _RECORD_SOURCE), "district": (_RECORD_DISTRICT,), "resolved_at": (),
        "outcome": (_RECORD_DETAIL,), "refund_fen": (_RECORD_DETAIL,), "compensation_fen": (_RECORD_DETAIL,),
        "complainant_satisfied": (_RECORD_DETAIL,),
    },
    "moderation.decision": {
        "decision_id": (_RECORD_SOURCE,), "subject_type": (), "subject_id": (_SUBJECT_KEY,),
        "decision": (_RECORD_DETAIL,), "duration_days": (_RECORD_DETAIL,), "decided_at": (),
        "district": (_RECORD_DISTRICT,), "statement_of_reasons": (_RECORD_DETAIL,),
    },
    "safety.incident": {
        "incident_id": (_RECORD_SOURCE,), "category": (_RECORD_DETAIL,), "severity": (_RECORD_DETAIL,),
        "district": (_RECORD_DISTRICT,), "occurred_at": (), "reported_at": (), "description": (),
        "injured": (_RECORD_DETAIL,), "deaths": (_RECORD_DETAIL,), "order_id": (), "listing_id": (),
    },
    "tax.quarterly_report": {
        "report_id": (_RECORD_DETAIL,), "year": (_RECORD_DETAIL,), "quarter": (_RECORD_DETAIL,), "part": (),
        "parts": (), "recipient_key_id": (), "totals": (), "providers": (),
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
