"""Every public page (no login) passes axe-core with no serious or critical violation, in Chinese and in
English, on a desktop and on a phone's viewport. axe-core is vendored (web/static/vendor/axe-core, no
CDN) and injected into each page with Playwright's add_script_tag; a failure prints each violation's rule,
impact, target and help URL.

To check a new public page, add one line to PUBLIC_PAGES: (name, path). A path may hold {platform_id},
the directory's example platform, or {notice_id}, a penalty's repair notice. The world the pages show is
built in ``public_world``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.browser.support import TIMEOUT_MS, artifacts, chromium_browser

AXE = Path(__file__).resolve().parents[2] / "src/sharecity/web/static/vendor/axe-core/axe.min.js"

# (name, path): every page a person reaches without an account.
PUBLIC_PAGES: list[tuple[str, str]] = [
    ("home", "/"),
    ("login", "/login/"),
    ("directory", "/directory/"),
    ("directory-filtered", "/directory/?city=120100&sector=housekeeping"),
    ("directory-platform", "/directory/{platform_id}/"),
    ("credit-lookup", "/credit/"),
    ("credit-lookup-result", "/credit/?q=津门"),
    ("credit-repair", "/credit/repair/"),
    ("credit-repair-follow", "/credit/repair/follow/"),
    ("credit-repair-notice", "/credit/repair/notice/{notice_id}/"),
    ("inspection-results", "/inspection/results/"),
    ("opendata", "/opendata/"),
    ("opendata-search", "/opendata/?q=platform"),
    ("complaint-file", "/complaints/"),
    ("complaint-track", "/complaints/track/"),
    ("complaint-response-rates", "/complaints/response-rates/"),
    ("quota-table", "/quota/"),
    ("notice-new", "/p/{market_slug}/notices/new"),
    ("notice-register", "/p/{market_slug}/notices/"),
    ("notice-track", "/p/{market_slug}/notices/track"),
]

LANGUAGES = [("zh-hans", "zh-CN"), ("en", "en-US")]
VIEWPORTS = [("desktop", {"width": 1280, "height": 900}, False), ("mobile", {"width": 390, "height": 844}, True)]
FAILING_IMPACTS = ("serious", "critical")


def public_world() -> dict[str, str]:
    """Platforms in both cities; one with a credit file, a published penalty (and its repair notice) and a
    city recognition; a published spot-check result: the pages show what they show in a running city."""
    from sharecity.hub.credit.services import credit_subject_ensure
    from sharecity.hub.evaluation.services import designation_add
    from sharecity.hub.inspection import services as inspection
    from sharecity.hub.inspection.models import InspectionTask
    from sharecity.hub.publicity.services import penalty_record
    from tests.hub import inspection_support
    from tests.hub.evaluation_support import officer, platform
    from tests.seeds import migration_seeds_restore

    migration_seeds_restore()
    inspection_support.ensure_seeds()
    platform("xm-bikes", "鹭岛单车", division="350203", sectors=["parking"])
    tianjin = platform("tj-home", "津门家政", division="120101", sectors=["housekeeping"])
    credit_subject_ensure(kind="enterprise", identifier=tianjin.credit_code, name=tianjin.name,
                          platform_id=tianjin.platform_id)
    supervision, _client = officer("a11y-tj-market", kind="market_supervision", department="天津市市场监督管理委员会")
    penalty = penalty_record(actor=supervision, subject_kind="enterprise", subject_identifier=tianjin.credit_code,
                             decision_number="津市监罚〔2026〕7号", facts="未公示服务收费标准",
                             law="《中华人民共和国电子商务法》", article="第十五条", severity="ordinary",
                             decided_on=dt.date(2026, 11, 2), district_code="120101")
    commerce, _client = officer("a11y-tj-commerce")
    designation_add(actor=commerce, platform_id=tianjin.platform_id, kind="regional_hq",
                    decision_reference="津商务〔2026〕12号", evidence="总部认定", recognised_on=dt.date(2026, 10, 1))

    siming, _client = inspection_support.officer("a11y-siming", district="350203",
                                                 department="厦门市思明区市场监督管理局")
    inspection_support.inspectors(siming, 3)
    for risk_class in "DDCB":
        inspection_support.provider("350203", risk_class)
    plan = inspection_support.drawn_plan(siming)
    task = InspectionTask.objects.filter(plan=plan).order_by("rank").first()
    # Inspected today in city time: the plan was drawn today, and an inspection cannot come before its draw.
    from django.utils import timezone

    from sharecity.kernel.timeutil import CITY_TZ

    inspected_on = timezone.now().astimezone(CITY_TZ).date()
    inspection.task_result_record(actor=siming, task_id=task.pk, inspected_on=inspected_on,
                                  items_checked=task.item_codes, findings="未在经营页面公示营业执照",
                                  violation_found=True)
    inspection.task_publish(actor=siming, task_id=task.pk)
    from tests import factories

    market = factories.make_platform(slug="a11y-market", name="鹭岛共享生活")
    return {"platform_id": tianjin.platform_id, "notice_id": str(penalty.public_id), "market_slug": market.slug}


def axe_violations(page, *, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                                            targets: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in impacts]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_public_page_passes_axe_in_both_languages_and_on_a_phone(live_server, settings):
    from playwright.sync_api import expect

    # One browser visits every page four times: the anonymous allowance is for people, not this walk.
    settings.SHARECITY_RATE_LIMITS = {**settings.SHARECITY_RATE_LIMITS, "public": {"rate": "off"}}
    values = public_world()
    failures: list[str] = []
    visited = 0
    with chromium_browser() as browser:
        # The harness finds what it is for: an image without a text alternative and an unlabelled field.
        probe = browser.new_page()
        probe.set_content('<!DOCTYPE html><html lang="en"><head><title>probe</title></head><body><main>'
                          '<h1>probe</h1><img src="data:,"><input type="text"></main></body></html>')
        assert {"image-alt", "label"} <= {v["id"] for v in axe_violations(probe)}
        probe.close()
        for language, locale in LANGUAGES:
            for viewport_name, viewport, mobile in VIEWPORTS:
                context = browser.new_context(locale=locale, viewport=viewport, is_mobile=mobile, has_touch=mobile)
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                for name, path in PUBLIC_PAGES:
                    response = page.goto(live_server.url + path.format(**values), wait_until="domcontentloaded")
                    assert response is not None and response.status == 200, (name, path, response and response.status)
                    page.wait_for_load_state("load")  # the stylesheet applied: contrast is checked as shown
                    assert page.locator("html").get_attribute("lang") == language, (name, language)
                    if mobile:
                        page.screenshot(path=str(artifacts() / f"a11y-{name}-{language}.png"), full_page=True)
                        # Mobile first: nothing makes the whole page scroll sideways (wide tables scroll inside
                        # their own region).
                        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                        if overflow > 1:
                            failures.append(f"{name} [{language}, {viewport_name}] the page is {overflow}px wider "
                                            "than the phone's screen")
                    for violation in axe_violations(page):
                        failures.append(
                            f"{name} [{language}, {viewport_name}] {violation['id']} ({violation['impact']}): "
                            f"{violation['help']}\n    targets: {'; '.join(violation['targets'])}\n"
                            f"    help: {violation['helpUrl']}")
                    visited += 1
                context.close()
        # The language switch on a phone: Chinese first, English one tap away, and back.
        page = browser.new_page(locale="zh-CN", viewport=VIEWPORTS[1][1], is_mobile=True, has_touch=True)
        page.goto(f"{live_server.url}/directory/{values['platform_id']}/")
        expect(page.locator("h2").first).to_have_text("资质许可")
        page.get_by_test_id("lang-en").click()
        expect(page.locator("h2").first).to_have_text("Licences")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_test_id("lang-zh-hans").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        page.close()
    assert visited == len(PUBLIC_PAGES) * len(LANGUAGES) * len(VIEWPORTS)
    assert not failures, ("public pages fail accessibility (axe: serious or critical) or mobile layout:\n"
                          + "\n".join(failures))
