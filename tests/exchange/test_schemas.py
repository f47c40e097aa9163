"""Message types: every type the protocol names, its direction, and rules that name the field at fault."""

from __future__ import annotations

import json

import pytest

from sharecity.exchange.schemas import (
    CURRENT_VERSIONS,
    DIRECTIONS,
    DIRECTIVE_TYPES,
    HUB_TO_PLATFORM,
    MESSAGE_TYPES,
    PLATFORM_TO_HUB,
    Directive,
    payload_build,
    payload_validate,
)
from sharecity.exchange.sealing import department_keypair_generate, key_id, seal, seal_context, unseal
from sharecity.kernel.errors import InvalidInput

AT = "2025-10-09T10:00:00+08:00"
LATER = "2025-10-16T18:00:00+08:00"
KEY = "id-vtiw7ptlvdt7rs5h4smh5xo4un7s4z6m"
REASONS = {"ground": "illegal_content", "legal_reference": "《电子商务法》第二十九条", "facts": "无证经营的民宿",
           "automated_detection": True, "automated_decision": False}
DIRECTIVE = {"issued_by": "厦门市市场监督管理局", "legal_reference": "《市场监督管理行政处罚程序规定》",
             "issued_at": AT, "deadline": LATER}
TAX_PRIVATE, TAX_PUBLIC = department_keypair_generate()
DROP = object()  # in a change: leave the field out


def sealed(value: str, field: str) -> dict:
    return seal(value, recipient_public_key=TAX_PUBLIC,
                context=seal_context("tax.quarterly_report", 1, field)).model_dump()


def provider_row(**overrides) -> dict:
    row = {"provider_key": KEY, "subject_kind": "person", "legal_name": sealed("张三", "legal_name"),
           "id_number": sealed("11010519491231002X", "id_number"), "district": "350203", "order_count": 3,
           "gross_fen": 240000, "refunds_fen": 0, "commission_fen": 19200, "withheld_tax_fen": 0}
    row.update(overrides)
    return row


# One valid payload for every message type the issue lists.
LICENCE = {"kind": "value_added_telecom", "number": "闽B2-20190001", "issued_by": "福建省通信管理局",
           "valid_from": "2019-03-01", "valid_until": "2029-03-01"}
