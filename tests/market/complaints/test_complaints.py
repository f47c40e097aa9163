from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.accounts.selectors import party_key
from sharecity.market.complaints.errors import (
    InvalidEvidence,
    NotAParty,
    NotComplainant,
    NotEscalable,
    NotOperator,
    WrongStatus,
)
from sharecity.market.complaints.models import Complaint, ComplaintStatus
from sharecity.market.complaints.selectors import complaints_overdue
from sharecity.market.complaints.services import (
    answer_due,
    complaint_accept,
    complaint_answer,
    complaint_escalate,
    complaint_file_order,
    complaint_policy_set,
    complaint_refuse,
    complaint_resolve,
)
from tests import factories
from tests.market.helpers import new_facts, nothing_written
from tests.market.reviews.trust import make_order

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"%" * 64


@pytest.fixture
def order(platform, provider, customer):
    return make_order(platform, provider, customer)


def _file(customer, order, **kwargs):
    terms = {"category": "not_as_described", "description": "仪器镜头有划痕，无法成像", "remedy": "refund"}
    return complaint_file_order(actor=customer, order=order, **{**terms, **kwargs})


def test_a_complaint_with_evidence_is_filed_and_reported(order, customer):
    photo = SimpleUploadedFile("划痕.png", PNG, content_type="image/png")
    report = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    with new_facts("complaint.filed", actions=("complaint.file",)) as facts:
        complaint = _file(customer, order, evidence=[photo, report])
    payload = facts["outbox"][0].payload
    assert payload["order_id"] == str(order.public_id) and payload["category"] == "not_as_described"
    assert payload["district"] == order.listing.district_code
    assert payload["complainant_key"] == party_key(customer)  # a pseudonym, never the account
    items = list(complaint.evidence.all())
    assert [(e.name, e.content_type, e.size) for e in items] == [
        ("划痕.png", "image/png", len(PNG)), ("report.pdf", "application/pdf", len(PDF))]
    with items[0].file.open("rb") as stored:
        assert stored.read() == PNG
    # By default the platform answers within 48 hours.
    assert abs((complaint.answer_due_at - complaint.created_at) - dt.timedelta(hours=48)) < dt.timedelta(seconds=1)


def test_evidence_must_be_a_picture_or_pdf_of_limited_size_and_number(order, customer, monkeypatch):
    with nothing_written(), pytest.raises(InvalidEvidence) as caught:
        _file(customer, order, evidence=[SimpleUploadedFile("x.png", b"MZ\x90\x00 an exe", content_type="image/png")])
    assert caught.value.field == "evidence" and "x.png" in str(caught.value.message)
    from sharecity.kernel import evidence

    monkeypatch.setattr(evidence, "EVIDENCE_MAX_BYTES", 50)
    with nothing_written(), pytest.raises(InvalidEvidence) as caught:
        _file(customer, order, evidence=[SimpleUploadedFile("big.png", PNG)])
    assert "big.png" in str(caught.value.message)
    monkeypatch.setattr(evidence, "EVIDENCE_MAX_BYTES", 5 * 1024 * 1024)
    with nothing_written(), pytest.raises(InvalidEvidence):
        _file(customer, order, evidence=[SimpleUploadedFile(f"{n}.png", PNG) for n in range(6)])
    assert not Complaint.objects.exists()


def test_only_the_sides_of_an_order_complain(order, provider):
    with nothing_written(), pytest.raises(NotAParty):
        _file(factories.make_user(), order)
    assert _file(provider, order, category="other", remedy="apology").complainant == provider


def test_the_time_limit_is_set_per_platform_in_hours_or_working_days(platform, operator, provider):
    friday = dt.datetime(2026, 11, 20, 15, 0, tzinfo=CITY_TZ)
    assert answer_due(platform=platform, filed_at=friday) == friday + dt.timedelta(hours=48)
    with pytest.raises(NotOperator):
        complaint_policy_set(actor=provider, platform=platform, answer_hours=24)
    complaint_policy_set(actor=operator, platform=platform, answer_hours=24)
    assert answer_due(platform=platform, filed_at=friday) == friday + dt.timedelta(hours=24)
    complaint_policy_set(actor=operator, platform=platform, answer_workdays=2)
    # Friday afternoon + 2 working days: Tuesday afternoon (the weekend does not count).
    assert answer_due(platform=platform, filed_at=friday) == dt.datetime(2026, 11, 24, 15, 0, tzinfo=CITY_TZ)
    with pytest.raises(Exception) as caught:
        complaint_policy_set(actor=operator, platform=platform, answer_hours=0)
    assert caught.value.field == "answer_hours"


