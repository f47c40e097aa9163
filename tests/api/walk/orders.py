"""Orders routes in the tenant walk: each tenant has an order placed and paid on a listing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.orders.models import Order, OrderEvent, ScheduledTransition
from sharecity.market.orders.services import order_place, order_transition
from tests.market.engine_factories import make_listing


def _hours(ahead: int) -> tuple[dt.datetime, dt.datetime]:
    start = (timezone.now().astimezone(CITY_TZ) + dt.timedelta(hours=ahead)).replace(minute=0, second=0,
                                                                                     microsecond=0)
    return start, start + dt.timedelta(hours=1)


def prepare(tenant) -> None:
    tenant.order_listing = make_listing(tenant.platform, tenant.provider, title="共享示波器")
    start, end = _hours(50)
    tenant.order = order_transition(actor=tenant.customer, order=order_place(
        actor=tenant.customer, platform=tenant.platform, listing=tenant.order_listing, customer=tenant.customer,
        starts_at=start, ends_at=end), transition="pay")


OBJECT_PARAMS = {"order_id": lambda t: t.order.public_id}


def OBJECT_IDS(tenant):
    return [tenant.order.public_id, tenant.order_listing.public_id]


BODIES = {
    ("POST", "/p/{platform}/orders"): lambda t: {
        "listing_id": str(t.order_listing.public_id), "starts_at": _hours(74)[0].isoformat(),
        "ends_at": _hours(74)[1].isoformat()},
    ("POST", "/p/{platform}/orders/{order_id}/transitions"): lambda t: {"transition": "customer_cancel"},
}

NOT_FOUND_CODES = ("order.not_found", "listing.not_found")


def SNAPSHOT(platform):
    return {
        "orders": list(Order.objects.filter(platform=platform).order_by("pk").values()),
        "order_events": list(OrderEvent.objects.filter(order__platform=platform).order_by("pk").values()),
        "order_timers": list(ScheduledTransition.objects.filter(order__platform=platform).order_by("pk").values()),
    }