VALID: dict[str, dict] = {
    "platform.registered": {"name": "鹭岛共享停车", "credit_code": "91350200MA2YEXAMP7", "sectors": ["parking"],
                            "public_key": "94-AMX0AAsb0NldtSQgg-Ete3ZxLkks8OSworDRyWHs="},
    "subject.registered": {"subject_key": KEY, "subject_kind": "person", "sectors": ["housekeeping"],
                           "district": "350206", "registered_at": AT},
    "subject.verified": {"subject_key": KEY, "subject_kind": "business", "verified_at": AT},
    "listing.published": {"listing_id": "L-1", "category": "parking", "district": "350203", "provider_key": KEY,
                          "price_fen": 800, "price_unit": "hour", "title": "车位"},
    "listing.changed": {"listing_id": "L-1", "changed": ["price", "photos"], "changed_at": AT, "price_fen": 900,
                        "price_unit": "hour"},
    "listing.removed": {"listing_id": "L-1", "removed_at": AT, "removed_by": "platform",
                        "statement_of_reasons": REASONS},
    "order.created": {"order_id": "O-1", "listing_id": "L-1", "category": "parking", "district": "350203",
                      "customer_key": KEY, "provider_key": KEY, "amount_fen": 1600, "starts_at": AT, "ends_at": LATER},
    "order.state_changed": {"order_id": "O-1", "category": "parking", "district": "350203", "state": "refunded",
                            "amount_fen": 1600, "previous_state": "disputed", "changed_at": AT, "refund_fen": 1600},
    "order.refunded": {"order_id": "O-1", "refund_id": "RF-1", "category": "parking", "district": "350203",
                       "amount_fen": 1600, "refunded_at": AT, "reason": "complaint", "complaint_id": "C-1",
                       "from_escrow_fen": 0, "from_provider_fen": 1600, "receivable_fen": 400,
                       "refunded_total_fen": 1600},
    "review.published": {"review_id": "R-1", "order_id": "O-1", "district": "350203", "author_role": "customer",
                         "rating": 5},
    "review.hidden": {"review_id": "R-1", "order_id": "O-1", "district": "350203", "reason": "personal_data",
                      "hidden_by": "platform", "hidden_at": AT, "statement_of_reasons": REASONS},
    "complaint.filed": {"complaint_id": "C-1", "order_id": "O-1", "district": "350203", "category": "service",
                        "complainant_key": KEY},
    "complaint.answered": {"complaint_id": "C-1", "district": "350203", "answered_at": AT,
                           "answer": "refund_offered", "summary": "全额退款"},
    "complaint.escalated": {"complaint_id": "C-1", "district": "350203", "escalated_at": AT,
                            "escalated_to": "third_party_platform", "reason": "complainant_not_satisfied"},
    "complaint.resolved": {"complaint_id": "C-1", "district": "350203", "resolved_at": AT, "outcome": "upheld",
                           "refund_fen": 1600},
    "moderation.decision": {"decision_id": "D-1", "subject_type": "account", "subject_id": KEY,
                            "decision": "suspended", "duration_days": 30, "decided_at": AT,
                            "statement_of_reasons": REASONS},
    "safety.incident": {"incident_id": "S-1", "category": "injury", "severity": "general", "district": "350203",
                        "occurred_at": AT, "reported_at": LATER, "description": "保洁员在客户家中滑倒", "injured": 1},
    "tax.quarterly_report": {"report_id": "T-1", "year": 2025, "quarter": 3, "recipient_key_id": key_id(TAX_PUBLIC),
                             "totals": {"provider_count": 1, "order_count": 3, "gross_fen": 240000, "refunds_fen": 0,
                                        "commission_fen": 19200, "withheld_tax_fen": 0},
                             "providers": [provider_row()]},
    "worker.income": {"worker_key": KEY, "period_start": "2025-09-01", "period_end": "2025-09-30",
                      "sector": "housekeeping", "district": "350206", "order_count": 31, "worked_minutes": 5400,
                      "gross_fen": 620000, "commission_fen": 62000, "paid_out_fen": 558000, "injury_cover": True},
    "injury.monthly_report": {"report_id": "INJ-202509-1", "year": 2025, "month": 9, "orders_covered": 31,
                              "contribution_fen": 217, "orders_rate_not_loaded": 0,
                              "workers": [{"worker_key": KEY, "industry": "travel", "orders_covered": 31,
                                           "contribution_fen": 217}]},
    "inspection.result": {**DIRECTIVE, "case_id": "INS-1", "inspection_kind": "random_spot_check",
                          "subject_type": "listing", "subject_id": "L-1", "result": "fail", "inspected_at": AT,
                          "findings": [{"code": "licence", "description": "未公示经营许可"}]},
    "recall.order": {**DIRECTIVE, "recall_id": "RC-1", "product": "某品牌儿童座椅 2024 批次",
                     "listing_ids": ["L-9"], "reason": "卡扣断裂", "measures": ["remove_listings", "notify_buyers"]},
    "credit_list.changed": {**DIRECTIVE, "subject_key": KEY, "subject_kind": "business", "credit_list": "black",
                            "action": "added", "reason": "严重失信", "effective_at": AT},
    "assistance.request": {**DIRECTIVE, "case_id": "AR-1", "request": "提供该主体 2025 年 9 月的订单记录",
                           "subject_keys": [KEY]},
    "emergency.order": {**DIRECTIVE, "emergency_id": "E-1", "level": "II", "districts": ["350203", "350206"],
                        "sectors": ["parking"], "effective_from": AT,
                        "measures": [{"kind": "suspend_service", "detail": "台风期间暂停地面车位共享"}]},
    "directive.acknowledged": {"directive_message_id": "6f1c2a52-0b7e-4a53-9c61-2d7f0c3e9a02",
                               "directive_type": "recall.order", "acknowledged_at": AT,
                               "action_taken": "已下架并通知买家", "completed": True, "completed_at": AT},
    "identity.review_requested": {"review_id": "0b9f0d4e-5c1a-4c8e-9a57-8f3f2e6c1d20",
                                  "subject_key": "ac-5kq3x2mzt7hb4n6w2r9c8d1f0g3j5l7p", "claimed_key": KEY,
                                  "subject_kind": "person", "reason": "identity_in_use", "requested_at": AT},
    "complaint.referred": {**DIRECTIVE, "referral_id": "5b1f0c1e-4f0b-4e63-9d6a-1c2b3d4e5f60", "district": "350203",
                           "category": "refund", "description": "押金十天未退", "desired_outcome": "refund",
                           "evidence_files": 1},
    "odr.commitment": {"committed": True, "stated_at": AT},
    "notice.state_changed": {"notice_id": "N-1", "listing_ids": ["L-1", "L-2"], "districts": ["350203"],
                             "right_kind": "trademark", "step": "counter_forwarded", "step_at": AT,
                             "actor_role": "operator", "filed_at": AT, "measure": "taken_down", "measure_at": AT,
                             "forwarded_at": AT, "counter_noticed_at": AT, "counter_forwarded_at": AT,
                             "restore_due_at": LATER},
    "fleet.reported": {"report_id": "F-1", "city": "350200", "zone": "island", "period_start": "2025-09-01",
                       "period_end": "2025-09-30", "reported_at": AT, "vehicles_deployed": 56000,
                       "vehicles_good": 53200, "parking_checked": 1200, "parking_compliant": 1110,
                       "dispatch_requests": 40, "dispatch_response_minutes": 25},
    "quota.assigned": {**DIRECTIVE, "allocation_id": "QA-2019-1", "city": "350200", "method": "rank-shares",
                       "zones": [{"zone": "island", "vehicles": 56250}, {"zone": "off-island", "vehicles": 18750}],
                       "total": 75000, "effective_from": AT, "score": "77.2"},
    "complaint.withdrawn": {**DIRECTIVE, "referral_id": "5b1f0c1e-4f0b-4e63-9d6a-1c2b3d4e5f60", "withdrawn_at": AT},
    "platform.licences_declared": {"declared_at": AT, "licences": [
        LICENCE,
        {"kind": "other", "name": "道路运输经营许可证", "number": "闽交运管许可厦字350200001",
         "issued_by": "厦门市交通运输局", "valid_from": "2020-01-01"}]},
}


