"""Transaction processes as plain data: states, transitions, who may take them, guards, effects, timers.

A process is a state machine. Each state says which public state (the exchange's
``OrderState``) the hub is told; each transition names the states it leaves, the state it
enters, the sides allowed to take it (``customer``, ``provider``, ``operator``, ``system``),
the guards that must pass (named functions over plain order data, in ``orders.engine``), the
effects the services run through the other contexts (reservation, payments, pricing) and,
for a timed transition, when the system takes it by itself.

Nothing here touches the database: ``orders.engine`` decides, ``orders.services`` acts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

CUSTOMER, PROVIDER, OPERATOR, SYSTEM = "customer", "provider", "operator", "system"
ROLES = (CUSTOMER, PROVIDER, OPERATOR, SYSTEM)
ROLE_NAMES = {CUSTOMER: _("the customer"), PROVIDER: _("the provider"), OPERATOR: _("the platform's operator"),
              SYSTEM: _("the system")}

PUBLIC_STATES = ("requested", "confirmed", "paid", "started", "completed", "cancelled", "refunded", "disputed")

# Durations a timer may refer to by name. Settings ``SHARECITY_ORDER_<NAME>`` (a number of minutes
# for the windows, of days for the delays) override them; ``deposit_refund`` comes from the listing.
DEFAULT_DURATIONS: dict[str, dt.timedelta] = {
    "payment_window": dt.timedelta(minutes=15),
    "request_window": dt.timedelta(hours=24),
    "funding_window": dt.timedelta(days=3),
    "escrow_release_delay": dt.timedelta(days=1),
    "review_window": dt.timedelta(days=7),
    "auto_receive_delay": dt.timedelta(days=10),
    "milestone_auto_approve": dt.timedelta(days=7),
    "deposit_refund": dt.timedelta(days=0),
}

ANCHORS = ("entered", "placed", "starts_at", "ends_at", "completed_at")


@dataclass(frozen=True)
class State:
    name: str
    public_state: str
    terminal: bool = False
    label: str = ""


@dataclass(frozen=True)
class Timer:
    """The system takes the transition ``duration`` after ``anchor``: the moment the order entered the
    source state, was placed, or its ``starts_at``/``ends_at``/``completed_at``. ``duration`` names an entry of
    the durations (so a platform's setting or the listing can change it); ``extra`` is added to it."""

    anchor: str = "entered"
    duration: str = ""
    extra: dt.timedelta = dt.timedelta(0)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    actors: frozenset[str]
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    timer: Timer | None = None
    # Taken by the system at once, after any change that leaves the order in a source state,
    # when every guard passes (e.g. the last milestone approved completes the task).
    automatic: bool = False
    label: str = ""


@dataclass(frozen=True)
class Process:
    code: str
    initial: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    # How long the reservation made on placing the order is held before availability lets it go.
    hold_minutes: int = 15
    label: str = ""
    _states: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        names = [s.name for s in self.states]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.code}: duplicate state")
        self._states.update({s.name: s for s in self.states})
        if self.initial not in self._states:
            raise ValueError(f"{self.code}: initial state {self.initial!r} is not a state")
        seen = set()
        for state in self.states:
            if state.public_state not in PUBLIC_STATES:
                raise ValueError(f"{self.code}.{state.name}: {state.public_state!r} is not a public state")
        for t in self.transitions:
            if (t.name, t.sources) in seen:
                raise ValueError(f"{self.code}: duplicate transition {t.name}")
            seen.add((t.name, t.sources))
            for name in (*t.sources, t.target):
                if name not in self._states:
                    raise ValueError(f"{self.code}.{t.name}: {name!r} is not a state")
            if not t.actors or not t.actors <= set(ROLES):
                raise ValueError(f"{self.code}.{t.name}: actors must be among {ROLES}")
            if t.timer is not None:
                if SYSTEM not in t.actors:
                    raise ValueError(f"{self.code}.{t.name}: a timed transition is taken by the system")
                if t.timer.anchor not in ANCHORS:
                    raise ValueError(f"{self.code}.{t.name}: timer anchor must be among {ANCHORS}")
                if t.timer.duration and t.timer.duration not in DEFAULT_DURATIONS:
                    raise ValueError(f"{self.code}.{t.name}: unknown duration {t.timer.duration!r}")

    def state(self, name: str) -> State:
        return self._states[name]

    def has_state(self, name: str) -> bool:
        return name in self._states


