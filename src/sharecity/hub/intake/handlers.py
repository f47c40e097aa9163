"""Explicit registry: which hub read models each message type updates."""

from __future__ import annotations

from collections.abc import Callable

from sharecity.hub.credit import services as credit
from sharecity.hub.directives.services import directive_acknowledged
from sharecity.hub.facts import services as facts
from sharecity.hub.identity.services import review_requested
from sharecity.hub.monitoring import services as monitoring
from sharecity.hub.quota.services import fleet_reported
from sharecity.hub.registry.services import platform_register
from sharecity.hub.tax.injury import injury_report_received
from sharecity.hub.tax.services import tax_report_received


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
    "subject.registered": [monitoring.subject_registered, facts.subject_registered, credit.credit_subject_registered],
    "subject.verified": [monitoring.subject_verified, facts.subject_verified, credit.credit_subject_verified],
    "listing.published": [monitoring.listing_published, facts.listing_published, credit.credit_listing_published],
    "listing.changed": [facts.listing_changed],
    "listing.removed": [facts.listing_removed],
    "order.created": [monitoring.order_created, credit.credit_order_created],
    "order.state_changed": [monitoring.order_state_changed],
    "order.refunded": [monitoring.order_refunded, facts.order_refunded],
    "review.published": [monitoring.review_published, credit.credit_review_published],
    "review.hidden": [facts.review_hidden],
    "complaint.filed": [monitoring.complaint_filed, facts.complaint_filed, credit.credit_complaint_filed],
    "complaint.answered": [facts.complaint_answered],
    "complaint.escalated": [facts.complaint_escalated],
    "complaint.resolved": [monitoring.complaint_resolved, facts.complaint_resolved, credit.credit_complaint_resolved],
    "moderation.decision": [facts.moderation_decision, credit.credit_moderation_decision],
    "safety.incident": [facts.safety_incident, credit.credit_safety_incident],
    "directive.acknowledged": [directive_acknowledged],
    "identity.review_requested": [review_requested],
    "tax.quarterly_report": [credit.credit_tax_report, tax_report_received],
    "fleet.reported": [fleet_reported],
    "injury.monthly_report": [injury_report_received],
}


def handlers_for(message_type: str) -> list[Callable]:
    return HANDLERS.get(message_type, [])


