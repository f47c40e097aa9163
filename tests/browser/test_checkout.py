"""Checkout in a real browser: a consumer searches the market, opens a listing, sees the total
with every fee before committing, books, pays through the offline gateway and sees the order
confirmed, with its history.

Drives Debian's chromium through Playwright's sync API against pytest-django's live server.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.orders.models import Order
from sharecity.market.payments.selectors import order_balance
from tests import factories
from tests.browser.support import PASSWORD, artifacts, chromium_browser, login, person_page
from tests.market.engine_factories import make_listing


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_consumer_searches_books_pays_and_sees_the_order_confirmed(live_server):
    from playwright.sync_api import expect

    platform = factories.make_platform(slug="keyan", name="鹭岛科研仪器共享")
    provider = factories.make_provider(platform, "lab")
    fees = [{"code": "service", "label_zh": "平台服务费", "label_en": "Service fee", "fen": 1_000, "per": "order"}]
    listing = make_listing(platform, provider, title="场发射扫描电子显微镜", description="可做能谱分析，含操作培训",
                           price_fen=30_000, fees=fees, cancellation_policy="moderate")
    make_listing(platform, provider, title="液相色谱仪", description="高效液相色谱", price_fen=20_000)
    factories.make_user("consumer", password=PASSWORD)

    start = (timezone.now().astimezone(CITY_TZ) + dt.timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0)
    base = live_server.url

    with chromium_browser() as browser:
        page = person_page(browser)
        login(page, base, "consumer", "/p/keyan/market/")

        # Search: only the microscope matches the words.
        page.fill("input[name=text]", "电子显微镜")
        page.click("[data-testid=market-search-submit]")
        results = page.locator("[data-testid=results] [data-listing]")
        expect(results).to_have_count(1)
        result = page.locator(f"[data-listing='{listing.public_id}']")
        expect(result).to_contain_text("场发射扫描电子显微镜")
        expect(result.locator("[data-testid=price]")).to_have_text("¥300.00")
        page.screenshot(path=str(artifacts() / "market-search.png"), full_page=True)

        # The listing: the total with the fee before committing, recomputed as the times change (htmx).
        result.locator("[data-action=open-listing]").click()
        page.wait_for_url(f"{base}/p/keyan/market/listings/{listing.public_id}/")
        expect(page.locator("[data-testid=policy]")).to_contain_text("5")
        page.fill("input[name=starts_at]", f"{start:%Y-%m-%dT%H:%M}")
        page.fill("input[name=ends_at]", f"{start + dt.timedelta(hours=3):%Y-%m-%dT%H:%M}")
        page.locator("input[name=ends_at]").dispatch_event("change")
        expect(page.locator("[data-testid=quote-total]")).to_have_text("¥910.00")
        expect(page.locator("[data-testid=quote-lines]")).to_contain_text("平台服务费")
        page.fill("input[name=ends_at]", f"{start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}")
        page.locator("input[name=ends_at]").dispatch_event("change")
        expect(page.locator("[data-testid=quote-total]")).to_have_text("¥610.00")
        page.screenshot(path=str(artifacts() / "market-listing.png"), full_page=True)

        # Book: the order keeps the total that was shown; the customer pays on the order's page.
        page.click("[data-action=order]")
        page.wait_for_url(f"{base}/p/keyan/orders/*/")
        order = Order.objects.get(listing=listing)
        assert order.total_fen == 61_000
        expect(page.locator("[data-testid=order-total]")).to_have_text("¥610.00")
        expect(page.locator("[data-testid=order-state]")).to_have_attribute("data-state", "pending_payment")
        page.click("[data-action=pay]")
        page.wait_for_url(f"{base}/p/keyan/orders/{order.public_id}/")
        expect(page.locator("[data-testid=order-state]")).to_have_attribute("data-state", "confirmed")
        expect(page.locator("[data-testid=history] li")).to_have_count(2)
        expect(page.locator("[data-action=customer_cancel]")).to_be_visible()
        page.screenshot(path=str(artifacts() / "market-order.png"), full_page=True)

        assert order_balance(order_ref=str(order.public_id)).escrow_fen == 61_000

        page.goto(f"{base}/p/keyan/orders/")
        expect(page.locator(f"[data-order='{order.public_id}'] [data-testid=amount]")).to_have_text("¥610.00")
        page.context.close()
