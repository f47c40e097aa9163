"""The walking slice in a real browser: a consumer books a parking space, the regulator sees it.

Drives Debian's chromium through Playwright's sync API against pytest-django's live server.
The background pipeline (outbox relay, hub intake) is pumped from the test process: the
live server shares the database.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from sharecity.exchange.relay import relay_pump
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.parking.models import Booking
from sharecity.market.parking.services import booking_create
from sharecity.market.reviews.services import review_create
from tests import factories
from tests.browser.support import PASSWORD, TIMEOUT_MS, artifacts, chromium_browser, login, person_page

# Playwright's sync API runs an event loop in this thread; the ORM calls made here are still synchronous.


def _slot_with_margin() -> dt.datetime:
    """The current half-hour slot, waiting out the last minute before a boundary so it stays current."""
    now = timezone.now().astimezone(CITY_TZ)
    if now.minute % 30 == 29 and now.second >= 15:
        time.sleep(61 - now.second)
    return factories.current_slot()


def _pump() -> None:
    relay_pump()
    intake_pump()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_consumer_books_and_regulator_sees_it(live_server):
    from playwright.sync_api import expect

    platform = factories.make_platform(slug="ludao", name="鹭岛共享停车")
    provider = factories.make_provider(platform, "provider")
    space = factories.make_space(platform, provider, district="350203", price_fen=800, title="中山路夜间车位")
    factories.make_user("consumer", password=PASSWORD)
    regulator = factories.make_user("regulator", password=PASSWORD)
    regulator_profile_set(actor=None, user=regulator, department="厦门市发展和改革委员会")
    _pump()

    start = _slot_with_margin()
    end = start + dt.timedelta(hours=2)
    base = live_server.url

    with chromium_browser() as browser:
        # --- the consumer, in Chinese --------------------------------------------------------
        page = person_page(browser)
        login(page, base, "consumer", "/p/ludao/")
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(page.locator("h1")).to_have_text("鹭岛共享停车")

        # The space page quotes the total live (htmx) as the times change.
        page.goto(f"{base}/p/ludao/spaces/{space.public_id}/")
        page.fill("input[name=date]", f"{start:%Y-%m-%d}")
        page.select_option("select[name=start]", f"{start:%H:%M}")
        page.select_option("select[name=end]", f"{start + dt.timedelta(hours=3):%H:%M}")
        expect(page.locator("[data-testid=quote-total]")).to_have_text("¥24.00")
        page.screenshot(path=str(artifacts() / "space.png"), full_page=True)

        page.goto(f"{base}/p/ludao/")
        page.select_option("select[name=district]", "350203")
        page.fill("input[name=date]", f"{start:%Y-%m-%d}")
        page.select_option("select[name=start]", f"{start:%H:%M}")
        page.select_option("select[name=end]", f"{end:%H:%M}")
        page.click("[data-testid=search-submit]")
        result = page.locator(f"[data-space='{space.public_id}']")
        expect(result).to_contain_text("中山路夜间车位")
        expect(result).to_contain_text("思明区")
        expect(result.locator("[data-testid=total]")).to_have_text("¥16.00")  # shown before booking
        page.screenshot(path=str(artifacts() / "search.png"), full_page=True)

        result.locator("[data-action=book]").click()
        page.wait_for_url(f"{base}/p/ludao/bookings/")
        booking = Booking.objects.get(space=space)
        card = page.locator(f"[data-booking='{booking.public_id}']")
        expect(card.locator("[data-testid=amount]")).to_have_text("¥16.00")
        expect(page.locator(".message.success")).to_be_visible()

        card.locator("[data-action=complete]").click()
        card = page.locator(f"[data-booking='{booking.public_id}']")
        expect(card.locator("[data-testid=state]")).to_have_attribute("class", "state completed")

        card.locator("[data-action=open-review]").click()
        card.locator("select[name=rating]").select_option("5")
        card.locator("textarea[name=comment]").fill("位置好找，夜间停车很方便。")
        card.locator("[data-action=review]").click()
        card = page.locator(f"[data-booking='{booking.public_id}']")
        expect(card.locator("[data-testid=reviews]")).to_contain_text("夜间停车很方便")

        card.locator("[data-action=open-complaint]").click()
        card.locator("select[name=category]").select_option("access")
        card.locator("textarea[name=description]").fill("出口道闸一度无法抬杆，等待了十分钟。")
        card.locator("select[name=remedy]").select_option("apology")
        card.locator("[data-action=complaint]").click()
        expect(page.locator(f"[data-booking='{booking.public_id}'] [data-testid=complaint]")).to_have_count(1)
        page.screenshot(path=str(artifacts() / "bookings.png"), full_page=True)
        page.context.close()

        # The provider reviews the customer too (two-way reviews), then the pipeline runs.
        review_create(actor=provider, booking=booking, rating=4, comment="准时离场")
        _pump()

        # --- the regulator --------------------------------------------------------------------
        page = person_page(browser)
        login(page, base, "regulator", "/hub/")
        expect(page.locator("[data-testid=total-listings]")).to_have_text("1")
        expect(page.locator("[data-testid=total-bookings]")).to_have_text("1")
        expect(page.locator("[data-testid=total-completed]")).to_have_text("1")
        expect(page.locator("[data-testid=total-turnover_fen]")).to_have_text("¥16.00")
        expect(page.locator("[data-testid=total-reviews]")).to_have_text("2")
        expect(page.locator("[data-testid=total-complaints]")).to_have_text("1")
        district_row = page.locator("[data-testid=by-district] tr[data-district='350203']")
        expect(district_row.locator("th")).to_have_text("思明区")
        expect(district_row.locator("[data-metric=bookings]")).to_have_text("1")
        expect(district_row.locator("[data-metric=turnover_fen]")).to_have_text("¥16.00")
        expect(district_row.locator("[data-metric=complaints]")).to_have_text("1")
        platform_row = page.locator("[data-testid=by-platform] tr", has_text="鹭岛共享停车")
        expect(platform_row.locator("[data-metric=bookings]")).to_have_text("1")
        expect(platform_row.locator("[data-metric=reviews]")).to_have_text("2")
        expect(page.locator("[data-testid=chart]")).to_contain_text("思明区")
        expect(page.locator("[data-testid=quarantined]")).to_have_text("0")

        # New facts appear by themselves: no reload (the marker on window would be lost).
        page.evaluate("window.__sharecityMarker = 'still-here'")
        other = factories.make_user("consumer2", password=PASSWORD)
        later = factories.next_slot(hours_ahead=4)
        booking_create(actor=other, platform=platform, space_id=space.public_id, customer=other,
                       starts_at=later, ends_at=later + dt.timedelta(hours=1))
        _pump()
        expect(page.locator("[data-testid=total-bookings]")).to_have_text("2", timeout=TIMEOUT_MS)
        expect(district_row.locator("[data-metric=bookings]")).to_have_text("2")
        assert page.evaluate("window.__sharecityMarker") == "still-here"

        page.screenshot(path=str(artifacts() / "dashboard.png"), full_page=True)

        # --- the language switch --------------------------------------------------------------
        page.click("[data-testid=lang-en]")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("h1")).to_have_text("Sharing economy monitoring")
        expect(page.locator("[data-testid=by-district] tr[data-district='350203'] th")).to_have_text("Siming")
        page.context.close()
