"""Versioned message types of the exchange, defined once.

A message type is identified by ``(type, schema_version)``. Producers build payloads
with these models; intake validates against the same models; ``sharecity manage
exchange_schemas`` publishes them as JSON Schema under ``docs/exchange/schemas/``.
Adding a field with a default (or a new allowed value) is a compatible change within a
version; anything else is a new version.

Conventions for every payload: ids are strings; money is an integer number of fen, never
negative; districts are 6-digit GB/T 2260 codes; people and businesses appear only as
party keys (keyed pseudonyms, ``exchange.pseudonyms``) except in fields a law requires,
which are sealed to the receiving department (``exchange.sealing``); times carry a UTC
offset. There are no floating-point numbers, because their canonical JSON text is not the
same in every language and a signature covers that text.

Every string has a maximum length and no control character, every integer is a JSON integer
with a minimum and a maximum, and every list a maximum length, all from ``sharecity.kernel.limits``,
which the hub's tables use too: what passes a schema fits where it is stored
(``tests/exchange/test_limits_walk.py``). Receiving (``payload_validate``), amounts above the
configured ceiling and times of past events ahead of the clock are refused with their own codes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, get_args

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)

from sharecity.exchange.sealing import EncryptedField
from sharecity.kernel import limits
from sharecity.kernel.errors import InvalidInput


class FieldRule(ValueError):
    """A rule across fields, raised by a model validator, that still names the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class BoundRule(ValueError):
    """A bound a value breaks (a ceiling, a clock), raised by a field's validator with its own code;
    the field is where pydantic found the value."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# --- bounds a deployment configures ---------------------------------------------------------------

_SETTINGS = ("SHARECITY_EXCHANGE_MAX_AMOUNT_FEN", "SHARECITY_EXCHANGE_CLOCK_SKEW_SECONDS")
_bounds_cache: list[tuple[int, dt.timedelta]] = []


def _bounds() -> tuple[int, dt.timedelta]:
    """(ceiling in fen, clock skew) as configured, read once: intake validates every payload, and
    reading Django's settings costs more than validating a field. The default where Django is not
    configured (the exchange client run on its own)."""
    if not _bounds_cache:
        ceiling, seconds = limits.AMOUNT_FEN_CEILING, limits.CLOCK_SKEW_SECONDS
        if settings.configured:
            ceiling = getattr(settings, _SETTINGS[0], ceiling)
            seconds = getattr(settings, _SETTINGS[1], seconds)
        _bounds_cache.append((min(ceiling, limits.FEN_TOTAL_MAX), dt.timedelta(seconds=seconds)))
    return _bounds_cache[0]


@receiver(setting_changed)
def _bounds_forget(*, setting: str, **kwargs: Any) -> None:
    if setting in _SETTINGS:
        _bounds_cache.clear()


def amount_ceiling_fen() -> int:
    """The highest price or amount accepted, in fen: ``SHARECITY_EXCHANGE_MAX_AMOUNT_FEN``."""
    return _bounds()[0]


def clock_skew() -> dt.timedelta:
    """How far ahead of this clock a time that says when something happened may be:
    ``SHARECITY_EXCHANGE_CLOCK_SKEW_SECONDS``."""
    return _bounds()[1]


def _within_ceiling(value: int) -> int:
    ceiling = (_bounds_cache[0] if _bounds_cache else _bounds())[0]
    if value > ceiling:
        raise BoundRule("exchange.amount_above_ceiling",
                        f"{value:,} fen is above the ceiling of {ceiling:,} fen for a price or an amount "
                        "(SHARECITY_EXCHANGE_MAX_AMOUNT_FEN)")
    return value


def _skew_text(skew: dt.timedelta) -> str:
    seconds = int(skew.total_seconds())
    return f"{seconds:,} s" if seconds % 86_400 else f"{seconds // 86_400} day{'s' if seconds != 86_400 else ''}"


# What ``payload_validate`` passes to the validators: the payload is being received, so a time that
# says when something happened is checked against the receiver's clock (now, or "now" if given). A
# producer building a payload (no context) is its own clock and is not checked.
_RECEIVING_NOW: dict[str, dt.datetime | None] = {"now": None}


def _latest(info: ValidationInfo) -> dt.datetime | None:
    context = info.context
    if context is None:
        return None
    return (context["now"] or dt.datetime.now(dt.UTC)) + (_bounds_cache[0] if _bounds_cache else _bounds())[1]


def _time_too_long(limit: int) -> BoundRule:
    return BoundRule("exchange.invalid_payload", f"a time is written in at most {limit} characters")


# Only a time in the first or the last year a datetime holds can fall outside it in UTC.
_EDGE_YEARS = (dt.MINYEAR, dt.MAXYEAR)


def _utc_checked(value: dt.datetime) -> None:
    # Kept in UTC: a time that cannot be written in UTC (year 9999 west of Greenwich) cannot be stored.
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        raise BoundRule("exchange.time_out_of_range", "the time is out of range in UTC") from None


# One function per kind of time, each a single call per field (intake validates every payload).
def _past_time(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> dt.datetime:
    if type(value) is str and len(value) > limits.DATETIME_TEXT_MAX_LENGTH:
        raise _time_too_long(limits.DATETIME_TEXT_MAX_LENGTH)
    moment = handler(value)
    if moment.year in _EDGE_YEARS:
        _utc_checked(moment)
    latest = _latest(info)
    if latest is not None and moment > latest:
        raise BoundRule("exchange.time_in_future",
                        f"the time is in the future: it says when something happened, and may be at most "
                        f"{_skew_text(clock_skew())} ahead of the hub's clock (SHARECITY_EXCHANGE_CLOCK_SKEW_SECONDS)")
    return moment


def _any_time(value: Any, handler: ValidatorFunctionWrapHandler) -> dt.datetime:
    if type(value) is str and len(value) > limits.DATETIME_TEXT_MAX_LENGTH:
        raise _time_too_long(limits.DATETIME_TEXT_MAX_LENGTH)
    moment = handler(value)
    if moment.year in _EDGE_YEARS:
        _utc_checked(moment)
    return moment


def _past_date(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> dt.date:
    if type(value) is str and len(value) > limits.DATE_TEXT_MAX_LENGTH:
        raise _time_too_long(limits.DATE_TEXT_MAX_LENGTH)
    day = handler(value)
    latest = _latest(info)
    if latest is not None and day > latest.date():
        raise BoundRule("exchange.time_in_future",
                        f"the date is in the future: the period must have begun and ended, allowing "
                        f"{_skew_text(clock_skew())} for the sender's clock (SHARECITY_EXCHANGE_CLOCK_SKEW_SECONDS)")
    return day


# Text on one line (names, ids, codes): no control character. NUL cannot be stored by PostgreSQL
# at all; the others (C0, DEL, C1) have no place in a name and can disguise one.
LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
# Text of several lines: tab and line breaks allowed, no other control character.
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
UUID_PATTERN = limits.UUID_PATTERN


def _line(max_length: int, *, min_length: int = 1, description: str | None = None) -> Any:
    return Field(min_length=min_length, max_length=max_length, pattern=LINE_PATTERN, description=description)


DistrictCode = Annotated[str, Field(min_length=limits.DISTRICT_CODE_LENGTH, max_length=limits.DISTRICT_CODE_LENGTH,
                                    pattern=r"^\d{6}$", description="GB/T 2260 district code")]
PartyKey = Annotated[str, Field(min_length=limits.PARTY_KEY_MIN_LENGTH, max_length=limits.PARTY_KEY_MAX_LENGTH,
                                pattern=LINE_PATTERN, description="keyed pseudonym of a person or business")]
# Money: an integer number of fen, written as a JSON integer (not 1.0, not "100"), never negative,
# and never above the deployment's ceiling (``amount_ceiling_fen``), whose default the schema states.
Fen = Annotated[
    StrictInt,
    Field(ge=0, description="amount in fen", json_schema_extra={"maximum": limits.AMOUNT_FEN_CEILING}),
    AfterValidator(_within_ceiling),
]
# A sum over a period of a whole platform: above one amount's ceiling, still exact in any JSON reader.
FenTotal = Annotated[StrictInt, Field(ge=0, le=limits.FEN_TOTAL_MAX, description="total in fen")]
Count = Annotated[StrictInt, Field(ge=0, le=limits.COUNT_MAX)]

_TIME_TEXT = {"maxLength": limits.DATETIME_TEXT_MAX_LENGTH}
# A time that says when something happened: not further ahead of the receiver's clock than the skew.
Timestamp = Annotated[
    AwareDatetime,
    WrapValidator(_past_time),
    Field(description="ISO 8601 date and time with a UTC offset, not in the future", json_schema_extra=_TIME_TEXT),
]
# A time that may lie ahead (a deadline, an expiry, the end of a booking).
FutureTimestamp = Annotated[
    AwareDatetime,
    WrapValidator(_any_time),
    Field(description="ISO 8601 date and time with a UTC offset", json_schema_extra=_TIME_TEXT),
]
PastDate = Annotated[
    dt.date,
    WrapValidator(_past_date),
    Field(description="ISO 8601 date, not in the future", json_schema_extra={"maxLength": limits.DATE_TEXT_MAX_LENGTH}),
]
Identifier = Annotated[str, _line(limits.IDENTIFIER_MAX_LENGTH, description="the sender's identifier of the thing")]
MessageId = Annotated[str, Field(min_length=limits.UUID_LENGTH, max_length=limits.UUID_LENGTH, pattern=UUID_PATTERN,
                                 description="an envelope's message_id (UUID, lower case)")]
Sector = Annotated[
    str,
    Field(min_length=2, max_length=limits.SECTOR_CODE_MAX_LENGTH, pattern=r"^[a-z][a-z0-9_]{1,39}$",
          description="sector code: parking, homestay, housekeeping, elderly_care, lab_instruments, ..."),
]
Category = Annotated[str, _line(limits.CATEGORY_CODE_MAX_LENGTH, description="the platform's category of the listing")]
Title = Annotated[str, _line(limits.TITLE_MAX_LENGTH)]
Text = Annotated[str, Field(min_length=1, max_length=limits.TEXT_MAX_LENGTH, pattern=TEXT_PATTERN)]
LegalReference = Annotated[
    str,
    Field(min_length=1, max_length=limits.LEGAL_REFERENCE_MAX_LENGTH, pattern=TEXT_PATTERN,
          description="the law, regulation or platform rule and article relied on, e.g. 《电子商务法》第二十九条"),
]
Department = Annotated[
    str, _line(limits.NAME_MAX_LENGTH, description="the issuing department, e.g. 厦门市市场监督管理局")
]

PLATFORM_TO_HUB = "platform_to_hub"
HUB_TO_PLATFORM = "hub_to_platform"


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatementOfReasons(Payload):
    """Why content or an account was restricted: what the person affected is told, and the hub sees."""

    ground: Literal["illegal_content", "terms_violation"] = Field(
        description="illegal under a law (illegal_content) or against the platform's published rules (terms_violation)"
    )
    legal_reference: LegalReference
    facts: Text = Field(description="the facts and circumstances the decision rests on")
    automated_detection: StrictBool = Field(description="whether the content was found by automated means")
    automated_decision: StrictBool = Field(description="whether the decision was taken by automated means")


# --- platform -> hub: platforms and subjects --------------------------------------------------


class PlatformRegisteredV1(Payload):
    """A platform joins the exchange and introduces the key that signs its messages (its first message)."""

    name: str = _line(limits.NAME_MAX_LENGTH, description="the platform's registered name")
    credit_code: str = Field(min_length=limits.CREDIT_CODE_LENGTH, max_length=limits.CREDIT_CODE_LENGTH,
                             pattern=r"^[0-9A-Z]{18}$", description="unified social credit code (GB 32100)")
    sectors: list[Sector] = Field(max_length=limits.SECTORS_MAX_ITEMS, description="sectors the platform operates in")
    public_key: str = Field(min_length=44, max_length=44, pattern=r"^[A-Za-z0-9_-]{43}=$",
                            description="Ed25519 public key (32 bytes), urlsafe base64, that signs this platform's "
                            "messages")


class SubjectRegisteredV1(Payload):
    """An operator or provider (a person or a business) registers to offer on the platform."""

    subject_key: PartyKey
    subject_kind: Literal["person", "business"]
    sectors: list[Sector] = Field(min_length=1, max_length=limits.SECTORS_MAX_ITEMS,
                                  description="sectors in which the subject offers")
    district: DistrictCode | None = Field(default=None, description="district where the subject mainly operates")
    registered_at: Timestamp


class SubjectVerifiedV1(Payload):
    """The platform verified a subject's real identity (resident ID or credit code)."""

    subject_key: PartyKey
    subject_kind: Literal["person", "business"]
    verified_at: Timestamp


