"""Fleet routes of the market API (mounted by ``market.api``): an operator reports its fleet to the city and
reads the quotas the city assigned."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, StrictInt

from sharecity.kernel.errors import Forbidden
from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.fleets import selectors, services
from sharecity.market.platforms.selectors import is_operator

router = Router(tags=["fleets"])


class FleetReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    report_id: str | None = None
    city: str
    zone: str
    period_start: str
    period_end: str
    vehicles_deployed: StrictInt
    vehicles_good: StrictInt
    parking_checked: StrictInt
    parking_compliant: StrictInt
    dispatch_requests: StrictInt
    dispatch_response_minutes: StrictInt | None = None


class FleetReportOut(Schema):
    id: uuid.UUID
    report_id: str
    payload: dict
    created_at: dt.datetime


class QuotaOut(Schema):
    allocation_id: str
    city_code: str
    zone: str
    vehicles: int
    effective_from: dt.datetime
    issued_by: str


def _operator(caller: Caller) -> None:
    if not (caller.machine or is_operator(user=caller.user, platform=caller.platform)):
        raise Forbidden(_("Only the platform's operators may see its fleet."), field="actor",
                        code="fleets.not_operator")


@router.post("/p/{platform}/fleets/reports", response={201: FleetReportOut, **ERRORS})
def fleet_report_create(request, platform: str, data: FleetReportIn):
    caller = Caller(request, platform)
    fields = data.dict()
    report_id = fields.pop("report_id")
    report = services.fleet_report(actor=caller.user, platform=caller.platform, machine=caller.machine,
                                   report_id=report_id, **fields)
    return Status(201, {"id": report.public_id, "report_id": report.report_id, "payload": report.payload,
                 "created_at": report.created_at})


@router.get("/p/{platform}/fleets/reports", response={200: list[FleetReportOut], **ERRORS})
def fleet_reports_list(request, platform: str):
    caller = Caller(request, platform)
    _operator(caller)
    return [{"id": r.public_id, "report_id": r.report_id, "payload": r.payload, "created_at": r.created_at}
            for r in selectors.reports_list(platform=caller.platform)[:200]]


@router.get("/p/{platform}/fleets/quotas", response={200: list[QuotaOut], **ERRORS})
def fleet_quotas(request, platform: str):
    """The quotas in force, per city and zone."""
    caller = Caller(request, platform)
    _operator(caller)
    return [{"allocation_id": q.allocation_id, "city_code": q.city_code, "zone": q.zone, "vehicles": q.vehicles,
             "effective_from": q.effective_from, "issued_by": q.issued_by}
            for q in selectors.quotas_in_force(platform=caller.platform)]
