from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.evidence import evidence_files_check
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, fact_record
from sharecity.kernel.timeutil import CITY_TZ, city_datetime
from sharecity.kernel.workdays import add_workdays
from sharecity.market.accounts.selectors import party_key
from sharecity.market.complaints import errors
from sharecity.market.complaints.models import (
    Answer,
    Complaint,
    ComplaintCategory,
    ComplaintEvidence,
    ComplaintPolicy,
    ComplaintStatus,
    EscalatedTo,
    EscalationReason,
    Outcome,
    Remedy,
)
from sharecity.market.parking.errors import NotYourBooking
from sharecity.market.parking.models import Booking
from sharecity.market.parking.selectors import booking_party_role
from sharecity.market.parking.services import booking_refund
from sharecity.market.platforms.selectors import is_operator
from sharecity.market.reviews.orderlink import district_of, party_role

logger = logging.getLogger(__name__)

DEFAULT_ANSWER_HOURS = 48

# What a complainant's acceptance of an answer means as the complaint's outcome.
ACCEPTED_OUTCOME = {
    Answer.EXPLANATION: Outcome.SETTLED,
    Answer.FORWARDED_TO_PROVIDER: Outcome.SETTLED,
    Answer.REFUND_OFFERED: Outcome.UPHELD,
    Answer.REPLACEMENT_OFFERED: Outcome.UPHELD,
    Answer.COMPENSATION_OFFERED: Outcome.UPHELD,
    Answer.REJECTED: Outcome.REJECTED,
}


# --- the time limit ---------------------------------------------------------------------------------


def answer_due(*, platform, filed_at: dt.datetime) -> dt.datetime:
    """When the platform's answer to a complaint filed at ``filed_at`` is due, by its policy."""
    policy = ComplaintPolicy.objects.filter(platform=platform).first()
    if policy is not None and policy.answer_workdays:
        local = filed_at.astimezone(CITY_TZ)
        return city_datetime(add_workdays(local.date(), policy.answer_workdays), local.time().replace(tzinfo=None))
    hours = policy.answer_hours if policy is not None else DEFAULT_ANSWER_HOURS
    return filed_at + dt.timedelta(hours=hours)


@transaction.atomic
def complaint_policy_set(*, actor: User | None, platform, answer_hours: int = DEFAULT_ANSWER_HOURS,
                         answer_workdays: int | None = None) -> ComplaintPolicy:
    if actor is not None and not is_operator(user=actor, platform=platform):
        raise errors.NotOperator(_("Only the platform's operator staff may set its complaint policy."),
                                 field="platform")
    if isinstance(answer_hours, bool) or not isinstance(answer_hours, int) or not 1 <= answer_hours <= 24 * 15:
        raise InvalidInput(_("Answer complaints within 1 to 360 hours."), field="answer_hours",
                           code="complaint.invalid_policy")
    if answer_workdays is not None and not 1 <= answer_workdays <= 15:
        raise InvalidInput(_("Answer complaints within 1 to 15 working days."), field="answer_workdays",
                           code="complaint.invalid_policy")
    policy, _created = ComplaintPolicy.objects.update_or_create(
        platform=platform, defaults={"answer_hours": answer_hours, "answer_workdays": answer_workdays})
    audit_record(actor=actor, action="complaint.policy_set", target_type="platform", target_id=platform.exchange_id,
                 platform_id=platform.exchange_id,
                 data={"answer_hours": answer_hours, "answer_workdays": answer_workdays})
    return policy


# --- filing ------------------------------------------------------------------------------------------


def _check_terms(*, category: str, description: str, remedy: str) -> str:
    if category not in ComplaintCategory.values:
        raise InvalidInput(_("Choose a complaint category."), field="category")
    if remedy not in Remedy.values:
        raise InvalidInput(_("Choose the remedy you want."), field="remedy")
    description = (description or "").strip()
    if not 5 <= len(description) <= 2000:
        raise InvalidInput(_("Describe what happened in 5 to 2000 characters."), field="description")
    return description


