"""The notices' API: what the pages show and do, for machine clients and browsers.

- ``public_router`` (no login, rate-limited like every public request): ``/public/notices/{platform}``:
  file a notice, read the register (第四十四条), follow a notice and report a complaint or lawsuit with the
  tracking code and secret;
- ``router`` (mounted by ``market.api`` under its authentication): ``/p/{platform}/notices`` for the
  platform's operators, ``/p/{platform}/my/notices`` for the provider of the listings concerned.

Evidence travels as JSON: ``{"name", "content_base64"}``, checked like an upload (type by its first bytes,
size, count). A request body is at most Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``; larger files go through
the pages.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import StrictBool

from sharecity.exchange.schemas import NOTICE_LISTINGS_MAX_ITEMS
from sharecity.kernel.evidence import EVIDENCE_MAX_BYTES, EVIDENCE_MAX_FILES
from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.notices import selectors, services
from sharecity.market.notices.errors import InvalidEvidence, NotOperator
from sharecity.market.notices.models import Notice
from sharecity.market.platforms.selectors import is_operator, platform_get

router = Router(tags=["notices"])
public_router = Router(auth=None, tags=["notices (public)"])
BASE64_MAX = (EVIDENCE_MAX_BYTES * 4) // 3 + 4


class NoticeEvidenceIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    content_base64: str = Field(..., min_length=4, max_length=BASE64_MAX)


class NoticeIn(Schema):
    holder_name: str = Field(..., max_length=120)
    holder_contact: str = Field(..., max_length=200)
    right_kind: str = Field(..., max_length=12, description="trademark | copyright | patent | other")
    registration_numbers: list[str] = Field(default_factory=list, max_length=services.REGISTRATION_NUMBERS_MAX)
    claim: str = Field(..., max_length=4000)
    listing_ids: list[str] = Field(..., max_length=NOTICE_LISTINGS_MAX_ITEMS)
    evidence: list[NoticeEvidenceIn] = Field(..., max_length=EVIDENCE_MAX_FILES)


class NoticeFiledOut(Schema):
    id: uuid.UUID
    tracking_code: str
    secret: str = Field(..., description="shown once: keep it to follow the notice")


class NoticeTrackIn(Schema):
    tracking_code: str = Field(..., max_length=16)
    secret: str = Field(..., max_length=64)


class NoticeComplaintIn(Schema):
    kind: str = Field(..., max_length=12, description="complaint | lawsuit")
    detail: str = Field(..., max_length=300, description="the authority or court and the case number")


class NoticeHolderComplaintIn(NoticeTrackIn, NoticeComplaintIn):
    evidence: list[NoticeEvidenceIn] = Field(..., max_length=EVIDENCE_MAX_FILES)


class NoticeNoteIn(Schema):
    note: str = Field(default="", max_length=2000)


class NoticeReasonIn(Schema):
    reason: str = Field(..., max_length=4000)


class NoticeWrongIn(Schema):
    note: str = Field(..., max_length=4000)
    malicious: StrictBool = False


class NoticeCounterIn(Schema):
    text: str = Field(..., max_length=4000)
    evidence: list[NoticeEvidenceIn] = Field(..., max_length=EVIDENCE_MAX_FILES)


class NoticeListingOut(Schema):
    id: uuid.UUID
    title: str
    status: str
    taken_down: bool


class NoticeStepOut(Schema):
    step: str
    at: dt.datetime
    actor_role: str
    note: str


class NoticeEvidenceOut(Schema):
    id: uuid.UUID
    name: str
    party: str
    content_type: str
    size: int


class NoticeOut(Schema):
    id: uuid.UUID
    tracking_code: str
    status: str
    right_kind: str
    registration_numbers: list[str]
    claim: str
    holder_name: str
    holder_contact: str | None = Field(None, description="to the platform and the rights holder only")
    filed_at: dt.datetime
    measure_at: dt.datetime | None
    explanation: str
    forwarded_at: dt.datetime | None
    counter_text: str
    counter_at: dt.datetime | None
    counter_forwarded_at: dt.datetime | None
    restore_due_at: dt.datetime | None
    period_days: int | None
    period_source: str
    complaint_kind: str
    complaint_detail: str
    complaint_reported_at: dt.datetime | None
    restored_at: dt.datetime | None
    wrong_notice: bool
    malicious: bool
    listings: list[NoticeListingOut]
    steps: list[NoticeStepOut]
    evidence: list[NoticeEvidenceOut]


class NoticePublishedOut(Schema):
    tracking_code: str
    filed_at: dt.datetime
    holder: str = Field(..., description="a business in full, a person masked")
    right_kind: str
    registration_numbers: list[str]
    listings: list[str] = Field(..., description="titles of the listings concerned")
    explanation: str
    counter_at: dt.datetime | None
    status: str
    restored_at: dt.datetime | None


def _uploads(items: list[NoticeEvidenceIn]) -> list[SimpleUploadedFile]:
    files = []
    for index, item in enumerate(items):
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidEvidence(_("The file is not valid base64."), field=f"evidence.{index}.content_base64") \
                from None
        files.append(SimpleUploadedFile(item.name, content))
    return files


def _out(notice: Notice, *, contact: bool, parties=("holder", "provider")) -> dict:
    return {
        "id": notice.public_id, **{name: getattr(notice, name) for name in (
            "tracking_code", "status", "right_kind", "registration_numbers", "claim", "holder_name", "filed_at",
            "measure_at", "explanation", "forwarded_at", "counter_text", "counter_at", "counter_forwarded_at",
            "restore_due_at", "period_days", "period_source", "complaint_kind", "complaint_detail",
            "complaint_reported_at", "restored_at", "wrong_notice", "malicious")},
        "holder_contact": notice.holder_contact if contact else None,
        "listings": [{"id": item.listing.public_id, "title": item.listing.title, "status": item.listing.status,
                      "taken_down": item.taken_down} for item in notice.items.select_related("listing")],
        "steps": [{"step": s.step, "at": s.at, "actor_role": s.actor_role, "note": s.note}
                  for s in notice.steps.all()],
        "evidence": [{"id": e.public_id, "name": e.name, "party": e.party, "content_type": e.content_type,
                      "size": e.size} for e in selectors.evidence_of(notice=notice, parties=tuple(parties))],
    }


# --- public -----------------------------------------------------------------------------------------------


@public_router.post("/public/notices/{platform}", response={201: NoticeFiledOut, **ERRORS})
def notice_file(request, platform: str, data: NoticeIn):
    """File a rights holder's notice (电子商务法第四十二条第一款), with preliminary evidence."""
    notice, secret = services.notice_file(
        platform=platform_get(slug=platform), holder_name=data.holder_name, holder_contact=data.holder_contact,
        right_kind=data.right_kind, registration_numbers=list(data.registration_numbers), claim=data.claim,
        listing_ids=list(data.listing_ids), evidence=_uploads(data.evidence))
    return 201, {"id": notice.public_id, "tracking_code": notice.tracking_code, "secret": secret}


