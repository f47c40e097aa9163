"""The misconduct the hub sees only in aggregate or late: a deposit held past its deadline, a week of failed
service in a district, a day's wave of cancelled bookings. Each is labelled with its ground truth and has its
effect in the market (these are what the hub's deposit_overdue, complaint_rate and cancellation_burst rules
look for)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.sim.engine import Options, simulate
from sharecity.sim.models import MisconductKind, MisconductLabel

# Only these three, frequent; a wave here needs two bookings ahead (the default five is for a city's scale).
RATES = {"price_fraud_per_day": 0, "unlicensed_homestays_per_day": 0, "reposts_per_day": 0, "deposit_kept_share": 0,
         "fake_review_rings": 0, "blacklisted_providers": 0, "deposit_delayed_share": 1,
         "service_failures_per_day": 2, "cancellation_waves_per_day": 3, "cancellation_wave_min_bookings": 2}
DAYS = 8


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        summary = simulate(Options(days=DAYS, seed=8, scale=0.15, misconduct=RATES))
        yield summary
        transaction.set_rollback(True)


def labels(kind: str) -> list[MisconductLabel]:
    found = list(MisconductLabel.objects.filter(kind=kind))
    assert found, f"no {kind} label"
    return found


@pytest.mark.django_db
def test_a_delayed_return_holds_the_deposit_past_its_refund_deadline(city):
    from sharecity.market.orders.models import Order

    for label in labels(MisconductKind.DEPOSIT_DELAYED):
        order = Order.objects.get(public_id=label.order_ref)
        ends_at = dt.datetime.fromisoformat(label.details["ends_at"])
        assert order.deposit_fen > 0 and order.ends_at == ends_at
        recorded = dt.datetime.fromisoformat(label.details["return_recorded_at"])
        assert recorded - ends_at >= dt.timedelta(days=6)
        # Until the return is recorded the deposit stays held: no return event and no refund before then.
        assert not order.events.filter(transition="return", at__lt=recorded).exists()
        assert not order.events.filter(transition__in=("report_no_damage", "deposit_deadline"),
                                       at__lt=recorded).exists()


@pytest.mark.django_db
def test_a_service_failure_turns_most_orders_of_its_district_into_complaints(city):
    from sharecity.market.complaints.models import Complaint
    from sharecity.market.orders.models import Order

    run_end = dt.datetime.combine(city.run.start_day + dt.timedelta(days=DAYS), dt.time(0), tzinfo=CITY_TZ)
    settled = complained = 0
    for label in labels(MisconductKind.SERVICE_FAILURE):
        orders = Order.objects.filter(public_id__in=label.details["orders"]).select_related("listing", "platform")
        for order in orders:
            assert order.listing.district_code == label.details["district"]
            assert order.platform.exchange_id == label.details["platform_id"]
            # A complaint comes up to two days after use: count the orders with that time left in the run.
            if order.ends_at and order.ends_at + dt.timedelta(days=2) < run_end and order.state != "cancelled":
                settled += 1
                complained += Complaint.objects.filter(order=order).exists()
    assert settled > 0
    # 4 % of ordinary orders end in a complaint; most of a failing service's do.
    assert complained / settled > 0.3, (complained, settled)


@pytest.mark.django_db
def test_a_cancellation_wave_cancels_the_districts_bookings_on_one_day(city):
    from sharecity.market.orders.models import Order

    for label in labels(MisconductKind.CANCELLATION_WAVE):
        orders = list(Order.objects.filter(public_id__in=label.details["orders"]).select_related("listing"))
        assert len(orders) == len(label.details["orders"]) >= 1
        for order in orders:
            assert order.state == "cancelled" and order.listing.district_code == label.details["district"]
            cancel = order.events.get(transition="provider_cancel")
            assert cancel.at.astimezone(CITY_TZ).date().isoformat() == label.details["day"]


@pytest.mark.django_db
def test_the_hub_saw_the_cancellations_and_the_late_settlement(city):
    from sharecity.hub.warnings.feed import facts_load

    facts = facts_load()
    for label in labels(MisconductKind.CANCELLATION_WAVE):
        platform_id = label.details["platform_id"]
        for order_id in label.details["orders"]:
            assert facts.orders[platform_id, order_id].cancelled_at is not None