@transaction.atomic
def complaint_file(*, actor: User, booking: Booking, category: str, description: str, remedy: str) -> Complaint:
    """A customer's complaint about a parking booking."""
    if booking_party_role(booking=booking, user=actor) != "customer":
        raise NotYourBooking(_("You can only complain about your own bookings."), field="booking_id")
    description = _check_terms(category=category, description=description, remedy=remedy)
    now = timezone.now()
    complaint = Complaint.objects.create(platform=booking.platform, booking=booking, complainant=actor,
                                         category=category, description=description, remedy=remedy,
                                         answer_due_at=answer_due(platform=booking.platform, filed_at=now))
    fact_record(
        actor=actor, action="complaint.file", target_type="complaint", target_id=complaint.public_id,
        platform_id=booking.platform.exchange_id, message_type="complaint.filed",
        payload=payload_build("complaint.filed", complaint_id=str(complaint.public_id),
                              order_id=str(booking.public_id), district=booking.space.district_code,
                              category=category, complainant_key=party_key(actor)),
        audit_data={"category": category, "remedy": remedy},
    )
    return complaint


def evidence_check(files) -> list[tuple[object, str]]:
    """The files with the content type their first bytes show; InvalidEvidence naming the rule otherwise."""
    return evidence_files_check(files, error=errors.InvalidEvidence)


@transaction.atomic
def complaint_file_order(*, actor: User, order, category: str, description: str, remedy: str, evidence=(),
                         now: dt.datetime | None = None) -> Complaint:
    """A complaint by either side of an order, with evidence files; the platform must answer by its limit."""
    now = now or timezone.now()
    if party_role(order=order, user=actor) not in ("customer", "provider"):
        raise errors.NotAParty(_("You can only complain about your own orders."), field="order_id")
    description = _check_terms(category=category, description=description, remedy=remedy)
    checked = evidence_check(evidence)
    complaint = Complaint.objects.create(platform=order.platform, order=order, complainant=actor, category=category,
                                         description=description, remedy=remedy,
                                         answer_due_at=answer_due(platform=order.platform, filed_at=now))
    for upload, content_type in checked:
        item = ComplaintEvidence(complaint=complaint, name=(getattr(upload, "name", "") or "evidence")[-200:],
                                 content_type=content_type, size=upload.size)
        item.file.save("evidence", upload, save=False)
        item.save()
    fact_record(
        actor=actor, action="complaint.file", target_type="complaint", target_id=complaint.public_id,
        platform_id=order.platform.exchange_id, message_type="complaint.filed",
        payload=payload_build("complaint.filed", complaint_id=str(complaint.public_id), order_id=str(order.public_id),
                              district=district_of(order), category=category, complainant_key=party_key(actor)),
        audit_data={"category": category, "remedy": remedy, "evidence": len(checked),
                    "answer_due_at": complaint.answer_due_at.isoformat()},
    )
    return complaint


# --- answering, escalating, resolving -----------------------------------------------------------------


def _district(complaint: Complaint) -> str:
    if complaint.referral_id:
        return complaint.referral_district
    return district_of(complaint.order) if complaint.order_id else complaint.booking.space.district_code


def _locked(complaint: Complaint) -> Complaint:
    return (Complaint.objects.select_for_update(of=("self",))
            .select_related("platform", "order__listing", "booking__space").get(pk=complaint.pk))


def _require_operator(actor, complaint: Complaint) -> None:
    if not is_operator(user=actor, platform=complaint.platform):
        raise errors.NotOperator(_("Only the platform's operator staff may do this."), field="complaint_id")


