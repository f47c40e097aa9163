"""Monitoring read models, updated by intake handlers inside intake's transaction."""

from __future__ import annotations

from django.db.models import F

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
