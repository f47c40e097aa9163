"""Credit files as an API: ``/api/v1/hub/credit/...`` for officers (scoped by jurisdiction, like the pages),
and ``/api/v1/public/credit`` for anyone (public records only, personal data masked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.security import SessionAuth

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.credit import selectors, services
from sharecity.hub.credit.models import CreditRecord, CreditSubject, SubjectKind
from sharecity.hub.credit.scoring import GRADES
from sharecity.hub.registry.jurisdiction import Jurisdiction, officer_jurisdiction
from sharecity.kernel.errors import Forbidden, InvalidInput, NotFound
from sharecity.kernel.timeutil import CITY_TZ

PAGE_SIZE = 50
GRADE_FILTER_MAX = 2000


def _today() -> dt.date:
    return timezone.now().astimezone(CITY_TZ).date()


def _officer(request) -> Jurisdiction:
    return officer_jurisdiction(request, message=_("Only regulator staff and hub operators may see credit files."))


class SubjectFilters(Schema):
    q: str = Field("", max_length=60, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$")
    kind: str = Field("", max_length=12)
    district: str = Field("", max_length=6, pattern=r"^(\d{6})?$")
    grade: str = Field("", max_length=1)
    page: int = Field(1, ge=1, le=100_000)


class CreditSubjectOut(Schema):
    id: int
    kind: str
    label: str
    identifier: str = Field(description="the credit code of an enterprise; a person's or business's key, masked")
    district_code: str
    city_code: str
    grade: str


class CreditSubjectPage(Schema):
    count: int
    page: int
    results: list[CreditSubjectOut]


class RuleLineOut(Schema):
    rule: str
    label: str
    points_each: int
    points: int
    records: list[int]


class IndicatorOut(Schema):
    code: str
    name: str
    weight: int
    base: int
    score: int
    lines: list[RuleLineOut]


class FeedOut(Schema):
    indicator: str
    rule: str
    points: int


class RecordOut(Schema):
    id: int
    kind: str
    title: str
    decided_on: dt.date
    severity: str
    polarity: int
    public: bool
    legal_basis: str
    decided_by: str
    display_until: dt.date | None
    repaired: bool
    detail: dict
    counts_as: list[FeedOut]
    excluded: str = Field(description="why the record does not count (repaired, display_ended, after), or empty")
    other_district: bool = Field(description="a record from outside a district officer's district: it counts, "
                                 "but its title and detail are not shown")


class VersionOut(Schema):
    id: int | None
    effective_from: dt.date | None
    city_code: str
    note: str


class SubjectDetailOut(CreditSubjectOut):
    total: float
    as_of: dt.date
    lists: list[str]
    version: VersionOut
    indicators: list[IndicatorOut]
    records: list[RecordOut]


class ScorecardOut(Schema):
    city_code: str
    version: VersionOut
    tree: dict[str, Any]


class ScorecardIn(Schema):
    tree: dict[str, Any]
    effective_from: dt.date
    note: str = Field("", max_length=300)


class PublicRecordOut(Schema):
    kind: str
    title: str
    decided_on: dt.date
    decided_by: str
    legal_basis: str
    display_until: dt.date | None


class PublicSubjectOut(Schema):
    kind: str
    label: str
    identifier: str
    grade: str
    lists: list[str]
    records: list[PublicRecordOut]


class PublicFilters(Schema):
    q: str = Field(..., min_length=1, max_length=60, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$")


router = Router(auth=SessionAuth(), tags=["hub"])
public_router = Router(tags=["public"])


def _subject_out(subject: CreditSubject, grade: str) -> dict:
    return {"id": subject.pk, "kind": subject.kind, "label": selectors.subject_label(subject),
            "identifier": selectors.shown_identifier(subject), "district_code": subject.district_code,
            "city_code": subject.city_code, "grade": grade}


def _version_out(version: dict) -> dict:
    return {"id": version["id"], "effective_from": version["effective_from"], "city_code": version["city_code"],
            "note": version["note"]}


@router.get("/hub/credit/subjects", response={200: CreditSubjectPage, **VALIDATION, 401: ErrorOut, 403: ErrorOut})
def credit_subjects(request, filters: Query[SubjectFilters]):
    """Credit files in the officer's jurisdiction, with their grade today; 50 a page."""
    jurisdiction = _officer(request)
    if filters.kind and filters.kind not in SubjectKind.values:
        raise InvalidInput(_("Choose enterprise, business or person."), field="kind", code="credit.kind")
    if filters.grade and filters.grade not in GRADES:
        raise InvalidInput(_("Choose a grade A, B, C or D."), field="grade", code="credit.grade")
    subjects = selectors.subjects_search(jurisdiction=jurisdiction, q=filters.q.strip(), kind=filters.kind,
                                         district=filters.district)
    today = _today()
    start = (filters.page - 1) * PAGE_SIZE
    if filters.grade:
        candidates = list(subjects[:GRADE_FILTER_MAX])
        grades = selectors.grades_for(candidates, as_of=today)
        matching = [s for s in candidates if grades[s.pk] == filters.grade]
        return {"count": len(matching), "page": filters.page,
                "results": [_subject_out(s, grades[s.pk]) for s in matching[start:start + PAGE_SIZE]]}
    count = subjects.count()
    page = list(subjects[start:start + PAGE_SIZE])
    grades = selectors.grades_for(page, as_of=today)
    return {"count": count, "page": filters.page, "results": [_subject_out(s, grades[s.pk]) for s in page]}


