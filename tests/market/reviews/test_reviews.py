from __future__ import annotations

import datetime as dt

import pytest
from django.urls import get_resolver
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sharecity.market.reviews import services
from sharecity.market.reviews.errors import (
    Duplicate,
    NotAParty,
    NotCompleted,
    NotOperator,
    NotPublished,
    WindowClosed,
)
from sharecity.market.reviews.models import Review, ReviewUndeletable
from sharecity.market.reviews.selectors import (
    listing_rating,
    listing_reviews,
    order_reviews_for,
    provider_rating,
    review_status,
)
from sharecity.market.reviews.services import review_hide, review_submit, reviews_publish_due
from sharecity.market.reviews.tasks import review_window_close, reviews_publish_sweep
from tests import factories
from tests.market.engine_factories import make_listing
from tests.market.helpers import new_facts, nothing_written
from tests.market.reviews.trust import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(platform, provider, customer):
    return make_order(platform, provider, customer)


def test_a_review_stays_hidden_from_the_other_side_until_both_are_in(order, customer, provider):
    with new_facts(actions=("review.submit",)):  # audited, but nothing reported to the hub yet
        mine = review_submit(actor=customer, order=order, rating=4, comment="  仪器状态很好  ")
    assert mine.published_at is None and mine.comment == "仪器状态很好"
    assert order_reviews_for(order=order, user=customer) == [mine]  # the author sees their own
    assert order_reviews_for(order=order, user=provider) == []  # the other side does not
    assert order_reviews_for(order=order, user=factories.make_user()) == []
    assert list(listing_reviews(listing=order.listing)) == []
    assert listing_rating(listing=order.listing) == {"average": None, "count": 0}
    assert review_status(order=order, user=provider)["can_review"] is True

    with new_facts("review.published", "review.published",
                   actions=("review.submit", "review.publish", "review.publish")) as facts:
        theirs = review_submit(actor=provider, order=order, rating=5, comment="准时归还")
    published = {m.payload["author_role"]: m.payload for m in facts["outbox"]}
    assert published["customer"]["rating"] == 4 and published["provider"]["rating"] == 5
    assert published["customer"]["order_id"] == str(order.public_id)
    assert published["customer"]["district"] == order.listing.district_code
    mine.refresh_from_db()
    assert mine.published_at is not None and theirs.published_at is not None
    assert [r.comment for r in order_reviews_for(order=order, user=provider)] == ["仪器状态很好", "准时归还"]
    assert [r.comment for r in order_reviews_for(order=order, user=customer)] == ["仪器状态很好", "准时归还"]
    # Only the customer's rating counts for the listing; the provider rated the customer.
    assert [r.rating for r in listing_reviews(listing=order.listing)] == [4]
    assert listing_rating(listing=order.listing) == {"average": 4.0, "count": 1}


def test_a_lone_review_is_published_when_the_window_closes(order, customer, provider):
    review = review_submit(actor=customer, order=order, rating=2, comment="晚了半小时")
    deadline = order.completed_at + dt.timedelta(days=7)
    with nothing_written():
        assert reviews_publish_due(now=deadline - dt.timedelta(seconds=1)) == 0
    assert order_reviews_for(order=order, user=provider) == []
    with new_facts("review.published", actions=("review.publish",)) as facts:
        assert reviews_publish_due(now=deadline + dt.timedelta(seconds=1)) == 1
    assert facts["outbox"][0].payload["review_id"] == str(review.public_id)
    assert [r.comment for r in order_reviews_for(order=order, user=provider)] == ["晚了半小时"]
    assert listing_rating(listing=order.listing)["count"] == 1
    with nothing_written():  # the sweeper is idempotent
        assert reviews_publish_due(now=deadline + dt.timedelta(days=1)) == 0
    with nothing_written(), pytest.raises(WindowClosed) as caught:
        review_submit(actor=provider, order=order, rating=5, now=deadline + dt.timedelta(seconds=2))
    assert caught.value.field == "order_id"
    assert review_status(order=order, user=provider, now=deadline + dt.timedelta(seconds=2))["can_review"] is False


