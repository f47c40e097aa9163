"""The customer's review and complaint path on a general-engine order, in a real browser.

The customer reviews a completed order (blind: the provider does not see it yet) and files a
complaint with a photo as evidence; the provider then reviews too, and both reviews show.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sharecity.market.complaints.models import Complaint
from sharecity.market.reviews.models import Review
from tests import factories
from tests.browser.support import PASSWORD, artifacts, chromium_browser, login, person_page
from tests.market.engine_factories import make_listing
from tests.market.reviews.trust import URLCONF, make_order

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 128


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_customer_reviews_blind_and_complains_with_evidence(live_server, settings):
    from playwright.sync_api import expect

    settings.ROOT_URLCONF = URLCONF
    platform = factories.make_platform(slug="keyan", name="厦门科研仪器共享")
    provider = factories.make_provider(platform, "lab-provider")
    customer = factories.make_user("lab-customer", password=PASSWORD)
    listing = make_listing(platform, provider, title="场发射扫描电镜")
    order = make_order(platform, provider, customer, listing=listing)
    review_path = reverse("reviews:order_review", args=[platform.slug, order.public_id])
    complaint_path = reverse("complaints:order_complaint", args=[platform.slug, order.public_id])
    base = live_server.url

    with chromium_browser() as browser:
        # --- the customer ------------------------------------------------------------------
        page = person_page(browser)
        login(page, base, "lab-customer", review_path)
        form = page.locator("[data-testid=order-review-form]")
        form.locator("select[name=rating]").select_option("4")
        form.locator("textarea[name=comment]").fill("电镜成像清晰，工程师很专业。")
        form.locator("[data-action=submit-review]").click()
        # htmx swaps the section: the review is there, marked as not yet shown to the provider.
        section = page.locator("[data-testid=order-review]")
        expect(section.locator("[data-testid=review]")).to_contain_text("电镜成像清晰")
        expect(section.locator("[data-testid=review-pending]")).to_be_visible()
        expect(section.locator("[data-testid=order-review-form]")).to_have_count(0)
        page.screenshot(path=str(artifacts() / "order-review.png"), full_page=True)

        page.goto(f"{base}{complaint_path}")
        page.click("[data-action=open-complaint]")
        form = page.locator("[data-testid=order-complaint-form]")
        form.locator("select[name=category]").select_option("not_as_described")
        form.locator("textarea[name=description]").fill("能谱模块无法使用，与描述不符。")
        form.locator("select[name=remedy]").select_option("refund")
        form.locator("input[name=evidence]").set_input_files(
            files=[{"name": "能谱报错.png", "mimeType": "image/png", "buffer": PNG}])
        form.locator("[data-action=file-complaint]").click()
        page.wait_for_url(f"{base}/p/{platform.slug}/complaints/")
        card = page.locator("[data-testid=complaint]")
        expect(card).to_contain_text("能谱模块无法使用")
        expect(card.locator("[data-testid=answer-due]")).to_be_visible()
        expect(card.locator("[data-testid=evidence]")).to_have_text("能谱报错.png")
        expect(page.locator(".message.success")).to_be_visible()
        page.screenshot(path=str(artifacts() / "complaints-mine.png"), full_page=True)
        page.context.close()

        complaint = Complaint.objects.get()
        assert complaint.order_id == order.pk and complaint.evidence.get().size == len(PNG)

        # --- the provider: blind until they review too ------------------------------------------
        page = person_page(browser)
        login(page, base, "lab-provider", review_path)
        section = page.locator("[data-testid=order-review]")
        expect(section).not_to_contain_text("电镜成像清晰")
        form = section.locator("[data-testid=order-review-form]")
        form.locator("select[name=rating]").select_option("5")
        form.locator("textarea[name=comment]").fill("客户按时到场，操作规范。")
        form.locator("[data-action=submit-review]").click()
        expect(section.locator("[data-testid=review]")).to_have_count(2)
        expect(section).to_contain_text("电镜成像清晰")
        expect(section.locator("[data-testid=review-pending]")).to_have_count(0)
        page.context.close()
    assert Review.objects.filter(order=order, published_at__isnull=False).count() == 2