def _t(name, sources, target, actors, *, guards=(), effects=(), timer=None, automatic=False, label=""):
    if isinstance(sources, str):
        sources = (sources,)
    return Transition(name=name, sources=tuple(sources), target=target, actors=frozenset(actors),
                      guards=tuple(guards), effects=tuple(effects), timer=timer, automatic=automatic,
                      label=label or name)


PARTIES = (CUSTOMER, PROVIDER)

# --- pieces several processes share ---------------------------------------------------------------
# Paying confirms the reservation first: a hold that ran out refuses the payment before any charge.

_PAY = _t("pay", "pending_payment", "confirmed", (CUSTOMER,),
          effects=("confirm_reservation", "collect_payment", "record_price"), label=_("Pay"))
_EXPIRE_UNPAID = _t("expire", "pending_payment", "expired", (SYSTEM,), effects=("release_reservation",),
                    timer=Timer("entered", "payment_window"), label=_("Expire unpaid"))
_ABANDON = _t("abandon", "pending_payment", "cancelled", (CUSTOMER,), effects=("release_reservation",),
              label=_("Cancel"))
_CLOSE_REVIEWS = _t("close_reviews", "payout_ready", "closed", (SYSTEM,),
                    timer=Timer("completed_at", "review_window"), label=_("Close the review window"))


def _disputes(sources: tuple[str, ...], released_state: str) -> list[Transition]:
    """A side opens a dispute (from payment until the review window closes); an operator resolves it by
    a refund (all or ``refund_fen``, the rest paid out) or by paying the provider."""
    return [
        _t("dispute", sources, "disputed", PARTIES, label=_("Open a dispute")),
        _t("resolve_refund", "disputed", "refunded", (OPERATOR,),
           effects=("refund_dispute", "release_deposit", "release_escrow"), label=_("Resolve: refund")),
        _t("resolve_release", "disputed", released_state, (OPERATOR,),
           effects=("release_deposit", "release_escrow"), label=_("Resolve: pay the provider")),
    ]


# How every process but the booking ones ends: closed after the review window, expired, cancelled,
# in dispute, refunded.
_ENDINGS = (
    State("closed", "completed", terminal=True, label=_("Closed")),
    State("expired", "cancelled", terminal=True, label=_("Expired")),
    State("cancelled", "cancelled", terminal=True, label=_("Cancelled")),
    State("disputed", "disputed", label=_("In dispute")),
    State("refunded", "refunded", terminal=True, label=_("Refunded")),
)

_BOOKING_STATES = (
    State("pending_payment", "requested", label=_("Awaiting payment")),
    State("confirmed", "paid", label=_("Confirmed and paid")),
    State("in_use", "started", label=_("Checked in")),
    State("completed", "completed", label=_("Completed")),
    State("payout_ready", "completed", label=_("Completed, paid out")),
    State("closed", "completed", terminal=True, label=_("Closed")),
    State("expired", "cancelled", terminal=True, label=_("Expired")),
    State("declined", "cancelled", terminal=True, label=_("Declined")),
    State("cancelled", "cancelled", terminal=True, label=_("Cancelled")),
    State("disputed", "disputed", label=_("In dispute")),
    State("refunded", "refunded", terminal=True, label=_("Refunded")),
)