@transaction.atomic
def complaint_answer(*, actor: User, complaint: Complaint, answer: str, text: str,
                     now: dt.datetime | None = None) -> Complaint:
    """The platform's substantive answer to the complainant (reported as ``complaint.answered``)."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    _require_operator(actor, complaint)
    if complaint.status != ComplaintStatus.FILED:
        raise errors.WrongStatus(_("This complaint has already been answered."), field="complaint_id")
    if answer not in Answer.values:
        raise InvalidInput(_("Choose what the answer is."), field="answer", code="complaint.invalid")
    text = (text or "").strip()
    if not 5 <= len(text) <= 2000:
        raise InvalidInput(_("Write the answer in 5 to 2000 characters."), field="text", code="complaint.invalid")
    complaint.status, complaint.answered_at, complaint.answered_by = ComplaintStatus.ANSWERED, now, actor
    complaint.answer, complaint.answer_text = answer, text
    complaint.save(update_fields=["status", "answered_at", "answered_by", "answer", "answer_text"])
    fact_record(
        actor=actor, action="complaint.answer", target_type="complaint", target_id=complaint.public_id,
        platform_id=complaint.platform.exchange_id, message_type="complaint.answered",
        payload=payload_build("complaint.answered", complaint_id=str(complaint.public_id),
                              district=_district(complaint), answered_at=now, answer=answer,
                              referral_id=complaint.referral_id or None),
        audit_data={"answer": answer, "text": text,
                    "late": bool(complaint.answer_due_at and now > complaint.answer_due_at)},
    )
    return complaint


def _require_complainant(actor, complaint: Complaint) -> None:
    if getattr(actor, "pk", None) != complaint.complainant_id:
        raise errors.NotComplainant(_("Only the person who filed the complaint may do this."), field="complaint_id")


def _resolve(*, actor, complaint: Complaint, outcome: str, now: dt.datetime, refund_fen: int = 0,
             compensation_fen: int = 0, satisfied: bool | None = None, note: str = "") -> Complaint:
    complaint.status, complaint.resolved_at, complaint.outcome = ComplaintStatus.RESOLVED, now, outcome
    complaint.refund_fen, complaint.compensation_fen = refund_fen, compensation_fen
    complaint.complainant_satisfied = satisfied
    complaint.save(update_fields=["status", "resolved_at", "outcome", "refund_fen", "compensation_fen",
                                  "complainant_satisfied"])
    fact_record(
        actor=actor, action="complaint.resolve", target_type="complaint", target_id=complaint.public_id,
        platform_id=complaint.platform.exchange_id, message_type="complaint.resolved",
        payload=payload_build("complaint.resolved", complaint_id=str(complaint.public_id),
                              district=_district(complaint), resolved_at=now, outcome=outcome, refund_fen=refund_fen,
                              compensation_fen=compensation_fen, complainant_satisfied=satisfied,
                              referral_id=complaint.referral_id or None),
        audit_data={"note": note} if note else None,
    )
    return complaint


@transaction.atomic
def complaint_accept(*, actor: User, complaint: Complaint, now: dt.datetime | None = None) -> Complaint:
    """The complainant accepts the platform's answer: the complaint is resolved, to their satisfaction."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    _require_complainant(actor, complaint)
    if complaint.status != ComplaintStatus.ANSWERED or complaint.answer_refused_at is not None:
        raise errors.WrongStatus(_("Only an answer you have not refused can be accepted."), field="complaint_id")
    return _resolve(actor=actor, complaint=complaint, outcome=ACCEPTED_OUTCOME[complaint.answer], now=now,
                    satisfied=True)


