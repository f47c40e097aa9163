"""The moderation routes of the market API (mounted by ``market.api`` under its authentication):
the platform's review queue and a moderator's decision."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils.translation import gettext as _
from ninja import Router, Schema

from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.listings import selectors as listing_selectors
from sharecity.market.listings import services as listing_services
from sharecity.market.moderation import selectors
from sharecity.market.moderation.errors import InvalidDecision, NotModerator
from sharecity.market.moderation.models import SubjectType
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
    subject_type: str
    subject_id: str
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


def _case_out(case) -> dict:
    return {"id": case.public_id, "subject_type": case.subject_type, "subject_id": case.subject_id,
            "status": case.status, "outcome": case.outcome, "reason": case.reason, "text": case.text,
            "findings": case.findings, "opened_at": case.opened_at, "decided_at": case.decided_at}


@router.get("/p/{platform}/moderation/cases", response={200: list[CaseOut], **ERRORS})
def cases_list(request, platform: str):
    caller = Caller(request, platform)
    # A machine client acting for someone sees what that person may see.
    if not (caller.lists_whole_platform or is_operator(user=caller.user, platform=caller.platform)):
        raise NotModerator(_("Only the platform's moderators may see the moderation queue."), field="actor")
    return [_case_out(case) for case in selectors.queue(platform=caller.platform)]


@router.post("/p/{platform}/moderation/cases/{case_id}/decide", response={200: CaseOut, **ERRORS})
def cases_decide(request, platform: str, case_id: uuid.UUID, data: DecisionIn):
    caller = Caller(request, platform)
    case = selectors.case_get(platform=caller.platform, public_id=case_id)
    if case.subject_type != SubjectType.LISTING:
        raise InvalidDecision(_("Only listings are decided here."), field="case_id")
    listing = listing_selectors.listing_get(platform=caller.platform, public_id=case.subject_id)
    listing_services.listing_review_decide(actor=caller.person(), listing=listing, approve=data.approve,
                                           reason=data.reason)
    case.refresh_from_db()
    return _case_out(case)
