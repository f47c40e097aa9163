"""Asking platforms to send a missing range again.

A gap is first given a moment to fill by itself (transports deliver at least once and
not always in order); after that the hub sends a signed resend request down to the
platform, again every little while until the range has arrived.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.utils import timezone

from sharecity.exchange.envelope import canonical_json
from sharecity.exchange.receipts import resend_request_body
from sharecity.exchange.transports import Transport
from sharecity.hub.intake.models import IntakeGap, IntakeStream
from sharecity.hub.registry.keys import hub_sign

logger = logging.getLogger(__name__)

RESEND_NAMESPACE = uuid.UUID("a8c3e1f2-5d4b-4e6a-9c7d-1b2e3f4a5c6d")


def resend_requests_send(*, transport: Transport, settle_seconds: float = 2.0, every_seconds: float = 10.0) -> int:
    """Send a resend request for every open gap older than ``settle_seconds`` that was not asked
    for in the last ``every_seconds``. Returns how many requests went out."""
    now = timezone.now()
    accepted = dict(IntakeStream.objects.values_list("platform_id", "last_sequence"))
    sent = 0
    for gap in IntakeGap.objects.filter(first_seen_at__lte=now - dt.timedelta(seconds=settle_seconds)):
        last_accepted = accepted.get(gap.platform_id, 0)
        if last_accepted >= gap.last_missing:
            continue  # filled
        if gap.last_requested_at and gap.last_requested_at > now - dt.timedelta(seconds=every_seconds):
            continue
        request = {
            "platform_id": gap.platform_id,
            "first_sequence": max(gap.first_missing, last_accepted + 1),
            "last_sequence": gap.last_missing,
            "requested_at": now.astimezone(dt.UTC).isoformat(),
        }
        request["key_id"], request["signature"] = hub_sign(resend_request_body(request))
        message_id = str(uuid.uuid5(RESEND_NAMESPACE,
                                    f"{gap.platform_id}:{gap.first_missing}:{request['requested_at']}"))
        try:
            transport.publish(platform_id=gap.platform_id, message_id=message_id, sequence=request["first_sequence"],
                              data=canonical_json({"kind": "resend_request", "request": request}), direction="down")
        except Exception as error:
            logger.warning("could not ask %s to resend: %s", gap.platform_id, error)
            continue
        IntakeGap.objects.filter(pk=gap.pk).update(last_requested_at=now)
        logger.info("asked %s to resend %s..%s", gap.platform_id, request["first_sequence"], request["last_sequence"])
        sent += 1
    return sent
