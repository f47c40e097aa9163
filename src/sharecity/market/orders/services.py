"""Writes of the orders context: placing an order, taking a transition of its process, the timers,
and the task-bidding flow (post a task, bid, accept a bid, milestones).

The engine (``orders.engine``) decides; these functions lock the order, run the effects through
the other contexts' services (availability, payments, pricing), keep the history and report
every change to the hub through the outbox.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.kernel.districts import district_get
from sharecity.kernel.errors import InvalidInput, ShareCityError
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, fact_record
from sharecity.kernel.timeutil import CITY_TZ, require_aware
from sharecity.market.accounts.selectors import party_key, provider_profile_for
from sharecity.market.availability.slots import months_between
from sharecity.market.orders import engine, requirements
from sharecity.market.orders.errors import (
    InvalidOrder,
    ListingNotOrderable,
    NotAParty,
    NotVerified,
    OwnListing,
    TaskClosed,
)
from sharecity.market.orders.models import (
    Bid,
    BidStatus,
    Milestone,
    MilestoneStatus,
    Order,
    OrderEvent,
    OrderRefund,
    RefundKind,
    ScheduledTransition,
    TaskRequest,
    TaskStatus,
)
from sharecity.market.orders.processes import DEFAULT_DURATIONS, SYSTEM, Process
from sharecity.market.orders.selectors import order_party_role, timers_due
from sharecity.market.platforms.models import Platform

# Keys an actor may send with a transition; anything else is refused rather than silently dropped.
TRANSITION_DATA = {"tracking_no", "deduction_fen", "reason", "milestone_id", "refund_fen", "note"}
MAX_TIMED_UNITS = 366
# The longest lease booked in one order, as the catalog's longest "shortest lease" (catalog.seed, lease_months_min
# max 60): a platform's own cap, not a legal one.
MAX_LEASE_MONTHS = 60


# --- plain data for the engine --------------------------------------------------------------------

def durations_for(order: Order) -> dict[str, dt.timedelta]:
    """The durations the timers use: defaults, the deployment's settings, the listing's deposit deadline.

    Settings: ``SHARECITY_ORDER_PAYMENT_WINDOW_MINUTES``, ``SHARECITY_ORDER_REQUEST_WINDOW_HOURS``,
    ``SHARECITY_ORDER_ESCROW_RELEASE_DAYS``, ``SHARECITY_ORDER_REVIEW_WINDOW_DAYS``,
    ``SHARECITY_ORDER_AUTO_RECEIVE_DAYS``, ``SHARECITY_ORDER_MILESTONE_AUTO_APPROVE_DAYS``,
    ``SHARECITY_ORDER_FUNDING_WINDOW_DAYS``."""
    durations = dict(DEFAULT_DURATIONS)
    for name, setting, unit in (
        ("payment_window", "PAYMENT_WINDOW_MINUTES", "minutes"),
        ("request_window", "REQUEST_WINDOW_HOURS", "hours"),
        ("escrow_release_delay", "ESCROW_RELEASE_DAYS", "days"),
        ("review_window", "REVIEW_WINDOW_DAYS", "days"),
        ("auto_receive_delay", "AUTO_RECEIVE_DAYS", "days"),
        ("milestone_auto_approve", "MILESTONE_AUTO_APPROVE_DAYS", "days"),
        ("funding_window", "FUNDING_WINDOW_DAYS", "days"),
    ):
        value = getattr(settings, f"SHARECITY_ORDER_{setting}", None)
        if value is not None:
            durations[name] = dt.timedelta(**{unit: value})
    if order.listing is not None:
        durations["deposit_refund"] = dt.timedelta(days=order.listing.deposit_refund_days)
    return durations


def facts_for(order: Order, *, now: dt.datetime, data: dict | None = None) -> engine.Facts:
    milestones = tuple(
        engine.Milestone(id=m.pk, amount_fen=m.amount_fen, status=m.status, delivered_at=m.delivered_at)
        for m in order.milestones.all()
    ) if order.process == "task_bidding" else ()
    return engine.Facts(now=now, starts_at=order.starts_at, ends_at=order.ends_at, deposit_fen=order.deposit_fen,
                        milestones=milestones, data=data or {}, durations=durations_for(order))


def order_category_code(order: Order) -> str:
    """A task's order is reported under the task's category and district, any other under its listing's."""
    return order.task.category.code if order.task_id else order.listing.category.code


def order_district(order: Order) -> str:
    return order.task.district_code if order.task_id else order.listing.district_code


def remaining_fen(order: Order) -> int:
    """What the customer paid that is still in escrow: neither refunded nor paid out."""
    return max(order.total_fen - order.refunded_fen - order.released_fen, 0)


# --- effects: each runs one thing through another context -----------------------------------------

@dataclasses.dataclass
class EffectContext:
    order: Order
    transition: str
    actor: User | None
    now: dt.datetime
    data: dict
    refund_fen: int = 0
    # The deposit taken (collect_payment) or settled (release_deposit) by this transition, reported with it.
    deposit_held_fen: int | None = None
    deposit_returned_fen: int | None = None
    deposit_deducted_fen: int | None = None