def _record_out(row: dict) -> dict:
    record: CreditRecord = row["record"]
    shown = row["visible"]
    return {"id": record.pk, "kind": record.kind, "title": record.title if shown else "",
            "decided_on": record.decided_on, "severity": record.severity, "polarity": record.polarity,
            "public": record.public, "legal_basis": record.legal_basis if shown else "",
            "decided_by": record.decided_by if shown else "", "display_until": record.display_until,
            "repaired": record.repaired_at is not None, "detail": record.detail if shown else {},
            "other_district": not shown, "counts_as": row["feeds"], "excluded": row["excluded"]}


class DetailFilters(Schema):
    as_of: dt.date | None = Field(None, description="the day to grade on (default today); a past grade is "
                                  "explained by the scorecard version then in force")


@router.get("/hub/credit/subjects/{subject_id}",
            response={200: SubjectDetailOut, **VALIDATION, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def credit_subject(request, subject_id: int, filters: Query[DetailFilters]):
    """One file: its grade today (or ``as_of``), each indicator's score with the rule lines that made it,
    and each record with the lines it fed. 404 outside the officer's jurisdiction."""
    _officer(request)
    today = _today()
    if filters.as_of is not None and not dt.date(2000, 1, 1) <= filters.as_of <= today:
        raise InvalidInput(_("Choose a day from 2000 to today."), field="as_of", code="credit.as_of")
    if not 0 < subject_id < 2**63:
        raise NotFound(_("No such credit file."), field="subject_id")
    try:
        subject, jurisdiction = selectors.subject_for_officer(user=request.auth, subject_id=subject_id)
    except Http404:
        raise NotFound(_("No such credit file."), field="subject_id") from None
    today = filters.as_of or today
    explanation = selectors.file_explanation(selectors.subject_score(subject=subject, as_of=today),
                                             language=get_language() or "zh-hans", jurisdiction=jurisdiction)
    return {**_subject_out(subject, explanation["grade"]), "total": explanation["total"], "as_of": today,
            "lists": selectors.public_list_status(subject, today=today),
            "version": _version_out(explanation["version"]), "indicators": explanation["indicators"],
            "records": [_record_out(row) for row in explanation["records"]]}


def _scorecard_out(jurisdiction: Jurisdiction) -> dict:
    city_code = jurisdiction.city_code or ""
    tree, version = selectors.scorecard_tree(city_code=city_code, day=_today())
    return {"city_code": city_code, "tree": tree,
            "version": {"id": version.pk if version else None,
                        "effective_from": version.effective_from if version else None,
                        "city_code": version.city_code if version else "", "note": version.note if version else ""}}


@router.get("/hub/credit/scorecard", response={200: ScorecardOut, **VALIDATION, 401: ErrorOut, 403: ErrorOut})
def scorecard_get(request):
    """The scorecard in force today for the officer's city (the default one until the city changes it)."""
    return _scorecard_out(_officer(request))


@router.put("/hub/credit/scorecard",
            response={200: ScorecardOut, **VALIDATION, 401: ErrorOut, 403: ErrorOut})
def scorecard_put(request, body: ScorecardIn):
    """A new version of the city's scorecard from ``effective_from`` (today or later). City-level officers
    only; audited. The tree's shape is described in ``hub.credit.scoring``."""
    jurisdiction = _officer(request)
    try:
        services.scorecard_version_add(actor=request.auth, tree=body.tree, effective_from=body.effective_from,
                                       note=body.note)
    except PermissionDenied as error:
        raise Forbidden(str(error), field=None, code="hub.regulators_only") from None
    return _scorecard_out(jurisdiction)


@public_router.get("/public/credit", response={200: list[PublicSubjectOut], **VALIDATION, 429: ErrorOut},
                   auth=None)
def public_credit(request, filters: Query[PublicFilters]):
    """The public credit lookup: enterprises by name or credit code (persons and businesses only by their
    exact key), with grade, list status and public records. Personal data masked; rate-limited per address."""
    today = _today()
    results = []
    for subject in selectors.public_search(q=filters.q):
        grade = selectors.subject_score(subject=subject, as_of=today).scorecard.grade
        results.append({
            "kind": subject.kind, "label": selectors.subject_label(subject),
            "identifier": selectors.shown_identifier(subject), "grade": grade,
            "lists": selectors.public_list_status(subject, today=today),
            "records": [{"kind": r.kind, "title": r.title, "decided_on": r.decided_on, "decided_by": r.decided_by,
                         "legal_basis": r.legal_basis, "display_until": r.display_until}
                        for r in selectors.public_records(subject, today=today)],
        })
    return results