_AFTER_CONFIRMED = [
    _t("provider_cancel", "confirmed", "cancelled", (PROVIDER, OPERATOR), guards=("before_end",),
       effects=("refund_full", "release_reservation"), label=_("Cancel (full refund)")),
    _t("customer_cancel", "confirmed", "cancelled", (CUSTOMER,), guards=("before_start",),
       effects=("refund_by_policy", "release_reservation", "release_escrow"),
       label=_("Cancel (refund by the cancellation policy)")),
    # Checking in marks the reservation used (availability says when: from shortly before the start).
    _t("check_in", "confirmed", "in_use", PARTIES, effects=("check_in",), label=_("Check in")),
    _t("complete", ("confirmed", "in_use"), "completed", (SYSTEM, OPERATOR), guards=("after_end",),
       timer=Timer("ends_at"), label=_("Complete")),
    _t("release_payout", "completed", "payout_ready", (SYSTEM,), effects=("release_escrow",),
       timer=Timer("ends_at", "escrow_release_delay"), label=_("Release the escrow")),
    _CLOSE_REVIEWS,
    *_disputes(("confirmed", "in_use", "completed", "payout_ready"), "payout_ready"),
]

INSTANT_BOOKING = Process(
    code="instant_booking", initial="pending_payment", label=_("Instant booking"),
    states=_BOOKING_STATES,
    transitions=(_PAY, _EXPIRE_UNPAID, _ABANDON, *_AFTER_CONFIRMED),
)

REQUEST_TO_BOOK = Process(
    code="request_to_book", initial="pending_payment", label=_("Request to book"),
    # The reservation is held while the provider decides: 24 hours from the request, as long as
    # availability holds anything.
    hold_minutes=24 * 60,
    states=(*_BOOKING_STATES, State("requested", "requested", label=_("Requested, awaiting the provider"))),
    transitions=(
        _t("pay", "pending_payment", "requested", (CUSTOMER,), effects=("collect_payment",),
           label=_("Pay and send the request")),
        _EXPIRE_UNPAID, _ABANDON,
        _t("accept", "requested", "confirmed", (PROVIDER,), effects=("confirm_reservation", "record_price"),
           label=_("Accept")),
        _t("decline", "requested", "declined", (PROVIDER,), effects=("refund_full", "release_reservation"),
           label=_("Decline")),
        _t("withdraw", "requested", "cancelled", (CUSTOMER,), effects=("refund_full", "release_reservation"),
           label=_("Withdraw the request")),
        _t("expire_request", "requested", "expired", (SYSTEM,), effects=("refund_full", "release_reservation"),
           timer=Timer("placed", "request_window"), label=_("Expire unanswered")),
        *_AFTER_CONFIRMED,
    ),
)

PURCHASE_DELIVERY = Process(
    code="purchase_delivery", initial="pending_payment", label=_("Purchase with delivery"),
    states=(
        State("pending_payment", "requested", label=_("Awaiting payment")),
        State("paid", "paid", label=_("Paid, awaiting shipping")),
        State("shipped", "started", label=_("Shipped")),
        State("received", "completed", label=_("Goods received")),
        *_ENDINGS,
    ),
    transitions=(
        _t("pay", "pending_payment", "paid", (CUSTOMER,),
           effects=("confirm_reservation", "collect_payment", "record_price"), label=_("Pay")),
        _EXPIRE_UNPAID, _ABANDON,
        _t("cancel", "paid", "cancelled", (CUSTOMER, PROVIDER, OPERATOR),
           effects=("refund_full", "release_reservation"), label=_("Cancel (full refund)")),
        _t("ship", "paid", "shipped", (PROVIDER,), guards=("tracking_number_given",),
           effects=("record_tracking", "use_reservation"), label=_("Mark as shipped")),
        _t("confirm_receipt", "shipped", "received", (CUSTOMER,), effects=("release_escrow",),
           label=_("Confirm receipt")),
        _t("auto_receive", "shipped", "received", (SYSTEM,), effects=("release_escrow",),
           timer=Timer("entered", "auto_receive_delay"), label=_("Received automatically")),
        _t("close_reviews", "received", "closed", (SYSTEM,), timer=Timer("completed_at", "review_window"),
           label=_("Close the review window")),
        *_disputes(("shipped", "received"), "received"),
    ),
)

