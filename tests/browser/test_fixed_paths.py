"""The paths fixed in issue 16, each walked in a real browser in Chinese and in English: a refund on the order page,
money typed in yuan, parking's payment step, follow-up-only consultation, instrument qualifications, the basis of a
struck price, a directive read as fields and the console's counts and trends. One chromium for the module."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.catalog.models import Category
from sharecity.market.catalog.seed import INSTRUMENT_QUALIFICATION
from sharecity.market.complaints.services import complaint_resolve
from sharecity.market.directives.services import directives_receive
from sharecity.market.moderation.models import CaseStatus, ModerationCase
from sharecity.market.orders.models import Order
from sharecity.market.platforms.services import operator_add
from sharecity.market.pricing import services as pricing
from sharecity.market.qualifications import services as qualifications
from tests import factories
from tests.market.complaints.test_refunds import complain, paid_order
from tests.market.engine_factories import make_listing
from tests.market.test_directives import directive_envelope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_passwords")]


@pytest.fixture
def platform():
    return factories.make_platform(slug="ludao", name="鹭岛共享")


@pytest.fixture
def people(platform):
    """A provider, a customer and an operator of the platform, who sign in with the tests' password."""
    staff = factories.make_user("staff")
    operator_add(actor=None, platform=platform, user=staff)
    return factories.make_provider(platform, "provider"), factories.make_user("customer"), staff


def _day(days_ahead: int) -> dt.datetime:
    return (timezone.now().astimezone(CITY_TZ) + dt.timedelta(days=days_ahead)).replace(
        hour=10, minute=0, second=0, microsecond=0)


def test_a_complaint_upheld_with_a_refund_shows_on_the_order_page(signed_in, platform, people):
    from playwright.sync_api import expect

    provider, customer, staff = people
    order = paid_order(platform, provider, customer)
    complaint_resolve(actor=staff, complaint=complain(customer, order), outcome="upheld", refund_fen=4_550,
                      note="镜头确有划痕")
    page = signed_in("customer", f"/p/ludao/orders/{order.public_id}/")
    refunds = page.locator("[data-testid=refunds]")
    expect(refunds.locator("[data-testid=refund-amount]")).to_have_text("¥45.50")
    expect(refunds).to_contain_text("镜头确有划痕")


def test_a_price_form_takes_yuan_with_two_decimals(signed_in, said, people):
    from playwright.sync_api import expect

    page = signed_in("staff", "/p/ludao/operator/commission/")
    form = page.locator("[data-testid=rule-form]")
    form.locator("input[name=percent]").fill("5")
    form.locator("input[name=fixed]").fill("12.505")
    form.locator("[data-action=save-rule]").click()
    expect(page.locator("[data-testid=rule-form]")).to_contain_text(said("最多两位小数", "at most two decimals"))
    page.locator("[data-testid=rule-form] input[name=fixed]").fill("12.50")
    page.locator("[data-testid=rule-form] [data-action=save-rule]").click()
    expect(page.locator("[data-testid=commission-rules]")).to_contain_text("¥12.50")


def test_parkings_payment_step_holds_the_payment(signed_in, platform, people):
    from playwright.sync_api import expect

    from sharecity.market.parking.models import Booking

    provider, _customer, _staff = people
    space = factories.make_space(platform, provider, price_fen=800, title="中山路夜间车位")
    start = factories.next_slot(24).replace(hour=10, minute=0)
    page = signed_in("customer", f"/p/ludao/spaces/{space.public_id}/")
    page.fill("input[name=date]", f"{start:%Y-%m-%d}")
    page.select_option("select[name=start]", f"{start:%H:%M}")
    page.select_option("select[name=end]", f"{start + dt.timedelta(hours=2):%H:%M}")
    expect(page.locator("[data-testid=quote-total]")).to_have_text("¥16.00")
    page.locator("[data-action=book]").click()
    page.wait_for_url("**/p/ludao/bookings/")
    card = page.locator(f"[data-booking='{Booking.objects.get(space=space).public_id}']")
    expect(card.locator("[data-testid=payment]")).to_contain_text("¥16.00")


def test_online_consultation_needs_the_prior_offline_diagnosis_confirmed(signed_in, said, platform, people):
    from playwright.sync_api import expect

    provider, _customer, _staff = people
    Category.objects.update_or_create(code="online_consultation", defaults={
        "sector": "medical_consultation", "name_zh": "在线问诊", "name_en": "Online consultation",
        "default_process": "request_to_book", "default_unit": "item"})
    listing = make_listing(platform, provider, category_code="online_consultation", title="全科医生在线复诊",
                           price_fen=3_000, capacity=10)
    page = signed_in("customer", f"/p/ludao/market/listings/{listing.public_id}/")
    expect(page.locator("[data-testid=follow-up-only]")).to_be_visible()
    form = page.locator("[data-testid=order-form]")
    form.locator("input[name=prior_diagnosis_institution]").fill("厦门市第一医院")
    form.locator("input[name=prior_diagnosis_on]").fill("2026-01-05")
    form.locator("[data-action=order]").click()
    expect(page.locator("[data-testid=order-form]")).to_contain_text(said("请确认此病情此前已在医院或诊所确诊",
                                                                        "confirm that a hospital or clinic"))
    assert not Order.objects.exists()
    page.locator("[data-testid=order-form] input[name=follow_up_confirmed]").check()
    page.locator("[data-testid=order-form] [data-action=order]").click()
    page.wait_for_url("**/p/ludao/orders/*/")
    expect(page.locator("[data-testid=prior-diagnosis]")).to_contain_text("厦门市第一医院")


