"""The consumer pages: search, a listing with the total before commit, checkout, my orders, an order."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sharecity.market.orders.models import Order
from sharecity.market.orders.services import order_place, order_transition
from tests import factories
from tests.market.orders.conftest import hour_slot

# Pages asserted in their English source text (tests/market/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client
    return login



def _fmt(moment) -> str:
    from sharecity.kernel.timeutil import CITY_TZ

    return moment.astimezone(CITY_TZ).strftime("%Y-%m-%dT%H:%M")


def test_search_finds_published_listings_by_words(client, platform, instrument):
    page = client.get(reverse("orders:search", args=[platform.slug]), {"text": "电镜"})
    assert page.status_code == 200
    assert str(instrument.public_id) in page.content.decode()
    page = client.get(reverse("orders:search", args=[platform.slug]), {"text": "挖掘机"})
    assert str(instrument.public_id) not in page.content.decode()


def test_the_listing_page_shows_the_full_total_policy_and_deposit_before_commit(client, platform, instrument, camera):
    start, end = hour_slot(48, hours=2)
    page = client.get(reverse("orders:listing", args=[platform.slug, instrument.public_id]),
                      {"starts_at": _fmt(start), "ends_at": _fmt(end), "quantity": 1})
    html = page.content.decode()
    assert page.status_code == 200
    assert "¥605.00" in html  # 2 h at ¥300 and the ¥5 service fee
    assert "Service fee" in html
    assert "Moderate" in html
    partial = client.get(reverse("orders:quote", args=[platform.slug, instrument.public_id]),
                         {"starts_at": _fmt(start), "ends_at": _fmt(start + (end - start) * 2), "quantity": 1})
    assert "¥1,205.00" in partial.content.decode()  # four hours now
    rental = client.get(reverse("orders:listing", args=[platform.slug, camera.public_id])).content.decode()
    assert "¥3,000.00" in rental
    assert "refunded within 3 days" in rental


def test_checkout_places_the_order_and_the_customer_pays_on_its_page(client_of, platform, instrument, customer,
                                                                     provider):
    start, end = hour_slot(48, hours=1)
    client = client_of(customer)
    response = client.post(reverse("orders:checkout", args=[platform.slug, instrument.public_id]),
                           {"starts_at": _fmt(start), "ends_at": _fmt(end), "quantity": 1})
    order = Order.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:detail", args=[platform.slug, order.public_id])
    page = client.get(response["Location"]).content.decode()
    assert 'data-action="pay"' in page
    assert "¥305.00" in page
    response = client.post(reverse("orders:transition", args=[platform.slug, order.public_id, "pay"]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "confirmed"
    page = client.get(reverse("orders:detail", args=[platform.slug, order.public_id])).content.decode()
    assert 'data-state="confirmed"' in page
    assert 'data-action="customer_cancel"' in page
    assert "Pay" in page  # in the history
    mine = client.get(reverse("orders:mine", args=[platform.slug])).content.decode()
    assert str(order.public_id) in mine


def test_a_refused_step_shows_the_rule_and_a_stranger_sees_nothing(client_of, platform, bicycle, customer, provider):
    order = order_place(actor=customer, platform=platform, listing=bicycle, customer=customer)
    order = order_transition(actor=customer, order=order, transition="pay")
    response = client_of(provider).post(reverse("orders:transition", args=[platform.slug, order.public_id, "ship"]),
                                        {"tracking_no": ""})
    assert response.status_code == 409
    assert "tracking number" in response.content.decode()
    response = client_of(provider).post(reverse("orders:transition", args=[platform.slug, order.public_id, "ship"]),
                                        {"tracking_no": "SF100"})
    assert response.status_code == 302
    assert client_of(factories.make_user()).get(
        reverse("orders:detail", args=[platform.slug, order.public_id])).status_code == 403


def test_the_customer_cannot_take_the_providers_step(client_of, platform, homestay, customer):
    order = order_transition(actor=customer, order=order_place(
        actor=customer, platform=platform, listing=homestay, customer=customer,
        starts_at=hour_slot(72)[0].replace(hour=0), ends_at=hour_slot(96)[0].replace(hour=0)), transition="pay")
    page = client_of(customer).get(reverse("orders:detail", args=[platform.slug, order.public_id])).content.decode()
    assert 'data-action="accept"' not in page
    response = client_of(customer).post(reverse("orders:transition", args=[platform.slug, order.public_id, "accept"]))
    assert response.status_code == 403


def test_a_promotion_shows_the_struck_through_original_price_and_is_what_the_order_charges(
        client_of, platform, instrument, customer, provider):
    import datetime as dt

    from django.utils import timezone

    from sharecity.market.pricing.services import price_transacted_record, promotion_create

    now = timezone.now()
    price_transacted_record(listing=instrument, unit_price_fen=30_000, at=now - dt.timedelta(days=2))
    promotion_create(actor=provider, listing=instrument, original_price_fen=30_000, price_fen=24_000,
                     starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(days=7))
    page = client_of(customer).get(reverse("orders:listing", args=[platform.slug, instrument.public_id]))
    html = page.content.decode()
    assert 'data-testid="original-price"' in html
    assert "¥300.00</s>" in html
    assert "¥240.00" in html
    start, end = hour_slot(48, hours=1)
    order = order_place(actor=customer, platform=platform, listing=instrument, customer=customer,
                        starts_at=start, ends_at=end)
    assert (order.unit_price_fen, order.total_fen) == (24_000, 24_500)


def test_a_task_is_posted_bid_on_accepted_and_funded_through_the_pages(client_of, platform, customer, provider):
    import datetime as dt

    from django.utils import timezone

    from sharecity.market.orders.models import Bid, TaskRequest
    from tests.market.engine_factories import category

    category("skills_tasks")
    client = client_of(customer)
    deadline = (timezone.now() + dt.timedelta(days=20)).date()
    response = client.post(reverse("orders:task_new", args=[platform.slug]), {
        "category": "skills_tasks", "title": "企业官网改版", "description": "五个页面，含移动端", "budget": "6000",
        "deadline": f"{deadline:%Y-%m-%d}", "district": "350203"})
    task = TaskRequest.objects.get(customer=customer)
    assert response.status_code == 302
    assert task.budget_fen == 600_000
    assert "企业官网改版" in client.get(reverse("orders:tasks", args=[platform.slug])).content.decode()

    bidder = client_of(provider)
    response = bidder.post(reverse("orders:bid_new", args=[platform.slug, task.public_id]), {
        "amount": "5000", "days": "15", "milestones": "设计 2000\n开发 3000", "message": "有类似案例"})
    assert response.status_code == 302
    bid = Bid.objects.get(task=task)
    assert bid.milestone_plan == [{"title": "设计", "amount_fen": 200_000}, {"title": "开发", "amount_fen": 300_000}]
    stranger = client_of(factories.make_user())
    refused = stranger.post(reverse("orders:bid_new", args=[platform.slug, task.public_id]),
                            {"amount": "4000", "days": "10"})
    assert refused.status_code == 403  # not a verified provider
    assert "Verify your real name" in refused.content.decode()

    client = client_of(customer)
    page = client.get(reverse("orders:task", args=[platform.slug, task.public_id])).content.decode()
    assert 'data-action="accept-bid"' in page
    response = client.post(reverse("orders:bid_accept", args=[platform.slug, task.public_id, bid.pk]))
    order = Order.objects.get(task=task)
    assert response["Location"] == reverse("orders:detail", args=[platform.slug, order.public_id])
    client.post(reverse("orders:transition", args=[platform.slug, order.public_id, "fund"]))
    order.refresh_from_db()
    assert order.state == "in_progress"
    first = order.milestones.first()
    page = client_of(provider).get(reverse("orders:detail", args=[platform.slug, order.public_id])).content.decode()
    assert page.count('data-action="deliver_milestone"') == 2
    client_of(provider).post(reverse("orders:transition", args=[platform.slug, order.public_id, "deliver_milestone"]),
                             {"milestone_id": first.pk})
    first.refresh_from_db()
    assert first.status == "delivered"


def test_the_admin_shows_an_order_with_its_history_read_only(client, platform, instrument, customer):
    from sharecity.kernel.models import User

    order = order_transition(actor=customer, order=order_place(
        actor=customer, platform=platform, listing=instrument, customer=customer,
        starts_at=hour_slot(48)[0], ends_at=hour_slot(48)[1]), transition="pay")
    admin = User.objects.create_superuser("orders-admin", password="pw-for-tests-123")
    client.force_login(admin)
    page = client.get(reverse("admin:market_orders_order_change", args=[order.pk]))
    assert page.status_code == 200
    assert "pending_payment" in page.content.decode()  # the history's first step
    assert client.get(reverse("admin:market_orders_order_add")).status_code == 403


def test_search_leaves_out_what_is_taken_for_the_window_and_filters_by_price(client, platform, instrument,
                                                                             customer):
    start, end = hour_slot(30, hours=2)
    order_place(actor=customer, platform=platform, listing=instrument, customer=customer, starts_at=start,
                ends_at=end)
    url = reverse("orders:search", args=[platform.slug])
    taken = client.get(url, {"starts_at": _fmt(start), "ends_at": _fmt(end)}).content.decode()
    assert str(instrument.public_id) not in taken
    later = start + (end - start) * 2
    free = client.get(url, {"starts_at": _fmt(later), "ends_at": _fmt(later + (end - start))}).content.decode()
    assert str(instrument.public_id) in free
    assert str(instrument.public_id) not in client.get(url, {"price_max": "100"}).content.decode()
    assert str(instrument.public_id) in client.get(url, {"price_min": "100", "sort": "-price"}).content.decode()
    bad = client.get(url, {"price_min": "abc"})
    assert "Enter an amount in yuan" in bad.content.decode()


def test_goods_are_bought_with_one_click_at_the_total_shown(client_of, platform, bicycle, customer):
    client = client_of(customer)
    page = client.get(reverse("orders:listing", args=[platform.slug, bicycle.public_id])).content.decode()
    assert 'data-action="order">Buy<' in page
    assert "¥1,200.00" in page
    assert "full refund if you cancel before the item is shipped" in page
    response = client.post(reverse("orders:checkout", args=[platform.slug, bicycle.public_id]), {"quantity": 1})
    order = Order.objects.get(listing=bicycle)
    assert response.status_code == 302
    assert (order.process, order.total_fen, order.starts_at) == ("purchase_delivery", 120_000, None)
