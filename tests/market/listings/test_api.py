"""Listings and moderation through the market API, as a platform's own app would use them."""

from __future__ import annotations

import pytest
from django.test import Client

from sharecity.kernel.models import OutboxMessage
from tests import factories
from tests.market.moderation.helpers import LICENCE_NUMBER, homestay, make_operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(platform):
    homestay(platform)
    key = factories.api_key(platform)

    def call(method, path, body=None, *, user=None):
        headers = {"X-API-Key": key}
        if user is not None:
            headers["X-Acting-User"] = str(user.public_id)
        url = f"/api/v1/p/{platform.slug}{path}"
        if method == "GET":
            return Client().get(url, headers=headers)
        return Client().post(url, body or {}, content_type="application/json", headers=headers)
    return call


def _body(**overrides):
    body = {"category": "homestay", "title": "鼓浪屿海景民宿", "description": "推窗见海。",
            "attributes": {"guests": 2, "room_type": "entire"}, "licences": {}, "district": "350203",
            "price_fen": 38_000, "price_unit": "night", "deposit_fen": 50_000, "deposit_refund_days": 3,
            "fees": [{"label_zh": "清洁费", "fen": 5000}], "submit": True}
    body.update(overrides)
    return body


def test_a_listing_without_its_licence_is_rejected_and_the_statement_can_be_read(api, provider):
    response = api("POST", "/listings", _body(), user=provider)
    assert response.status_code == 201
    listing = response.json()
    assert listing["status"] == "rejected" and "特种行业许可证" in listing["status_reason"]
    statements = api("GET", f"/listings/{listing['id']}/statements", user=provider).json()
    assert [(s["decision"], s["legal_reference"]) for s in statements] == [("rejected", "《旅馆业治安管理办法》第四条")]


def test_a_listing_with_its_licence_is_published(api, provider):
    response = api("POST", "/listings", _body(licences={"special_industry_licence": LICENCE_NUMBER}), user=provider)
    assert response.json()["status"] == "published"
    assert OutboxMessage.objects.filter(message_type="listing.published").count() == 1


def test_bad_input_names_the_field(api, provider):
    response = api("POST", "/listings", _body(attributes={"guests": 2}), user=provider)
    assert response.status_code == 400 and response.json()["field"] == "attributes.room_type"
    response = api("POST", "/listings", _body(category="no_such"), user=provider)
    assert response.status_code == 404


def test_a_draft_is_submitted_later(api, provider):
    listing = api("POST", "/listings", _body(submit=False, licences={"special_industry_licence": LICENCE_NUMBER}),
                  user=provider).json()
    assert listing["status"] == "draft"
    response = api("POST", f"/listings/{listing['id']}/submit", user=provider)
    assert response.json()["status"] == "published"
    response = api("POST", f"/listings/{listing['id']}/submit", user=provider)
    assert response.status_code == 409 and response.json()["code"] == "listing.wrong_state"


def test_moderator_reads_the_queue_and_decides(api, platform, provider):
    listing = api("POST", "/listings", _body(description="详询 138-1234-5678",
                                             licences={"special_industry_licence": LICENCE_NUMBER}),
                  user=provider).json()
    assert listing["status"] == "pending_review"
    assert api("GET", "/moderation/cases", user=provider).status_code == 403
    moderator = make_operator(platform)
    (case,) = api("GET", "/moderation/cases", user=moderator).json()
    assert case["subject_id"] == listing["id"]
    assert case["findings"][0]["rule"] == "contact.mobile" and case["findings"][0]["matched"] == "138-1234-5678"
    response = api("POST", f"/moderation/cases/{case['id']}/decide", {"approve": False}, user=moderator)
    assert response.status_code == 400 and response.json()["field"] == "reason"
    response = api("POST", f"/moderation/cases/{case['id']}/decide",
                   {"approve": False, "reason": "请删除电话号码后重新提交。"}, user=provider)
    assert response.status_code == 403
    response = api("POST", f"/moderation/cases/{case['id']}/decide",
                   {"approve": False, "reason": "请删除电话号码后重新提交。"}, user=moderator)
    assert response.json()["outcome"] == "rejected"
    statements = api("GET", f"/listings/{listing['id']}/statements", user=provider).json()
    assert statements[0]["facts"] == "请删除电话号码后重新提交。"
    assert statements[0]["automated_decision"] is False


def test_someone_else_cannot_read_a_providers_statements(api, platform, provider):
    listing = api("POST", "/listings", _body(), user=provider).json()
    other = factories.make_user(platform=platform)
    response = api("GET", f"/listings/{listing['id']}/statements", user=other)
    assert response.status_code == 403 and response.json()["code"] == "listing.not_yours"
