"""Rights holders' notices for the city's officers: ``/api/v1/hub/notices``, scoped by jurisdiction."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.security import SessionAuth

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.notices import selectors
from sharecity.hub.registry.jurisdiction import Jurisdiction, officer_jurisdiction

router = Router(auth=SessionAuth(), tags=["hub notices"])
ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut}


def _jurisdiction(request) -> Jurisdiction:
    return officer_jurisdiction(
        request, message=_("Only regulator staff and hub operators may see rights holders' notices."))


class HubNoticeStepOut(Schema):
    step: str
    at: dt.datetime
    actor_role: str


class NoticeFactOut(Schema):
    id: int
    platform_id: str
    notice_id: str
    district_code: str
    city_code: str
    districts: list[str]
    listing_ids: list[str]
    right_kind: str
    last_step: str
    last_step_at: dt.datetime
    filed_at: dt.datetime
    measure: str
    measure_at: dt.datetime | None
    forwarded_at: dt.datetime | None
    counter_noticed_at: dt.datetime | None
    counter_forwarded_at: dt.datetime | None
    restore_due_at: dt.datetime | None
    complaint_kind: str
    complaint_reported_at: dt.datetime | None
    restored_at: dt.datetime | None
    outcome: str
    wrong_notice: bool
    malicious: bool
    steps: list[HubNoticeStepOut]
    overdue: list[str] = Field(..., description="measure_late, counter_forward_late (the city's setting), "
                                                "restoration_late (E-commerce Law Art. 43 para. 2)")


def _out(fact, now) -> dict:
    data = {name: getattr(fact, name) for name in NoticeFactOut.model_fields if name not in ("overdue", "id")}
    return {**data, "id": fact.pk, "overdue": selectors.overdue_reasons(fact, now=now)}


class HubNoticeFilters(Schema):
    platform: str = Field(default="", max_length=64, description="a platform id")
    outcome: str = Field(default="", max_length=16, description="open | explained | measures_kept | restored")
    overdue: bool = Field(default=False, description="only notices with a time limit missed")
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=10**9)


@router.get("/hub/notices", response={200: list[NoticeFactOut], **ERRORS})
def hub_notices(request, filters: Query[HubNoticeFilters]):
    now = timezone.now()
    rows = [_out(fact, now) for fact in selectors.notices_for(
        jurisdiction=_jurisdiction(request), platform=filters.platform,
        outcome=filters.outcome)[filters.offset:filters.offset + filters.limit]]
    return [row for row in rows if row["overdue"]] if filters.overdue else rows


@router.get("/hub/notices/{fact_id}", response={200: NoticeFactOut, 404: ErrorOut, **ERRORS})
def hub_notice(request, fact_id: int):
    return _out(selectors.notice_get(jurisdiction=_jurisdiction(request), fact_id=fact_id), timezone.now())
