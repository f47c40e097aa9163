"""Enforcement in a real browser: a district officer opens a case from a complaint, decides a first minor
violation corrected in time (education, no penalty), then a repeat (a fine, into credit), and hands a
third case over to the neighbouring district, whose officer then finds it in their list."""

from __future__ import annotations

import pytest

from sharecity.hub.enforcement.models import Case
from sharecity.hub.registry.services import regulator_profile_set
from tests import factories
from tests.browser.support import PASSWORD, artifacts, chromium_browser, login, person_page

PROVIDER = "pk-provider-browser-01"


def open_case(page, base: str, summary: str, complaint: str) -> Case:
    page.goto(f"{base}/hub/enforcement/new/")
    page.select_option("select[name=district_code]", "350203")
    page.select_option("select[name=source_kind]", "complaint")
    page.fill("input[name=source_ref]", complaint)
    page.select_option("select[name=subject_kind]", "business")
    page.fill("input[name=subject_ref__q]", PROVIDER)  # typed: a key the hub has not seen yet
    page.fill("textarea[name=summary]", summary)
    page.click("[data-testid=case-submit]")
    case = Case.objects.get(summary=summary)
    page.wait_for_url(f"{base}/hub/enforcement/{case.public_id}/")
    return case


def decide(page, *, found: str, due: str, corrected: str) -> None:
    form = page.locator("[data-testid=decision-form]")
    form.locator("select[name=violation_code]").select_option("PRICE-13-TAGGING")
    form.locator("input[name=found_on]").fill(found)
    form.locator("input[name=minor]").check()
    form.locator("input[name=correction_due]").fill(due)
    form.locator("input[name=corrected_on]").fill(corrected)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_open_decide_with_leniency_then_a_repeat_and_hand_over(live_server):
    from playwright.sync_api import expect

    from tests.seeds import migration_seeds_restore

    migration_seeds_restore()  # a transactional test before this one flushed what migrations load
    siming = factories.make_user("siming", password=PASSWORD)
    regulator_profile_set(actor=None, user=siming, department="厦门市思明区市场监督管理局", district_code="350203")
    huli = factories.make_user("huli", password=PASSWORD)
    regulator_profile_set(actor=None, user=huli, department="厦门市湖里区市场监督管理局", district_code="350206")
    base = live_server.url

    with chromium_browser() as browser:
        page = person_page(browser)
        login(page, base, "siming", "/hub/enforcement/")
        # --- a first, minor violation corrected on time: education, no penalty ---------------------------
        open_case(page, base, "商户未明码标价（首次）", "C-2026-0001")
        decide(page, found="2026-11-02", due="2026-11-06", corrected="2026-11-05")
        page.click("[data-testid=decision-submit]")
        expect(page.locator("[data-testid=outcome]")).to_have_text("不予处罚，批评教育（首违不罚）")
        expect(page.locator("[data-testid=leniency]")).to_have_attribute("data-reason", "qualifies")
        page.screenshot(path=str(artifacts() / "enforcement-leniency.png"), full_page=True)

        # --- the same violation again within the look-back period: a fine ---------------------------------
        repeat = open_case(page, base, "商户未明码标价（再次）", "C-2026-0002")
        decide(page, found="2026-11-20", due="2026-11-24", corrected="2026-11-21")
        page.click("[data-testid=decision-submit]")
        expect(page.locator("[data-field-error=amount_fen], [data-testid=form-error]").first).to_contain_text("repeat")
        decide(page, found="2026-11-20", due="2026-11-24", corrected="2026-11-21")
        page.locator("[data-testid=decision-form] input[name=amount]").fill("2000")
        page.locator("[data-testid=decision-form] input[name=decision_number]").fill("思市监罚〔2026〕55号")
        page.click("[data-testid=decision-submit]")
        page.wait_for_url(f"{base}/hub/enforcement/{repeat.public_id}/")
        expect(page.locator("[data-testid=outcome]")).to_have_text("行政处罚")
        expect(page.locator("[data-testid=amount]")).to_have_text("¥2,000.00")

        # --- a third case goes to Huli's bureau, which then holds it --------------------------------------
        third = open_case(page, base, "经营场所实际位于湖里区", "C-2026-0003")
        form = page.locator("[data-testid=handover-form]")
        form.locator("select[name=to_department]").select_option("market_supervision")
        form.locator("select[name=to_district_code]").select_option("350206")
        form.locator("textarea[name=reason]").fill("经营场所位于湖里区，依属地原则移送")
        page.click("[data-testid=handover-submit]")
        page.wait_for_url(f"{base}/hub/enforcement/")
        expect(page.locator(f"tr[data-case='{third.public_id}']")).to_have_count(0)

        other = person_page(browser)
        login(other, base, "huli", "/hub/enforcement/")
        row = other.locator(f"tr[data-case='{third.public_id}']")
        expect(row).to_have_count(1)
        row.locator("a").click()
        expect(other.locator("[data-testid=handovers]")).to_contain_text("依属地原则移送")
        expect(other.locator("[data-testid=case-holder]")).to_contain_text("350206")
        other.screenshot(path=str(artifacts() / "enforcement-handover.png"), full_page=True)
