"""Credit files from a real market slice through the exchange, and facts platforms send on top of it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.services import intake_pump, intake_receive
from sharecity.market.complaints.models import Complaint
from tests.hub.slice import next_in_chain, run_slice

REASONS = {"ground": "terms_violation", "legal_reference": "《平台服务协议》第十条", "facts": "多次违规",
           "automated_detection": False, "automated_decision": False}


def deliver(transport) -> None:
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def send(platform_id: str, message_type: str, payload: dict):
    """A fact the platform sends on top of the slice, continuing its chain."""
    outcome = intake_receive(next_in_chain(platform_id, message_type=message_type, payload=payload).to_bytes())
    assert outcome.name == "APPLIED", outcome
    return outcome


def now_text() -> str:
    return timezone.now().astimezone(dt.UTC).isoformat()


def slice_with_credit_facts(*, district: str = "350203", name: str | None = None, outcome: str = "upheld"):
    """The slice (a completed booking, a 5-star customer review, a complaint), then the complaint's
    resolution, a safety incident, an account suspension and a tax report, all through intake."""
    transport = LocalTransport()
    the_slice = run_slice(district=district, name=name)
    deliver(transport)
    complaint = Complaint.objects.get(booking=the_slice.booking)
    platform_id = the_slice.platform_id
    send(platform_id, "complaint.resolved", {"complaint_id": str(complaint.public_id), "district": district,
                                             "resolved_at": now_text(), "outcome": outcome})
    send(platform_id, "safety.incident", {"incident_id": "INC-1", "category": "injury", "severity": "general",
                                          "district": district, "occurred_at": now_text(), "reported_at": now_text(),
                                          "description": "车位地锁夹伤", "injured": 1})
    return the_slice, complaint


def provider_key(the_slice) -> str:
    from sharecity.hub.monitoring.models import OrderFact

    return OrderFact.objects.get(platform_id=the_slice.platform_id).provider_key
