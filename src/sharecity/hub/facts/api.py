"""The facts platforms reported, as an API for the city's officers: ``/api/v1/hub/facts/...``.

The same reads as the pages (``selectors``), scoped by the caller's jurisdiction: a fact outside
it is not found (404). Filters the hub cannot read are refused with the field at fault (400).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.security import SessionAuth
from pydantic import Field

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.directives.selectors import directives_for_cases
from sharecity.hub.facts import selectors, services
from sharecity.hub.registry.jurisdiction import Jurisdiction, officer_jurisdiction
from sharecity.kernel import limits

router = Router(auth=SessionAuth(), tags=["hub facts"])

PAGE_MAX = 200
ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut}
DETAIL_ERRORS = {**ERRORS, 404: ErrorOut}


def _jurisdiction(request) -> Jurisdiction:
    return officer_jurisdiction(
        request, message=_("Only regulator staff and hub operators may see the facts platforms reported."))


class FactFilters(Schema):
    platform: str = Field(default="", description="a platform id")
    category: str = Field(default="", description="listings, complaints, incidents: the category; moderation: "
                                                   "listing, review or account; subjects: person or business")
    district: str = Field(default="", description="a GB/T 2260 district code")
    status: str = Field(default="", description="the list's status (see the pages' choices)")
    date_from: str = Field(default="", description="YYYY-MM-DD, in city time")
    date_to: str = Field(default="", description="YYYY-MM-DD, in city time, inclusive")
    limit: int = Field(default=50, ge=1, le=PAGE_MAX)
    offset: int = Field(default=0, ge=0, le=limits.INTEGER_MAX)


class Located(Schema):
    id: int
    platform_id: str
    district_code: str
    city_code: str
    updated_at: dt.datetime


class ListingFactOut(Located):
    listing_id: str
    category: str
    provider_key: str
    price_fen: int | None
    price_unit: str
    title: str
    state: str
    published_at: dt.datetime | None
    changed_at: dt.datetime | None
    removed_at: dt.datetime | None
    removed_by: str
    statement_of_reasons: dict[str, Any] | None
    times_published: int


class ListingChangeOut(Schema):
    changed_at: dt.datetime
    aspects: list[str]
    previous: dict[str, Any]
    current: dict[str, Any]


class ListingRemovalOut(Schema):
    platform_id: str
    listing_id: str
    removed_at: dt.datetime
    removed_by: str
    statement_of_reasons: dict[str, Any] | None


class ListingDetailOut(ListingFactOut):
    changes: list[ListingChangeOut]
    removals: list[ListingRemovalOut]
    removed_before: list[ListingRemovalOut] = Field(
        description="earlier removals of a listing by the same provider with the same title")


class ComplaintFactOut(Located):
    complaint_id: str
    order_id: str
    category: str
    complainant_key: str
    status: str
    overdue: bool
    filed_at: dt.datetime | None
    answered_at: dt.datetime | None
    answer: str
    answer_summary: str
    response_seconds: int | None
    escalated_at: dt.datetime | None
    escalated_to: str
    escalation_reason: str
    resolved_at: dt.datetime | None
    outcome: str
    refund_fen: int
    compensation_fen: int
    complainant_satisfied: bool | None


class TimelineEvent(Schema):
    kind: str
    at: dt.datetime
    detail: dict[str, Any]


class AssistanceOut(Schema):
    message_id: str
    issued_at: dt.datetime
    status: str
    reply: str = Field(description="what the platform answered (action_taken of its acknowledgement)")


class ComplaintFactDetailOut(ComplaintFactOut):
    timeline: list[TimelineEvent]
    assistance: list[AssistanceOut]


class ModerationOut(Located):
    kind: str
    decision_id: str
    subject_type: str
    subject_id: str
    decision: str
    reason: str
    decided_by: str
    duration_days: int | None
    decided_at: dt.datetime
    order_id: str
    ground: str
    automated: bool
    statement_of_reasons: dict[str, Any] | None


class IncidentOut(Located):
    incident_id: str
    category: str
    severity: str
    highlighted: bool
    occurred_at: dt.datetime
    reported_at: dt.datetime
    description: str
    injured: int
    deaths: int
    order_id: str
    listing_id: str


class NoteOut(Schema):
    id: int
    text: str
    department: str
    author: str
    created_at: dt.datetime


class IncidentDetailOut(IncidentOut):
    notes: list[NoteOut]
    assistance: list[AssistanceOut]


class SubjectFactOut(Located):
    subject_key: str
    subject_kind: str
    sectors: list[str]
    registered_at: dt.datetime | None
    verified_at: dt.datetime | None


class Page(Schema):
    count: int
    limit: int
    offset: int


class ListingPage(Page):
    items: list[ListingFactOut]


class ComplaintPage(Page):
    items: list[ComplaintFactOut]


class ModerationPage(Page):
    items: list[ModerationOut]


class IncidentPage(Page):
    items: list[IncidentOut]


class SubjectFactPage(Page):
    items: list[SubjectFactOut]


class CountsOut(Schema):
    listings_live: int
    listings_removed: int
    complaints: int
    complaints_open: int
    complaints_overdue: int
    complaints_escalated: int
    moderation_decisions: int
    hidden_reviews: int
    incidents: int
    incidents_highlighted: int
    subjects: int
    subjects_verified: int


class NoteIn(Schema):
    text: str = Field(max_length=limits.TEXT_MAX_LENGTH, description="what was done or is to be done")


def _page(kind: str, request, filters: FactFilters, convert=None) -> dict:
    jurisdiction = _jurisdiction(request)
    parsed = selectors.filters_parse(kind, filters.dict())
    rows = selectors.LIST_SELECTORS[kind](jurisdiction=jurisdiction, filters=parsed)
    items = list(rows[filters.offset:filters.offset + filters.limit])
    return {"count": rows.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [convert(item) for item in items] if convert else items}


def _complaint(fact) -> dict:
    data = {field.name: getattr(fact, field.name) for field in fact._meta.concrete_fields}
    data["overdue"] = selectors.is_overdue(fact)
    return data


def _note(note) -> dict:
    return {"id": note.pk, "text": note.text, "department": note.department,
            "author": note.author.get_username() if note.author else "", "created_at": note.created_at}


def _incident(fact) -> dict:
    data = {field.name: getattr(fact, field.name) for field in fact._meta.concrete_fields}
    data["highlighted"] = fact.highlighted
    return data


def _assistance(platform_id: str, case_id: str) -> list[dict]:
    return [{"message_id": str(directive.message_id), "issued_at": directive.issued_at, "status": directive.status,
             "reply": directive.action_taken}
            for directive in directives_for_cases(platform_id=platform_id, case_ids=[case_id[:64]])]


_ID = Path(..., ge=1, le=limits.BIGINT_MAX, description="the fact's id as the list gives it")


@router.get("/hub/facts/counts", response={200: CountsOut, **ERRORS})
def facts_counts(request):
    """How many facts of each kind the caller's jurisdiction holds. Regulator staff and hub operators only."""
    return selectors.counts(jurisdiction=_jurisdiction(request))


