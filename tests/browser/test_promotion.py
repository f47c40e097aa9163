"""A provider sets a promotion in a real browser: an original price above what customers actually
paid in the last 7 days is refused with the rule (SAMR Order 56 Art. 16) and the lowest price it
found; with the original price lowered the promotion runs and the listing page strikes it through.

Drives Debian's chromium through Playwright's sync API against pytest-django's live server.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from sharecity.market.pricing.models import Promotion
from sharecity.market.pricing.services import price_transacted_record
from tests import factories
from tests.browser.support import artifacts, chromium_browser, login, person_page
from tests.market.engine_factories import make_listing

RULE = re.compile(r"Art\. 16|第十六条")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_provider_is_refused_an_inflated_original_price_then_promotes_at_the_lowest_paid(live_server):
    from playwright.sync_api import expect

    platform = factories.make_platform(slug="keyan", name="鹭岛科研仪器共享")
    provider = factories.make_provider(platform, "lab")
    listing = make_listing(platform, provider, title="场发射扫描电子显微镜", price_fen=30_000)
    now = timezone.now()
    for days, fen in ((1, 30_000), (3, 26_000), (6, 28_000)):  # what customers paid in the last 7 days
        price_transacted_record(listing=listing, unit_price_fen=fen, at=now - dt.timedelta(days=days))
    base = live_server.url

    with chromium_browser() as browser:
        page = person_page(browser)
        login(page, base, "lab", "/p/keyan/listings/mine/")
        page.click("[data-testid=listing-row] [data-action=promotion]")
        page.wait_for_url(f"{base}/p/keyan/listings/{listing.public_id}/promotion/")

        # ¥300 was paid once, but ¥260 is the lowest in the 7 days: ¥300 may not be shown as the original.
        page.fill("input[name=original_price]", "300")
        page.fill("input[name=price]", "199")
        page.click("[data-action=promote]")
        error = page.locator(".field.has-error:has(input[name=original_price]) .field-error")
        expect(error).to_contain_text("¥260.00")
        expect(error).to_have_text(RULE)
        refused = page.locator("[data-testid=promotion-row][data-status=refused]")
        expect(refused).to_have_count(1)
        expect(page.locator("[data-testid=refusal-reason]")).to_have_text(RULE)
        page.screenshot(path=str(artifacts() / "promotion-refused.png"), full_page=True)

        page.fill("input[name=original_price]", "260")
        page.fill("input[name=price]", "199")
        page.click("[data-action=promote]")
        expect(page.locator("[data-testid=promotion-row][data-status=active]")).to_have_count(1)
        expect(page.locator(".field-error")).to_have_count(0)

        page.goto(f"{base}/p/keyan/market/listings/{listing.public_id}/")
        expect(page.locator("[data-testid=listing-price] s[data-testid=original-price]")).to_have_text("¥260.00")
        expect(page.locator("[data-testid=listing-price] strong")).to_have_text("¥199.00")
        page.screenshot(path=str(artifacts() / "promotion-listing.png"), full_page=True)
    assert list(Promotion.objects.values_list("status", "original_price_fen", "price_fen").order_by("id")) == [
        ("refused", 30_000, 19_900), ("active", 26_000, 19_900)]