# Where the handlers above keep what a payload carries: for every message type with a handler,
# each field of its payload -> the columns it is stored in ("app_label.Model.field"; a JSON column
# holds the whole payload), or () where no handler stores it. ``tests/exchange/test_limits_walk.py``
# checks that each column holds every value the published schema allows, and fails on a handled
# type or a payload field missing here, so a new one cannot be stored unchecked.
_STAT_DISTRICT = "hub_monitoring.ActivityStat.district_code"
# The day grain of the statistics (monitoring's DailyStat and DailyParty) and its complaint clock.
_DAILY = "hub_monitoring.DailyStat."
_PARTY = "hub_monitoring.DailyParty."
_CLOCK = "hub_monitoring.ComplaintClock."
_LISTING = "hub_facts.ListingFact."
_COMPLAINT = "hub_facts.ComplaintFact."
_MODERATION = "hub_facts.ModerationFact."
_INCIDENT = "hub_facts.SafetyIncident."
_SUBJECT = "hub_facts.SubjectFact."
# The acknowledgement is kept whole, on the directive and in the audit trail.
_ACKNOWLEDGEMENT = ("hub_directives.Directive.acknowledgement", "kernel.AuditEvent.data")
# Credit files: the subject's key and kind, a record's detail (JSON), its source id and district.
_SUBJECT_KEY = "hub_credit.CreditSubject.identifier"
_SUBJECT_KIND = "hub_credit.CreditSubject.kind"
_RECORD_DETAIL = "hub_credit.CreditRecord.detail"
_RECORD_SOURCE = "hub_credit.CreditRecord.source_id"
_RECORD_DISTRICT = "hub_credit.CreditRecord.district_code"
_TAX = "hub_tax.TaxReportPart."
_INJURY = "hub_tax.InjuryReport."
STORED_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "platform.registered": {
        "name": ("hub_registry.RegisteredPlatform.name",),
        "credit_code": ("hub_registry.RegisteredPlatform.credit_code",),
        "sectors": ("hub_registry.RegisteredPlatform.sectors",),
        "public_key": ("hub_registry.RegisteredPlatform.public_key",),
    },
    "subject.registered": {
        "subject_key": (_SUBJECT + "subject_key",),
        "subject_kind": (_SUBJECT + "subject_kind",),
        "sectors": (_SUBJECT + "sectors",),
        "district": (_SUBJECT + "district_code",),
        "registered_at": (_SUBJECT + "registered_at",),
    },
    "subject.verified": {
        "subject_key": (_SUBJECT + "subject_key",),
        "subject_kind": (_SUBJECT + "subject_kind",),
        "verified_at": (_SUBJECT + "verified_at",),
    },
    "listing.published": {
        "listing_id": (_LISTING + "listing_id",),
        "category": (_LISTING + "category", _DAILY + "sector"),
        "district": (_STAT_DISTRICT, _LISTING + "district_code", _DAILY + "district_code"),
        "provider_key": (_LISTING + "provider_key",),
        "price_fen": (_LISTING + "price_fen",),
        "price_unit": (_LISTING + "price_unit",),
        "title": (_LISTING + "title",),
    },
    "listing.changed": {
        "listing_id": (_LISTING + "listing_id", "hub_facts.ListingChange.listing_id"),
        "changed": ("hub_facts.ListingChange.aspects",),
        "changed_at": (_LISTING + "changed_at", "hub_facts.ListingChange.changed_at"),
        "category": (_LISTING + "category", "hub_facts.ListingChange.current"),
        "district": (_LISTING + "district_code", "hub_facts.ListingChange.district_code",
                     "hub_facts.ListingChange.current"),
        "price_fen": (_LISTING + "price_fen", "hub_facts.ListingChange.current"),
        "price_unit": (_LISTING + "price_unit", "hub_facts.ListingChange.current"),
        "title": (_LISTING + "title", "hub_facts.ListingChange.current"),
    },
    "listing.removed": {
        "listing_id": (_LISTING + "listing_id", "hub_facts.ListingRemoval.listing_id"),
        "removed_at": (_LISTING + "removed_at", "hub_facts.ListingRemoval.removed_at"),
        "removed_by": (_LISTING + "removed_by", "hub_facts.ListingRemoval.removed_by"),
        "statement_of_reasons": (_LISTING + "statement_of_reasons", "hub_facts.ListingRemoval.statement_of_reasons"),
    },
    "order.created": {
        "order_id": ("hub_monitoring.OrderFact.order_id",),
        "listing_id": (),
        "category": ("hub_monitoring.OrderFact.category", _DAILY + "sector", _PARTY + "sector"),
        "district": ("hub_monitoring.OrderFact.district_code", _STAT_DISTRICT, _DAILY + "district_code",
                     _PARTY + "district_code"),
        "customer_key": ("hub_monitoring.OrderFact.customer_key", _PARTY + "party_key"),
        "provider_key": ("hub_monitoring.OrderFact.provider_key", _PARTY + "party_key"),
        "amount_fen": ("hub_monitoring.OrderFact.amount_fen",),
        "starts_at": (),
        "ends_at": (),
        "state": ("hub_monitoring.OrderFact.state",),
        "deposit_fen": (),
    },
    "order.state_changed": {
        "order_id": ("hub_monitoring.OrderFact.order_id",),
        "category": (_DAILY + "sector", _PARTY + "sector"),
        "district": (_STAT_DISTRICT, _DAILY + "district_code", _PARTY + "district_code"),
        "state": ("hub_monitoring.OrderFact.state",),
        "amount_fen": ("hub_monitoring.OrderFact.amount_fen", "hub_monitoring.ActivityStat.turnover_fen",
                       _DAILY + "turnover_fen", _PARTY + "income_fen"),
        "previous_state": (),
        "changed_at": (),
        "refund_fen": (_DAILY + "refunds_fen",),
        "deposit_held_fen": (_DAILY + "deposits_held_fen",),
        "deposit_returned_fen": (_DAILY + "deposits_returned_fen",),
        "deposit_deducted_fen": (_DAILY + "deposits_deducted_fen",),
    },
    "order.refunded": {
        "order_id": ("hub_facts.RefundFact.order_id",),
        "refund_id": ("hub_facts.RefundFact.refund_id",),
        "category": ("hub_facts.RefundFact.category", _DAILY + "sector"),
        "district": ("hub_facts.RefundFact.district_code", _DAILY + "district_code"),
        "amount_fen": ("hub_facts.RefundFact.amount_fen", _DAILY + "refunds_fen"),
        "refunded_at": ("hub_facts.RefundFact.refunded_at",),
        "reason": ("hub_facts.RefundFact.reason",),
        "complaint_id": ("hub_facts.RefundFact.complaint_id",),
        "from_escrow_fen": ("hub_facts.RefundFact.from_escrow_fen",),
        "from_provider_fen": ("hub_facts.RefundFact.from_provider_fen",),
        "receivable_fen": ("hub_facts.RefundFact.receivable_fen",),
        "refunded_total_fen": ("hub_facts.RefundFact.refunded_total_fen",),
    },
    "review.published": {
        "review_id": (), "order_id": (), "district": (_STAT_DISTRICT, _DAILY + "district_code"), "author_role": (),
        "rating": (_DAILY + "rating_sum",),
    },
    "review.hidden": {
        "review_id": (_MODERATION + "decision_id", _MODERATION + "subject_id"),
        "order_id": (_MODERATION + "order_id",),
        "district": (_MODERATION + "district_code",),
        "reason": (_MODERATION + "reason",),
        "hidden_by": (_MODERATION + "decided_by",),
        "hidden_at": (_MODERATION + "decided_at",),
        "statement_of_reasons": (_MODERATION + "statement_of_reasons",),
    },
    "complaint.filed": {
        "complaint_id": (_COMPLAINT + "complaint_id", _CLOCK + "complaint_id"),
        "order_id": (_COMPLAINT + "order_id",),
        "district": (_STAT_DISTRICT, _COMPLAINT + "district_code", _DAILY + "district_code"),
        "category": (_COMPLAINT + "category",),
        "complainant_key": (_COMPLAINT + "complainant_key",),
    },
    "complaint.answered": {
        "complaint_id": (_COMPLAINT + "complaint_id",),
        "district": (_COMPLAINT + "district_code",),
        "answered_at": (_COMPLAINT + "answered_at",),
        "answer": (_COMPLAINT + "answer",),
        "summary": (_COMPLAINT + "answer_summary",),
    },
    "complaint.escalated": {
        "complaint_id": (_COMPLAINT + "complaint_id",),
        "district": (_COMPLAINT + "district_code",),
        "escalated_at": (_COMPLAINT + "escalated_at", _COMPLAINT + "escalations"),
        "escalated_to": (_COMPLAINT + "escalated_to", _COMPLAINT + "escalations"),
        "reason": (_COMPLAINT + "escalation_reason", _COMPLAINT + "escalations"),
    },
    "complaint.resolved": {
        "complaint_id": (_COMPLAINT + "complaint_id", _CLOCK + "complaint_id"),
        "district": (_COMPLAINT + "district_code", _DAILY + "district_code"),
        "resolved_at": (_COMPLAINT + "resolved_at",),
        "outcome": (_COMPLAINT + "outcome",),
        "refund_fen": (_COMPLAINT + "refund_fen",),
        "compensation_fen": (_COMPLAINT + "compensation_fen",),
        "complainant_satisfied": (_COMPLAINT + "complainant_satisfied",),
    },
    "moderation.decision": {
        "decision_id": (_MODERATION + "decision_id",),
        "subject_type": (_MODERATION + "subject_type",),
        "subject_id": (_MODERATION + "subject_id",),
        "decision": (_MODERATION + "decision",),
        "duration_days": (_MODERATION + "duration_days",),
        "decided_at": (_MODERATION + "decided_at",),
        "district": (_MODERATION + "district_code",),
        "statement_of_reasons": (_MODERATION + "statement_of_reasons",),
    },
    "safety.incident": {
        "incident_id": (_INCIDENT + "incident_id",),
        "category": (_INCIDENT + "category",),
        "severity": (_INCIDENT + "severity",),
        "district": (_INCIDENT + "district_code",),
        "occurred_at": (_INCIDENT + "occurred_at",),
        "reported_at": (_INCIDENT + "reported_at",),
        "description": (_INCIDENT + "description",),
        "injured": (_INCIDENT + "injured",),
        "deaths": (_INCIDENT + "deaths",),
        "order_id": (_INCIDENT + "order_id",),
        "listing_id": (_INCIDENT + "listing_id",),
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

_CREDIT_STORED_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "platform.registered": {
        "name": ("hub_credit.CreditSubject.name",),
        "credit_code": (_SUBJECT_KEY,),
    },
    "subject.registered": {
        "subject_key": (_SUBJECT_KEY,),
        "subject_kind": (_SUBJECT_KIND,),
        "district": ("hub_credit.CreditSubject.district_code",),
    },
    "subject.verified": {
        "subject_key": (_SUBJECT_KEY,),
        "subject_kind": (_SUBJECT_KIND,),
    },
    "listing.published": {
        "district": ("hub_credit.CreditSubject.district_code",),
    },
    "order.created": {
        "provider_key": (_SUBJECT_KEY,),
    },
    "review.published": {
        "district": (_RECORD_DISTRICT,),
        "rating": (_RECORD_DETAIL,),
    },
    "complaint.filed": {
        "complaint_id": (_RECORD_DETAIL, _RECORD_SOURCE),
        "order_id": (_RECORD_DETAIL,),
        "district": (_RECORD_DISTRICT,),
        "category": (_RECORD_DETAIL,),
    },
    "complaint.resolved": {
        "complaint_id": (_RECORD_DETAIL, _RECORD_SOURCE),
        "district": (_RECORD_DISTRICT,),
        "outcome": (_RECORD_DETAIL,),
        "refund_fen": (_RECORD_DETAIL,),
        "compensation_fen": (_RECORD_DETAIL,),
        "complainant_satisfied": (_RECORD_DETAIL,),
    },
    "moderation.decision": {
        "decision_id": (_RECORD_SOURCE,),
        "subject_id": (_SUBJECT_KEY,),
        "decision": (_RECORD_DETAIL,),
        "duration_days": (_RECORD_DETAIL,),
        "district": (_RECORD_DISTRICT,),
        "statement_of_reasons": (_RECORD_DETAIL,),
    },
    "safety.incident": {
        "incident_id": (_RECORD_SOURCE,),
        "category": (_RECORD_DETAIL,),
        "severity": (_RECORD_DETAIL,),
        "district": (_RECORD_DISTRICT,),
        "injured": (_RECORD_DETAIL,),
        "deaths": (_RECORD_DETAIL,),
    },
    "tax.quarterly_report": {
        "report_id": (_RECORD_DETAIL, _TAX + "report_id"),
        "year": (_RECORD_DETAIL, _TAX + "year"),
        "quarter": (_RECORD_DETAIL, _TAX + "quarter"),
        "part": (_TAX + "part",),
        "parts": (_TAX + "parts",),
        "recipient_key_id": (_TAX + "recipient_key_id",),
        "totals": (_TAX + "totals",),
        "providers": (),
    },
    "injury.monthly_report": {
        "report_id": (_INJURY + "report_id",),
        "year": (_INJURY + "year",),
        "month": (_INJURY + "month",),
        "orders_covered": (_INJURY + "orders_covered",),
        "contribution_fen": (_INJURY + "contribution_fen",),
        "orders_rate_not_loaded": (_INJURY + "orders_rate_not_loaded",),
        "workers": (_INJURY + "workers",),
    },
}


