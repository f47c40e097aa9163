"""A provider closes their instrument for a day on its calendar and sees the capacity drop.

Drives Debian's chromium through Playwright's sync API against pytest-django's live server.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.availability.models import DatedException
from sharecity.market.availability.services import reservation_hold
from tests import factories
from tests.browser.support import artifacts, chromium_browser, login, person_page
from tests.market.engine_factories import make_listing


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_provider_closes_a_day_and_sees_the_capacity_drop(live_server):
    from playwright.sync_api import expect

    platform = factories.make_platform(slug="keyan", name="鹭岛科研仪器共享")
    provider = factories.make_provider(platform, "provider")  # password: PASSWORD
    listing = make_listing(platform, provider, capacity=2, title="激光共聚焦显微镜")
    today = timezone.now().astimezone(CITY_TZ).date()
    next_monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
    wednesday, thursday = next_monday + dt.timedelta(days=2), next_monday + dt.timedelta(days=3)
    ten = dt.datetime.combine(wednesday, dt.time(10), tzinfo=CITY_TZ)
    thursday_ten = dt.datetime.combine(thursday, dt.time(10), tzinfo=CITY_TZ)
    # Someone already holds one seat on Thursday morning.
    reservation_hold(listing=listing, customer=factories.make_user(), starts_at=thursday_ten,
                     ends_at=thursday_ten + dt.timedelta(hours=1))
    calendar_path = f"/p/keyan/listings/{listing.public_id}/calendar/"
    base = live_server.url

    with chromium_browser() as browser:
        page = person_page(browser)
        login(page, base, "provider", calendar_path)
        expect(page.locator("h1")).to_contain_text("激光共聚焦显微镜")

        # Next week, without reloading the page (htmx swaps the grid only).
        page.evaluate("window.__calendarMarker = 'kept'")
        page.click("[data-action=next-week]")
        expect(page.locator("[data-testid=week-start]")).to_have_text(
            f"{next_monday.year}年{next_monday.month}月{next_monday.day}日")
        assert page.evaluate("window.__calendarMarker") == "kept"
        # The forms under the grid now come back to the week shown.
        expect(page.locator("#week-rule")).to_have_value(f"{next_monday:%Y-%m-%d}")
        wednesday_ten = page.locator(f"[data-testid=slot][data-start='{ten.isoformat()}']")
        thursday_slot = page.locator(f"[data-testid=slot][data-start='{thursday_ten.isoformat()}']")
        expect(wednesday_ten).to_have_attribute("data-remaining", "2")
        expect(wednesday_ten).to_have_text("2/2")
        expect(thursday_slot).to_have_text("1/2")

        form = page.locator("[data-testid=exception-form]")
        form.locator("input[name=start_date]").fill(f"{wednesday:%Y-%m-%d}")
        form.locator("select[name=kind]").select_option("closed")
        form.locator("input[name=reason]").fill("设备年度保养")
        form.locator("[data-action=add-exception]").click()

        page.wait_for_url(f"{base}{calendar_path}?start={wednesday:%Y-%m-%d}")
        expect(page.locator(".message.success")).to_be_visible()
        expect(page.locator("[data-testid=week-start]")).to_have_text(
            f"{next_monday.year}年{next_monday.month}月{next_monday.day}日")
        wednesday_ten = page.locator(f"[data-testid=slot][data-start='{ten.isoformat()}']")
        expect(wednesday_ten).to_have_attribute("data-remaining", "0")
        expect(wednesday_ten).to_have_class("slot closed")
        expect(page.locator(f"[data-testid=slot][data-start^='{wednesday:%Y-%m-%d}'][data-remaining='0']")
               ).to_have_count(24)
        expect(page.locator(f"[data-testid=slot][data-start='{thursday_ten.isoformat()}']")).to_have_text("1/2")
        expect(page.locator("[data-testid=exception]")).to_contain_text("设备年度保养")
        page.screenshot(path=str(artifacts() / "calendar.png"), full_page=True)
        page.context.close()
    assert DatedException.objects.filter(plan__listing=listing, closed=True).count() == 1
