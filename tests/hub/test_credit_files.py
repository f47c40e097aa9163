"""Credit files from facts that arrived through the exchange, and the explainable scorecard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.credit import selectors, services
from sharecity.hub.credit.models import CreditRecord, CreditSubject, ScorecardVersion
from sharecity.hub.credit.scoring import DEFAULT_TREE, RecordIn, score
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.errors import Forbidden, InvalidInput
from tests.factories import make_user
from tests.hub.credit_support import REASONS, now_text, provider_key, send, slice_with_credit_facts

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


def officer(*, city_code: str = "", district_code: str = "", department: str = "厦门市市场监督管理局"):
    user = make_user()
    regulator_profile_set(actor=None, user=user, department=department, city_code=city_code,
                          district_code=district_code)
    return user


# --- records from facts ---------------------------------------------------------------------------------


def test_facts_through_the_exchange_open_files_and_records():
    the_slice, _ = slice_with_credit_facts()
    platform_id = the_slice.platform_id
    enterprise = CreditSubject.objects.get(kind="enterprise", platform_id=platform_id)
    assert enterprise.name == the_slice.platform.name and len(enterprise.identifier) == 18
    provider = CreditSubject.objects.get(identifier=provider_key(the_slice))
    assert provider.kind in ("person", "business") and provider.district_code == "350203"
    assert provider.city_code == "350200"
    kinds = dict(provider.records.values_list("kind", "polarity"))
    # The customer's 5-star review is aggregated; the upheld complaint is negative on the provider.
    reviews = provider.records.get(kind="reviews")
    assert reviews.detail["count"] == 1 and reviews.detail["mean"] == 5.0
    assert kinds["complaint"] == -2
    complaint_record = provider.records.get(kind="complaint")
    assert complaint_record.detail["status"] == "resolved" and complaint_record.detail["outcome"] == "upheld"
    # The platform's handling of the complaint, and the safety incident, are on its enterprise file.
    assert set(enterprise.records.values_list("kind", flat=True)) >= {"complaint", "safety"}


def test_moderation_tax_and_subject_registration_and_redelivery_are_idempotent():
    the_slice, _ = slice_with_credit_facts()
    platform_id = the_slice.platform_id
    key = provider_key(the_slice)
    send(platform_id, "subject.registered", {"subject_key": key, "subject_kind": "person", "sectors": ["parking"],
                                             "district": "350206", "registered_at": now_text()})
    moderation = {"decision_id": "D-1", "subject_type": "account", "subject_id": key, "decision": "suspended",
                  "duration_days": 7, "decided_at": now_text(), "district": "350206",
                  "statement_of_reasons": REASONS}
    send(platform_id, "moderation.decision", moderation)
    # The same decision again under another message id: one record, unchanged.
    send(platform_id, "moderation.decision", moderation)
    provider = CreditSubject.objects.get(identifier=key)
    assert provider.district_code == "350206"
    assert provider.records.filter(kind="moderation").count() == 1
    assert services.COMPLAINT_POLARITY["rejected"] == 0


def test_a_complaint_rejected_is_neutral():
    the_slice, _ = slice_with_credit_facts(outcome="rejected")
    provider = CreditSubject.objects.get(identifier=provider_key(the_slice))
    assert provider.records.get(kind="complaint").polarity == 0


def test_an_inspection_directive_goes_into_the_platforms_file():
    from sharecity.hub.directives.services import directive_issue

    the_slice, _ = slice_with_credit_facts()
    user = officer(city_code="350200")
    directive_issue(actor=user, platform_id=the_slice.platform_id, directive_type="inspection.result",
                    case_id="SC-1", inspection_kind="random_spot_check", subject_type="platform",
                    subject_id=the_slice.platform_id, result="fail",
                    findings=[{"code": "A1", "description": "未公示收费标准"}],
                    legal_reference="《电子商务法》第十五条", inspected_at=dt.datetime.now(dt.UTC))
    record = CreditRecord.objects.get(kind="inspection")
    assert record.subject.kind == "enterprise" and record.public and record.polarity == -1
    assert record.detail["result"] == "fail" and record.decided_by == "厦门市市场监督管理局"


# --- the scorecard ----------------------------------------------------------------------------------------


def rec(id, kind, day, **kw):
    return RecordIn(id=id, kind=kind, decided_on=day, **kw)


def test_dated_examples_explain_every_point():
    records = [
        rec(1, "penalty", dt.date(2026, 3, 1), severity="ordinary", polarity=-1, display_until=dt.date(2027, 3, 1)),
        rec(2, "complaint", dt.date(2026, 5, 1), polarity=-2, detail={"outcome": "upheld"}),
        rec(3, "reviews", dt.date(2026, 6, 1), detail={"count": 10, "sum": 48, "mean": 4.8}),
        rec(4, "verification", dt.date(2025, 1, 1), polarity=1),
        rec(5, "tax", dt.date(2026, 4, 10), polarity=1, detail={"year": 2026, "quarter": 1}),
    ]
    card = score(tree=DEFAULT_TREE, records=records, as_of=dt.date(2026, 7, 1))
    law, contract, qualification, social, risk = card.indicators
    assert (law.score, [(line.code, line.record_ids, line.points) for line in law.lines]) == (
        70, [("penalty_ordinary", [1], -30)])
    assert contract.score == 80 - 10 + 15
    assert qualification.score == 80 and social.score == 85
    # Negative in the last 90 days: only the complaint of 1 May (the penalty of 1 March is older).
    assert [(line.code, line.record_ids) for line in risk.lines] == [("recent_negative", [2])]
    assert risk.score == 95
    expected = (30 * 70 + 25 * 85 + 15 * 80 + 15 * 85 + 15 * 95) / 100
    assert card.total == round(expected, 1) and card.grade == "B"
    assert card.by_record[2] == [("contract", "complaint_upheld", -10), ("risk", "recent_negative", -5)]
    # A year later the penalty's display has ended and it no longer weighs.
    later = score(tree=DEFAULT_TREE, records=records, as_of=dt.date(2027, 3, 2))
    assert later.excluded == {1: "display_ended"} and later.indicators[0].score == 100
    # Before anything was decided, nothing counts.
    assert score(tree=DEFAULT_TREE, records=records, as_of=dt.date(2024, 12, 31)).excluded.keys() == {1, 2, 3, 4, 5}


def test_a_repaired_record_does_not_count_and_a_serious_penalty_grades_d():
    serious = [rec(1, "penalty", dt.date(2026, 1, 1), severity="serious", polarity=-2),
               rec(2, "moderation", dt.date(2026, 1, 2), polarity=-2, detail={"decision": "terminated"}),
               rec(3, "safety", dt.date(2026, 1, 3), polarity=-2, detail={"incident_severity": "major"})]
    card = score(tree=DEFAULT_TREE, records=serious, as_of=dt.date(2026, 1, 10))
    assert card.grade == "D"
    repaired = [rec(1, "penalty", dt.date(2026, 1, 1), severity="serious", repaired=True)]
    assert score(tree=DEFAULT_TREE, records=repaired, as_of=dt.date(2026, 2, 1)).excluded == {1: "repaired"}


def test_scorecard_edit_changes_grades_is_audited_and_old_grades_keep_their_version():
    the_slice, _ = slice_with_credit_facts()
    provider = CreditSubject.objects.get(identifier=provider_key(the_slice))
    today = dt.date.today()
    before = selectors.subject_score(subject=provider, as_of=today)
    user = officer(city_code="350200")
    tree = {**DEFAULT_TREE, "grades": [{"grade": "A", "min": 99}, {"grade": "B", "min": 98},
                                       {"grade": "C", "min": 97}, {"grade": "D", "min": 0}]}
    audits = AuditEntry.objects.count()
    version = services.scorecard_version_add(actor=user, tree=tree, effective_from=today, note="收紧等级")
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry.action == "credit.scorecard_changed" and entry.object_id == str(version.pk)
    after = selectors.subject_score(subject=provider, as_of=today)
    assert after.version == version and after.scorecard.grade == "D" != before.scorecard.grade
    # Yesterday's grade is explained by the version in force yesterday (the default).
    yesterday = selectors.subject_score(subject=provider, as_of=today - dt.timedelta(days=1))
    assert yesterday.version is None


def test_scorecard_edit_refusals_name_the_field():
    user = officer(city_code="350200")
    district_user = officer(district_code="350206")
    today = dt.date.today()
    with pytest.raises(Forbidden):
        services.scorecard_version_add(actor=district_user, tree=DEFAULT_TREE, effective_from=today)
    with pytest.raises(InvalidInput) as error:
        services.scorecard_version_add(actor=user, tree=DEFAULT_TREE, effective_from=today - dt.timedelta(days=1))
    assert error.value.field == "effective_from"
    bad = {**DEFAULT_TREE, "indicators": [{**DEFAULT_TREE["indicators"][0], "weight": "30"}]}
    with pytest.raises(InvalidInput) as error:
        services.scorecard_version_add(actor=user, tree=bad, effective_from=today)
    assert error.value.field == "indicators.0.weight"
    bad_rule = {**DEFAULT_TREE, "indicators": [{**DEFAULT_TREE["indicators"][0],
                                                "rules": [{"code": "x", "label_zh": "x", "label_en": "x\x00",
                                                           "kind": "penalty", "points": 1}]}]}
    with pytest.raises(InvalidInput) as error:
        services.scorecard_version_add(actor=user, tree=bad_rule, effective_from=today)
    assert error.value.field == "indicators.0.rules.0.label_en"
    assert not ScorecardVersion.objects.exists()


# --- scoping, commitments, honours ------------------------------------------------------------------------


def test_scoping_another_district_or_city_gets_404():
    the_slice, _ = slice_with_credit_facts(district="350203")
    provider = CreditSubject.objects.get(identifier=provider_key(the_slice))
    own_city = officer(city_code="350200")
    own_district = officer(district_code="350203")
    other_district = officer(district_code="350206")
    tianjin = officer(city_code="120100", department="天津市市场监督管理委员会")
    for user in (own_city, own_district):
        assert selectors.subject_for_officer(user=user, subject_id=provider.pk)[0] == provider
    for user in (other_district, tianjin):
        with pytest.raises(Http404):
            selectors.subject_for_officer(user=user, subject_id=provider.pk)
    from sharecity.hub.registry.jurisdiction import jurisdiction_for

    assert not selectors.subjects_scoped(jurisdiction_for(tianjin)).exists()
    assert selectors.subjects_scoped(jurisdiction_for(own_district)).filter(kind="enterprise").exists()


def test_commitment_and_honour_are_audited_and_fulfilment_scores():
    subject = services.credit_subject_ensure(kind="business", identifier="pk-business-0001", district_code="350203")
    user = officer(district_code="350203")
    audits = AuditEntry.objects.count()
    record = services.credit_commitment_add(
        actor=user, subject_id=subject.pk, commitment_type="industry", content="明码标价，不乱收费",
        liability="违背承诺愿接受失信惩戒", valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31))
    services.credit_commitment_fulfilment(actor=user, record_id=record.pk, fulfilment="full")
    services.credit_honour_add(actor=user, subject_id=subject.pk, issuer="厦门市人民政府", title="诚信经营示范单位",
                               awarded_on=dt.date(2026, 2, 1))
    assert AuditEntry.objects.count() == audits + 3
    record.refresh_from_db()
    assert record.detail["fulfilment"] == "full" and record.polarity == 1
    card = selectors.subject_score(subject=subject, as_of=dt.date(2026, 6, 1)).scorecard
    lines = {line.code for indicator in card.indicators for line in indicator.lines}
    assert {"commitment_kept", "honour"} <= lines
    with pytest.raises(InvalidInput) as error:
        services.credit_honour_add(actor=user, subject_id=subject.pk, issuer="x" * 500, title="t",
                                   awarded_on=dt.date(2026, 2, 1))
    assert error.value.field == "issuer"


def test_public_records_and_list_status_hide_what_is_not_public():
    subject = services.credit_subject_ensure(kind="person", identifier="pk-abcdefgh12345678", district_code="350203")
    services.credit_record_add(subject=subject, kind="penalty", severity="serious", title="严重失信处罚",
                               decided_on=dt.date(2026, 3, 1), source_type="t", source_id="1", public=True)
    services.credit_record_add(subject=subject, kind="complaint", title="投诉", decided_on=dt.date(2026, 3, 1),
                               source_type="t", source_id="2")
    shown = selectors.public_records(subject, today=dt.date(2026, 6, 1))
    assert [r.kind for r in shown] == ["penalty"]
    assert selectors.public_list_status(subject, today=dt.date(2026, 6, 1)) == ["serious_dishonesty"]
    assert selectors.public_list_status(subject, today=dt.date(2029, 3, 2)) == []
    assert selectors.mask_key("pk-abcdefgh12345678") == "pk-a****78"


def test_a_quarterly_tax_report_is_tax_compliance_on_the_platforms_file_once_per_quarter():
    the_slice, _ = slice_with_credit_facts()
    report = {"report_id": "TAX-2026Q3-1", "year": 2026, "quarter": 3, "recipient_key_id": "0123456789abcdef",
              "totals": {"provider_count": 0, "order_count": 0, "gross_fen": 0, "refunds_fen": 0,
                         "commission_fen": 0, "withheld_tax_fen": 0}, "providers": []}
    send(the_slice.platform_id, "tax.quarterly_report", {**report, "part": 1, "parts": 2})
    send(the_slice.platform_id, "tax.quarterly_report", {**report, "part": 2, "parts": 2})
    enterprise = CreditSubject.objects.get(kind="enterprise", platform_id=the_slice.platform_id)
    [tax] = enterprise.records.filter(kind="tax")
    assert tax.detail == {"year": 2026, "quarter": 3, "report_id": "TAX-2026Q3-1"} and tax.polarity == 1
    card = selectors.subject_score(subject=enterprise, as_of=dt.date.today()).scorecard
    assert any(line.code == "tax_filed" for indicator in card.indicators for line in indicator.lines)


def test_review_aggregate_counts_customer_reviews_in_one_delivery_and_across_deliveries():
    from types import SimpleNamespace

    from sharecity.exchange.schemas import payload_build, payload_validate
    from sharecity.hub.intake.handlers import handlers_for

    def message(kind, **fields):
        return SimpleNamespace(platform_id="p-1", type=kind, sent_at="2026-03-02T08:00:00+00:00"), payload_validate(
            kind, 1, payload_build(kind, **fields))

    starts = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
    order = message("order.created", order_id="o-1", listing_id="l-1", category="parking", district="350203",
                    customer_key="customer-0001", provider_key="provider-0001", amount_fen=100, starts_at=starts,
                    ends_at=starts)
    reviews = [message("review.published", review_id=f"r-{n}", order_id="o-1", district="350203",
                       author_role=role, rating=rating)
               for n, (role, rating) in enumerate([("customer", 5), ("customer", 4), ("provider", 1)])]
    calls = [(handler, envelope, payload) for envelope, payload in [order, *reviews]
             for handler in handlers_for(envelope.type)]
    # The order arrives in the same delivery as the reviews: the credit pass finds its provider there.
    services.credit_facts_apply([call for call in calls if getattr(call[0], "apply_many", None)
                                 is services.credit_facts_apply])
    record = CreditRecord.objects.get(kind="reviews")
    assert record.detail == {"count": 2, "sum": 9, "mean": 4.5}
    # Later deliveries find the provider through the monitoring read model's order.
    from sharecity.hub.monitoring.services import order_created

    order_created(envelope=order[0], payload=order[1])
    later = message("review.published", review_id="r-9", order_id="o-1", district="350203", author_role="customer",
                    rating=3)
    services.credit_facts_apply([(h, *later) for h in handlers_for("review.published")
                                 if getattr(h, "apply_many", None) is services.credit_facts_apply])
    record.refresh_from_db()
    assert record.detail == {"count": 3, "sum": 12, "mean": 4.0} and record.decided_on == dt.date(2026, 3, 2)
    assert record.subject.district_code == "350203"
