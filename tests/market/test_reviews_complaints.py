from __future__ import annotations

import datetime as dt

import pytest

from sharecity.kernel import services as kernel_services
from sharecity.kernel.errors import Conflict, InvalidInput
from sharecity.market.complaints.models import Complaint
from sharecity.market.complaints.services import complaint_file
from sharecity.market.parking.errors import NotYourBooking, WrongState
from sharecity.market.parking.services import booking_complete, booking_create
from sharecity.market.reviews.models import Review
from sharecity.market.reviews.selectors import space_rating
from sharecity.market.reviews.services import review_create
from tests import factories
from tests.market.helpers import new_facts, nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(platform, space, customer):
    start = factories.current_slot()
    return booking_create(actor=customer, platform=platform, space_id=space.public_id, customer=customer,
                          starts_at=start, ends_at=start + dt.timedelta(hours=1))


@pytest.fixture
def completed(booking, customer):
    return booking_complete(actor=customer, booking=booking)


def test_each_side_reviews_once(completed, customer, provider, space):
    with new_facts("review.published", actions=("review.publish",)) as facts:
        review = review_create(actor=customer, booking=completed, rating=4, comment="  位置好找  ")
    assert (review.author_role, review.rating, review.comment) == ("customer", 4, "位置好找")
    payload = facts["outbox"][0].payload
    assert payload["order_id"] == str(completed.public_id)
    assert payload["author_role"] == "customer"
    assert payload["rating"] == 4
    assert review_create(actor=provider, booking=completed, rating=5).author_role == "provider"
    with nothing_written(), pytest.raises(Conflict) as caught:
        review_create(actor=customer, booking=completed, rating=1)
    assert caught.value.code == "review.duplicate"
    assert Review.objects.count() == 2
    assert space_rating(space=space) == {"average": 4.0, "count": 1}


def test_only_the_parties_review(completed):
    with nothing_written(), pytest.raises(NotYourBooking) as caught:
        review_create(actor=factories.make_user(), booking=completed, rating=1)
    assert caught.value.http_status == 403
    assert not Review.objects.exists()


def test_only_a_completed_booking_is_reviewed(booking, customer):
    with nothing_written(), pytest.raises(WrongState):
        review_create(actor=customer, booking=booking, rating=5)


@pytest.mark.parametrize("rating", [0, 6, -1, "5", 4.5, None])
def test_a_rating_is_a_whole_number_from_1_to_5(completed, customer, rating):
    with nothing_written(), pytest.raises(InvalidInput) as caught:
        review_create(actor=customer, booking=completed, rating=rating)
    assert caught.value.field == "rating"


def test_a_long_comment_is_refused(completed, customer):
    with pytest.raises(InvalidInput) as caught:
        review_create(actor=customer, booking=completed, rating=3, comment="长" * 1001)
    assert caught.value.field == "comment"


def test_the_review_and_its_fact_are_one_transaction(completed, customer, monkeypatch):
    monkeypatch.setattr(kernel_services, "outbox_enqueue", lambda **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        review_create(actor=customer, booking=completed, rating=5)
    assert not Review.objects.exists()


# ---- complaints --------------------------------------------------------------------------------------------

def file(booking, actor, **changes):
    arguments = {"category": "not_as_described", "description": "车位被地锁占住，无法停车", "remedy": "refund"}
    arguments |= changes
    return complaint_file(actor=actor, booking=booking, **arguments)


def test_the_customer_files_a_complaint(booking, customer):
    with new_facts("complaint.filed", actions=("complaint.file",)) as facts:
        complaint = file(booking, customer)
    assert complaint.status == "filed"
    payload = facts["outbox"][0].payload
    assert payload["complaint_id"] == str(complaint.public_id)
    assert payload["category"] == "not_as_described"
    assert payload["order_id"] == str(booking.public_id)
    assert str(customer.public_id) not in str(payload)  # the hub gets a pseudonym
    assert facts["audit"][0].data == {"category": "not_as_described", "remedy": "refund"}


def test_only_the_customer_complains(booking, provider):
    for actor in (provider, factories.make_user()):
        with nothing_written(), pytest.raises(NotYourBooking) as caught:
            file(booking, actor)
        assert caught.value.http_status == 403
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"category": "aliens"}, "category"),
    ({"remedy": "revenge"}, "remedy"),
    ({"description": "差"}, "description"),
    ({"description": "    "}, "description"),
    ({"description": "太" * 2001}, "description"),
])
def test_category_remedy_and_description_are_checked(booking, customer, changes, field):
    with nothing_written(), pytest.raises(InvalidInput) as caught:
        file(booking, customer, **changes)
    assert caught.value.field == field
    assert not Complaint.objects.exists()
