"""A worker's income and tax statement: per month gross, commission, income, tax withheld with its working, net;
on a page, as a PDF and through the API, only ever the caller's own."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from sharecity.market.payments import services
from sharecity.market.payments.gateway import OfflineGateway
from tests import factories
from tests.market.engine_factories import category

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _gateway_reset():
    OfflineGateway.reset()
    yield
    OfflineGateway.reset()


@pytest.fixture
def paid(platform, provider, customer):
    category("skills")
    operator = factories.make_user()
    from sharecity.market.platforms.services import operator_add

    operator_add(actor=None, platform=platform, user=operator)
    services.commission_rule_save(actor=operator, platform=platform, percent_bp=1_000)  # 10 %
    for amount in (500_000, 500_000):
        order_ref = str(uuid.uuid4())
        services.payment_collect(platform=platform, order_ref=order_ref, customer=customer, amount_fen=amount)
        services.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="skills",
                                amount_fen=amount)
    # Customers paid ¥10,000; commission ¥1,000; income ¥9,000: (9,000 − 1,800 − 5,000) × 3 % = ¥66.00 withheld.
    return {"gross": 1_000_000, "commission": 100_000, "income": 900_000, "withheld": 6_600}


def test_the_provider_sees_the_month_and_how_the_tax_was_worked_out(client, platform, provider, paid):
    client.force_login(provider)
    response = client.get(reverse("market_tax:statement", args=[platform.slug]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="statement"' in html and "¥66.00" in html and "¥10,000.00" in html
    assert 'data-testid="working"' in html and "¥2,200.00" in html  # the taxable income this year


def test_the_api_gives_the_same_figures_to_the_provider_only(client, platform, provider, customer, paid):
    client.force_login(provider)
    body = client.get(f"/api/v1/p/{platform.slug}/tax/statement").json()
    (month,) = body["months"]
    assert (month["gross_fen"], month["commission_fen"], month["income_fen"], month["withheld_fen"]) == (
        paid["gross"], paid["commission"], paid["income"], paid["withheld"])
    assert month["net_fen"] == paid["income"] - paid["withheld"] and month["payments"] == 2
    assert month["working"]["months_counted"] == 1 and month["working"]["rate_bp"] == 300
    assert body["totals"]["withheld_fen"] == paid["withheld"]
    # Another person asks: they get their own statement, which is empty.
    client.force_login(customer)
    assert client.get(f"/api/v1/p/{platform.slug}/tax/statement").json()["months"] == []


def test_the_platforms_key_needs_a_person_to_act_for(client, platform, paid):
    response = client.get(f"/api/v1/p/{platform.slug}/tax/statement",
                          headers={"X-API-Key": factories.api_key(platform)})
    assert response.status_code == 403 and response.json()["field"] == "actor"


@pytest.mark.parametrize("year", ["2018", "abc", "99999", "2026\x00"])
def test_a_bad_year_is_refused_naming_it(client, platform, provider, year):
    client.force_login(provider)
    response = client.get(f"/api/v1/p/{platform.slug}/tax/statement", {"year": year})
    assert response.status_code in (400, 422)
    assert "year" in response.content.decode()
    assert client.get(reverse("market_tax:statement", args=[platform.slug]), {"year": year}).status_code == 404


def test_the_annual_statement_downloads_as_a_pdf(client, platform, provider, paid):
    from django.utils import timezone

    from sharecity.kernel.timeutil import CITY_TZ

    client.force_login(provider)
    year = timezone.now().astimezone(CITY_TZ).year
    response = client.get(reverse("market_tax:statement_pdf", args=[platform.slug, year]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_payouts_page_links_to_the_statement(client, platform, provider, paid):
    client.force_login(provider)
    html = client.get(reverse("payments:payouts", args=[platform.slug])).content.decode()
    assert reverse("market_tax:statement", args=[platform.slug]) in html
