"""The qualifications routes of the market API (mounted by ``market.api`` under its authentication).

An instrument's owner sets which qualifications its rules require and records users' training with
its validity; a user reads the qualifications recorded for them. What a listing requires is read at
``/p/{platform}/booking-requirements/{listing_id}`` (orders).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.platforms.selectors import member_get
from sharecity.market.qualifications import selectors, services
from sharecity.market.qualifications.errors import HolderNotFound, InvalidQualification

router = Router(tags=["qualifications"])


class QualificationIn(Schema):
    holder_id: uuid.UUID = Field(description="the user's public id; they joined this platform")
    code: str = Field(max_length=64, description="e.g. instrument_user_qualification")
    record_no: str = Field("", max_length=64, description="the training record's number")
    trained_on: dt.date
    expires_on: dt.date = Field(description="the last day the user may book (included)")


class QualificationOut(Schema):
    id: uuid.UUID
    owner_id: uuid.UUID
    holder_id: uuid.UUID
    holder_name: str
    code: str
    record_no: str
    trained_on: dt.date
    expires_on: dt.date
    valid_today: bool


class RequirementsIn(Schema):
    codes: list[str] = Field(max_length=20, description="qualification codes booking the listing requires; "
                                                        "empty: none")


class RequirementOut(Schema):
    code: str
    label: str
    legal_reference: str


def _out(qualification, today: dt.date) -> dict:
    return {"id": qualification.public_id, "owner_id": qualification.owner.public_id,
            "holder_id": qualification.holder.public_id, "holder_name": str(qualification.holder),
            "code": qualification.code, "record_no": qualification.record_no,
            "trained_on": qualification.trained_on, "expires_on": qualification.expires_on,
            "valid_today": qualification.trained_on <= today <= qualification.expires_on}


def _today() -> dt.date:
    from django.utils import timezone

    from sharecity.kernel.timeutil import CITY_TZ

    return timezone.now().astimezone(CITY_TZ).date()


@router.get("/p/{platform}/qualifications", response={200: list[QualificationOut], **ERRORS})
def qualifications_list(request, platform: str, role: str = "owner"):
    """The qualifications the acting person recorded (``owner``) or holds (``holder``)."""
    caller = Caller(request, platform)
    person = caller.person()
    if role not in ("owner", "holder"):
        raise InvalidQualification(_("The role is owner or holder."), field="role")
    found = (selectors.qualifications_recorded_by(platform=caller.platform, owner=person) if role == "owner"
             else selectors.qualifications_held(platform=caller.platform, holder=person))
    today = _today()
    return [_out(q, today) for q in found.select_related("owner", "holder")[:500]]


@router.post("/p/{platform}/qualifications", response={201: QualificationOut, **ERRORS})
def qualifications_record(request, platform: str, data: QualificationIn):
    """The acting person, owner of instruments, records a user's training and how long it is valid."""
    caller = Caller(request, platform)
    owner = caller.person()
    holder = member_get(platform=caller.platform, public_id=data.holder_id)
    if holder is None:
        raise HolderNotFound(_("No one with this id joined this platform."), field="holder_id")
    qualification = services.qualification_record(
        actor=owner, platform=caller.platform, holder=holder, code=data.code, trained_on=data.trained_on,
        expires_on=data.expires_on, record_no=data.record_no)
    return Status(201, _out(qualification, _today()))


@router.put("/p/{platform}/qualification-requirements/{listing_id}", response={200: list[RequirementOut], **ERRORS})
def requirements_put(request, platform: str, listing_id: uuid.UUID, data: RequirementsIn):
    """Set which qualifications booking the instrument requires (its owner or the platform's operators)."""
    from sharecity.market.listings.selectors import listing_get

    caller = Caller(request, platform)
    person = caller.person()
    listing = listing_get(platform=caller.platform, public_id=listing_id)
    services.requirements_set(actor=person, listing=listing, codes=data.codes)
    return selectors.requirements_of(listing=listing)
