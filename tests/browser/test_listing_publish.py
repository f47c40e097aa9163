"""A provider lists a homestay in a real browser: the category-driven form, a rejection with its
statement of reasons, the fix, publication; a listing with a WeChat id waits in the moderation
queue until a moderator approves it (htmx, in place).

Drives Debian's chromium through Playwright's sync API against pytest-django's live server.
"""

from __future__ import annotations

import pytest

from sharecity.kernel.models import OutboxMessage
from sharecity.market.listings.models import Listing, ListingStatus
from tests import factories
from tests.browser.support import artifacts, chromium_browser, login, person_page
from tests.market.moderation.helpers import LICENCE_NUMBER, homestay, make_operator


def _fill_homestay(page, *, title: str, description: str, licence: str = "") -> None:
    page.fill("input[name=title]", title)
    page.fill("textarea[name=description]", description)
    page.select_option("select[name=district]", "350203")
    page.fill("input[name=address]", "鼓浪屿龙头路1号")
    page.fill("input[name=attr_guests]", "2")
    page.select_option("select[name=attr_room_type]", "entire")
    page.check("input[name=attr_sea_view]")
    page.fill("input[name=lic_special_industry_licence]", licence)
    page.fill("input[name=price]", "380")
    page.select_option("select[name=price_unit]", "night")
    page.fill("input[name=deposit]", "500")
    page.fill("input[name=deposit_refund_days]", "3")
    page.fill("input[name=fee_label_0]", "清洁费")
    page.fill("input[name=fee_amount_0]", "50")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_provider_publishes_a_homestay_and_a_moderator_clears_another(live_server):
    from playwright.sync_api import expect

    platform = factories.make_platform(slug="gulangyu", name="鼓浪屿民宿共享")
    homestay(platform)
    factories.make_provider(platform, "host")
    make_operator(platform, "moderator")
    base = live_server.url

    with chromium_browser() as browser:
        page = person_page(browser, height=1000)
        login(page, base, "host", "/p/gulangyu/listings/mine/")
        page.click("[data-testid=new-listing]")
        page.select_option("select[name=category]", "homestay")
        page.click("[data-action=choose-category]")
        form = page.locator("[data-testid=listing-form]")
        expect(form).to_contain_text("可住人数（人）")
        expect(form).to_contain_text("《旅馆业治安管理办法》第四条")

        # Without the special-industry licence the screening rejects it, and says why.
        _fill_homestay(page, title="鼓浪屿海景民宿", description="推窗见海，步行五分钟到轮渡码头。")
        page.click("[data-action=submit]")
        page.wait_for_url(f"{base}/p/gulangyu/listings/mine/")
        row = page.locator("[data-testid=listing-row]", has_text="鼓浪屿海景民宿")
        expect(row).to_have_attribute("data-status", "rejected")
        statement = page.locator("[data-testid=statement]")
        expect(statement).to_contain_text("《旅馆业治安管理办法》第四条")
        expect(statement).to_contain_text("特种行业许可证")
        page.screenshot(path=str(artifacts() / "listing-rejected.png"), full_page=True)

        # The provider adds the licence and submits again: published.
        row.locator("[data-action=edit]").click()
        page.fill("input[name=lic_special_industry_licence]", LICENCE_NUMBER)
        page.click("[data-action=submit]")
        page.wait_for_url(f"{base}/p/gulangyu/listings/mine/")
        expect(page.locator("[data-testid=listing-row]", has_text="鼓浪屿海景民宿")).to_have_attribute(
            "data-status", "published")
        listing = Listing.objects.get(title="鼓浪屿海景民宿")
        assert (listing.price_fen, listing.deposit_fen, listing.attributes["sea_view"]) == (38_000, 50_000, True)
        assert OutboxMessage.objects.filter(message_type="listing.published").count() == 1

        # A second listing leaves a WeChat id: it waits for a moderator.
        page.goto(f"{base}/p/gulangyu/listings/new/?category=homestay")
        _fill_homestay(page, title="龙头路亲子房", description="看房请加微信 xmhome2023", licence=LICENCE_NUMBER)
        page.click("[data-action=submit]")
        page.wait_for_url(f"{base}/p/gulangyu/listings/mine/")
        expect(page.locator("[data-testid=listing-row]", has_text="龙头路亲子房")).to_have_attribute(
            "data-status", "pending_review")
        page.context.close()

        page = person_page(browser)
        login(page, base, "moderator", "/p/gulangyu/operator/moderation/")
        case = page.locator("[data-testid=case]", has_text="龙头路亲子房")
        expect(case.locator("mark.finding")).to_have_text("加微信 xmhome2023")
        page.screenshot(path=str(artifacts() / "moderation-queue.png"), full_page=True)
        case.locator("[data-action=approve]").click()
        expect(page.locator("[data-testid=case-decided]")).to_have_attribute("data-outcome", "approved")
        assert Listing.objects.get(title="龙头路亲子房").status == ListingStatus.PUBLISHED
        page.context.close()
