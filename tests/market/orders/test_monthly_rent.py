"""Long-term rental homes are let by the month: priced per month, booked for whole calendar months from a
move-in date, never shorter than the listing's shortest lease."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.availability.errors import InvalidTimes
from sharecity.market.availability.slots import add_months, months_between, normalise_times
from sharecity.market.catalog.models import Category
from sharecity.market.orders.errors import InvalidOrder
from sharecity.market.orders.forms import OrderForm
from sharecity.market.orders.services import order_place, order_quote, units_for
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db

RENT = {"bedrooms": 2, "rental_mode": "entire", "lease_months_min": 6, "deposit_months": 1,
        "deposit_deductions": "拖欠租金或损坏设施，按实际损失扣减"}


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=CITY_TZ)


@pytest.fixture
def flat(platform, provider):
    return make_listing(platform, provider, category_code="rental_home", title="莲前两室整租", price_fen=350_000,
                        description="业主直租，一年起租", attributes=RENT, deposit_fen=350_000, deposit_refund_days=3)


def test_a_month_is_a_calendar_month_ending_on_the_same_day_or_the_months_last():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 15), 3) == dt.date(2026, 2, 15)
    assert months_between(dt.date(2025, 3, 1), dt.date(2026, 3, 1)) == 12
    assert months_between(dt.date(2025, 1, 15), dt.date(2025, 2, 16)) is None  # a month and a day
    assert months_between(dt.date(2025, 1, 15), dt.date(2025, 1, 30)) is None  # half a month


def test_long_term_rental_categories_are_priced_per_month_and_say_so_in_both_languages():
    assert set(Category.objects.filter(sector="long_term_rental", parent__isnull=False)
               .values_list("default_unit", flat=True)) == {"month"}
    with override("zh-hans"):
        assert str(Category.objects.get(code="rental_home").get_default_unit_display()) == "每月"
    with override("en"):
        assert str(Category.objects.get(code="rental_home").get_default_unit_display()) == "per month"


def test_a_lease_is_charged_by_whole_months_and_refused_for_part_of_one():
    start = midnight(dt.date(2026, 1, 10))
    assert units_for(price_unit="month", starts_at=start, ends_at=midnight(dt.date(2026, 7, 10))) == 6
    with pytest.raises(InvalidOrder) as failure:
        units_for(price_unit="month", starts_at=start, ends_at=midnight(dt.date(2026, 7, 12)))
    assert failure.value.field == "ends_at"
    with pytest.raises(InvalidOrder):
        units_for(price_unit="month", starts_at=start + dt.timedelta(hours=10), ends_at=midnight(dt.date(2026, 2, 10)))
    with pytest.raises(InvalidOrder) as failure:
        units_for(price_unit="month", starts_at=start, ends_at=midnight(dt.date(2032, 1, 10)))  # six years
    assert failure.value.field == "ends_at"
    with pytest.raises(InvalidTimes) as failure:
        normalise_times("month", start, midnight(dt.date(2026, 2, 20)))
    assert failure.value.field == "ends_at"


def test_a_lease_quote_is_months_times_the_rent_with_a_months_deposit(flat):
    move_in = timezone.now().astimezone(CITY_TZ).date() + dt.timedelta(days=7)
    quote = order_quote(listing=flat, starts_at=midnight(move_in), ends_at=midnight(add_months(move_in, 12)))
    assert (quote.units, quote.subtotal_fen, quote.deposit_fen) == (12, 12 * 350_000, 350_000)


def test_a_lease_shorter_than_the_listings_shortest_is_refused(flat, customer):
    move_in = timezone.now().astimezone(CITY_TZ).date() + dt.timedelta(days=7)
    with pytest.raises(InvalidOrder) as failure:
        order_place(actor=customer, platform=flat.platform, listing=flat, customer=customer,
                    starts_at=midnight(move_in), ends_at=midnight(add_months(move_in, 3)))
    assert failure.value.field == "ends_at"
    assert "6" in str(failure.value.message)
    order = order_place(actor=customer, platform=flat.platform, listing=flat, customer=customer,
                        starts_at=midnight(move_in), ends_at=midnight(add_months(move_in, 6)))
    assert (order.units, order.starts_at, order.ends_at) == (6, midnight(move_in), midnight(add_months(move_in, 6)))


def test_the_order_form_asks_for_a_move_in_date_and_a_number_of_months():
    form = OrderForm({"start_date": "2026-03-31", "months": "2", "quantity": "1"}, unit="month")
    assert form.is_valid(), form.errors
    assert set(form.fields) >= {"start_date", "months"} and "end_date" not in form.fields
    assert form.times() == (midnight(dt.date(2026, 3, 31)), midnight(dt.date(2026, 5, 31)))
    assert not OrderForm({"start_date": "2026-03-31", "months": "0", "quantity": "1"}, unit="month").is_valid()
    assert "months" not in OrderForm(unit="night").fields


def test_the_listing_page_shows_the_rent_per_month_and_the_total_for_the_lease(client, platform, flat):
    move_in = timezone.now().astimezone(CITY_TZ).date() + dt.timedelta(days=7)
    page = client.get(reverse("orders:listing", args=[platform.slug, flat.public_id]),
                      {"start_date": move_in.isoformat(), "months": "12", "quantity": "1"},
                      headers={"accept-language": "zh-hans"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "每月" in html and "每晚" not in html
    assert "¥42,000.00" in html  # twelve months at ¥3,500
    assert "退租后 3 天内退还" in html  # the deposit comes back after moving out, not "when the item is returned"


def test_the_api_refuses_part_of_a_month_and_a_short_lease_naming_the_field(platform, flat, customer):
    from django.test import Client

    from tests import factories

    client = Client()
    headers = {"X-API-Key": factories.api_key(platform), "X-Acting-User": str(customer.public_id)}
    move_in = timezone.now().astimezone(CITY_TZ).date() + dt.timedelta(days=7)
    for ends_on in (add_months(move_in, 7) + dt.timedelta(days=3), add_months(move_in, 2), add_months(move_in, 600)):
        response = client.post(f"/api/v1/p/{platform.slug}/orders", {
            "listing_id": str(flat.public_id), "starts_at": midnight(move_in).isoformat(),
            "ends_at": midnight(ends_on).isoformat()}, content_type="application/json", headers=headers)
        assert response.status_code in (400, 422), response.content
        assert response.json()["field"] == "ends_at"
    response = client.post(f"/api/v1/p/{platform.slug}/orders", {
        "listing_id": str(flat.public_id), "starts_at": midnight(move_in).isoformat(),
        "ends_at": midnight(add_months(move_in, 12)).isoformat()}, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    assert (response.json()["units"], response.json()["total_fen"]) == (12, 12 * 350_000)