# Credit's handlers keep, of the same payloads, what a credit file needs (only the columns the others
# do not already name): merged into STORED_FIELDS field by field.
for _type, _fields in _CREDIT_STORED_FIELDS.items():
    _merged = STORED_FIELDS.setdefault(_type, {})
    for _field, _columns in _fields.items():
        _merged[_field] = tuple(dict.fromkeys((*_merged.get(_field, ()), *_columns)))


# --- the third-party complaint platform (hub.complaints), appended ------------------------------------------------
# Escalated complaints land in the association's queue; a platform's answer to a referred complaint
# (complaint.answered / complaint.resolved naming its referral_id) settles it or returns it to mediation.
from sharecity.hub.complaints import services as _tpc  # noqa: E402

HANDLERS["complaint.escalated"] = [*HANDLERS["complaint.escalated"], _tpc.escalation_received]
HANDLERS["complaint.answered"] = [*HANDLERS["complaint.answered"], _tpc.platform_answer_received]
HANDLERS["complaint.resolved"] = [*HANDLERS["complaint.resolved"], _tpc.platform_answer_received]
_TPC = "hub_complaints.ThirdPartyComplaint."
for _type in ("complaint.answered", "complaint.resolved"):
    STORED_FIELDS[_type]["referral_id"] = (_TPC + "platform_answer",)
