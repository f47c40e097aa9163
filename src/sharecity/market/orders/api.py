"""The orders routes of the market API (mounted by ``market.api`` under its authentication).

A customer (a person, or a machine client acting for one with ``X-Acting-User``) places an
order at the quoted total and takes the steps of its process; both sides read their orders,
the steps open to them now, and the order's history.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.orders import engine, selectors, services
from sharecity.market.orders.errors import NotAParty
from sharecity.market.orders.processes import PROCESSES

router = Router(tags=["orders"])


class OrderIn(Schema):
    listing_id: uuid.UUID
    starts_at: dt.datetime | None = Field(None, description="for hours, days and nights; none for goods")
    ends_at: dt.datetime | None = None
    quantity: int = 1
    message: str = ""
    follow_up_confirmed: bool = Field(False, description="online consultation: the patient confirms this is a "
                                                         "follow-up of a diagnosis made offline (国卫医发〔2018〕25号 "
                                                         "Art. 16)")
    prior_diagnosis_institution: str = Field("", max_length=100, description="online consultation: the hospital or "
                                                                            "clinic that diagnosed the condition")
    prior_diagnosis_on: dt.date | None = Field(None, description="online consultation: the date of that diagnosis, "
                                                                 "not after today")


class TransitionIn(Schema):
    transition: str = Field(..., description="a step of the order's process, e.g. pay, accept, ship")
    tracking_no: str | None = None
    deduction_fen: int | None = None
    reason: str | None = None
    milestone_id: int | None = None


class LineOut(Schema):
    label_zh: str = ""
    label_en: str = ""
    fen: int


class EventOut(Schema):
    transition: str
    from_state: str
    to_state: str
    actor_role: str
    at: dt.datetime


class PostingOut(Schema):
    account: str = Field(description="the ledger account's kind (escrow, provider_payable, customer_funds, ...)")
    amount_fen: int = Field(description="positive: money arrived in the account; negative: it left")


class RefundOut(Schema):
    id: uuid.UUID
    amount_fen: int
    refunded_at: dt.datetime
    kind: str = Field(description="order_step (cancellation, decline, dispute step), complaint or dispute")
    reason: str = Field(description="the kind, in words")
    note: str
    from_escrow_fen: int
    from_provider_fen: int
    receivable_fen: int = Field(description="of from_provider_fen, what the provider owes (paid out before)")
    ledger_entry: str = Field(description="the ledger entry's idempotency key")
    postings: list[PostingOut]


class OrderOut(Schema):
    id: uuid.UUID
    listing_id: uuid.UUID | None
    task_id: uuid.UUID | None
    process: str
    state: str
    public_state: str
    role: str | None
    quantity: int
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    unit_price_fen: int
    units: int
    lines: list[LineOut]
    total_fen: int
    deposit_fen: int
    refunded_fen: int
    refunds: list[RefundOut] = Field(description="every refund of the order, through the ledger, oldest first")
    tracking_no: str
    prior_diagnosis_institution: str = Field(description="online consultation: where the condition was diagnosed")
    prior_diagnosis_on: dt.date | None
    created_at: dt.datetime
    transitions: list[str] = Field(description="the steps the caller may take now")
    history: list[EventOut]


def _refund_out(refund) -> dict:
    return {"id": refund.public_id, "amount_fen": refund.amount_fen, "refunded_at": refund.created_at,
            "kind": refund.kind, "reason": str(refund.get_kind_display()), "note": refund.note,
            "from_escrow_fen": refund.from_escrow_fen, "from_provider_fen": refund.from_provider_fen,
            "receivable_fen": refund.receivable_fen, "ledger_entry": refund.entry.idempotency_key,
            "postings": [{"account": posting.account.kind, "amount_fen": posting.amount_fen}
                         for posting in refund.entry.postings.all()]}


def _out(order, role: str | None) -> dict:
    process = PROCESSES[order.process]
    steps = []
    if role is not None:
        facts = services.facts_for(order, now=timezone.now())
        steps = [t.name for t in engine.available(process, state=order.state, role=role, facts=facts)]
    return {
        "id": order.public_id, "listing_id": order.listing.public_id if order.listing_id else None,
        "task_id": order.task.public_id if order.task_id else None, "process": order.process,
        "state": order.state, "public_state": process.state(order.state).public_state, "role": role,
        "quantity": order.quantity, "starts_at": order.starts_at, "ends_at": order.ends_at,
        "unit_price_fen": order.unit_price_fen, "units": order.units,
        "lines": [{"label_zh": str(line.get("label_zh", "")), "label_en": str(line.get("label_en", "")),
                   "fen": int(line.get("fen", 0))} for line in order.price_lines],
        "total_fen": order.total_fen, "deposit_fen": order.deposit_fen, "refunded_fen": order.refunded_fen,
        "refunds": [_refund_out(refund) for refund in selectors.order_refunds(order=order)],
        "tracking_no": order.tracking_no, "prior_diagnosis_institution": order.prior_diagnosis_institution,
        "prior_diagnosis_on": order.prior_diagnosis_on, "created_at": order.created_at, "transitions": steps,
        "history": [{"transition": e.transition, "from_state": e.from_state, "to_state": e.to_state,
                     "actor_role": e.actor_role, "at": e.at} for e in selectors.order_history(order=order)],
    }


def _visible(caller: Caller, order_id: uuid.UUID):
    """The order and the caller's side of it; another platform's order is not found."""
    order = selectors.order_get(platform=caller.platform, public_id=order_id)
    role = selectors.order_party_role(order=order, user=caller.user) if caller.user is not None else None
    if role is None and not caller.sees_whole_platform:
        raise NotAParty(_("This is not your order."), field="order_id")
    return order, role


@router.get("/p/{platform}/orders", response={200: list[OrderOut], **ERRORS})
def orders_list(request, platform: str, role: str = "customer"):
    """The acting person's orders as ``customer`` or ``provider``; a machine client acting for no one
    lists every order of its platform."""
    caller = Caller(request, platform)
    if caller.lists_whole_platform:
        orders = selectors.orders_of_platform(platform=caller.platform)
        return [_out(order, None) for order in orders[:200]]
    person = caller.person()
    orders = selectors.orders_of(platform=caller.platform, user=person, role=role)
    return [_out(order, selectors.order_party_role(order=order, user=person)) for order in orders[:200]]


@router.post("/p/{platform}/orders", response={201: OrderOut, **ERRORS})
def orders_place(request, platform: str, data: OrderIn):
    from sharecity.market.listings.selectors import listing_get

    caller = Caller(request, platform)
    customer = caller.person()
    listing = listing_get(platform=caller.platform, public_id=data.listing_id)
    order = services.order_place(actor=customer, platform=caller.platform, listing=listing, customer=customer,
                                 starts_at=data.starts_at, ends_at=data.ends_at, quantity=data.quantity,
                                 message=data.message, follow_up_confirmed=data.follow_up_confirmed,
                                 prior_diagnosis_institution=data.prior_diagnosis_institution,
                                 prior_diagnosis_on=data.prior_diagnosis_on)
    return Status(201, _out(order, "customer"))


@router.get("/p/{platform}/orders/{order_id}", response={200: OrderOut, **ERRORS})
def orders_get(request, platform: str, order_id: uuid.UUID):
    caller = Caller(request, platform)
    order, role = _visible(caller, order_id)
    return _out(order, role)


@router.post("/p/{platform}/orders/{order_id}/transitions", response={200: OrderOut, **ERRORS})
def orders_transition(request, platform: str, order_id: uuid.UUID, data: TransitionIn):
    caller = Caller(request, platform)
    person = caller.person()
    order = selectors.order_get(platform=caller.platform, public_id=order_id)
    extra = {name: value for name, value in data.dict().items() if name != "transition" and value is not None}
    order = services.order_transition(actor=person, order=order, transition=data.transition, **extra)
    return _out(order, selectors.order_party_role(order=order, user=person))


class RequiredQualificationOut(Schema):
    code: str
    label: str
    legal_reference: str


class BookingRequirementsOut(Schema):
    follow_up_only: bool = Field(description="online consultation: only a follow-up of a diagnosis made offline; "
                                             "booking needs follow_up_confirmed, prior_diagnosis_institution and "
                                             "prior_diagnosis_on")
    follow_up_rule: str = Field(description="the rule's source (document and article), empty when none applies")
    follow_up_notice: str = Field(description="what the listing page says, in the reader's language")
    qualifications: list[RequiredQualificationOut] = Field(
        description="qualifications the instrument's rules require: the customer needs each, recorded by the "
                    "listing's owner and valid on every day of the booking")


@router.get("/p/{platform}/booking-requirements/{listing_id}", response={200: BookingRequirementsOut, **ERRORS})
def booking_requirements(request, platform: str, listing_id: uuid.UUID):
    """What booking this listing asks of the customer beyond the price, as its page says."""
    from sharecity.market.listings.selectors import listing_get
    from sharecity.market.orders import requirements

    caller = Caller(request, platform)
    listing = listing_get(platform=caller.platform, public_id=listing_id)
    rule = requirements.follow_up_rule(listing=listing, at=timezone.now())
    from sharecity.market.qualifications.selectors import requirements_of

    return {"follow_up_only": rule is not None, "follow_up_rule": rule.source if rule else "",
            "follow_up_notice": requirements.follow_up_notice() if rule else "",
            "qualifications": requirements_of(listing=listing)}
