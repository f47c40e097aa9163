"""The regulator dashboard in a real browser: the ECharts charts draw on canvases in Chinese with no
console error, and a district's tile opens that district's page with its own charts."""

from __future__ import annotations

import datetime as dt

import pytest

from sharecity.hub.monitoring.models import ActivityStat, DailyParty, DailyStat
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.services import regulator_profile_set
from tests import factories
from tests.browser.support import PASSWORD, artifacts, chromium_browser, login, person_page

CHARTS = ("trend", "districts", "sectors")


def _city() -> None:
    for platform_id, name, district, sector, orders, turnover in (
            ("pf-siming", "鹭岛停车", "350203", "parking", 3, 12345),
            ("pf-huli", "湖里家政", "350206", "housekeeping", 4, 20000),
            ("pf-jimei", "集美养老", "350211", "elderly_care", 2, 8000)):
        RegisteredPlatform.objects.create(platform_id=platform_id, name=name, credit_code="911101000000000000",
                                          public_key="k" * 43)
        ActivityStat.objects.create(platform_id=platform_id, district_code=district, bookings=orders)
        for offset in range(0, 28, 3):
            day = dt.date(2026, 1, 1) + dt.timedelta(days=offset)
            DailyStat.objects.create(day=day, platform_id=platform_id, district_code=district, sector=sector,
                                     orders=orders, completed=orders, turnover_fen=turnover + offset * 100,
                                     complaints=offset % 2)
            DailyParty.objects.create(day=day, platform_id=platform_id, district_code=district, sector=sector,
                                      role="provider", party_key=f"pk-{platform_id}", is_person=True, orders=orders,
                                      income_fen=turnover)


def _drawn(page) -> None:
    from playwright.sync_api import expect

    for name in CHARTS:
        chart = page.locator(f"[data-chart={name}]")
        if chart.count():
            expect(chart).to_have_attribute("data-drawn", "true")
            expect(chart.locator("canvas").first).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_its_charts_in_chinese_and_a_tile_drills_down(live_server):
    from playwright.sync_api import expect

    _city()
    officer = factories.make_user("xiamen-officer", password=PASSWORD)
    regulator_profile_set(actor=None, user=officer, department="厦门市市场监督管理局", city_code="350200")
    base = live_server.url
    query = "?start=2026-01-01&end=2026-01-31&granularity=week"

    with chromium_browser() as browser:
        page = person_page(browser, height=1400)
        errors: list[str] = []

        def console(message) -> None:
            # Chromium asks for /favicon.ico by itself (the site has none); that is no error of the page.
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
                errors.append(f"{message.text} {message.location}")

        page.on("console", console)
        page.on("pageerror", lambda error: errors.append(str(error)))
        login(page, base, "xiamen-officer", "/hub/")
        page.goto(f"{base}/hub/{query}")
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(page.locator("[data-testid=key-orders]")).to_have_text("90")
        _drawn(page)
        assert page.locator("[data-chart] canvas").count() >= 3
        # ECharts runs with its Chinese locale and describes each chart in Chinese (aria).
        assert page.evaluate("echarts.getInstanceByDom(document.querySelector('[data-chart=trend]'))"
                             ".getModel().getLocaleModel().get('time.monthAbbr')[0]") == "1月"
        label = page.locator("[data-chart=districts]").get_attribute("aria-label") or ""
        assert "思明区" in label and "图表" in label, label
        # The district grid: every Xiamen district, coloured by turnover.
        expect(page.locator("[data-testid=district-grid] li")).to_have_count(6)
        page.screenshot(path=str(artifacts() / "monitoring-dashboard.png"), full_page=True)

        page.click("[data-testid=tile-350206]")
        page.wait_for_url(f"{base}/hub/monitoring/districts/350206/{query}&figure=turnover_fen")
        expect(page.locator("[data-testid=drill-title]")).to_have_text("区县：湖里区")
        expect(page.locator("[data-testid=key-orders]")).to_have_text("40")
        expect(page.locator("[data-testid=stats-platforms]")).to_contain_text("湖里家政")
        _drawn(page)
        page.screenshot(path=str(artifacts() / "monitoring-district.png"), full_page=True)

        # From the district, its platform's page.
        page.locator("[data-testid=stats-platforms] [data-testid=drill]").click()
        expect(page.locator("[data-testid=drill-title]")).to_have_text("平台：湖里家政")
        _drawn(page)
        page.context.close()
    assert errors == [], errors
