"""Risk warnings as an API for the city's officers: ``/api/v1/hub/warnings...``.

The same reads and writes as the pages, scoped by the caller's jurisdiction: a warning outside it is
not found (404). Filters and bodies are checked, and a refusal names the field at fault.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from ninja.security import SessionAuth
from pydantic import Field

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.registry.jurisdiction import Jurisdiction, officer_jurisdiction
from sharecity.hub.warnings import selectors, services
from sharecity.hub.warnings.models import NOTES_MAX_LENGTH, Rule, Severity, Status
from sharecity.kernel import limits
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.timeutil import CITY_TZ

router = Router(auth=SessionAuth(), tags=["hub warnings"])

PAGE_MAX = 200
ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut}
DETAIL_ERRORS = {**ERRORS, 404: ErrorOut}
WRITE_ERRORS = {**DETAIL_ERRORS, 409: ErrorOut}
_ID = Path(..., ge=1, le=limits.BIGINT_MAX, description="the warning's id as the list gives it")


def _jurisdiction(request) -> Jurisdiction:
    return officer_jurisdiction(request, message=_("Only regulator staff and hub operators may see risk warnings."))


class WarningQuery(Schema):
    status: str = Field(default="", max_length=10, description="new, assigned, handled or closed")
    rule: str = Field(default="", max_length=32, description="a rule code (GET /hub/warnings/rules)")
    severity: str = Field(default="", max_length=8, description="low, medium or high")
    district: str = Field(default="", max_length=6, description="a GB/T 2260 district code")
    platform: str = Field(default="", max_length=limits.PLATFORM_ID_MAX_LENGTH, description="a platform id")
    subject_ref: str = Field(default="", max_length=200, description="a listing, order or account reference")
    limit: int = Field(default=50, ge=1, le=PAGE_MAX)
    offset: int = Field(default=0, ge=0, le=limits.INTEGER_MAX)


def filters_parse(values: dict) -> selectors.WarningFilters:
    """The list's filters, each checked against its choices (``field`` names the one at fault)."""
    for name, choices in (("status", Status), ("rule", Rule), ("severity", Severity)):
        if values.get(name) and values[name] not in choices.values:
            raise InvalidInput(_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)},
                               field=name, code="warnings.choice")
    district = values.get("district") or ""
    if district and not (len(district) == 6 and district.isdigit()):
        raise InvalidInput(_("A district is a six-digit GB/T 2260 code."), field="district", code="warnings.district")
    return selectors.WarningFilters(**{name: values.get(name) or "" for name in (
        "status", "rule", "severity", "district", "platform", "subject_ref")})


class EvidenceOut(Schema):
    kind: str
    ref: str
    description: str


class WarningOut(Schema):
    id: int
    city_code: str
    district_code: str
    platform_id: str
    rule: str
    severity: str
    subject_kind: str
    subject_ref: str
    status: str
    raised_at: dt.datetime
    explanation: dict[str, str] = Field(description="zh and en")
    assigned_department: str
    assigned_district: str
    case_ref: str


class WarningDetailOut(WarningOut):
    evidence: list[EvidenceOut]
    assigned_at: dt.datetime | None
    assigned_by: str
    handled_at: dt.datetime | None
    handled_by: str
    handling_notes: str
    closed_at: dt.datetime | None
    closed_by: str
    closing_notes: str
    dedupe_key: str


class WarningPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[WarningOut]


class RuleSettingOut(Schema):
    rule: str
    name: str
    effective_from: dt.date
    severity: str
    params: dict[str, Any]
    source: str


class AssignIn(Schema):
    department: str = Field(max_length=limits.NAME_MAX_LENGTH, description="the unit that will handle it")
    district_code: str = Field(default="", max_length=6,
                               description="the district responsible (属地); the warning's own by default")


class NotesIn(Schema):
    notes: str = Field(max_length=NOTES_MAX_LENGTH, description="what was done, or why it is closed")


def _user(user) -> str:
    return user.get_username() if user is not None else ""


