"""The demo's main screens in a real browser, in Chinese and in English: each page in the reader's
language (category names, dates, the console's tiles), no past day offered for a booking, and a
screenshot of each.

Screenshots go to SHARECITY_SCREENSHOTS (the README's are made with ``SHARECITY_SCREENSHOTS=docs/screenshots``)
or, by default, to the artifacts directory."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from tests.browser.support import TIMEOUT_MS, artifacts, chromium_browser

DEMO_PASSWORD = "sharecity-demo"
LANGUAGES = [("zh-hans", "zh-CN"), ("en", "en-US")]
LATIN_WORDS = re.compile(r"[A-Za-z]{4,}")


def _shots() -> Path:
    path = Path(os.environ.get("SHARECITY_SCREENSHOTS") or artifacts())
    path.mkdir(parents=True, exist_ok=True)
    return path


def _page(browser, locale: str):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _sign_in(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{base}{next_path}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_main_screens_read_in_the_readers_language(live_server, settings):
    from playwright.sync_api import expect

    from sharecity.market.catalog.models import Category
    from sharecity.market.orders.models import Order
    from sharecity.market.parking.models import ParkingSpace
    from sharecity.sim.demo import demo_load
    from tests.seeds import migration_seeds_restore

    settings.SHARECITY_RATE_LIMITS = {**settings.SHARECITY_RATE_LIMITS, "public": {"rate": "off"}}
    migration_seeds_restore()  # a transactional test before this one flushed what migrations load
    demo_load()
    base = live_server.url
    order = (Order.objects.filter(platform__slug="ludao-share", customer__username="consumer")
             .select_related("listing").order_by("pk").first())
    listing_path = f"/p/ludao-share/market/listings/{order.listing.public_id}/"
    space = ParkingSpace.objects.filter(platform__slug="ludao-parking").first()
    category = Category.objects.filter(parent__isnull=True).order_by("code").first()
    today = timezone.now().astimezone(CITY_TZ).date()
    shots = _shots()
    with chromium_browser() as browser:
        for language, locale in LANGUAGES:
            chinese = language == "zh-hans"
            # A consumer: the market and a listing.
            page = _page(browser, locale)
            _sign_in(page, base, "consumer", "/p/ludao-share/market/")
            expect(page.locator("html")).to_have_attribute("lang", language)
            page.screenshot(path=str(shots / f"market-home-{language}.png"), full_page=False)
            page.goto(base + listing_path)
            page.screenshot(path=str(shots / f"listing-{language}.png"), full_page=False)
            # A booking's day: the calendar offers nothing before today.
            page.goto(f"{base}/p/ludao-parking/spaces/{space.public_id}/")
            expect(page.locator("input[type=date][name=date]").first).to_have_attribute("min", today.isoformat())
            # An order's times in the reader's date format, never an ISO timestamp.
            page.goto(f"{base}/p/ludao-share/orders/{order.public_id}/")
            body = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
            assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", body)
            if chinese:
                assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", body), body[:500]
            else:
                assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}", body), body[:500]
            page.context.close()

            # The operator: the console and the category settings, names in the reader's language only.
            page = _page(browser, locale)
            _sign_in(page, base, "operator", "/p/ludao-share/operator/")
            # The tiles: a figure, a sparkline and the two weeks in words, in the reader's language.
            expect(page.locator("[data-testid=console-figures] svg.sparkline")).to_have_count(3)
            expect(page.locator("[data-testid=trend-orders]")).to_contain_text(
                "最近 7 天" if chinese else "in the last 7 days")
            page.screenshot(path=str(shots / f"operator-console-{language}.png"), full_page=False)
            page.goto(f"{base}/p/ludao-share/operator/categories/")
            row = page.locator(f"tr[data-category='{category.code}'] td").first
            expect(row).to_contain_text(category.name_zh if chinese else category.name_en)
            if chinese:
                assert not LATIN_WORDS.search(row.inner_text()), row.inner_text()
            else:
                expect(row).not_to_contain_text(category.name_zh)
            page.context.close()

            # The regulator's hub console and the public directory.
            page = _page(browser, locale)
            _sign_in(page, base, "regulator", "/hub/")
            page.screenshot(path=str(shots / f"hub-console-{language}.png"), full_page=False)
            page.goto(f"{base}/directory/")
            expect(page.locator("html")).to_have_attribute("lang", language)
            page.screenshot(path=str(shots / f"public-directory-{language}.png"), full_page=False)
            page.context.close()
