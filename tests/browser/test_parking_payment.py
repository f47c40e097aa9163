"""Parking pays like the marketplace, in a real browser: the consumer books a space a day ahead, sees the
payment held, cancels before the stay and sees it refunded; the ledger agrees."""

from __future__ import annotations

import datetime as dt

import pytest

from sharecity.market.parking.models import Booking
from sharecity.market.payments.selectors import order_balance
from tests import factories
from tests.browser.support import PASSWORD, artifacts, chromium_browser, login, person_page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_consumer_pays_for_a_space_and_is_refunded_on_cancelling(live_server):
    from playwright.sync_api import expect

    platform = factories.make_platform(slug="ludao", name="鹭岛共享停车")
    provider = factories.make_provider(platform, "provider")
    space = factories.make_space(platform, provider, district="350203", price_fen=800, title="中山路夜间车位")
    factories.make_user("consumer", password=PASSWORD)
    start = factories.next_slot(24).replace(hour=10, minute=0)  # tomorrow morning: the stay has not begun
    base = live_server.url

    with chromium_browser() as browser:
        page = person_page(browser)
        login(page, base, "consumer", "/p/ludao/")
        page.goto(f"{base}/p/ludao/spaces/{space.public_id}/")
        page.fill("input[name=date]", f"{start:%Y-%m-%d}")
        page.select_option("select[name=start]", f"{start:%H:%M}")
        page.select_option("select[name=end]", f"{start + dt.timedelta(hours=2):%H:%M}")
        expect(page.locator("[data-testid=quote-total]")).to_have_text("¥16.00")
        page.locator("[data-action=book]").click()
        page.wait_for_url(f"{base}/p/ludao/bookings/")
        expect(page.locator(".message.success")).to_contain_text("¥16.00")
        booking = Booking.objects.get(space=space)
        card = page.locator(f"[data-booking='{booking.public_id}']")
        expect(card.locator("[data-testid=payment]")).to_contain_text("¥16.00")
        assert order_balance(order_ref=str(booking.public_id)).escrow_fen == 1_600
        page.screenshot(path=str(artifacts() / "parking-paid.png"), full_page=True)

        card.locator("[data-action=cancel]").click()
        card = page.locator(f"[data-booking='{booking.public_id}']")
        expect(card.locator("[data-testid=state]")).to_have_attribute("class", "state cancelled")
        expect(card.locator("[data-testid=refunded]")).to_have_text("¥16.00")
        balance = order_balance(order_ref=str(booking.public_id))
        assert (balance.refunded_fen, balance.escrow_fen) == (1_600, 0)