def test_every_type_of_the_issue_is_defined_with_one_valid_example():
    assert {message_type for message_type, _version in MESSAGE_TYPES} == set(VALID)


@pytest.mark.parametrize("message_type", sorted(VALID))
def test_valid_payloads_validate_and_build_to_json(message_type):
    built = payload_build(message_type, **VALID[message_type])
    json.dumps(built)
    assert payload_validate(message_type, CURRENT_VERSIONS[message_type], built).model_dump(mode="json") == built


@pytest.mark.parametrize("message_type", sorted(VALID))
def test_every_type_refuses_unknown_fields(message_type):
    with pytest.raises(InvalidInput) as caught:
        payload_validate(message_type, 1, {**VALID[message_type], "surprise": 1})
    assert caught.value.field == "payload.surprise"


@pytest.mark.parametrize(("message_type", "model"), [(t, m) for (t, _v), m in sorted(MESSAGE_TYPES.items())])
def test_every_model_is_frozen_documented_and_has_a_direction(message_type, model):
    assert model.model_config.get("frozen") and model.model_config.get("extra") == "forbid"
    assert model.__doc__ and model.model_json_schema()["description"]
    assert DIRECTIONS[message_type] in (PLATFORM_TO_HUB, HUB_TO_PLATFORM)


def test_directions():
    assert {t for t, d in DIRECTIONS.items() if d == HUB_TO_PLATFORM} == set(DIRECTIVE_TYPES) == {
        "inspection.result", "recall.order", "credit_list.changed", "assistance.request", "emergency.order",
        "complaint.referred", "quota.assigned", "complaint.withdrawn"}
    assert DIRECTIONS["directive.acknowledged"] == PLATFORM_TO_HUB


@pytest.mark.parametrize("message_type", sorted(DIRECTIVE_TYPES))
def test_every_directive_carries_a_deadline(message_type):
    model = MESSAGE_TYPES[(message_type, 1)]
    assert issubclass(model, Directive)
    assert model.model_fields["deadline"].is_required()
    payload = {name: value for name, value in VALID[message_type].items() if name != "deadline"}
    with pytest.raises(InvalidInput) as caught:
        payload_validate(message_type, 1, payload)
    assert caught.value.field == "payload.deadline"