def _reservation(order: Order):
    from sharecity.market.availability.selectors import reservation_for_order

    return reservation_for_order(order_ref=str(order.public_id))


def _fx_collect_payment(ctx: EffectContext) -> None:
    from sharecity.market.payments.services import payment_collect

    order = ctx.order
    payment_collect(platform=order.platform, order_ref=str(order.public_id), customer=order.customer,
                    amount_fen=order.total_fen, deposit_fen=order.deposit_fen)
    ctx.deposit_held_fen = order.deposit_fen or None


def _fx_confirm_reservation(ctx: EffectContext) -> None:
    from sharecity.market.availability.services import reservation_confirm

    reservation = _reservation(ctx.order)
    if reservation is None:
        return
    if reservation.status == "confirmed":
        return
    if reservation.status != "held" or reservation.hold_expires_at <= ctx.now:
        raise ListingNotOrderable(
            _("The time held for this order has run out; place the order again."), field="order_id",
            code="order.hold_expired")
    reservation_confirm(reservation=reservation, now=ctx.now)


def _fx_release_reservation(ctx: EffectContext) -> None:
    from sharecity.market.availability.services import reservation_release

    reservation = _reservation(ctx.order)
    if reservation is not None and reservation.status in ("held", "confirmed"):
        reservation_release(reservation=reservation, reason=ctx.transition, now=ctx.now)


def _fx_use_reservation(ctx: EffectContext) -> None:
    """Mark the reservation used. Bookkeeping of availability: a refusal there (say, outside its
    check-in window) does not stop the order moving on."""
    from sharecity.market.availability.services import reservation_check_in

    reservation = _reservation(ctx.order)
    if reservation is None or reservation.status != "confirmed":
        return
    try:
        with transaction.atomic():
            reservation_check_in(reservation=reservation, now=ctx.now)
    except ShareCityError:
        pass


def _fx_record_price(ctx: EffectContext) -> None:
    from sharecity.market.pricing.services import price_transacted_record

    if ctx.order.listing is not None:
        price_transacted_record(listing=ctx.order.listing, unit_price_fen=ctx.order.unit_price_fen, at=ctx.now)


def _refund(ctx: EffectContext, amount_fen: int, *, beyond_escrow: bool = False) -> None:
    """Refund from what is still in escrow; with ``beyond_escrow`` (a dispute) also from what was
    released to the provider and not yet paid out (payments refuses what was paid out)."""
    from sharecity.market.payments.services import refund

    order = ctx.order
    held = remaining_fen(order)
    amount_fen = min(amount_fen, held + (order.released_fen if beyond_escrow else 0))
    if amount_fen <= 0:
        return
    entry = refund(platform=order.platform, order_ref=str(order.public_id), customer=order.customer,
                   amount_fen=amount_fen, reason=ctx.transition, allow_receivable=beyond_escrow)
    order.released_fen -= max(amount_fen - held, 0)
    order.refunded_fen += amount_fen
    ctx.refund_fen += amount_fen
    _refund_row(order=order, entry=entry, amount_fen=amount_fen, actor=ctx.actor, now=ctx.now,
                kind=RefundKind.DISPUTE if beyond_escrow else RefundKind.ORDER_STEP, source_id="",
                note=str(ctx.data.get("note") or ctx.data.get("reason") or ctx.transition),
                key=f"order-refund:step:{entry.idempotency_key}")


def _refund_row(*, order: Order, entry, amount_fen: int, actor: User | None, now: dt.datetime, kind: str,
                source_id: str, note: str, key: str) -> OrderRefund:
    from sharecity.market.payments.selectors import refund_split

    split = refund_split(entry=entry)
    return OrderRefund.objects.create(
        order=order, kind=kind, source_id=source_id, note=note[:300], amount_fen=amount_fen,
        from_escrow_fen=split.from_escrow_fen, from_provider_fen=split.from_provider_fen,
        receivable_fen=split.receivable_fen, idempotency_key=key, entry=entry, actor=actor, created_at=now)


