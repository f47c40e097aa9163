"""The listing lifecycle: what a provider, a moderator and the hub see at each step."""

from __future__ import annotations

import pytest

from sharecity.exchange.schemas import payload_validate
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput
from sharecity.market.accounts.selectors import party_key
from sharecity.market.listings import services
from sharecity.market.listings.models import ListingStatus
from sharecity.market.moderation.models import CaseStatus
from sharecity.market.moderation.selectors import queue, statements_for
from tests import factories
from tests.market.helpers import new_facts, nothing_written
from tests.market.moderation.helpers import LICENCE_NUMBER, draft, homestay, make_operator

pytestmark = pytest.mark.django_db


def _valid(message):
    payload_validate(message.message_type, message.schema_version, message.payload)
    return message.payload


@pytest.fixture
def operator(platform):
    return make_operator(platform)


# --- create ------------------------------------------------------------------------------------


def test_create_makes_a_draft_with_typed_attributes_and_search_text(platform, provider):
    with new_facts(actions=("listing.create",)):
        listing = draft(platform, provider, attributes={"guests": "3", "room_type": "entire"})
    assert listing.status == ListingStatus.DRAFT
    assert listing.attributes["guests"] == 3
    assert listing.process == "request_to_book"
    assert "鼓浪屿" in listing.search_text.split()


def test_an_unverified_user_cannot_create_a_listing(platform):
    user = factories.make_user()
    with nothing_written(), pytest.raises(Forbidden) as error:
        draft(platform, user)
    assert error.value.code == "provider.not_verified"


def test_the_category_must_be_enabled_on_the_platform(platform, provider):
    homestay(platform, enabled=False)
    from sharecity.market.listings.services import listing_create
    with nothing_written(), pytest.raises(InvalidInput) as error:
        listing_create(actor=provider, platform=platform, provider=provider, category=homestay(), title="民宿",
                       description="", attributes={"guests": 2, "room_type": "entire"}, licences={},
                       district_code="350203", price_fen=100, price_unit="night")
    assert (error.value.code, error.value.field) == ("listing.category_not_enabled", "category")


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": ""}, "title"),
    ({"price_fen": 0}, "price_fen"),
    ({"price_unit": "week"}, "price_unit"),
    ({"capacity": 0}, "capacity"),
    ({"district_code": "110101"}, "district_code"),
    ({"deposit_fen": 50_000, "deposit_refund_days": 0}, "deposit_refund_days"),
    ({"cancellation_policy": "lenient"}, "cancellation_policy"),
    ({"fees": [{"label_zh": "清洁费", "fen": -1}]}, "fees.0.fen"),
    ({"latitude": 24.4}, "latitude"),
    ({"attributes": {"guests": 2}}, "attributes.room_type"),
])
def test_bad_input_names_the_field(platform, provider, overrides, field):
    with pytest.raises(InvalidInput) as error:
        draft(platform, provider, **overrides)
    assert error.value.field == field


# --- submit: the three outcomes ----------------------------------------------------------------


def test_a_clean_listing_is_published_and_reported(platform, provider):
    listing = draft(platform, provider, fees=[{"label_zh": "清洁费", "label_en": "cleaning", "fen": 5000}])
    with new_facts("listing.published") as found:
        services.listing_submit(actor=provider, listing=listing)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED and listing.published_at is not None
    payload = _valid(found["outbox"][0])
    assert payload["listing_id"] == str(listing.public_id)
    assert payload["category"] == "homestay" and payload["district"] == "350203"
    assert payload["provider_key"] == party_key(provider)
    assert (payload["price_fen"], payload["price_unit"]) == (38_000, "night")


def test_a_homestay_without_its_licence_is_rejected_with_a_statement(platform, provider):
    listing = draft(platform, provider, licences={})
    with new_facts("moderation.decision") as found:
        services.listing_submit(actor=provider, listing=listing)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REJECTED
    assert "特种行业许可证" in listing.status_reason
    (statement,) = statements_for(subject_type="listing", subject_id=listing.public_id)
    assert statement.decision == "rejected"
    assert statement.legal_reference == "《旅馆业治安管理办法》第四条"
    assert statement.automated_detection and statement.automated_decision
    payload = _valid(found["outbox"][0])
    assert payload["decision"] == "visibility_restricted"
    assert payload["subject_id"] == str(listing.public_id)
    assert payload["statement_of_reasons"]["legal_reference"] == "《旅馆业治安管理办法》第四条"
    assert payload["statement_of_reasons"]["automated_decision"] is True


def test_a_rejected_listing_corrected_and_resubmitted_is_published(platform, provider):
    listing = draft(platform, provider, title="顶级海景民宿")
    services.listing_submit(actor=provider, listing=listing)
    assert listing.status == ListingStatus.REJECTED
    services.listing_update(actor=provider, listing=listing, title="海景民宿")
    with new_facts("listing.published"):
        listing = services.listing_submit(actor=provider, listing=listing)
    assert listing.status == ListingStatus.PUBLISHED


