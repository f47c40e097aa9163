"""Two hands on one order at once (PostgreSQL): the order row is locked, so a step is taken once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sharecity.kernel.models import OutboxMessage
from sharecity.market.orders.models import Order, OrderEvent, ScheduledTransition
from sharecity.market.orders.services import order_transition, timers_fire
from sharecity.market.payments.selectors import order_balance
from tests.market.helpers import race
from tests.market.orders.conftest import book

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_paying_twice_at_once_charges_once(instrument, customer):
    order = book(instrument, customer)
    results, errors = race(lambda _n: order_transition(actor=customer, order=order, transition="pay"), [1, 2, 3, 4])
    assert len(results) == 1
    assert {getattr(e, "code", repr(e)) for e in errors} == {"order.wrong_state"}
    assert order_balance(order_ref=str(order.public_id)).paid_fen == order.total_fen
    assert OrderEvent.objects.filter(order=order, transition="pay").count() == 1
    assert OutboxMessage.objects.filter(message_type="order.state_changed",
                                        payload__order_id=str(order.public_id)).count() == 1


def test_a_cancel_racing_the_expiry_timer_leaves_one_outcome(instrument, customer):
    order = book(instrument, customer)
    ScheduledTransition.objects.filter(order=order).update(due_at=timezone.now())

    def act(which):
        if which == "timer":
            return timers_fire()
        return order_transition(actor=customer, order=order, transition="abandon")

    _results, errors = race(act, ["timer", "customer", "timer"])
    order = Order.objects.get(pk=order.pk)
    assert order.state in ("expired", "cancelled")
    assert OrderEvent.objects.filter(order=order).exclude(transition="place").count() == 1
    assert [getattr(e, "code", repr(e)) for e in errors] in ([], ["order.wrong_state"]), errors
