"""The order's page brings in the trust sections (reviews, messages, complaint, dispute) where they apply,
and both the page and my orders show the unread messages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sharecity.market.messaging.services import message_send
from sharecity.market.orders.models import Order
from tests.market.orders.conftest import book, take

# Pages asserted in their English source text (tests/market/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]



def sections(html: str) -> dict[str, str]:
    """The sections the page loads with htmx: name -> the URL it fetches."""
    return dict(re.findall(r'data-testid="section-(\w+)" hx-get="([^"]+)" hx-trigger="load"', html))


def test_a_completed_orders_page_leads_to_the_review_form_and_the_messages(client, instrument, customer, provider):
    order = take(book(instrument, customer), customer, "pay")
    Order.objects.filter(pk=order.pk).update(state="completed", completed_at=timezone.now())
    client.force_login(customer)
    html = client.get(reverse("orders:detail", args=[instrument.platform.slug, order.public_id])).content.decode()
    loaded = sections(html)
    assert {"reviews", "messaging", "complaints"} <= set(loaded)
    review = client.get(loaded["reviews"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="order-review-form"' in review and "<html" not in review
    thread = client.get(loaded["messaging"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="order-thread"' in thread and 'data-testid="message-form"' in thread


def test_an_unfinished_order_has_no_review_section_and_a_dispute_only_where_the_process_allows(
        client, bicycle, customer, provider):
    order = take(book(bicycle, customer), customer, "pay")  # paid, not shipped: no dispute step yet
    client.force_login(customer)
    url = reverse("orders:detail", args=[bicycle.platform.slug, order.public_id])
    assert set(sections(client.get(url).content.decode())) == {"messaging", "complaints"}
    take(order, provider, "ship", tracking_no="SF1")  # shipped: the customer may dispute
    loaded = sections(client.get(url).content.decode())
    assert set(loaded) == {"messaging", "complaints", "disputes"}
    assert client.get(loaded["disputes"], HTTP_HX_REQUEST="true").status_code == 200


def test_unread_messages_are_counted_on_the_page_and_in_my_orders(client, instrument, customer, provider):
    order = take(book(instrument, customer), customer, "pay")
    message_send(actor=provider, order=order, body="请提前十分钟到实验室门口")
    message_send(actor=provider, order=order, body="带上学生证")
    client.force_login(customer)
    slug = instrument.platform.slug
    page = client.get(reverse("orders:detail", args=[slug, order.public_id])).content.decode()
    assert 'data-unread="2"' in page and "2 unread messages" in page
    mine = client.get(reverse("orders:mine", args=[slug])).content.decode()
    assert 'data-unread="2"' in mine
    client.get(reverse("messaging:thread", args=[slug, order.public_id]))  # read them
    assert 'data-unread' not in client.get(reverse("orders:mine", args=[slug])).content.decode()
    client.force_login(provider)  # the author has nothing unread
    assert 'data-unread' not in client.get(reverse("orders:detail", args=[slug, order.public_id])).content.decode()


def test_the_listing_page_states_the_policy_and_loads_availability_and_published_reviews(
        client, instrument, bicycle, customer, provider):
    from sharecity.market.reviews.services import review_submit

    order = take(book(instrument, customer), customer, "pay")
    Order.objects.filter(pk=order.pk).update(state="completed", completed_at=timezone.now())
    review_submit(actor=customer, order=order, rating=5, comment="仪器校准良好")
    review_submit(actor=provider, order=order, rating=5, comment="按时归还")  # both in: published
    slug = instrument.platform.slug
    html = client.get(reverse("orders:listing", args=[slug, instrument.public_id])).content.decode()
    assert 'data-testid="policy"' in html
    slots = reverse("availability:slots", args=[slug, instrument.public_id])
    reviews = reverse("reviews:listing", args=[slug, instrument.public_id])
    assert f'hx-get="{slots}" hx-trigger="load"' in html and f'hx-get="{reviews}" hx-trigger="load"' in html
    assert client.get(slots, HTTP_HX_REQUEST="true").status_code == 200
    assert "仪器校准良好" in client.get(reviews, HTTP_HX_REQUEST="true").content.decode()
    goods = client.get(reverse("orders:listing", args=[slug, bicycle.public_id])).content.decode()
    assert 'data-testid="availability"' not in goods  # goods have no slots