def test_contact_details_send_the_listing_to_the_review_queue(platform, provider):
    listing = draft(platform, provider, description="看房请加微信 xmhome2023")
    with new_facts():
        services.listing_submit(actor=provider, listing=listing)
    assert listing.status == ListingStatus.PENDING_REVIEW
    (case,) = queue(platform=platform)
    assert case.subject_id == str(listing.public_id)
    assert case.findings[0]["rule"] == "contact.wechat"
    finding = case.findings[0]
    assert case.text[finding["start"]:finding["end"]] == "加微信 xmhome2023"


def test_moderator_approves_a_queued_listing(platform, provider, operator):
    listing = draft(platform, provider, description="看房请加微信 xmhome2023")
    services.listing_submit(actor=provider, listing=listing)
    with new_facts("listing.published"):
        services.listing_review_decide(actor=operator, listing=listing, approve=True, reason="")
    assert listing.status == ListingStatus.PUBLISHED
    assert not queue(platform=platform).exists()


def test_moderator_rejects_a_queued_listing_with_a_reason(platform, provider, operator):
    listing = draft(platform, provider, description="看房请加微信 xmhome2023")
    services.listing_submit(actor=provider, listing=listing)
    with pytest.raises(InvalidInput) as error:
        services.listing_review_decide(actor=operator, listing=listing, approve=False, reason=" ")
    assert error.value.field == "reason"
    with new_facts("moderation.decision") as found:
        services.listing_review_decide(actor=operator, listing=listing, approve=False,
                                       reason="房源描述留有微信号，引导站外交易。")
    assert listing.status == ListingStatus.REJECTED
    (statement,) = statements_for(subject_type="listing", subject_id=listing.public_id)
    assert statement.facts == "房源描述留有微信号，引导站外交易。"
    assert statement.ground == "terms_violation"
    assert statement.automated_detection and not statement.automated_decision
    assert statement.case.status == CaseStatus.DECIDED and statement.case.decided_by == operator
    assert _valid(found["outbox"][0])["statement_of_reasons"]["automated_decision"] is False


def test_only_a_moderator_decides_and_only_a_pending_listing(platform, provider, operator):
    listing = draft(platform, provider, description="看房请加微信 xmhome2023")
    services.listing_submit(actor=provider, listing=listing)
    with pytest.raises(Forbidden):
        services.listing_review_decide(actor=provider, listing=listing, approve=True)
    services.listing_review_decide(actor=operator, listing=listing, approve=True)
    with pytest.raises(Conflict) as error:
        services.listing_review_decide(actor=operator, listing=listing, approve=True)
    assert error.value.code == "listing.wrong_state"


# --- edits of a live listing -------------------------------------------------------------------


def _published(platform, provider, **overrides):
    listing = draft(platform, provider, **overrides)
    return services.listing_submit(actor=provider, listing=listing)


def test_a_price_change_is_reported_with_the_new_price(platform, provider):
    listing = _published(platform, provider)
    with new_facts("listing.changed") as found:
        services.listing_update(actor=provider, listing=listing, price_fen=42_000)
    payload = _valid(found["outbox"][0])
    assert payload["changed"] == ["price"]
    assert (payload["price_fen"], payload["price_unit"]) == (42_000, "night")
    assert listing.status == ListingStatus.PUBLISHED


def test_an_edit_that_breaks_the_rules_takes_the_listing_down(platform, provider):
    listing = _published(platform, provider)
    with new_facts("listing.changed", "moderation.decision", "listing.removed") as found:
        services.listing_update(actor=provider, listing=listing, title="全网最低价海景民宿")
    assert listing.status == ListingStatus.REJECTED
    changed, decision, removed = (_valid(m) for m in found["outbox"])
    assert changed["changed"] == ["title"] and changed["title"] == "全网最低价海景民宿"
    assert decision["decision"] == "visibility_restricted"
    assert removed["removed_by"] == "platform"
    assert removed["statement_of_reasons"] == decision["statement_of_reasons"]
    assert listing.search_text.split()[0] == "全网"


def test_an_edit_that_needs_a_look_waits_for_a_moderator_without_a_new_publish(platform, provider, operator):
    listing = _published(platform, provider)
    with new_facts("listing.changed"):
        services.listing_update(actor=provider, listing=listing, description="详询 13812345678")
    assert listing.status == ListingStatus.PENDING_REVIEW
    with new_facts():  # the hub still knows it as live: no second listing.published
        services.listing_review_decide(actor=operator, listing=listing, approve=True)
    assert listing.status == ListingStatus.PUBLISHED


def test_a_pending_listing_cannot_be_edited(platform, provider):
    listing = draft(platform, provider, description="详询 13812345678")
    services.listing_submit(actor=provider, listing=listing)
    with pytest.raises(Conflict) as error:
        services.listing_update(actor=provider, listing=listing, title="新标题")
    assert error.value.code == "listing.wrong_state"


