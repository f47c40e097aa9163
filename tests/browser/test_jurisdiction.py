"""Scoping in a real browser: a Siming district officer and a Tianjin city officer open the hub;
each sees their jurisdiction named in the header and only their own platforms and directives."""

from __future__ import annotations

import pytest

from tests.browser.support import artifacts, chromium_browser, login, person_page
from tests.hub.jurisdiction_world import build_world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_each_officer_sees_their_own_jurisdiction(live_server):
    from playwright.sync_api import expect

    world = build_world()
    base = live_server.url
    with chromium_browser() as browser:
        for officer, label, own, foreign in (
            ("siming-officer", "厦门市 思明区", world["siming"], [world["huli"], world["heping"]]),
            ("tianjin-officer", "天津市", world["heping"], [world["siming"], world["huli"]]),
        ):
            page = person_page(browser)
            login(page, base, officer, "/hub/")
            expect(page.locator("[data-testid=jurisdiction]")).to_have_text(label)
            platforms = page.locator("[data-testid=by-platform]")
            expect(platforms).to_contain_text(own.name)
            for place in foreign:
                expect(platforms).not_to_contain_text(place.name)
            page.screenshot(path=str(artifacts() / f"jurisdiction-{officer}.png"), full_page=True)

            page.click("[data-testid=directives-link]")
            directives = page.locator("[data-testid=directives]")
            expect(directives).to_contain_text(own.name)
            for place in foreign:
                expect(directives).not_to_contain_text(place.name)
            page.context.close()
