"""Availability routes in the tenant walk: they read the calendar of the listings module's listing."""

from __future__ import annotations

import datetime as dt

from sharecity.market.availability.models import AvailabilityPlan, DatedException, Reservation, WeeklyRule
from sharecity.market.availability.services import exception_add, reservation_hold, weekly_rule_add
from tests import factories
from tests.market.engine_factories import make_listing


def _hour(hours_ahead: int) -> dt.datetime:
    return factories.next_slot(hours_ahead).replace(minute=0)


def prepare(tenant) -> None:
    tenant.instrument = make_listing(tenant.platform, tenant.provider, capacity=2, title="越权测试仪器")
    for weekday in range(7):
        weekly_rule_add(actor=tenant.provider, listing=tenant.instrument, weekday=weekday, start=dt.time(0),
                        end=dt.time(0))
    exception_add(actor=tenant.provider, listing=tenant.instrument, start_date=_hour(24 * 9).date(), reason="保养")
    start = _hour(48)
    tenant.reservation = reservation_hold(listing=tenant.instrument, customer=tenant.customer, starts_at=start,
                                          ends_at=start + dt.timedelta(hours=1))


def OBJECT_IDS(tenant):
    return [tenant.instrument.public_id, tenant.reservation.public_id]


QUERIES = {
    ("GET", "/p/{platform}/listings/{listing_id}/availability"): lambda t: {"days": 7},
    ("GET", "/p/{platform}/listings/{listing_id}/availability/check"): lambda t: {
        "starts_at": _hour(48).isoformat(), "ends_at": (_hour(48) + dt.timedelta(hours=1)).isoformat(),
        "quantity": 1},
}


def SNAPSHOT(platform):
    plans = AvailabilityPlan.objects.filter(listing__platform=platform)
    return {
        "availability_plans": list(plans.order_by("pk").values()),
        "weekly_rules": list(WeeklyRule.objects.filter(plan__in=plans).order_by("pk").values()),
        "dated_exceptions": list(DatedException.objects.filter(plan__in=plans).order_by("pk").values()),
        "reservations": list(Reservation.objects.filter(listing__platform=platform).order_by("pk").values()),
    }
