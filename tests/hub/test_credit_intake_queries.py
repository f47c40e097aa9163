"""Credit's share of intake for a delivery of reviews: the same few queries whatever the number of
reviews and providers in it (the files and aggregates are read and written together), with the
aggregates exactly as if the reviews had come one by one, and a redelivery changing nothing."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sharecity.exchange.batches import batch_seal
from sharecity.exchange.keys import producer_private_key
from sharecity.exchange.schemas import payload_build
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.credit.models import CreditRecord, CreditSubject
from sharecity.hub.intake.models import IntakeStream
from sharecity.hub.intake.services import intake_receive
from tests.hub.credit_support import deliver
from tests.hub.slice import craft, run_slice

pytestmark = pytest.mark.django_db
STARTS = dt.datetime(2026, 12, 6, 8, tzinfo=dt.UTC)


def _delivery(platform_id: str, messages: list[tuple[str, dict]]) -> bytes:
    """The platform's next messages, sealed as one batch."""
    stream = IntakeStream.objects.get(platform_id=platform_id)
    sequence, prev_hash, envelopes = stream.last_sequence, stream.last_hash, []
    for message_type, payload in messages:
        sequence += 1
        envelope = craft(platform_id=platform_id, sequence=sequence, prev_hash=prev_hash, message_type=message_type,
                         payload=payload)
        prev_hash = envelope.hash
        envelopes.append(envelope)
    return batch_seal(platform_id=platform_id, envelopes=envelopes,
                      private_key=producer_private_key(platform_id=platform_id)).to_bytes()


def _order(order_id: str, provider_key: str) -> tuple[str, dict]:
    return "order.created", payload_build(
        "order.created", order_id=order_id, listing_id="l-1", category="parking", district="350203",
        customer_key="customer-0001", provider_key=provider_key, amount_fen=1000, starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=1))


def _review(order_id: str, rating: int) -> tuple[str, dict]:
    return "review.published", payload_build(
        "review.published", review_id=f"r-{uuid.uuid4().hex}", order_id=order_id, district="350203",
        author_role="customer", rating=rating)


def _credit_queries(raw: bytes) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert intake_receive(raw).name == "APPLIED"
    return sum(1 for query in queries.captured_queries if "hub_credit_" in query["sql"])


def _aggregates(platform_id: str) -> dict[str, tuple[int, int]]:
    rows = CreditRecord.objects.filter(kind="reviews", platform_id=platform_id,
                                       subject__identifier__startswith="provider-")
    return {identifier: (detail["count"], detail["sum"])
            for identifier, detail in rows.values_list("subject__identifier", "detail")}


def test_a_delivery_of_reviews_costs_credit_the_same_queries_however_many_reviews_and_providers():
    the_slice = run_slice()
    deliver(LocalTransport())
    platform_id = the_slice.platform_id
    providers = [f"provider-{n:02d}" for n in range(6)]
    orders = {key: [f"o-{key}-{n}" for n in range(3)] for key in providers}
    assert intake_receive(_delivery(platform_id, [
        _order(order_id, key) for key in providers for order_id in orders[key]])).name == "APPLIED"
    # A first review of each provider opens its file and its aggregate.
    assert intake_receive(_delivery(platform_id, [_review(orders[key][0], 5) for key in providers])).name == "APPLIED"
    assert CreditSubject.objects.filter(identifier__in=providers).count() == 6

    one = _credit_queries(_delivery(platform_id, [_review(orders[providers[0]][1], 4)]))
    two = _credit_queries(_delivery(platform_id, [_review(orders[key][1], 3) for key in providers[:2]]))
    many_raw = _delivery(platform_id, [_review(orders[key][n], 1 + n) for key in providers for n in (1, 2)])
    many = _credit_queries(many_raw)
    # 12 reviews of 6 providers: no more than one review of one provider (files, aggregates, their update).
    assert many == two == one <= 3, (one, two, many)

    expected = {key: (3, 5 + 2 + 3) for key in providers}
    expected[providers[0]] = (5, 5 + 4 + 3 + 2 + 3)
    expected[providers[1]] = (4, 5 + 3 + 2 + 3)
    assert _aggregates(platform_id) == expected
    # The same delivery again is a duplicate and changes nothing.
    assert intake_receive(many_raw).name == "DUPLICATE"
    assert _aggregates(platform_id) == expected


def test_a_provider_reported_under_two_districts_keeps_one_aggregate_added_in_order():
    the_slice = run_slice()
    deliver(LocalTransport())
    platform_id = the_slice.platform_id
    first = _order("o-a", "provider-x")
    second = ("order.created", {**_order("o-b", "provider-x")[1], "district": "350205"})
    assert intake_receive(_delivery(platform_id, [first, second, _review("o-a", 5), _review("o-b", 2),
                                                  _review("o-a", 4)])).name == "APPLIED"
    record = CreditRecord.objects.get(kind="reviews", platform_id=platform_id, subject__identifier="provider-x")
    assert record.detail == {"count": 3, "sum": 11, "mean": 3.67}
    assert record.district_code == "350203"
    assert CreditSubject.objects.get(identifier="provider-x").district_code == "350203"


def _verified(key: str, kind: str = "person") -> tuple[str, dict]:
    return "subject.verified", payload_build("subject.verified", subject_key=key, subject_kind=kind,
                                             verified_at=STARTS)


def test_a_delivery_of_verifications_costs_credit_the_same_queries_however_many_subjects():
    the_slice = run_slice()
    deliver(LocalTransport())
    platform_id = the_slice.platform_id
    one = _credit_queries(_delivery(platform_id, [_verified("subject-one-0001")]))
    many_raw = _delivery(platform_id, [_verified(f"subject-many-{n:04d}", "business" if n % 3 == 0 else "person")
                                       for n in range(12)])
    many = _credit_queries(many_raw)
    assert many == one <= 6, (one, many)
    # Each subject has its file, of the kind reported, with one verification record of this platform.
    for n in range(12):
        subject = CreditSubject.objects.get(identifier=f"subject-many-{n:04d}")
        assert subject.kind == ("business" if n % 3 == 0 else "person")
        [record] = subject.records.all()
        assert (record.kind, record.polarity, record.source_id, record.decided_on) == (
            "verification", 1, platform_id, STARTS.astimezone(dt.timezone(dt.timedelta(hours=8))).date())
    # Verified again (a redelivery of the same facts under new messages): no second record.
    assert intake_receive(_delivery(platform_id, [_verified("subject-many-0000", "business"),
                                                  _verified("subject-many-0001")])).name == "APPLIED"
    assert CreditRecord.objects.filter(subject__identifier="subject-many-0001").count() == 1
