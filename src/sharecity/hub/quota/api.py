"""The quota console as an API (``/api/v1/hub/quota/...``, officers by session, scoped like the pages: every
officer of a city reads; city-level officers write), and the published quotas without login
(``/api/v1/public/quota``)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import SessionAuth

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.quota import selectors, services
from sharecity.hub.registry.jurisdiction import officer_jurisdiction
from sharecity.kernel.errors import NotFound

ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
LINE = r"^[^\x00-\x1f\x7f-\x9f]*$"
OPTION = Field(None, max_length=200, pattern=LINE)

router = Router(auth=SessionAuth(), tags=["hub"])
public_router = Router(tags=["public"])


class QuotaCityFilter(Schema):
    city: str = Field("", max_length=6, pattern=r"^(\d{6})?$", description="an operator's choice of city")


class WeightsOut(Schema):
    id: int
    city_code: str
    effective_from: dt.date
    complaints: int
    parking: int
    condition: int
    dispatch: int
    complaints_zero_per_thousand: int
    dispatch_target_minutes: int
    dispatch_zero_minutes: int
    source: str


class WeightsIn(Schema):
    effective_from: dt.date
    complaints: int = Field(ge=0, le=100)
    parking: int = Field(ge=0, le=100)
    condition: int = Field(ge=0, le=100)
    dispatch: int = Field(ge=0, le=100)
    complaints_zero_per_thousand: int = Field(ge=1, le=100_000)
    dispatch_target_minutes: int = Field(ge=0, le=100_000)
    dispatch_zero_minutes: int = Field(ge=1, le=100_000)
    source: str = Field("", max_length=300, pattern=LINE)


class EvaluationOut(Schema):
    city_code: str
    year: int
    quarter: int
    platform_id: str
    score: str
    components: dict


class QuarterIn(Schema):
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)


class RunIn(QuarterIn):
    method: str = Field(max_length=20, pattern=r"^(rank-shares|penalty-ladder)$")
    total: str | None = OPTION
    reserve_new: str | None = OPTION
    shares: str | None = OPTION
    pass_mark: str | None = OPTION
    fail_below: str | None = OPTION
    cuts: str | None = OPTION
    suspend_at: str | None = OPTION
    reward_at: str | None = OPTION
    by: str | None = Field(None, pattern=r"^(quota|score)$")
    effective_from: dt.date | None = None


class RunOut(Schema):
    id: int
    allocation_id: str
    city_code: str
    year: int
    quarter: int
    method: str
    effective_from: dt.date
    parameters: dict
    inputs: list
    result: dict
    unallocated: int
    created_at: dt.datetime
    published_at: dt.datetime | None


class FleetRowOut(Schema):
    platform_id: str
    zone: str
    quota: int | None
    deployed: int | None
    reported_to: str | None
    over: bool


class PublicRowOut(Schema):
    allocation_id: str
    city_code: str
    city: str
    year: int
    quarter: int
    effective_from: str
    method: str
    platform_id: str
    platform: str
    zone: str
    zone_name_zh: str
    zone_name_en: str
    vehicles: int
    published_at: str | None


def _weights_out(w) -> dict:
    return {name: getattr(w, name) for name in WeightsOut.model_fields}


def _run_out(run) -> dict:
    return {"id": run.pk, "allocation_id": f"QA-{run.pk}", "city_code": run.city_code, "year": run.year,
            "quarter": run.quarter, "method": run.method, "effective_from": run.effective_from,
            "parameters": run.parameters, "inputs": run.inputs, "result": run.result, "unallocated": run.unallocated,
            "created_at": run.created_at, "published_at": run.published_at}


@router.get("/hub/quota/weights", response={200: list[WeightsOut], **ERRORS}, url_name="quota_weights")
def weights_list(request, filters: Query[QuotaCityFilter]):
    jurisdiction = officer_jurisdiction(request)
    city = selectors.city_of(jurisdiction, filters.city)
    return [_weights_out(w) for w in selectors.weights_list(city_code=city)[:50]]


@router.post("/hub/quota/weights", response={201: WeightsOut, **ERRORS}, url_name="quota_weights_add")
def weights_add(request, data: WeightsIn, filters: Query[QuotaCityFilter]):
    jurisdiction = officer_jurisdiction(request)
    city = selectors.city_of(jurisdiction, filters.city)
    values = data.dict()
    effective_from, source = values.pop("effective_from"), values.pop("source")
    weights = services.weights_set(actor=request.auth, jurisdiction=jurisdiction, city_code=city,
                                   effective_from=effective_from, values=values, source=source)
    return Status(201, _weights_out(weights))


@router.get("/hub/quota/evaluations", response={200: list[EvaluationOut], **ERRORS}, url_name="quota_evaluations")
def evaluations_list(request, filters: Query[QuotaCityFilter]):
    jurisdiction = officer_jurisdiction(request)
    city = selectors.city_of(jurisdiction, filters.city)
    return [{"city_code": e.city_code, "year": e.year, "quarter": e.quarter, "platform_id": e.platform_id,
             "score": str(e.score), "components": e.components}
            for e in selectors.evaluations_list(jurisdiction=jurisdiction, city_code=city)[:200]]


@router.post("/hub/quota/evaluations", response={200: list[EvaluationOut], **ERRORS},
             url_name="quota_evaluation_compute")
def evaluations_compute(request, data: QuarterIn, filters: Query[QuotaCityFilter]):
    jurisdiction = officer_jurisdiction(request)
    city = selectors.city_of(jurisdiction, filters.city)
    rows = services.evaluation_compute(actor=request.auth, jurisdiction=jurisdiction, city_code=city,
                                       year=data.year, quarter=data.quarter)
    return [{"city_code": e.city_code, "year": e.year, "quarter": e.quarter, "platform_id": e.platform_id,
             "score": str(e.score), "components": e.components} for e in rows]


@router.get("/hub/quota/runs", response={200: list[RunOut], **ERRORS}, url_name="quota_runs")
def runs_list(request, filters: Query[QuotaCityFilter]):
    jurisdiction = officer_jurisdiction(request)
    city = selectors.city_of(jurisdiction, filters.city)
    return [_run_out(run) for run in selectors.runs_list(jurisdiction=jurisdiction, city_code=city)[:50]]


@router.post("/hub/quota/runs", response={201: RunOut, **ERRORS}, url_name="quota_run_create")
def run_create(request, data: RunIn, filters: Query[QuotaCityFilter]):
    jurisdiction = officer_jurisdiction(request)
    city = selectors.city_of(jurisdiction, filters.city)
    options = {k: v for k, v in data.dict().items()
               if k not in ("year", "quarter", "method", "effective_from") and v is not None}
    run = services.allocation_run(actor=request.auth, jurisdiction=jurisdiction, city_code=city, year=data.year,
                                  quarter=data.quarter, method=data.method, options=options,
                                  effective_from=data.effective_from)
    return Status(201, _run_out(run))


def _run(request, run_id: int):
    jurisdiction = officer_jurisdiction(request)
    run = selectors.run_get(jurisdiction=jurisdiction, run_id=run_id)
    if run is None:
        raise NotFound(_("No such allocation."), field="run_id", code="quota.not_found")
    return jurisdiction, run


@router.get("/hub/quota/runs/{run_id}", response={200: RunOut, **ERRORS}, url_name="quota_run_get")
def run_get(request, run_id: int):
    _jurisdiction, run = _run(request, run_id)
    return _run_out(run)


@router.post("/hub/quota/runs/{run_id}/publish", response={200: RunOut, **ERRORS}, url_name="quota_run_publish")
def run_publish(request, run_id: int):
    jurisdiction, run = _run(request, run_id)
    return _run_out(services.allocation_publish(actor=request.auth, jurisdiction=jurisdiction, run_id=run.pk))


@router.get("/hub/quota/fleet", response={200: list[FleetRowOut], **ERRORS}, url_name="quota_fleet")
def fleet(request, filters: Query[QuotaCityFilter]):
    """Each platform and zone: the latest fleet reported against the quota in force."""
    jurisdiction = officer_jurisdiction(request)
    city = selectors.city_of(jurisdiction, filters.city)
    return selectors.fleet_vs_quota(jurisdiction=jurisdiction, city_code=city, on=services.today())


@public_router.get("/public/quota", response={200: list[PublicRowOut], **ERRORS}, url_name="quota_public")
def public_quota(request, filters: Query[QuotaCityFilter]):
    """Published quotas, one row per allocation, platform and zone (no login)."""
    return selectors.published_allocations_rows(city_code=filters.city or None)[:5000]
