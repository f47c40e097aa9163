"""The demo city with simulated weeks of history: the hub sees the simulated orders through the
exchange, and loading the demo again changes nothing."""

from __future__ import annotations

import pytest

from sharecity.sim.demo import demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_gets_simulated_history_once():
    from sharecity.hub.intake.models import QuarantinedMessage, ReceivedMessage
    from sharecity.market.orders.models import Order
    from sharecity.market.parking.models import Booking
    from sharecity.sim.models import SimRun

    report = demo_load(history_days=2)
    assert report.created and "Simulated history: 2 days" in report.describe()
    [run] = SimRun.objects.all()
    assert run.days == 2 and run.finished_at is not None
    simulated = Order.objects.filter(platform__slug__startswith="sim1-")
    assert simulated.exists()
    orders_at_hub = ReceivedMessage.objects.filter(message_type="order.created").count()
    assert orders_at_hub == Order.objects.count() + Booking.objects.count()  # the parking slice's too
    assert not QuarantinedMessage.objects.exists()  # the demo's facts went before the simulated past
    from sharecity.hub.warnings.models import Warning

    # Risk warnings are raised from the history (homestays, with no licence register loaded, at least).
    assert Warning.objects.filter(city_code="350200").exists()

    before = (Order.objects.count(), SimRun.objects.count(), ReceivedMessage.objects.count())
    assert demo_load(history_days=2).created is False
    assert (Order.objects.count(), SimRun.objects.count(), ReceivedMessage.objects.count()) == before
