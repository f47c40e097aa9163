"""Helpers for the orders tests: listings of each process and a clock to move past timers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sharecity.exchange.schemas import payload_validate
from sharecity.kernel.models import OutboxMessage
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.orders.services import order_place, order_transition, timers_fire
from tests.market.engine_factories import make_listing


def hour_slot(hours_ahead: int = 48, hours: int = 2) -> tuple[dt.datetime, dt.datetime]:
    """Whole hours in city time, ``hours_ahead`` from now (the calendar's default slots are hours)."""
    start = (timezone.now().astimezone(CITY_TZ) + dt.timedelta(hours=hours_ahead)).replace(
        minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(hours=hours)


def day_slot(days_ahead: int = 3, days: int = 2) -> tuple[dt.datetime, dt.datetime]:
    start = (timezone.now().astimezone(CITY_TZ) + dt.timedelta(days=days_ahead)).replace(
        hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=days)


FEES = [{"code": "service", "label_zh": "服务费", "label_en": "Service fee", "fen": 500, "per": "order"}]


@pytest.fixture
def instrument(platform, provider):
    """An instrument booked by the hour with a service fee (instant booking)."""
    return make_listing(platform, provider, price_fen=30_000, fees=FEES, cancellation_policy="moderate")


@pytest.fixture
def homestay(platform, provider):
    return make_listing(platform, provider, category_code="homestay", title="鼓浪屿海景房", price_fen=48_000,
                        description="两室一厅，近码头", cancellation_policy="strict")


@pytest.fixture
def bicycle(platform, provider):
    return make_listing(platform, provider, category_code="second_hand", title="九成新公路自行车",
                        description="自提或快递", price_fen=120_000)


@pytest.fixture
def camera(platform, provider):
    return make_listing(platform, provider, category_code="equipment_rental", title="全画幅相机租赁",
                        description="含两块电池", price_fen=15_000, deposit_fen=300_000, deposit_refund_days=3)


def book(listing, customer, *, slot=None, quantity=1):
    starts_at, ends_at = slot if slot is not None else (hour_slot() if listing.price_unit == "hour" else
                                                        day_slot() if listing.price_unit in ("day", "night")
                                                        else (None, None))
    return order_place(actor=customer, platform=listing.platform, listing=listing, customer=customer,
                       starts_at=starts_at, ends_at=ends_at, quantity=quantity)


def take(order, actor, transition, **data):
    return order_transition(actor=actor, order=order, transition=transition, **data)


def fire(moment: dt.datetime) -> int:
    return timers_fire(now=moment)


def reload(order):
    order.refresh_from_db()
    return order


RECEIVED_LATER = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def outbox_of(order) -> list[OutboxMessage]:
    """The order's messages to the hub, oldest first, each checked against its schema."""
    messages = list(OutboxMessage.objects.filter(payload__order_id=str(order.public_id)).order_by("id"))
    for message in messages:
        # Timers fire at moments ahead of the clock here: the hub receives each message once its time has come.
        payload_validate(message.message_type, message.schema_version, message.payload, now=RECEIVED_LATER)
    return messages


def public_states(order) -> list[str]:
    return [m.payload["state"] for m in outbox_of(order) if m.message_type == "order.state_changed"]

