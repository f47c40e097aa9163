"""Monitoring read models, updated by intake handlers inside intake's transaction."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

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
            "state": "confirmed",
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
    orders: dict[tuple[str, str], OrderFact] = {}
    for platform_id, order_ids in wanted.items():
        for order in OrderFact.objects.select_for_update().filter(platform_id=platform_id, order_id__in=order_ids):
            orders[(platform_id, order.order_id)] = order
    new: dict[tuple[str, str], OrderFact] = {}
    changed: set[tuple[str, str]] = set()
    for handler, envelope, payload in calls:
        platform_id = envelope.platform_id
        if handler is order_created:
            key = (platform_id, payload.order_id)
            if key in orders:
                continue
            orders[key] = new[key] = OrderFact(
                platform_id=platform_id, order_id=payload.order_id, category=payload.category,
                district_code=payload.district, amount_fen=payload.amount_fen, state="confirmed",
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
        OrderFact.objects.bulk_create(new.values(), batch_size=500)
    if changed:
        now = timezone.now()
        updated = [orders[key] for key in changed]
        for order in updated:
            order.updated_at = now
        OrderFact.objects.bulk_update(updated, ["state", "amount_fen", "updated_at"], batch_size=500)
    if bumps:
        keys = sorted(bumps)
        ActivityStat.objects.bulk_create(
            [ActivityStat(platform_id=platform_id, district_code=district) for platform_id, district in keys],
            ignore_conflicts=True,
        )
        for platform_id, district in keys:  # a fixed order, so concurrent intakes never deadlock
            ActivityStat.objects.filter(platform_id=platform_id, district_code=district).update(
                **{name: F(name) + value for name, value in bumps[(platform_id, district)].items() if value}
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
