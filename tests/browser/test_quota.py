"""Quotas in a real browser: the city's officer computes the quarter's evaluation from the fleets platforms
reported, allocates by the Xiamen rule, publishes; anyone then reads the quota table without logging in, in
Chinese and in English."""

from __future__ import annotations

import re

import pytest

from tests.browser.support import artifacts, chromium_browser, login, person_page
from tests.seeds import migration_seeds_restore


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_evaluates_allocates_publishes_and_the_public_reads_the_table(live_server):
    from playwright.sync_api import expect

    from tests.hub.test_quota_flow import City, report

    migration_seeds_restore()
    city = City()
    assert city.post(city.console, "ludao-bike", report()).status_code == 201
    assert city.post(city.other_console, "haixi-bike",
                     report(vehicles_deployed=400, vehicles_good=200, parking_compliant=60)).status_code == 201
    city.sync()
    base = live_server.url

    with chromium_browser() as browser:
        page = person_page(browser)
        login(page, base, "xm-transport", "/hub/quota/")
        expect(page.get_by_test_id("fleet").locator("tbody tr")).to_have_count(2)
        evaluation = page.get_by_test_id("evaluation-form")
        evaluation.locator("input[name=year]").fill("2025")
        evaluation.locator("input[name=quarter]").fill("3")
        evaluation.get_by_role("button").click()
        expect(page.get_by_test_id("evaluations").locator("tbody tr")).to_have_count(2)

        allocate = page.get_by_test_id("run-form")
        allocate.locator("input[name=year]").fill("2025")
        allocate.locator("input[name=quarter]").fill("3")
        allocate.locator("select[name=method]").select_option("rank-shares")
        allocate.locator("input[name=total]").fill("1600")
        allocate.locator("input[name=reserve_new]").fill("0")
        allocate.locator("input[name=shares]").fill("0.5,0.3,0.2")
        allocate.locator("input[name=pass_mark]").fill("60")
        allocate.get_by_role("button").click()
        page.wait_for_url(re.compile(r".*/hub/quota/runs/\d+/$"))
        table = page.get_by_test_id("quota-table")
        expect(table.locator("tbody tr")).to_have_count(2)
        expect(table).to_contain_text("鹭岛单车")
        expect(table).to_contain_text("600")  # rank 1: 800, island 3/4
        expect(page.get_by_test_id("withheld")).to_have_text(re.compile(r"^(320|800)$"))
        page.get_by_test_id("publish").click()
        expect(page.get_by_text("配额正在下达给各平台。")).to_be_visible()
        page.screenshot(path=str(artifacts() / "quota-run.png"), full_page=True)
        page.context.close()

        public = person_page(browser)
        public.goto(f"{base}/quota/")
        xiamen = public.get_by_test_id("city-350200")
        expect(xiamen).to_contain_text("鹭岛单车")
        expect(xiamen).to_contain_text("岛内")
        expect(xiamen.locator("tbody tr").first).to_contain_text("800")
        public.get_by_test_id("lang-en").click()
        expect(public.get_by_role("heading", level=1)).to_have_text("Bike quotas")
        expect(public.get_by_test_id("city-350200")).to_contain_text("Off-island")
        public.screenshot(path=str(artifacts() / "quota-public.png"), full_page=True)