def test_booking_an_instrument_without_the_qualification_names_it(signed_in, said, platform, people):
    from playwright.sync_api import expect

    provider, _customer, _staff = people
    Category.objects.update_or_create(code="lab_instruments", defaults={
        "sector": "lab_instruments", "name_zh": "科研仪器", "name_en": "Lab instruments",
        "default_process": "instant_booking", "default_unit": "hour", "licence_rules": [INSTRUMENT_QUALIFICATION]})
    instrument = make_listing(platform, provider, price_fen=30_000)
    qualifications.requirements_set(actor=provider, listing=instrument, codes=[INSTRUMENT_QUALIFICATION["code"]])
    start = _day(10)
    page = signed_in("customer", f"/p/ludao/market/listings/{instrument.public_id}/")
    name = said("大型仪器上机资格", "Instrument user qualification")
    expect(page.locator("[data-testid=qualifications-required]")).to_contain_text(name)
    page.fill("input[name=starts_at]", f"{start:%Y-%m-%dT%H:%M}")
    page.fill("input[name=ends_at]", f"{start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}")
    page.locator("[data-action=order]").click()
    expect(page.locator("[data-testid=form-error]")).to_contain_text(name)
    assert not Order.objects.exists()


def test_a_struck_original_price_shows_its_basis(signed_in, said, platform, people):
    from playwright.sync_api import expect

    provider, _customer, _staff = people
    listing = make_listing(platform, provider, price_fen=30_000)
    now = timezone.now()
    pricing.promotion_create(actor=provider, listing=listing, original_price_fen=50_000, price_fen=25_000,
                             starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=1),
                             comparison_basis="msrp", basis_source="Carl Zeiss")
    page = signed_in("customer", f"/p/ludao/market/listings/{listing.public_id}/")
    expect(page.locator("[data-testid=original-price]")).to_have_text("¥500.00")
    expect(page.locator("[data-testid=original-label]")).to_contain_text(
        said("厂商建议零售价（Carl Zeiss）", "Manufacturer's suggested retail price (Carl Zeiss)"))


def test_the_operator_reads_a_directive_as_labelled_fields(signed_in, said, platform, people):
    from playwright.sync_api import expect

    provider, _customer, _staff = people
    space = factories.make_space(platform, provider)
    envelope = directive_envelope(platform, "recall.order", recall_id="R-16", product="某品牌地锁",
                                  listing_ids=[str(space.public_id)], reason="说明书有误", measures=["notify_buyers"])
    directives_receive([envelope])
    page = signed_in("staff", f"/p/ludao/operator/directives/{envelope.message_id}/")
    payload = page.locator("[data-testid=payload]")
    expect(payload.locator("dt").first).to_have_text(said("发布机关", "Issued by"))
    expect(payload).to_contain_text(said("措施", "Measures"))
    expect(payload.locator("dd[data-field=measures]")).to_have_text(said("通知购买者", "Notify the buyers"))
    expect(payload.locator("dd[data-field=recall_id]")).to_have_text("R-16")
    expect(payload).not_to_contain_text("notify_buyers")


def _case(platform, *, days_ago: int, status: str = CaseStatus.OPEN) -> None:
    case = ModerationCase.objects.create(platform=platform, subject_type="listing", subject_id=str(uuid.uuid4()),
                                         text="待审核", status=status)
    ModerationCase.objects.filter(pk=case.pk).update(opened_at=timezone.now() - dt.timedelta(days=days_ago))


def test_console_tiles_show_counts_and_trends(signed_in, said, platform, people):
    from playwright.sync_api import expect

    for days_ago, status in ((0, CaseStatus.OPEN), (0, CaseStatus.OPEN), (1, CaseStatus.DECIDED),
                             (9, CaseStatus.OPEN)):
        _case(platform, days_ago=days_ago, status=status)
    page = signed_in("staff", "/p/ludao/operator/")
    expect(page.locator("[data-testid=figure-moderation_pending]")).to_have_text("3")
    expect(page.locator("[data-testid=trend-moderation_pending]")).to_contain_text(
        said("最近 7 天 3 件，此前 7 天 1 件", "3 in the last 7 days, 1 in the 7 before"))
    expect(page.locator("[data-figure=moderation_pending] .sparkline")).to_be_visible()
    expect(page.locator("[data-testid=tool-qualifications]")).to_have_text(
        said("仪器上机资格", "Instrument qualifications"))
    expect(page.locator("[data-testid=tool-identity-rechecks]")).to_have_text(said("实名复核", "Identity re-checks"))