# --- listings ----------------------------------------------------------------------------------


class ListingPublishedV1(Payload):
    """A listing went live on the platform."""

    listing_id: Identifier
    category: Category
    district: DistrictCode
    provider_key: PartyKey
    price_fen: Fen
    price_unit: Literal["hour", "day", "night", "month", "item"]
    title: Title


ListingAspect = Literal["title", "description", "category", "district", "price", "availability", "photos",
                        "attributes", "provider"]


class ListingChangedV1(Payload):
    """A live listing changed. ``changed`` names what changed; the current value follows for the
    fields the hub tracks (price, district, category, title)."""

    listing_id: Identifier
    changed: list[ListingAspect] = Field(min_length=1, max_length=len(get_args(ListingAspect)),
                                         description="which aspects of the listing changed")
    changed_at: Timestamp
    category: Category | None = Field(default=None, description="the category now, when it changed")
    district: DistrictCode | None = Field(default=None, description="the district now, when it changed")
    price_fen: Fen | None = Field(default=None, description="the price now, when it changed")
    price_unit: Literal["hour", "day", "night", "month", "item"] | None = None
    title: Title | None = Field(default=None, description="the title now, when it changed")

    @model_validator(mode="after")
    def _current_values_present(self) -> ListingChangedV1:
        required = {"price": ("price_fen", "price_unit"), "district": ("district",), "category": ("category",),
                    "title": ("title",)}
        for aspect, names in required.items():
            if aspect in self.changed:
                for name in names:
                    if getattr(self, name) is None:
                        raise FieldRule(name, f"{name} is required when {aspect!r} is in changed")
        return self


