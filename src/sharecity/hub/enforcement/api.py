"""The enforcement pages as an API: /api/v1/hub/enforcement/... for officers (session). Everything the
pages show is here: cases with their hand-overs, decision and directives, the catalogue and the leniency
list, the directives acknowledged late, and source tracing."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import SessionAuth

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.enforcement import selectors, services
from sharecity.hub.enforcement.models import CaseStatus, SourceKind
from sharecity.hub.registry.jurisdiction import officer_jurisdiction
from sharecity.kernel import limits
from sharecity.kernel.errors import Forbidden, InvalidInput

ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
IDENT = limits.IDENTIFIER_MAX_LENGTH


class EnforcementCaseIn(Schema):
    district_code: str = Field(max_length=6)
    source_kind: str = Field(max_length=12)
    source_ref: str = Field("", max_length=IDENT)
    subject_kind: str = Field(max_length=12)
    subject_ref: str = Field(max_length=IDENT)
    platform_id: str = Field("", max_length=limits.PLATFORM_ID_MAX_LENGTH)
    summary: str = Field(max_length=2000)


class EnforcementHandoverOut(Schema):
    from_department: str
    from_district_code: str
    to_department: str
    to_district_code: str
    reason: str
    by: str
    at: dt.datetime


class EnforcementDirectiveOut(Schema):
    message_id: uuid.UUID
    directive_type: str
    platform_id: str
    issued_at: dt.datetime
    deadline: dt.datetime
    status: str
    acknowledged_at: dt.datetime | None
    action_taken: str
    overdue: bool


class EnforcementCaseOut(Schema):
    public_id: uuid.UUID
    city_code: str
    district_code: str
    department: str
    source_kind: str
    source_ref: str
    subject_kind: str
    subject_ref: str
    platform_id: str
    summary: str
    status: str
    opened_at: dt.datetime
    violation_code: str
    found_on: dt.date | None
    minor: bool | None
    correction_due: dt.date | None
    corrected_on: dt.date | None
    outcome: str
    leniency_reason: str
    amount_fen: int | None
    decision_number: str
    penalty_public_id: uuid.UUID | None
    decided_at: dt.datetime | None


class EnforcementCaseDetailOut(EnforcementCaseOut):
    handovers: list[EnforcementHandoverOut]
    directives: list[EnforcementDirectiveOut]


def _case(case) -> dict:
    return {f: getattr(case, f) for f in EnforcementCaseOut.model_fields}


def _directive(d) -> dict:
    return {f: getattr(d, f) for f in EnforcementDirectiveOut.model_fields}


def _detail(case) -> dict:
    handovers = [{"from_department": h.from_department, "from_district_code": h.from_district_code,
                  "to_department": h.to_department, "to_district_code": h.to_district_code, "reason": h.reason,
                  "by": h.by.get_username() if h.by else "", "at": h.at} for h in selectors.case_handovers(case)]
    return {**_case(case), "handovers": handovers,
            "directives": [_directive(d) for d in selectors.case_directives(case)]}


class EnforcementCaseFilters(Schema):
    status: str = Field("", max_length=10)
    source_kind: str = Field("", max_length=12)


class EnforcementHandoverIn(Schema):
    to_department: str = Field(max_length=30)
    to_district_code: str = Field(max_length=6)
    reason: str = Field(max_length=2000)


class EnforcementDecisionIn(Schema):
    violation_code: str = Field(max_length=40)
    found_on: dt.date
    minor: bool
    correction_due: dt.date | None = None
    corrected_on: dt.date | None = None
    amount_fen: int | None = Field(None, ge=0, le=services.FINE_MAX_FEN)
    decision_number: str = Field("", max_length=100)
    severity: str = Field("ordinary", max_length=10)


class EnforcementFindingIn(Schema):
    code: str = Field(max_length=limits.CODE_MAX_LENGTH)
    description: str = Field(max_length=2000)


class EnforcementDirectiveIn(Schema):
    kind: str = Field(max_length=20, description="recall or rectification")
    legal_reference: str = Field(max_length=200)
    deadline: dt.datetime | None = None
    # recall
    recall_id: str = Field("", max_length=IDENT)
    product: str = Field("", max_length=limits.TITLE_MAX_LENGTH)
    listing_ids: list[str] = Field(default_factory=list, max_length=limits.REFERENCES_MAX_ITEMS)
    reason: str = Field("", max_length=2000)
    measures: list[str] = Field(default_factory=list, max_length=5)
    # rectification
    findings: list[EnforcementFindingIn] = Field(default_factory=list, max_length=limits.FINDINGS_MAX_ITEMS)


def directive_fields(body: EnforcementDirectiveIn) -> dict:
    """The fields of the directive the kind sends (the rest of the body is not the platform's business)."""
    if body.kind == services.RECALL:
        return {"recall_id": body.recall_id, "product": body.product, "listing_ids": body.listing_ids,
                "reason": body.reason, "measures": body.measures}
    return {"findings": [f.model_dump() for f in body.findings], "subject_type": "platform"}


class EnforcementViolationOut(Schema):
    code: str
    name_zh: str
    name_en: str
    law: str
    article: str
    penalty_article: str


class EnforcementLeniencyOut(Schema):
    violation_code: str
    city_code: str
    condition: str
    look_back_months: int
    correction_days: int
    effective_from: dt.date
    effective_until: dt.date | None
    source: str


class EnforcementCatalogueOut(Schema):
    violations: list[EnforcementViolationOut]
    leniency: list[EnforcementLeniencyOut]


class EnforcementLateOut(Schema):
    message_id: str
    platform_id: str
    directive_type: str
    city_code: str
    district_code: str
    department: str
    deadline: dt.datetime
    acknowledged_at: dt.datetime | None
    case_id: str | None
    dedupe_key: str
    days_late: int


class EnforcementTraceListing(Schema):
    listing_id: str
    title: str
    category: str
    state: str
    district_code: str
    price_fen: int | None
    published_at: dt.datetime | None
    removed_at: dt.datetime | None


class EnforcementTraceOrder(Schema):
    order_id: str
    category: str
    district_code: str
    amount_fen: int
    state: str
    buyer: str = Field(description="the buyer's pseudonymous key")
    provider_key: str
    listing_id: str = Field(description="the listing the order was placed on (empty if the hub did not record it)")
    created_at: dt.datetime


class EnforcementTraceOut(Schema):
    origin: dict
    platform: dict
    complaint: dict | None
    listing: EnforcementTraceListing | None
    provider: str = Field(description="the provider's pseudonymous key")
    category: str
    listings: list[EnforcementTraceListing]
    orders: list[EnforcementTraceOrder]
    orders_basis: str = Field(description="listing: the listing's orders; listing_and_unrecorded: with the "
                                          "provider's orders in the category recorded before the hub kept an "
                                          "order's listing; provider_category: only such orders")
    other_buyers: list[str] = Field(description="pseudonymous keys of the other buyers")
    related_complaints: list[str]


def trace_query_check(platform_id: str, listing_id: str, complaint_id: str) -> None:
    """Exactly one origin, no control characters, within the lengths: a clear 400 naming the field."""
    for field, value, top in (("platform_id", platform_id, limits.PLATFORM_ID_MAX_LENGTH),
                              ("listing_id", listing_id, IDENT), ("complaint_id", complaint_id, IDENT)):
        if len(value) > top:
            raise InvalidInput(_("At most %(n)d characters.") % {"n": top}, field=field, code="enforcement.too_long")
    for field, value in (("platform_id", platform_id), ("listing_id", listing_id), ("complaint_id", complaint_id)):
        if any(ord(ch) < 32 or 0x7f <= ord(ch) <= 0x9f for ch in value):
            raise InvalidInput(_("Control characters are not allowed."), field=field,
                               code="enforcement.control_chars")
    if not platform_id:
        raise InvalidInput(_("This field is required."), field="platform_id", code="enforcement.required")
    if bool(listing_id) == bool(complaint_id):
        raise InvalidInput(_("Give either a listing or a complaint, not both."),
                           field="complaint_id" if listing_id else "listing_id", code="enforcement.trace_origin")


router = Router(auth=SessionAuth(), tags=["hub enforcement"])


@router.get("/hub/enforcement/cases", response={200: list[EnforcementCaseOut], **ERRORS})
def enforcement_cases(request, filters: Query[EnforcementCaseFilters]):
    """Cases the officer's department holds in their jurisdiction, newest first (at most 500)."""
    status = filters.status if filters.status in CaseStatus.values else ""
    source = filters.source_kind if filters.source_kind in SourceKind.values else ""
    return [_case(c) for c in selectors.cases_list(jurisdiction=officer_jurisdiction(request), status=status,
                                                   source_kind=source)[:500]]


@router.post("/hub/enforcement/cases", response={201: EnforcementCaseDetailOut, **ERRORS})
def enforcement_case_open(request, body: EnforcementCaseIn):
    """Open a case in a district of the officer's jurisdiction, held by the officer's department."""
    jurisdiction = officer_jurisdiction(request)
    if jurisdiction.is_operator:
        raise Forbidden(_("Only regulator staff of a department may do this."), field=None,
                        code="hub.regulators_only")
    case = services.case_open(actor=request.auth, city_code=jurisdiction.city_code or "",
                              department=jurisdiction.department_kind, **body.model_dump())
    return Status(201, _detail(case))


@router.get("/hub/enforcement/cases/{public_id}", response={200: EnforcementCaseDetailOut, **ERRORS})
def enforcement_case(request, public_id: uuid.UUID):
    return _detail(selectors.case_get(jurisdiction=officer_jurisdiction(request), public_id=public_id))


@router.post("/hub/enforcement/cases/{public_id}/handover", response={200: EnforcementCaseDetailOut, **ERRORS})
def enforcement_case_hand_over(request, public_id: uuid.UUID, body: EnforcementHandoverIn):
    """移送: the holder passes the case to another department or district of the city."""
    case = selectors.case_get(jurisdiction=officer_jurisdiction(request), public_id=public_id)
    services.case_hand_over(actor=request.auth, case_id=case.public_id, **body.model_dump())
    case.refresh_from_db()
    return _detail(case)


@router.post("/hub/enforcement/cases/{public_id}/decision", response={200: EnforcementCaseDetailOut, **ERRORS})
def enforcement_case_decide(request, public_id: uuid.UUID, body: EnforcementDecisionIn):
    """Decide: education and no penalty when the leniency list applies (首违不罚), else a penalty in fen
    recorded in credit with its publicity period."""
    case = selectors.case_get(jurisdiction=officer_jurisdiction(request), public_id=public_id)
    return _detail(services.case_decide(actor=request.auth, case_id=case.public_id, **body.model_dump()))


@router.post("/hub/enforcement/cases/{public_id}/directives", response={201: EnforcementCaseDetailOut, **ERRORS})
def enforcement_case_directive(request, public_id: uuid.UUID, body: EnforcementDirectiveIn):
    """Send the case's platform a recall order or a rectification order with a deadline."""
    case = selectors.case_get(jurisdiction=officer_jurisdiction(request), public_id=public_id)
    services.case_directive_send(actor=request.auth, case_id=case.public_id, kind=body.kind,
                                 legal_reference=body.legal_reference, deadline=body.deadline,
                                 **(directive_fields(body) if body.kind in (services.RECALL, services.RECTIFY)
                                    else {}))
    return Status(201, _detail(case))


@router.get("/hub/enforcement/catalogue", response={200: EnforcementCatalogueOut, **ERRORS})
def enforcement_catalogue(request):
    """The violation catalogue with the legal basis of each, and the leniency list in the officer's city."""
    jurisdiction = officer_jurisdiction(request)
    violation_fields = list(EnforcementViolationOut.model_fields)
    entry_fields = [f for f in EnforcementLeniencyOut.model_fields if f != "violation_code"]
    return {"violations": [{f: getattr(v, f) for f in violation_fields} for v in selectors.violations()],
            "leniency": [{**{f: getattr(e, f) for f in entry_fields}, "violation_code": e.violation.code}
                         for e in selectors.leniency_entries(city_code=jurisdiction.city_code)]}


class EnforcementLeniencyIn(Schema):
    violation_code: str = Field(max_length=40, description="a code of the violation catalogue")
    condition: str = Field(max_length=500, description="what makes a violation of this kind minor")
    look_back_months: int = Field(description="a violation within this many months before makes it a repeat")
    correction_days: int = Field(description="the longest time to correct that may be given")
    effective_from: dt.date
    effective_until: dt.date | None = None
    source: str = Field(max_length=300, description="the city's decision that adopts the entry")


@router.post("/hub/enforcement/leniency", response={201: EnforcementLeniencyOut, **ERRORS})
def enforcement_leniency_add(request, body: EnforcementLeniencyIn):
    """A city-level officer adds an entry to the city's leniency list (免罚清单, 《行政处罚法》第三十三条); a change
    is a new entry with its own dates, so decisions already made keep the entry they were measured by."""
    officer_jurisdiction(request)
    entry = services.leniency_entry_add(actor=request.auth, **body.model_dump())
    fields = [f for f in EnforcementLeniencyOut.model_fields if f != "violation_code"]
    return Status(201, {**{f: getattr(entry, f) for f in fields}, "violation_code": entry.violation.code})


@router.get("/hub/enforcement/directives/late", response={200: list[EnforcementLateOut], **ERRORS})
def enforcement_directives_late(request):
    """Directives of the jurisdiction not acknowledged by their deadline (or acknowledged after it)."""
    rows = selectors.directives_acknowledged_late(jurisdiction=officer_jurisdiction(request))
    return [{**{f: getattr(r, f) for f in EnforcementLateOut.model_fields}} for r in rows[:500]]


@router.get("/hub/enforcement/trace/{platform_id}/listings/{listing_id}",
            response={200: EnforcementTraceOut, **ERRORS})
def enforcement_trace_listing(request, platform_id: str, listing_id: str):
    """源头追溯 from an inspected listing: provider, platform, related orders, other buyers (pseudonyms)."""
    jurisdiction = officer_jurisdiction(request)
    trace_query_check(platform_id, listing_id, "")
    return selectors.trace(jurisdiction=jurisdiction, platform_id=platform_id, listing_id=listing_id)


@router.get("/hub/enforcement/trace/{platform_id}/complaints/{complaint_id}",
            response={200: EnforcementTraceOut, **ERRORS})
def enforcement_trace_complaint(request, platform_id: str, complaint_id: str):
    """源头追溯 from a complaint: its order, the provider, the listings, related orders, other buyers."""
    jurisdiction = officer_jurisdiction(request)
    trace_query_check(platform_id, "", complaint_id)
    return selectors.trace(jurisdiction=jurisdiction, platform_id=platform_id, complaint_id=complaint_id)