@transaction.atomic
def order_refund(*, actor: User | None, order: Order, amount_fen: int, kind: str, source_id: str, note: str = "",
                 field: str = "refund_fen", now: dt.datetime | None = None) -> OrderRefund:
    """Refund ``amount_fen`` to the order's customer for a decided complaint or dispute (``kind``, its
    public id ``source_id``), whatever the order's state, and report it (``order.refunded``).

    The money comes from escrow while it is held there, else from the provider's balance; what that
    balance does not hold is recorded as owed by the provider (``payments.services.refund``). Never more
    than the customer paid less what was already refunded (refused naming ``field``). Once per
    complaint or dispute: a retry, or a second decision racing the first, returns the refund made."""
    from sharecity.kernel.money import format_yuan
    from sharecity.market.payments.services import refund

    now = now or timezone.now()
    if kind not in (RefundKind.COMPLAINT, RefundKind.DISPUTE) or not source_id:
        raise ValueError("order_refund is for a complaint or a dispute, named by its id")
    order = _locked(order)
    key = f"order-refund:{order.public_id}:{kind}:{source_id}"
    existing = OrderRefund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    refundable = max(order.total_fen - order.refunded_fen, 0)
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise InvalidOrder(_("A refund is more than ¥0."), field=field)
    if amount_fen > refundable:
        raise InvalidOrder(
            _("At most %(left)s can be refunded: what the customer paid for this order less what was already "
              "refunded.") % {"left": format_yuan(refundable)}, field=field)
    entry = refund(platform=order.platform, order_ref=str(order.public_id), customer=order.customer,
                   amount_fen=amount_fen, reason=f"{kind} {source_id}"[:300], idempotency_key=key,
                   allow_receivable=True)
    row = _refund_row(order=order, entry=entry, amount_fen=amount_fen, actor=actor, now=now, kind=kind,
                      source_id=source_id, note=note, key=key)
    order.refunded_fen += amount_fen
    order.released_fen = max(order.released_fen - row.from_provider_fen, 0)
    order.save(update_fields=["refunded_fen", "released_fen", "updated_at"])
    fact_record(
        actor=actor, action="order.refund", target_type="order", target_id=order.public_id,
        platform_id=order.platform.exchange_id, message_type="order.refunded",
        payload=payload_build(
            "order.refunded", order_id=str(order.public_id), refund_id=str(row.public_id),
            category=order_category_code(order), district=order_district(order), amount_fen=amount_fen,
            refunded_at=now, reason=kind, complaint_id=source_id if kind == RefundKind.COMPLAINT else None,
            from_escrow_fen=row.from_escrow_fen, from_provider_fen=row.from_provider_fen,
            receivable_fen=row.receivable_fen, refunded_total_fen=order.refunded_fen),
        audit_data={"amount_fen": amount_fen, "kind": kind, "source_id": source_id, "note": note,
                    "from_escrow_fen": row.from_escrow_fen, "from_provider_fen": row.from_provider_fen,
                    "receivable_fen": row.receivable_fen},
    )
    return row


def _fx_refund_full(ctx: EffectContext) -> None:
    _refund(ctx, remaining_fen(ctx.order))


def _fx_refund_by_policy(ctx: EffectContext) -> None:
    from sharecity.market.payments.policies import cancellation_refund_fen

    order = ctx.order
    # Goods have no start: the whole price back before shipping, nothing by this rule after.
    amount = cancellation_refund_fen(policy=order.listing.cancellation_policy, total_fen=order.total_fen,
                                     starts_at=order.starts_at, cancelled_at=ctx.now,
                                     shipped=bool(order.tracking_no))
    _refund(ctx, amount)


def _fx_refund_dispute(ctx: EffectContext) -> None:
    refundable = max(ctx.order.total_fen - ctx.order.refunded_fen, 0)
    amount = ctx.data.get("refund_fen", refundable)
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= refundable:
        raise InvalidOrder(
            _("The refund is between ¥0.01 and what the customer paid and has not had back."), field="refund_fen")
    _refund(ctx, amount, beyond_escrow=True)


def _escrow_release(ctx: EffectContext, amount_fen: int) -> None:
    from sharecity.market.payments.services import escrow_release

    order = ctx.order
    if amount_fen <= 0:
        return
    escrow_release(platform=order.platform, order_ref=str(order.public_id), provider=order.provider,
                   category_code=order_category_code(order), amount_fen=amount_fen,
                   idempotency_key=f"order:{order.public_id}:release:{order.released_fen}")
    order.released_fen += amount_fen


def _fx_release_escrow(ctx: EffectContext) -> None:
    _escrow_release(ctx, remaining_fen(ctx.order))


def _fx_release_deposit(ctx: EffectContext) -> None:
    from sharecity.market.payments.services import deposit_release

    order = ctx.order
    if not order.deposit_fen or order.deposit_settled:
        return
    deduction = ctx.data.get("deduction_fen", 0) if ctx.transition == "report_damage" else 0
    obligation = deposit_release(platform=order.platform, order_ref=str(order.public_id), customer=order.customer,
                                 deduction_fen=deduction, reason=str(ctx.data.get("reason", "")),
                                 provider=order.provider)
    order.deposit_deducted_fen = deduction
    order.deposit_settled = True
    ctx.deposit_returned_fen = obligation.amount_fen - obligation.deduction_fen
    ctx.deposit_deducted_fen = obligation.deduction_fen


def _fx_deposit_due_set(ctx: EffectContext) -> None:
    from sharecity.market.payments.services import deposit_due_set

    order = ctx.order
    if not order.deposit_fen:
        return
    order.deposit_due_at = ctx.now + durations_for(order)["deposit_refund"]
    deposit_due_set(platform=order.platform, order_ref=str(order.public_id), due_at=order.deposit_due_at)


