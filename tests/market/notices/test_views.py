"""The notice pages: filing without an account, following with the code and secret, the public register
(第四十四条), the operator's console and the provider's counter-notice."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sharecity.market.listings.models import ListingStatus
from sharecity.market.notices import services
from sharecity.market.notices.models import Notice, NoticeStatus
from tests import factories
from tests.market.notices.helpers import file_notice, make_operator, pdf, png, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(platform, provider):
    return published(platform, provider)


def english() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def _form(listing, **overrides):
    data = {"holder_name": "张三", "holder_contact": "13800000000", "right_kind": "patent",
            "registration_numbers": "ZL202310000000.1", "claim": "该房源使用的智能门锁侵犯我的发明专利。",
            "listing_ids": f"https://example.cn/p/x/listings/{listing.public_id}/", "evidence": png()}
    data.update(overrides)
    return data


def test_the_filing_page_needs_no_login_and_speaks_chinese_first(platform):
    page = Client().get(f"/p/{platform.slug}/notices/new")
    assert page.status_code == 200
    assert "侵权" in page.content.decode()
    assert "File the notice" in english().get(f"/p/{platform.slug}/notices/new").content.decode()


def test_a_rights_holder_files_follows_and_reports_a_complaint(platform, listing):
    client = english()
    filed = client.post(f"/p/{platform.slug}/notices/new", _form(listing))
    assert filed.status_code == 201, filed.content.decode()[:2000]
    page = filed.content.decode()
    code = re.search(r'data-testid="tracking-code">(\w+)<', page).group(1)
    secret = re.search(r'data-testid="tracking-secret"><code>([^<]+)<', page).group(1)
    notice = Notice.objects.get(tracking_code=code)
    # Another browser needs the code and the secret.
    other = english()
    holder_url = f"/p/{platform.slug}/notices/track/{notice.public_id}/"
    assert other.get(holder_url).status_code == 404
    assert other.post(f"/p/{platform.slug}/notices/track", {"tracking_code": code, "secret": "wrong"}) \
        .status_code == 404
    opened = other.post(f"/p/{platform.slug}/notices/track", {"tracking_code": code, "secret": secret})
    assert opened.status_code == 302 and opened["Location"] == holder_url
    assert 'data-status="filed"' in other.get(holder_url).content.decode()
    # The register shows it, the person's name masked, no contact.
    register = Client().get(f"/p/{platform.slug}/notices/").content.decode()
    assert listing.title in register and "张三" not in register and "13800000000" not in register


def test_a_bad_filing_is_shown_on_its_field(platform, listing):
    response = english().post(f"/p/{platform.slug}/notices/new", _form(listing, registration_numbers="",
                                                                       evidence=""))
    assert response.status_code == 400
    assert "registration or patent number" in response.content.decode()
    other = factories.make_platform()
    response = english().post(f"/p/{other.slug}/notices/new", _form(listing))
    assert response.status_code == 404 and "No such listing on this platform." in response.content.decode()
    assert not Notice.objects.exists()


def test_the_operator_takes_down_forwards_and_the_provider_answers(platform, provider, listing):
    notice, _secret = file_notice(platform, [listing])
    operator = english()
    operator.force_login(make_operator(platform))
    console = operator.get(f"/p/{platform.slug}/operator/notices/").content.decode()
    assert notice.tracking_code in console
    base = f"/p/{platform.slug}/operator/notices/{notice.public_id}/"
    assert 'data-testid="action-take_down"' in operator.get(base).content.decode()
    assert operator.post(base + "take_down/", {"note": ""}).status_code == 302
    assert operator.post(base + "forward/").status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUSPENDED
    # Explaining after a takedown is refused and said so on the page.
    refused = operator.post(base + "explain/", {"reason": "已下架后再说明"})
    assert refused.status_code == 409
    seller = english()
    seller.force_login(provider)
    mine = seller.get(f"/p/{platform.slug}/my/notices/").content.decode()
    assert notice.tracking_code in mine
    answered = seller.post(f"/p/{platform.slug}/my/notices/{notice.public_id}/",
                           {"text": "该门锁是向专利权人购买的正品，附发票。", "evidence": pdf()})
    assert answered.status_code == 302
    assert operator.post(base + "forward_counter/").status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.AWAITING_HOLDER
    assert 'data-testid="restore-due"' in operator.get(base).content.decode()
    # Others see none of this.
    stranger = english()
    stranger.force_login(factories.make_user())
    assert stranger.get(base).status_code == 403
    assert stranger.get(f"/p/{platform.slug}/my/notices/{notice.public_id}/").status_code == 404
    evidence = notice.evidence.first()
    assert stranger.get(f"/p/{platform.slug}/notices/evidence/{evidence.public_id}/").status_code == 404
    assert seller.get(f"/p/{platform.slug}/notices/evidence/{evidence.public_id}/").status_code == 200


def test_another_platforms_operator_cannot_open_the_notice(platform, listing):
    notice, _secret = file_notice(platform, [listing])
    other = factories.make_platform()
    client = english()
    client.force_login(make_operator(other))
    assert client.get(f"/p/{other.slug}/operator/notices/{notice.public_id}/").status_code == 404
    assert client.post(f"/p/{other.slug}/operator/notices/{notice.public_id}/take_down/").status_code == 404


def test_the_holder_reports_a_complaint_on_the_tracking_page(platform, provider, listing):
    operator = make_operator(platform)
    client = english()
    filed = client.post(f"/p/{platform.slug}/notices/new", _form(listing)).content.decode()
    code = re.search(r'data-testid="tracking-code">(\w+)<', filed).group(1)
    notice = Notice.objects.get(tracking_code=code)
    services.notice_take_down(actor=operator, notice=notice)
    services.notice_forward(actor=operator, notice=notice)
    services.notice_counter(actor=provider, notice=notice, text="正品，附发票和授权书。", evidence=[pdf()])
    services.notice_counter_forward(actor=operator, notice=notice)
    url = f"/p/{platform.slug}/notices/track/{notice.public_id}/"
    assert "counter-text" in client.get(url).content.decode()
    reported = client.post(url, {"kind": "complaint", "detail": "厦门市市场监督管理局 投诉编号 2026-1",
                                 "evidence": pdf()})
    assert reported.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.MEASURES_KEPT


def test_a_listing_page_leads_a_rights_holder_to_the_form_with_the_listing_filled_in(platform, listing):
    page = Client().get(f"/p/{platform.slug}/market/listings/{listing.public_id}/").content.decode()
    link = f"/p/{platform.slug}/notices/new?listing={listing.public_id}"
    assert link in page
    assert str(listing.public_id) in Client().get(link).content.decode()


def test_the_periods_and_the_citys_time_limits_are_edited_as_data_in_the_admin(platform, listing):
    from sharecity.kernel.models import User

    file_notice(platform, [listing])
    admin = User.objects.create_superuser("notices-admin", password="pw-for-tests-123")
    client = Client()
    client.force_login(admin)
    for url in ("/admin/market_notices/noticeperiod/", "/admin/market_notices/notice/",
                "/admin/hub_notices/noticedeadline/"):
        assert client.get(url).status_code == 200, url
    assert "第四十三条" in client.get("/admin/market_notices/noticeperiod/").content.decode()
