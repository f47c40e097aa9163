"""Random inspections in a real browser: a district officer makes a plan, commits the seed, draws once,
reveals the seed and sees the draw verified, records a visit that found a violation and publishes it;
the public results page shows it; the English interface reads in English."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.browser.support import PASSWORD, artifacts, chromium_browser, login, person_page
from tests.hub import inspection_support as support


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_plans_draws_verifies_records_and_publishes(live_server):
    from playwright.sync_api import expect

    from sharecity.hub.inspection import services
    from sharecity.hub.registry.services import regulator_profile_set

    support.ensure_seeds()
    officer = factories.make_user("siming-inspection", password=PASSWORD)
    regulator_profile_set(actor=None, user=officer, department="厦门市思明区市场监督管理局",
                          department_kind="market_supervision", city_code="350200", district_code="350203")
    for n in range(3):
        services.inspector_add(actor=officer, name=f"检查员{n}", badge=f"SM-{n}", residence_district_code="350206")
    for risk_class in "DDCBB":
        support.provider("350203", risk_class)
    base = live_server.url

    with chromium_browser() as browser:
        page = person_page(browser)
        login(page, base, "siming-inspection", "/hub/inspection/")
        page.get_by_test_id("plan-new").click()
        form = page.get_by_test_id("plan-form")
        form.locator("input[name=title]").fill("思明区民宿双随机抽查")
        form.locator("input[name=sector]").fill("homestay")
        form.locator("input[name=districts][value='350203']").check()
        form.locator("input[name=item_codes][value='ms-licence-display']").check()
        form.locator("input[name=period_start]").fill("2026-12-07")
        form.locator("input[name=period_end]").fill("2027-01-31")
        form.locator("input[name=recuse_residence]").check()
        form.get_by_role("button").click()
        page.wait_for_url(re.compile(r".*/hub/inspection/plans/\d+/$"))
        expect(page.get_by_test_id("plan-state")).to_have_text("草稿")

        page.get_by_test_id("commit").click()
        expect(page.get_by_test_id("commitment")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
        expect(page.get_by_test_id("seed")).to_have_text("公开前保密")
        page.get_by_test_id("draw").click()
        tasks = page.get_by_test_id("tasks")
        # ceil(61% × 2 D) = 2, ceil(21% × 1 C) = 1, ceil(5% × 2 B) = 1
        expect(tasks.locator("tbody tr")).to_have_count(4)
        page.get_by_test_id("reveal").click()
        expect(page.get_by_test_id("seed")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
        expect(page.get_by_test_id("verification")).to_contain_text("已验证")
        page.screenshot(path=str(artifacts() / "inspection-plan.png"), full_page=True)

        tasks.locator("tbody tr").first.locator("a").click()
        result = page.get_by_test_id("result-form")
        result.get_by_test_id("violation-found").check()
        result.locator("textarea[name=findings]").fill("未在经营页面公示营业执照")
        result.get_by_role("button").click()
        expect(page.get_by_test_id("violation")).to_have_text("是")
        page.get_by_test_id("publish").click()
        expect(page.get_by_test_id("task-state")).to_have_text("已发布")
        page.context.close()

        public = person_page(browser)
        public.goto(f"{base}/inspection/results/")
        expect(public.get_by_test_id("results")).to_contain_text("思明区民宿双随机抽查")
        expect(public.get_by_test_id("results")).to_contain_text("未在经营页面公示营业执照")
        public.get_by_test_id("lang-en").click()
        expect(public.locator("h1")).to_have_text("Random inspection results")
        public.screenshot(path=str(artifacts() / "inspection-public.png"), full_page=True)
        public.context.close()
