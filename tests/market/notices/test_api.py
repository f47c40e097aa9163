"""The notices' API: the public filing, tracking and register routes (no login), the operator's and the
provider's routes; hostile input on every one (oversize, control characters, wrong types, replays,
another tenant's ids)."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from sharecity.kernel.models import OutboxMessage
from sharecity.market.listings.models import ListingStatus
from sharecity.market.notices.models import Notice
from tests import factories
from tests.market.notices.helpers import PDF, PNG, make_operator, published

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def body(listing, **overrides) -> dict:
    data = {"holder_name": "鹭岛文化创意有限公司", "holder_contact": "0592-5551234",
            "right_kind": "copyright", "registration_numbers": ["国作登字-2025-F-00012345"],
            "claim": "房源图片是我公司摄影师拍摄的作品，未经许可使用。",
            "listing_ids": [str(listing.public_id)],
            "evidence": [{"name": "登记证书.png", "content_base64": _b64(PNG)}]}
    data.update(overrides)
    return data


def file(client, platform, data):
    return client.post(f"{API}/public/notices/{platform.slug}", data, content_type="application/json")


@pytest.fixture
def listing(platform, provider):
    return published(platform, provider)


@pytest.fixture
def operator_client(platform):
    client = Client()
    client.force_login(make_operator(platform))
    return client


def test_a_rights_holder_files_follows_and_reports_a_lawsuit_without_an_account(platform, provider, listing,
                                                                              operator_client):
    client = Client()
    filed = file(client, platform, body(listing))
    assert filed.status_code == 201, filed.content
    code, secret = filed.json()["tracking_code"], filed.json()["secret"]
    notice_id = filed.json()["id"]
    track = {"tracking_code": code, "secret": secret}
    view = client.post(f"{API}/public/notices/{platform.slug}/track", track, content_type="application/json")
    assert view.status_code == 200 and view.json()["status"] == "filed"
    assert [s["step"] for s in view.json()["steps"]] == ["filed"]
    # The platform acts through its API.
    base = f"{API}/p/{platform.slug}/notices/{notice_id}"
    assert operator_client.post(f"{base}/take-down", {"note": "先行下架"}, content_type="application/json") \
        .json()["status"] == "taken_down"
    # A replay of the same step is refused; nothing is done twice.
    replay = operator_client.post(f"{base}/take-down", {}, content_type="application/json")
    assert (replay.status_code, replay.json()["code"]) == (409, "notice.wrong_step")
    assert operator_client.post(f"{base}/forward").status_code == 200
    assert operator_client.post(f"{base}/forward").json()["code"] == "notice.wrong_step"
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUSPENDED
    # The provider sees it and answers.
    provider_client = Client()
    provider_client.force_login(provider)
    mine = provider_client.get(f"{API}/p/{platform.slug}/my/notices").json()
    assert [n["id"] for n in mine] == [notice_id] and mine[0]["holder_contact"] is None
    counter = provider_client.post(f"{API}/p/{platform.slug}/my/notices/{notice_id}/counter",
                                   {"text": "我方是图片的著作权人，附原始文件。",
                                    "evidence": [{"name": "原图.pdf", "content_base64": _b64(PDF)}]},
                                   content_type="application/json")
    assert counter.status_code == 200, counter.content
    assert operator_client.post(f"{base}/forward-counter").json()["status"] == "awaiting_holder"
    view = client.post(f"{API}/public/notices/{platform.slug}/track", track, content_type="application/json").json()
    assert view["counter_text"].startswith("我方") and view["restore_due_at"]
    assert {e["party"] for e in view["evidence"]} == {"holder", "provider"}
    reported = client.post(f"{API}/public/notices/{platform.slug}/complaint",
                           {**track, "kind": "lawsuit", "detail": "思明区人民法院 (2026)闽0203民初1号",
                            "evidence": [{"name": "受理通知书.pdf", "content_base64": _b64(PDF)}]},
                           content_type="application/json")
    assert reported.status_code == 200 and reported.json()["status"] == "measures_kept"
    register = client.get(f"{API}/public/notices/{platform.slug}").json()
    assert register[0]["status"] == "measures_kept" and register[0]["listings"] == [listing.title]
    assert "secret" not in str(register) and "0592" not in str(register)
    assert OutboxMessage.objects.filter(message_type="notice.state_changed").count() == 6


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"holder_name": "名" * 121}, 422, "holder_name"),
    ({"holder_name": "名\x1b[2J字"}, 400, "holder_name"),
    ({"holder_contact": 5}, 422, "holder_contact"),
    ({"right_kind": "design"}, 400, "right_kind"),
    ({"registration_numbers": "12345"}, 422, "registration_numbers"),
    ({"claim": "侵" * 4001}, 422, "claim"),
    ({"listing_ids": "all"}, 422, "listing_ids"),
    ({"listing_ids": ["x"] * 21}, 422, "listing_ids"),
    ({"listing_ids": ["'; DROP TABLE notices; --"]}, 404, "listing_ids.0"),
    ({"evidence": []}, 400, "evidence"),
    ({"evidence": [{"name": "a.png", "content_base64": "!!!!"}]}, 400, "evidence.0.content_base64"),
    ({"evidence": [{"name": "a.exe", "content_base64": _b64(b"MZ" + b"0" * 30)}]}, 400, "evidence"),
    # A body above Django's DATA_UPLOAD_MAX_MEMORY_SIZE is refused before the API reads it.
    ({"evidence": [{"name": "a.png", "content_base64": "A" * 8_000_000}]}, 400, None),
])
def test_hostile_filings_are_refused_naming_the_field(platform, listing, change, status, field):
    response = file(Client(), platform, body(listing, **change))
    assert response.status_code == status, response.content
    if field is not None:
        assert response.json()["field"] == field
    assert not Notice.objects.exists()


def test_another_tenants_listing_cannot_be_named_and_an_unknown_platform_is_404(platform, listing):
    other = factories.make_platform()
    response = file(Client(), other, body(listing))
    assert (response.status_code, response.json()["code"]) == (404, "listing.not_found")
    assert str(listing.public_id) not in response.content.decode()
    assert file(Client(), type("P", (), {"slug": "no-such-platform"}), body(listing)).status_code == 404


def test_a_wrong_secret_and_another_platforms_code_open_nothing(platform, listing):
    filed = file(Client(), platform, body(listing)).json()
    other = factories.make_platform()
    for slug, code, secret in ((platform.slug, filed["tracking_code"], "x" * 24),
                               (other.slug, filed["tracking_code"], filed["secret"]),
                               (platform.slug, "N" + "2" * 9, filed["secret"])):
        response = Client().post(f"{API}/public/notices/{slug}/track", {"tracking_code": code, "secret": secret},
                                 content_type="application/json")
        assert (response.status_code, response.json()["code"]) == (404, "notice.not_found")
    oversize = Client().post(f"{API}/public/notices/{platform.slug}/track",
                             {"tracking_code": "N" * 17, "secret": filed["secret"]}, content_type="application/json")
    assert oversize.status_code == 422


def test_only_the_platforms_operators_act_and_another_platforms_notice_is_404(platform, listing):
    notice_id = file(Client(), platform, body(listing)).json()["id"]
    customer = factories.make_user(platform=platform)
    client = Client()
    client.force_login(customer)
    refused = client.post(f"{API}/p/{platform.slug}/notices/{notice_id}/take-down", {}, content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (403, "notice.not_operator")
    assert client.get(f"{API}/p/{platform.slug}/notices").status_code == 403
    other = factories.make_platform()
    other_operator = Client()
    other_operator.force_login(make_operator(other))
    response = other_operator.post(f"{API}/p/{other.slug}/notices/{notice_id}/take-down", {},
                                   content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (404, "notice.not_found")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED


@pytest.mark.parametrize(("route", "data", "status", "field"), [
    ("explain", {"reason": "短"}, 400, "reason"),
    ("explain", {"reason": 7}, 422, "reason"),
    ("explain", {"reason": "说明\x00理由"}, 400, "reason"),
    ("restore", {"reason": "恢复" * 3000}, 422, "reason"),
    ("complaint", {"kind": "petition", "detail": "某某法院"}, 409, "notice_id"),
    ("wrong", {"note": "错误通知造成损失", "malicious": "yes"}, 422, "malicious"),
])
def test_hostile_operator_input_is_refused(platform, listing, operator_client, route, data, status, field):
    notice_id = file(Client(), platform, body(listing)).json()["id"]
    response = operator_client.post(f"{API}/p/{platform.slug}/notices/{notice_id}/{route}", data,
                                    content_type="application/json")
    assert response.status_code == status, response.content
    assert response.json()["field"] == field