@router.get("/hub/facts/listings", response={200: ListingPage, **ERRORS})
def listings(request, filters: Query[FactFilters]):
    """Listings as platforms reported them (published, changed, removed), newest first."""
    return _page("listings", request, filters)


@router.get("/hub/facts/listings/{fact_id}", response={200: ListingDetailOut, **DETAIL_ERRORS})
def listing(request, fact_id: int = _ID):
    """One listing with its changes, its removals, and earlier removals of the same provider and title."""
    jurisdiction = _jurisdiction(request)
    fact = selectors.fact_get("listings", jurisdiction=jurisdiction, fact_id=fact_id)
    data = {field.name: getattr(fact, field.name) for field in fact._meta.concrete_fields}
    data.update(changes=list(selectors.listing_changes(fact)[:500]),
                removals=list(selectors.listing_removals(fact)[:500]),
                removed_before=list(selectors.removals_matching(provider_key=fact.provider_key, title=fact.title,
                                                                jurisdiction=jurisdiction, exclude_listing=fact)[:50]))
    return data


@router.get("/hub/facts/complaints", response={200: ComplaintPage, **ERRORS})
def complaints(request, filters: Query[FactFilters]):
    """Complaints and their course; ``overdue`` marks those unanswered past the city's yardstick."""
    return _page("complaints", request, filters, _complaint)


@router.get("/hub/facts/complaints/{fact_id}", response={200: ComplaintFactDetailOut, **DETAIL_ERRORS})
def complaint(request, fact_id: int = _ID):
    """One complaint with its timeline: filing, answer, escalations, resolution and the regulators' notes."""
    fact = selectors.complaint_get(jurisdiction=_jurisdiction(request), fact_id=fact_id)
    data = _complaint(fact)
    data["timeline"] = [{"kind": event["kind"], "at": event["at"],
                         "detail": {key: (str(value) if not isinstance(value, (int, bool, type(None))) else value)
                                    for key, value in event.items() if key not in ("kind", "at")}}
                        for event in selectors.complaint_timeline(fact)]
    data["assistance"] = _assistance(fact.platform_id, f"TS-{fact.complaint_id}")
    return data


@router.post("/hub/facts/complaints/{fact_id}/notes", response={201: NoteOut, **DETAIL_ERRORS})
def complaint_note(request, payload: NoteIn, fact_id: int = _ID):
    """Record a follow-up note on a complaint (audited)."""
    note = services.follow_up_note_add(actor=request.auth, jurisdiction=_jurisdiction(request), target="complaint",
                                       fact_id=fact_id, text=payload.text)
    return Status(201, _note(note))


@router.get("/hub/facts/moderation", response={200: ModerationPage, **ERRORS})
def moderation(request, filters: Query[FactFilters]):
    """Moderation decisions and hidden reviews with their statements of reasons (status: decision or
    review_hidden)."""
    return _page("moderation", request, filters)


