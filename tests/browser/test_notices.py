"""A rights holder files a notice on a phone-sized screen, without an account, and the platform's operator takes
the listing down from the console (《中华人民共和国电子商务法》第四十二条). Drives Debian's chromium through
Playwright's sync API against pytest-django's live server."""

from __future__ import annotations

import pytest

from sharecity.market.listings.models import ListingStatus
from sharecity.market.notices.models import Notice, NoticeStatus
from tests import factories
from tests.browser.support import TIMEOUT_MS, artifacts, chromium_browser, login, person_page
from tests.market.notices.helpers import PNG, make_operator, published


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_notice_filed_on_a_phone_and_the_operator_takes_the_listing_down(live_server, tmp_path):
    from playwright.sync_api import expect

    from tests.seeds import migration_seeds_restore

    migration_seeds_restore()
    platform = factories.make_platform(slug="ludao-life", name="鹭岛共享生活")
    provider = factories.make_provider(platform, "host")
    listing = published(platform, provider, title="鼓浪屿鹭岛之家民宿")
    make_operator(platform, "operator")
    evidence = tmp_path / "商标注册证.png"
    evidence.write_bytes(PNG)
    base = live_server.url

    with chromium_browser() as browser:
        context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True,
                                      has_touch=True)
        context.set_default_timeout(TIMEOUT_MS)
        phone = context.new_page()
        phone.goto(f"{base}/p/ludao-life/notices/new?listing={listing.public_id}")
        expect(phone.locator("h1")).to_contain_text("侵权通知")
        # Nothing runs off the side of a narrow screen.
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        phone.fill("input[name=holder_name]", "鹭岛文化创意有限公司")
        phone.fill("input[name=holder_contact]", "0592-5551234")
        phone.select_option("select[name=right_kind]", "trademark")
        phone.fill("textarea[name=registration_numbers]", "第12345678号")
        phone.fill("textarea[name=claim]", "该房源标题使用了我公司注册商标“鹭岛之家”，未经许可。")
        phone.set_input_files("input[name=evidence]", str(evidence))
        phone.click("[data-testid=notice-form] button[type=submit]")
        code = phone.locator("[data-testid=tracking-code]").inner_text().strip()
        expect(phone.locator("[data-testid=tracking-secret]")).not_to_be_empty()
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        phone.screenshot(path=str(artifacts() / "notice-filed-phone.png"), full_page=True)
        notice = Notice.objects.get(tracking_code=code)

        page = person_page(browser)
        login(page, base, "operator", "/p/ludao-life/operator/notices/")
        page.click(f"text={code}")
        page.click("[data-testid=action-take_down] button[type=submit]")
        expect(page.locator("[data-testid=notice-status]")).to_have_attribute("data-status", "taken_down")
        expect(page.locator("[data-testid=notice-listings] li").first).to_have_attribute(
            "data-listing-status", "suspended")
        page.click("[data-testid=action-forward] button[type=submit]")
        expect(page.locator("[data-testid=notice-steps] li[data-step=forwarded]")).to_have_count(1)
        page.screenshot(path=str(artifacts() / "notice-taken-down.png"), full_page=True)

        # The rights holder's page, still open on the phone, shows the takedown.
        phone.click(f"a[href='/p/ludao-life/notices/track/{notice.public_id}/']")
        phone.wait_for_url(f"{base}/p/ludao-life/notices/track/{notice.public_id}/")
        expect(phone.locator("[data-testid=notice-status]")).to_have_attribute("data-status", "taken_down")
        context.close()

    listing.refresh_from_db()
    notice.refresh_from_db()
    assert listing.status == ListingStatus.SUSPENDED
    assert notice.status == NoticeStatus.TAKEN_DOWN and notice.forwarded_at is not None
