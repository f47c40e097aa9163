from __future__ import annotations

import pytest
from django.urls import reverse

from sharecity.market.reviews.models import Review
from sharecity.market.reviews.services import review_submit
from tests import factories
from tests.market.reviews.trust import make_order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trust_urls")]


@pytest.fixture
def order(platform, provider, customer):
    return make_order(platform, provider, customer)


def _url(order):
    return reverse("reviews:order_review", args=[order.platform.slug, order.public_id])


def test_the_review_screen_is_blind_both_ways(client, order, customer, provider):
    client.force_login(customer)
    page = client.get(_url(order))
    assert page.status_code == 200 and 'data-testid="order-review-form"' in page.content.decode()
    assert "sc_device" in page.cookies
    response = client.post(_url(order), {"rating": "4", "comment": "样品台很干净"})
    assert response.status_code == 302
    review = Review.objects.get(order=order)
    assert review.ip == "127.0.0.1" and len(review.device) == 32  # recorded for the flags
    assert "样品台很干净" in client.get(_url(order)).content.decode()  # the author sees their own

    listing_url = reverse("reviews:listing", args=[order.platform.slug, order.listing.public_id])
    assert "样品台很干净" not in client.get(listing_url).content.decode()
    client.force_login(provider)
    assert "样品台很干净" not in client.get(_url(order)).content.decode()
    client.post(_url(order), {"rating": "5", "comment": "客户很守时"})
    page = client.get(_url(order)).content.decode()
    assert "样品台很干净" in page and "客户很守时" in page
    client.logout()
    public = client.get(listing_url).content.decode()
    assert "样品台很干净" in public and "客户很守时" not in public  # a listing shows its customers' reviews


def test_an_htmx_review_answers_with_the_partial(client, order, customer):
    client.force_login(customer)
    response = client.post(_url(order), {"rating": "5", "comment": ""}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and 'data-testid="review-pending"' in body


def test_a_bad_rating_is_shown_on_the_form(client, order, customer):
    client.force_login(customer)
    response = client.post(_url(order), {"rating": "9"})
    assert response.status_code == 400 and not Review.objects.exists()


def test_strangers_do_not_find_the_order(client, order):
    assert client.get(_url(order)).status_code == 302  # log in first
    client.force_login(factories.make_user())
    assert client.get(_url(order)).status_code == 404
    assert client.post(_url(order), {"rating": "1"}).status_code == 404


def test_the_operator_queue_lists_flags_and_hides_with_a_reason(client, platform, provider, operator, order, customer):
    review = review_submit(actor=customer, order=order, rating=1, comment="差评", device="fp-1")
    review_submit(actor=provider, order=order, rating=1)
    for _n in range(4):
        other = factories.make_user()
        review_submit(actor=other, order=make_order(platform, provider, other, listing=order.listing), rating=5,
                      device="fp-1")
    queue = reverse("reviews:queue", args=[platform.slug])
    client.force_login(provider)
    assert client.get(queue).status_code == 403
    client.force_login(operator)
    page = client.get(queue).content.decode()
    assert 'data-kind="device_burst"' in page
    hide = reverse("reviews:hide", args=[platform.slug, review.public_id])
    response = client.post(hide, {"reason": "abusive", "note": ""})
    assert response.status_code == 400
    review.refresh_from_db()
    assert review.hidden_at is None
    assert client.post(hide, {"reason": "abusive", "note": "侮辱性语言，违反评价规则"}).status_code == 302
    review.refresh_from_db()
    assert review.hidden_reason == "abusive" and review.hidden_note == "侮辱性语言，违反评价规则"
