"""Credit repair in a real browser: an officer records a penalty and sees the repair notice served
with it; the subject applies at the public window; the officer decides; the subject sees the result."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sharecity.hub.publicity.models import PenaltyDecision, RepairApplication
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.timeutil import CITY_TZ
from tests import factories
from tests.browser.support import PASSWORD, artifacts, chromium_browser, login, person_page


def _zh_date(day: dt.date) -> str:
    """A date as a Chinese page shows it: 2026年12月7日."""
    return f"{day.year}年{day.month}月{day.day}日"

KEY = "id-" + "k" * 26


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_penalty_notice_public_window_decision_and_result(live_server):
    from playwright.sync_api import expect

    officer = factories.make_user("officer", password=PASSWORD)
    regulator_profile_set(actor=None, user=officer, department="厦门市市场监督管理局")
    decided = timezone.now().astimezone(CITY_TZ).date() - dt.timedelta(days=120)
    base = live_server.url

    with chromium_browser() as browser:
        # --- the officer records an ordinary penalty and sees the notice ------------------------------
        page = person_page(browser)
        login(page, base, "officer", "/hub/publicity/penalties/new/")
        page.select_option("select[name=subject_kind]", "person")
        page.fill("input[name=subject_identifier]", KEY)
        page.fill("input[name=decision_number]", "厦市监罚〔2026〕88号")
        page.fill("input[name=law]", "《中华人民共和国价格法》")
        page.fill("input[name=article]", "第十三条")
        page.select_option("select[name=severity]", "ordinary")
        page.fill("input[name=decided_on]", decided.isoformat())
        page.fill("input[name=district_code]", "350203")
        page.fill("textarea[name=facts]", "未按规定明码标价")
        page.click("[data-testid=penalty-submit]")
        penalty = PenaltyDecision.objects.get()
        page.wait_for_url(f"{base}/hub/publicity/penalties/{penalty.public_id}/")
        notice = page.locator("[data-testid=repair-notice]")
        expect(notice).to_contain_text("信用修复告知书")
        expect(notice.locator("[data-testid=repair-from]")).to_have_text(_zh_date(penalty.repair_from))
        expect(notice.locator("[data-testid=display-until]")).to_have_text(_zh_date(penalty.display_until))
        page.screenshot(path=str(artifacts() / "publicity-notice.png"), full_page=True)

        # --- the subject applies at the public window, without logging in ------------------------------
        public = person_page(browser)
        public.goto(f"{base}/credit/repair/")
        public.fill("input[name=decision_number]", "厦市监罚〔2026〕88号")
        public.fill("input[name=subject_identifier]", KEY)
        public.fill("textarea[name=performance]", "罚款已缴清")
        public.fill("textarea[name=correction]", "已公示收费标准")
        public.fill("textarea[name=commitment]", "承诺依法明码标价")
        public.click("[data-testid=apply-submit]")
        code = public.locator("[data-testid=tracking-code]").inner_text()
        secret = public.locator("[data-testid=secret]").inner_text()
        application = RepairApplication.objects.get()
        assert code == application.tracking_code
        expect(public.locator("[data-testid=result-due]")).to_have_text(_zh_date(application.result_due))

        # --- the deciding department sees it in its queue with the deadline, and decides ---------------
        page.goto(f"{base}/hub/publicity/repairs/")
        row = page.locator(f"tr[data-code='{code}']")
        expect(row.locator("[data-testid=decision-due]")).to_have_text(_zh_date(application.decision_due))
        row.locator("a").click()
        page.select_option("select[name=decision]", "approve")
        page.fill("textarea[name=reasons]", "已履行处罚、纠正行为并作出公开承诺，准予修复")
        page.click("[data-testid=decision-submit]")
        expect(page.locator("[data-testid=repair-status]")).to_have_attribute("data-status", "approved")

        # --- the subject follows with the code and the secret and sees the reasoned result ------------
        public.goto(f"{base}/credit/repair/follow/")
        public.fill("input[name=tracking_code]", code)
        public.fill("input[name=secret]", secret)
        public.click("[data-testid=follow-submit]")
        expect(public.locator("[data-testid=repair-status]")).to_have_attribute("data-status", "approved")
        expect(public.locator("[data-testid=repair-reasons]")).to_contain_text("准予修复")
        public.screenshot(path=str(artifacts() / "publicity-result.png"), full_page=True)
    penalty.refresh_from_db()
    assert penalty.repaired_at is not None
