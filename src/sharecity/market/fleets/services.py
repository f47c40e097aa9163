"""A platform reports its fleet to the city (``fleet.reported`` through the outbox) and keeps the quotas the
city assigns it (``quota.assigned``, called from ``market.directives.services.directives_receive``)."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import CURRENT_VERSIONS, payload_build, payload_validate
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput
from sharecity.kernel.models import User
from sharecity.kernel.services import fact_record
from sharecity.market.fleets.models import AssignedQuota, FleetReport
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import is_operator

FIELDS = ("city", "zone", "period_start", "period_end", "vehicles_deployed", "vehicles_good", "parking_checked",
          "parking_compliant", "dispatch_requests", "dispatch_response_minutes")


@transaction.atomic
def fleet_report(*, actor: User | None, platform: Platform, machine: bool = False, report_id: str | None = None,
                 **fields) -> FleetReport:
    """Send the city one zone's fleet figures. The platform's operators (or its API key) may; a report id is
    sent once (a second report under the same id is refused: correct by a new report)."""
    if not machine and not is_operator(user=actor, platform=platform):
        raise Forbidden(_("Only the platform's operators may report its fleet."), field="actor",
                        code="fleets.not_operator")
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown field."), field=unknown[0], code="fleets.unknown_field")
    report_id = report_id or str(uuid.uuid4())
    data = {"report_id": report_id, "reported_at": timezone.now(), **fields}
    try:
        payload_validate("fleet.reported", CURRENT_VERSIONS["fleet.reported"], data)
    except InvalidInput as error:
        field = (error.field or "").removeprefix("payload.")
        raise InvalidInput(str(error.message).removeprefix("payload."), field=field or None,
                           code="fleets.invalid") from None
    payload = payload_build("fleet.reported", **data)
    try:
        with transaction.atomic():
            report = FleetReport.objects.create(platform=platform, report_id=report_id, payload=payload,
                                                reported_by=actor)
    except IntegrityError:
        raise Conflict(_("This report id was sent already; send a new report to correct it."), field="report_id",
                       code="fleets.replay") from None
    fact_record(actor=actor, action="fleet.report", target_type="fleet_report", target_id=report.public_id,
                platform_id=platform.exchange_id, message_type="fleet.reported", payload=payload)
    return report


def quota_assigned_record(*, platform: Platform, message_id, payload) -> list[AssignedQuota]:
    """Keep each zone of a received ``quota.assigned`` directive (once per message)."""
    rows = []
    for zone in payload.zones:
        quota, _created = AssignedQuota.objects.get_or_create(
            message_id=message_id, zone=zone.zone,
            defaults={"platform": platform, "allocation_id": payload.allocation_id, "city_code": payload.city,
                      "vehicles": zone.vehicles, "effective_from": payload.effective_from,
                      "issued_by": payload.issued_by})
        rows.append(quota)
    return rows
