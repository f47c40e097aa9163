"""The public directory API: /api/v1/public/platforms (no login), what /directory/ shows."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.directory import selectors
from sharecity.kernel import limits
from sharecity.kernel.districts import CITIES
from sharecity.kernel.errors import InvalidInput

public_router = Router(tags=["public"])
PUBLIC_ERRORS = {**VALIDATION, 404: ErrorOut, 429: ErrorOut}


class DirectoryQuery(Schema):
    city: str = Field("", max_length=6, pattern=r"^(\d{6})?$", description="GB/T 2260 city code (350200, 120100)")
    sector: str = Field("", max_length=limits.SECTOR_CODE_MAX_LENGTH, pattern=r"^([a-z][a-z0-9_]{1,39})?$",
                        description="sector code (parking, homestay, ...)")
    q: str = Field("", max_length=60, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$",
                   description="part of the name, or the whole unified social credit code")
    page: int = Field(1, ge=1, le=10_000)


class DesignationOut(Schema):
    kind: str
    city_code: str
    decision_reference: str
    recognised_on: dt.date


class CreditRecordOut(Schema):
    kind: str
    title: str
    decided_on: dt.date | None
    decided_by: str
    legal_basis: str
    display_until: dt.date | None


class DirectoryLicenceOut(Schema):
    kind: str = Field(description="value_added_telecom, ride_hailing_operation, ... or other")
    name: str = Field(description="the licence's title")
    number: str
    issued_by: str
    valid_from: dt.date
    valid_until: dt.date | None = Field(description="null for a licence without a term")
    expired: bool = Field(description="valid_until is before today (city time)")
    legal_basis: str = Field(description="the law requiring this kind; empty for one the city's table does not list")


class DirectoryRequiredLicenceOut(Schema):
    kind: str
    name: str
    legal_basis: str


class LicencesOut(Schema):
    business_licence: str = Field(description="the unified social credit code is the business licence's number "
                                  "(GB 32100-2015)")
    administrative_licences: list[DirectoryLicenceOut] | None = Field(
        description="the platform's current declaration through the exchange (E-Commerce Law, Article 15); null "
        "when it never declared")
    missing: list[DirectoryRequiredLicenceOut] = Field(
        description="licences the platform's sectors require today that it did not declare valid")


class DirectoryEvaluationOut(Schema):
    city_code: str
    year: int
    quarter: int
    score: str = Field(description="out of 100, two decimals")
    rank: int = Field(description="1 the best of the city's evaluated operators that quarter")
    ranked: int = Field(description="how many operators the city evaluated that quarter")


class DirectoryEntryOut(Schema):
    platform_id: str
    name: str
    credit_code: str
    sectors: list[str]
    registered_division: str = Field(description="registration authority's GB/T 2260 code in the credit code")
    registered_city: str
    cities: list[str] = Field(description="cities the platform is registered or active in")
    registered_at: dt.datetime
    licences: LicencesOut
    credit_grade: str | None = Field(description="grade today (A-D); null when the city keeps no file on it")
    credit_lists: list[str] = Field(description="red, serious_dishonesty")
    designations: list[DesignationOut]
    evaluations: list[DirectoryEvaluationOut] = Field(
        description="the latest quarterly operator evaluation (public-space quotas) in each city whose allocation "
        "the city published")


class DirectoryDetailOut(DirectoryEntryOut):
    public_records: list[CreditRecordOut]


class DirectoryPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[DirectoryEntryOut]


def _entry_out(entry: selectors.DirectoryEntry, *, records: bool = False) -> dict:
    out = {
        "platform_id": entry.platform_id, "name": entry.name, "credit_code": entry.credit_code,
        "sectors": entry.sectors, "registered_division": entry.registered_division,
        "registered_city": entry.registered_city, "cities": entry.cities, "registered_at": entry.registered_at,
        "licences": {
            "business_licence": entry.credit_code,
            "administrative_licences": None if entry.licences is None else [
                {"kind": row.kind, "name": row.name, "number": row.number, "issued_by": row.issued_by,
                 "valid_from": row.valid_from, "valid_until": row.valid_until, "expired": row.expired,
                 "legal_basis": row.legal_basis} for row in entry.licences],
            "missing": [{"kind": row.kind, "name": row.name, "legal_basis": row.legal_basis}
                        for row in entry.licences_missing]},
        "evaluations": [{"city_code": row.city_code, "year": row.year, "quarter": row.quarter, "score": row.score,
                         "rank": row.rank, "ranked": row.ranked} for row in entry.evaluations],
        "credit_grade": entry.credit_grade, "credit_lists": entry.credit_lists,
        "designations": [{"kind": d.kind, "city_code": d.city_code, "decision_reference": d.decision_reference,
                          "recognised_on": d.recognised_on} for d in entry.designations],
    }
    if records:
        out["public_records"] = [{"kind": r.kind, "title": r.title, "decided_on": r.decided_on,
                                  "decided_by": r.decided_by, "legal_basis": r.legal_basis,
                                  "display_until": r.display_until} for r in entry.public_records]
    return out


@public_router.get("/public/platforms", response={200: DirectoryPageOut, **PUBLIC_ERRORS}, auth=None)
def directory_list(request, filters: Query[DirectoryQuery]):
    """The city's platform directory: registered platforms operating in ``city`` (every city when empty),
    declaring ``sector``, with credit grade, lists and city recognitions; 50 a page."""
    if filters.city and filters.city not in CITIES:
        raise InvalidInput(_("Unknown city: use 350200 (Xiamen) or 120100 (Tianjin)."), field="city",
                           code="directory.city")
    entries = selectors.directory_list(city_code=filters.city, sector=filters.sector, q=filters.q.strip())
    start = (filters.page - 1) * selectors.PAGE_SIZE
    return {"count": len(entries), "page": filters.page, "page_size": selectors.PAGE_SIZE,
            "results": [_entry_out(e) for e in entries[start:start + selectors.PAGE_SIZE]]}


@public_router.get("/public/platforms/{platform_id}", response={200: DirectoryDetailOut, **PUBLIC_ERRORS},
                   auth=None)
def directory_platform(request, platform_id: str = Path(..., max_length=limits.PLATFORM_ID_MAX_LENGTH,
                                                          pattern=limits.PLATFORM_ID_PATTERN)):
    """One platform of the directory with its public credit records; 404 for one the directory does not hold."""
    return _entry_out(selectors.directory_entry(platform_id=platform_id), records=True)