def _detail(warning) -> dict:
    data = {field.name: getattr(warning, field.name) for field in warning._meta.concrete_fields
            if not field.is_relation}
    data.update(assigned_by=_user(warning.assigned_by), handled_by=_user(warning.handled_by),
                closed_by=_user(warning.closed_by))
    return data


@router.get("/hub/warnings", response={200: WarningPage, **ERRORS})
def warnings_list(request, filters: Query[WarningQuery]):
    """Risk warnings in the caller's jurisdiction, newest first."""
    jurisdiction = _jurisdiction(request)
    rows = selectors.warning_list(jurisdiction=jurisdiction, filters=filters_parse(filters.dict()))
    return {"count": rows.count(), "limit": filters.limit, "offset": filters.offset,
            "items": list(rows[filters.offset:filters.offset + filters.limit])}


@router.get("/hub/warnings/rules", response={200: list[RuleSettingOut], **ERRORS})
def warning_rules(request):
    """The rules' parameters in effect today, with the source each rests on."""
    _jurisdiction(request)
    today = timezone.now().astimezone(CITY_TZ).date()
    return [{"rule": s.rule, "name": str(s.get_rule_display()), "effective_from": s.effective_from,
             "severity": s.severity, "params": s.params, "source": s.source}
            for s in selectors.settings_in_effect(day=today)]


@router.get("/hub/warnings/{warning_id}", response={200: WarningDetailOut, **DETAIL_ERRORS})
def warning_get(request, warning_id: int = _ID):
    """One warning with its explanation, the facts behind it and its course."""
    return _detail(selectors.warning_get(jurisdiction=_jurisdiction(request), warning_id=warning_id))


@router.post("/hub/warnings/{warning_id}/assign", response={200: WarningDetailOut, **WRITE_ERRORS})
def warning_assign(request, payload: AssignIn, warning_id: int = _ID):
    """Assign the warning to a unit of the district responsible (audited)."""
    warning = services.warning_assign(actor=request.auth, jurisdiction=_jurisdiction(request), warning_id=warning_id,
                                      department=payload.department, district_code=payload.district_code)
    return _detail(warning)


@router.post("/hub/warnings/{warning_id}/handle", response={200: WarningDetailOut, **WRITE_ERRORS})
def warning_handle(request, payload: NotesIn, warning_id: int = _ID):
    """Record how an assigned warning was handled (audited)."""
    warning = services.warning_handle(actor=request.auth, jurisdiction=_jurisdiction(request), warning_id=warning_id,
                                      notes=payload.notes)
    return _detail(warning)


@router.post("/hub/warnings/{warning_id}/close", response={200: WarningDetailOut, **WRITE_ERRORS})
def warning_close(request, payload: NotesIn, warning_id: int = _ID):
    """Close the warning, with the reason (audited)."""
    warning = services.warning_close(actor=request.auth, jurisdiction=_jurisdiction(request), warning_id=warning_id,
                                     notes=payload.notes)
    return _detail(warning)


class CaseIn(Schema):
    department: str = Field(default="", max_length=40,
                            description="the department kind that will hold the case (e.g. market_supervision); "
                                        "the officer's own by default")


class CaseOpenedOut(Schema):
    case_id: str = Field(description="the enforcement case's id (/api/v1/hub/enforcement/cases/{case_id})")
    warning: WarningDetailOut


@router.post("/hub/warnings/{warning_id}/case", response={201: CaseOpenedOut, **WRITE_ERRORS})
def warning_case_open(request, payload: CaseIn, warning_id: int = _ID):
    """Open an enforcement case from the warning (源头追溯、属地查处), held in the warning's district, and link
    the two (audited on both sides). A second request is a 409."""
    jurisdiction = _jurisdiction(request)
    case = services.warning_case_open(actor=request.auth, jurisdiction=jurisdiction, warning_id=warning_id,
                                      department=payload.department)
    warning = selectors.warning_get(jurisdiction=jurisdiction, warning_id=warning_id)
    return 201, {"case_id": str(case.public_id), "warning": _detail(warning)}