STORED_FIELDS["complaint.escalated"]["complaint_id"] += (_TPC + "source_complaint_id",)
STORED_FIELDS["complaint.escalated"]["district"] += (_TPC + "district_code",)
STORED_FIELDS["complaint.escalated"]["escalated_to"] += (_TPC + "escalated_to",)
HANDLERS["odr.commitment"] = [_tpc.odr_commitment_received]
STORED_FIELDS["odr.commitment"] = {"committed": ("hub_complaints.OdrCommitment.committed",),
                                   "stated_at": ("hub_complaints.OdrCommitment.changed_at",)}

# --- issue 15: rights holders' notices (《中华人民共和国电子商务法》第四十二条至第四十五条) ------------------
from sharecity.hub.notices.services import notice_state_changed  # noqa: E402

HANDLERS["notice.state_changed"] = [notice_state_changed]
_NOTICE = "hub_notices.NoticeFact."
STORED_FIELDS["notice.state_changed"] = {
    "notice_id": (_NOTICE + "notice_id",),
    "listing_ids": (_NOTICE + "listing_ids",),
    "districts": (_NOTICE + "districts",),  # the first one also in district_code (6 digits, as every item)
    "right_kind": (_NOTICE + "right_kind",),
    "step": (_NOTICE + "last_step", _NOTICE + "steps"),
    "step_at": (_NOTICE + "last_step_at", _NOTICE + "steps"),
    "actor_role": (_NOTICE + "steps",),
    **{name: (_NOTICE + name,) for name in (
        "filed_at", "measure", "measure_at", "forwarded_at", "counter_noticed_at", "counter_forwarded_at",
        "restore_due_at", "complaint_kind", "complaint_reported_at", "restored_at", "outcome", "wrong_notice",
        "malicious")},
}