def test_someone_else_cannot_edit_or_submit(platform, provider):
    listing = draft(platform, provider)
    other = factories.make_provider(platform)
    with pytest.raises(Forbidden):
        services.listing_update(actor=other, listing=listing, title="别人的")
    with pytest.raises(Forbidden):
        services.listing_submit(actor=other, listing=listing)


# --- suspend and remove ------------------------------------------------------------------------


def test_platform_suspension_is_stated_and_only_the_platform_lifts_it(platform, provider, operator):
    listing = _published(platform, provider)
    with new_facts("moderation.decision") as found:
        services.listing_suspend(actor=operator, listing=listing, reason="多名住客投诉房间与描述不符，核查期间暂停。")
    assert _valid(found["outbox"][0])["decision"] == "suspended"
    assert listing.status == ListingStatus.SUSPENDED
    with pytest.raises(Forbidden):
        services.listing_reinstate(actor=provider, listing=listing)
    with new_facts("moderation.decision") as found:
        services.listing_reinstate(actor=operator, listing=listing, reason="核查完毕，描述属实。")
    assert _valid(found["outbox"][0])["decision"] == "restored"
    assert listing.status == ListingStatus.PUBLISHED


def test_provider_pauses_and_resumes_without_reports(platform, provider):
    listing = _published(platform, provider)
    with new_facts():
        services.listing_suspend(actor=provider, listing=listing, reason="装修")
        services.listing_reinstate(actor=provider, listing=listing)
    assert listing.status == ListingStatus.PUBLISHED


def test_provider_withdraws_a_listing(platform, provider):
    listing = _published(platform, provider)
    with new_facts("listing.removed") as found:
        services.listing_remove(actor=provider, listing=listing, reason="不再出租")
    payload = _valid(found["outbox"][0])
    assert payload["removed_by"] == "provider" and payload["statement_of_reasons"] is None
    with pytest.raises(Conflict) as error:
        services.listing_remove(actor=provider, listing=listing, reason="")
    assert error.value.code == "listing.wrong_state"


def test_platform_removal_carries_the_statement_of_reasons(platform, provider, operator):
    listing = _published(platform, provider)
    with pytest.raises(InvalidInput):
        services.listing_remove(actor=operator, listing=listing, reason="")
    with new_facts("moderation.decision", "listing.removed") as found:
        services.listing_remove(actor=operator, listing=listing, reason="房源存在消防安全隐患。")
    decision, removed = (_valid(m) for m in found["outbox"])
    assert decision["decision"] == "removed"
    assert removed["removed_by"] == "platform"
    assert removed["statement_of_reasons"]["facts"] == "房源存在消防安全隐患。"


def test_a_draft_withdrawn_is_not_reported(platform, provider):
    listing = draft(platform, provider)
    with new_facts():
        services.listing_remove(actor=provider, listing=listing, reason="")
    assert listing.status == ListingStatus.REMOVED


def test_a_published_listing_cannot_be_submitted_again(platform, provider):
    listing = _published(platform, provider)
    with pytest.raises(Conflict) as error:
        services.listing_submit(actor=provider, listing=listing)
    assert error.value.code == "listing.wrong_state"


def test_licence_number_kept_as_given(platform, provider):
    listing = draft(platform, provider, licences={"special_industry_licence": f"  {LICENCE_NUMBER} "})
    assert listing.licences == {"special_industry_licence": LICENCE_NUMBER}


def test_free_text_attributes_are_screened_but_choice_codes_are_not(platform, provider):
    listing = draft(platform, provider, attributes={"guests": 2, "room_type": "entire", "house_rules": "顶级管家服务"})
    services.listing_submit(actor=provider, listing=listing)
    assert listing.status == ListingStatus.REJECTED
    (statement,) = statements_for(subject_type="listing", subject_id=listing.public_id)
    assert "顶级" in statement.facts and "《中华人民共和国广告法》第九条" in statement.legal_reference


def test_a_business_providers_own_company_name_is_not_an_absolute_claim(platform):
    from sharecity.market.accounts.services import provider_verify

    company = factories.make_user()
    provider_verify(actor=company, user=company, kind="business", legal_name="厦门最佳民宿管理有限公司",
                    id_number=factories.credit_code(), platform=platform)
    listing = draft(platform, company, description="厦门最佳民宿管理有限公司经营，推窗见海。")
    services.listing_submit(actor=company, listing=listing)
    assert listing.status == ListingStatus.PUBLISHED


def test_ratings_add_up_and_come_out_again(platform, provider):
    listing = _published(platform, provider)
    services.listing_rating_add(listing=listing, rating=5)
    services.listing_rating_add(listing=listing, rating=4)
    services.listing_rating_remove(listing=listing, rating=5)
    listing.refresh_from_db()
    assert (listing.rating_sum, listing.rating_count, listing.rating_average) == (4, 1, 4.0)
    with pytest.raises(InvalidInput):
        services.listing_rating_add(listing=listing, rating=6)
