"""Versioned message types of the exchange, defined once.

A message type is identified by ``(type, schema_version)``. Producers build payloads
with these models; intake validates against the same models. Adding a field with a
default is a compatible change within a version; anything else is a new version.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sharecity.kernel.errors import InvalidInput

DistrictCode = Annotated[str, Field(pattern=r"^\d{6}$", description="GB/T 2260 district code")]
PartyKey = Annotated[str, Field(min_length=8, max_length=64, description="keyed pseudonym of a person or business")]
Fen = Annotated[int, Field(ge=0, description="amount in fen")]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlatformRegisteredV1(Payload):
    name: str = Field(min_length=1, max_length=120)
    credit_code: str = Field(min_length=18, max_length=18)
    sectors: list[str]
    public_key: str = Field(description="Ed25519 public key, urlsafe base64, that signs this platform's messages")


class SubjectVerifiedV1(Payload):
    subject_key: PartyKey
    subject_kind: Literal["person", "business"]
    verified_at: dt.datetime


class ListingPublishedV1(Payload):
    listing_id: str
    category: str
    district: DistrictCode
    provider_key: PartyKey
    price_fen: Fen
    price_unit: Literal["hour", "day", "night", "item"]
    title: str = Field(max_length=200)


class OrderCreatedV1(Payload):
    order_id: str
    listing_id: str
    category: str
    district: DistrictCode
    customer_key: PartyKey
    provider_key: PartyKey
    amount_fen: Fen
    starts_at: dt.datetime
    ends_at: dt.datetime


class OrderStateChangedV1(Payload):
    order_id: str
    category: str
    district: DistrictCode
    state: Literal["confirmed", "completed", "cancelled"]
    amount_fen: Fen


class ReviewPublishedV1(Payload):
    review_id: str
    order_id: str
    district: DistrictCode
    author_role: Literal["customer", "provider"]
    rating: int = Field(ge=1, le=5)


class ComplaintFiledV1(Payload):
    complaint_id: str
    order_id: str
    district: DistrictCode
    category: str
    complainant_key: PartyKey


MESSAGE_TYPES: dict[tuple[str, int], type[Payload]] = {
    ("platform.registered", 1): PlatformRegisteredV1,
    ("subject.verified", 1): SubjectVerifiedV1,
    ("listing.published", 1): ListingPublishedV1,
    ("order.created", 1): OrderCreatedV1,
    ("order.state_changed", 1): OrderStateChangedV1,
    ("review.published", 1): ReviewPublishedV1,
    ("complaint.filed", 1): ComplaintFiledV1,
}


def payload_build(message_type: str, **fields) -> dict:
    """Validate producer data against the current version and return JSON-ready data."""
    model = MESSAGE_TYPES[(message_type, 1)]
    return model(**fields).model_dump(mode="json")


def payload_validate(message_type: str, schema_version: int, payload: object) -> Payload:
    """Raise ``InvalidInput`` naming the first field and rule at fault."""
    model = MESSAGE_TYPES.get((message_type, schema_version))
    if model is None:
        raise InvalidInput(
            f"unknown message type {message_type!r} version {schema_version}",
            field="type",
            code="exchange.unknown_type",
        )
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(
            f"payload.{location}: {first['msg']}", field=f"payload.{location}", code="exchange.invalid_payload"
        ) from error
