"""Monitoring read models, updated by intake handlers inside intake's transaction."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from sharecity.hub.monitoring.models import ActivityStat, OrderFact

NO_DISTRICT = "000000"


def _bump(*, platform_id: str, district_code: str, **increments: int) -> None:
    stat, _ = ActivityStat.objects.select_for_update().get_or_create(
        platform_id=platform_id, district_code=district_code
    )
    ActivityStat.objects.filter(pk=stat.pk).update(**{name: F(name) + value for name, value in increments.items()})


def subject_verified(*, envelope, payload) -> None:
    _bump(platform_id=envelope.platform_id, district_code=NO_DISTRICT, verified_subjects=1)


def listing_published(*, envelope, payload) -> None:
    _bump(platform_id=envelope.platform_id, district_code=payload.district, listings=1)


def order_created(*, envelope, payload) -> None:
    _, created = OrderFact.objects.get_or_create(
        platform_id=envelope.platform_id,
        order_id=payload.order_id,
        defaults={
            "category": payload.category,
            "district_code": payload.district,
            "amount_fen": payload.amount_fen,
            "state": payload.state,
            "customer_key": payload.customer_key,
            "provider_key": payload.provider_key,
        },
    )
    if created:
        _bump(platform_id=envelope.platform_id, district_code=payload.district, bookings=1)


def order_state_changed(*, envelope, payload) -> None:
    order = (
        OrderFact.objects.select_for_update()
        .filter(platform_id=envelope.platform_id, order_id=payload.order_id)
        .first()
    )
    if order is None or order.state == payload.state:
        return
    previous = order.state
    order.state = payload.state
    order.amount_fen = payload.amount_fen
    order.save(update_fields=["state", "amount_fen", "updated_at"])
    if payload.state == "completed" and previous != "completed":
        _bump(
            platform_id=envelope.platform_id,
            district_code=payload.district,
            completed=1,
            turnover_fen=payload.amount_fen,
        )


def review_published(*, envelope, payload) -> None:
    _bump(platform_id=envelope.platform_id, district_code=payload.district, reviews=1)


def complaint_filed(*, envelope, payload) -> None:
    _bump(platform_id=envelope.platform_id, district_code=payload.district, complaints=1)


def facts_apply(calls: list[tuple[Callable, Any, Any]]) -> None:
    """The same effect as calling each ``handler(envelope=..., payload=...)`` in turn, for a whole
    delivery at once: orders are read and written in bulk and the counters of each platform and
    district are summed first and written with one UPDATE each (intake's hot path)."""
    bumps: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    wanted: dict[str, set[str]] = defaultdict(set)
    for handler, envelope, payload in calls:
        if handler in (order_created, order_state_changed):
            wanted[envelope.platform_id].add(payload.order_id)
    orders: dict[tuple[str, str], Any] = {}
    for platform_id, order_ids in wanted.items():
        for order in _orders_lock(platform_id=platform_id, order_ids=order_ids):
            orders[(platform_id, order.order_id)] = order
    new: dict[tuple[str, str], Any] = {}
    changed: set[tuple[str, str]] = set()
    for handler, envelope, payload in calls:
        platform_id = envelope.platform_id
        if handler is order_created:
            key = (platform_id, payload.order_id)
            if key in orders:
                continue
            orders[key] = new[key] = _Order(
                pk=None, platform_id=platform_id, order_id=payload.order_id, category=payload.category,
                district_code=payload.district, amount_fen=payload.amount_fen, state=payload.state,
                customer_key=payload.customer_key, provider_key=payload.provider_key,
            )
            bumps[(platform_id, payload.district)]["bookings"] += 1
        elif handler is order_state_changed:
            key = (platform_id, payload.order_id)
            order = orders.get(key)
            if order is None or order.state == payload.state:
                continue
            previous = order.state
            order.state = payload.state
            order.amount_fen = payload.amount_fen
            if key not in new:
                changed.add(key)
            if payload.state == "completed" and previous != "completed":
                counter = bumps[(platform_id, payload.district)]
                counter["completed"] += 1
                counter["turnover_fen"] += payload.amount_fen
        elif handler in _COUNTED:
            name, by_district = _COUNTED[handler]
            bumps[(platform_id, payload.district if by_district else NO_DISTRICT)][name] += 1
        else:
            handler(envelope=envelope, payload=payload)
    if new:
        _orders_insert(list(new.values()))
    if changed:
        _orders_update([orders[key] for key in changed])
    if bumps:
        _counters_add(bumps)


_COUNTERS = ("listings", "bookings", "completed", "turnover_fen", "reviews", "complaints", "verified_subjects")
_STAT_TABLE = ActivityStat._meta.db_table


def _counters_add(bumps: dict[tuple[str, str], Counter[str]]) -> None:
    """Add to the counters of each (platform, district), creating the rows that do not exist yet.
    Keys in a fixed order, so that concurrent intakes lock rows in the same order (no deadlock)."""
    keys = sorted(bumps)
    if not _postgres():
        ActivityStat.objects.bulk_create(
            [ActivityStat(platform_id=platform_id, district_code=district) for platform_id, district in keys],
            ignore_conflicts=True,
        )
        for platform_id, district in keys:
            ActivityStat.objects.filter(platform_id=platform_id, district_code=district).update(
                **{name: F(name) + value for name, value in bumps[(platform_id, district)].items() if value}
            )
        return
    unknown = set().union(*bumps.values()) - set(_COUNTERS)
    if unknown:
        raise ValueError(f"no such counter: {sorted(unknown)}")
    # One upsert for all of them: a statement per district cost intake more than the counting.
    columns = ", ".join(_COUNTERS)
    arrays = ", ".join("%s::bigint[]" for _ in _COUNTERS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_STAT_TABLE} (platform_id, district_code, {columns}, updated_at) "  # noqa: S608
            f"SELECT platform_id, district_code, {columns}, %s FROM unnest(%s::text[], %s::text[], {arrays}) "
            f"AS v(platform_id, district_code, {columns}) "
            "ON CONFLICT (platform_id, district_code) DO UPDATE SET "
            + ", ".join(f"{name} = {_STAT_TABLE}.{name} + EXCLUDED.{name}" for name in _COUNTERS)
            + ", updated_at = EXCLUDED.updated_at",
            [timezone.now(), [platform_id for platform_id, _ in keys], [district for _, district in keys],
             *([bumps[key][name] for key in keys] for name in _COUNTERS)],
        )