class ListingRemovedV1(Payload):
    """A listing was taken down. When the platform or an authority took it down, the statement of
    reasons given to the provider travels with it."""

    listing_id: Identifier
    removed_at: Timestamp
    removed_by: Literal["provider", "platform", "authority"] = Field(
        description="the provider withdrew it, the platform's moderation removed it, or an authority ordered it"
    )
    statement_of_reasons: StatementOfReasons | None = Field(
        default=None, description="required unless the provider withdrew the listing"
    )

    @model_validator(mode="after")
    def _reasons_when_imposed(self) -> ListingRemovedV1:
        if self.removed_by != "provider" and self.statement_of_reasons is None:
            raise FieldRule("statement_of_reasons",
                            "statement_of_reasons is required when the platform or an authority removes a listing")
        return self


# --- orders --------------------------------------------------------------------------------------


OrderState = Literal["requested", "confirmed", "paid", "started", "completed", "cancelled", "refunded", "disputed"]


class OrderCreatedV1(Payload):
    """A customer placed an order for a listing."""

    order_id: Identifier
    listing_id: Identifier
    category: Category
    district: DistrictCode
    customer_key: PartyKey
    provider_key: PartyKey
    amount_fen: Fen
    starts_at: FutureTimestamp
    ends_at: FutureTimestamp
    state: OrderState = Field(
        default="confirmed",
        description="the state the order starts in: requested while it awaits payment or the provider's answer, "
        "confirmed for a booking confirmed at once (the default, for senders of the first version)",
    )
    deposit_fen: Fen | None = Field(
        default=None, description="the deposit the order asks of the customer, taken with its payment "
        "(order.state_changed deposit_held_fen) and settled later; absent: none")


class OrderStateChangedV1(Payload):
    """An order moved to another state; ``amount_fen`` is the order's amount after the change."""

    order_id: Identifier
    category: Category
    district: DistrictCode
    state: OrderState
    amount_fen: Fen
    previous_state: OrderState | None = Field(default=None, description="the state the order left")
    changed_at: Timestamp | None = Field(default=None, description="when the state changed")
    refund_fen: Fen | None = Field(default=None, description="amount refunded by this change, if any")
    deposit_held_fen: Fen | None = Field(
        default=None, description="the deposit taken from the customer by this change (with the payment), if any")
    deposit_returned_fen: Fen | None = Field(
        default=None, description="of the order's deposit, the amount returned to the customer by this change, "
        "when the change settled the deposit")
    deposit_deducted_fen: Fen | None = Field(
        default=None, description="of the order's deposit, the amount kept (deducted for damage) by this change, "
        "when the change settled the deposit")


