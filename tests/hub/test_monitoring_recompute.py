"""The day grain kept by intake as facts arrive equals the one recomputed from the received messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.models import QuarantinedMessage
from sharecity.hub.intake.services import Outcome, intake_receive
from sharecity.hub.monitoring.models import DailyParty, DailyStat
from sharecity.hub.monitoring.rules import resolution_deadline, resolved_in_time, sector_label
from tests.hub.credit_support import deliver, now_text, send, slice_with_credit_facts
from tests.hub.slice import next_in_chain, run_slice

pytestmark = pytest.mark.django_db


def tables() -> tuple[list, list]:
    stats = [{k: v for k, v in row.items() if k != "id"} for row in DailyStat.objects.order_by(
        "day", "platform_id", "district_code", "sector").values()]
    parties = [{k: v for k, v in row.items() if k != "id"} for row in DailyParty.objects.order_by(
        "day", "platform_id", "district_code", "sector", "role", "party_key").values()]
    return stats, parties


def city_activity():
    """Two platforms in two districts through the market, the exchange and intake, and more facts on top:
    a resolution reported twice, a completion reported again, a refund, a deposit taken and settled, a
    customer review of an order the hub never saw, and a subject's kind learnt after its orders."""
    first, complaint = slice_with_credit_facts(district="350203")
    platform_id = first.platform_id
    send(platform_id, "complaint.resolved", {"complaint_id": str(complaint.public_id), "district": "350203",
                                             "resolved_at": now_text(), "outcome": "settled"})
    order_id = str(first.booking.public_id)
    common = {"order_id": order_id, "category": "parking", "district": "350203", "amount_fen": 400}
    send(platform_id, "order.state_changed", {**common, "state": "completed", "changed_at": now_text()})
    send(platform_id, "order.state_changed", {**common, "state": "refunded", "changed_at": now_text(),
                                              "refund_fen": 400, "deposit_held_fen": 5000})
    send(platform_id, "order.state_changed", {**common, "state": "refunded", "changed_at": now_text(),
                                              "deposit_returned_fen": 4000, "deposit_deducted_fen": 1000})
    send(platform_id, "review.published", {"review_id": "r-x", "order_id": "unknown", "district": "350203",
                                           "author_role": "customer", "rating": 2})
    customer = DailyParty.objects.get(platform_id=platform_id, role="customer")
    assert customer.is_person is None
    send(platform_id, "subject.registered", {"subject_key": customer.party_key, "subject_kind": "person",
                                             "sectors": ["parking"], "district": "350203",
                                             "registered_at": now_text()})
    second = run_slice(district="350205")
    deliver(LocalTransport())
    return first, second


def test_recomputation_gives_exactly_what_intake_kept():
    first, _second = city_activity()
    kept = tables()
    today = kept[0][0]["day"]
    stat = {key: sum(row[key] for row in kept[0] if row["platform_id"] == first.platform_id)
            for key in kept[0][0] if key not in ("day", "platform_id", "district_code", "sector")}
    # One order (a completion reported twice counts once), its turnover, the refund and the deposit.
    assert (stat["orders"], stat["completed"], stat["turnover_fen"]) == (1, 1, first.booking.amount_fen)
    assert (stat["refunds_fen"], stat["deposits_held_fen"], stat["deposits_returned_fen"],
            stat["deposits_deducted_fen"]) == (400, 5000, 4000, 1000)
    # One complaint, resolved once (in time), and two customer ratings (5, and 2 for an unknown order).
    assert (stat["complaints"], stat["complaints_resolved"], stat["complaints_resolved_in_time"]) == (1, 1, 1)
    assert (stat["ratings"], stat["rating_sum"]) == (2, 7)
    assert DailyStat.objects.get(platform_id=first.platform_id, sector="", day=today).ratings == 1
    # The provider (a verified person) earned the turnover; the customer's kind, learnt after the order,
    # reached the day of the order.
    provider = DailyParty.objects.get(platform_id=first.platform_id, role="provider")
    assert (provider.is_person, provider.orders, provider.income_fen) == (True, 1, first.booking.amount_fen)
    assert DailyParty.objects.get(platform_id=first.platform_id, role="customer").is_person is True

    call_command("monitoring_recompute", "--no-progress")
    assert tables() == kept

    # Only the range is replaced: a day before it keeps its rows.
    DailyStat.objects.update(orders=99)
    DailyStat.objects.create(day=today - dt.timedelta(days=3), platform_id="p-old", district_code="350203",
                             sector="parking", orders=5)
    call_command("monitoring_recompute", "--no-progress", "--start", today.isoformat(), "--end", today.isoformat())
    assert DailyStat.objects.get(platform_id="p-old").orders == 5
    assert [row for row in tables()[0] if row["platform_id"] != "p-old"] == kept[0]


def test_recompute_command_refuses_a_bad_range():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--end"):
        call_command("monitoring_recompute", "--start", "2026-02-01", "--end", "2026-01-01")
    with pytest.raises(CommandError, match="--start"):
        call_command("monitoring_recompute", "--start", "yesterday")


def test_resolved_in_time_counts_working_days_from_filing():
    # Filed on the Friday before the 2026 National Day holiday: 45 working days run past the holiday.
    filed = dt.date(2026, 9, 25)
    deadline = resolution_deadline(filed)
    assert deadline > filed + dt.timedelta(days=63)
    assert resolved_in_time(filed, deadline) and not resolved_in_time(filed, deadline + dt.timedelta(days=1))
    assert not resolved_in_time(None, filed)


def test_sector_labels_fall_back_to_the_code():
    assert sector_label("housekeeping") == "家政"
    assert sector_label("housekeeping", language="en") == "Housekeeping"
    assert sector_label("bikes") == "bikes"


@pytest.mark.parametrize(("field", "value"), [
    ("deposit_held_fen", -1), ("deposit_returned_fen", "100"), ("deposit_deducted_fen", 10**16),
    ("deposit_returned_fen", 1.5), ("deposit_held_fen", True),
])
def test_hostile_deposit_fields_are_quarantined_naming_the_field(field, value):
    the_slice = run_slice()
    deliver(LocalTransport())
    before = tables()
    payload = {"order_id": str(the_slice.booking.public_id), "category": "parking", "district": "350203",
               "state": "refunded", "amount_fen": 0, field: value}
    raw = next_in_chain(the_slice.platform_id, message_type="order.state_changed", payload=payload).to_bytes()
    assert intake_receive(raw) is Outcome.QUARANTINED
    entry = QuarantinedMessage.objects.latest("id")
    assert field in entry.field and entry.reason
    assert tables() == before


def test_order_created_deposit_must_be_fen():
    the_slice = run_slice()
    deliver(LocalTransport())
    starts = dt.datetime.now(dt.UTC).isoformat()
    payload = {"order_id": "o-9", "listing_id": "l-9", "category": "parking", "district": "350203",
               "customer_key": "customer-0009", "provider_key": "provider-0009", "amount_fen": 100,
               "starts_at": starts, "ends_at": starts, "deposit_fen": -5}
    raw = next_in_chain(the_slice.platform_id, message_type="order.created", payload=payload).to_bytes()
    assert intake_receive(raw) is Outcome.QUARANTINED
    assert "deposit_fen" in QuarantinedMessage.objects.latest("id").field
