"""The moderation routes of the market API (mounted by ``market.api`` under its authentication):
the platform's review queue (listings and listings' photos) and a moderator's decision."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.moderation import selectors
from sharecity.market.moderation.errors import InvalidDecision, NotModerator
from sharecity.market.moderation.models import SubjectType
from sharecity.market.moderation.subjects import photo_urls_of, subject_decide, subject_of
from sharecity.market.platforms.selectors import is_operator

router = Router(tags=["moderation"])


class FindingOut(Schema):
    rule: str
    outcome: str
    ground: str
    matched: str
    start: int
    end: int
    legal_reference: str
    explanation: str
    field: str = ""


class CaseOut(Schema):
    id: uuid.UUID
    subject_type: str = Field(description="listing | photo (a listing's photo, held until approved)")
    subject_id: str
    listing_id: str | None = Field(None, description="the listing a photo belongs to")
    thumbnail_url: str | None = Field(None, description="a photo's thumbnail (JPEG, at most 400 pixels a side)")
    display_url: str | None = None
    status: str
    outcome: str
    reason: str
    text: str
    findings: list[FindingOut]
    opened_at: dt.datetime
    decided_at: dt.datetime | None


class DecisionIn(Schema):
    approve: bool
    reason: str = ""


def _case_out(request, case) -> dict:
    out = {"id": case.public_id, "subject_type": case.subject_type, "subject_id": case.subject_id,
           "status": case.status, "outcome": case.outcome, "reason": case.reason, "text": case.text,
           "findings": case.findings, "opened_at": case.opened_at, "decided_at": case.decided_at}
    if case.subject_type == SubjectType.PHOTO:
        subject = subject_of(platform=case.platform, case=case)
        urls = photo_urls_of(case=case, subject=subject)
        if urls is not None:
            out.update(listing_id=str(subject.listing.public_id),
                       thumbnail_url=request.build_absolute_uri(urls["thumbnail"]),
                       display_url=request.build_absolute_uri(urls["display"]))
    return out


@router.get("/p/{platform}/moderation/cases", response={200: list[CaseOut], **ERRORS})
def cases_list(request, platform: str):
    caller = Caller(request, platform)
    # A machine client acting for someone sees what that person may see.
    if not (caller.lists_whole_platform or is_operator(user=caller.user, platform=caller.platform)):
        raise NotModerator(_("Only the platform's moderators may see the moderation queue."), field="actor")
    return [_case_out(request, case) for case in selectors.queue(platform=caller.platform)]


@router.post("/p/{platform}/moderation/cases/{case_id}/decide", response={200: CaseOut, **ERRORS})
def cases_decide(request, platform: str, case_id: uuid.UUID, data: DecisionIn):
    caller = Caller(request, platform)
    case = selectors.case_get(platform=caller.platform, public_id=case_id)
    if case.subject_type not in (SubjectType.LISTING, SubjectType.PHOTO):
        raise InvalidDecision(_("Only listings and their photos are decided here."), field="case_id")
    subject_decide(actor=caller.person(), platform=caller.platform, case=case, approve=data.approve,
                   reason=data.reason)
    case.refresh_from_db()
    return _case_out(request, case)
