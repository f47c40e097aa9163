"""Reviews of a task order whose provider has no listing in the task's category."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sharecity.market.orders.models import Order
from sharecity.market.orders.services import bid_accept, bid_submit, task_post
from sharecity.market.reviews.selectors import order_reviews_for
from sharecity.market.reviews.services import review_submit
from tests.market.engine_factories import category
from tests.market.helpers import new_facts

pytestmark = pytest.mark.django_db


def test_a_task_won_by_a_provider_without_a_listing_is_reviewed_by_both_sides(platform, customer, provider):
    task = task_post(actor=customer, platform=platform, customer=customer, category=category("skills_tasks"),
                     title="家中网络布线", description="三室一厅，千兆到每个房间", budget_fen=200_000,
                     deadline=timezone.now() + dt.timedelta(days=10), district_code="350206")
    bid = bid_submit(actor=provider, task=task, provider=provider, amount_fen=150_000, days=3, milestone_plan=[])
    order = bid_accept(actor=customer, bid=bid)
    assert order.listing is None
    Order.objects.filter(pk=order.pk).update(state="completed", completed_at=timezone.now() - dt.timedelta(hours=1))

    review_submit(actor=customer, order=order, rating=5, comment="布线整齐")
    with new_facts("review.published", "review.published",
                   actions=("review.submit", "review.publish", "review.publish")) as facts:
        review_submit(actor=provider, order=order, rating=4, comment="沟通顺畅")
    # Reported to the hub under the task's district, since there is no listing to take it from.
    assert {m.payload["district"] for m in facts["outbox"]} == {"350206"}
    assert sorted(r.rating for r in order_reviews_for(order=order, user=customer)) == [4, 5]