def test_the_first_review_schedules_the_window_timer(order, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review_submit(actor=customer, order=order, rating=5)
    task = DBTaskResult.objects.get(task_path="sharecity.market.reviews.tasks.review_window_close")
    assert task.run_after == order.completed_at + dt.timedelta(days=7)
    assert task.args_kwargs["args"] == [order.pk]
    # Fired early (a clock skew, a retry) it does nothing; the sweeper still catches the review later.
    assert review_window_close.call(order.pk) == "published 0"
    assert Review.objects.get().published_at is None
    # The sweeper waits too, one at a time, and catches what is due.
    sweeps = DBTaskResult.objects.filter(task_path="sharecity.market.reviews.tasks.reviews_publish_sweep")
    assert sweeps.count() == 1
    another = make_order(order.platform, order.provider, order.customer, listing=order.listing)
    with django_capture_on_commit_callbacks(execute=True):
        review_submit(actor=order.provider, order=another, rating=4)
    assert sweeps.count() == 1


def test_the_sweeper_publishes_what_is_due_and_comes_back(platform, provider, customer):
    old = make_order(platform, provider, customer, completed_at=timezone.now() - dt.timedelta(days=8))
    review_submit(actor=customer, order=old, rating=3, now=old.completed_at + dt.timedelta(days=1))
    assert reviews_publish_sweep.call() == "published 1"
    assert order_reviews_for(order=old, user=provider)[0].rating == 3
    waiting = DBTaskResult.objects.get(task_path="sharecity.market.reviews.tasks.reviews_publish_sweep")
    assert waiting.run_after > timezone.now()


def test_the_window_is_a_setting(order, customer, settings):
    settings.SHARECITY_ORDER_REVIEW_WINDOW_DAYS = 1
    with pytest.raises(WindowClosed):
        review_submit(actor=customer, order=order, rating=5, now=order.completed_at + dt.timedelta(days=1, hours=1))


def test_only_the_two_sides_review_a_completed_order_once(platform, provider, customer, order):
    with nothing_written(), pytest.raises(NotAParty) as caught:
        review_submit(actor=factories.make_user(), order=order, rating=5)
    assert caught.value.http_status == 403
    pending = make_order(platform, provider, customer, state="confirmed", completed=False)
    with nothing_written(), pytest.raises(NotCompleted):
        review_submit(actor=customer, order=pending, rating=5)
    review_submit(actor=customer, order=order, rating=5)
    with pytest.raises(Duplicate) as caught:
        review_submit(actor=customer, order=order, rating=1)
    assert caught.value.code == "review.duplicate"
    assert Review.objects.filter(order=order).count() == 1


@pytest.mark.parametrize("rating", [0, 6, "5", 4.5, None, True])
def test_a_rating_is_a_whole_number_from_1_to_5(order, customer, rating):
    with nothing_written(), pytest.raises(Exception) as caught:
        review_submit(actor=customer, order=order, rating=rating)
    assert caught.value.field == "rating"


def test_there_is_no_way_to_delete_a_review(order, customer, provider):
    review = review_submit(actor=customer, order=order, rating=1, comment="很差")
    with pytest.raises(ReviewUndeletable):
        review.delete()
    with pytest.raises(ReviewUndeletable):
        Review.objects.filter(pk=review.pk).delete()
    assert Review.objects.filter(pk=review.pk).exists()
    assert not [name for name in dir(services) if "delete" in name]
    names = [name for name in get_resolver().reverse_dict if isinstance(name, str)]
    assert not [name for name in names if "delete" in name and "review" in name]
    from sharecity.market.reviews.admin import ReviewAdmin

    assert ReviewAdmin.has_delete_permission(None, None) is False


def test_an_operator_hides_a_review_only_with_a_recorded_reason(platform, order, customer, provider, operator):
    review = review_submit(actor=customer, order=order, rating=1, comment="骗子，电话 13812345678")
    with nothing_written(), pytest.raises(NotPublished):
        review_hide(actor=operator, review=review, reason="personal_data", note="评价中公开了他人手机号码")
    review_submit(actor=provider, order=order, rating=3)
    assert listing_rating(listing=order.listing) == {"average": 1.0, "count": 1}
    with nothing_written(), pytest.raises(NotOperator):
        review_hide(actor=provider, review=review, reason="abusive", note="provider does not like it")
    with nothing_written(), pytest.raises(Exception) as caught:
        review_hide(actor=operator, review=review, reason="boring", note="评价中公开了他人手机号码")
    assert caught.value.field == "reason"
    with nothing_written(), pytest.raises(Exception) as caught:
        review_hide(actor=operator, review=review, reason="personal_data", note="  ")
    assert caught.value.field == "note"

    with new_facts("review.hidden", actions=("review.hide",)) as facts:
        review_hide(actor=operator, review=review, reason="personal_data", note="评价中公开了他人手机号码")
    payload = facts["outbox"][0].payload
    assert payload["reason"] == "personal_data" and payload["hidden_by"] == "platform"
    assert payload["order_id"] == str(order.public_id)
    assert payload["statement_of_reasons"]["facts"] == "评价中公开了他人手机号码"
    assert payload["statement_of_reasons"]["ground"] == "illegal_content"
    assert facts["audit"][0].data == {"reason": "personal_data", "note": "评价中公开了他人手机号码"}
    review.refresh_from_db()
    assert (review.hidden_reason, review.hidden_by) == ("personal_data", operator)
    assert Review.objects.filter(pk=review.pk).exists()  # hidden, not gone
    assert [r.author_role for r in order_reviews_for(order=order, user=provider)] == ["provider"]
    assert [r.author_role for r in order_reviews_for(order=order, user=operator)] == ["customer", "provider"]
    assert list(listing_reviews(listing=order.listing)) == []
    assert listing_rating(listing=order.listing) == {"average": None, "count": 0}
    assert provider_rating(platform=platform, provider=provider)["count"] == 0


def test_ratings_add_up_per_listing_and_per_provider(platform, provider):
    first = make_listing(platform, provider, title="离心机")
    second = make_listing(platform, provider, title="液相色谱仪")
    other_provider = factories.make_provider(platform)
    other = make_listing(platform, other_provider, title="显微镜")
    for listing, rating in ((first, 5), (first, 4), (second, 3), (other, 1)):
        customer = factories.make_user()
        order = make_order(platform, listing.provider, customer, listing=listing)
        review_submit(actor=customer, order=order, rating=rating)
        review_submit(actor=listing.provider, order=order, rating=5)  # never counted for a listing
    assert listing_rating(listing=first) == {"average": 4.5, "count": 2}
    assert listing_rating(listing=second) == {"average": 3.0, "count": 1}
    assert provider_rating(platform=platform, provider=provider) == {"average": 4.0, "count": 3}
    assert provider_rating(platform=platform, provider=other_provider) == {"average": 1.0, "count": 1}


def test_an_unfinished_review_window_keeps_the_other_side_blind_at_any_time(order, customer, provider):
    review_submit(actor=provider, order=order, rating=2, comment="客户损坏了样品台")
    later = timezone.now() + dt.timedelta(days=6)
    reviews_publish_due(now=later)
    assert order_reviews_for(order=order, user=customer) == []