def _fx_record_tracking(ctx: EffectContext) -> None:
    ctx.order.tracking_no = str(ctx.data["tracking_no"]).strip()[:64]


def _milestone(ctx: EffectContext) -> Milestone:
    return Milestone.objects.select_for_update().get(order=ctx.order, pk=ctx.data["milestone_id"])


def _fx_milestone_deliver(ctx: EffectContext) -> None:
    milestone = _milestone(ctx)
    milestone.status = MilestoneStatus.DELIVERED
    milestone.delivered_at = ctx.now
    milestone.save(update_fields=["status", "delivered_at"])


def _release_milestone(ctx: EffectContext, milestone: Milestone) -> None:
    from sharecity.market.payments.services import milestone_release

    order = ctx.order
    amount = min(milestone.amount_fen, remaining_fen(order))
    if amount > 0:
        milestone_release(platform=order.platform, order_ref=str(order.public_id), provider=order.provider,
                          category_code=order_category_code(order), amount_fen=amount, milestone=str(milestone.pk))
        order.released_fen += amount
    milestone.status = MilestoneStatus.RELEASED
    milestone.released_at = ctx.now
    milestone.save(update_fields=["status", "released_at"])


def _fx_milestone_release(ctx: EffectContext) -> None:
    _release_milestone(ctx, _milestone(ctx))


def _fx_milestones_overdue_release(ctx: EffectContext) -> None:
    wait = durations_for(ctx.order)["milestone_auto_approve"]
    for milestone in Milestone.objects.select_for_update().filter(
            order=ctx.order, status=MilestoneStatus.DELIVERED, delivered_at__lte=ctx.now - wait):
        _release_milestone(ctx, milestone)


def _fx_check_in(ctx: EffectContext) -> None:
    from sharecity.market.availability.services import reservation_check_in

    reservation = _reservation(ctx.order)
    if reservation is not None:
        reservation_check_in(reservation=reservation, now=ctx.now)


EFFECTS: dict[str, Callable[[EffectContext], None]] = {
    "check_in": _fx_check_in,
    "collect_payment": _fx_collect_payment,
    "confirm_reservation": _fx_confirm_reservation,
    "release_reservation": _fx_release_reservation,
    "use_reservation": _fx_use_reservation,
    "record_price": _fx_record_price,
    "refund_full": _fx_refund_full,
    "refund_by_policy": _fx_refund_by_policy,
    "refund_dispute": _fx_refund_dispute,
    "release_escrow": _fx_release_escrow,
    "release_deposit": _fx_release_deposit,
    "deposit_due_set": _fx_deposit_due_set,
    "record_tracking": _fx_record_tracking,
    "milestone_deliver": _fx_milestone_deliver,
    "milestone_release": _fx_milestone_release,
    "milestones_overdue_release": _fx_milestones_overdue_release,
}


# --- placing an order -----------------------------------------------------------------------------

