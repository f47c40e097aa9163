"""Writes of the third-party complaint platform (第三方投诉平台, 厦府办〔2019〕13号 四(一)3). Each is atomic,
in the hub's audit log, and leaves a notice the complainant reads with the tracking code.

Course of a complaint: filed → (within the acceptance limit) accepted or refused with a reason → accepted
about a platform committed to online dispute resolution: sent to it through the exchange (directive
``complaint.referred``), to settle within the ODR limit; a failed or late answer returns it to the
association's mediation → mediation ends within the mediation limit of acceptance: settled, mediation failed,
or referred to market supervision as a report of a violation (an enforcement case). The complainant may
withdraw at any time before it is closed. The limits are data (``TimeLimit``), in working days on the
official calendar.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.audit.services import audit_record
from sharecity.hub.complaints import errors
from sharecity.hub.complaints.models import (
    AssociationStaff,
    Category,
    DesiredOutcome,
    Evidence,
    Notice,
    OdrCommitment,
    Outcome,
    Source,
    Status,
    ThirdPartyComplaint,
)
from sharecity.hub.complaints.selectors import (
    Viewer,
    complaint_track,
    limit_in_force,
    odr_committed,
    secret_hash,
    staff_of,
    viewer_for,
)
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.registry.selectors import registered_platform_get
from sharecity.kernel.crypto import encrypt_text
from sharecity.kernel.districts import CITIES, DISTRICTS
from sharecity.kernel.errors import Forbidden
from sharecity.kernel.evidence import evidence_files_check
from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ, city_datetime
from sharecity.kernel.workdays import add_workdays

logger = logging.getLogger(__name__)

DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 2000
NOTE_MAX = 2000
CONTACT_MAX = 80
_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,200}\.[^@\s]{2,}$")
# Tracking codes: letters and digits that cannot be mistaken for each other on a phone's screen.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# A working-day limit runs to the end of its last day in city time.
END_OF_DAY = dt.time(23, 59, 59)
ASSOCIATION_LEGAL_REFERENCE = ("《中华人民共和国电子商务法》第六十条、第六十三条；"
                               "《厦门市促进共享经济健康发展实施方案》(厦府办〔2019〕13号)四(一)3")


def _text(value, *, field: str, max_length: int, min_length: int = 1, multiline: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise errors.InvalidComplaint(_("Expected text."), field=field)
    value = value.strip()
    if len(value) < min_length:
        raise errors.InvalidComplaint(_("Write at least %(n)d characters.") % {"n": min_length}, field=field)
    if len(value) > max_length:
        raise errors.InvalidComplaint(_("At most %(n)d characters.") % {"n": max_length}, field=field)
    if (_TEXT_BAD if multiline else _LINE_BAD).search(value):
        raise errors.InvalidComplaint(_("Control characters are not allowed."), field=field)
    return value


def _choice(value, choices, *, field: str) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise errors.InvalidComplaint(_("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)},
                                      field=field)
    return value


def due(kind: str, *, start: dt.datetime) -> dt.datetime:
    """The end (23:59:59 city time) of the last working day of the limit ``kind`` in force on ``start``'s
    day, counted from the day after ``start`` on the official holiday calendar."""
    day = start.astimezone(CITY_TZ).date()
    limit = limit_in_force(kind, on=day)
    return city_datetime(add_workdays(day, limit.workdays), END_OF_DAY)


def contact_mask(contact: str) -> str:
    if "@" in contact:
        name, _at, domain = contact.partition("@")
        return f"{name[:1]}***@{domain}"
    digits = re.sub(r"[^0-9+]", "", contact)
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 8 else "****"


def _contact(value) -> str:
    contact = _text(value, field="contact", max_length=CONTACT_MAX, min_length=6)
    if not (_PHONE.fullmatch(contact) or _EMAIL.fullmatch(contact)):
        raise errors.InvalidComplaint(_("Give a telephone number or an e-mail address."), field="contact")
    return contact


def evidence_check(files) -> list[tuple[object, str]]:
    """The files with the content type their first bytes show; InvalidEvidence naming the rule otherwise."""
    return evidence_files_check(files, error=errors.InvalidEvidence)


def _tell(complaint: ThirdPartyComplaint, *, kind: str, zh: str, en: str, now: dt.datetime) -> Notice:
    """The notice the complainant reads on the tracking page (the record of what they were told)."""
    return Notice.objects.create(complaint=complaint, at=now, kind=kind, text_zh=zh, text_en=en)


def _audit(complaint: ThirdPartyComplaint, *, actor: User | None, action: str, detail: dict, now: dt.datetime,
           actor_label: str = "") -> None:
    audit_record(actor=actor, actor_label=actor_label, action=f"tpc.{action}", object_type="tpc_complaint",
                 object_id=complaint.public_id, detail={"tracking_code": complaint.tracking_code, **detail},
                 now=now, city_code=complaint.city_code, district_code=complaint.district_code)


def _day(moment: dt.datetime) -> str:
    return f"{moment.astimezone(CITY_TZ):%Y-%m-%d}"


def _new_code() -> str:
    while True:
        code = "TS" + "".join(secrets.choice(_CODE_ALPHABET) for _i in range(10))
        if not ThirdPartyComplaint.objects.filter(tracking_code=code).exists():
            return code


# --- staff ---------------------------------------------------------------------------------------------------


@transaction.atomic
def association_staff_set(*, actor: User | None, user: User, association: str, city_code: str) -> AssociationStaff:
    """Make ``user`` staff of the association that runs ``city_code``'s platform (a hub operator's act)."""
    if actor is not None and not actor.is_staff:
        raise Forbidden(_("Only hub operators appoint association staff."), field=None, code="tpc.operators_only")
    association = _text(association, field="association", max_length=120)
    if city_code not in CITIES:
        raise errors.InvalidComplaint(_("Unknown city code."), field="city_code")
    staff, _created = AssociationStaff.objects.update_or_create(
        user=user, defaults={"association": association, "city_code": city_code})
    audit_record(actor=actor, action="tpc.staff_set", object_type="tpc_staff", object_id=user.pk,
                 detail={"association": association, "city_code": city_code}, city_code=city_code)
    return staff


def _staff_for(actor, complaint_id) -> tuple[AssociationStaff, ThirdPartyComplaint]:
    """The acting association staff and the complaint, locked. Someone who may not see the complaint gets the
    404 an unknown id gets; a regulator who reads it is told only the association decides (403)."""
    from sharecity.hub.complaints.selectors import complaint_get

    viewer = viewer_for(actor)
    if viewer is None:
        raise errors.ComplaintNotFound(_("No such complaint."), field="public_id")
    complaint = complaint_get(viewer=viewer, public_id=complaint_id)
    if not viewer.decides(complaint):
        raise errors.NotAssociationStaff(_("Only the association's staff decide on complaints."), field=None)
    complaint = ThirdPartyComplaint.objects.select_for_update().get(pk=complaint.pk)
    assert viewer.staff is not None
    return viewer.staff, complaint


def _expect(complaint: ThirdPartyComplaint, *states: str) -> None:
    if complaint.status not in states:
        raise errors.WrongStatus(_("This complaint is %(status)s: that cannot be done now.")
                                 % {"status": complaint.get_status_display()}, field="status")


# --- filing and tracking -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filed:
    complaint: ThirdPartyComplaint
    secret: str  # shown once, to the complainant; only its keyed hash is kept


@transaction.atomic
def complaint_file(*, platform_id, district_code, category, description, desired_outcome, contact, evidence=(),
                   now: dt.datetime | None = None) -> Filed:
    """Anyone files a complaint about a platform operating in the city of ``district_code``; no account."""
    now = now or timezone.now()
    district = DISTRICTS.get(district_code) if isinstance(district_code, str) else None
    if district is None:
        raise errors.InvalidComplaint(_("Choose the district where it happened."), field="district_code")
    if not isinstance(platform_id, str) or len(platform_id) > 64 or registered_platform_get(
            platform_id=platform_id) is None or not Jurisdiction(
            city_code=district.city_code).covers_platform(platform_id):
        raise errors.InvalidComplaint(_("Choose a platform operating in the city."), field="platform_id")
    category = _choice(category, Category, field="category")
    desired_outcome = _choice(desired_outcome, DesiredOutcome, field="desired_outcome")
    description = _text(description, field="description", max_length=DESCRIPTION_MAX, min_length=DESCRIPTION_MIN,
                        multiline=True)
    contact = _contact(contact)
    checked = evidence_check(evidence)
    secret = secrets.token_urlsafe(12)
    code = _new_code()
    complaint = ThirdPartyComplaint.objects.create(
        tracking_code=code, secret_hash=secret_hash(secret), source=Source.PUBLIC, city_code=district.city_code,
        district_code=district_code, platform_id=platform_id, category=category, description=description,
        desired_outcome=desired_outcome, contact_encrypted=encrypt_text(contact, context=f"tpc.contact:{code}"),
        contact_masked=contact_mask(contact), filed_at=now, acceptance_due=due("acceptance", start=now))
    for upload, content_type in checked:
        item = Evidence(complaint=complaint, name=(getattr(upload, "name", "") or "evidence")[-200:],
                        content_type=content_type, size=upload.size)
        item.file.save("evidence", upload, save=False)
        item.save()
    _audit(complaint, actor=None, actor_label="complainant", action="filed", now=now,
           detail={"platform_id": platform_id, "category": category, "evidence": len(checked),
                   "acceptance_due": complaint.acceptance_due.isoformat()})
    _tell(complaint, kind="filed", now=now,
          zh=f"投诉已收到。协会将于 {_day(complaint.acceptance_due)} 前决定是否受理。",
          en=f"Your complaint was received. The association decides by {_day(complaint.acceptance_due)} "
             "whether to accept it.")
    return Filed(complaint=complaint, secret=secret)


@transaction.atomic
def complaint_withdraw(*, code, secret, now: dt.datetime | None = None) -> ThirdPartyComplaint:
    """The complainant withdraws (tracking code and secret); a wrong pair is the same 404 as an unknown code."""
    now = now or timezone.now()
    complaint = complaint_track(code=code, secret=secret)
    complaint = ThirdPartyComplaint.objects.select_for_update().get(pk=complaint.pk)
    _expect(complaint, Status.FILED, Status.WITH_PLATFORM, Status.MEDIATION)
    with_platform = complaint.status == Status.WITH_PLATFORM
    _close(complaint, outcome=Outcome.WITHDRAWN, note="", now=now)
    _audit(complaint, actor=None, actor_label="complainant", action="withdrawn", now=now, detail={})
    if with_platform:
        _withdrawal_send(complaint, now=now)
    _tell(complaint, kind="withdrawn", now=now, zh="您已撤回投诉。", en="You withdrew the complaint.")
    return complaint


def _withdrawal_send(complaint: ThirdPartyComplaint, *, now: dt.datetime) -> None:
    """Tell the platform a complaint it holds under online dispute resolution was withdrawn (directive
    ``complaint.withdrawn`` down the exchange, from the association that referred it), so it closes its side;
    it acknowledges by the end of the next working day."""
    from sharecity.hub.directives.models import Directive
    from sharecity.hub.directives.services import directive_send_for

    referral = Directive.objects.filter(message_id=complaint.referral_message_id).first()
    department = referral.department if referral is not None else "共享经济第三方投诉平台"
    directive = directive_send_for(
        actor=None, department=department, platform_id=complaint.platform_id, directive_type="complaint.withdrawn",
        now=now, city_code=complaint.city_code,
        deadline=city_datetime(add_workdays(now.astimezone(CITY_TZ).date(), 1), END_OF_DAY),
        legal_reference=ASSOCIATION_LEGAL_REFERENCE, referral_id=str(complaint.public_id), withdrawn_at=now)
    _audit(complaint, actor=None, actor_label="complainant", action="withdrawal_sent_to_platform", now=now,
           detail={"platform_id": complaint.platform_id, "message_id": str(directive.message_id)})


def _close(complaint: ThirdPartyComplaint, *, outcome: str, note: str, now: dt.datetime) -> None:
    complaint.status, complaint.outcome, complaint.outcome_note, complaint.closed_at = (
        Status.CLOSED, outcome, note, now)
    complaint.save(update_fields=["status", "outcome", "outcome_note", "closed_at"])


# --- decisions ---------------------------------------------------------------------------------------------------


@transaction.atomic
def complaint_accept(*, actor: User, complaint_id, now: dt.datetime | None = None) -> ThirdPartyComplaint:
    """Accept: mediation must end within the mediation limit; a platform committed to online dispute
    resolution receives the complaint through the exchange at once."""
    now = now or timezone.now()
    staff, complaint = _staff_for(actor, complaint_id)
    _expect(complaint, Status.FILED)
    complaint.decided_at = complaint.accepted_at = now
    complaint.mediation_due = due("mediation", start=now)
    complaint.status = Status.MEDIATION
    complaint.save(update_fields=["decided_at", "accepted_at", "mediation_due", "status"])
    _audit(complaint, actor=actor, action="accepted", now=now,
           detail={"mediation_due": complaint.mediation_due.isoformat(), "late": now > complaint.acceptance_due})
    _tell(complaint, kind="accepted", now=now,
          zh=f"投诉已受理。调解将于 {_day(complaint.mediation_due)} 前结束。",
          en=f"Your complaint was accepted. Mediation ends by {_day(complaint.mediation_due)}.")
    if odr_committed(platform_id=complaint.platform_id, city_code=complaint.city_code):
        _refer(complaint, staff=staff, actor=actor, now=now)
    return complaint


def _refer(complaint: ThirdPartyComplaint, *, staff: AssociationStaff, actor: User | None, now: dt.datetime) -> None:
    """Send the complaint to the platform that committed to online dispute resolution (directive down the
    exchange), to settle within the ODR limit."""
    from sharecity.hub.directives.services import directive_send_for

    platform_due = due("odr_settlement", start=now)
    directive = directive_send_for(
        actor=actor, department=staff.association, platform_id=complaint.platform_id,
        directive_type="complaint.referred", now=now, city_code=complaint.city_code, deadline=platform_due,
        legal_reference=ASSOCIATION_LEGAL_REFERENCE, referral_id=str(complaint.public_id),
        district=complaint.district_code, category=complaint.category,
        description=complaint.description or _("Escalated by the platform's complainant; see the platform's record."),
        desired_outcome=complaint.desired_outcome, evidence_files=complaint.evidence.count())
    complaint.status, complaint.referred_at, complaint.platform_due = Status.WITH_PLATFORM, now, platform_due
    complaint.referral_message_id = directive.message_id
    complaint.save(update_fields=["status", "referred_at", "platform_due", "referral_message_id"])
    _audit(complaint, actor=actor, action="referred_to_platform", now=now,
           detail={"platform_id": complaint.platform_id, "message_id": str(directive.message_id),
                   "platform_due": platform_due.isoformat()})
    _tell(complaint, kind="with_platform", now=now,
          zh=f"平台已承诺在线解决纠纷，投诉已转交平台处理，平台应于 {_day(platform_due)} 前和解；"
             "否则由协会调解。",
          en=f"The platform committed to online dispute resolution: your complaint went to it, to settle by "
             f"{_day(platform_due)}; otherwise the association mediates.")


@transaction.atomic
def complaint_refuse(*, actor: User, complaint_id, reason, now: dt.datetime | None = None) -> ThirdPartyComplaint:
    """Refuse, with the reason the complainant is told."""
    now = now or timezone.now()
    _staff, complaint = _staff_for(actor, complaint_id)
    reason = _text(reason, field="reason", max_length=NOTE_MAX, min_length=5, multiline=True)
    _expect(complaint, Status.FILED)
    complaint.status, complaint.decided_at, complaint.refusal_reason = Status.REFUSED, now, reason
    complaint.closed_at = now
    complaint.save(update_fields=["status", "decided_at", "refusal_reason", "closed_at"])
    _audit(complaint, actor=actor, action="refused", now=now,
           detail={"reason": reason, "late": now > complaint.acceptance_due})
    _tell(complaint, kind="refused", now=now, zh=f"投诉不予受理。理由：{reason}",
          en=f"Your complaint was not accepted. Reason: {reason}")
    return complaint


CLOSING = {Outcome.SETTLED: ("调解达成协议，投诉办结。", "Mediation reached an agreement; the complaint is closed."),
           Outcome.MEDIATION_FAILED: ("调解未能达成协议，终止调解。您可依法申请仲裁或者向人民法院起诉。",
                                      "Mediation reached no agreement and has ended. You may go to arbitration or "
                                      "to court."),
           Outcome.REFERRED: ("投诉涉及违法行为，已作为举报移送市场监督管理部门。",
                              "The complaint points to a violation and was passed to market supervision as a "
                              "report."),
           Outcome.WITHDRAWN: ("投诉已撤回。", "The complaint was withdrawn.")}


@transaction.atomic
def complaint_close(*, actor: User, complaint_id, outcome, note="", now: dt.datetime | None = None
                    ) -> ThirdPartyComplaint:
    """End mediation with its outcome. ``referred_to_regulator`` opens an enforcement case held by market
    supervision (a report of a violation, 《市场监督管理投诉举报处理暂行办法》: 举报)."""
    now = now or timezone.now()
    _staff, complaint = _staff_for(actor, complaint_id)
    outcome = _choice(outcome, Outcome, field="outcome")
    note = _text(note, field="note", max_length=NOTE_MAX, min_length=0, multiline=True)
    _expect(complaint, Status.MEDIATION, Status.WITH_PLATFORM)
    if outcome == Outcome.REFERRED:
        from sharecity.hub.enforcement.services import case_open

        case = case_open(
            actor=None, city_code=complaint.city_code, district_code=complaint.district_code,
            department="market_supervision", source_kind="complaint", source_ref=f"tpc:{complaint.tracking_code}",
            subject_kind="platform", subject_ref=complaint.platform_id, platform_id=complaint.platform_id,
            summary=(f"第三方投诉平台移送：{complaint.get_category_display()}。{complaint.description}"
                     f"{' ' + note if note else ''}")[:2000], now=now)
        complaint.case_ref = str(case.public_id)
        complaint.save(update_fields=["case_ref"])
    _close(complaint, outcome=outcome, note=note, now=now)
    _audit(complaint, actor=actor, action="closed", now=now,
           detail={"outcome": outcome, "note": note, "case": complaint.case_ref})
    zh, en = CLOSING[Outcome(outcome)]
    _tell(complaint, kind=f"closed_{outcome}", now=now, zh=zh, en=en)
    return complaint


@transaction.atomic
def platform_response_record(*, actor: User, complaint_id, now: dt.datetime | None = None) -> ThirdPartyComplaint:
    """The association records that the platform responded in mediation (for its response rate)."""
    now = now or timezone.now()
    _staff, complaint = _staff_for(actor, complaint_id)
    _expect(complaint, Status.MEDIATION, Status.WITH_PLATFORM)
    if complaint.platform_responded_at is None:
        complaint.platform_responded_at = now
        complaint.save(update_fields=["platform_responded_at"])
        _audit(complaint, actor=actor, action="platform_responded", now=now, detail={"via": "mediation"})
    return complaint


@transaction.atomic
def odr_commitment_set(*, actor: User | None, platform_id, committed: bool, city_code: str | None = None,
                       changed_by: str = "", now: dt.datetime | None = None) -> OdrCommitment:
    """Record a platform's commitment to online dispute resolution in the staff's city (or, without an actor,
    in ``city_code``, e.g. a commitment the platform stated through the exchange)."""
    now = now or timezone.now()
    if actor is not None:
        staff = staff_of(actor)
        if staff is None:
            raise errors.NotAssociationStaff(_("Only the association's staff record commitments."), field=None)
        city_code, changed_by = staff.city_code, actor.get_username()
    if city_code not in CITIES:
        raise errors.InvalidComplaint(_("Unknown city code."), field="city_code")
    if not isinstance(committed, bool):
        raise errors.InvalidComplaint(_("Say yes or no."), field="committed")
    if not isinstance(platform_id, str) or len(platform_id) > 64 or registered_platform_get(
            platform_id=platform_id) is None or not Jurisdiction(city_code=city_code).covers_platform(platform_id):
        raise errors.InvalidComplaint(_("Choose a platform operating in the city."), field="platform_id")
    row, _created = OdrCommitment.objects.update_or_create(
        platform_id=platform_id, city_code=city_code,
        defaults={"committed": committed, "changed_at": now, "changed_by": changed_by[:150] or "system"})
    audit_record(actor=actor, actor_label="" if actor else changed_by, action="tpc.odr_commitment",
                 object_type="tpc_odr", object_id=platform_id, detail={"committed": committed},
                 now=now, city_code=city_code)
    return row


def odr_commitment_received(*, envelope, payload) -> list[OdrCommitment]:
    """Intake handler for ``odr.commitment``: the platform's own statement, recorded for every city it operates
    in (where it is registered or reported activity). A statement older than the one recorded changes nothing."""
    rows = []
    for city_code in CITIES:
        if not Jurisdiction(city_code=city_code).covers_platform(envelope.platform_id):
            continue
        current = OdrCommitment.objects.filter(platform_id=envelope.platform_id, city_code=city_code).first()
        if current is not None and current.changed_at >= payload.stated_at:
            continue
        with transaction.atomic():
            rows.append(odr_commitment_set(actor=None, platform_id=envelope.platform_id,
                                           committed=payload.committed, city_code=city_code,
                                           changed_by=f"platform {envelope.platform_id}", now=payload.stated_at))
    return rows


# --- what platforms send up ---------------------------------------------------------------------------------------


def _return_to_mediation(complaint: ThirdPartyComplaint, *, reason: str, now: dt.datetime) -> None:
    complaint.status, complaint.returned_at = Status.MEDIATION, now
    complaint.save(update_fields=["status", "returned_at"])
    _audit(complaint, actor=None, actor_label="tpc", action="returned_to_mediation", now=now,
           detail={"reason": reason})
    why_zh = {"late": "平台未在时限内和解", "failed": "平台未能和解"}[reason]
    why_en = {"late": "the platform did not settle in time", "failed": "the platform did not settle"}[reason]
    _tell(complaint, kind="returned_to_mediation", now=now,
          zh=f"{why_zh}，投诉转由协会调解，调解于 {_day(complaint.mediation_due)} 前结束。",
          en=f"As {why_en}, the association mediates; mediation ends by {_day(complaint.mediation_due)}.")


SETTLED_OUTCOMES = {"upheld", "partly_upheld", "settled"}
ANSWER_ZH = {"explanation": "平台作出说明", "refund_offered": "平台提出退款", "replacement_offered": "平台提出更换",
             "compensation_offered": "平台提出赔偿", "forwarded_to_provider": "平台已转交经营者",
             "rejected": "平台拒绝投诉请求"}
ANSWER_EN = {"explanation": "the platform explained", "refund_offered": "the platform offered a refund",
             "replacement_offered": "the platform offered a replacement",
             "compensation_offered": "the platform offered compensation",
             "forwarded_to_provider": "the platform passed it to the provider",
             "rejected": "the platform rejected the complaint"}


@transaction.atomic
def platform_answer_received(*, envelope, payload) -> ThirdPartyComplaint | None:
    """Intake handler for ``complaint.answered`` and ``complaint.resolved`` naming a ``referral_id``: the
    platform's answer to a complaint it was sent. Settled in time: closed as settled. Rejected, or later than
    the platform's limit: back to the association's mediation. Anything else is recorded. Messages about
    another platform's referral, or none, change nothing; a replay finds the state already moved."""
    referral_id = getattr(payload, "referral_id", None)
    if not referral_id:
        return None
    complaint = (ThirdPartyComplaint.objects.select_for_update()
                 .filter(public_id=_uuid_or_none(referral_id), platform_id=envelope.platform_id).first())
    if complaint is None or complaint.referred_at is None:
        logger.warning("answer from %s to unknown referral %s ignored", envelope.platform_id, referral_id)
        return None
    at = getattr(payload, "resolved_at", None) or payload.answered_at
    now = timezone.now()
    resolved = hasattr(payload, "outcome")
    kind = payload.outcome if resolved else payload.answer
    if complaint.platform_responded_at is None or at < complaint.platform_responded_at:
        complaint.platform_responded_at = at
    complaint.platform_answer = {**complaint.platform_answer,
                                 ("resolved" if resolved else "answered"): {
                                     "at": at.isoformat(), "value": kind, "message_id": str(envelope.message_id)}}
    complaint.save(update_fields=["platform_responded_at", "platform_answer"])
    _audit(complaint, actor=None, actor_label=f"platform {envelope.platform_id}", action="platform_answer", now=now,
           detail={"message_id": str(envelope.message_id), "resolved": resolved, "value": kind,
                   "at": at.isoformat(), "late": bool(complaint.platform_due and at > complaint.platform_due)})
    if complaint.status != Status.WITH_PLATFORM:
        return complaint
    assert complaint.platform_due is not None
    if at > complaint.platform_due:
        _return_to_mediation(complaint, reason="late", now=now)
    elif resolved and kind in SETTLED_OUTCOMES:
        _close(complaint, outcome=Outcome.SETTLED, note="", now=now)
        _audit(complaint, actor=None, actor_label=f"platform {envelope.platform_id}", action="closed", now=now,
               detail={"outcome": Outcome.SETTLED, "via": "odr", "platform_outcome": kind,
                       "refund_fen": payload.refund_fen, "compensation_fen": payload.compensation_fen})
        _tell(complaint, kind="closed_settled", now=now,
              zh=f"平台已在线和解（退款 {payload.refund_fen / 100:.2f} 元，"
                 f"赔偿 {payload.compensation_fen / 100:.2f} 元），投诉办结。",
              en=f"The platform settled online (refund ¥{payload.refund_fen / 100:.2f}, compensation "
                 f"¥{payload.compensation_fen / 100:.2f}); the complaint is closed.")
    elif resolved and kind == "withdrawn":
        _close(complaint, outcome=Outcome.WITHDRAWN, note="", now=now)
        _tell(complaint, kind="closed_withdrawn", now=now, zh="平台报告投诉已撤回。",
              en="The platform reports that the complaint was withdrawn.")
    elif kind == "rejected":
        _return_to_mediation(complaint, reason="failed", now=now)
    else:
        _tell(complaint, kind="platform_answered", now=now, zh=f"{ANSWER_ZH[kind]}。",
              en=f"{ANSWER_EN[kind].capitalize()}.")
    return complaint