# Quotas (issue 15): a fleet report is kept whole in the quota duty's FleetReport.
_FLEET = "hub_quota.FleetReport."
STORED_FIELDS["fleet.reported"] = {
    "report_id": (_FLEET + "report_id",),
    "city": (_FLEET + "city_code",),
    "zone": (_FLEET + "zone",),
    "period_start": (_FLEET + "period_start",),
    "period_end": (_FLEET + "period_end",),
    "reported_at": (_FLEET + "reported_at",),
    "vehicles_deployed": (_FLEET + "vehicles_deployed",),
    "vehicles_good": (_FLEET + "vehicles_good",),
    "parking_checked": (_FLEET + "parking_checked",),
    "parking_compliant": (_FLEET + "parking_compliant",),
    "dispatch_requests": (_FLEET + "dispatch_requests",),
    "dispatch_response_minutes": (_FLEET + "dispatch_response_minutes",),
}

# A platform's administrative licences (《中华人民共和国电子商务法》第十五条), for the public directory.
from sharecity.hub.registry.services import licences_declared  # noqa: E402

HANDLERS["platform.licences_declared"] = [licences_declared]
STORED_FIELDS["platform.licences_declared"] = {
    "declared_at": ("hub_registry.LicenceDeclaration.declared_at",),
    "licences": ("hub_registry.LicenceDeclaration.licences",),
}
