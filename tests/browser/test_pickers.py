"""The directive form's pickers in a real browser, in Chinese and in English: an officer types part of a
platform's Chinese name, picks it from the list, picks a listing of that platform the same way, sends the
recall order and sees it issued. The open list passes axe-core (no serious or critical violation)."""

from __future__ import annotations

import re

import pytest

from tests.browser.support import TIMEOUT_MS, artifacts, chromium_browser, login
from tests.browser.test_accessibility import axe_violations

LANGUAGES = [("zh-hans", "zh-CN"), ("en", "en-US")]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_picks_the_platform_and_the_listing_by_name_and_issues_a_recall(live_server):
    from playwright.sync_api import expect

    from sharecity.hub.directives.models import Directive
    from sharecity.hub.registry.services import regulator_profile_set
    from tests import factories
    from tests.hub.hostile import ExternalPlatform, listing
    from tests.hub.test_facts_intake import every_type, send
    from tests.seeds import migration_seeds_restore

    migration_seeds_restore()  # a transactional test before this one flushed what migrations load
    homestay = ExternalPlatform.onboard("鹭岛民宿")
    send(homestay, [*every_type(), ("listing.published", listing(
        listing_id="L-2", category="homestay", district="350206", provider_key="pk-host-000001", title="海景大床房",
        price_unit="night"))])
    ExternalPlatform.onboard("鹭岛停车")
    user = factories.make_user("picker-officer")
    regulator_profile_set(actor=None, user=user, department="厦门市市场监督管理局", city_code="350200")
    base = live_server.url
    path = "/hub/directives/new/recall.order/"
    with chromium_browser() as browser:
        for language, locale in LANGUAGES:
            context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
            # Four times the house's timeout: the machine's load, not the page, sets how long a step takes.
            context.set_default_timeout(TIMEOUT_MS * 4)
            page = context.new_page()
            login(page, base, "picker-officer", path)
            expect.set_options(timeout=TIMEOUT_MS * 4)
            expect(page.locator("html")).to_have_attribute("lang", language)

            platform = page.get_by_role("combobox", name="平台" if language == "zh-hans" else "Platform")
            platform.fill("民宿")
            option = page.locator("#id_platform_id_listbox [role=option]", has_text="鹭岛民宿")
            expect(option).to_have_count(1)
            expect(platform).to_have_attribute("aria-expanded", "true")
            expect(page.locator("#id_platform_id_listbox")).not_to_contain_text("鹭岛停车")
            option.click()
            expect(platform).to_have_value("鹭岛民宿")
            expect(page.locator(f"input[type=hidden][name=platform_id][value='{homestay.platform_id}']")).to_have_count(1)

            listings = page.locator("#id_listing_ids")
            listings.fill("大床")
            listing_option = page.locator("#id_listing_ids_listbox [role=option]", has_text="海景大床房")
            expect(listing_option).to_be_visible()
            violations = axe_violations(page)
            assert not violations, violations
            page.screenshot(path=str(artifacts() / f"directive-picker-{language}.png"), full_page=False)
            listings.press("ArrowDown")
            expect(listings).to_have_attribute("aria-activedescendant", re.compile(r"^id_listing_ids_option_0$"))
            listings.press("Enter")
            expect(page.locator("[data-picker-chosen] li[data-key='L-2']")).to_contain_text("海景大床房")

            recall_id = f"RC-{language}"
            page.fill("#id_legal_reference", "《消费品召回管理暂行规定》第十五条")
            page.fill("#id_recall_id", recall_id)
            page.fill("#id_product", "电热水壶 A1")
            page.fill("#id_reason", "漏电风险")
            page.click("[data-action=issue]")
            page.wait_for_url(re.compile(r"/hub/directives/[0-9a-f-]{36}/$"))
            expect(page.locator("main")).to_contain_text("鹭岛民宿")
            directive = Directive.objects.get(payload__recall_id=recall_id)
            assert directive.platform_id == homestay.platform_id and directive.payload["listing_ids"] == ["L-2"]
            context.close()
