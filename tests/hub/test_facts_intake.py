"""Every supervision fact reaches the regulator's read model (``hub.facts``): from the real market
through the exchange, and from external platforms sending any message type, once however often it
is delivered, whatever the order the facts come in, on intake's batch path and one by one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sharecity.exchange.envelope import envelope_parse
from sharecity.exchange.relay import relay_pump
from sharecity.exchange.schemas import payload_validate
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.facts import services
from sharecity.hub.facts.models import (
    ComplaintFact,
    ListingChange,
    ListingFact,
    ListingRemoval,
    ModerationFact,
    SafetyIncident,
    SubjectFact,
)
from sharecity.hub.facts.selectors import complaints_list, removals_matching, scoped
from sharecity.hub.intake.models import QuarantinedMessage
from sharecity.hub.intake.services import Outcome, intake_pump, intake_receive
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.market.complaints.models import Complaint
from sharecity.market.complaints.services import (
    complaint_answer,
    complaint_escalate,
    complaint_refuse,
    complaint_resolve,
)
from sharecity.market.moderation.services import statement_issue
from sharecity.market.parking.services import space_suspend
from sharecity.market.platforms.services import operator_add
from sharecity.market.reviews.models import Review
from sharecity.market.reviews.services import review_hide
from tests.factories import make_user
from tests.hub.hostile import ExternalPlatform, listing
from tests.hub.slice import run_slice

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
REASONS = {"ground": "illegal_content", "legal_reference": "《电子商务法》第二十九条", "facts": "出售违禁物品",
           "automated_detection": True, "automated_decision": False}


def at(minutes: int) -> str:
    return (NOW + dt.timedelta(minutes=minutes)).isoformat()


def deliver(transport) -> None:
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def snapshot() -> dict:
    """Every facts row, without the times the hub wrote them."""
    def rows(model, *exclude):
        skip = {"id", "created_at", "updated_at", *exclude}
        return sorted(tuple((field.name, str(getattr(row, field.name))) for field in model._meta.concrete_fields
                            if field.name not in skip) for row in model.objects.all())
    return {model.__name__: rows(model) for model in (ListingFact, ListingChange, ListingRemoval, ComplaintFact,
                                                      ModerationFact, SafetyIncident, SubjectFact)}


# --- the real market, through the exchange ------------------------------------------------------------


def test_the_markets_facts_reach_the_read_model():
    transport = LocalTransport()
    sl = run_slice(name="鹭岛共享停车")
    operator = make_user()
    operator_add(actor=None, platform=sl.platform, user=operator)
    complaint = Complaint.objects.get(booking=sl.booking)
    complaint_answer(actor=operator, complaint=complaint, answer="explanation", text="入口临时施工，已致歉")
    complaint_refuse(actor=sl.customer, complaint=complaint)
    complaint_escalate(actor=sl.customer, complaint=complaint)
    complaint_resolve(actor=operator, complaint=complaint, outcome="partly_upheld", refund_fen=100)
    review = Review.objects.filter(booking=sl.booking, author=sl.customer).first()
    review_hide(actor=operator, review=review, reason="personal_data", note="评论里写了车主电话")
    statement_issue(actor=operator, platform=sl.platform, subject_type="listing", subject_id=str(sl.space.public_id),
                    decision="removed", ground="terms_violation", legal_reference="平台规则第3条", facts="虚假车位",
                    automated_detection=False, automated_decision=False)
    space_suspend(actor=None, space=sl.space, statement_of_reasons={**REASONS, "automated_detection": False})
    deliver(transport)
    assert not QuarantinedMessage.objects.exists()

    space = ListingFact.objects.get(platform_id=sl.platform_id, listing_id=str(sl.space.public_id))
    assert (space.state, space.district_code, space.city_code, space.price_fen) == ("removed", "350203", "350200", 800)
    assert space.removed_by == "authority"
    assert space.statement_of_reasons["legal_reference"] == REASONS["legal_reference"]
    removal = ListingRemoval.objects.get(listing_id=space.listing_id)
    assert (removal.provider_key, removal.title, removal.district_code) == (space.provider_key, space.title, "350203")

    fact = ComplaintFact.objects.get(platform_id=sl.platform_id, complaint_id=str(complaint.public_id))
    assert fact.status == "resolved" and fact.outcome == "partly_upheld" and fact.refund_fen == 100
    assert fact.answer == "explanation" and fact.escalated_to == "market_regulator"
    assert fact.escalation_reason == "complainant_not_satisfied" and len(fact.escalations) == 1
    assert fact.order_id == str(sl.booking.public_id) and fact.district_code == "350203"
    assert fact.response_seconds is not None and 0 <= fact.response_seconds < 600

    hidden = ModerationFact.objects.get(kind="review_hidden")
    assert (hidden.subject_id, hidden.reason, hidden.decided_by) == (str(review.public_id), "personal_data", "platform")
    assert hidden.statement_of_reasons["facts"] == "评论里写了车主电话"
    decision = ModerationFact.objects.get(kind="decision")
    assert (decision.subject_type, decision.decision, decision.ground) == ("listing", "removed", "terms_violation")
    # The decision did not say where; the hub knew where the listing is.
    assert decision.district_code == "350203"

    subject = SubjectFact.objects.get(platform_id=sl.platform_id)
    assert subject.verified_at is not None and subject.subject_kind == "person"


# --- external platforms, any message type ---------------------------------------------------------------


@pytest.fixture
def platform():
    return ExternalPlatform.onboard("鹭岛民宿")


def send(platform: ExternalPlatform, facts: list[tuple[str, dict]]) -> list:
    envelopes = [platform.good(1, message_type=kind, payload=payload)[0] for kind, payload in facts]
    result = intake_receive(platform.batch(envelopes))
    assert result == Outcome.APPLIED, QuarantinedMessage.objects.values_list("reason", flat=True)
    return envelopes


def every_type(listing_id: str = "L-1", complaint_id: str = "C-1") -> list[tuple[str, dict]]:
    return [
        ("subject.registered", {"subject_key": "pk-host-000001", "subject_kind": "business", "sectors": ["homestay"],
                                "district": "350206", "registered_at": at(0)}),
        ("subject.verified", {"subject_key": "pk-host-000001", "subject_kind": "business", "verified_at": at(1)}),
        ("listing.published", listing(listing_id=listing_id, category="homestay", district="350206",
                                      provider_key="pk-host-000001", title="海景房", price_unit="night")),
        ("listing.changed", {"listing_id": listing_id, "changed": ["price", "photos"], "changed_at": at(5),
                             "price_fen": 900, "price_unit": "night"}),
        ("complaint.filed", {"complaint_id": complaint_id, "order_id": "O-1", "district": "350206",
                             "category": "hygiene", "complainant_key": "pk-guest-000001"}),
        ("complaint.answered", {"complaint_id": complaint_id, "district": "350206", "answered_at": at(30),
                                "answer": "refund_offered", "summary": "退一晚房费"}),
        ("complaint.escalated", {"complaint_id": complaint_id, "district": "350206", "escalated_at": at(60),
                                 "escalated_to": "third_party_platform", "reason": "complainant_not_satisfied"}),
        ("complaint.resolved", {"complaint_id": complaint_id, "district": "350206", "resolved_at": at(90),
                                "outcome": "settled", "refund_fen": 30000, "compensation_fen": 5000,
                                "complainant_satisfied": True}),
        ("review.hidden", {"review_id": "R-1", "order_id": "O-1", "district": "350206", "reason": "abusive",
                           "hidden_by": "platform", "hidden_at": at(10), "statement_of_reasons": REASONS}),
        ("moderation.decision", {"decision_id": "D-1", "subject_type": "account", "subject_id": "pk-host-000001",
                                 "decision": "suspended", "duration_days": 30, "decided_at": at(20),
                                 "statement_of_reasons": REASONS}),
        ("safety.incident", {"incident_id": "I-1", "category": "fire", "severity": "major", "district": "350206",
                             "occurred_at": at(100), "reported_at": at(110), "description": "厨房起火，两人受伤",
                             "injured": 2, "listing_id": listing_id}),
        ("listing.removed", {"listing_id": listing_id, "removed_at": at(120), "removed_by": "platform",
                             "statement_of_reasons": REASONS}),
    ]


def test_an_external_platform_reports_every_supervision_fact(platform):
    send(platform, every_type())
    pid = platform.platform_id
    subject = SubjectFact.objects.get(platform_id=pid)
    assert (subject.subject_kind, subject.sectors, subject.district_code, subject.city_code) == (
        "business", ["homestay"], "350206", "350200")
    assert subject.verified_at == NOW + dt.timedelta(minutes=1)
    fact = ListingFact.objects.get(platform_id=pid)
    assert (fact.state, fact.price_fen, fact.title, fact.removed_by) == ("removed", 900, "海景房", "platform")
    change = ListingChange.objects.get(platform_id=pid)
    assert change.aspects == ["price", "photos"] and change.previous == {"price_fen": 600} and change.current == {
        "price_fen": 900}
    complaint = ComplaintFact.objects.get(platform_id=pid)
    assert (complaint.status, complaint.answer, complaint.outcome, complaint.compensation_fen) == (
        "resolved", "refund_offered", "settled", 5000)
    assert complaint.complainant_satisfied is True and complaint.answer_summary == "退一晚房费"
    account = ModerationFact.objects.get(platform_id=pid, kind="decision")
    assert (account.decision, account.duration_days, account.district_code) == ("suspended", 30, "")
    incident = SafetyIncident.objects.get(platform_id=pid)
    assert incident.highlighted and incident.injured == 2 and incident.city_code == "350200"
    assert ModerationFact.objects.get(platform_id=pid, kind="review_hidden").reason == "abusive"


def test_facts_reported_again_change_nothing(platform):
    envelopes = send(platform, every_type())
    before = snapshot()
    # Redelivered as they were: intake drops them as duplicates.
    assert intake_receive(platform.batch(envelopes)) == Outcome.DUPLICATE
    # Reported again under new message ids (a platform resending after losing its receipts).
    send(platform, every_type())
    assert snapshot() == before


def test_facts_out_of_order_are_kept_and_completed_later(platform):
    pid = platform.platform_id
    send(platform, [
        ("complaint.answered", {"complaint_id": "C-9", "district": "350203", "answered_at": at(-30),
                                "answer": "explanation"}),
        ("listing.removed", {"listing_id": "L-unknown", "removed_at": at(5), "removed_by": "provider"}),
        ("listing.changed", {"listing_id": "L-2", "changed": ["title"], "changed_at": at(7), "title": "新标题"}),
    ])
    answered = ComplaintFact.objects.get(platform_id=pid, complaint_id="C-9")
    assert (answered.status, answered.filed_at, answered.response_seconds) == ("answered", None, None)
    unknown = ListingFact.objects.get(platform_id=pid, listing_id="L-unknown")
    assert (unknown.state, unknown.district_code, unknown.city_code) == ("removed", "", "")
    assert ListingRemoval.objects.filter(listing_id="L-unknown", district_code="").exists()

    send(platform, [
        ("complaint.filed", {"complaint_id": "C-9", "order_id": "O-9", "district": "350203", "category": "noise",
                             "complainant_key": "pk-guest-000009"}),
        ("listing.published", listing(listing_id="L-2", title="旧标题", district="350211")),
    ])
    answered.refresh_from_db()
    assert answered.status == "answered" and answered.order_id == "O-9"
    # Filed when the platform sent it (NOW), but never after the answer it got.
    assert answered.filed_at == answered.answered_at and answered.response_seconds == 0
    changed = ListingFact.objects.get(platform_id=pid, listing_id="L-2")
    assert (changed.title, changed.district_code, changed.published_at is not None) == ("新标题", "350211", True)

    # A change reported late goes into the history but does not undo a newer one.
    send(platform, [("listing.changed", {"listing_id": "L-2", "changed": ["title"], "changed_at": at(3),
                                         "title": "更早的标题"})])
    changed.refresh_from_db()
    assert changed.title == "新标题" and ListingChange.objects.filter(listing_id="L-2").count() == 2


def test_a_removed_listing_published_again_is_found_by_its_provider_and_title(platform):
    pid = platform.platform_id
    send(platform, [
        ("listing.published", listing(listing_id="L-a", title="违规车位", provider_key="pk-bad-000001")),
        # Removed before the platform sent the next publication (``hostile.SENT_AT`` is NOW).
        ("listing.removed", {"listing_id": "L-a", "removed_at": at(-10), "removed_by": "platform",
                             "statement_of_reasons": REASONS}),
        ("listing.published", listing(listing_id="L-b", title="违规车位", provider_key="pk-bad-000001")),
        ("listing.published", listing(listing_id="L-a", title="违规车位", provider_key="pk-bad-000001")),
    ])
    again = ListingFact.objects.get(platform_id=pid, listing_id="L-a")
    assert (again.state, again.times_published, again.removed_at) == ("live", 2, None)
    # The old removal reported again does not take the listing down again.
    send(platform, [("listing.removed", {"listing_id": "L-a", "removed_at": at(-10), "removed_by": "platform",
                                         "statement_of_reasons": REASONS})])
    again.refresh_from_db()
    assert again.state == "live" and ListingRemoval.objects.filter(listing_id="L-a").count() == 1
    fresh = ListingFact.objects.get(platform_id=pid, listing_id="L-b")
    matches = removals_matching(provider_key="pk-bad-000001", title="违规车位", exclude_listing=fresh)
    assert [row.listing_id for row in matches] == ["L-a"]


def test_batch_and_one_by_one_give_the_same_rows(platform):
    facts = every_type()
    parsed = []
    for envelope in [platform.seal(message_type=kind, payload=payload, sequence=n + 1)
                     for n, (kind, payload) in enumerate(facts)]:
        envelope = envelope_parse(envelope.to_bytes())
        parsed.append((envelope, payload_validate(envelope.type, 1, envelope.payload, now=NOW + dt.timedelta(days=1))))
    from sharecity.hub.intake.handlers import handlers_for

    def facts_calls():
        return [(handler, envelope, payload) for envelope, payload in parsed for handler in handlers_for(envelope.type)
                if getattr(handler, "apply_many", None) is services.facts_apply]

    services.facts_apply(facts_calls())
    batched = snapshot()
    for model in (ListingFact, ListingChange, ListingRemoval, ComplaintFact, ModerationFact, SafetyIncident,
                  SubjectFact):
        model.objects.all().delete()
    for handler, envelope, payload in facts_calls():
        handler(envelope=envelope, payload=payload)
    assert snapshot() == batched


def test_the_largest_values_a_schema_allows_are_stored(platform):
    big = 10**12
    send(platform, [
        ("listing.published", listing(listing_id="L" * 64, title="题" * 200, category="c" * 64, price_fen=big,
                                      provider_key="k" * 64)),
        ("complaint.resolved", {"complaint_id": "C" * 64, "district": "350203", "resolved_at": at(1),
                                "outcome": "partly_upheld", "refund_fen": big, "compensation_fen": big}),
        ("complaint.answered", {"complaint_id": "C" * 64, "district": "350203", "answered_at": at(0),
                                "answer": "compensation_offered", "summary": "答" * 1000}),
        ("safety.incident", {"incident_id": "I" * 64, "category": "property_damage", "severity": "extraordinary",
                             "district": "350203", "occurred_at": at(0), "reported_at": at(0),
                             "description": "述" * 4000, "injured": 2_147_483_647, "deaths": 2_147_483_647}),
        ("moderation.decision", {"decision_id": "D" * 64, "subject_type": "listing", "subject_id": "x" * 64,
                                 "decision": "visibility_restricted", "duration_days": 3650, "decided_at": at(0),
                                 "statement_of_reasons": {**REASONS, "legal_reference": "法" * 500,
                                                          "facts": "事" * 4000}}),
    ])
    assert ComplaintFact.objects.get(complaint_id="C" * 64).refund_fen == big
    assert SafetyIncident.objects.get(incident_id="I" * 64).deaths == 2_147_483_647


# --- scoping -----------------------------------------------------------------------------------------------


def test_facts_are_seen_only_within_the_jurisdiction(platform):
    send(platform, every_type())
    send(platform, [("complaint.filed", {"complaint_id": "C-tj", "order_id": "O-2", "district": "120101",
                                         "category": "noise", "complainant_key": "pk-guest-000002"})])
    huli = Jurisdiction(city_code="350200", district_code="350206")
    siming = Jurisdiction(city_code="350200", district_code="350203")
    xiamen = Jurisdiction(city_code="350200")
    tianjin = Jurisdiction(city_code="120100")
    operator = Jurisdiction(city_code=None)
    assert [c.complaint_id for c in complaints_list(jurisdiction=huli)] == ["C-1"]
    assert {c.complaint_id for c in complaints_list(jurisdiction=xiamen)} == {"C-1"}
    assert [c.complaint_id for c in complaints_list(jurisdiction=tianjin)] == ["C-tj"]
    assert {c.complaint_id for c in complaints_list(jurisdiction=operator)} == {"C-1", "C-tj"}
    assert list(complaints_list(jurisdiction=siming)) == []
    # The account decision said no district: seen where the platform is active (Huli and Heping),
    # never by Siming's officers, where it is not.
    account = ModerationFact.objects.filter(kind="decision")
    assert scoped(account, huli).count() == 1 and scoped(account, tianjin).count() == 1
    assert scoped(account, siming).count() == 0


def test_filing_time_comes_from_the_envelope_never_later_than_now(platform):
    envelope = type("E", (), {"sent_at": "not a time"})()
    assert abs((services._sent_at(envelope) - timezone.now()).total_seconds()) < 5
    envelope.sent_at = "2999-01-01T00:00:00+00:00"
    assert services._sent_at(envelope) <= timezone.now()
    envelope.sent_at = "2026-01-01T00:00:00"  # no offset: not trusted
    assert abs((services._sent_at(envelope) - timezone.now()).total_seconds()) < 5


def test_every_supervision_message_type_has_a_facts_handler():
    from sharecity.exchange.schemas import DIRECTIONS, PLATFORM_TO_HUB
    from sharecity.hub.intake.handlers import HANDLERS

    # Tax reports and worker income are the tax office's and labour's (a later duty of the hub).
    later = {"tax.quarterly_report", "worker.income"}
    sent_by_platforms = {kind for kind, direction in DIRECTIONS.items() if direction == PLATFORM_TO_HUB}
    assert sent_by_platforms - later - set(HANDLERS) == set()
    handled_here = {kind for kind, functions in HANDLERS.items()
                    if any(getattr(f, "apply_many", None) is services.facts_apply for f in functions)}
    assert handled_here == {"subject.registered", "subject.verified", "listing.published", "listing.changed",
                            "listing.removed", "complaint.filed", "complaint.answered", "complaint.escalated",
                            "complaint.resolved", "moderation.decision", "review.hidden", "safety.incident",
                            "order.refunded"}


def test_poison_among_facts_is_quarantined_and_the_good_facts_are_kept(platform):
    good = every_type()
    poison = [
        ("listing.removed", {"listing_id": "L-x", "removed_at": at(1), "removed_by": "platform"}),  # no reasons
        ("complaint.answered", {"complaint_id": "C-x", "district": "350203", "answered_at": at(1),
                                "answer": "explanation", "summary": "a\x00b"}),
        ("safety.incident", {**dict(good[10][1]), "injured": -1}),
        ("moderation.decision", {**dict(good[9][1]), "duration_days": 0}),
        ("complaint.escalated", {"complaint_id": "C-x", "district": "350203", "escalated_at": "2999-01-01T00:00:00Z",
                                 "escalated_to": "court", "reason": "other"}),
    ]
    fields = []
    for kind, payload in poison:
        envelope = platform.seal(message_type=kind, payload=payload)
        assert intake_receive(envelope.to_bytes()) == Outcome.QUARANTINED
        fields.append(QuarantinedMessage.objects.get(message_id=envelope.message_id).field)
    assert fields == ["payload.statement_of_reasons", "payload.summary", "payload.injured", "payload.duration_days",
                      "payload.escalated_at"]
    send(platform, good)
    assert not ListingFact.objects.filter(listing_id="L-x").exists()
    assert not ComplaintFact.objects.filter(complaint_id="C-x").exists()
    assert SafetyIncident.objects.get().injured == 2
