"""Rights holders' notices in the tenant walk: each tenant has a notice against its provider's listing, taken
down and forwarded (so the provider may answer it). The public filing routes (``/public/notices/...``) take no
key; their tenancy is tested in ``tests/market/notices/test_api.py``."""

from __future__ import annotations

import base64

from sharecity.market.notices import services
from sharecity.market.notices.models import Notice, NoticeListing, NoticeStep
from tests.market.notices.helpers import PDF, file_notice, make_operator, published


def prepare(tenant) -> None:
    tenant.notice_listing = published(tenant.platform, tenant.provider, title=f"侵权测试房源{tenant.platform.slug}")
    tenant.notice_operator = make_operator(tenant.platform)
    tenant.notice, _secret = file_notice(tenant.platform, [tenant.notice_listing])
    services.notice_take_down(actor=tenant.notice_operator, notice=tenant.notice)
    services.notice_forward(actor=tenant.notice_operator, notice=tenant.notice)


OBJECT_PARAMS = {"notice_id": lambda t: t.notice.public_id}


def OBJECT_IDS(tenant):
    return [tenant.notice.public_id, tenant.notice_listing.public_id]


_EVIDENCE = [{"name": "证据.pdf", "content_base64": base64.b64encode(PDF).decode()}]
BODIES = {
    ("POST", "/p/{platform}/notices/{notice_id}/take-down"): lambda t: {"note": "越权下架"},
    ("POST", "/p/{platform}/notices/{notice_id}/explain"): lambda t: {"reason": "越权说明理由"},
    ("POST", "/p/{platform}/notices/{notice_id}/forward"): lambda t: None,
    ("POST", "/p/{platform}/notices/{notice_id}/forward-counter"): lambda t: None,
    ("POST", "/p/{platform}/notices/{notice_id}/complaint"): lambda t: {"kind": "lawsuit", "detail": "越权法院案号"},
    ("POST", "/p/{platform}/notices/{notice_id}/restore"): lambda t: {"reason": "越权恢复理由"},
    ("POST", "/p/{platform}/notices/{notice_id}/wrong"): lambda t: {"note": "越权错误通知", "malicious": True},
    ("POST", "/p/{platform}/my/notices/{notice_id}/counter"): lambda t: {"text": "越权提交的不侵权声明文字",
                                                                        "evidence": _EVIDENCE},
}

NOT_FOUND_CODES = ("notice.not_found",)


def SNAPSHOT(platform):
    return {
        "notices": list(Notice.objects.filter(platform=platform).order_by("pk").values()),
        "notice_listings": list(NoticeListing.objects.filter(notice__platform=platform).order_by("pk").values()),
        "notice_steps": list(NoticeStep.objects.filter(notice__platform=platform).order_by("pk").values()),
    }