def test_unanswered_in_time_the_complainant_escalates_to_the_city(platform, order, customer, provider):
    filed = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    complaint = _file(customer, order, now=filed)
    due = complaint.answer_due_at
    assert due == filed + dt.timedelta(hours=48)
    with nothing_written(), pytest.raises(NotEscalable) as caught:
        complaint_escalate(actor=customer, complaint=complaint, now=due - dt.timedelta(minutes=1))
    assert "2026-11-04 17:00" in str(caught.value.message)  # the due time, in city time
    assert list(complaints_overdue(platform=platform, now=due - dt.timedelta(minutes=1))) == []
    assert list(complaints_overdue(platform=platform, now=due + dt.timedelta(minutes=1))) == [complaint]
    with nothing_written(), pytest.raises(NotComplainant):
        complaint_escalate(actor=provider, complaint=complaint, now=due + dt.timedelta(minutes=1))
    with new_facts("complaint.escalated", actions=("complaint.escalate",)) as facts:
        complaint_escalate(actor=customer, complaint=complaint, now=due + dt.timedelta(minutes=1))
    payload = facts["outbox"][0].payload
    assert payload["reason"] == "unanswered_in_time" and payload["escalated_to"] == "market_regulator"
    assert payload["complaint_id"] == str(complaint.public_id)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ESCALATED
    assert list(complaints_overdue(platform=platform, now=due + dt.timedelta(days=1))) == []


def test_a_refused_answer_lets_the_complainant_escalate(order, customer, operator):
    from sharecity.market.payments.services import payment_collect

    payment_collect(platform=order.platform, order_ref=str(order.public_id), customer=customer,
                    amount_fen=order.total_fen)
    complaint = _file(customer, order)
    with nothing_written(), pytest.raises(NotOperator):
        complaint_answer(actor=customer, complaint=complaint, answer="explanation", text="我们已核实")
    with new_facts("complaint.answered", actions=("complaint.answer",)) as facts:
        complaint_answer(actor=operator, complaint=complaint, answer="rejected",
                         text="经核实，划痕在租用前已记录，不予退款。")
    assert facts["outbox"][0].payload["answer"] == "rejected"
    with pytest.raises(WrongStatus):
        complaint_answer(actor=operator, complaint=complaint, answer="explanation", text="再次答复内容")
    with nothing_written(), pytest.raises(NotEscalable) as caught:
        complaint_escalate(actor=customer, complaint=complaint)
    assert "Refuse" in str(caught.value.message) or "拒绝" in str(caught.value.message)
    complaint_refuse(actor=customer, complaint=complaint)
    with new_facts("complaint.escalated") as facts:
        complaint_escalate(actor=customer, complaint=complaint, escalated_to="consumer_association")
    assert facts["outbox"][0].payload["reason"] == "complainant_not_satisfied"
    assert facts["outbox"][0].payload["escalated_to"] == "consumer_association"
    with new_facts("order.refunded", "complaint.resolved",
                   actions=("payments.refund", "order.refund", "complaint.resolve")) as facts:
        complaint_resolve(actor=operator, complaint=complaint, outcome="partly_upheld", refund_fen=5_000,
                          note="消协调解：退一半押金")
    assert facts["outbox"][0].payload["amount_fen"] == 5_000
    payload = facts["outbox"][1].payload
    assert (payload["outcome"], payload["refund_fen"]) == ("partly_upheld", 5_000)
    with pytest.raises(WrongStatus):
        complaint_resolve(actor=operator, complaint=complaint, outcome="upheld")


def test_an_accepted_answer_resolves_the_complaint(order, customer, operator):
    complaint = _file(customer, order)
    complaint_answer(actor=operator, complaint=complaint, answer="refund_offered",
                     text="同意全额退款，三个工作日内到账")
    with nothing_written(), pytest.raises(NotComplainant):
        complaint_accept(actor=operator, complaint=complaint)
    with new_facts("complaint.resolved") as facts:
        complaint_accept(actor=customer, complaint=complaint)
    payload = facts["outbox"][0].payload
    assert payload["outcome"] == "upheld" and payload["complainant_satisfied"] is True
    with nothing_written(), pytest.raises(NotEscalable):
        complaint_escalate(actor=customer, complaint=complaint)


def test_a_parking_complaint_also_gets_its_answer_deadline(platform, space, customer):
    from sharecity.market.complaints.services import complaint_file
    from sharecity.market.parking.services import booking_create

    start = factories.current_slot()
    booking = booking_create(actor=customer, platform=platform, space_id=space.public_id, customer=customer,
                             starts_at=start, ends_at=start + dt.timedelta(hours=1))
    complaint = complaint_file(actor=customer, booking=booking, category="access", description="道闸打不开进不去",
                               remedy="refund")
    assert complaint.answer_due_at is not None
    later = complaint.answer_due_at + dt.timedelta(seconds=1)
    assert complaints_overdue(platform=platform, now=later).get() == complaint