TASK_BIDDING = Process(
    code="task_bidding", initial="awaiting_funding", label=_("Task with bids and milestones"),
    hold_minutes=0,
    states=(
        State("awaiting_funding", "confirmed", label=_("Bid accepted, awaiting escrow funding")),
        State("in_progress", "paid", label=_("Funded, in progress")),
        State("completed", "completed", label=_("Completed")),
        *_ENDINGS,
    ),
    transitions=(
        _t("fund", "awaiting_funding", "in_progress", (CUSTOMER,), effects=("collect_payment",),
           label=_("Fund the escrow")),
        _t("cancel", "awaiting_funding", "cancelled", PARTIES, label=_("Cancel")),
        _t("expire", "awaiting_funding", "expired", (SYSTEM,), timer=Timer("entered", "funding_window"),
           label=_("Expire unfunded")),
        _t("deliver_milestone", "in_progress", "in_progress", (PROVIDER,), guards=("milestone_open",),
           effects=("milestone_deliver",), label=_("Deliver the milestone")),
        _t("approve_milestone", "in_progress", "in_progress", (CUSTOMER,), guards=("milestone_delivered",),
           effects=("milestone_release",), label=_("Approve the milestone")),
        _t("auto_approve", "in_progress", "in_progress", (SYSTEM,), guards=("milestone_overdue",),
           effects=("milestones_overdue_release",), timer=Timer("entered", "milestone_auto_approve"),
           label=_("Approve delivered milestones automatically")),
        _t("complete", "in_progress", "completed", (SYSTEM,), guards=("milestones_all_released",),
           automatic=True, label=_("Complete")),
        _t("close_reviews", "completed", "closed", (SYSTEM,), timer=Timer("completed_at", "review_window"),
           label=_("Close the review window")),
        _t("dispute", ("in_progress", "completed"), "disputed", PARTIES, label=_("Open a dispute")),
        _t("resolve_refund", "disputed", "refunded", (OPERATOR,), effects=("refund_dispute", "release_escrow"),
           label=_("Resolve: refund")),
        _t("resolve_release", "disputed", "completed", (OPERATOR,), effects=("release_escrow",),
           label=_("Resolve: pay the provider")),
    ),
)

RENTAL_DEPOSIT = Process(
    code="rental_deposit", initial="pending_payment", label=_("Rental with deposit"),
    states=(
        State("pending_payment", "requested", label=_("Awaiting payment")),
        State("confirmed", "paid", label=_("Paid, awaiting pick-up")),
        State("picked_up", "started", label=_("Picked up")),
        State("returned", "started", label=_("Returned, deposit being settled")),
        State("settled", "completed", label=_("Completed, deposit settled")),
        *_ENDINGS,
    ),
    transitions=(
        _PAY, _EXPIRE_UNPAID, _ABANDON,
        _t("provider_cancel", "confirmed", "cancelled", (PROVIDER, OPERATOR),
           effects=("refund_full", "release_deposit", "release_reservation"), label=_("Cancel (full refund)")),
        _t("customer_cancel", "confirmed", "cancelled", (CUSTOMER,), guards=("before_start",),
           effects=("refund_by_policy", "release_deposit", "release_reservation", "release_escrow"),
           label=_("Cancel (refund by the cancellation policy)")),
        _t("pick_up", "confirmed", "picked_up", PARTIES, effects=("use_reservation",), label=_("Picked up")),
        _t("return", "picked_up", "returned", (PROVIDER,), effects=("deposit_due_set", "release_escrow"),
           label=_("Returned")),
        _t("report_damage", "returned", "settled", (PROVIDER,), guards=("deduction_valid",),
           effects=("release_deposit",), label=_("Report damage and deduct")),
        _t("report_no_damage", "returned", "settled", (PROVIDER,), effects=("release_deposit",),
           label=_("No damage: refund the deposit")),
        _t("deposit_deadline", "returned", "settled", (SYSTEM,), effects=("release_deposit",),
           timer=Timer("entered", "deposit_refund"), label=_("Refund the deposit by the deadline")),
        _t("close_reviews", "settled", "closed", (SYSTEM,), timer=Timer("completed_at", "review_window"),
           label=_("Close the review window")),
        *_disputes(("picked_up", "returned", "settled"), "settled"),
    ),
)

PROCESSES: dict[str, Process] = {p.code: p for p in (
    INSTANT_BOOKING, REQUEST_TO_BOOK, PURCHASE_DELIVERY, TASK_BIDDING, RENTAL_DEPOSIT,
)}