# Counters that one message moves by one: (counter, whether by the payload's district).
_COUNTED: dict[Callable, tuple[str, bool]] = {
    subject_verified: ("verified_subjects", False),
    listing_published: ("listings", True),
    review_published: ("reviews", True),
    complaint_filed: ("complaints", True),
}
# Intake groups the calls of these handlers per delivery and passes them to ``facts_apply``.
for _handler in (order_created, order_state_changed, *_COUNTED):
    _handler.apply_many = facts_apply  # type: ignore[attr-defined]


@dataclass(slots=True)
class _Order:
    """An order as ``facts_apply`` reads and writes it (plain data: no model instance per row)."""

    pk: int | None
    platform_id: str
    order_id: str
    state: str
    amount_fen: int
    category: str = ""
    district_code: str = ""
    customer_key: str = ""
    provider_key: str = ""


_ORDER_TABLE = OrderFact._meta.db_table


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _orders_lock(*, platform_id: str, order_ids: set[str]) -> list[_Order]:
    """The platform's orders among ``order_ids``, locked for update."""
    if not _postgres():
        return [_Order(pk=order.pk, platform_id=platform_id, order_id=order.order_id, state=order.state,
                       amount_fen=order.amount_fen)
                for order in OrderFact.objects.select_for_update().filter(platform_id=platform_id,
                                                                          order_id__in=order_ids)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, order_id, state, amount_fen FROM {_ORDER_TABLE} "  # noqa: S608
                       "WHERE platform_id = %s AND order_id = ANY(%s::text[]) FOR UPDATE",
                       [platform_id, sorted(order_ids)])
        return [_Order(pk=pk, platform_id=platform_id, order_id=order_id, state=state, amount_fen=amount)
                for pk, order_id, state, amount in cursor.fetchall()]


_ORDER_COLUMNS = ("platform_id", "order_id", "category", "district_code", "amount_fen", "state", "customer_key",
                  "provider_key", "created_at", "updated_at")


def _orders_insert(orders: list[_Order]) -> None:
    """New orders (none of them exists: each was looked for under the lock): COPY on PostgreSQL."""
    now = timezone.now()
    if not _postgres():
        OrderFact.objects.bulk_create(
            [OrderFact(platform_id=o.platform_id, order_id=o.order_id, category=o.category,
                       district_code=o.district_code, amount_fen=o.amount_fen, state=o.state,
                       customer_key=o.customer_key, provider_key=o.provider_key) for o in orders],
            batch_size=500,
        )
        return
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {_ORDER_TABLE} ({', '.join(_ORDER_COLUMNS)}) FROM STDIN"
    ) as copy:
        for o in orders:
            copy.write_row((o.platform_id, o.order_id, o.category, o.district_code, o.amount_fen, o.state,
                            o.customer_key, o.provider_key, now, now))


def _orders_update(orders: list[_Order]) -> None:
    """Write the new state and amount of existing orders: one statement over arrays."""
    now = timezone.now()
    if not _postgres():
        updated = []
        for o in orders:
            updated.append(OrderFact(pk=o.pk, state=o.state, amount_fen=o.amount_fen, updated_at=now))
        OrderFact.objects.bulk_update(updated, ["state", "amount_fen", "updated_at"], batch_size=500)
        return
    orders = sorted(orders, key=lambda o: o.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_ORDER_TABLE} AS o SET state = v.state, amount_fen = v.amount_fen, updated_at = %s "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::text[], %s::bigint[]) AS v(id, state, amount_fen) WHERE o.id = v.id",
            [now, [o.pk for o in orders], [o.state for o in orders], [o.amount_fen for o in orders]],
        )