class OrderRefundedV1(Payload):
    """Money went back to the customer of an order outside a change of its state: a complaint or a dispute
    decided with a refund (a refund a state change makes is carried by that order.state_changed's
    refund_fen, never also here). Each refund is reported once, under its own refund_id."""

    order_id: Identifier
    refund_id: Identifier
    category: Category
    district: DistrictCode
    amount_fen: Fen = Field(description="the amount refunded, more than 0")
    refunded_at: Timestamp
    reason: Literal["complaint", "dispute", "other"]
    complaint_id: Identifier | None = Field(default=None, description="the complaint decided with this refund")
    from_escrow_fen: Fen = Field(description="of the amount, what was still held in escrow")
    from_provider_fen: Fen = Field(description="of the amount, what was taken back from the provider's balance")
    receivable_fen: Fen = Field(
        default=0, description="of from_provider_fen, what the provider's balance did not hold (they had been "
        "paid out): the provider owes it to the platform")
    refunded_total_fen: Fen = Field(description="everything refunded on the order so far, this refund included")

    @model_validator(mode="after")
    def _parts_add_up(self) -> OrderRefundedV1:
        if self.amount_fen <= 0:
            raise FieldRule("amount_fen", "amount_fen must be more than 0")
        if self.from_escrow_fen + self.from_provider_fen != self.amount_fen:
            raise FieldRule("from_provider_fen", "from_escrow_fen and from_provider_fen must add up to amount_fen")
        if self.receivable_fen > self.from_provider_fen:
            raise FieldRule("receivable_fen", "receivable_fen cannot exceed from_provider_fen")
        if self.refunded_total_fen < self.amount_fen:
            raise FieldRule("refunded_total_fen", "refunded_total_fen includes this refund's amount_fen")
        if (self.reason == "complaint") != (self.complaint_id is not None):
            raise FieldRule("complaint_id", "complaint_id is given exactly when the reason is complaint")
        return self


# --- reviews and complaints ----------------------------------------------------------------------


class ReviewPublishedV1(Payload):
    """One side of an order reviewed the other."""

    review_id: Identifier
    order_id: Identifier
    district: DistrictCode
    author_role: Literal["customer", "provider"]
    rating: StrictInt = Field(ge=1, le=5)


class ReviewHiddenV1(Payload):
    """A published review is no longer shown."""

    review_id: Identifier
    order_id: Identifier
    district: DistrictCode
    reason: Literal["abusive", "illegal", "spam", "personal_data", "not_genuine", "author_request", "court_order"]
    hidden_by: Literal["platform", "author", "authority"]
    hidden_at: Timestamp
    statement_of_reasons: StatementOfReasons | None = Field(
        default=None, description="given to the author when the platform or an authority hid the review"
    )


class ComplaintFiledV1(Payload):
    """A customer or provider complained about an order."""

    complaint_id: Identifier
    order_id: Identifier
    district: DistrictCode
    category: Category
    complainant_key: PartyKey


class ComplaintAnsweredV1(Payload):
    """The platform gave the complainant its first substantive answer."""

    complaint_id: Identifier
    district: DistrictCode
    answered_at: Timestamp
    answer: Literal["explanation", "refund_offered", "replacement_offered", "compensation_offered",
                    "forwarded_to_provider", "rejected"]
    summary: str = Field(default="", max_length=limits.SUMMARY_MAX_LENGTH, pattern=TEXT_PATTERN,
                         description="what the platform answered, without personal data")
    referral_id: Identifier | None = Field(
        default=None, description="for a complaint the city's third-party platform referred (complaint.referred): "
        "its referral_id")


class ComplaintEscalatedV1(Payload):
    """The complaint left the platform's own handling for a higher or outside instance."""

    complaint_id: Identifier
    district: DistrictCode
    escalated_at: Timestamp
    escalated_to: Literal["platform_arbitration", "third_party_platform", "consumer_association", "market_regulator",
                          "court"]
    reason: Literal["unanswered_in_time", "complainant_not_satisfied", "serious_harm", "other"]


class ComplaintResolvedV1(Payload):
    """The complaint was closed, with what the complainant got."""

    complaint_id: Identifier
    district: DistrictCode
    resolved_at: Timestamp
    outcome: Literal["upheld", "partly_upheld", "rejected", "settled", "withdrawn"]
    refund_fen: Fen = 0
    compensation_fen: Fen = 0
    complainant_satisfied: StrictBool | None = Field(default=None, description="the complainant's own rating, if asked")
    referral_id: Identifier | None = Field(
        default=None, description="for a complaint the city's third-party platform referred (complaint.referred): "
        "its referral_id")


# --- moderation, safety ----------------------------------------------------------------------------


class ModerationDecisionV1(Payload):
    """The platform restricted (or restored) a listing, a review or an account."""

    decision_id: Identifier
    subject_type: Literal["listing", "review", "account"]
    subject_id: str = _line(limits.IDENTIFIER_MAX_LENGTH,
                            description="listing or review id; for an account, the holder's party key")
    decision: Literal["removed", "visibility_restricted", "demoted", "suspended", "terminated", "warned", "restored"]
    duration_days: StrictInt | None = Field(default=None, ge=1, le=3650, description="for a temporary restriction")
    decided_at: Timestamp
    district: DistrictCode | None = None
    statement_of_reasons: StatementOfReasons


class SafetyIncidentV1(Payload):
    """Something happened to someone's safety in connection with the platform's service."""

    incident_id: Identifier
    category: Literal["injury", "traffic", "fire", "theft", "assault", "harassment", "food_safety", "product_defect",
                      "property_damage", "other"]
    severity: Literal["general", "serious", "major", "extraordinary"] = Field(
        description="一般 general, 较大 serious, 重大 major, 特别重大 extraordinary"
    )
    district: DistrictCode
    occurred_at: Timestamp
    reported_at: Timestamp
    description: Text = Field(description="what happened, without names or identity numbers")
    injured: Count = Field(default=0, description="people injured")
    deaths: Count = 0
    order_id: Identifier | None = None
    listing_id: Identifier | None = None


# --- tax and labour --------------------------------------------------------------------------------


class TaxTotalsV1(Payload):
    """The platform's totals for the quarter."""

    provider_count: Count
    order_count: Count
    gross_fen: FenTotal = Field(description="income of all providers through the platform, before refunds")
    refunds_fen: FenTotal
    commission_fen: FenTotal = Field(description="what the platform charged providers")
    withheld_tax_fen: FenTotal = Field(description="tax the platform withheld on providers' behalf")


