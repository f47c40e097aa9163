"""The provider's listing screens and the operator's moderation queue, through the Django test client."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sharecity.kernel.models import OutboxMessage
from sharecity.market.catalog.models import Category, PlatformCategory
from sharecity.market.listings.models import Listing, ListingStatus
from sharecity.market.moderation.models import ModerationCase
from tests import factories
from tests.market.moderation.helpers import LICENCE_NUMBER, draft, homestay, make_operator

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-123"


@pytest.fixture
def provider_client(client, platform, provider):
    homestay(platform)
    client.force_login(provider)
    return client


def _form(**overrides):
    data = {
        "category": "homestay", "title": "鼓浪屿海景民宿", "description": "推窗见海，步行五分钟到轮渡码头。",
        "district": "350203", "address": "鼓浪屿龙头路1号", "price": "380", "price_unit": "night", "capacity": "1",
        "deposit": "500", "deposit_refund_days": "3", "cancellation_policy": "moderate",
        "attr_guests": "2", "attr_room_type": "entire", "lic_special_industry_licence": LICENCE_NUMBER,
        "fee_label_0": "清洁费", "fee_amount_0": "50", "fee_per_0": "order", "action": "submit",
    }
    data.update(overrides)
    return data


def _new(client, platform, **overrides):
    return client.post(reverse("listings:new", args=[platform.slug]), _form(**overrides))


def test_new_listing_offers_only_the_enabled_categories(provider_client, platform):
    Category.objects.create(code="not_here", sector="x", name_zh="未开通类目", name_en="Not here")
    page = provider_client.get(reverse("listings:new", args=[platform.slug])).content.decode()
    assert "民宿" in page and "未开通类目" not in page


def test_the_category_form_shows_its_fields_units_required_marks_choices_and_licences(provider_client, platform):
    page = provider_client.get(reverse("listings:new", args=[platform.slug]), {"category": "homestay"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="attr_guests"' in html and 'type="number"' in html and "可住人数（人）" in html
    assert '<option value="private_room">独立房间</option>' in html
    assert 'name="attr_sea_view"' in html and 'type="checkbox"' in html
    assert 'name="lic_special_industry_licence"' in html and "《旅馆业治安管理办法》第四条" in html
    assert html.count('class="required"') >= 6  # title, district, price, capacity, guests, room type ...


def test_provider_without_licence_is_rejected_and_sees_the_reason(provider_client, platform):
    response = _new(provider_client, platform, lic_special_industry_licence="")
    assert response.status_code == 302 and response.url == reverse("listings:mine", args=[platform.slug])
    listing = Listing.objects.get()
    assert listing.status == ListingStatus.REJECTED
    page = provider_client.get(response.url).content.decode()
    assert 'data-testid="statement"' in page
    assert "《旅馆业治安管理办法》第四条" in page and "特种行业许可证" in page


def test_provider_with_licence_is_published(provider_client, platform):
    response = _new(provider_client, platform)
    assert response.status_code == 302
    listing = Listing.objects.get()
    assert listing.status == ListingStatus.PUBLISHED
    assert listing.price_fen == 38_000 and listing.deposit_fen == 50_000
    assert listing.fees == [{"code": "清洁费", "label_zh": "清洁费", "label_en": "清洁费", "fen": 5000, "per": "order"}]
    assert OutboxMessage.objects.filter(message_type="listing.published").count() == 1
    page = provider_client.get(response.url).content.decode()
    assert 'data-status="published"' in page and 'data-testid="statement"' not in page


def test_saving_a_draft_publishes_nothing(provider_client, platform):
    _new(provider_client, platform, action="save")
    assert Listing.objects.get().status == ListingStatus.DRAFT


def test_bad_input_is_shown_on_its_field(provider_client, platform):
    for overrides, name in (({"price": "abc"}, "price"), ({"attr_guests": "50"}, "attr_guests"),
                            ({"deposit_refund_days": "0"}, "deposit_refund_days")):
        response = _new(provider_client, platform, **overrides)
        assert response.status_code == 400
        assert re.search(rf'field has-error">\s*<label for="id_{name}"', response.content.decode()), name
    assert not Listing.objects.exists()


def test_contact_details_go_to_the_queue_and_a_moderator_approves(provider_client, client, platform):
    _new(provider_client, platform, description="看房请加微信 xmhome2023")
    listing = Listing.objects.get()
    assert listing.status == ListingStatus.PENDING_REVIEW
    operator = make_operator(platform)
    client.force_login(operator)
    page = client.get(reverse("moderation:queue", args=[platform.slug])).content.decode()
    assert '<mark class="finding review"' in page and "加微信 xmhome2023</mark>" in page
    case = ModerationCase.objects.get()
    response = client.post(reverse("moderation:decide", args=[platform.slug, case.public_id]),
                           {"decision": "approve", "reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-outcome="approved"' in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED


def test_a_moderator_rejects_with_a_reason_the_provider_reads(provider_client, client, platform, provider):
    _new(provider_client, platform, description="看房请加微信 xmhome2023")
    case = ModerationCase.objects.get()
    client.force_login(make_operator(platform))
    url = reverse("moderation:decide", args=[platform.slug, case.public_id])
    response = client.post(url, {"decision": "reject", "reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and 'field-error' in response.content.decode()
    response = client.post(url, {"decision": "reject", "reason": "描述中留有微信号，请删除后重新提交。"})
    assert response.status_code == 302
    client.force_login(provider)
    page = client.get(reverse("listings:mine", args=[platform.slug])).content.decode()
    assert 'data-status="rejected"' in page and "描述中留有微信号，请删除后重新提交。" in page


def test_only_operators_see_the_queue(provider_client, platform):
    assert provider_client.get(reverse("moderation:queue", args=[platform.slug])).status_code == 403


def test_edit_a_published_listing_reports_the_change(provider_client, platform):
    _new(provider_client, platform)
    listing = Listing.objects.get()
    url = reverse("listings:edit", args=[platform.slug, listing.public_id])
    page = provider_client.get(url).content.decode()
    assert 'value="380.00"' in page and LICENCE_NUMBER in page
    response = provider_client.post(url, _form(price="420", action="save"))
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.price_fen == 42_000 and listing.status == ListingStatus.PUBLISHED
    assert OutboxMessage.objects.filter(message_type="listing.changed").count() == 1


def test_submit_a_corrected_draft(provider_client, platform, provider):
    listing = draft(platform, provider, licences={})
    response = provider_client.post(reverse("listings:submit", args=[platform.slug, listing.public_id]))
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REJECTED


def test_someone_elses_listing_is_not_found(client, platform, provider):
    listing = draft(platform, provider)
    other = factories.make_provider(platform)
    client.force_login(other)
    assert client.get(reverse("listings:edit", args=[platform.slug, listing.public_id])).status_code == 404
    assert client.post(reverse("listings:submit", args=[platform.slug, listing.public_id])).status_code == 404


def test_an_unverified_user_is_sent_to_verify(client, platform):
    homestay(platform)
    client.force_login(factories.make_user())
    response = client.get(reverse("listings:new", args=[platform.slug]))
    assert response.status_code == 302 and "/verify/" in response.url


def test_a_disabled_category_cannot_be_used(provider_client, platform):
    PlatformCategory.objects.filter(platform=platform).update(is_enabled=False)
    response = _new(provider_client, platform)
    assert response.status_code == 400 and not Listing.objects.exists()


def test_provider_pauses_resumes_and_withdraws(provider_client, platform):
    _new(provider_client, platform)
    listing = Listing.objects.get()

    def act(name):
        response = provider_client.post(reverse("listings:action", args=[platform.slug, listing.public_id, name]))
        assert response.status_code == 302
        listing.refresh_from_db()
        return listing.status

    assert act("pause") == ListingStatus.SUSPENDED
    assert act("resume") == ListingStatus.PUBLISHED
    assert act("withdraw") == ListingStatus.REMOVED
    assert act("resume") == ListingStatus.REMOVED  # refused, with a message
    assert OutboxMessage.objects.filter(message_type="listing.removed").count() == 1


def test_a_platform_suspension_shows_its_statement_and_cannot_be_resumed_by_the_provider(provider_client, platform):
    from sharecity.market.listings.services import listing_suspend

    _new(provider_client, platform)
    listing = Listing.objects.get()
    listing_suspend(actor=make_operator(platform), listing=listing, reason="住客投诉房间与描述不符，核查期间暂停。")
    page = provider_client.get(reverse("listings:mine", args=[platform.slug])).content.decode()
    assert "住客投诉房间与描述不符" in page and 'data-action="resume"' not in page
    provider_client.post(reverse("listings:action", args=[platform.slug, listing.public_id, "resume"]))
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUSPENDED
