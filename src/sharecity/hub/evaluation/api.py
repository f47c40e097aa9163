"""The evaluation pages as an API: ``/api/v1/hub/evaluation/...`` for officers (session), scoped like the
pages: every officer of a city reads its targets, schemes and runs; only city-level officers write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema, Status
from ninja.security import SessionAuth

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.evaluation import selectors, services
from sharecity.hub.evaluation.models import Designation, EvaluationRun, IndicatorScheme
from sharecity.hub.registry.jurisdiction import officer_jurisdiction
from sharecity.kernel.money import parse_yuan

ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
TEXT = r"^[^\x00-\x1f\x7f-\x9f]*$"
TEXT_BLOCK = r"^[^\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"

router = Router(auth=SessionAuth(), tags=["hub"])


def _language() -> str:
    return get_language() or "zh-hans"


class CityFilter(Schema):
    city: str = Field("", max_length=6, pattern=r"^(\d{6})?$", description="an operator's choice of city")


class EvaluationTargetOut(Schema):
    id: int
    code: str
    name: str
    measure: str
    category: str
    designation_kinds: list[str]
    current: int
    target: int
    target_year: int
    share: float
    expected_share: float = Field(description="the share a straight line from the baseline to the end of the "
                                  "target year expects today")
    on_track: bool
    status: str = Field(description="achieved, on_track, behind or missed")
    source: str
    source_document: str
    source_number: str
    source_article: str
    source_text: str
    seeded: bool


class EvaluationTargetsOut(Schema):
    city_code: str
    targets: list[EvaluationTargetOut]


class EvaluationTargetIn(Schema):
    code: str = Field(max_length=40)
    name_zh: str = Field(max_length=120, pattern=TEXT)
    name_en: str = Field(max_length=120, pattern=TEXT)
    measure: str = Field(max_length=12)
    category: str = Field("", max_length=30)
    designation_kinds: list[str] = Field(default_factory=list, max_length=3)
    target_value: int = Field(ge=1, le=1_000_000)
    target_year: int = Field(ge=2000, le=2100)
    baseline_date: dt.date | None = None
    source_document: str = Field(max_length=200, pattern=TEXT)
    source_number: str = Field("", max_length=60, pattern=TEXT)
    source_article: str = Field(max_length=60, pattern=TEXT)
    source_text: str = Field("", max_length=300, pattern=TEXT)


class EvaluationDesignationOut(Schema):
    id: int
    platform_id: str
    platform_name: str
    kind: str
    decision_reference: str
    evidence: str
    recognised_on: dt.date
    withdrawn_on: dt.date | None = Field(description="the day the designation stopped counting; none while it "
                                         "stands")
    withdrawal_reference: str = Field(description="the decision that withdrew it; empty while it stands")
    active: bool


class EvaluationDesignationWithdrawIn(Schema):
    decision_reference: str = Field(max_length=120, pattern=TEXT, description="the decision that withdraws it")
    withdrawn_on: dt.date = Field(description="from this day it no longer counts: not before it was recognised, "
                                  "not after today")


class EvaluationDesignationIn(Schema):
    platform_id: str = Field(max_length=64, pattern=TEXT)
    kind: str = Field(max_length=20)
    decision_reference: str = Field(max_length=120, pattern=TEXT)
    evidence: str = Field(max_length=2000, pattern=TEXT_BLOCK)
    recognised_on: dt.date


class EvaluationIndicatorDef(Schema):
    code: str = Field(max_length=40)
    source: str = Field(max_length=40)
    weight: int = Field(ge=1, le=100)
    direction: str = Field(max_length=6)
    label_zh: str = Field(max_length=60, pattern=TEXT)
    label_en: str = Field(max_length=60, pattern=TEXT)


class EvaluationSchemeOut(Schema):
    id: int
    city_code: str
    effective_from: dt.date
    negative_threshold: float
    indicators: list[EvaluationIndicatorDef]
    note: str
    in_force: bool


class EvaluationSchemeIn(Schema):
    indicators: list[EvaluationIndicatorDef] = Field(max_length=services.INDICATORS_MAX)
    negative_threshold: float = Field(ge=0, le=100)
    effective_from: dt.date
    note: str = Field("", max_length=300, pattern=TEXT)


class EvaluationRunIn(Schema):
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    fund: str = Field(max_length=20, pattern=TEXT, description="the special fund in yuan, such as 5000000.00")
    note: str = Field("", max_length=300, pattern=TEXT)


class EvaluationRunSummaryOut(Schema):
    id: int
    city_code: str
    year: int
    quarter: int
    version: int
    fund_fen: int
    unallocated_fen: int
    created_at: dt.datetime


class EvaluationIndicatorResultOut(Schema):
    code: str
    label: str
    source: str
    direction: str
    weight: int
    raw: float | None
    normalised: float
    contribution: float


class EvaluationAllocationOut(Schema):
    eligible: bool
    weight: int = Field(description="the district's index in hundredths")
    weight_total: int
    floor_fen: int = Field(description="⌊fund × weight / weight_total⌋")
    remainder: int = Field(description="(fund × weight) mod weight_total: who gets the fen left over")
    extra_fen: int


class EvaluationDistrictOut(Schema):
    code: str
    name: str
    rank: int
    index: float
    negative: bool
    allocation_fen: int
    allocation: EvaluationAllocationOut
    indicators: list[EvaluationIndicatorResultOut]


class EvaluationEnterpriseReasonOut(Schema):
    reason: str
    basis: str


class EvaluationEnterpriseOut(Schema):
    platform_id: str
    name: str
    credit_code: str
    reasons: list[EvaluationEnterpriseReasonOut]


class EvaluationRunOut(EvaluationRunSummaryOut):
    scheme_id: int
    negative_threshold: float
    start: dt.date
    end: dt.date
    method: str
    support_exit_rule: str
    districts: list[EvaluationDistrictOut]
    enterprises: list[EvaluationEnterpriseOut]


class EvaluationExplanationOut(Schema):
    run_id: int
    method: str
    fund_fen: int
    districts: list[dict[str, Any]]


def _summary(run: EvaluationRun) -> dict:
    return {"id": run.pk, "city_code": run.city_code, "year": run.year, "quarter": run.quarter,
            "version": run.version, "fund_fen": run.fund_fen, "unallocated_fen": run.unallocated_fen,
            "created_at": run.created_at}


def _scheme_out(scheme: IndicatorScheme, in_force: IndicatorScheme | None) -> dict:
    return {"id": scheme.pk, "city_code": scheme.city_code, "effective_from": scheme.effective_from,
            "negative_threshold": float(scheme.negative_threshold), "indicators": scheme.indicators,
            "note": scheme.note, "in_force": in_force is not None and scheme.pk == in_force.pk}


@router.get("/hub/evaluation/targets", response={200: EvaluationTargetsOut, **ERRORS})
def evaluation_targets(request, filters: Query[CityFilter]):
    """The city's policy targets with their sources and progress today."""
    city = selectors.city_of(officer_jurisdiction(request), filters.city)
    return {"city_code": city, "targets": selectors.target_progress(city_code=city, language=_language())}


@router.post("/hub/evaluation/targets", response={201: EvaluationTargetOut, **ERRORS})
def evaluation_target_add(request, body: EvaluationTargetIn):
    """A target of the officer's own city (city-level officers; audited)."""
    officer_jurisdiction(request)
    target = services.target_add(actor=request.auth, **body.dict())
    row = next(r for r in selectors.target_progress(city_code=target.city_code, language=_language())
               if r["id"] == target.pk)
    return Status(201, row)


def _designation_out(d: Designation, names: dict[str, str]) -> dict:
    return {"id": d.pk, "platform_id": d.platform_id, "platform_name": names.get(d.platform_id, d.platform_id),
            "kind": d.kind, "decision_reference": d.decision_reference, "evidence": d.evidence,
            "recognised_on": d.recognised_on, "withdrawn_on": d.withdrawn_on,
            "withdrawal_reference": d.withdrawal_reference, "active": d.withdrawn_on is None}


@router.get("/hub/evaluation/designations", response={200: list[EvaluationDesignationOut], **ERRORS})
def evaluation_designations(request, filters: Query[CityFilter]):
    """Platforms the city recognised as headquarters or national leaders, with the decision; withdrawn
    ones stay listed with the day and decision of the withdrawal."""
    city = selectors.city_of(officer_jurisdiction(request), filters.city)
    names = selectors.registered_platform_names()
    return [_designation_out(d, names) for d in selectors.designations(city_code=city)]


@router.post("/hub/evaluation/designations", response={201: EvaluationDesignationOut, **ERRORS})
def evaluation_designation_add(request, body: EvaluationDesignationIn):
    """Recognise a platform of the city (city-level officers; audited)."""
    officer_jurisdiction(request)
    d = services.designation_add(actor=request.auth, **body.dict())
    return Status(201, _designation_out(d, selectors.registered_platform_names()))


@router.post("/hub/evaluation/designations/{designation_id}/withdraw",
             response={200: EvaluationDesignationOut, **ERRORS})
def evaluation_designation_withdraw(request, designation_id: int, body: EvaluationDesignationWithdrawIn):
    """Withdraw a designation of the city from a day, with the decision (city-level officers; audited).
    404 for another city's designation (field ``designation_id``), 409 if it was already withdrawn, 400
    for a day before it was recognised or after today (field ``withdrawn_on``)."""
    officer_jurisdiction(request)
    d = services.designation_withdraw(actor=request.auth, designation_id=designation_id, **body.dict())
    return _designation_out(d, selectors.registered_platform_names())


@router.get("/hub/evaluation/schemes", response={200: list[EvaluationSchemeOut], **ERRORS})
def evaluation_schemes(request, filters: Query[CityFilter]):
    """Every version of the city's indicator scheme (and the default), newest first; one is in force."""
    city = selectors.city_of(officer_jurisdiction(request), filters.city)
    in_force = selectors.scheme_in_force(city_code=city)
    return [_scheme_out(s, in_force) for s in selectors.schemes(city_code=city)]


@router.post("/hub/evaluation/schemes", response={201: EvaluationSchemeOut, **ERRORS})
def evaluation_scheme_add(request, body: EvaluationSchemeIn):
    """A new version of the city's scheme from ``effective_from`` (city-level officers; audited)."""
    officer_jurisdiction(request)
    scheme = services.scheme_add(actor=request.auth, indicators=[i.dict() for i in body.indicators],
                                 negative_threshold=str(round(body.negative_threshold, 2)),
                                 effective_from=body.effective_from, note=body.note)
    return Status(201, _scheme_out(scheme, selectors.scheme_in_force(city_code=scheme.city_code)))


@router.get("/hub/evaluation/runs", response={200: list[EvaluationRunSummaryOut], **ERRORS})
def evaluation_runs(request):
    """The evaluation runs of the officer's city, newest quarter first; every version is kept."""
    return [_summary(run) for run in selectors.runs(jurisdiction=officer_jurisdiction(request))[:200]]


@router.post("/hub/evaluation/runs", response={201: EvaluationRunOut, **ERRORS})
def evaluation_run_create(request, body: EvaluationRunIn):
    """Evaluate the city's districts for a quarter and propose the fund's allocation (city-level
    officers; audited). A re-run is a new version."""
    jurisdiction = officer_jurisdiction(request)
    fund_fen = parse_yuan(body.fund, field="fund")
    run = services.evaluation_run(actor=request.auth, year=body.year, quarter=body.quarter, fund_fen=fund_fen,
                                  note=body.note)
    return Status(201, _run_out(selectors.run_get(jurisdiction=jurisdiction, run_id=run.pk)))


def _run_out(run: EvaluationRun) -> dict:
    from sharecity.hub.evaluation import method, policy

    view = selectors.run_view(run, language=_language())
    return {**_summary(run), "scheme_id": run.scheme_id, "negative_threshold": float(run.negative_threshold),
            "start": view["start"], "end": view["end"], "method": method.__doc__ or "",
            "support_exit_rule": policy.SUPPORT_EXIT_RULE, "districts": view["districts"],
            "enterprises": run.enterprises}


@router.get("/hub/evaluation/runs/{run_id}", response={200: EvaluationRunOut, **ERRORS})
def evaluation_run_get(request, run_id: int):
    """One run: ranking, index, allocation and negative lists. 404 for another city's run."""
    return _run_out(selectors.run_get(jurisdiction=officer_jurisdiction(request), run_id=run_id))


@router.get("/hub/evaluation/runs/{run_id}/explanation", response={200: EvaluationExplanationOut, **ERRORS})
def evaluation_run_explanation(request, run_id: int):
    """Each district's result back to its figures: per indicator the raw value, normalised value, weight
    and contribution; for the fund share its arithmetic, in words."""
    from sharecity.hub.evaluation import method

    run = selectors.run_get(jurisdiction=officer_jurisdiction(request), run_id=run_id)
    return {"run_id": run.pk, "method": method.__doc__ or "", "fund_fen": run.fund_fen,
            "districts": selectors.explanation(run, language=_language())}
