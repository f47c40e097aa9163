"""Intake applies monitoring's handlers for a whole delivery at once (``facts_apply``); the read
models must come out exactly as if each handler ran per message, in order."""

from __future__ import annotations

import datetime as dt
import json
import random
from types import SimpleNamespace

import pytest

from sharecity.exchange.schemas import payload_build, payload_validate
from sharecity.hub.intake.handlers import handlers_for
from sharecity.hub.monitoring.models import ActivityStat, ComplaintClock, DailyParty, DailyStat, OrderFact
from sharecity.hub.monitoring.services import facts_apply

pytestmark = pytest.mark.django_db

STATES = ["paid", "started", "completed", "cancelled", "completed", "refunded"]


def _messages(seed: int, count: int) -> list[tuple[SimpleNamespace, object]]:
    rng = random.Random(seed)
    starts = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
    messages = []
    for n in range(count):
        platform_id = rng.choice(["p-1", "p-2"])
        district = rng.choice(["350203", "350205"])
        order_id = f"o-{rng.randrange(12)}"
        kind = rng.choice(["order.created", "order.state_changed", "order.state_changed", "listing.published",
                           "review.published", "complaint.filed", "subject.verified"])
        if kind == "order.created":
            fields = dict(order_id=order_id, listing_id="l-1", category="parking", district=district,
                          customer_key="customer-0001", provider_key="provider-0001", amount_fen=rng.randrange(9999),
                          starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                          **({"state": "requested"} if rng.random() < 0.5 else {}))
        elif kind == "order.state_changed":
            fields = dict(order_id=order_id, category="parking", district=district, state=rng.choice(STATES),
                          amount_fen=rng.randrange(9999))
        elif kind == "listing.published":
            fields = dict(listing_id=f"l-{n}", category="parking", district=district, provider_key="provider-0001",
                          price_fen=800, price_unit="hour", title="车位")
        elif kind == "review.published":
            fields = dict(review_id=f"r-{n}", order_id=order_id, district=district, author_role="customer", rating=5)
        elif kind == "complaint.filed":
            fields = dict(complaint_id=f"c-{n}", order_id=order_id, district=district, category="access",
                          complainant_key="customer-0001")
        else:
            fields = dict(subject_key=f"subject-{n:04d}", subject_kind="person", verified_at=starts)
        payload = payload_validate(kind, 1, payload_build(kind, **fields))
        sent_at = (starts + dt.timedelta(minutes=20 * n)).isoformat()
        messages.append((SimpleNamespace(platform_id=platform_id, type=kind, sent_at=sent_at), payload))
    return messages


def _snapshot() -> tuple[list, list]:
    stats = list(ActivityStat.objects.order_by("platform_id", "district_code").values(
        "platform_id", "district_code", "listings", "bookings", "completed", "turnover_fen", "reviews", "complaints",
        "verified_subjects"))
    orders = list(OrderFact.objects.order_by("platform_id", "order_id").values(
        "platform_id", "order_id", "category", "district_code", "amount_fen", "state", "customer_key",
        "provider_key"))
    daily = list(DailyStat.objects.order_by("day", "platform_id", "district_code", "sector").values())
    parties = list(DailyParty.objects.order_by("day", "platform_id", "district_code", "sector", "role",
                                               "party_key").values())
    for row in (*daily, *parties):
        row.pop("id")
    return stats, orders, daily, parties


@pytest.mark.parametrize("seed", range(5))
def test_batched_handlers_have_the_effect_of_one_by_one(seed):
    messages = _messages(seed, 300)
    assert len({envelope.type for envelope, _ in messages}) == 6
    for envelope, payload in messages:
        for handler in handlers_for(envelope.type):
            handler(envelope=envelope, payload=payload)
    one_by_one = _snapshot()
    assert one_by_one[2] and one_by_one[3]
    for model in (ActivityStat, OrderFact, DailyStat, DailyParty, ComplaintClock):
        model.objects.all().delete()

    # In deliveries of varied sizes, as intake would see them.
    position = 0
    rng = random.Random(seed)
    while position < len(messages):
        size = rng.choice([1, 7, 50, 200])
        calls = [(handler, envelope, payload) for envelope, payload in messages[position:position + size]
                 for handler in handlers_for(envelope.type)]
        facts_apply(calls)
        position += size
    assert _snapshot() == one_by_one


@pytest.mark.parametrize("sent", [{}, {"state": "requested"}])
def test_an_order_starts_at_the_hub_in_the_state_the_platform_reported(sent):
    starts = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
    payload = payload_validate("order.created", 1, payload_build(
        "order.created", order_id="o-1", listing_id="l-1", category="homestay", district="350203",
        customer_key="customer-0001", provider_key="provider-0001", amount_fen=48_000, starts_at=starts,
        ends_at=starts + dt.timedelta(days=1), **sent))
    facts_apply([(handler, SimpleNamespace(platform_id="p-1", type="order.created", sent_at=starts.isoformat()),
                  payload)
                 for handler in handlers_for("order.created")])
    # A first-version sender says nothing: its orders were confirmed at once (parking bookings).
    assert OrderFact.objects.get(order_id="o-1").state == sent.get("state", "confirmed")


@pytest.mark.parametrize("seed", range(3))
def test_recomputation_from_the_same_messages_gives_the_same_day_grain(seed):
    from sharecity.hub.monitoring.recompute import PARTY_KEY, STAT_KEY, daily_aggregate, facts_table
    from sharecity.hub.monitoring.services import DAILY_COUNTERS

    messages = _messages(seed, 400)
    facts_apply([(handler, envelope, payload) for envelope, payload in messages
                 for handler in handlers_for(envelope.type)])
    raw = [(envelope.platform_id, sequence, envelope.type,
            json.dumps({"sent_at": envelope.sent_at, "payload": payload.model_dump(mode="json")}).encode())
           for sequence, (envelope, payload) in enumerate(messages, start=1)]
    stats, parties = daily_aggregate(facts_table(raw))
    assert list(stats.iter_rows()) == list(DailyStat.objects.order_by(*STAT_KEY).values_list(
        *STAT_KEY, *DAILY_COUNTERS))
    assert list(parties.iter_rows()) == list(DailyParty.objects.order_by(*PARTY_KEY).values_list(
        *PARTY_KEY, "is_person", "orders", "income_fen"))
    assert stats["orders"].max() > 1  # several orders in one day's row: counted, not just marked