@transaction.atomic
def complaint_refuse(*, actor: User, complaint: Complaint, now: dt.datetime | None = None) -> Complaint:
    """The complainant refuses the platform's answer (and may then escalate)."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    _require_complainant(actor, complaint)
    if complaint.status != ComplaintStatus.ANSWERED or complaint.answer_refused_at is not None:
        raise errors.WrongStatus(_("Only an answer not yet accepted or refused can be refused."),
                                 field="complaint_id")
    complaint.answer_refused_at = now
    complaint.save(update_fields=["answer_refused_at"])
    audit_record(actor=actor, action="complaint.refuse_answer", target_type="complaint",
                 target_id=complaint.public_id, platform_id=complaint.platform.exchange_id)
    return complaint


def escalation_reason(*, complaint: Complaint, now: dt.datetime | None = None) -> str | None:
    """Why the complainant may take the complaint to the city now, or None if they may not (yet)."""
    now = now or timezone.now()
    if complaint.status == ComplaintStatus.FILED and complaint.answer_due_at and now > complaint.answer_due_at:
        return EscalationReason.UNANSWERED_IN_TIME
    if complaint.status == ComplaintStatus.ANSWERED and complaint.answer_refused_at is not None:
        return EscalationReason.NOT_SATISFIED
    return None


@transaction.atomic
def complaint_escalate(*, actor: User, complaint: Complaint, escalated_to: str = EscalatedTo.MARKET_REGULATOR,
                       now: dt.datetime | None = None) -> Complaint:
    """The complainant takes the complaint to the city (reported as ``complaint.escalated``): allowed once
    the platform's time to answer has passed without an answer, or after refusing its answer."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    _require_complainant(actor, complaint)
    if escalated_to not in EscalatedTo.values:
        raise InvalidInput(_("Choose where to take the complaint."), field="escalated_to", code="complaint.invalid")
    reason = escalation_reason(complaint=complaint, now=now)
    if reason is None:
        if complaint.status == ComplaintStatus.FILED:
            due = f"{complaint.answer_due_at.astimezone(CITY_TZ):%Y-%m-%d %H:%M}"
            message = _("The platform has until %(due)s to answer; "
                        "you can escalate if it has not answered by then.") % {"due": due}
        elif complaint.status == ComplaintStatus.ANSWERED:
            message = _("Refuse the platform's answer first if you are not satisfied with it.")
        else:
            message = _("This complaint is already %(status)s.") % {"status": complaint.get_status_display()}
        raise errors.NotEscalable(message, field="complaint_id")
    complaint.status, complaint.escalated_at = ComplaintStatus.ESCALATED, now
    complaint.escalated_to, complaint.escalation_reason = escalated_to, reason
    complaint.save(update_fields=["status", "escalated_at", "escalated_to", "escalation_reason"])
    fact_record(
        actor=actor, action="complaint.escalate", target_type="complaint", target_id=complaint.public_id,
        platform_id=complaint.platform.exchange_id, message_type="complaint.escalated",
        payload=payload_build("complaint.escalated", complaint_id=str(complaint.public_id),
                              district=_district(complaint), escalated_at=now, escalated_to=escalated_to,
                              reason=reason),
    )
    return complaint


# An outcome that gives the complainant money back; a rejected or withdrawn complaint refunds nothing.
REFUNDING_OUTCOMES = (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.SETTLED)


def _refund(*, actor, complaint: Complaint, outcome: str, refund_fen: int, note: str, now: dt.datetime) -> None:
    """Move the refund of a complaint about an order or a parking booking through the ledger, to its customer
    (the orders and parking contexts refund once per complaint and report it as ``order.refunded``). A
    complaint the city referred has no order here: its refund is settled with the complainant and only
    reported."""
    if outcome not in REFUNDING_OUTCOMES:
        raise InvalidInput(_("A refund goes with an upheld, partly upheld or settled complaint."),
                           field="refund_fen", code="complaint.invalid")
    if complaint.booking_id is not None:
        if complaint.complainant_id is not None and complaint.complainant_id != complaint.booking.customer_id:
            raise InvalidInput(_("A refund goes back to the customer; this complaint was filed by the provider."),
                               field="refund_fen", code="complaint.invalid")
        booking_refund(actor=actor, booking=complaint.booking, amount_fen=refund_fen,
                       complaint_id=str(complaint.public_id), now=now)
        return
    if complaint.order_id is None:
        return
    order = complaint.order
    if complaint.complainant_id is not None and complaint.complainant_id != order.customer_id:
        raise InvalidInput(_("A refund goes back to the customer; this complaint was filed by the provider."),
                           field="refund_fen", code="complaint.invalid")
    from sharecity.market.orders.services import order_refund

    order_refund(actor=actor, order=order, amount_fen=refund_fen, kind="complaint",
                 source_id=str(complaint.public_id), note=(note or "").strip()[:300], field="refund_fen", now=now)


