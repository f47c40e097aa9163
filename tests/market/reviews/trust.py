"""Objects the tests of reviews, complaints, disputes and messaging share: orders made directly,
an operator, and a URL configuration that mounts the trust screens beside the site's own."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sharecity.market.orders.models import Order
from sharecity.market.platforms.services import operator_add
from tests import factories
from tests.market.engine_factories import make_listing


def make_order(platform, provider, customer, *, listing=None, process: str = "instant_booking",
               state: str = "completed", completed_at: dt.datetime | None = None, total_fen: int = 30_000,
               completed: bool = True) -> Order:
    listing = listing or make_listing(platform, provider)
    if completed and completed_at is None:
        completed_at = timezone.now() - dt.timedelta(hours=1)
    return Order.objects.create(
        platform=platform, listing=listing, customer=customer, provider=provider, process=process, state=state,
        unit_price_fen=total_fen, subtotal_fen=total_fen, total_fen=total_fen,
        completed_at=completed_at if completed else None,
    )


def make_operator(platform, username: str | None = None):
    user = factories.make_user(username)
    operator_add(actor=None, platform=platform, user=user)
    return user


URLCONF = "tests.market.reviews.trust_urls"
