"""The walking slice, driven through the market's real services, and helpers to look at
what the hub made of it. Shared by the intake, NATS and worker tests."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone

from sharecity.exchange.envelope import Envelope, envelope_seal
from sharecity.exchange.keys import producer_private_key
from sharecity.hub.intake.models import IntakeStream, QuarantinedMessage, ReceivedMessage
from sharecity.hub.monitoring.models import ActivityStat
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.market.complaints.services import complaint_file
from sharecity.market.parking.services import booking_complete, booking_create
from sharecity.market.reviews.services import review_create
from tests.factories import current_slot, make_platform, make_provider, make_space, make_user

DISTRICT = "350203"
PRICE_PER_HOUR_FEN = 800
METRICS = ("listings", "bookings", "completed", "turnover_fen", "reviews", "complaints", "verified_subjects")


@dataclass
class Slice:
    platform: object
    provider: object
    customer: object
    space: object
    booking: object

    @property
    def platform_id(self) -> str:
        return self.platform.exchange_id


def book(platform, space, customer):
    """A half-hour stay in the slot that has already begun (bookable and completable at once)."""
    starts_at = current_slot()
    return booking_create(actor=customer, platform=platform, space_id=space.public_id, customer=customer,
                          starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=30))


def run_slice(*, district: str = DISTRICT, name: str | None = None, credit_code: str | None = None) -> Slice:
    """Platform registered, provider verified, space listed, booked, completed, two reviews, one complaint.
    ``credit_code`` decides where the platform is registered (its characters 3 to 8)."""
    platform = make_platform(name=name, credit_code_=credit_code)
    provider = make_provider(platform)
    space = make_space(platform, provider, district=district, price_fen=PRICE_PER_HOUR_FEN)
    customer = make_user()
    booking = book(platform, space, customer)
    booking_complete(actor=customer, booking=booking)
    review_create(actor=customer, booking=booking, rating=5, comment="很方便")
    review_create(actor=provider, booking=booking, rating=4)
    complaint_file(actor=customer, booking=booking, category="access", description="入口被堵住了，晚了十分钟",
                   remedy="apology")
    return Slice(platform=platform, provider=provider, customer=customer, space=space, booking=booking)


def expected_stat(booking) -> dict[str, int]:
    return {"listings": 1, "bookings": 1, "completed": 1, "turnover_fen": booking.amount_fen, "reviews": 2,
            "complaints": 1, "verified_subjects": 0}


def stat(platform_id: str, district: str = DISTRICT) -> dict[str, int] | None:
    row = ActivityStat.objects.filter(platform_id=platform_id, district_code=district).first()
    return None if row is None else {name: getattr(row, name) for name in METRICS}


def hub_snapshot() -> dict:
    """Everything a rejected message must leave untouched."""
    return {
        "stats": sorted(ActivityStat.objects.values_list("platform_id", "district_code", *METRICS)),
        "platforms": sorted(RegisteredPlatform.objects.values_list("platform_id", "name", "public_key")),
        "received": sorted(ReceivedMessage.objects.values_list("message_id", "sequence")),
        "streams": sorted(IntakeStream.objects.values_list("platform_id", "last_sequence", "last_hash")),
    }


def quarantined_last() -> QuarantinedMessage:
    return QuarantinedMessage.objects.order_by("-id").first()


def listing_payload(**overrides) -> dict:
    payload = {
        "listing_id": str(uuid.uuid4()),
        "category": "parking",
        "district": DISTRICT,
        "provider_key": "pseudonym-of-provider",
        "price_fen": 600,
        "price_unit": "hour",
        "title": "外部车位",
    }
    payload.update(overrides)
    return payload


def craft(*, platform_id: str, sequence: int, prev_hash: str, private_key: bytes | None = None,
          message_type: str = "listing.published", schema_version: int = 1, payload: dict | None = None,
          message_id: str | None = None) -> Envelope:
    """Seal an envelope as a platform (or an adversary holding ``private_key``) would."""
    return envelope_seal(
        private_key=private_key if private_key is not None else producer_private_key(platform_id=platform_id),
        message_id=message_id or str(uuid.uuid4()),
        platform_id=platform_id,
        type=message_type,
        schema_version=schema_version,
        sequence=sequence,
        sent_at=timezone.now().astimezone(dt.UTC).isoformat(),
        payload=payload if payload is not None else listing_payload(),
        prev_hash=prev_hash,
    )


def next_in_chain(platform_id: str, **kwargs) -> Envelope:
    """The envelope that correctly continues the platform's chain as the hub has accepted it."""
    stream = IntakeStream.objects.get(platform_id=platform_id)
    return craft(platform_id=platform_id, sequence=stream.last_sequence + 1, prev_hash=stream.last_hash, **kwargs)
