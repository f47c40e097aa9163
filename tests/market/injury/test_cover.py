"""Occupational-injury cover (新就业形态人员职业伤害保障): Tianjin and Fujian joined the national pilot on 2025-07-01
(人社部发〔2025〕24号 一; 津人社局发〔2025〕4号). A completed ride-hailing order (出行) there is covered from that day;
the platform's per-order contribution is computed when a rate is loaded (with its source), booked in the ledger, and
otherwise the order says plainly that the rate is not loaded. The worker sees the cover on the order and on the
statement; the operator sees the rate's state and files the month."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from sharecity.kernel.errors import Conflict, InvalidInput
from sharecity.kernel.models import OutboxMessage
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.injury import pilot, selectors, services
from sharecity.market.injury.models import Contribution, ContributionRate
from sharecity.market.orders.models import Order
from sharecity.market.payments import ledger
from sharecity.market.payments.models import JournalEntry, Posting
from sharecity.market.platforms.services import operator_add
from tests import factories
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db

# The rate below is a TEST figure, not an official one: no official per-order rate could be verified.
TEST_RATE = {"province_code": "12", "industry": "travel", "effective_from": dt.date(2025, 7, 1),
             "fen_per_order": 7, "source": "test figure (not official)", "verified": False}


def at(y, m, d, h=12):
    return dt.datetime(y, m, d, h, 0, tzinfo=CITY_TZ)


@pytest.fixture
def tianjin():
    platform = factories.make_platform(name="津门出行测试")
    platform.city_code = "120100"
    platform.save(update_fields=["city_code"])
    return platform


@pytest.fixture
def driver(tianjin):
    return factories.make_provider(tianjin)


@pytest.fixture
def ride(tianjin, driver):
    return make_listing(tianjin, driver, category_code="ride_hailing_trip", title="网约车 经济型",
                        district_code="120101", price_unit="hour")


def completed(listing, *, when, customer=None):
    customer = customer or factories.make_user(platform=listing.platform)
    return Order.objects.create(platform=listing.platform, listing=listing, customer=customer,
                                provider=listing.provider, process="instant_booking", state="completed",
                                unit_price_fen=3_000, subtotal_fen=3_000, total_fen=3_000, completed_at=when)


# --- the pilot's dates --------------------------------------------------------------------------------


def test_tianjin_is_in_the_pilot_from_2025_07_01_not_the_day_before(ride):
    before = services.contribution_for_order(order=completed(ride, when=at(2025, 6, 30, 23)))
    on_the_day = services.contribution_for_order(order=completed(ride, when=at(2025, 7, 1, 0)))
    assert before is None
    assert on_the_day is not None and on_the_day.completed_on == dt.date(2025, 7, 1)
    assert on_the_day.province_code == "12" and on_the_day.industry == "travel"
    assert "人社部发〔2025〕24号" in on_the_day.source


def test_a_business_provider_is_not_a_covered_worker(tianjin):
    from sharecity.market.accounts.services import provider_verify

    company = factories.make_user(platform=tianjin)
    provider_verify(actor=company, user=company, kind="business", legal_name="津门汽车服务有限公司",
                    id_number=factories.credit_code(), platform=tianjin)
    listing = make_listing(tianjin, company, category_code="ride_hailing_trip", district_code="120101",
                           price_unit="hour")
    assert services.contribution_for_order(order=completed(listing, when=at(2025, 7, 2))) is None


def test_the_day_is_the_citys_day_not_utc():
    # 2025-06-30 16:30 UTC is already 2025-07-01 00:30 in Tianjin.
    scope = pilot.scope_of(category_code="ride_hailing_trip", district="120101",
                           on=dt.datetime(2025, 6, 30, 16, 30, tzinfo=dt.UTC).astimezone(CITY_TZ).date())
    assert scope.covered


def test_xiamen_fujian_joins_the_same_day_and_a_first_pilot_province_earlier():
    assert not pilot.scope_of(category_code="ride_hailing_trip", district="350203", on=dt.date(2025, 6, 30)).covered
    assert pilot.scope_of(category_code="ride_hailing_trip", district="350203", on=dt.date(2025, 7, 1)).covered
    assert pilot.scope_of(category_code="ride_hailing_trip", district="440305", on=dt.date(2022, 7, 1)).covered
    # A province not in the pilot, and a category outside its industries.
    assert pilot.scope_of(category_code="ride_hailing_trip", district="530102",
                          on=dt.date(2025, 12, 1)).reason == "region_not_in_pilot"
    assert pilot.scope_of(category_code="homestay", district="120101",
                          on=dt.date(2025, 12, 1)).reason == "sector_not_covered"


def test_takeaway_is_merged_into_instant_delivery_from_2025_07_01():
    assert "takeaway" in pilot.industries_on(dt.date(2025, 6, 30)).industries
    assert "takeaway" not in pilot.industries_on(dt.date(2025, 7, 1)).industries
    assert "instant_delivery" in pilot.industries_on(dt.date(2025, 7, 1)).industries


# --- rate not loaded, then loaded ----------------------------------------------------------------------


def test_without_a_rate_the_order_is_in_the_pilot_but_no_contribution_is_computed(ride):
    row = services.contribution_for_order(order=completed(ride, when=at(2025, 7, 2)))
    assert row.status == "rate_not_loaded" and row.amount_fen is None
    assert not JournalEntry.objects.filter(kind="injury_contribution").exists()


def test_loading_a_rate_computes_the_waiting_orders_and_books_them_once(ride, tianjin):
    waiting = services.contribution_for_order(order=completed(ride, when=at(2025, 7, 2)))
    services.rates_load(actor=None, rows=[TEST_RATE])
    waiting.refresh_from_db()
    assert waiting.status == "computed" and waiting.amount_fen == 7
    later = services.contribution_for_order(order=completed(ride, when=at(2025, 7, 3)))
    assert later.amount_fen == 7 and later.rate.source == "test figure (not official)"
    entries = JournalEntry.objects.filter(platform=tianjin, kind="injury_contribution")
    assert entries.count() == 2
    payable = Posting.objects.filter(entry__in=entries, account__kind=ledger.INJURY_PAYABLE)
    assert sum(p.amount_fen for p in payable) == 14
    # Loading the same rate again changes nothing; the same order again writes nothing.
    services.rates_load(actor=None, rows=[TEST_RATE])
    assert services.contribution_for_order(order=later.order).pk == later.pk
    assert Contribution.objects.count() == 2 and entries.count() == 2


def test_a_rate_applies_from_its_day_and_a_newer_row_replaces_it_from_its_own(ride):
    services.rates_load(actor=None, rows=[TEST_RATE, {**TEST_RATE, "effective_from": dt.date(2026, 1, 1),
                                                      "fen_per_order": 9}])
    old = services.contribution_for_order(order=completed(ride, when=at(2025, 12, 31)))
    new = services.contribution_for_order(order=completed(ride, when=at(2026, 1, 1)))
    assert (old.amount_fen, new.amount_fen) == (7, 9)


def test_a_changed_figure_for_the_same_day_is_refused(ride):
    services.rates_load(actor=None, rows=[TEST_RATE])
    with pytest.raises(Conflict) as error:
        services.rates_load(actor=None, rows=[{**TEST_RATE, "fen_per_order": 8}])
    assert error.value.field == "effective_from"


def test_the_completion_service_records_the_cover_in_the_same_transaction(tianjin, driver, settings):
    """Through the order engine: a ride requested, paid, accepted by the driver, completes at its end."""
    from sharecity.market.orders.services import order_place, order_transition, timers_fire
    from tests.market.orders.conftest import hour_slot

    services.rates_load(actor=None, rows=[TEST_RATE])
    listing = make_listing(tianjin, driver, category_code="ride_hailing_trip", title="网约车", district_code="120101",
                           price_unit="hour")
    customer = factories.make_user(platform=tianjin)
    start, end = hour_slot()
    order = order_place(actor=customer, platform=tianjin, listing=listing, customer=customer, starts_at=start,
                        ends_at=end)
    order = order_transition(actor=customer, order=order, transition="pay")
    if order.state == "requested":
        order = order_transition(actor=driver, order=order, transition="accept")
    assert not Contribution.objects.filter(order=order).exists()
    assert timers_fire(now=end) >= 1
    order.refresh_from_db()
    assert order.completed_at == end
    row = Contribution.objects.get(order=order)
    assert row.status == "computed" and row.amount_fen == 7 and row.completed_on == end.astimezone(CITY_TZ).date()


# --- the rates CSV -------------------------------------------------------------------------------------

HEADER = "province_code,industry,effective_from,fen_per_order,source,verified\n"


def test_the_command_loads_a_csv_and_refuses_a_bad_line_naming_it(tmp_path):
    good = tmp_path / "rates.csv"
    good.write_text(HEADER + "12,travel,2025-07-01,7,test figure (not official),no\n", encoding="utf-8")
    call_command("injury_rates_load", str(good))
    rate = ContributionRate.objects.get()
    assert (rate.province_code, rate.fen_per_order, rate.verified) == ("12", 7, False)
    for line, column in [("99,travel,2025-07-01,7,x,no", "province_code"), ("12,boats,2025-07-01,7,x,no", "industry"),
                         ("12,travel,2025/07/01,7,x,no", "effective_from"), ("12,travel,2025-07-01,0.5,x,no",
                                                                              "fen_per_order"),
                         ("12,travel,2025-07-01,7,,no", "source"), ("12,travel,2025-07-01,7,x,maybe", "verified")]:
        bad = tmp_path / "bad.csv"
        bad.write_text(HEADER + line + "\n", encoding="utf-8")
        with pytest.raises(CommandError, match=column):
            call_command("injury_rates_load", str(bad))
    with pytest.raises(InvalidInput) as error:
        services.rates_parse("a,b\n1,2\n")
    assert error.value.field == "header"


# --- the worker's view ---------------------------------------------------------------------------------


def test_the_worker_sees_covered_on_this_order_on_the_page_and_in_the_api(client, ride, driver):
    services.rates_load(actor=None, rows=[TEST_RATE])
    order = completed(ride, when=at(2025, 7, 2))
    services.contribution_for_order(order=order)
    client.force_login(driver)
    page = client.get(reverse("orders:detail", args=[ride.platform.slug, order.public_id]),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="injury-cover"' in page and "本单已纳入职业伤害保障" in page and "2025-07-02" in page
    body = client.get(f"/api/v1/p/{ride.platform.slug}/orders/{order.public_id}/injury-cover").json()
    assert body["covered"] is True and body["covered_on"] == "2025-07-02" and body["contribution_fen"] == 7
    assert body["rate_verified"] is False and "test figure" in body["source"]


def test_an_order_waiting_for_its_rate_says_so_and_does_not_claim_cover(client, ride, driver):
    order = completed(ride, when=at(2025, 7, 2))
    services.contribution_for_order(order=order)
    client.force_login(driver)
    body = client.get(f"/api/v1/p/{ride.platform.slug}/orders/{order.public_id}/injury-cover").json()
    assert body["covered"] is False and body["in_pilot"] is True and body["status"] == "rate_not_loaded"
    page = client.get(reverse("orders:detail", args=[ride.platform.slug, order.public_id])).content.decode()
    assert 'data-status="rate_not_loaded"' in page


def test_hostile_cover_requests_answer_4xx(client, ride, driver):
    order = completed(ride, when=at(2025, 7, 2))
    other = factories.make_platform()
    stranger = factories.make_user(platform=ride.platform)
    client.force_login(stranger)
    url = f"/api/v1/p/{ride.platform.slug}/orders/{order.public_id}/injury-cover"
    assert client.get(url).status_code == 403
    client.force_login(driver)
    assert client.get(f"/api/v1/p/{ride.platform.slug}/orders/not-a-uuid/injury-cover").status_code in (400, 422)
    assert client.get(f"/api/v1/p/{other.slug}/orders/{order.public_id}/injury-cover").status_code in (403, 404)


def test_the_statement_shows_the_orders_covered_per_month(client, ride, driver):
    services.rates_load(actor=None, rows=[TEST_RATE])
    for day in (2, 3):
        services.contribution_for_order(order=completed(ride, when=at(2025, 7, day)))
    services.contribution_for_order(order=completed(ride, when=at(2025, 8, 1)))
    client.force_login(driver)
    body = client.get(f"/api/v1/p/{ride.platform.slug}/tax/statement", {"year": 2025}).json()
    assert [(c["month"], c["orders_covered"]) for c in body["injury_cover"]] == [("2025-07-01", 2),
                                                                                  ("2025-08-01", 1)]
    page = client.get(reverse("market_tax:statement", args=[ride.platform.slug]), {"year": 2025}).content.decode()
    assert 'data-testid="injury-cover"' in page and 'data-month="2025-07"' in page


# --- the operator and the monthly report ----------------------------------------------------------------


@pytest.fixture
def operator(tianjin):
    user = factories.make_user()
    operator_add(actor=None, platform=tianjin, user=user)
    return user


def test_the_operator_page_says_the_rate_is_not_loaded_until_it_is(client, tianjin, operator):
    client.force_login(operator)
    page = client.get(reverse("market_injury:overview", args=[tianjin.slug])).content.decode()
    assert 'data-testid="rate-not-loaded"' in page
    api = client.get(f"/api/v1/p/{tianjin.slug}/injury").json()
    (sector,) = api["sectors"]
    assert sector["rate_loaded"] is False and "费率未载入" in sector["message"]
    services.rates_load(actor=None, rows=[TEST_RATE])
    (sector,) = client.get(f"/api/v1/p/{tianjin.slug}/injury").json()["sectors"]
    assert sector["rate_loaded"] is True and sector["rate"]["verified"] is False


def test_the_monthly_report_totals_and_is_sent_on_the_exchange(client, tianjin, ride, operator):
    services.rates_load(actor=None, rows=[TEST_RATE])
    second = factories.make_provider(tianjin)
    other_ride = make_listing(tianjin, second, category_code="ride_hailing_trip", district_code="120102",
                              price_unit="hour")
    for listing, days in ((ride, (2, 3, 4)), (other_ride, (5,))):
        for day in days:
            services.contribution_for_order(order=completed(listing, when=at(2025, 7, day)))
    services.contribution_for_order(order=completed(ride, when=at(2025, 8, 1)))  # another month
    summary = selectors.month_summary(platform=tianjin, month=dt.date(2025, 7, 1))
    assert (summary.orders_covered, summary.contribution_fen, len(summary.workers)) == (4, 28, 2)
    client.force_login(operator)
    response = client.post(f"/api/v1/p/{tianjin.slug}/injury/reports", {"year": 2025, "month": 7},
                           content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["orders_covered"], body["contribution_fen"], body["workers_covered"]) == (4, 28, 2)
    message = OutboxMessage.objects.filter(message_type="injury.monthly_report").get()
    assert message.payload["orders_covered"] == 4 and len(message.payload["workers"]) == 2


def test_a_running_month_cannot_be_filed(tianjin):
    with pytest.raises(Conflict) as error:
        services.monthly_report_file(actor=None, platform=tianjin, year=2025, month=7, now=at(2025, 7, 31, 23))
    assert error.value.field == "month"


@pytest.mark.parametrize(("body", "field"), [
    ({"year": "2025", "month": 7}, "year"), ({"year": 2025, "month": 13}, "month"), ({"year": 2025}, "month"),
    ({"year": 2025, "month": True}, "month"), ({"year": 10**30, "month": 1}, "year"),
])
def test_hostile_filing_bodies_answer_4xx_naming_the_field(client, tianjin, operator, body, field):
    client.force_login(operator)
    response = client.post(f"/api/v1/p/{tianjin.slug}/injury/reports", body, content_type="application/json")
    assert 400 <= response.status_code < 500 and field in response.content.decode()
    assert not OutboxMessage.objects.filter(message_type="injury.monthly_report").exists()


def test_a_worker_and_another_platforms_operator_are_refused(client, tianjin, driver):
    client.force_login(driver)
    assert client.get(f"/api/v1/p/{tianjin.slug}/injury").status_code == 403
    assert client.get(reverse("market_injury:overview", args=[tianjin.slug])).status_code == 403
    other = factories.make_platform()
    stranger = factories.make_user()
    operator_add(actor=None, platform=other, user=stranger)
    client.force_login(stranger)
    assert client.get(f"/api/v1/p/{tianjin.slug}/injury").status_code == 403
    assert client.post(f"/api/v1/p/{tianjin.slug}/injury/reports", {"year": 2025, "month": 7},
                       content_type="application/json").status_code == 403
