"""On a phone-sized screen, without an account: file a complaint about a platform with a photo as evidence, keep
the tracking code and secret, open the complaint with them, and read what the association decided."""

from __future__ import annotations

import pytest

from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.complaints import services
from sharecity.hub.complaints.models import ThirdPartyComplaint
from tests import factories
from tests.browser.support import TIMEOUT_MS, artifacts, chromium_browser
from tests.hub.tpc_support import PNG, staff, uplink
from tests.seeds import migration_seeds_restore


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_file_and_track_a_complaint_on_a_narrow_screen(live_server, tmp_path):
    migration_seeds_restore()
    platform = factories.make_platform(slug="ludao-life", name="鹭岛共享生活")
    uplink(LocalTransport())
    association = staff()
    photo = tmp_path / "receipt.png"
    photo.write_bytes(PNG)
    base = live_server.url

    with chromium_browser() as browser:
        context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True,
                                      has_touch=True)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(f"{base}/complaints/")
        form = page.locator("[data-testid=file-form]")
        form.locator("select[name=platform_id]").select_option(platform.exchange_id)
        form.locator("select[name=district_code]").select_option("350203")
        form.locator("select[name=category]").select_option("refund")
        form.locator("textarea[name=description]").fill("押金退还申请提交十天仍未退还，客服不回复。")
        form.locator("select[name=desired_outcome]").select_option("refund")
        form.locator("input[name=contact]").fill("13800138000")
        form.locator("input[name=evidence]").set_input_files(str(photo))
        # Nothing overflows the narrow screen sideways.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.click("[data-testid=file-submit]")
        code = page.locator("[data-testid=tracking-code]").inner_text().strip()
        secret = page.locator("[data-testid=tracking-secret]").inner_text().strip()
        assert code.startswith("TS") and len(secret) >= 16
        page.screenshot(path=str(artifacts() / "tpc-filed-mobile.png"), full_page=True)

        complaint = ThirdPartyComplaint.objects.get(tracking_code=code)
        assert complaint.evidence.count() == 1
        services.complaint_refuse(actor=association, complaint_id=complaint.public_id,
                                  reason="该纠纷已由人民法院受理，不属于调解范围。")

        # Another browser (no session): the code and the secret open it.
        context.close()
        other = browser.new_context(locale="en-US", viewport={"width": 360, "height": 740}, is_mobile=True)
        other.set_default_timeout(TIMEOUT_MS)
        page = other.new_page()
        page.goto(f"{base}/complaints/track/")
        page.fill("input[name=code]", code)
        page.fill("input[name=secret]", "not-the-secret")
        page.click("[data-testid=track-submit]")
        assert page.locator("[data-testid=status]").count() == 0
        page.fill("input[name=code]", code)
        page.fill("input[name=secret]", secret)
        page.click("[data-testid=track-submit]")
        status = page.locator("[data-testid=status]")
        assert status.get_attribute("data-status") == "refused"
        assert "不属于调解范围" in page.locator("body").inner_text()
        assert page.locator("[data-testid=notices] li[data-kind=refused]").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=str(artifacts() / "tpc-tracked-mobile.png"), full_page=True)
        other.close()