@transaction.atomic
def complaint_resolve(*, actor: User, complaint: Complaint, outcome: str, refund_fen: int = 0,
                      compensation_fen: int = 0, note: str = "", now: dt.datetime | None = None) -> Complaint:
    """The operator closes a complaint with its outcome (reported as ``complaint.resolved``)."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    _require_operator(actor, complaint)
    if complaint.status == ComplaintStatus.RESOLVED:
        raise errors.WrongStatus(_("This complaint is already resolved."), field="complaint_id")
    if outcome not in Outcome.values:
        raise InvalidInput(_("Choose the outcome."), field="outcome", code="complaint.invalid")
    for name, value in (("refund_fen", refund_fen), ("compensation_fen", compensation_fen)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput(_("An amount is a whole, non-negative number of fen."), field=name,
                               code="complaint.invalid")
    if refund_fen:
        _refund(actor=actor, complaint=complaint, outcome=outcome, refund_fen=refund_fen, note=note, now=now)
    return _resolve(actor=actor, complaint=complaint, outcome=outcome, now=now, refund_fen=refund_fen,
                    compensation_fen=compensation_fen, note=(note or "").strip()[:2000])


# --- referred by the city's third-party complaint platform ------------------------------------------------

# The third-party platform's categories and wanted outcomes, in this platform's terms.
REFERRAL_CATEGORY = {"not_as_described": ComplaintCategory.NOT_AS_DESCRIBED, "price": ComplaintCategory.PRICE,
                     "refund": ComplaintCategory.PRICE, "safety": ComplaintCategory.SAFETY,
                     "privacy": ComplaintCategory.PRIVACY, "service": ComplaintCategory.OTHER,
                     "other": ComplaintCategory.OTHER}
REFERRAL_REMEDY = {"refund": Remedy.REFUND, "compensation": Remedy.OTHER, "apology": Remedy.APOLOGY,
                   "fix": Remedy.FIX, "other": Remedy.OTHER}


def complaint_from_referral(*, platform, message_id, payload) -> Complaint:
    """A ``complaint.referred`` directive becomes a complaint in the operator's queue, due by the directive's
    deadline (the platform committed to settle through online dispute resolution, 《电子商务法》第六十三条).
    Called inside the transaction that takes the directive; a second delivery finds the complaint made."""
    existing = Complaint.objects.filter(referral_message_id=message_id).first()
    if existing is not None:
        return existing
    complaint = Complaint.objects.create(
        platform=platform, complainant=None, category=REFERRAL_CATEGORY[payload.category],
        description=payload.description[:2000], remedy=REFERRAL_REMEDY[payload.desired_outcome],
        answer_due_at=payload.deadline, referral_id=payload.referral_id, referral_message_id=message_id,
        referral_district=payload.district)
    audit_record(actor=None, actor_label=payload.issued_by[:150], action="complaint.referred",
                 target_type="complaint", target_id=complaint.public_id, platform_id=platform.exchange_id,
                 data={"referral_id": payload.referral_id, "deadline": payload.deadline.isoformat()})
    return complaint


def complaint_withdrawn_by_referral(*, platform, payload) -> Complaint | None:
    """A ``complaint.withdrawn`` directive: the complainant withdrew a complaint the city's third-party
    complaint platform had referred here. Its case closes as withdrawn (reported back as ``complaint.resolved``
    naming the referral). Called inside the transaction that takes the directive; a complaint already
    resolved, or a referral this platform never received, changes nothing (None for the latter)."""
    complaint = (Complaint.objects.select_for_update()
                 .filter(platform=platform, referral_id=payload.referral_id).order_by("-created_at").first())
    if complaint is None:
        logger.warning("withdrawal of unknown referral %s for %s ignored", payload.referral_id, platform.slug)
        return None
    if complaint.status == ComplaintStatus.RESOLVED:
        return complaint
    return _resolve(actor=None, complaint=complaint, outcome=Outcome.WITHDRAWN, now=payload.withdrawn_at,
                    note=_("Withdrawn by the complainant on the city's third-party complaint platform."))


@transaction.atomic
def odr_commitment_state(*, actor: User, platform, committed: bool, now: dt.datetime | None = None) -> None:
    """The platform tells the city whether it commits to online dispute resolution (``odr.commitment``): the
    city's third-party complaint platform then sends it complaints about it to settle."""
    if not is_operator(user=actor, platform=platform):
        raise errors.NotOperator(_("Only the platform's operator staff may state this."), field="platform")
    if not isinstance(committed, bool):
        raise InvalidInput(_("Say yes or no."), field="committed", code="complaint.invalid")
    now = now or timezone.now()
    ComplaintPolicy.objects.update_or_create(platform=platform, defaults={"odr_committed": committed})
    fact_record(actor=actor, action="complaint.odr_commitment", target_type="platform", target_id=platform.exchange_id,
                platform_id=platform.exchange_id, message_type="odr.commitment",
                payload=payload_build("odr.commitment", committed=committed, stated_at=now))
