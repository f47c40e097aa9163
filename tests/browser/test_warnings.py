"""The regulator's main path through risk warnings, in a real browser: facts a platform sent are scanned into
warnings; the district's officer opens the list, reads one warning's explanation and the facts behind it,
assigns it to the unit responsible, records the handling and closes it."""

from __future__ import annotations

import pytest

from sharecity.hub.registry.services import regulator_profile_set
from sharecity.hub.warnings.models import Warning
from sharecity.hub.warnings.services import warnings_scan
from tests import factories
from tests.browser.support import PASSWORD, artifacts, chromium_browser, login, person_page
from tests.hub.hostile import ExternalPlatform, listing
from tests.hub.test_facts_intake import send


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_reads_a_warning_assigns_handles_and_closes_it(live_server):
    from playwright.sync_api import expect

    from tests.seeds import migration_seeds_restore

    migration_seeds_restore()  # a transactional test before this one flushed what migrations load
    platform = ExternalPlatform.onboard("鹭岛民宿")
    # Published on 23 November at 300 yuan a night, raised to 450 on the 25th, "30% off" at 315 on the 27th.
    send(platform, [
        ("listing.published", listing(listing_id="L-sea", category="homestay", district="350206",
                                      provider_key="pk-host-000001", title="海景房", price_fen=30_000,
                                      price_unit="night")),
        ("listing.changed", {"listing_id": "L-sea", "changed": ["price"], "changed_at": "2026-11-25T10:00:00+08:00",
                             "price_fen": 45_000, "price_unit": "night"}),
        ("listing.changed", {"listing_id": "L-sea", "changed": ["price", "title"],
                             "changed_at": "2026-11-27T10:00:00+08:00", "price_fen": 31_500, "price_unit": "night",
                             "title": "限时七折 海景房"}),
    ])
    warnings_scan()
    warning = Warning.objects.get(rule="false_discount")
    officer = factories.make_user("huli-officer", password=PASSWORD)
    regulator_profile_set(actor=None, user=officer, department="厦门市湖里区市场监督管理局", district_code="350206")
    base = live_server.url

    with chromium_browser() as browser:
        page = person_page(browser)
        login(page, base, "huli-officer", "/hub/warnings/")
        expect(page.locator("h1")).to_have_text("风险预警")
        row = page.locator(f"tr[data-warning='{warning.pk}']")
        expect(row).to_contain_text("以未满七日的价格为基准降价促销")
        expect(row.locator("[data-testid=warning-status]")).to_have_text("新预警")
        page.screenshot(path=str(artifacts() / "warnings-list.png"), full_page=True)

        row.locator("[data-testid=warning-link]").click()
        expect(page.locator("[data-testid=explanation]")).to_contain_text("第十九条")
        expect(page.locator("[data-testid=explanation]")).to_contain_text("300.00")
        expect(page.locator("[data-testid=evidence] tbody tr")).to_have_count(2)
        page.click("[data-testid=assign-submit]")
        expect(page.locator("[data-testid=status]")).to_have_text("已分派")
        expect(page.locator("[data-testid=assigned]")).to_contain_text("厦门市湖里区市场监督管理局")

        page.fill("#h-notes", "已约谈经营者，恢复原价并公示")
        page.click("[data-testid=handle-submit]")
        expect(page.locator("[data-testid=status]")).to_have_text("已处置")
        page.fill("#c-notes", "整改到位，办结")
        page.click("[data-testid=close-submit]")
        expect(page.locator("[data-testid=status]")).to_have_text("关闭")
        expect(page.locator("[data-testid=close-form]")).to_have_count(0)
        page.screenshot(path=str(artifacts() / "warnings-detail.png"), full_page=True)

        page.click("[data-testid=lang-en]")
        expect(page.locator("h1")).to_have_text("Discount from a price not held for seven days")
        expect(page.locator("[data-testid=explanation]")).to_contain_text("SAMR Order 73 Art. 19")
        page.context.close()
    warning.refresh_from_db()
    assert (warning.status, warning.closed_by) == ("closed", officer)
    assert warning.handling_notes == "已约谈经营者，恢复原价并公示"