class TaxProviderRowV1(Payload):
    """One provider's income in the quarter. The law requires the identity, so it is sealed to the
    tax department's key (context ``tax.quarterly_report.v1:<field>``)."""

    provider_key: PartyKey
    subject_kind: Literal["person", "business"]
    legal_name: EncryptedField = Field(description="sealed legal name")
    id_number: EncryptedField = Field(description="sealed resident ID number or unified social credit code")
    district: DistrictCode
    order_count: Count
    gross_fen: Fen
    refunds_fen: Fen
    commission_fen: Fen
    withheld_tax_fen: Fen


class TaxQuarterlyReportV1(Payload):
    """The platform's quarterly report of its providers' income to the tax department. A large
    report is sent in parts; each part repeats the totals."""

    report_id: Identifier
    year: StrictInt = Field(ge=2000, le=2100)
    quarter: StrictInt = Field(ge=1, le=4)
    part: StrictInt = Field(default=1, ge=1, le=limits.COUNT_MAX)
    parts: StrictInt = Field(default=1, ge=1, le=limits.COUNT_MAX)
    recipient_key_id: str = Field(min_length=16, max_length=16, pattern=r"^[0-9a-f]{16}$",
                                  description="key_id of the tax department's X25519 key the identities are sealed to")
    totals: TaxTotalsV1
    providers: list[TaxProviderRowV1] = Field(max_length=limits.TAX_REPORT_ROWS_MAX_ITEMS)

    @model_validator(mode="after")
    def _part_within_parts(self) -> TaxQuarterlyReportV1:
        if self.part > self.parts:
            raise FieldRule("part", "part cannot exceed parts")
        return self


class WorkerIncomeV1(Payload):
    """A flexible worker's income and hours through the platform for one period."""

    worker_key: PartyKey
    period_start: PastDate
    period_end: PastDate
    sector: Sector
    district: DistrictCode
    order_count: Count
    worked_minutes: Count = Field(description="time spent on orders, in minutes (no fractions on the wire)")
    gross_fen: Fen = Field(description="what customers paid for the worker's orders")
    commission_fen: Fen = Field(description="the platform's commission and service fees")
    tips_fen: Fen = 0
    paid_out_fen: Fen = Field(description="what the worker received")
    injury_cover: StrictBool = Field(description="whether occupational-injury cover applied throughout the period")

    @model_validator(mode="after")
    def _period_in_order(self) -> WorkerIncomeV1:
        if self.period_end < self.period_start:
            raise FieldRule("period_end", "period_end is before period_start")
        return self


InjuryIndustry = Literal["travel", "takeaway", "instant_delivery", "same_city_freight"]


class InjuryWorkerRowV1(Payload):
    """One worker's covered orders in the month and the contributions paid on them."""

    worker_key: PartyKey
    industry: InjuryIndustry = Field(
        description="the pilot's industry (人社部发〔2025〕24号 一): 出行 travel, 即时配送 instant_delivery, "
                    "同城货运 same_city_freight; takeaway before 2025-07")
    orders_covered: Count
    contribution_fen: Fen


class InjuryMonthlyReportV1(Payload):
    """A platform's occupational-injury cover for one month (新就业形态人员职业伤害保障, 人社部发〔2025〕24号): the
    orders the pilot covered, the per-order contributions paid on them, and each worker's share. Orders covered
    whose per-order rate the platform has not loaded yet are counted apart, without a contribution."""

    report_id: Identifier
    year: StrictInt = Field(ge=2022, le=2100)
    month: StrictInt = Field(ge=1, le=12)
    orders_covered: Count
    contribution_fen: Fen
    orders_rate_not_loaded: Count = Field(description="covered orders without a contribution: no rate loaded")
    workers: list[InjuryWorkerRowV1] = Field(max_length=limits.INJURY_REPORT_WORKERS_MAX_ITEMS)

    @model_validator(mode="after")
    def _totals_add_up(self) -> InjuryMonthlyReportV1:
        keys = [(w.worker_key, w.industry) for w in self.workers]
        if len(set(keys)) != len(keys):
            raise FieldRule("workers", "a worker is listed twice for the same industry")
        if sum(w.orders_covered for w in self.workers) != self.orders_covered:
            raise FieldRule("orders_covered", "orders_covered is not the sum of the workers' orders")
        if sum(w.contribution_fen for w in self.workers) != self.contribution_fen:
            raise FieldRule("contribution_fen", "contribution_fen is not the sum of the workers' contributions")
        return self


# --- hub -> platform: directives --------------------------------------------------------------------


class Directive(Payload):
    """Common to every directive: who issued it, under which law, and by when the platform must act."""

    issued_by: Department
    legal_reference: LegalReference
    issued_at: Timestamp
    deadline: FutureTimestamp = Field(
        description="by when the platform must act and acknowledge (directive.acknowledged)"
    )


class Finding(Payload):
    """One thing an inspection found."""

    code: str = _line(limits.CODE_MAX_LENGTH, description="the inspection checklist item")
    description: Text
    legal_reference: LegalReference | None = None


class InspectionResultV1(Directive):
    """The result of a spot check (双随机一公开) or a targeted inspection of the platform or one of its
    subjects. On ``fail`` the platform must rectify by the deadline."""

    case_id: Identifier
    inspection_kind: Literal["random_spot_check", "targeted", "complaint_driven"]
    subject_type: Literal["platform", "listing", "subject"]
    subject_id: str = _line(limits.IDENTIFIER_MAX_LENGTH,
                            description="the platform id, a listing id, or a subject's party key")
    result: Literal["pass", "fail"]
    findings: list[Finding] = Field(default_factory=list, max_length=limits.FINDINGS_MAX_ITEMS)
    inspected_at: Timestamp

    @model_validator(mode="after")
    def _findings_on_fail(self) -> InspectionResultV1:
        if self.result == "fail" and not self.findings:
            raise FieldRule("findings", "a failed inspection names at least one finding")
        return self


RecallMeasure = Literal["remove_listings", "stop_sales", "notify_buyers", "refund_buyers", "collect_products"]
ProductId = Annotated[str, _line(limits.CODE_MAX_LENGTH)]
Measure = Annotated[str, _line(limits.MEASURE_MAX_LENGTH)]