def _uuid_or_none(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# Where a complaint escalated on a platform lands: the third-party platform and the bodies whose work it
# does for the city. A court or the platform's own arbitration is no queue of the association's.
ESCALATIONS_TAKEN = {"third_party_platform", "consumer_association", "market_regulator"}


def escalation_received(*, envelope, payload) -> ThirdPartyComplaint | None:
    """Intake handler for ``complaint.escalated``: the complaint lands in the association's queue of the
    city of its district, awaiting a decision to accept. Once per platform and complaint id."""
    if payload.escalated_to not in ESCALATIONS_TAKEN:
        return None
    district = DISTRICTS.get(payload.district)
    if district is None:
        return None
    existing = ThirdPartyComplaint.objects.filter(source=Source.ESCALATED, platform_id=envelope.platform_id,
                                                  source_complaint_id=payload.complaint_id).first()
    if existing is not None:
        return existing
    at = payload.escalated_at
    try:
        with transaction.atomic():
            complaint = ThirdPartyComplaint.objects.create(
                tracking_code=_new_code(), source=Source.ESCALATED, source_complaint_id=payload.complaint_id,
                escalated_to=payload.escalated_to, city_code=district.city_code, district_code=payload.district,
                platform_id=envelope.platform_id, category=Category.OTHER, desired_outcome=DesiredOutcome.OTHER,
                filed_at=at, acceptance_due=due("acceptance", start=at))
            _audit(complaint, actor=None, actor_label=f"platform {envelope.platform_id}", action="escalated", now=at,
                   detail={"complaint_id": payload.complaint_id, "escalated_to": payload.escalated_to,
                           "reason": payload.reason, "message_id": str(envelope.message_id)})
    except IntegrityError:  # the same escalation, taken meanwhile
        return ThirdPartyComplaint.objects.get(source=Source.ESCALATED, platform_id=envelope.platform_id,
                                               source_complaint_id=payload.complaint_id)
    return complaint


# --- the clock ---------------------------------------------------------------------------------------------------


@dataclass
class DeadlineRun:
    returned: int = 0
    mediation_ended: int = 0


def deadlines_check(*, now: dt.datetime | None = None) -> DeadlineRun:
    """Cases a platform did not settle by its limit return to mediation; mediation not ended by its limit ends
    as failed (终止调解). Idempotent: a second run finds nothing left to move."""
    now = now or timezone.now()
    run = DeadlineRun()
    for pk in ThirdPartyComplaint.objects.filter(status=Status.WITH_PLATFORM, platform_due__lt=now).values_list(
            "pk", flat=True):
        with transaction.atomic():
            complaint = ThirdPartyComplaint.objects.select_for_update().get(pk=pk)
            if complaint.status == Status.WITH_PLATFORM and complaint.platform_due and complaint.platform_due < now:
                _return_to_mediation(complaint, reason="late", now=now)
                run.returned += 1
    for pk in ThirdPartyComplaint.objects.filter(status=Status.MEDIATION, mediation_due__lt=now).values_list(
            "pk", flat=True):
        with transaction.atomic():
            complaint = ThirdPartyComplaint.objects.select_for_update().get(pk=pk)
            if complaint.status == Status.MEDIATION and complaint.mediation_due and complaint.mediation_due < now:
                _close(complaint, outcome=Outcome.MEDIATION_FAILED, note="", now=now)
                _audit(complaint, actor=None, actor_label="tpc", action="closed", now=now,
                       detail={"outcome": Outcome.MEDIATION_FAILED, "reason": "mediation limit passed"})
                zh, en = CLOSING[Outcome.MEDIATION_FAILED]
                _tell(complaint, kind="closed_mediation_failed", now=now, zh=zh, en=en)
                run.mediation_ended += 1
    return run


__all__ = ["Viewer"]
