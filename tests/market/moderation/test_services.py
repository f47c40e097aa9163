"""The review queue and statements of reasons, used directly (as reviews or accounts would)."""

from __future__ import annotations

import pytest

from sharecity.exchange.schemas import payload_validate
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput
from sharecity.market.moderation import selectors, services
from sharecity.market.moderation.models import CaseStatus
from tests import factories
from tests.market.helpers import new_facts, nothing_written
from tests.market.moderation.helpers import make_operator

pytestmark = pytest.mark.django_db

FINDING = {"rule": "contact.mobile", "outcome": "review", "ground": "terms_violation", "matched": "13812345678",
           "start": 3, "end": 14, "legal_reference": "平台交易规则", "explanation": "contact", "field": ""}


def _statement(platform, decision, **overrides):
    fields = {"actor": None, "platform": platform, "subject_type": "review", "subject_id": "r-1", "decision": decision,
              "ground": "terms_violation", "legal_reference": "平台评价规则第5条", "facts": "评价含有辱骂内容。",
              "automated_detection": False, "automated_decision": False}
    fields.update(overrides)
    return services.statement_issue(**fields)


def test_a_subject_has_one_open_case_refreshed_with_new_findings(platform):
    first = services.case_open(platform=platform, subject_type="listing", subject_id="L1", text="电话13812345678",
                               findings=[FINDING])
    again = services.case_open(platform=platform, subject_type="listing", subject_id="L1", text="新文本",
                               findings=[])
    assert first.pk == again.pk
    assert list(selectors.queue(platform=platform)) == [again]
    assert again.text == "新文本"


def test_queue_is_per_platform_and_oldest_first(platform):
    other = factories.make_platform()
    a = services.case_open(platform=platform, subject_type="listing", subject_id="A", text="", findings=[])
    b = services.case_open(platform=platform, subject_type="review", subject_id="B", text="", findings=[])
    services.case_open(platform=other, subject_type="listing", subject_id="C", text="", findings=[])
    assert list(selectors.queue(platform=platform)) == [a, b]


def test_deciding_needs_a_moderator_of_that_platform_and_a_reason_to_reject(platform):
    case = services.case_open(platform=platform, subject_type="review", subject_id="R", text="", findings=[])
    stranger = make_operator(factories.make_platform())
    with nothing_written(), pytest.raises(Forbidden):
        services.case_decide(actor=stranger, case=case, approve=True)
    moderator = make_operator(platform)
    with pytest.raises(InvalidInput) as error:
        services.case_decide(actor=moderator, case=case, approve=False, reason="  ")
    assert error.value.field == "reason"
    decided = services.case_decide(actor=moderator, case=case, approve=False, reason="辱骂")
    assert (decided.status, decided.outcome, decided.decided_by) == (CaseStatus.DECIDED, "rejected", moderator)
    assert not selectors.queue(platform=platform).exists()
    with pytest.raises(Conflict):
        services.case_decide(actor=moderator, case=case, approve=True)


def test_a_restriction_is_reported_with_its_statement(platform):
    with new_facts("moderation.decision", actions=("moderation.statement_issue",)) as found:
        statement = _statement(platform, "visibility_restricted", district="350203")
    message = found["outbox"][0]
    payload_validate(message.message_type, message.schema_version, message.payload)
    assert message.payload["decision_id"] == str(statement.public_id)
    assert message.payload["subject_type"] == "review" and message.payload["district"] == "350203"
    assert message.payload["statement_of_reasons"] == {
        "ground": "terms_violation", "legal_reference": "平台评价规则第5条", "facts": "评价含有辱骂内容。",
        "automated_detection": False, "automated_decision": False}
    assert list(selectors.statements_for(subject_type="review", subject_id="r-1")) == [statement]


def test_an_approval_is_reported_only_when_it_lifts_a_restriction(platform):
    with new_facts():
        _statement(platform, "approved", subject_id="fresh", facts="核查无误。")
    _statement(platform, "rejected", subject_id="again")
    with new_facts("moderation.decision") as found:
        _statement(platform, "approved", subject_id="again", facts="申诉成立，恢复展示。")
    assert found["outbox"][0].payload["decision"] == "restored"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"decision": "banished"}, "decision"),
    ({"ground": "dislike"}, "ground"),
    ({"legal_reference": " "}, "legal_reference"),
    ({"facts": ""}, "facts"),
])
def test_a_statement_needs_a_known_decision_ground_reference_and_facts(platform, overrides, field):
    with nothing_written(), pytest.raises(InvalidInput) as error:
        _statement(platform, overrides.pop("decision", "removed"), **overrides)
    assert error.value.field == field


def test_latest_statement_per_subject(platform):
    _statement(platform, "suspended", subject_id="x")
    restored = _statement(platform, "restored", subject_id="x")
    only = _statement(platform, "removed", subject_id="y")
    assert selectors.latest_statements(subject_type="review", subject_ids=["x", "y", "z"]) == {"x": restored,
                                                                                              "y": only}


def test_highlight_cuts_the_text_around_findings():
    pieces = selectors.highlight("电话 13812345678 联系", [{**FINDING, "start": 3, "end": 14},
                                                         {**FINDING, "start": -1, "end": -1}])
    assert [(text, finding is not None) for text, finding in pieces] == [
        ("电话 ", False), ("13812345678", True), (" 联系", False)]