@router.get("/hub/facts/moderation/{fact_id}", response={200: ModerationOut, **DETAIL_ERRORS})
def moderation_one(request, fact_id: int = _ID):
    return selectors.fact_get("moderation", jurisdiction=_jurisdiction(request), fact_id=fact_id)


@router.get("/hub/facts/incidents", response={200: IncidentPage, **ERRORS})
def incidents(request, filters: Query[FactFilters]):
    """Safety incidents; ``highlighted`` marks major and extraordinary ones."""
    return _page("incidents", request, filters, _incident)


@router.get("/hub/facts/incidents/{fact_id}", response={200: IncidentDetailOut, **DETAIL_ERRORS})
def incident(request, fact_id: int = _ID):
    fact = selectors.incident_get(jurisdiction=_jurisdiction(request), fact_id=fact_id)
    data = _incident(fact)
    data["notes"] = [_note(note) for note in selectors.notes_of(fact)]
    data["assistance"] = _assistance(fact.platform_id, f"SI-{fact.incident_id}")
    return data


@router.post("/hub/facts/incidents/{fact_id}/notes", response={201: NoteOut, **DETAIL_ERRORS})
def incident_note(request, payload: NoteIn, fact_id: int = _ID):
    """Record a follow-up note on a safety incident (audited)."""
    note = services.follow_up_note_add(actor=request.auth, jurisdiction=_jurisdiction(request), target="incident",
                                       fact_id=fact_id, text=payload.text)
    return Status(201, _note(note))


@router.get("/hub/facts/subjects", response={200: SubjectFactPage, **ERRORS})
def subjects(request, filters: Query[FactFilters]):
    """Providers and operators the platforms registered or verified, by pseudonymous key."""
    return _page("subjects", request, filters)


@router.get("/hub/facts/subjects/{fact_id}", response={200: SubjectFactOut, **DETAIL_ERRORS})
def subject(request, fact_id: int = _ID):
    return selectors.fact_get("subjects", jurisdiction=_jurisdiction(request), fact_id=fact_id)


# --- pickers: what the forms' search-as-you-type lists show --------------------------------------------


class LookupQuery(Schema):
    q: str = Field(default="", max_length=60, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$",
                   description="a part of the name (platforms), of the title or the listing id (listings), of the "
                               "pseudonymous key or of one of the subject's listing titles (subjects)")
    platform: str = Field(default="", max_length=limits.PLATFORM_ID_MAX_LENGTH,
                          pattern=rf"^$|{limits.PLATFORM_ID_PATTERN}",
                          description="listings and subjects: only that platform's (a platform id)")
    limit: int = Field(default=selectors.LOOKUP_LIMIT, ge=1, le=selectors.LOOKUP_LIMIT)


class LookupItemOut(Schema):
    key: str = Field(description="what the form sends: a platform id, the platform's listing id or a subject's "
                                 "pseudonymous key")
    label: str = Field(description="what the officer reads, in the request's language")
    secondary: str = Field(description="what tells two alike apart (platform, district, state)")
    platform_id: str


class LookupOut(Schema):
    items: list[LookupItemOut]


def _lookup(kind: str, request, query: LookupQuery) -> dict:
    jurisdiction = _jurisdiction(request)
    found = selectors.lookup(kind, jurisdiction=jurisdiction, q=query.q,
                             platform_id="" if kind in ("platforms", "credit_subjects") else query.platform,
                             limit=query.limit)
    return {"items": [choice.__dict__ for choice in found]}


@router.get("/hub/lookup/platforms", response={200: LookupOut, **ERRORS})
def lookup_platforms(request, query: Query[LookupQuery]):
    """Platforms of the caller's jurisdiction whose name contains ``q``, by name (at most 20): what the
    directive forms' platform picker lists. ``platform`` is ignored."""
    return _lookup("platforms", request, query)


@router.get("/hub/lookup/listings", response={200: LookupOut, **DETAIL_ERRORS})
def lookup_listings(request, query: Query[LookupQuery]):
    """Listings of the caller's jurisdiction whose title contains ``q`` (live ones first, at most 20). A
    ``platform`` outside the jurisdiction answers 404."""
    return _lookup("listings", request, query)


@router.get("/hub/lookup/credit-subjects", response={200: LookupOut, **ERRORS})
def lookup_credit_subjects(request, query: Query[LookupQuery]):
    """Credit files of the caller's jurisdiction: an enterprise by a part of its name or its credit code, a
    person or business by the start of its key, shown masked (at most 20); ``key`` is the file's number, as
    the inspection pages take it. ``platform`` is ignored."""
    return _lookup("credit_subjects", request, query)


@router.get("/hub/lookup/subjects", response={200: LookupOut, **DETAIL_ERRORS})
def lookup_subjects(request, query: Query[LookupQuery]):
    """Operators and providers of the caller's jurisdiction by pseudonymous key, never by identity: ``q``
    matches a part of the key or of the title of one of their listings (at most 20). A ``platform``
    outside the jurisdiction answers 404."""
    return _lookup("subjects", request, query)
