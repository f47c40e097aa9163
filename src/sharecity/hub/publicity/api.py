"""The publicity pages as an API: /api/v1/hub/publicity/... for officers (session), and the public
repair window at /api/v1/public/credit-repair/... (no login; an application is followed by its
tracking code and secret, sent in the body, never in the address)."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Query, Router, Schema, Status
from ninja.security import SessionAuth

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.publicity import selectors, services
from sharecity.hub.publicity.models import CreditList, EntryStatus, RepairStatus
from sharecity.hub.registry.jurisdiction import Jurisdiction, officer_jurisdiction

ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class PenaltyIn(Schema):
    subject_kind: str = Field(max_length=12)
    subject_identifier: str = Field(max_length=64)
    subject_name: str = Field("", max_length=120)
    decision_number: str = Field(max_length=100)
    law: str = Field(max_length=200)
    article: str = Field(max_length=100)
    severity: str = Field(max_length=10)
    decided_on: dt.date
    district_code: str = Field("", max_length=6)
    facts: str = Field(max_length=4000)


class PenaltyOut(Schema):
    public_id: uuid.UUID
    decision_number: str
    subject_kind: str
    subject_identifier: str
    law: str
    article: str
    severity: str
    decided_on: dt.date
    department: str
    city_code: str
    district_code: str
    public: bool
    repair_from: dt.date
    display_until: dt.date
    rule_source: str
    notice_served_on: dt.date
    notice_url: str
    repaired_at: dt.datetime | None


def _penalty(p) -> dict:
    return {**{f: getattr(p, f) for f in PenaltyOut.model_fields if f != "notice_url"},
            "notice_url": f"/credit/repair/notice/{p.public_id}/"}


class ListEntryIn(Schema):
    credit_list: str = Field(max_length=8)
    subject_kind: str = Field(max_length=12)
    subject_identifier: str = Field(max_length=64)
    legal_basis: str = Field(max_length=500)
    decided_on: dt.date
    effective_on: dt.date
    expires_on: dt.date | None = None
    reason: str = Field(max_length=4000)
    measures: list[str] = Field(default_factory=list, max_length=20)
    basis_decision_number: str = Field("", max_length=100)
    district_code: str = Field("", max_length=6)


class AckOut(Schema):
    platform_id: str
    action: str
    status: str
    message_id: str
    deadline: dt.datetime | None
    acknowledged_at: dt.datetime | None
    action_taken: str
    overdue: bool


class ListEntryOut(Schema):
    public_id: uuid.UUID
    credit_list: str
    subject_kind: str
    subject_identifier: str
    legal_basis: str
    department: str
    decided_on: dt.date
    effective_on: dt.date
    expires_on: dt.date | None
    reason: str
    measures: list[str]
    basis_decision_number: str
    status: str
    removed_at: dt.datetime | None
    removal_reason: str
    acknowledgements: list[AckOut]


def _entry(e, jurisdiction: Jurisdiction | None = None) -> dict:
    fields = {f: getattr(e, f) for f in ListEntryOut.model_fields
              if f not in ("basis_decision_number", "acknowledgements")}
    return {**fields, "basis_decision_number": e.basis_penalty.decision_number if e.basis_penalty else "",
            "acknowledgements": selectors.list_entry_acknowledgements(entry=e, jurisdiction=jurisdiction)}


class RemoveIn(Schema):
    reason: str = Field(max_length=2000)


class ListFilters(Schema):
    credit_list: str = Field("", max_length=8)
    status: str = Field("", max_length=10)


class RepairOut(Schema):
    tracking_code: str
    decision_number: str
    department: str
    received_on: dt.date
    decision_due: dt.date
    result_due: dt.date
    status: str
    reasons: str
    decided_at: dt.datetime | None


class RepairOfficerOut(RepairOut):
    performance: str
    correction: str
    commitment: str
    evidence: str
    overdue: bool


def _repair(a, *, officer: bool = False) -> dict:
    data = {"tracking_code": a.tracking_code, "decision_number": a.penalty.decision_number,
            "department": a.penalty.department, "received_on": a.received_on, "decision_due": a.decision_due,
            "result_due": a.result_due, "status": a.status, "reasons": a.reasons, "decided_at": a.decided_at}
    if officer:
        data.update(performance=a.performance, correction=a.correction, commitment=a.commitment,
                    evidence=a.evidence, overdue=selectors.repair_overdue(a))
    return data


class RepairFilters(Schema):
    status: str = Field("", max_length=10)


class RepairDecisionIn(Schema):
    approve: bool
    reasons: str = Field(max_length=2000)


router = Router(auth=SessionAuth(), tags=["hub publicity"])


@router.get("/hub/publicity/penalties", response={200: list[PenaltyOut], **ERRORS})
def penalties(request):
    """Penalty decisions of the officer's city, newest first (at most 500)."""
    return [_penalty(p) for p in selectors.penalties(jurisdiction=officer_jurisdiction(request))[:500]]


