"""The third-party complaint platform as an API.

- ``/api/v1/complaints/...`` (public, no login): the platforms one may complain about, filing with evidence
  files (multipart), tracking with the code and secret, withdrawing, and each platform's response rate.
- ``/api/v1/hub/complaints/...`` (session): the association's queue and decisions; regulators read their
  city's or district's complaints. Another city's complaint is 404, as an unknown one.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import SessionAuth

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.complaints import selectors, services
from sharecity.hub.complaints.models import Evidence, ThirdPartyComplaint
from sharecity.kernel.crypto import decrypt_text
from sharecity.kernel.districts import DISTRICTS
from sharecity.kernel.errors import NotFound

ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
PUBLIC_ERRORS = {**VALIDATION, 404: ErrorOut, 409: ErrorOut}

router = Router(auth=SessionAuth(), tags=["hub complaints"])
public_router = Router(tags=["public"])


# --- schemas -----------------------------------------------------------------------------------------------------

class TpcNoticeOut(Schema):
    at: dt.datetime
    kind: str
    text_zh: str
    text_en: str


class TpcEvidenceOut(Schema):
    public_id: uuid.UUID
    name: str
    content_type: str
    size: int


class TpcTrackedOut(Schema):
    """What the complainant sees: no contact, no staff names."""

    tracking_code: str
    platform_id: str
    platform_name: str
    city_code: str
    district_code: str
    category: str
    desired_outcome: str
    description: str
    status: str
    outcome: str
    filed_at: dt.datetime
    acceptance_due: dt.datetime
    accepted_at: dt.datetime | None
    refusal_reason: str
    mediation_due: dt.datetime | None
    referred_at: dt.datetime | None
    platform_due: dt.datetime | None
    closed_at: dt.datetime | None
    evidence: list[TpcEvidenceOut]
    notices: list[TpcNoticeOut]


class TpcComplaintOut(TpcTrackedOut):
    public_id: uuid.UUID
    source: str
    source_complaint_id: str
    escalated_to: str
    contact: str = Field(description="the full contact for the association's staff; masked for regulators")
    decided_at: dt.datetime | None
    returned_at: dt.datetime | None
    platform_responded_at: dt.datetime | None
    platform_answer: dict
    outcome_note: str
    case_ref: str
    acceptance_overdue: bool
    can_decide: bool


class TpcFiledOut(Schema):
    tracking_code: str
    secret: str = Field(description="shown once: keep it with the code to follow the complaint")
    acceptance_due: dt.datetime


class TpcTrackIn(Schema):
    code: str = Field(max_length=16)
    secret: str = Field(max_length=64)


class TpcPlatformOut(Schema):
    platform_id: str
    name: str
    odr_committed: bool


class TpcPlatformQuery(Schema):
    city: str = Field("350200", max_length=6, pattern=r"^\d{6}$")


class TpcRatesQuery(Schema):
    city: str = Field("", max_length=6, pattern=r"^(\d{6})?$")


class TpcResponseRowOut(Schema):
    platform_id: str
    platform_name: str
    city_code: str
    complaints: int
    responded: int
    response_rate: float | None
    median_workdays: float | None
    mean_workdays: float | None


class TpcQueueQuery(Schema):
    status: str = Field("", max_length=16)


class TpcRefuseIn(Schema):
    reason: str = Field(max_length=2000)


class TpcCloseIn(Schema):
    outcome: str = Field(max_length=24)
    note: str = Field("", max_length=2000)


class TpcOdrIn(Schema):
    platform_id: str = Field(max_length=64)
    committed: bool


class TpcOdrOut(Schema):
    platform_id: str
    city_code: str
    committed: bool
    changed_at: dt.datetime
    changed_by: str


class TpcLimitOut(Schema):
    kind: str
    workdays: int
    effective_from: dt.date
    source: str


# --- helpers -----------------------------------------------------------------------------------------------------

def _names() -> dict[str, str]:
    from sharecity.hub.registry.selectors import registered_platform_names

    return registered_platform_names()


def tracked_out(complaint: ThirdPartyComplaint) -> dict:
    fields = [name for name in TpcTrackedOut.model_fields if name not in ("platform_name", "evidence", "notices")]
    data = {name: getattr(complaint, name) for name in fields}
    data["platform_name"] = _names().get(complaint.platform_id, complaint.platform_id)
    data["evidence"] = [{"public_id": e.public_id, "name": e.name, "content_type": e.content_type, "size": e.size}
                        for e in complaint.evidence.all()]
    data["notices"] = [{"at": n.at, "kind": n.kind, "text_zh": n.text_zh, "text_en": n.text_en}
                       for n in complaint.notices.all()]
    return data


def contact_for(viewer: selectors.Viewer, complaint: ThirdPartyComplaint) -> str:
    if viewer.decides(complaint) and complaint.contact_encrypted:
        return decrypt_text(complaint.contact_encrypted, context=f"tpc.contact:{complaint.tracking_code}")
    return complaint.contact_masked


def complaint_out(viewer: selectors.Viewer, complaint: ThirdPartyComplaint, now: dt.datetime | None = None) -> dict:
    from django.utils import timezone

    now = now or timezone.now()
    data = tracked_out(complaint)
    for name in ("public_id", "source", "source_complaint_id", "escalated_to", "decided_at", "returned_at",
                 "platform_responded_at", "platform_answer", "outcome_note", "case_ref"):
        data[name] = getattr(complaint, name)
    data["contact"] = contact_for(viewer, complaint)
    data["acceptance_overdue"] = complaint.status == "filed" and complaint.acceptance_due < now
    data["can_decide"] = viewer.decides(complaint)
    return data


def _viewer(request) -> selectors.Viewer:
    viewer = selectors.viewer_for(request.auth)
    if viewer is None:
        from sharecity.kernel.errors import Forbidden

        raise Forbidden(_("Only the association's staff and regulators may see complaints."), field=None,
                        code="tpc.staff_only")
    return viewer


# --- public ------------------------------------------------------------------------------------------------------

@public_router.get("/complaints/platforms", response={200: list[TpcPlatformOut], **PUBLIC_ERRORS}, auth=None)
def tpc_platforms(request, query: Query[TpcPlatformQuery]):
    """The platforms operating in the city, that one may complain about."""
    from sharecity.hub.registry.jurisdiction import Jurisdiction

    ids = Jurisdiction(city_code=query.city).platform_ids() if any(
        d.city_code == query.city for d in DISTRICTS.values()) else set()
    committed = {row.platform_id for row in selectors.odr_commitments(city_code=query.city) if row.committed}
    return [{"platform_id": pid, "name": name, "odr_committed": pid in committed}
            for pid, name in sorted(_names().items(), key=lambda item: item[1]) if pid in ids]


@public_router.post("/complaints", response={201: TpcFiledOut, **PUBLIC_ERRORS}, auth=None)
def tpc_file(request, platform_id: Form[str], district_code: Form[str], category: Form[str],
             desired_outcome: Form[str], description: Form[str], contact: Form[str],
             evidence: File[list[UploadedFile]] = None):  # type: ignore[assignment]
    """File a complaint (multipart form, evidence files optional: at most 5, 5 MB each, JPEG/PNG/WebP/PDF).
    The answer carries the tracking code and the secret, shown this once."""
    filed = services.complaint_file(platform_id=platform_id, district_code=district_code, category=category,
                                    desired_outcome=desired_outcome, description=description, contact=contact,
                                    evidence=evidence or [])
    return Status(201, {"tracking_code": filed.complaint.tracking_code, "secret": filed.secret,
                        "acceptance_due": filed.complaint.acceptance_due})


@public_router.post("/complaints/track", response={200: TpcTrackedOut, **PUBLIC_ERRORS}, auth=None)
def tpc_track(request, body: TpcTrackIn):
    """The complaint of this code and secret (POST: the secret stays out of addresses and logs). An unknown code
    and a wrong secret are the same 404."""
    return tracked_out(selectors.complaint_track(code=body.code, secret=body.secret))


@public_router.post("/complaints/withdraw", response={200: TpcTrackedOut, **PUBLIC_ERRORS}, auth=None)
def tpc_withdraw(request, body: TpcTrackIn):
    return tracked_out(services.complaint_withdraw(code=body.code, secret=body.secret))


@public_router.get("/complaints/response-rates", response={200: list[TpcResponseRowOut], **PUBLIC_ERRORS},
                   auth=None)
def tpc_response_rates(request, query: Query[TpcRatesQuery]):
    """Each platform's complaints accepted, responses, response rate and mean and median working days to its
    first response (``selectors.platform_response_rows``)."""
    return selectors.platform_response_rows(city_code=query.city or None)


@public_router.get("/complaints/time-limits", response={200: list[TpcLimitOut], **PUBLIC_ERRORS}, auth=None)
def tpc_time_limits(request):
    """The time limits in force today, in working days on the official calendar, with their sources."""
    from django.utils import timezone

    from sharecity.kernel.timeutil import CITY_TZ

    return selectors.limits_in_force(on=timezone.now().astimezone(CITY_TZ).date())


# --- the association's console and the regulators' reading -------------------------------------------------------

@router.get("/hub/complaints", response={200: list[TpcComplaintOut], **ERRORS})
def tpc_queue(request, query: Query[TpcQueueQuery]):
    """The queue: the association's city, or the regulator's city or district; newest first (at most 500)."""
    viewer = _viewer(request)
    rows = selectors.complaint_queue(viewer=viewer, status=query.status or None).prefetch_related(
        "evidence", "notices")[:500]
    return [complaint_out(viewer, c) for c in rows]


@router.get("/hub/complaints/odr", response={200: list[TpcOdrOut], **ERRORS})
def tpc_odr_list(request):
    """Platforms' commitments to online dispute resolution in the viewer's city."""
    viewer = _viewer(request)
    city = viewer.city_code
    names = viewer.platform_names()
    return [row for row in selectors.odr_commitments(city_code=city)
            if city is None or row.platform_id in names]


@router.post("/hub/complaints/odr", response={200: TpcOdrOut, **ERRORS})
def tpc_odr_set(request, body: TpcOdrIn):
    """Record whether a platform commits to online dispute resolution (association staff)."""
    return services.odr_commitment_set(actor=request.auth, platform_id=body.platform_id, committed=body.committed)


@router.get("/hub/complaints/evidence/{evidence_id}", response={200: None, **ERRORS})
def tpc_evidence(request, evidence_id: uuid.UUID):
    """An evidence file (the bytes, as an attachment), for the association's staff and the regulators who see
    its complaint; 404 for anyone else."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    item = evidence_for(user=request.auth, evidence_id=evidence_id)
    with item.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(True, item.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/hub/complaints/{public_id}", response={200: TpcComplaintOut, **ERRORS})
def tpc_complaint(request, public_id: uuid.UUID):
    viewer = _viewer(request)
    return complaint_out(viewer, selectors.complaint_get(viewer=viewer, public_id=public_id))


def _after(request, complaint: ThirdPartyComplaint) -> dict:
    viewer = _viewer(request)
    complaint.refresh_from_db()
    return complaint_out(viewer, complaint)


@router.post("/hub/complaints/{public_id}/accept", response={200: TpcComplaintOut, **ERRORS})
def tpc_accept(request, public_id: uuid.UUID):
    """Accept (a platform committed to online dispute resolution receives it through the exchange)."""
    return _after(request, services.complaint_accept(actor=request.auth, complaint_id=public_id))


@router.post("/hub/complaints/{public_id}/refuse", response={200: TpcComplaintOut, **ERRORS})
def tpc_refuse(request, public_id: uuid.UUID, body: TpcRefuseIn):
    return _after(request, services.complaint_refuse(actor=request.auth, complaint_id=public_id, reason=body.reason))


@router.post("/hub/complaints/{public_id}/close", response={200: TpcComplaintOut, **ERRORS})
def tpc_close(request, public_id: uuid.UUID, body: TpcCloseIn):
    """End mediation: settled, mediation_failed, withdrawn, or referred_to_regulator (opens an enforcement case)."""
    return _after(request, services.complaint_close(actor=request.auth, complaint_id=public_id,
                                                    outcome=body.outcome, note=body.note))


@router.post("/hub/complaints/{public_id}/platform-responded", response={200: TpcComplaintOut, **ERRORS})
def tpc_platform_responded(request, public_id: uuid.UUID):
    """Record that the platform responded in mediation (its response rate and time)."""
    return _after(request, services.platform_response_record(actor=request.auth, complaint_id=public_id))


def evidence_for(*, user, evidence_id) -> Evidence:
    """An evidence file for the association's staff or a regulator who sees its complaint; else 404."""
    viewer = selectors.viewer_for(user)
    item = Evidence.objects.select_related("complaint").filter(public_id=evidence_id).first()
    if viewer is None or item is None or not viewer.sees(item.complaint):
        raise NotFound(_("No such file."), field="evidence_id")
    return item