@public_router.get("/public/notices/{platform}", response={200: list[NoticePublishedOut], **ERRORS})
def notice_register(request, platform: str):
    """第四十四条: the notices, counter-notices and results the platform publishes."""
    return [{"tracking_code": n.tracking_code, "filed_at": n.filed_at, "holder": selectors.masked_name(n.holder_name),
             "right_kind": n.right_kind, "registration_numbers": n.registration_numbers,
             "listings": [item.listing.title for item in n.items.all()], "explanation": n.explanation,
             "counter_at": n.counter_at, "status": n.status, "restored_at": n.restored_at}
            for n in selectors.notices_published(platform=platform_get(slug=platform))[:500]]


@public_router.post("/public/notices/{platform}/track", response={200: NoticeOut, **ERRORS})
def notice_track(request, platform: str, data: NoticeTrackIn):
    """The rights holder's view of their notice (the secret is sent in the body, never in the URL)."""
    notice = services.notice_for_holder(platform=platform_get(slug=platform), tracking_code=data.tracking_code,
                                        secret=data.secret)
    visible = ("holder", "provider") if notice.counter_forwarded_at else ("holder",)
    return _out(notice, contact=True, parties=visible)


@public_router.post("/public/notices/{platform}/complaint", response={200: NoticeOut, **ERRORS})
def notice_holder_complaint(request, platform: str, data: NoticeHolderComplaintIn):
    """第四十三条第二款: the rights holder tells the platform they complained to an authority or sued."""
    notice = services.notice_for_holder(platform=platform_get(slug=platform), tracking_code=data.tracking_code,
                                        secret=data.secret)
    notice = services.notice_complaint_report(notice=notice, kind=data.kind, detail=data.detail,
                                              evidence=_uploads(data.evidence))
    return _out(notice, contact=True)


# --- the platform's operators --------------------------------------------------------------------------------


def _operator_notice(request, platform: str, notice_id: str, *, write: bool) -> tuple[Caller, Notice]:
    caller = Caller(request, platform)
    notice = selectors.notice_get(platform=caller.platform, public_id=notice_id)
    allowed = is_operator(user=caller.user, platform=caller.platform) if write or not caller.lists_whole_platform \
        else True
    if not allowed:
        raise NotOperator(_("Only the platform's operator staff may handle rights holders' notices."), field="actor")
    return caller, notice


