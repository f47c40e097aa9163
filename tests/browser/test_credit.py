"""Credit in a real browser: an officer goes from the file list to a file and reads why it has its grade;
anyone looks an enterprise up on the public credit page and sees keys masked."""

from __future__ import annotations

import re

import pytest

from sharecity.hub.credit.models import CreditSubject
from sharecity.hub.registry.services import regulator_profile_set
from tests import factories
from tests.browser.support import PASSWORD, artifacts, chromium_browser, login, person_page
from tests.hub.credit_support import provider_key, slice_with_credit_facts


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_reads_a_files_explanation_and_the_public_looks_it_up(live_server):
    from playwright.sync_api import expect

    the_slice, _ = slice_with_credit_facts(district="350203", name="鹭岛共享停车")
    provider = CreditSubject.objects.get(identifier=provider_key(the_slice))
    enterprise = CreditSubject.objects.get(kind="enterprise", platform_id=the_slice.platform_id)
    officer = factories.make_user("siming-officer", password=PASSWORD)
    regulator_profile_set(actor=None, user=officer, department="思明区市场监督管理局", district_code="350203")
    base = live_server.url

    with chromium_browser() as browser:
        page = person_page(browser)
        login(page, base, "siming-officer", "/hub/credit/")
        files = page.get_by_test_id("credit-files")
        expect(files.locator(f"tr[data-subject-id='{provider.pk}']")).to_be_visible()
        expect(files).not_to_contain_text(provider.identifier)  # masked
        files.locator(f"tr[data-subject-id='{provider.pk}'] a").click()
        page.wait_for_url(f"{base}/hub/credit/{provider.pk}/")


        expect(page.get_by_test_id("file-grade")).to_have_text(re.compile(r"^[ABCD]$"))
        expect(page.get_by_test_id("indicator-chart")).to_contain_text("履约践诺")
        explanation = page.get_by_test_id("explanation")
        expect(explanation.locator("[data-rule=complaint_upheld]")).to_contain_text("投诉成立")
        expect(explanation.locator("[data-rule=reviews_good]")).to_be_visible()
        # The rule line links to the record it counted.
        explanation.locator("[data-rule=complaint_upheld] a").first.click()
        expect(page.locator("tr[data-kind=complaint]")).to_contain_text("-10")
        page.screenshot(path=str(artifacts() / "credit-file.png"), full_page=True)
        page.context.close()

        public = person_page(browser)
        public.goto(f"{base}/credit/")
        public.fill("input[name=q]", "鹭岛")
        public.get_by_role("button", name="搜索").click()
        result = public.get_by_test_id("public-result")
        expect(result).to_contain_text("鹭岛共享停车")
        expect(public.get_by_test_id("public-identifier")).to_have_text(enterprise.identifier)
        expect(public.get_by_test_id("public-list")).to_have_text("未列入名单")
        expect(result).not_to_contain_text("安全事件")  # not a public record
        public.goto(f"{base}/credit/?q={provider.identifier}")
        expect(public.get_by_test_id("public-identifier")).not_to_have_text(provider.identifier)
        expect(public.get_by_test_id("public-identifier")).to_contain_text("****")
        public.screenshot(path=str(artifacts() / "credit-public.png"), full_page=True)
        public.context.close()