def units_for(*, price_unit: str, starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> int:
    """How many hours, days, nights or months are charged (a started hour or day counts whole; a lease runs
    whole calendar months, ``availability.slots.months_between``); 1 for an item."""
    if price_unit == "item":
        return 1
    if starts_at is None or ends_at is None:
        raise InvalidOrder(_("Choose when the booking starts and ends."), field="starts_at")
    if ends_at <= starts_at:
        raise InvalidOrder(_("The end must be after the start."), field="ends_at")
    if price_unit == "month":
        months = months_between(starts_at.astimezone(CITY_TZ).date(), ends_at.astimezone(CITY_TZ).date())
        if months is None or starts_at.astimezone(CITY_TZ).time() != dt.time(0) \
                or ends_at.astimezone(CITY_TZ).time() != dt.time(0):
            raise InvalidOrder(_("A lease runs whole months: it ends on the same day of a later month."),
                               field="ends_at")
        if months > MAX_LEASE_MONTHS:
            raise InvalidOrder(_("A lease booked here lasts at most %(months)d months.") % {"months": MAX_LEASE_MONTHS},
                               field="ends_at")
        return months
    seconds = (ends_at - starts_at).total_seconds()
    if price_unit == "hour":
        units = math.ceil(seconds / 3600)
    elif price_unit == "day":
        units = math.ceil(seconds / 86400)
    else:  # night: the dates slept over, in city time
        units = max((ends_at.astimezone(CITY_TZ).date() - starts_at.astimezone(CITY_TZ).date()).days, 1)
    if units > MAX_TIMED_UNITS:
        raise InvalidOrder(_("A booking lasts at most a year."), field="ends_at")
    return units


def _price_now(listing, at: dt.datetime) -> int:
    from sharecity.market.pricing.selectors import price_now

    price_fen, _original = price_now(listing=listing, at=at)
    return price_fen


def _line_dict(line) -> dict:
    """A quote line as kept on the order: its labels, ``fen`` and whatever else the quote gave."""
    if dataclasses.is_dataclass(line):
        data = dataclasses.asdict(line)
    elif isinstance(line, dict):
        data = dict(line)
    else:
        data = {"label_zh": str(line), "label_en": str(line)}
    data.setdefault("fen", data.get("amount_fen", 0))
    return data


@dataclasses.dataclass(frozen=True)
class OrderQuote:
    unit_price_fen: int
    original_price_fen: int | None
    units: int
    quantity: int
    lines: list[dict]
    subtotal_fen: int
    fees_fen: int
    total_fen: int
    deposit_fen: int


def order_quote(*, listing, starts_at: dt.datetime | None = None, ends_at: dt.datetime | None = None,
                quantity: int = 1, at: dt.datetime | None = None) -> OrderQuote:
    """The full price the customer pays, every fee included, as shown before commit (明码标价). Pure
    reading; ``order_place`` stores the same figures on the order."""
    from sharecity.market.pricing.quote import quote_build
    from sharecity.market.pricing.selectors import price_now

    at = at or timezone.now()
    if not isinstance(quantity, int) or not 1 <= quantity <= max(listing.capacity, 1):
        raise InvalidOrder(_("The quantity is between 1 and %(n)s.") % {"n": max(listing.capacity, 1)},
                           field="quantity")
    units = units_for(price_unit=listing.price_unit, starts_at=starts_at, ends_at=ends_at)
    shortest = (listing.attributes or {}).get("lease_months_min") if listing.price_unit == "month" else None
    if isinstance(shortest, int) and units < shortest:
        # The listing's own term (catalog.seed: long-term rental homes state their shortest lease).
        raise InvalidOrder(_("This home is let for at least %(months)d months.") % {"months": shortest},
                           field="ends_at")
    price_fen, original_fen = price_now(listing=listing, at=at)
    quote = quote_build(unit_price_fen=price_fen, units=units, quantity=quantity, fees=listing.fees)
    return OrderQuote(unit_price_fen=price_fen, original_price_fen=original_fen, units=units, quantity=quantity,
                      lines=[_line_dict(line) for line in quote.lines], subtotal_fen=quote.subtotal_fen,
                      fees_fen=quote.fees_fen, total_fen=quote.total_fen, deposit_fen=listing.deposit_fen)


def process_of_listing(listing) -> str:
    if listing.process:
        return listing.process
    try:
        from sharecity.market.catalog.selectors import process_for
    except ImportError:  # the catalog's selectors not there yet: the category's default
        return listing.category.default_process or "instant_booking"
    return process_for(category=listing.category, platform=listing.platform) or "instant_booking"


@transaction.atomic
def order_place(*, actor: User, platform: Platform, listing, customer: User, starts_at: dt.datetime | None = None,
                ends_at: dt.datetime | None = None, quantity: int = 1, message: str = "",
                follow_up_confirmed: bool = False, prior_diagnosis_institution: str = "",
                prior_diagnosis_on: dt.date | None = None) -> Order:
    """Place an order on a published listing at the price shown (every fee included), hold the
    reservation while it is paid (or while the provider decides) and report it to the hub.

    Online consultation (``requirements.FOLLOW_UP_RULES``) needs the prior offline diagnosis confirmed:
    ``follow_up_confirmed``, ``prior_diagnosis_institution`` and ``prior_diagnosis_on`` (not after today)."""
    from sharecity.market.availability.services import reservation_hold

    if listing.platform_id != platform.pk or listing.status != "published":
        raise ListingNotOrderable(_("This listing is not offered on this platform now."), field="listing_id")
    if listing.provider_id == customer.pk:
        raise OwnListing(_("You cannot order your own listing."), field="listing_id")
    process = engine.process_get(process_of_listing(listing))
    if process.code == "task_bidding":
        raise InvalidOrder(_("Tasks are ordered by posting the task and accepting a bid."), field="listing_id")
    if len(message) > 2000:
        raise InvalidOrder(_("A message has at most 2,000 characters."), field="message")
    starts_at = require_aware(starts_at) if starts_at else None
    ends_at = require_aware(ends_at) if ends_at else None
    if listing.price_unit == "item":
        starts_at = ends_at = None
    now = timezone.now()
    prior = requirements.PriorDiagnosis(confirmed=False, institution="", diagnosed_on=None)
    rule = requirements.follow_up_rule(listing=listing, at=now)
    if rule is not None:
        prior = requirements.prior_diagnosis_clean(rule=rule, now=now, prior=requirements.PriorDiagnosis(
            confirmed=follow_up_confirmed, institution=prior_diagnosis_institution, diagnosed_on=prior_diagnosis_on))
    # An instrument whose rules require a qualification: the customer holds a valid one from its owner for every
    # day of the booking (国发〔2014〕70号, as the catalog's instrument_user_qualification rule cites it).
    from sharecity.market.qualifications.selectors import booking_check

    booking_check(listing=listing, customer=customer, starts_at=starts_at or now, ends_at=ends_at)
    # A provider whose verification ran out in this vertical takes no new bookings until verified again.
    from sharecity.market.accounts.selectors import identity_current_check

    identity_current_check(user=listing.provider, sector=listing.category.sector, doing=_("take new bookings"),
                           now=now)
    public_id = uuid.uuid4()
    if process.hold_minutes:
        # Availability checks the times against the listing's calendar and rules, and normalises them
        # (a night runs from midnight to midnight in its calendar): the order keeps what was held.
        reservation = reservation_hold(listing=listing, customer=customer, starts_at=starts_at, ends_at=ends_at,
                                       quantity=quantity, order_ref=str(public_id), hold_minutes=process.hold_minutes,
                                       now=now)
        starts_at, ends_at = reservation.starts_at, reservation.ends_at
    quote = order_quote(listing=listing, starts_at=starts_at, ends_at=ends_at, quantity=quantity, at=now)
    order = Order.objects.create(
        public_id=public_id, platform=platform, listing=listing, customer=customer, provider=listing.provider,
        process=process.code, state=process.initial, quantity=quantity, starts_at=starts_at, ends_at=ends_at,
        unit_price_fen=quote.unit_price_fen, units=quote.units, subtotal_fen=quote.subtotal_fen,
        fees_fen=quote.fees_fen, total_fen=quote.total_fen, deposit_fen=quote.deposit_fen,
        price_lines=quote.lines, message=message.strip(), state_changed_at=now,
        prior_diagnosis_institution=prior.institution, prior_diagnosis_on=prior.diagnosed_on,
    )
    _order_created(actor=actor, order=order, now=now)
    _timers_schedule(order=order, process=process, now=now)
    return order


def _order_created(*, actor: User | None, order: Order, now: dt.datetime) -> None:
    OrderEvent.objects.create(order=order, actor=actor, actor_role="customer", transition="place", from_state="",
                              to_state=order.state, at=now, data={"total_fen": order.total_fen})
    fact_record(
        actor=actor, action="order.place", target_type="order", target_id=order.public_id,
        platform_id=order.platform.exchange_id, message_type="order.created",
        payload=payload_build(
            "order.created", order_id=str(order.public_id),
            listing_id=str(order.task.public_id if order.task_id else order.listing.public_id),
            category=order_category_code(order), district=order_district(order),
            customer_key=party_key(order.customer), provider_key=party_key(order.provider),
            amount_fen=order.total_fen, starts_at=order.starts_at or now,
            ends_at=order.ends_at or order.starts_at or now,
            state=engine.process_get(order.process).state(order.state).public_state,
            deposit_fen=order.deposit_fen or None,
        ),
    )


# --- transitions ----------------------------------------------------------------------------------

def _locked(order: Order) -> Order:
    return (Order.objects.select_for_update(of=("self",))
            .select_related("platform", "listing", "listing__category", "task", "task__category", "customer",
                            "provider")
            .get(pk=order.pk))


def _clean_data(data: dict) -> dict:
    unknown = sorted(set(data) - TRANSITION_DATA)
    if unknown:
        raise InvalidOrder(_("Unexpected input: %(names)s.") % {"names": ", ".join(unknown)}, field=unknown[0])
    return dict(data)


@transaction.atomic
def order_transition(*, actor: User | None, order: Order, transition: str, **data) -> Order:
    """Take ``transition`` on ``order`` as ``actor`` (None: the system). The engine checks the state,
    the side and the guards; the effects run through the other contexts; the change is kept in the
    order's history and reported to the hub, in one transaction."""
    order = _locked(order)
    if actor is None:
        role = SYSTEM
    else:
        role = order_party_role(order=order, user=actor)
        if role is None:
            raise NotAParty(_("This is not your order."), field="order_id")
    return _transition(order=order, actor=actor, role=role, name=transition, data=_clean_data(data),
                       now=timezone.now())


def _transition(*, order: Order, actor: User | None, role: str, name: str, data: dict, now: dt.datetime) -> Order:
    process = engine.process_get(order.process)
    step = engine.step(process, state=order.state, role=role, transition=name,
                       facts=facts_for(order, now=now, data=data))
    ctx = EffectContext(order=order, transition=step.transition, actor=actor, now=now, data=data)
    for effect in step.effects:
        EFFECTS[effect](ctx)
    previous_public = process.state(step.source).public_state
    target = process.state(step.target)
    order.state = step.target
    if step.target != step.source:
        order.state_changed_at = now
    completing = target.public_state == "completed" and order.completed_at is None
    if completing:
        order.completed_at = now
    order.save()
    if completing:
        # Occupational-injury cover (人社部发〔2025〕24号): the contribution on a covered order, in this transaction.
        from sharecity.market.injury.services import contribution_for_order

        contribution_for_order(order=order)
    event_data = {k: v for k, v in data.items() if k != "note" or v}
    if ctx.refund_fen:
        event_data["refund_fen"] = ctx.refund_fen
    OrderEvent.objects.create(order=order, actor=actor, actor_role=role, transition=step.transition,
                              from_state=step.source, to_state=step.target, at=now, data=event_data)
    fact_record(
        actor=actor, action=f"order.{step.transition}", target_type="order", target_id=order.public_id,
        platform_id=order.platform.exchange_id, message_type="order.state_changed",
        payload=payload_build(
            "order.state_changed", order_id=str(order.public_id), category=order_category_code(order),
            district=order_district(order), state=target.public_state,
            amount_fen=max(order.total_fen - order.refunded_fen, 0), previous_state=previous_public,
            changed_at=now, refund_fen=ctx.refund_fen or None,
            deposit_held_fen=ctx.deposit_held_fen, deposit_returned_fen=ctx.deposit_returned_fen,
            deposit_deducted_fen=ctx.deposit_deducted_fen,
        ),
        audit_data={"from": step.source, "to": step.target, "role": role, **event_data},
    )
    if step.target != step.source:
        # Timers of the state left no longer apply.
        ScheduledTransition.objects.filter(order=order, done_at__isnull=True).update(done_at=now, outcome="superseded")
    _timers_schedule(order=order, process=process, now=now)
    follow = engine.automatic_next(process, state=order.state, facts=facts_for(order, now=now))
    if follow is not None:
        return _transition(order=order, actor=None, role=SYSTEM, name=follow, data={}, now=now)
    return order


# --- timers ---------------------------------------------------------------------------------------

def _timers_schedule(*, order: Order, process: Process, now: dt.datetime) -> list[ScheduledTransition]:
    due = engine.timers_on_enter(process, state=order.state, entered_at=now, placed_at=order.created_at,
                                 starts_at=order.starts_at,
                                 ends_at=order.ends_at, completed_at=order.completed_at,
                                 durations=durations_for(order))
    rows = ScheduledTransition.objects.bulk_create(
        ScheduledTransition(order=order, transition=d.transition, due_at=d.due_at) for d in due)
    if rows:
        moments = sorted({row.due_at for row in rows})
        transaction.on_commit(lambda: _timers_enqueue(moments))
    return rows


def _timers_enqueue(moments: list[dt.datetime]) -> None:
    from sharecity.market.orders.tasks import order_timers_fire, sweep_ensure

    for moment in moments:
        order_timers_fire.using(run_after=moment).enqueue()
    sweep_ensure()


def timers_fire(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Take every timed transition that is due (idempotent: each row is taken once; a transition the
    order can no longer take is marked skipped). Returns how many transitions were taken."""
    now = now or timezone.now()
    taken = 0
    # A step taken may set a timer that is already due (after downtime: complete, then pay out): go on
    # until nothing due is left, a few rounds at most.
    for _round in range(10):
        due = timers_due(now=now, limit=limit)
        if not due:
            break
        taken += sum(1 for timer_id in due if _timer_fire(timer_id=timer_id, now=now))
    return taken


@transaction.atomic
def _timer_fire(*, timer_id: int, now: dt.datetime) -> bool:
    # The order first, then its timer: the order in the same order as ``order_transition`` takes them
    # (it marks the order's timers superseded), so a timer and a person acting at once never deadlock.
    order_id = ScheduledTransition.objects.filter(pk=timer_id).values_list("order_id", flat=True).first()
    if order_id is None:
        return False
    order = _locked(Order(pk=order_id))
    timer = ScheduledTransition.objects.select_for_update().filter(pk=timer_id, done_at__isnull=True).first()
    if timer is None:
        return False
    # The step is dated when it fell due, as if the worker had been running all along: a sweep after
    # downtime completes a booking at its end and lets the next timers fall due from there.
    at = min(timer.due_at, now)
    try:
        with transaction.atomic():
            _transition(order=order, actor=None, role=SYSTEM, name=timer.transition, data={}, now=at)
    except ShareCityError:
        timer.done_at, timer.outcome = now, "skipped"
        timer.save(update_fields=["done_at", "outcome"])
        return False
    ScheduledTransition.objects.filter(pk=timer.pk, done_at__isnull=True).update(done_at=now, outcome="taken")
    return True


# --- task bidding ---------------------------------------------------------------------------------

@transaction.atomic
def task_post(*, actor: User, platform: Platform, customer: User, category, title: str, description: str,
              budget_fen: int, deadline: dt.datetime, district_code: str) -> TaskRequest:
    """A customer posts a task for verified providers to bid on."""
    title, description = title.strip(), description.strip()
    if not title or len(title) > 120:
        raise InvalidInput(_("A title has 1 to 120 characters."), field="title", code="order.invalid")
    if not description:
        raise InvalidInput(_("Describe the task."), field="description", code="order.invalid")
    if not isinstance(budget_fen, int) or budget_fen <= 0:
        raise InvalidInput(_("The budget is a positive amount."), field="budget_fen", code="order.invalid")
    deadline = require_aware(deadline)
    if deadline <= timezone.now():
        raise InvalidInput(_("The deadline must be in the future."), field="deadline", code="order.invalid")
    district_get(district_code, field="district_code")
    task = TaskRequest.objects.create(platform=platform, customer=customer, category=category, title=title,
                                      description=description, budget_fen=budget_fen, deadline=deadline,
                                      district_code=district_code)
    audit_record(actor=actor, action="order.task_post", target_type="task_request", target_id=task.public_id,
                 platform_id=platform.exchange_id, data={"budget_fen": budget_fen, "category": category.code})
    return task


@transaction.atomic
def bid_submit(*, actor: User, task: TaskRequest, provider: User, amount_fen: int, days: int,
               milestone_plan: list[dict], message: str = "", listing=None) -> Bid:
    """A verified provider bids on an open task with a price, a delivery time and a milestone plan.

    ``listing`` is the provider's own published listing the bid is made under; by default their
    newest published listing in the task's category on the platform, if any."""
    task = TaskRequest.objects.select_for_update().select_related("platform").get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise TaskClosed(_("This task no longer takes bids."), field="task_id")
    if provider.pk == task.customer_id:
        raise OwnListing(_("You cannot bid on your own task."), field="task_id")
    if provider_profile_for(provider) is None:
        raise NotVerified(_("Verify your real name before bidding."), field="provider")
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise InvalidOrder(_("The amount of a bid is positive."), field="amount_fen")
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise InvalidOrder(_("Delivery takes 1 to 365 days."), field="days")
    plan = []
    for item in milestone_plan or []:
        title = str(item.get("title", "")).strip()
        amount = item.get("amount_fen")
        if not title or not isinstance(amount, int) or amount <= 0:
            raise InvalidOrder(_("Each milestone has a title and a positive amount."), field="milestone_plan")
        plan.append({"title": title[:120], "amount_fen": amount})
    if not plan:
        plan = [{"title": task.title[:120], "amount_fen": amount_fen}]
    if sum(item["amount_fen"] for item in plan) != amount_fen:
        raise InvalidOrder(_("The milestones add up to the amount of the bid."), field="milestone_plan")
    if Bid.objects.filter(task=task, provider=provider).exists():
        raise InvalidOrder(_("You have already bid on this task."), field="task_id", code="order.bid_exists")
    if listing is None:
        from sharecity.market.listings.selectors import listings_of_provider

        listing = listings_of_provider(platform=task.platform, provider=provider, statuses=["published"]).filter(
            category=task.category).first()
    elif listing.provider_id != provider.pk or listing.platform_id != task.platform_id or listing.status != "published":
        raise InvalidOrder(_("A bid is made under one of your own published listings."), field="listing_id")
    bid = Bid.objects.create(task=task, provider=provider, listing=listing, amount_fen=amount_fen, days=days,
                             milestone_plan=plan, message=message.strip())
    audit_record(actor=actor, action="order.bid_submit", target_type="task_request", target_id=task.public_id,
                 platform_id=task.platform.exchange_id, data={"bid": bid.pk, "amount_fen": amount_fen})
    return bid


@transaction.atomic
def bid_accept(*, actor: User, bid: Bid) -> Order:
    """The customer accepts one bid: the task is awarded, the other bids are not chosen, and an order
    with the bid's milestones waits for the customer to fund the escrow."""
    task = TaskRequest.objects.select_for_update().select_related("platform", "category").get(pk=bid.task_id)
    if actor is None or actor.pk != task.customer_id:
        raise NotAParty(_("Only the customer who posted the task can accept a bid."), field="bid_id")
    if task.status != TaskStatus.OPEN:
        raise TaskClosed(_("This task has already been awarded or closed."), field="task_id")
    bid = Bid.objects.select_related("provider").get(pk=bid.pk)
    Bid.objects.filter(task=task).exclude(pk=bid.pk).update(status=BidStatus.REJECTED)
    bid.status = BidStatus.ACCEPTED
    bid.save(update_fields=["status"])
    task.status = TaskStatus.AWARDED
    task.save(update_fields=["status"])
    process = engine.process_get("task_bidding")
    now = timezone.now()
    order = Order.objects.create(
        platform=task.platform, task=task, listing=bid.listing, customer=task.customer, provider=bid.provider,
        process=process.code,
        state=process.initial, starts_at=now, ends_at=max(task.deadline, now + dt.timedelta(days=bid.days)),
        unit_price_fen=bid.amount_fen, units=1, subtotal_fen=bid.amount_fen, fees_fen=0, total_fen=bid.amount_fen,
        price_lines=[{"label_zh": item["title"], "label_en": item["title"], "fen": item["amount_fen"]}
                     for item in bid.milestone_plan],
        state_changed_at=now,
    )
    Milestone.objects.bulk_create(
        Milestone(order=order, position=n, title=item["title"], amount_fen=item["amount_fen"])
        for n, item in enumerate(bid.milestone_plan, start=1))
    _order_created(actor=actor, order=order, now=now)
    _timers_schedule(order=order, process=process, now=now)
    return order