@router.get("/p/{platform}/notices", response={200: list[NoticeOut], **ERRORS})
def notices_list(request, platform: str, status: str = ""):
    caller = Caller(request, platform)
    if not (caller.lists_whole_platform or is_operator(user=caller.user, platform=caller.platform)):
        raise NotOperator(_("Only the platform's operator staff may handle rights holders' notices."), field="actor")
    return [_out(n, contact=True) for n in selectors.notices_of_platform(platform=caller.platform,
                                                                         status=status[:20])[:200]]


@router.get("/p/{platform}/notices/{notice_id}", response={200: NoticeOut, **ERRORS})
def notices_get(request, platform: str, notice_id: str):
    _caller, notice = _operator_notice(request, platform, notice_id, write=False)
    return _out(notice, contact=True)


@router.post("/p/{platform}/notices/{notice_id}/take-down", response={200: NoticeOut, **ERRORS})
def notices_take_down(request, platform: str, notice_id: str, data: NoticeNoteIn):
    caller, notice = _operator_notice(request, platform, notice_id, write=True)
    return _out(services.notice_take_down(actor=caller.person(), notice=notice, note=data.note), contact=True)


@router.post("/p/{platform}/notices/{notice_id}/explain", response={200: NoticeOut, **ERRORS})
def notices_explain(request, platform: str, notice_id: str, data: NoticeReasonIn):
    caller, notice = _operator_notice(request, platform, notice_id, write=True)
    return _out(services.notice_explain(actor=caller.person(), notice=notice, reason=data.reason), contact=True)


@router.post("/p/{platform}/notices/{notice_id}/forward", response={200: NoticeOut, **ERRORS})
def notices_forward(request, platform: str, notice_id: str):
    caller, notice = _operator_notice(request, platform, notice_id, write=True)
    return _out(services.notice_forward(actor=caller.person(), notice=notice), contact=True)


@router.post("/p/{platform}/notices/{notice_id}/forward-counter", response={200: NoticeOut, **ERRORS})
def notices_forward_counter(request, platform: str, notice_id: str):
    caller, notice = _operator_notice(request, platform, notice_id, write=True)
    return _out(services.notice_counter_forward(actor=caller.person(), notice=notice), contact=True)


@router.post("/p/{platform}/notices/{notice_id}/complaint", response={200: NoticeOut, **ERRORS})
def notices_complaint(request, platform: str, notice_id: str, data: NoticeComplaintIn):
    caller, notice = _operator_notice(request, platform, notice_id, write=True)
    return _out(services.notice_complaint_report(actor=caller.person(), notice=notice, kind=data.kind,
                                                 detail=data.detail), contact=True)


@router.post("/p/{platform}/notices/{notice_id}/restore", response={200: NoticeOut, **ERRORS})
def notices_restore(request, platform: str, notice_id: str, data: NoticeReasonIn):
    caller, notice = _operator_notice(request, platform, notice_id, write=True)
    return _out(services.notice_restore(actor=caller.person(), notice=notice, reason=data.reason), contact=True)


@router.post("/p/{platform}/notices/{notice_id}/wrong", response={200: NoticeOut, **ERRORS})
def notices_wrong(request, platform: str, notice_id: str, data: NoticeWrongIn):
    caller, notice = _operator_notice(request, platform, notice_id, write=True)
    return _out(services.notice_record_wrong(actor=caller.person(), notice=notice, note=data.note,
                                             malicious=data.malicious), contact=True)


# --- the provider ---------------------------------------------------------------------------------------------


@router.get("/p/{platform}/my/notices", response={200: list[NoticeOut], **ERRORS})
def my_notices(request, platform: str):
    caller = Caller(request, platform)
    return [_out(n, contact=False) for n in selectors.notices_of_provider(platform=caller.platform,
                                                                          provider=caller.person())]


@router.get("/p/{platform}/my/notices/{notice_id}", response={200: NoticeOut, **ERRORS})
def my_notice(request, platform: str, notice_id: str):
    caller = Caller(request, platform)
    notice = selectors.notice_of_provider(platform=caller.platform, provider=caller.person(), public_id=notice_id)
    return _out(notice, contact=False)


@router.post("/p/{platform}/my/notices/{notice_id}/counter", response={200: NoticeOut, **ERRORS})
def my_notice_counter(request, platform: str, notice_id: str, data: NoticeCounterIn):
    """第四十三条第一款: the provider's counter-notice, with preliminary evidence of non-infringement."""
    caller = Caller(request, platform)
    notice = selectors.notice_of_provider(platform=caller.platform, provider=caller.person(), public_id=notice_id)
    notice = services.notice_counter(actor=caller.person(), notice=notice, text=data.text,
                                     evidence=_uploads(data.evidence))
    return _out(notice, contact=False)
