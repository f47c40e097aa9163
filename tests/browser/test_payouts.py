"""Payouts and commission in a real browser: a provider sees the balance an order released to them,
and an operator adds a commission rule (with a mistake first, shown on the field at fault).

Data is created through the payments services; the live server shares the database.
"""

from __future__ import annotations

import uuid

import pytest

from sharecity.market.payments import selectors, services
from sharecity.market.platforms.services import operator_add
from tests import factories
from tests.browser.support import PASSWORD, artifacts, chromium_browser, login, person_page
from tests.market.engine_factories import category


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_provider_sees_payouts_and_operator_adds_a_commission_rule(live_server):
    from playwright.sync_api import expect

    platform = factories.make_platform(slug="gongxiang", name="鹭岛共享仪器")
    provider = factories.make_user("provider", password=PASSWORD)
    customer = factories.make_user("customer", password=PASSWORD)
    operator = factories.make_user("operator", password=PASSWORD)
    operator_add(actor=None, platform=platform, user=operator)
    category("homestay")
    services.commission_rule_save(actor=operator, platform=platform, percent_bp=1_000)     # 10 % on everything
    order_ref = str(uuid.uuid4())
    services.payment_collect(platform=platform, order_ref=order_ref, customer=customer, amount_fen=30_000)
    services.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="lab_instruments",
                            amount_fen=30_000)
    base = live_server.url

    with chromium_browser() as browser:
        # --- the provider, in Chinese -----------------------------------------------------------
        page = person_page(browser)
        login(page, base, "provider", "/p/gongxiang/payouts/")
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(page.locator("[data-testid=payable]")).to_have_text("¥270.00")
        expect(page.locator("[data-testid=commission]")).to_have_text("¥30.00")
        expect(page.locator("[data-testid=income-chart]")).to_be_visible()
        expect(page.locator("[data-testid=income-chart]")).to_contain_text("¥300.00")

        services.payout_run(platform=platform)
        page.reload()
        expect(page.locator("[data-testid=payable]")).to_have_text("¥0.00")
        expect(page.locator("[data-testid=payouts] tbody tr")).to_have_count(1)
        expect(page.locator("[data-testid=payouts]")).to_contain_text("¥270.00")
        page.screenshot(path=str(artifacts() / "payouts.png"), full_page=True)
        page.context.close()

        # --- the operator adds a rule for homestays ---------------------------------------------
        page = person_page(browser)
        login(page, base, "operator", "/p/gongxiang/operator/commission/")
        form = page.locator("[data-testid=rule-form]")
        form.locator("input[name=category_code]").fill("homestay")
        form.locator("input[name=percent]").fill("5")
        form.locator("input[name=minimum]").fill("10")
        form.locator("input[name=cap]").fill("2")
        form.locator("[data-action=save-rule]").click()
        # The cap below the minimum is refused, on the cap field, and nothing typed is lost.
        cap_field = page.locator(".field.has-error", has=page.locator("input[name=cap]"))
        expect(cap_field.locator(".field-error")).to_be_visible()
        expect(page.locator("input[name=category_code]")).to_have_value("homestay")

        page.locator("input[name=cap]").fill("50")
        page.locator("[data-action=save-rule]").click()
        page.wait_for_url(f"{base}/p/gongxiang/operator/commission/")
        row = page.locator("[data-testid=commission-rules] tr[data-rule=homestay]")
        expect(row).to_contain_text("5%")
        expect(row).to_contain_text("¥50.00")
        page.screenshot(path=str(artifacts() / "commission.png"), full_page=True)
        page.context.close()

    assert selectors.commission_for(platform=platform, category_code="homestay", amount_fen=10_000) == 1_000
    assert selectors.commission_for(platform=platform, category_code="homestay", amount_fen=100_000) == 5_000
