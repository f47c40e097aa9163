"""The regulator's main path through the facts platforms reported, in a real browser: open the
complaints, open one, see its course, and record a follow-up note."""

from __future__ import annotations

import pytest

from sharecity.hub.facts.models import FollowUpNote
from sharecity.hub.registry.services import regulator_profile_set
from tests import factories
from tests.browser.support import PASSWORD, artifacts, chromium_browser, login, person_page
from tests.hub.hostile import ExternalPlatform
from tests.hub.test_facts_intake import every_type, send


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_opens_a_complaint_and_records_a_follow_up(live_server):
    from playwright.sync_api import expect

    from tests.seeds import migration_seeds_restore

    migration_seeds_restore()  # an escalated complaint enters the third-party queue with its time limits
    platform = ExternalPlatform.onboard("鹭岛民宿")
    send(platform, every_type())
    send(platform, [("complaint.filed", {"complaint_id": "C-late", "order_id": "O-5", "district": "350206",
                                         "category": "noise", "complainant_key": "pk-guest-000005"})])
    officer = factories.make_user("huli-officer", password=PASSWORD)
    regulator_profile_set(actor=None, user=officer, department="厦门市湖里区市场监督管理局", district_code="350206")
    base = live_server.url

    with chromium_browser() as browser:
        page = person_page(browser)
        login(page, base, "huli-officer", "/hub/facts/complaints/")
        expect(page.locator("h1")).to_have_text("投诉")
        # The complaint filed long ago and never answered stands out.
        late = page.locator("tr[data-fact='C-late']")
        expect(late).to_have_class("overdue")
        expect(late.locator("[data-testid=overdue]")).to_have_text("已逾期")
        page.screenshot(path=str(artifacts() / "facts-complaints.png"), full_page=True)

        page.locator("tr[data-fact='C-1'] [data-testid=complaint-link]").click()
        expect(page.locator("[data-testid=status]")).to_have_text("已解决")
        timeline = page.locator("[data-testid=timeline] li")
        expect(timeline).to_have_count(4)
        expect(page.locator("[data-testid=assistance-link]")).to_be_visible()

        page.fill("#note-text", "已约谈平台负责人，要求七日内回访投诉人")
        page.click("[data-testid=note-submit]")
        expect(page.locator(".message")).to_contain_text("跟进记录已保存")
        expect(page.locator("[data-testid=timeline] [data-testid=note-text]")).to_have_text(
            "已约谈平台负责人，要求七日内回访投诉人")
        page.screenshot(path=str(artifacts() / "facts-complaint.png"), full_page=True)

        # The same page in English.
        page.click("[data-testid=lang-en]")
        expect(page.locator("h1")).to_contain_text("Complaint")
        page.context.close()
    assert FollowUpNote.objects.get().complaint.complaint_id == "C-1"
