"""Background workers: facts reach the hub's dashboard without anyone pumping by hand."""

from __future__ import annotations

import time

import pytest
from django.db import connections

from sharecity import workers
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.kernel import services as kernel_services
from sharecity.kernel.models import OutboxMessage
from sharecity.market.parking.services import booking_complete
from tests.factories import make_platform, make_provider, make_space, make_user
from tests.hub.slice import book, stat


def wait_for(condition, *, within: float = 10.0, every: float = 0.1):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return condition()


@pytest.fixture
def running_workers(monkeypatch):
    # The loops' wake-up listener is process-wide; keep it to this test.
    monkeypatch.setattr(kernel_services, "_commit_listeners", [])
    # Each loop closes its own database connection when it stops (also with persistent connections).
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    loops = workers.loops(["relay", "intake"])
    for loop in loops:
        loop.start()
    try:
        yield loops
    finally:
        for loop in loops:
            loop.stop()
        for loop in loops:
            loop.join(timeout=10)
        assert not any(loop.is_alive() for loop in loops)


@pytest.mark.django_db(transaction=True)
def test_a_booking_reaches_the_dashboard_through_the_workers(running_workers):
    platform = make_platform(name="鹭岛共享停车")
    provider = make_provider(platform)
    space = make_space(platform, provider)
    assert wait_for(lambda: (stat(platform.exchange_id) or {}).get("listings") == 1), "listing never arrived"
    assert RegisteredPlatform.objects.get(platform_id=platform.exchange_id).name == "鹭岛共享停车"

    customer = make_user()
    booking = book(platform, space, customer)
    assert wait_for(lambda: stat(platform.exchange_id)["bookings"] == 1), "booking never arrived"

    booking_complete(actor=customer, booking=booking)
    assert wait_for(lambda: stat(platform.exchange_id)["turnover_fen"] == booking.amount_fen)
    assert stat(platform.exchange_id)["completed"] == 1
    assert not OutboxMessage.objects.filter(relayed_at__isnull=True).exists()
