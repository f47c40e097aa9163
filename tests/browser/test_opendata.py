"""The open data catalogue on a phone, without login: a resident searches, narrows by publisher, opens a
dataset and reads its metadata, privacy note and preview; screenshots go to the artifacts folder."""

from __future__ import annotations

import pytest

from tests.browser.support import CHROMIUM_ARGS, TIMEOUT_MS, artifacts
from tests.conftest import CHROMIUM


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_resident_finds_and_reads_a_dataset_on_a_phone(live_server):
    from playwright.sync_api import expect, sync_playwright

    from sharecity.hub.opendata.services import datasets_refresh
    from tests.hub.slice import run_slice
    from tests.hub.test_opendata_portal import next_month, pump
    from tests.seeds import migration_seeds_restore

    migration_seeds_restore()
    the_slice = run_slice(district="350203", name="鹭江共享停车")
    pump()
    datasets_refresh(now=next_month())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.goto(f"{live_server.url}/opendata/")
            expect(page.locator("h1")).to_have_text("开放数据")
            expect(page.locator("[data-testid=od-dataset]")).to_have_count(9)
            page.get_by_label("搜索数据集").fill("企业名录")
            page.get_by_role("button", name="搜索").click()
            expect(page.locator("[data-testid=od-dataset]")).to_have_count(1)
            page.screenshot(path=str(artifacts() / "opendata-catalogue-phone.png"), full_page=True)
            page.goto(f"{live_server.url}/opendata/")
            page.get_by_role("link", name="统计与监测").click()
            expect(page.locator("[data-testid=od-dataset]")).to_have_count(1)
            page.get_by_role("link", name="共享经济分区分行业月度统计").click()
            expect(page.locator("[data-testid=od-privacy]")).to_contain_text("差分隐私")
            page.goto(f"{live_server.url}/opendata/dataset/platform-directory/")
            expect(page.locator("[data-testid=od-preview]")).to_contain_text(the_slice.platform.name)
            expect(page.locator("[data-testid=od-meta]")).to_contain_text("市场监督管理部门")
            # The page fits the phone: only the preview table scrolls sideways, inside its own region.
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, width
            page.screenshot(path=str(artifacts() / "opendata-dataset-phone.png"), full_page=True)
        finally:
            browser.close()
