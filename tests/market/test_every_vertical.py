"""Every vertical of the demo can be found, ordered, paid, completed, reviewed and complained
about, and every one of those facts reaches the hub through the exchange.

The demo city lists one thing in each leaf category of the catalog on 鹭岛共享生活; this walks
each listing through its category's transaction process as its customer and provider would.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import pytest
from django.utils import timezone

from sharecity.exchange.relay import relay_pump
from sharecity.hub.intake.models import ReceivedMessage
from sharecity.hub.intake.services import intake_pump
from sharecity.kernel.models import OutboxMessage, User
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.availability.slots import add_months
from sharecity.market.catalog.models import Category
from sharecity.market.complaints.services import complaint_file_order
from sharecity.market.listings.models import Listing, ListingStatus
from sharecity.market.listings.search import listing_search
from sharecity.market.orders.services import (
    bid_accept,
    bid_submit,
    order_place,
    order_transition,
    task_post,
    timers_fire,
)
from sharecity.market.platforms.models import Platform
from sharecity.market.reviews.models import Review
from sharecity.market.reviews.services import review_submit
from sharecity.sim.demo import demo_load
from sharecity.sim.demo_market import LEAF_LISTINGS
from tests import factories

pytestmark = pytest.mark.django_db

COMPLETED_STATES = {"completed", "payout_ready", "closed", "received", "settled"}


def _slot(listing: Listing) -> tuple[dt.datetime | None, dt.datetime | None]:
    day = timezone.now().astimezone(CITY_TZ).date() + dt.timedelta(days=12)
    if listing.price_unit == "hour":
        start = dt.datetime.combine(day, dt.time(14), tzinfo=CITY_TZ)
        return start, start + dt.timedelta(hours=2)
    if listing.price_unit in ("day", "night"):
        start = dt.datetime.combine(day, dt.time(0), tzinfo=CITY_TZ)
        return start, start + dt.timedelta(days=1)
    if listing.price_unit == "month":  # a lease of the listing's shortest term, a year on (after the demo's own)
        months, move_in = listing.attributes.get("lease_months_min") or 1, add_months(day, 12)
        return (dt.datetime.combine(move_in, dt.time(0), tzinfo=CITY_TZ),
                dt.datetime.combine(add_months(move_in, months), dt.time(0), tzinfo=CITY_TZ))
    return None, None


def _fire_until_done(order, *, after: dt.datetime):
    """Let the system's timers run as the days pass, up to 30 days after ``after``."""
    for days in range(0, 31):
        timers_fire(now=after + dt.timedelta(days=days, minutes=1))
        order.refresh_from_db()
        if order.state in COMPLETED_STATES:
            break
    return order


def _complete(listing: Listing, customer: User):
    """One order on ``listing`` taken to completion by its process, as the two sides would."""
    provider = listing.provider
    if listing.process == "task_bidding":
        task = task_post(actor=customer, platform=listing.platform, customer=customer, category=listing.category,
                         title=f"任务：{listing.title}", description="请按里程碑交付，验收后付款。",
                         budget_fen=listing.price_fen * 2, deadline=timezone.now() + dt.timedelta(days=30),
                         district_code=listing.district_code)
        bid = bid_submit(actor=provider, task=task, provider=provider, amount_fen=listing.price_fen, days=10,
                         milestone_plan=[{"title": "交付", "amount_fen": listing.price_fen}])
        order = order_transition(actor=customer, order=bid_accept(actor=customer, bid=bid), transition="fund")
        for milestone in order.milestones.order_by("pk"):
            order = order_transition(actor=provider, order=order, transition="deliver_milestone",
                                     milestone_id=milestone.pk)
            order = order_transition(actor=customer, order=order, transition="approve_milestone",
                                     milestone_id=milestone.pk)
        return _fire_until_done(order, after=timezone.now())
    starts_at, ends_at = _slot(listing)
    # An online consultation is a follow-up of a diagnosis made offline (国卫医发〔2018〕25号); other listings
    # ignore these answers.
    order = order_place(actor=customer, platform=listing.platform, listing=listing, customer=customer,
                        starts_at=starts_at, ends_at=ends_at, follow_up_confirmed=True,
                        prior_diagnosis_institution="厦门大学附属第一医院",
                        prior_diagnosis_on=timezone.now().date() - dt.timedelta(days=30))
    order = order_transition(actor=customer, order=order, transition="pay")
    if listing.process == "request_to_book":
        order = order_transition(actor=provider, order=order, transition="accept")
    elif listing.process == "purchase_delivery":
        order = order_transition(actor=provider, order=order, transition="ship", tracking_no="SF7788990011")
        order = order_transition(actor=customer, order=order, transition="confirm_receipt")
    elif listing.process == "rental_deposit":
        order = order_transition(actor=provider, order=order, transition="pick_up")
        order = order_transition(actor=provider, order=order, transition="return")
    return _fire_until_done(order, after=order.ends_at or timezone.now())