class RecallOrderV1(Directive):
    """Stop selling a defective or dangerous product and reach those who bought it."""

    recall_id: Identifier
    product: str = _line(limits.TITLE_MAX_LENGTH, description="the product, model and batch recalled")
    listing_ids: list[Identifier] = Field(default_factory=list, max_length=limits.REFERENCES_MAX_ITEMS,
                                          description="the platform's listings concerned")
    product_ids: list[ProductId] = Field(default_factory=list, max_length=limits.REFERENCES_MAX_ITEMS,
                                         description="GTINs or other product identifiers")
    reason: Text = Field(description="the defect and the danger")
    measures: list[RecallMeasure] = Field(min_length=1, max_length=len(get_args(RecallMeasure)))


class CreditListChangedV1(Directive):
    """A subject was put on or taken off a credit list (红名单 red, 黑名单 black, 重点关注 watch)."""

    subject_key: PartyKey
    subject_kind: Literal["person", "business"]
    credit_list: Literal["red", "black", "watch"]
    action: Literal["added", "removed"]
    reason: Text
    effective_at: FutureTimestamp = Field(description="when the change takes effect (it may be ahead)")
    expires_at: FutureTimestamp | None = Field(default=None, description="when the listing lapses, if it does")
    measures: list[Measure] = Field(default_factory=list, max_length=limits.MEASURES_MAX_ITEMS,
                                    description="joint incentives or restrictions the platform is to apply")


class AssistanceRequestV1(Directive):
    """A request for assistance with an investigation (协查): the platform is to provide what is asked."""

    case_id: Identifier
    request: Text = Field(description="what the authority asks for")
    subject_keys: list[PartyKey] = Field(default_factory=list, max_length=limits.REFERENCES_MAX_ITEMS)
    order_ids: list[Identifier] = Field(default_factory=list, max_length=limits.REFERENCES_MAX_ITEMS)
    listing_ids: list[Identifier] = Field(default_factory=list, max_length=limits.REFERENCES_MAX_ITEMS)
    confidential: StrictBool = Field(default=True, description="the platform must not tell the subjects")


class EmergencyMeasure(Payload):
    """One measure of an emergency order."""

    kind: Literal["suspend_service", "limit_capacity", "freeze_prices", "publish_notice", "report_daily", "other"]
    detail: Text


class EmergencyOrderV1(Directive):
    """An emergency directive: measures that apply in some districts and sectors for a time."""

    emergency_id: Identifier
    level: Literal["I", "II", "III", "IV"] = Field(description="response level, I the highest")
    districts: list[DistrictCode] = Field(min_length=1, max_length=limits.DISTRICTS_MAX_ITEMS)
    sectors: list[Sector] = Field(min_length=1, max_length=limits.SECTORS_MAX_ITEMS)
    measures: list[EmergencyMeasure] = Field(min_length=1, max_length=limits.MEASURES_MAX_ITEMS)
    effective_from: FutureTimestamp = Field(description="when the measures apply from (it may be ahead)")
    effective_until: FutureTimestamp | None = Field(default=None, description="open-ended until revoked when absent")


class OdrCommitmentV1(Payload):
    """The platform commits (or no longer commits) to settle complaints through online dispute resolution
    (《电子商务法》第六十三条): the city's third-party complaint platform then sends it complaints about it
    (complaint.referred) to settle within the city's time limit."""

    committed: StrictBool
    stated_at: Timestamp


class ComplaintReferredV1(Directive):
    """A complaint filed on the city's third-party complaint platform about a platform that committed to
    online dispute resolution (《电子商务法》第六十三条), sent to it to settle by the deadline. No personal
    data: the platform answers through the exchange (complaint.answered / complaint.resolved naming the
    referral_id), and the association tells the complainant."""

    referral_id: Identifier = Field(description="the third-party platform's id of the complaint")
    district: DistrictCode
    category: Literal["not_as_described", "price", "refund", "safety", "privacy", "service", "other"]
    description: Text = Field(description="what happened, in the complainant's words")
    desired_outcome: Literal["refund", "compensation", "apology", "fix", "other"]
    evidence_files: Count = Field(default=0, description="how many evidence files the association holds")


class ComplaintWithdrawnV1(Directive):
    """The complainant withdrew a complaint the city's third-party complaint platform had referred to the platform
    (complaint.referred): the platform closes its side of the case as withdrawn and acknowledges."""

    referral_id: Identifier = Field(description="the third-party platform's id of the complaint, as referred")
    withdrawn_at: Timestamp


DirectiveType = Literal["inspection.result", "recall.order", "credit_list.changed", "assistance.request",
                        "emergency.order", "complaint.referred", "quota.assigned", "complaint.withdrawn"]

# --- public-space quotas (bikes first): issue 15 ------------------------------------------------------

QuotaZoneCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$",
                                     description="the city's quota zone, e.g. island or off-island")]
# Mean minutes from a dispatch request (a pile of bikes to clear, a blocked pavement) to the platform's crew
# on site: at most a week.
DispatchMinutes = Annotated[StrictInt, Field(ge=0, le=10080, description="mean minutes to respond")]


class FleetReportedV1(Payload):
    """The platform's bikes in one quota zone of a city over a period: how many it deployed, how many were in
    good condition, how its parking was found and how fast it answered dispatch requests."""

    report_id: Identifier
    city: DistrictCode = Field(description="the city (GB/T 2260 code of the city, e.g. 350200)")
    zone: QuotaZoneCode
    period_start: PastDate
    period_end: PastDate
    reported_at: Timestamp
    vehicles_deployed: Count
    vehicles_good: Count = Field(description="of those deployed, in good condition")
    parking_checked: Count = Field(description="parked vehicles checked over the period")
    parking_compliant: Count = Field(description="of those checked, parked where and as allowed")
    dispatch_requests: Count
    dispatch_response_minutes: DispatchMinutes | None = Field(default=None,
                                                              description="absent when there was no request")

    @model_validator(mode="after")
    def _consistent(self) -> FleetReportedV1:
        if self.period_end < self.period_start:
            raise FieldRule("period_end", "period_end is before period_start")
        if self.vehicles_good > self.vehicles_deployed:
            raise FieldRule("vehicles_good", "more vehicles in good condition than deployed")
        if self.parking_compliant > self.parking_checked:
            raise FieldRule("parking_compliant", "more compliant than checked")
        if self.dispatch_requests and self.dispatch_response_minutes is None:
            raise FieldRule("dispatch_response_minutes", "give the mean response time of the requests")
        return self