@pytest.mark.parametrize(
    ("message_type", "change", "field"),
    [
        ("subject.registered", {"registered_at": "2025-10-09T10:00:00"}, "payload.registered_at"),
        ("directive.acknowledged", {"acknowledged_at": "2025-10-09T10:00:00"}, "payload.acknowledged_at"),
        ("emergency.order", {"deadline": "2025-10-16 18:00"}, "payload.deadline"),
    ],
)
def test_times_must_carry_an_offset(message_type, change, field):
    with pytest.raises(InvalidInput) as caught:
        payload_validate(message_type, 1, {**VALID[message_type], **change})
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("message_type", "change", "field"),
    [
        ("listing.changed", {"changed": ["price"], "price_fen": DROP}, "payload.price_fen"),
        ("listing.changed", {"changed": ["district"]}, "payload.district"),
        ("listing.changed", {"changed": []}, "payload.changed"),
        ("listing.removed", {"statement_of_reasons": None}, "payload.statement_of_reasons"),
        ("listing.removed", {"statement_of_reasons": {**REASONS, "ground": "vibes"}},
         "payload.statement_of_reasons.ground"),
        ("listing.removed", {"statement_of_reasons": {k: v for k, v in REASONS.items() if k != "automated_decision"}},
         "payload.statement_of_reasons.automated_decision"),
        ("order.state_changed", {"state": "teleported"}, "payload.state"),
        ("complaint.resolved", {"refund_fen": -1}, "payload.refund_fen"),
        ("order.refunded", {"amount_fen": 0, "from_provider_fen": 0}, "payload.amount_fen"),
        ("order.refunded", {"from_escrow_fen": 1}, "payload.from_provider_fen"),
        ("order.refunded", {"receivable_fen": 1601}, "payload.receivable_fen"),
        ("order.refunded", {"refunded_total_fen": 1599}, "payload.refunded_total_fen"),
        ("order.refunded", {"complaint_id": None}, "payload.complaint_id"),
        ("safety.incident", {"district": "35020"}, "payload.district"),
        ("safety.incident", {"injured": -1}, "payload.injured"),
        ("tax.quarterly_report", {"quarter": 5}, "payload.quarter"),
        ("tax.quarterly_report", {"part": 3, "parts": 2}, "payload.part"),
        ("tax.quarterly_report", {"providers": [provider_row(id_number="11010519491231002X")]},
         "payload.providers.0.id_number"),
        ("tax.quarterly_report", {"providers": [provider_row(gross_fen=-5)]}, "payload.providers.0.gross_fen"),
        ("worker.income", {"period_end": "2025-08-31"}, "payload.period_end"),
        ("worker.income", {"worked_minutes": 90.5}, "payload.worked_minutes"),
        ("inspection.result", {"findings": []}, "payload.findings"),
        ("credit_list.changed", {"credit_list": "grey"}, "payload.credit_list"),
        ("emergency.order", {"districts": []}, "payload.districts"),
        ("directive.acknowledged", {"directive_message_id": "not-a-uuid"}, "payload.directive_message_id"),
        ("directive.acknowledged", {"directive_type": "order.created"}, "payload.directive_type"),
        ("platform.licences_declared", {"licences": [{**LICENCE, "valid_until": "2019-02-28"}]},
         "payload.licences.0.valid_until"),
        ("platform.licences_declared", {"licences": [{**LICENCE, "kind": "other"}]}, "payload.licences.0.name"),
        ("platform.licences_declared", {"licences": [LICENCE, LICENCE]}, "payload.licences"),
        ("platform.licences_declared", {"licences": [{**LICENCE, "kind": "fishing"}]}, "payload.licences.0.kind"),
    ],
)
def test_rules_name_the_field_at_fault(message_type, change, field):
    payload = {name: value for name, value in {**VALID[message_type], **change}.items() if value is not DROP}
    with pytest.raises(InvalidInput) as caught:
        payload_validate(message_type, 1, payload)
    assert (caught.value.code, caught.value.field) == ("exchange.invalid_payload", field)
    assert caught.value.message.startswith(field + ": ")


def test_a_provider_may_withdraw_a_listing_without_reasons():
    payload_validate("listing.removed", 1, {"listing_id": "L-1", "removed_at": AT, "removed_by": "provider"})


def test_order_state_changed_v1_still_accepts_what_was_sent_before_the_new_fields():
    old = {"order_id": "O-1", "category": "parking", "district": "350203", "state": "confirmed", "amount_fen": 400}
    payload = payload_validate("order.state_changed", 1, old)
    assert payload.previous_state is None  # type: ignore[attr-defined]


def test_tax_report_identities_open_only_for_the_tax_department():
    report = payload_validate("tax.quarterly_report", 1, VALID["tax.quarterly_report"])
    row = report.providers[0]  # type: ignore[attr-defined]
    assert unseal(row.id_number, private_key=TAX_PRIVATE,
                  context=seal_context("tax.quarterly_report", 1, "id_number")) == "11010519491231002X"
    assert unseal(row.legal_name, private_key=TAX_PRIVATE,
                  context=seal_context("tax.quarterly_report", 1, "legal_name")) == "张三"
    assert "11010519491231002X" not in json.dumps(VALID["tax.quarterly_report"])


def test_no_floats_anywhere_on_the_wire():
    def walk(schema: object) -> None:
        if isinstance(schema, dict):
            assert schema.get("type") != "number", schema
            for value in schema.values():
                walk(value)
        elif isinstance(schema, list):
            for value in schema:
                walk(value)

    for model in MESSAGE_TYPES.values():
        walk(model.model_json_schema())