def _hub_payloads() -> dict[str, list[dict]]:
    payloads = defaultdict(list)
    for envelope, message_type in ReceivedMessage.objects.values_list("envelope", "message_type"):
        payloads[message_type].append(json.loads(bytes(envelope))["payload"])
    return payloads


def _deliver_everything() -> None:
    for _ in range(200):
        relay_pump()
        intake_pump()
        if not OutboxMessage.objects.filter(relayed_at__isnull=True, direction="up").exists():
            break
    assert not OutboxMessage.objects.filter(relayed_at__isnull=True, direction="up").exists()


def test_every_vertical_is_listed_found_ordered_paid_completed_reviewed_and_complained_about(settings):
    # The market's timers run up to 30 days ahead of the clock here while the hub's clock stays put:
    # the hub allows for that much skew, or it would refuse those reports as written in the future.
    settings.SHARECITY_EXCHANGE_CLOCK_SKEW_SECONDS = 40 * 86_400
    demo_load()
    platform = Platform.objects.get(slug="ludao-share")
    listings = {listing.category.code: listing for listing in
                Listing.objects.filter(platform=platform).select_related("category", "provider")}
    leaves = Category.objects.filter(children__isnull=True, is_active=True)
    assert {leaf.code for leaf in leaves} <= set(listings), "a leaf category of the catalog has no demo listing"
    assert set(LEAF_LISTINGS) == set(listings)
    assert {listing.status for listing in listings.values()} == {ListingStatus.PUBLISHED}

    customer = factories.make_user("every-vertical-customer")
    orders = {}
    for code, listing in sorted(listings.items()):
        found = listing_search(platform=platform, text=listing.title.split()[0], category=listing.category)
        assert listing.pk in {item.pk for item in found.items}, f"{code}: not found by its title"
        order = _complete(listing, customer)
        assert order.state in COMPLETED_STATES, f"{code} ({listing.process}): ended in {order.state}"
        review_submit(actor=customer, order=order, rating=4, comment=f"{listing.title}：满意")
        review_submit(actor=order.provider, order=order, rating=5, comment="顾客守约")
        complaint_file_order(actor=customer, order=order, category="other",
                             description="希望发票尽快开具，目前还没有收到。", remedy="other")
        orders[code] = order

    # Both sides reviewed, so every review is public now, without waiting for the window.
    assert Review.objects.filter(order__in=orders.values(), published_at__isnull=True).count() == 0

    _deliver_everything()
    hub = _hub_payloads()
    published = {payload["listing_id"] for payload in hub["listing.published"]}
    created = {payload["order_id"]: payload for payload in hub["order.created"]}
    completed = {payload["order_id"] for payload in hub["order.state_changed"] if payload["state"] == "completed"}
    reviewed = defaultdict(set)
    for payload in hub["review.published"]:
        reviewed[payload["order_id"]].add(payload["author_role"])
    complained = {payload["order_id"] for payload in hub["complaint.filed"]}
    for code, order in orders.items():
        order_id = str(order.public_id)
        assert str(listings[code].public_id) in published, f"{code}: the hub never heard of the listing"
        assert created[order_id]["category"] == code, f"{code}: order not reported with its category"
        assert order_id in completed, f"{code}: completion not reported"
        assert reviewed[order_id] == {"customer", "provider"}, f"{code}: reviews not reported"
        assert order_id in complained, f"{code}: complaint not reported"