class ZoneQuota(Payload):
    """The vehicles a platform may deploy in one zone."""

    zone: QuotaZoneCode
    vehicles: Count


class QuotaAssignedV1(Directive):
    """The city's quota for the platform's bikes (投放配额), zone by zone, from an evaluation of its service."""

    allocation_id: Identifier
    city: DistrictCode
    method: Literal["rank-shares", "penalty-ladder"]
    zones: list[ZoneQuota] = Field(min_length=1, max_length=50)
    total: Count
    effective_from: FutureTimestamp = Field(description="when the quota applies from (it may be ahead)")
    effective_until: FutureTimestamp | None = Field(default=None, description="until replaced when absent")
    score: str | None = Field(default=None, max_length=12, pattern=r"^[0-9]{1,3}(\.[0-9]{1,2})?$",
                              description="the evaluation score it follows from, e.g. 77.2")

    @model_validator(mode="after")
    def _adds_up(self) -> QuotaAssignedV1:
        if sum(zone.vehicles for zone in self.zones) != self.total:
            raise FieldRule("total", "the zones' vehicles do not add up to the total")
        if len({zone.zone for zone in self.zones}) != len(self.zones):
            raise FieldRule("zones", "a zone is named twice")
        return self


class DirectiveAcknowledgedV1(Payload):
    """The platform's acknowledgement of a directive: what it did, and whether it is done."""

    directive_message_id: MessageId
    directive_type: DirectiveType
    acknowledged_at: Timestamp
    action_taken: Text
    completed: StrictBool
    completed_at: Timestamp | None = None


class IdentityReviewRequestedV1(Payload):
    """A verification waits for a person's review: the number is verified for another account, or it
    is right by GB 11643 but its district code is younger than the birth date. Only pseudonyms:
    ``claimed_key`` is the party key the number would have, so the hub links the claim to the
    account that holds it without learning the number."""

    review_id: Identifier
    subject_key: PartyKey = Field(description="the requesting account's party key (ac-... until it is verified)")
    claimed_key: PartyKey = Field(description="the party key (id-...) of the identity number claimed")
    subject_kind: Literal["person", "business"]
    reason: Literal["identity_in_use", "area_code_after_birth_date"]
    requested_at: Timestamp


MESSAGE_TYPES: dict[tuple[str, int], type[Payload]] = {
    ("platform.registered", 1): PlatformRegisteredV1,
    ("subject.registered", 1): SubjectRegisteredV1,
    ("subject.verified", 1): SubjectVerifiedV1,
    ("listing.published", 1): ListingPublishedV1,
    ("listing.changed", 1): ListingChangedV1,
    ("listing.removed", 1): ListingRemovedV1,
    ("order.created", 1): OrderCreatedV1,
    ("order.state_changed", 1): OrderStateChangedV1,
    ("order.refunded", 1): OrderRefundedV1,
    ("review.published", 1): ReviewPublishedV1,
    ("review.hidden", 1): ReviewHiddenV1,
    ("complaint.filed", 1): ComplaintFiledV1,
    ("complaint.answered", 1): ComplaintAnsweredV1,
    ("complaint.escalated", 1): ComplaintEscalatedV1,
    ("complaint.resolved", 1): ComplaintResolvedV1,
    ("moderation.decision", 1): ModerationDecisionV1,
    ("safety.incident", 1): SafetyIncidentV1,
    ("tax.quarterly_report", 1): TaxQuarterlyReportV1,
    ("worker.income", 1): WorkerIncomeV1,
    ("injury.monthly_report", 1): InjuryMonthlyReportV1,
    ("inspection.result", 1): InspectionResultV1,
    ("recall.order", 1): RecallOrderV1,
    ("credit_list.changed", 1): CreditListChangedV1,
    ("assistance.request", 1): AssistanceRequestV1,
    ("emergency.order", 1): EmergencyOrderV1,
    ("directive.acknowledged", 1): DirectiveAcknowledgedV1,
    ("identity.review_requested", 1): IdentityReviewRequestedV1,
    ("complaint.referred", 1): ComplaintReferredV1,
    ("odr.commitment", 1): OdrCommitmentV1,
    ("fleet.reported", 1): FleetReportedV1,
    ("quota.assigned", 1): QuotaAssignedV1,
    ("complaint.withdrawn", 1): ComplaintWithdrawnV1,
}

# --- rights holders' notices (《中华人民共和国电子商务法》第四十二条至第四十五条) ----------------------------

NOTICE_LISTINGS_MAX_ITEMS = 20  # listings one notice may name (market.notices refuses more)
NoticeStep = Literal["filed", "taken_down", "explained", "forwarded", "counter_noticed", "counter_forwarded",
                     "complaint_reported", "restored", "wrong_notice", "malicious"]


