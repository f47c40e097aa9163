"""Hub directives: what regulators order platforms to do, sent down through the exchange.

``directive_issue`` writes the directive, its audit row and a ``direction="down"`` outbox row
in one transaction; the relay signs it with the hub's producer key and sends it to the
platform. ``directive_acknowledged`` is the intake handler for the platform's answer.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import CURRENT_VERSIONS, DIRECTIVE_TYPES, payload_build, payload_validate
from sharecity.hub.audit.services import audit_record as hub_audit_record
from sharecity.hub.directives.models import Directive, DirectiveStatus
from sharecity.hub.registry.jurisdiction import jurisdiction_for
from sharecity.hub.registry.selectors import registered_platform_get, regulator_profile_for
from sharecity.kernel.errors import Forbidden, InvalidInput
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, fact_record
from sharecity.kernel.timeutil import CITY_TZ, city_datetime, require_aware
from sharecity.kernel.workdays import add_workdays

logger = logging.getLogger(__name__)

# How long a platform has to act, in working days on the official holiday calendar.
DEADLINE_WORKDAYS: dict[str, int] = {
    "assistance.request": 5,
    "recall.order": 3,
    "inspection.result": 10,  # rectification after a failed spot check
    "credit_list.changed": 2,
    "quota.assigned": 5,  # the platform confirms it has read its quota
}
# An emergency order is answered within hours, the same day.
EMERGENCY_HOURS = 4
# A working-day deadline runs to the end of that day in city time.
END_OF_DAY = dt.time(23, 59, 59)


def directive_deadline_default(directive_type: str, *, issued_at: dt.datetime) -> dt.datetime:
    """The deadline a directive of this type gets when the regulator sets none."""
    if directive_type == "emergency.order":
        return issued_at + dt.timedelta(hours=EMERGENCY_HOURS)
    days = DEADLINE_WORKDAYS[directive_type]
    return city_datetime(add_workdays(issued_at.astimezone(CITY_TZ).date(), days), END_OF_DAY)


def _payload(directive_type: str, data: dict) -> dict:
    """Validated payload; an error names the form field (``case_id``, ``findings``), not the wire path."""
    try:
        payload_validate(directive_type, CURRENT_VERSIONS[directive_type], data)
    except InvalidInput as error:
        field = (error.field or "").removeprefix("payload.")
        raise InvalidInput(str(error.message).removeprefix("payload."), field=field or None,
                           code="directive.invalid") from None
    return payload_build(directive_type, **data)


@transaction.atomic
def directive_issue(*, actor: User, platform_id: str, directive_type: str, deadline: dt.datetime | None = None,
                    now: dt.datetime | None = None, **fields) -> Directive:
    """Issue a directive to a registered platform. Only regulator staff may; the department is recorded."""
    profile = regulator_profile_for(actor)
    if profile is None:
        raise Forbidden(_("Only regulator staff may issue directives."), field="actor")
    # complaint.referred and complaint.withdrawn are sent by the third-party complaint platform (hub.complaints),
    # not by an officer.
    if directive_type not in DIRECTIVE_TYPES or directive_type in ("complaint.referred", "complaint.withdrawn"):
        raise InvalidInput(_("Choose a known type of directive."), field="directive_type")
    # An officer directs only the platforms active or registered in their own city or district. One
    # answer for an unknown platform and another city's, so the refusal tells nothing about the other city.
    jurisdiction = jurisdiction_for(actor)
    if registered_platform_get(platform_id=platform_id) is None or not (
            jurisdiction and jurisdiction.covers_platform(platform_id)):
        raise InvalidInput(_("Choose a platform registered at the hub and active in your jurisdiction."),
                           field="platform_id", code="directive.platform_outside_jurisdiction")
    issued_at = now or timezone.now()
    if deadline is None:
        deadline = directive_deadline_default(directive_type, issued_at=issued_at)
    else:
        deadline = require_aware(deadline)
        if deadline <= issued_at:
            raise InvalidInput(_("The deadline must be later than now."), field="deadline")
    payload = _payload(directive_type, {**fields, "issued_by": profile.department, "issued_at": issued_at,
                                        "deadline": deadline})
    directive = Directive.objects.create(
        platform_id=platform_id, directive_type=directive_type, payload=payload, deadline=deadline,
        issued_by=actor, department=profile.department, issued_at=issued_at,
        city_code=profile.city_code, district_code=profile.district_code,
    )
    message = fact_record(
        actor=actor, action="hub.directive_issue", target_type="hub_directive", target_id=directive.pk,
        platform_id=platform_id, message_type=directive_type, payload=payload, direction="down",
    )
    directive.message_id = message.message_id
    directive.save(update_fields=["message_id"])
    hub_audit_record(actor=actor, action="directive.issued", object_type="hub_directive",
                     object_id=directive.message_id,
                     detail={"platform_id": platform_id, "directive_type": directive_type,
                             "department": profile.department, "deadline": deadline.isoformat(), "payload": payload})
    if directive_type == "inspection.result":
        # The result goes into the inspected party's credit file in the same transaction (an explicit
        # call, not a signal: the house has none).
        from sharecity.hub.credit.services import credit_inspection_recorded

        credit_inspection_recorded(directive_message_id=str(directive.message_id), platform_id=platform_id,
                                   payload=payload, department=profile.department)
    return directive


@transaction.atomic
def directive_acknowledged(*, envelope, payload) -> Directive | None:
    """Intake handler for ``directive.acknowledged``: the platform answered a directive.

    Idempotent: a completed directive stays completed and keeps its first acknowledgement
    time. An acknowledgement of a directive this hub did not send to that platform is ignored.
    """
    directive = (Directive.objects.select_for_update()
                 .filter(message_id=payload.directive_message_id, platform_id=envelope.platform_id).first())
    if directive is None:
        logger.warning("acknowledgement from %s of unknown directive %s ignored", envelope.platform_id,
                       payload.directive_message_id)
        return None
    if directive.directive_type != payload.directive_type:
        logger.warning("acknowledgement of %s names type %s, but it is a %s; ignored", directive.message_id,
                       payload.directive_type, directive.directive_type)
        return None
    if directive.status == DirectiveStatus.COMPLETED:
        return directive
    acknowledgement = payload.model_dump(mode="json")
    directive.acknowledged_at = directive.acknowledged_at or payload.acknowledged_at
    directive.acknowledgement = acknowledgement
    directive.status = DirectiveStatus.COMPLETED if payload.completed else DirectiveStatus.ACKNOWLEDGED
    directive.save(update_fields=["acknowledged_at", "acknowledgement", "status"])
    audit_record(actor=None, actor_label=f"platform {envelope.platform_id}", action="hub.directive_acknowledged",
                 target_type="hub_directive", target_id=directive.pk, platform_id=envelope.platform_id,
                 data={"message_id": envelope.message_id, **acknowledgement})
    return directive


@transaction.atomic
def directive_send_for(*, actor: User | None, department: str, platform_id: str, directive_type: str,
                       now: dt.datetime | None = None, city_code: str = "", district_code: str = "",
                       deadline: dt.datetime | None = None, **fields) -> Directive:
    """Send a directive on behalf of a department, with or without an officer at the keyboard.

    Another duty's own action (a credit-list change decided by an officer, or the list's expiry run
    by the hub's timer) sends its directives through here: the caller has already checked who may act
    and audits the action; this writes the directive, its outbox row and its own audit row.
    ``city_code``/``district_code``: whose directive it is (who reads it and its audit row); a city
    list's directives are the city's, so a district bureau does not read those sent to other
    districts' platforms.
    """
    if registered_platform_get(platform_id=platform_id) is None:
        raise InvalidInput(_("Choose a platform registered at the hub."), field="platform_id")
    issued_at = now or timezone.now()
    # ``deadline``: the caller's own time limit (kept as data by its duty), else the type's default.
    deadline = deadline or directive_deadline_default(directive_type, issued_at=issued_at)
    payload = _payload(directive_type, {**fields, "issued_by": department, "issued_at": issued_at,
                                        "deadline": deadline})
    directive = Directive.objects.create(
        platform_id=platform_id, directive_type=directive_type, payload=payload, deadline=deadline,
        issued_by=actor, department=department, issued_at=issued_at, city_code=city_code,
        district_code=district_code,
    )
    message = fact_record(
        actor=actor, action="hub.directive_issue", target_type="hub_directive", target_id=directive.pk,
        platform_id=platform_id, message_type=directive_type, payload=payload, direction="down",
    )
    directive.message_id = message.message_id
    directive.save(update_fields=["message_id"])
    hub_audit_record(actor=actor, actor_label="" if actor else department, action="directive.issued",
                     city_code=city_code or None, district_code=district_code,
                     object_type="hub_directive", object_id=directive.message_id,
                     detail={"platform_id": platform_id, "directive_type": directive_type,
                             "department": department, "deadline": deadline.isoformat(), "payload": payload})
    return directive
