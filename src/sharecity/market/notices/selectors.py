"""Reads of notices: the operator's queue, a provider's notices, the public register (第四十四条)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sharecity.market.notices.errors import NoticeNotFound
from sharecity.market.notices.models import Notice, NoticeEvidence, NoticeStatus

OPEN = (NoticeStatus.FILED, NoticeStatus.TAKEN_DOWN, NoticeStatus.COUNTER_NOTICED, NoticeStatus.AWAITING_HOLDER,
        NoticeStatus.MEASURES_KEPT)


def _key(public_id) -> uuid.UUID | None:
    try:
        return public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except (ValueError, TypeError, AttributeError):
        return None


def notices_of_platform(*, platform, status: str = "") -> QuerySet[Notice]:
    qs = Notice.objects.filter(platform=platform).prefetch_related("items__listing")
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-filed_at", "-id")


def notice_get(*, platform, public_id) -> Notice:
    """The platform's notice (another platform's, or none: the same 404)."""
    key = _key(public_id)
    notice = None if key is None else Notice.objects.filter(platform=platform, public_id=key).first()
    if notice is None:
        raise NoticeNotFound(_("No such notice on this platform."), field="notice_id")
    return notice


def notices_of_provider(*, platform, provider) -> QuerySet[Notice]:
    """Notices forwarded to the provider about their listings (第四十二条第二款: 转送平台内经营者)."""
    return (Notice.objects.filter(platform=platform, forwarded_at__isnull=False, items__listing__provider=provider)
            .distinct().prefetch_related("items__listing").order_by("-filed_at", "-id"))


def notice_of_provider(*, platform, provider, public_id) -> Notice:
    key = _key(public_id)
    notice = None if key is None else notices_of_provider(platform=platform, provider=provider).filter(
        public_id=key).first()
    if notice is None:
        raise NoticeNotFound(_("No such notice on your listings."), field="notice_id")
    return notice


def notices_published(*, platform) -> QuerySet[Notice]:
    """第四十四条: 及时公示收到的通知、声明及处理结果 — every notice, as soon as it is filed."""
    return notices_of_platform(platform=platform).prefetch_related("steps")


def evidence_of(*, notice: Notice, parties: tuple[str, ...]) -> QuerySet[NoticeEvidence]:
    return notice.evidence.filter(party__in=parties)


def evidence_get(*, platform, public_id) -> NoticeEvidence:
    key = _key(public_id)
    item = None if key is None else NoticeEvidence.objects.filter(notice__platform=platform, public_id=key) \
        .select_related("notice").first()
    if item is None:
        raise NoticeNotFound(_("No such evidence file."), field="evidence_id")
    return item


def masked_name(name: str) -> str:
    """The rights holder as the public register shows them: a business in full, a person masked."""
    if any(word in name for word in ("公司", "集团", "事务所", "研究院", "大学", "协会", "Ltd", "Inc", "LLC", "GmbH")):
        return name
    return name[:1] + "*" * max(1, len(name) - 1)