class NoticeStateChangedV1(Payload):
    """A step of a rights holder's notice against listings (E-commerce Law Arts. 42-45), with the times of
    every step so far. No personal data: the rights holder and the provider are not named."""

    notice_id: Identifier
    listing_ids: list[Identifier] = Field(min_length=1, max_length=NOTICE_LISTINGS_MAX_ITEMS)
    districts: list[DistrictCode] = Field(min_length=1, max_length=NOTICE_LISTINGS_MAX_ITEMS,
                                          description="the districts of the listings, the first one's first")
    right_kind: Literal["trademark", "copyright", "patent", "other"]
    step: NoticeStep
    step_at: Timestamp
    actor_role: Literal["holder", "operator", "provider", "system"]
    filed_at: Timestamp
    measure: Literal["none", "taken_down", "explained"] = "none"
    measure_at: Timestamp | None = None
    forwarded_at: Timestamp | None = None
    counter_noticed_at: Timestamp | None = None
    counter_forwarded_at: Timestamp | None = None
    restore_due_at: FutureTimestamp | None = Field(
        default=None, description="when the measures must end unless a complaint or lawsuit was reported "
        "(Art. 43 para. 2: 15 days after the counter-notice reached the rights holder)")
    complaint_kind: Literal["complaint", "lawsuit"] | None = None
    complaint_reported_at: Timestamp | None = None
    restored_at: Timestamp | None = None
    outcome: Literal["open", "explained", "measures_kept", "restored"] = "open"
    wrong_notice: StrictBool = False
    malicious: StrictBool = False


MESSAGE_TYPES[("notice.state_changed", 1)] = NoticeStateChangedV1

# --- a platform's administrative licences (《中华人民共和国电子商务法》第十五条) ---------------------------

LICENCES_MAX_ITEMS = 20  # licences one declaration may carry
LicenceKindCode = Literal["value_added_telecom", "ride_hailing_operation", "other"]  # sharecity.kernel.licences
LicenceDate = Annotated[dt.date, Field(description="ISO 8601 date",
                                       json_schema_extra={"maxLength": limits.DATE_TEXT_MAX_LENGTH})]


class DeclaredLicence(Payload):
    """One administrative licence the platform holds, as its certificate reads."""

    kind: LicenceKindCode = Field(description="the kind (sharecity.kernel.licences), other for one not listed")
    name: str | None = Field(default=None, min_length=1, max_length=limits.NAME_MAX_LENGTH, pattern=LINE_PATTERN,
                             description="the licence's title as issued; required for kind other")
    number: str = _line(limits.IDENTIFIER_MAX_LENGTH, description="the licence number, e.g. 闽B2-20190001")
    issued_by: Department
    valid_from: PastDate
    valid_until: LicenceDate | None = Field(default=None, description="absent for a licence without a term")

    @model_validator(mode="after")
    def _consistent(self) -> DeclaredLicence:
        if self.kind == "other" and self.name is None:
            raise FieldRule("name", "name the licence of kind other")
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise FieldRule("valid_until", "valid_until is before valid_from")
        return self


class PlatformLicencesDeclaredV1(Payload):
    """The administrative licences the platform holds now, the whole set (an empty list: none), which replaces
    the set it declared before. Its business licence is its unified social credit code (platform.registered)."""

    declared_at: Timestamp
    licences: list[DeclaredLicence] = Field(max_length=LICENCES_MAX_ITEMS)

    @model_validator(mode="after")
    def _once_each(self) -> PlatformLicencesDeclaredV1:
        numbers = [(licence.kind, licence.number) for licence in self.licences]
        if len(set(numbers)) != len(numbers):
            raise FieldRule("licences", "a licence is declared twice")
        return self


MESSAGE_TYPES[("platform.licences_declared", 1)] = PlatformLicencesDeclaredV1

DIRECTIVE_TYPES: tuple[str, ...] = get_args(DirectiveType)

# Who sends each message type.
DIRECTIONS: dict[str, str] = {
    message_type: HUB_TO_PLATFORM if message_type in DIRECTIVE_TYPES else PLATFORM_TO_HUB
    for message_type, _version in MESSAGE_TYPES
}

# The version producers build now (``payload_build``); intake accepts every version listed above.
CURRENT_VERSIONS: dict[str, int] = {}
for _type, _version in MESSAGE_TYPES:
    CURRENT_VERSIONS[_type] = max(_version, CURRENT_VERSIONS.get(_type, 0))


def payload_build(message_type: str, **fields) -> dict:
    """Validate producer data against the current version and return JSON-ready data."""
    model = MESSAGE_TYPES[(message_type, CURRENT_VERSIONS[message_type])]
    return model(**fields).model_dump(mode="json")


def payload_validate(message_type: str, schema_version: int, payload: object, *, now: dt.datetime | None = None
                     ) -> Payload:
    """Raise ``InvalidInput`` naming the first field and rule at fault.

    Received at ``now`` (the current time unless given): a time that says when something happened
    may be at most the clock skew (``clock_skew``) ahead of it."""
    model = MESSAGE_TYPES.get((message_type, schema_version))
    if model is None:
        raise InvalidInput(
            f"unknown message type {message_type!r} version {schema_version}",
            field="type",
            code="exchange.unknown_type",
        )
    try:
        # What model_validate does, without its Python frame: intake validates every payload.
        context = _RECEIVING_NOW if now is None else {"now": now}
        return model.__pydantic_validator__.validate_python(payload, context=context)
    except ValidationError as error:
        first = error.errors()[0]
        parts = [str(part) for part in first["loc"]]
        message = first["msg"]
        code = "exchange.invalid_payload"
        rule = first.get("ctx", {}).get("error")
        if isinstance(rule, FieldRule):
            parts.append(rule.field)
            message = str(rule)
        elif isinstance(rule, BoundRule):
            message = str(rule)
            code = rule.code
        field = _field_name(parts)
        raise InvalidInput(f"{field}: {message}", field=field, code=code) from error


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")


def _field_name(parts: list[str]) -> str:
    """``payload.<path>``, safe to store and show whatever the sender named: an unknown key is
    the sender's text (written as a Python literal, so a control character shows as an escape),
    and the whole is cut to the length a quarantine row keeps."""
    names = [part if _PLAIN_NAME.fullmatch(part) else repr(part)[:limits.IDENTIFIER_MAX_LENGTH] for part in parts]
    field = ".".join(["payload", *names])
    if len(field) > limits.ERROR_FIELD_MAX_LENGTH:
        field = field[:limits.ERROR_FIELD_MAX_LENGTH - 1] + "…"
    return field
