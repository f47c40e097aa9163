"""Orders end to end on the database: each process with its timers, money through the ledger,
the reservation through availability, and every change reported to the hub."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sharecity.kernel.errors import Forbidden, ShareCityError
from sharecity.kernel.models import OutboxMessage
from sharecity.market.availability.selectors import reservation_for_order
from sharecity.market.orders.errors import ActorNotAllowed, GuardFailed, NotAParty, OrderNotFound, WrongState
from sharecity.market.orders.models import OrderEvent, ScheduledTransition
from sharecity.market.orders.selectors import order_get, order_party_role, orders_of, transacted_unit_prices
from sharecity.market.payments.policies import cancellation_refund_fen
from sharecity.market.payments.selectors import deposit_obligation, deposits_overdue, order_balance
from tests import factories
from tests.market.orders.conftest import book, day_slot, fire, hour_slot, outbox_of, public_states, reload, take

pytestmark = pytest.mark.django_db

MIN = dt.timedelta(minutes=1)


def balance(order):
    return order_balance(order_ref=str(order.public_id))


def reservation(order):
    return reservation_for_order(order_ref=str(order.public_id))


# --- placing --------------------------------------------------------------------------------------

def test_placing_stores_the_total_the_customer_saw_holds_and_reports(instrument, customer):
    order = book(instrument, customer, slot=hour_slot(48, hours=2))
    assert (order.process, order.state) == ("instant_booking", "pending_payment")
    assert order.units == 2
    assert order.subtotal_fen == 60_000
    assert order.total_fen == 60_500  # two hours and the service fee: nothing is added later
    assert sum(line["fen"] for line in order.price_lines) == order.total_fen
    assert reservation(order).status == "held"
    [created] = outbox_of(order)
    assert created.message_type == "order.created"
    assert created.payload["amount_fen"] == 60_500
    assert created.payload["category"] == "lab_instruments"
    assert created.payload["district"] == instrument.district_code
    assert created.payload["state"] == "requested"  # awaiting payment: the hub must not count it confirmed
    assert OrderEvent.objects.get(order=order).transition == "place"
    timer = ScheduledTransition.objects.get(order=order)
    assert timer.transition == "expire"
    assert timer.due_at == order.state_changed_at + dt.timedelta(minutes=15)


def test_placing_enqueues_the_timer_task_at_its_moment(instrument, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = book(instrument, customer)
    due = ScheduledTransition.objects.get(order=order).due_at
    task = DBTaskResult.objects.get(task_path="sharecity.market.orders.tasks.order_timers_fire")
    assert task.run_after == due
    assert DBTaskResult.objects.filter(task_path="sharecity.market.orders.tasks.order_timers_sweep").count() == 1


def test_the_provider_cannot_order_their_own_listing(instrument, provider):
    with pytest.raises(Forbidden) as refused:
        book(instrument, provider)
    assert refused.value.code == "order.own_listing"


def test_a_slot_already_held_cannot_be_ordered_twice(instrument, customer):
    slot = hour_slot(30)
    book(instrument, customer, slot=slot)
    with pytest.raises(ShareCityError) as refused:  # availability's own error
        book(instrument, factories.make_user(), slot=slot)
    assert refused.value.code.startswith("availability.")


# --- instant booking ------------------------------------------------------------------------------

def test_an_unpaid_order_expires_after_15_minutes_and_frees_the_slot(instrument, customer):
    slot = hour_slot(30)
    order = book(instrument, customer, slot=slot)
    placed = order.state_changed_at
    assert fire(placed + 14 * MIN) == 0
    assert reload(order).state == "pending_payment"
    assert fire(placed + 15 * MIN) == 1
    assert reload(order).state == "expired"
    assert reservation(order).status in ("released", "expired")
    assert fire(placed + 30 * MIN) == 0  # taken once
    assert public_states(order) == ["cancelled"]
    assert outbox_of(order)[-1].payload["previous_state"] == "requested"
    book(instrument, factories.make_user(), slot=slot)  # the slot is free again


def test_paying_confirms_the_reservation_collects_into_escrow_and_cancels_the_expiry(instrument, customer):
    order = book(instrument, customer)
    order = take(order, customer, "pay")
    assert order.state == "confirmed"
    assert reservation(order).status == "confirmed"
    assert balance(order).escrow_fen == order.total_fen
    assert fire(order.state_changed_at + 20 * MIN) == 0
    assert reload(order).state == "confirmed"
    assert ScheduledTransition.objects.get(order=order, transition="expire").outcome == "superseded"
    assert public_states(order) == ["paid"]


def test_a_booking_completes_at_its_end_pays_out_days_later_and_closes_reviews(instrument, customer, settings):
    settings.SHARECITY_ORDER_ESCROW_RELEASE_DAYS = 2
    order = take(book(instrument, customer), customer, "pay")
    end = order.ends_at
    assert fire(end - MIN) == 0
    assert fire(end) == 1
    order = reload(order)
    assert order.state == "completed"
    assert order.completed_at == end
    assert balance(order).escrow_fen == order.total_fen  # not yet paid out
    assert fire(end + dt.timedelta(days=1)) == 0
    assert fire(end + dt.timedelta(days=2)) == 1
    order = reload(order)
    assert order.state == "payout_ready"
    assert balance(order).escrow_fen == 0
    assert balance(order).released_fen == order.total_fen
    assert fire(end + dt.timedelta(days=6, hours=23)) == 0
    assert fire(end + dt.timedelta(days=7)) == 1
    assert reload(order).state == "closed"
    assert public_states(order) == ["paid", "completed", "completed", "completed"]
    assert [e.transition for e in order.events.all()] == [
        "place", "pay", "complete", "release_payout", "close_reviews"]


@pytest.mark.parametrize(("policy", "days_ahead"), [("moderate", 10), ("moderate", 2), ("strict", 2),
                                                    ("flexible", 2)])
def test_a_customer_cancelling_is_refunded_by_the_listings_policy(platform, provider, customer, policy,
                                                                  days_ahead):
    from tests.market.engine_factories import make_listing

    listing = make_listing(platform, provider, cancellation_policy=policy, price_fen=10_000)
    order = take(book(listing, customer, slot=hour_slot(24 * days_ahead)), customer, "pay")
    before = timezone.now()
    order = take(order, customer, "customer_cancel")
    expected = cancellation_refund_fen(policy=policy, total_fen=order.total_fen, starts_at=order.starts_at,
                                       cancelled_at=before)
    assert order.state == "cancelled"
    assert order.refunded_fen == expected
    assert balance(order).refunded_fen == expected
    assert balance(order).escrow_fen == 0  # the rest went to the provider
    assert reservation(order).status == "released"
    last = outbox_of(order)[-1].payload
    assert (last["state"], last["refund_fen"], last["amount_fen"]) == (
        "cancelled", expected or None, order.total_fen - expected)


def test_a_provider_cancelling_refunds_in_full(instrument, customer, provider):
    order = take(take(book(instrument, customer), customer, "pay"), provider, "provider_cancel")
    assert order.refunded_fen == order.total_fen
    assert balance(order).refunded_fen == order.total_fen
    assert outbox_of(order)[-1].payload["refund_fen"] == order.total_fen


def test_the_wrong_side_or_a_stranger_is_refused_with_the_rule(instrument, customer, provider):
    order = book(instrument, customer)
    with pytest.raises(ActorNotAllowed):
        take(order, provider, "pay")
    with pytest.raises(NotAParty):
        take(order, factories.make_user(), "pay")
    with pytest.raises(WrongState):
        take(order, customer, "customer_cancel")
    assert outbox_of(order)[-1].message_type == "order.created"  # nothing reported for a refusal


# --- request to book ------------------------------------------------------------------------------

def test_a_request_not_answered_in_24_hours_expires_and_is_refunded(homestay, customer):
    order = take(book(homestay, customer), customer, "pay")
    assert order.state == "requested"
    assert balance(order).escrow_fen == order.total_fen
    placed = order.created_at
    assert fire(placed + dt.timedelta(hours=23, minutes=59)) == 0
    assert fire(placed + dt.timedelta(hours=24)) == 1
    order = reload(order)
    assert order.state == "expired"
    assert order.refunded_fen == order.total_fen
    assert balance(order).refunded_fen == order.total_fen
    assert outbox_of(order)[-1].payload["refund_fen"] == order.total_fen
    assert public_states(order) == ["requested", "cancelled"]


def test_the_provider_accepts_or_declines_a_request(homestay, customer, provider):
    accepted = take(take(book(homestay, customer), customer, "pay"), provider, "accept")
    assert accepted.state == "confirmed"
    assert reservation(accepted).status == "confirmed"
    assert fire(accepted.created_at + dt.timedelta(hours=25)) == 0  # the expiry no longer applies
    other = factories.make_user()
    declined = take(take(book(homestay, other, slot=day_slot(days_ahead=10, days=1)), other, "pay"), provider,
                    "decline")
    assert declined.state == "declined"
    assert declined.refunded_fen == declined.total_fen


# --- purchase with delivery -----------------------------------------------------------------------

def test_goods_shipped_are_received_automatically_after_10_days(bicycle, customer, provider):
    order = take(book(bicycle, customer), customer, "pay")
    assert order.state == "paid"
    with pytest.raises(GuardFailed) as refused:
        take(order, provider, "ship")
    assert refused.value.code == "order.guard.tracking_number_given"
    order = take(order, provider, "ship", tracking_no="SF1234567890")
    assert (order.state, order.tracking_no) == ("shipped", "SF1234567890")
    shipped = order.state_changed_at
    assert fire(shipped + dt.timedelta(days=9, hours=23)) == 0
    assert fire(shipped + dt.timedelta(days=10)) == 1
    order = reload(order)
    assert order.state == "received"
    assert balance(order).released_fen == order.total_fen
    assert public_states(order) == ["paid", "started", "completed"]


def test_goods_confirmed_received_by_the_customer_release_the_escrow(bicycle, customer, provider):
    order = take(take(take(book(bicycle, customer), customer, "pay"), provider, "ship", tracking_no="YT99"),
                 customer, "confirm_receipt")
    assert order.state == "received"
    assert balance(order).escrow_fen == 0
    assert fire(order.completed_at + dt.timedelta(days=6)) == 0
    assert fire(order.completed_at + dt.timedelta(days=11)) == 1  # the review window closes; no auto-receipt
    assert reload(order).state == "closed"
    assert [e.transition for e in order.events.all()][-2:] == ["confirm_receipt", "close_reviews"]


def test_goods_cancelled_before_shipping_are_refunded_in_full(bicycle, customer):
    order = take(take(book(bicycle, customer), customer, "pay"), customer, "cancel")
    assert order.refunded_fen == order.total_fen == balance(order).refunded_fen


def test_goods_cancelled_by_the_policy_rule_are_refunded_in_full_before_shipping_and_not_after(bicycle, customer):
    """A goods order has no start: the policy refund is the whole price until it is shipped (never a
    share computed from "now" as if the start were the moment of cancelling)."""
    from sharecity.market.orders.services import EffectContext, _fx_refund_by_policy

    bicycle.cancellation_policy = "strict"
    bicycle.save(update_fields=["cancellation_policy"])
    order = take(book(bicycle, customer), customer, "pay")
    assert order.starts_at is None
    shipped = EffectContext(order=order, transition="customer_cancel", actor=customer, now=timezone.now(),
                            data={})
    order.tracking_no = "SF1"
    _fx_refund_by_policy(shipped)
    assert shipped.refund_fen == 0
    order.tracking_no = ""
    unshipped = EffectContext(order=order, transition="customer_cancel", actor=customer, now=timezone.now(),
                              data={})
    _fx_refund_by_policy(unshipped)
    assert unshipped.refund_fen == order.total_fen == balance(order).refunded_fen


# --- rental with deposit --------------------------------------------------------------------------

def test_a_rental_pays_price_and_deposit_and_refunds_the_deposit_by_the_stated_deadline(camera, customer, provider):
    order = take(book(camera, customer), customer, "pay")
    assert balance(order).deposit_held_fen == 300_000
    order = take(take(order, provider, "pick_up"), provider, "return")
    returned = order.state_changed_at
    assert order.deposit_due_at == returned + dt.timedelta(days=3)
    assert deposit_obligation(platform=camera.platform, order_ref=str(order.public_id)).due_at == order.deposit_due_at
    assert balance(order).released_fen == order.total_fen  # the rent went to the provider on return
    assert fire(returned + dt.timedelta(days=2, hours=23)) == 0
    assert fire(returned + dt.timedelta(days=3)) == 1
    order = reload(order)
    assert order.state == "settled"
    assert balance(order).deposit_returned_fen == 300_000
    assert not deposits_overdue(platform=camera.platform, now=returned + dt.timedelta(days=4)).exists()
    assert public_states(order) == ["paid", "started", "started", "completed"]
    # The hub learns the deposit asked, taken with the payment and returned at the deadline.
    messages = outbox_of(order)
    assert messages[0].payload["deposit_fen"] == 300_000
    assert [m.payload.get("deposit_held_fen") for m in messages[1:]] == [300_000, None, None, None]
    assert messages[-1].payload["deposit_returned_fen"] == 300_000
    assert messages[-1].payload["deposit_deducted_fen"] == 0


def test_a_damage_deduction_is_kept_for_the_provider_with_its_reason(camera, customer, provider):
    order = take(take(take(book(camera, customer), customer, "pay"), provider, "pick_up"), provider, "return")
    order = take(order, provider, "report_damage", deduction_fen=50_000, reason="镜头划伤")
    assert order.state == "settled"
    assert order.deposit_deducted_fen == 50_000
    assert balance(order).deposit_returned_fen == 250_000
    assert order.events.last().data == {"deduction_fen": 50_000, "reason": "镜头划伤"}
    settled = outbox_of(order)[-1].payload
    assert (settled["deposit_returned_fen"], settled["deposit_deducted_fen"]) == (250_000, 50_000)


# --- task bidding ---------------------------------------------------------------------------------

def test_a_task_is_bid_on_accepted_funded_and_paid_by_milestones(platform, customer, provider):
    from sharecity.market.orders.services import bid_accept, bid_submit, task_post
    from tests.market.engine_factories import category

    task = task_post(actor=customer, platform=platform, customer=customer, category=category("skills_tasks"),
                     title="小程序开发", description="预约小程序，含后台", budget_fen=800_000,
                     deadline=timezone.now() + dt.timedelta(days=30), district_code="350203")
    with pytest.raises(Forbidden) as refused:
        bid_submit(actor=customer, task=task, provider=factories.make_user(), amount_fen=700_000, days=20,
                   milestone_plan=[])
    assert refused.value.code == "order.provider_not_verified"
    other = factories.make_provider(platform)
    bid_submit(actor=other, task=task, provider=other, amount_fen=790_000, days=25, milestone_plan=[])
    bid = bid_submit(actor=provider, task=task, provider=provider, amount_fen=700_000, days=20, milestone_plan=[
        {"title": "设计", "amount_fen": 200_000}, {"title": "开发", "amount_fen": 500_000}])
    order = bid_accept(actor=customer, bid=bid)
    assert (order.process, order.state, order.total_fen, order.provider) == (
        "task_bidding", "awaiting_funding", 700_000, provider)
    first, second = order.milestones.all()
    order = take(order, customer, "fund")
    assert balance(order).escrow_fen == 700_000
    order = take(order, provider, "deliver_milestone", milestone_id=first.pk)
    with pytest.raises(GuardFailed):
        take(order, customer, "approve_milestone", milestone_id=second.pk)
    order = take(order, customer, "approve_milestone", milestone_id=first.pk)
    assert balance(order).released_fen == 200_000
    order = take(order, provider, "deliver_milestone", milestone_id=second.pk)
    delivered = order.events.last().at
    assert fire(delivered + dt.timedelta(days=6)) == 0
    assert fire(delivered + dt.timedelta(days=7)) >= 1  # approved automatically, then the task completes
    order = reload(order)
    assert order.state == "completed"
    assert balance(order).released_fen == 700_000
    assert [e.transition for e in order.events.all()][-2:] == ["auto_approve", "complete"]
    assert public_states(order)[-1] == "completed"


# --- reporting and reads --------------------------------------------------------------------------

def test_every_transition_writes_one_valid_message_to_the_hub(bicycle, customer, provider):
    order = take(take(take(book(bicycle, customer), customer, "pay"), provider, "ship", tracking_no="SF1"),
                 customer, "dispute")
    events = list(order.events.all())
    messages = outbox_of(order)
    assert [m.message_type for m in messages] == ["order.created"] + ["order.state_changed"] * (len(events) - 1)
    assert [m.payload["state"] for m in messages[1:]] == ["paid", "started", "disputed"]
    assert all(m.platform_id == bicycle.platform.exchange_id for m in messages)
    assert OutboxMessage.objects.filter(message_type="order.state_changed").count() == len(events) - 1


def test_reads_of_orders(instrument, customer, provider, platform):
    order = take(book(instrument, customer), customer, "pay")
    assert order_get(platform=platform, public_id=order.public_id) == order
    with pytest.raises(OrderNotFound) as missing:
        order_get(platform=factories.make_platform(), public_id=order.public_id)
    assert missing.value.code == "order.not_found"
    assert list(orders_of(platform=platform, user=customer, role="customer")) == [order]
    assert list(orders_of(platform=platform, user=provider, role="provider")) == [order]
    assert list(orders_of(platform=platform, user=customer, role="provider")) == []
    assert order_party_role(order=order, user=customer) == "customer"
    assert order_party_role(order=order, user=provider) == "provider"
    assert order_party_role(order=order, user=factories.make_user()) is None
    unpaid = book(instrument, factories.make_user(), slot=hour_slot(72))
    assert unpaid.state == "pending_payment"
    now = timezone.now()
    assert transacted_unit_prices(listing=instrument, since=now - dt.timedelta(days=7),
                                  until=now + MIN) == [order.unit_price_fen]


def test_paying_after_the_hold_ran_out_is_refused_before_any_charge(instrument, customer):
    from sharecity.market.availability.services import holds_expire

    order = book(instrument, customer)
    holds_expire(now=order.created_at + 16 * MIN)
    with pytest.raises(ShareCityError) as refused:
        take(order, customer, "pay")
    assert refused.value.code == "order.hold_expired"
    assert reload(order).state == "pending_payment"
    assert balance(order).paid_fen == 0
    assert fire(order.state_changed_at + 15 * MIN) == 1
    assert reload(order).state == "expired"


def test_timers_survive_losing_every_queued_task(instrument, customer, django_capture_on_commit_callbacks):
    """A restart that loses the task queue loses no timer: the rows are the schedule."""
    with django_capture_on_commit_callbacks(execute=True):
        order = take(book(instrument, customer), customer, "pay")
    DBTaskResult.objects.all().delete()
    assert fire(order.ends_at) == 1
    assert reload(order).state == "completed"


def test_the_sweeper_keeps_one_run_waiting(instrument, customer):
    from sharecity.market.orders.tasks import SWEEP_PATH, order_timers_sweep, sweep_ensure

    sweep_ensure()
    sweep_ensure()
    assert DBTaskResult.objects.filter(task_path=SWEEP_PATH, status="READY").count() == 1
    order = book(instrument, customer)
    ScheduledTransition.objects.filter(order=order).update(due_at=timezone.now() - MIN)
    assert order_timers_sweep.call() == "1 taken"
    assert reload(order).state == "expired"


def test_checking_in_is_refused_before_availability_opens_it(instrument, customer):
    order = take(book(instrument, customer, slot=hour_slot(48)), customer, "pay")
    with pytest.raises(ShareCityError) as refused:
        take(order, customer, "check_in")
    assert refused.value.code.startswith("availability.")
    assert reload(order).state == "confirmed"
    assert reservation(order).status == "confirmed"


def test_a_bid_is_made_under_the_providers_listing_in_the_tasks_category(platform, customer, provider):
    from sharecity.market.orders.services import bid_accept, bid_submit, task_post
    from tests.market.engine_factories import category, make_listing

    skills = make_listing(platform, provider, category_code="skills_tasks", title="小程序开发服务",
                          description="微信小程序定制", price_fen=500_000)
    task = task_post(actor=customer, platform=platform, customer=customer, category=category("skills_tasks"),
                     title="预约小程序", description="门店预约", budget_fen=600_000,
                     deadline=timezone.now() + dt.timedelta(days=30), district_code="350206")
    bid = bid_submit(actor=provider, task=task, provider=provider, amount_fen=550_000, days=20, milestone_plan=[])
    assert bid.listing == skills
    order = bid_accept(actor=customer, bid=bid)
    assert (order.listing, order.task) == (skills, task)
    [created] = outbox_of(order)
    assert (created.payload["listing_id"], created.payload["district"]) == (str(task.public_id), "350206")


def test_a_dispute_after_payout_is_resolved_by_a_partial_refund(instrument, customer, provider, platform):
    from sharecity.market.platforms.services import operator_add

    order = take(book(instrument, customer), customer, "pay")
    fire(order.ends_at + dt.timedelta(days=1))
    order = reload(order)
    assert order.state == "payout_ready"
    order = take(order, customer, "dispute", reason="仪器故障，未完成测试")
    assert order.state == "disputed"
    assert fire(order.completed_at + dt.timedelta(days=8)) == 0  # the review window waits for the decision
    operator = factories.make_user()
    operator_add(actor=None, platform=platform, user=operator)
    order = take(order, operator, "resolve_refund", refund_fen=10_000, note="部分退款")
    assert (order.state, order.refunded_fen) == ("refunded", 10_000)
    assert outbox_of(order)[-1].payload["refund_fen"] == 10_000
    assert balance(order).refunded_fen == 10_000


def test_one_sweep_after_downtime_takes_the_steps_that_fell_due_one_after_another(instrument, customer):
    order = take(book(instrument, customer), customer, "pay")
    assert fire(order.ends_at + dt.timedelta(days=8)) == 3
    assert [e.transition for e in reload(order).events.all()][-3:] == ["complete", "release_payout", "close_reviews"]
    assert order.state == "closed"
