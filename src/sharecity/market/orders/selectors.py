from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sharecity.market.orders.errors import BidNotFound, OrderNotFound, TaskNotFound
from sharecity.market.orders.models import (
    Bid,
    Order,
    OrderEvent,
    OrderRefund,
    ScheduledTransition,
    TaskRequest,
    TaskStatus,
)
from sharecity.market.orders.processes import PROCESSES
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import is_operator

# Public states in which a price was actually paid (and not given back in full).
TRANSACTED_PUBLIC_STATES = ("paid", "started", "completed", "disputed")


def _orders(platform: Platform) -> QuerySet[Order]:
    return Order.objects.filter(platform=platform).select_related(
        "platform", "listing", "listing__category", "task", "task__category", "customer", "provider")


def order_get(*, platform: Platform, public_id) -> Order:
    order = _orders(platform).filter(public_id=public_id).first()
    if order is None:
        raise OrderNotFound(_("No such order on this platform."), field="order_id")
    return order


def orders_of(*, platform: Platform, user, role: str = "customer") -> QuerySet[Order]:
    """A user's orders as ``customer`` or ``provider``; an operator (``role="operator"``) sees all."""
    orders = _orders(platform)
    if role == "customer":
        return orders.filter(customer=user)
    if role == "provider":
        return orders.filter(provider=user)
    if role == "operator" and is_operator(user=user, platform=platform):
        return orders
    return orders.none()


def orders_of_platform(*, platform: Platform) -> QuerySet[Order]:
    """Every order of the platform (for its operator and its own machine clients)."""
    return _orders(platform)


def order_party_role(*, order: Order, user) -> str | None:
    """``customer``, ``provider`` or ``operator`` of the order's platform, else None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if order.customer_id == user.pk:
        return "customer"
    if order.provider_id == user.pk:
        return "provider"
    if is_operator(user=user, platform=order.platform):
        return "operator"
    return None


def order_history(*, order: Order) -> QuerySet[OrderEvent]:
    return OrderEvent.objects.filter(order=order).select_related("actor")


def order_refunds(*, order: Order) -> QuerySet[OrderRefund]:
    """The refunds of the order, oldest first, with their ledger entries and postings."""
    return (OrderRefund.objects.filter(order=order).select_related("entry")
            .prefetch_related("entry__postings__account").order_by("created_at", "id"))


def order_timers_pending(*, order: Order) -> QuerySet[ScheduledTransition]:
    return ScheduledTransition.objects.filter(order=order, done_at__isnull=True)


def timers_due(*, now: dt.datetime, limit: int = 200) -> list[int]:
    return list(ScheduledTransition.objects.filter(done_at__isnull=True, due_at__lte=now)
                .order_by("due_at", "id").values_list("id", flat=True)[:limit])


def _transacted_states() -> dict[str, list[str]]:
    return {code: [s.name for s in p.states if s.public_state in TRANSACTED_PUBLIC_STATES]
            for code, p in PROCESSES.items()}


def transacted_unit_prices(*, listing, since: dt.datetime, until: dt.datetime) -> list[int]:
    """Unit prices customers actually paid for ``listing`` on orders placed in [since, until), oldest first
    (orders cancelled, expired, refunded or never paid are left out)."""
    orders = Order.objects.filter(listing=listing, created_at__gte=since, created_at__lt=until)
    prices: list[tuple[dt.datetime, int]] = []
    for process, states in _transacted_states().items():
        prices += orders.filter(process=process, state__in=states).values_list("created_at", "unit_price_fen")
    return [price for _at, price in sorted(prices)]


def task_get(*, platform: Platform, public_id) -> TaskRequest:
    task = TaskRequest.objects.filter(platform=platform, public_id=public_id).select_related(
        "customer", "category").first()
    if task is None:
        raise TaskNotFound(_("No such task on this platform."), field="task_id")
    return task


def tasks_open(*, platform: Platform) -> QuerySet[TaskRequest]:
    return TaskRequest.objects.filter(platform=platform, status=TaskStatus.OPEN).select_related("category")


def bid_get(*, task: TaskRequest, bid_id: int) -> Bid:
    bid = Bid.objects.filter(task=task, pk=bid_id).select_related("provider", "task").first()
    if bid is None:
        raise BidNotFound(_("No such bid on this task."), field="bid_id")
    return bid