@router.post("/hub/publicity/penalties", response={201: PenaltyOut, **ERRORS})
def penalty_record(request, body: PenaltyIn):
    """Record a penalty decision; the repair notice is served with it (两书同达). Officers of a department only."""
    officer_jurisdiction(request)
    penalty = services.penalty_record(actor=request.auth, **body.model_dump())
    return Status(201, _penalty(penalty))


@router.get("/hub/publicity/penalties/{public_id}", response={200: PenaltyOut, **ERRORS})
def penalty_get(request, public_id: uuid.UUID):
    return _penalty(selectors.penalty_get(jurisdiction=officer_jurisdiction(request), public_id=public_id))


@router.get("/hub/publicity/lists", response={200: list[ListEntryOut], **ERRORS})
def lists(request, filters: Query[ListFilters]):
    """Red-list and serious-dishonesty-list entries of the city, with each platform's acknowledgement."""
    credit_list = filters.credit_list if filters.credit_list in CreditList.values else ""
    status = filters.status if filters.status in EntryStatus.values else ""
    jurisdiction = officer_jurisdiction(request)
    rows = selectors.list_entries(jurisdiction=jurisdiction, credit_list=credit_list, status=status)
    return [_entry(e, jurisdiction) for e in rows[:500]]


@router.post("/hub/publicity/lists", response={201: ListEntryOut, **ERRORS})
def list_add(request, body: ListEntryIn):
    """Put a subject on a list; every platform active in the city gets a ``credit_list.changed`` directive."""
    jurisdiction = officer_jurisdiction(request)
    entry = services.list_entry_add(actor=request.auth, **body.model_dump())
    return Status(201, _entry(entry, jurisdiction))


@router.get("/hub/publicity/lists/{public_id}", response={200: ListEntryOut, **ERRORS})
def list_entry_get(request, public_id: uuid.UUID):
    jurisdiction = officer_jurisdiction(request)
    return _entry(selectors.list_entry_get(jurisdiction=jurisdiction, public_id=public_id), jurisdiction)


@router.post("/hub/publicity/lists/{public_id}/removal", response={200: ListEntryOut, **ERRORS})
def list_entry_remove(request, public_id: uuid.UUID, body: RemoveIn):
    """Take a subject off a list (the department kind that listed it); the platforms are told."""
    jurisdiction = officer_jurisdiction(request)
    entry = selectors.list_entry_get(jurisdiction=jurisdiction, public_id=public_id)
    return _entry(services.list_entry_remove(actor=request.auth, entry=entry, reason=body.reason), jurisdiction)


@router.get("/hub/publicity/repairs", response={200: list[RepairOfficerOut], **ERRORS})
def repairs(request, filters: Query[RepairFilters]):
    """Repair applications for records the officer's department decided, by decision deadline."""
    status = filters.status if filters.status in RepairStatus.values else ""
    rows = selectors.repair_queue(jurisdiction=officer_jurisdiction(request), status=status)
    return [_repair(a, officer=True) for a in rows[:500]]


@router.get("/hub/publicity/repairs/{tracking_code}", response={200: RepairOfficerOut, **ERRORS})
def repair_get(request, tracking_code: str):
    application = selectors.repair_get(jurisdiction=officer_jurisdiction(request), tracking_code=tracking_code[:20])
    return _repair(application, officer=True)


@router.post("/hub/publicity/repairs/{tracking_code}/decision", response={200: RepairOfficerOut, **ERRORS})
def repair_decide(request, tracking_code: str, body: RepairDecisionIn):
    """The deciding department's reasoned decision (within 3 working days of receipt)."""
    application = selectors.repair_get(jurisdiction=officer_jurisdiction(request), tracking_code=tracking_code[:20])
    application = services.repair_decide(actor=request.auth, application=application, approve=body.approve,
                                         reasons=body.reasons)
    return _repair(application, officer=True)


# ---- the public window ------------------------------------------------------------------------------------

class ApplyIn(Schema):
    decision_number: str = Field(max_length=100)
    subject_identifier: str = Field(max_length=64)
    performance: str = Field(max_length=2000)
    correction: str = Field(max_length=2000)
    commitment: str = Field(max_length=2000)
    evidence: str = Field("", max_length=2000)


class ReceivedOut(RepairOut):
    secret: str = Field(description="shown once: with the tracking code, it follows the application")


class FollowIn(Schema):
    tracking_code: str = Field(max_length=20)
    secret: str = Field(max_length=64)


public_router = Router(auth=None, tags=["public credit repair"])


@public_router.post("/public/credit-repair/applications", response={201: ReceivedOut, **VALIDATION,
                                                                     404: ErrorOut, 409: ErrorOut})
def repair_apply(request, body: ApplyIn):
    """Apply for credit repair (no login). Refused before ``repair_from`` with the date it becomes possible."""
    application, secret = services.repair_apply(**body.model_dump())
    return Status(201, {**_repair(application), "secret": secret})


@public_router.post("/public/credit-repair/status", response={200: RepairOut, **VALIDATION, 404: ErrorOut})
def repair_status(request, body: FollowIn):
    """An application's status and reasoned result, for its tracking code and secret."""
    return _repair(services.repair_follow(tracking_code=body.tracking_code, secret=body.secret))
