"""Writes of the enforcement duty: open a case, hand it over (移送), decide it with the leniency list,
send its recall and rectification orders to platforms. Each write is atomic and audited.

Who acts on a case: an officer of the holding department (``Case.department``, a ``Department`` kind)
whose jurisdiction covers the case's city and district. A hub operator reads every case but decides
nothing: a department signs what is decided.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.audit.services import audit_record
from sharecity.hub.directives.services import directive_issue
from sharecity.hub.enforcement import leniency
from sharecity.hub.enforcement.models import (
    Case,
    CaseDirective,
    CaseHandover,
    CaseStatus,
    CaseSubjectKind,
    LeniencyEntry,
    LeniencyReason,
    Outcome,
    SourceKind,
    Violation,
)
from sharecity.hub.enforcement.selectors import earlier_findings, penalised_party
from sharecity.hub.registry.jurisdiction import jurisdiction_for
from sharecity.hub.registry.models import Department, RegulatorProfile
from sharecity.hub.registry.selectors import registered_platform_get, regulator_profile_for
from sharecity.kernel import limits
from sharecity.kernel.districts import CITIES, DISTRICTS
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ

_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_REF = re.compile(r"^[A-Za-z0-9_.:/@-]+$")
SUMMARY_MAX = 2000
REASON_MAX = 2000
# A fine above ten million yuan is no typing error we accept silently (the largest in the catalogue is
# 《电子商务法》第八十一条's 100,000 yuan; other laws go higher, not this high for these violations).
FINE_MAX_FEN = 10_000_000 * 100


def _text(value, *, field: str, max_length: int, required: bool = True, multiline: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_("Expected text."), field=field, code="enforcement.type")
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), field=field, code="enforcement.required")
    if len(value) > max_length:
        raise InvalidInput(_("At most %(n)d characters.") % {"n": max_length}, field=field,
                           code="enforcement.too_long")
    if (_TEXT_BAD if multiline else _LINE_BAD).search(value):
        raise InvalidInput(_("Control characters are not allowed."), field=field,
                           code="enforcement.control_chars")
    return value


def _ref(value, *, field: str, required: bool = True) -> str:
    value = _text(value, field=field, max_length=limits.IDENTIFIER_MAX_LENGTH, required=required)
    if value and not _REF.match(value):
        raise InvalidInput(_("Letters, digits and . _ : / @ - only."), field=field, code="enforcement.reference")
    return value


def _choice(value, choices, *, field: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InvalidInput(_("Choose one of: %(values)s.") % {"values": ", ".join(choices)}, field=field,
                           code="enforcement.choice")
    return value


def _place(city_code, district_code) -> tuple[str, str]:
    city_code = _choice(city_code, list(CITIES), field="city_code")
    district = DISTRICTS.get(district_code) if isinstance(district_code, str) else None
    if district is None or district.city_code != city_code:
        raise InvalidInput(_("Choose a district of the case's city."), field="district_code",
                           code="enforcement.district")
    return city_code, district_code


def _officer(actor) -> RegulatorProfile:
    profile = regulator_profile_for(actor)
    if profile is None:
        raise Forbidden(_("Only regulator staff of a department may do this."), field=None,
                        code="hub.regulators_only")
    return profile


def _holder(actor, case: Case) -> RegulatorProfile:
    """The acting officer, who must belong to the department holding the case in its place."""
    profile = _officer(actor)
    if (profile.department_kind != case.department or profile.city_code != case.city_code
            or (profile.district_code and profile.district_code != case.district_code)):
        raise Forbidden(_("Only the department holding the case may act on it."), field=None,
                        code="enforcement.not_holder")
    return profile


def _locked(case_id) -> Case:
    try:
        case_id = uuid.UUID(str(case_id))
    except ValueError:
        raise NotFound(_("No such case."), field="case_id") from None
    case = Case.objects.select_for_update().filter(public_id=case_id).first()
    if case is None:
        raise NotFound(_("No such case."), field="case_id")
    return case


def _audit(*, actor, action: str, case: Case, detail: dict, now: dt.datetime) -> None:
    audit_record(actor=actor, actor_label="" if actor else "system", action=action, object_type="enforcement_case",
                 object_id=case.public_id, detail=detail, now=now, city_code=case.city_code,
                 district_code=case.district_code)


@transaction.atomic
def case_open(*, actor: User | None, city_code: str, district_code: str, department: str, source_kind: str,
              source_ref: str, subject_kind: str, subject_ref: str, platform_id: str | None, summary: str,
              now: dt.datetime | None = None) -> Case:
    """Open a case held by ``department`` (a ``Department`` kind such as ``market_supervision``) in
    ``district_code`` of ``city_code`` (属地: the district where the subject operates).

    ``actor`` None: opened by the hub itself (a warning, an inspection result); an officer opens cases only
    in their own jurisdiction. ``source_ref`` is the source's id as text (a warning's, a complaint's...).
    Idempotent for every source but ``manual``: the same source and subject return the case already opened.
    """
    now = now or timezone.now()
    city_code, district_code = _place(city_code, district_code)
    department = _choice(department, Department.values, field="department")
    source_kind = _choice(source_kind, SourceKind.values, field="source_kind")
    subject_kind = _choice(subject_kind, CaseSubjectKind.values, field="subject_kind")
    source_ref = _ref(source_ref, field="source_ref", required=source_kind != SourceKind.MANUAL)
    subject_ref = _ref(subject_ref, field="subject_ref")
    summary = _text(summary, field="summary", max_length=SUMMARY_MAX, multiline=True)
    platform_id = _ref(platform_id or "", field="platform_id", required=False)
    if actor is not None:
        jurisdiction = jurisdiction_for(actor)
        profile = regulator_profile_for(actor)
        if jurisdiction is None or profile is None:
            raise Forbidden(_("Only regulator staff of a department may do this."), field=None,
                            code="hub.regulators_only")
        if not jurisdiction.covers_scoped(city_code, district_code):
            raise InvalidInput(_("Choose a district of your own jurisdiction."), field="district_code",
                               code="enforcement.district_outside_jurisdiction")
    if platform_id and registered_platform_get(platform_id=platform_id) is None:
        raise InvalidInput(_("Choose a platform registered at the hub."), field="platform_id",
                           code="enforcement.platform_unknown")
    if subject_kind == CaseSubjectKind.PLATFORM and not platform_id:
        platform_id = subject_ref
        if registered_platform_get(platform_id=platform_id) is None:
            raise InvalidInput(_("Choose a platform registered at the hub."), field="subject_ref",
                               code="enforcement.platform_unknown")
    if source_kind != SourceKind.MANUAL:
        # One case per source and subject: a warning or an inspection result handled twice (a redelivery, a
        # retried job) finds the case it opened the first time, wherever that case has been handed since.
        existing = Case.objects.filter(city_code=city_code, source_kind=source_kind, source_ref=source_ref,
                                       subject_kind=subject_kind, subject_ref=subject_ref).first()
        if existing is not None:
            return existing
    case = Case.objects.create(
        city_code=city_code, district_code=district_code, department=department, source_kind=source_kind,
        source_ref=source_ref, subject_kind=subject_kind, subject_ref=subject_ref, platform_id=platform_id,
        summary=summary, opened_at=now, opened_by=actor)
    _audit(actor=actor, action="enforcement.case_opened", case=case, now=now, detail={
        "department": department, "district_code": district_code, "source_kind": source_kind,
        "source_ref": source_ref, "subject_kind": subject_kind, "subject_ref": subject_ref,
        "platform_id": platform_id})
    return case


@transaction.atomic
def case_hand_over(*, actor: User, case_id, to_department: str, to_district_code: str, reason: str,
                   now: dt.datetime | None = None) -> CaseHandover:
    """移送: the holder passes the case to another department or district of the same city (a case for
    another city is closed there and opened anew by its own officers: their data is not ours to send).
    From then on the receiver holds it; the row records from, to, reason, who and when."""
    now = now or timezone.now()
    case = _locked(case_id)
    _holder(actor, case)
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("A decided case is no longer handed over."), field="case_id", code="enforcement.decided")
    to_department = _choice(to_department, Department.values, field="to_department")
    district = DISTRICTS.get(to_district_code) if isinstance(to_district_code, str) else None
    if district is None or district.city_code != case.city_code:
        raise InvalidInput(_("Choose a district of the case's city."), field="to_district_code",
                           code="enforcement.district")
    if (to_department, to_district_code) == (case.department, case.district_code):
        raise InvalidInput(_("The case is already held there."), field="to_district_code",
                           code="enforcement.same_holder")
    reason = _text(reason, field="reason", max_length=REASON_MAX, multiline=True)
    handover = CaseHandover.objects.create(
        case=case, from_department=case.department, from_district_code=case.district_code,
        to_department=to_department, to_district_code=to_district_code, reason=reason, by=actor, at=now)
    _audit(actor=actor, action="enforcement.case_handed_over", case=case, now=now, detail={
        "from_department": case.department, "from_district_code": case.district_code,
        "to_department": to_department, "to_district_code": to_district_code, "reason": reason})
    case.department, case.district_code = to_department, to_district_code
    case.save(update_fields=["department", "district_code"])
    return handover


def _date(value, *, field: str, required: bool = True) -> dt.date | None:
    if value is None and not required:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidInput(_("Expected a date (YYYY-MM-DD)."), field=field, code="enforcement.date")
    if not 2000 <= value.year <= 2999:  # the look-back arithmetic stays inside the calendar
        raise InvalidInput(_("Give a date between the years 2000 and 2999."), field=field, code="enforcement.date")
    return value


def leniency_assess(*, case: Case, violation_code: str, found_on: dt.date, minor: bool,
                    correction_due: dt.date | None, corrected_on: dt.date | None) -> leniency.Assessment:
    """What the leniency list says of this case (no write): see ``hub.enforcement.leniency``."""
    entries = list(LeniencyEntry.objects.filter(violation__code=violation_code, city_code=case.city_code))
    if not entries:  # the city has no list of its own for this violation: the default list applies
        entries = list(LeniencyEntry.objects.filter(violation__code=violation_code, city_code=""))
    return leniency.assess(entries=entries, found_on=found_on, minor=minor, correction_due=correction_due,
                           corrected_on=corrected_on,
                           earlier_found=earlier_findings(case=case, violation_code=violation_code))


@transaction.atomic
def case_decide(*, actor: User, case_id, violation_code: str, found_on: dt.date, minor: bool,
                correction_due: dt.date | None = None, corrected_on: dt.date | None = None,
                amount_fen: int | None = None, decision_number: str = "", severity: str = "ordinary",
                now: dt.datetime | None = None) -> Case:
    """Decide a case. When the leniency list in force on ``found_on`` covers the violation, it is minor,
    corrected by ``correction_due`` and the subject's first within the look-back period, the outcome is
    education and no penalty (《行政处罚法》第三十三条第一款、第三款), recorded as such and not in credit as
    dishonesty. Otherwise a penalty: ``amount_fen`` and ``decision_number`` are required, and the decision
    goes into the subject's credit file with its publicity period (``hub.publicity.penalty_record``)."""
    now = now or timezone.now()
    case = _locked(case_id)
    _holder(actor, case)
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("This case is already decided."), field="case_id", code="enforcement.decided")
    violation = Violation.objects.filter(code=violation_code if isinstance(violation_code, str) else "").first()
    if violation is None:
        raise InvalidInput(_("Choose a violation from the catalogue."), field="violation_code",
                           code="enforcement.violation_unknown")
    found_on = _date(found_on, field="found_on")
    today = now.astimezone(CITY_TZ).date()
    if found_on > today:
        raise InvalidInput(_("A violation cannot be found in the future."), field="found_on",
                           code="enforcement.future_date")
    if not isinstance(minor, bool):
        raise InvalidInput(_("Expected true or false."), field="minor", code="enforcement.type")
    correction_due = _date(correction_due, field="correction_due", required=False)
    corrected_on = _date(corrected_on, field="corrected_on", required=False)
    if correction_due is not None and correction_due < found_on:
        raise InvalidInput(_("The correction deadline cannot be before the violation was found."),
                           field="correction_due", code="enforcement.order")
    if corrected_on is not None and (corrected_on < found_on or corrected_on > today):
        raise InvalidInput(_("The correction date lies between the finding and today."), field="corrected_on",
                           code="enforcement.order")
    assessment = leniency_assess(case=case, violation_code=violation.code, found_on=found_on, minor=minor,
                                 correction_due=correction_due, corrected_on=corrected_on)
    if assessment.entry is not None and correction_due is not None and \
            correction_due > found_on + dt.timedelta(days=assessment.entry.correction_days):
        raise InvalidInput(_("The list allows at most %(days)d days to correct.")
                           % {"days": assessment.entry.correction_days}, field="correction_due",
                           code="enforcement.correction_too_long")
    case.violation_code, case.found_on, case.minor = violation.code, found_on, minor
    case.correction_due, case.corrected_on = correction_due, corrected_on
    case.leniency_reason = assessment.reason
    case.leniency_entry = assessment.entry  # type: ignore[assignment]
    case.decided_at, case.decided_by, case.status = now, actor, CaseStatus.DECIDED
    detail: dict = {"violation_code": violation.code, "found_on": str(found_on), "minor": minor,
                    "correction_due": str(correction_due or ""), "corrected_on": str(corrected_on or ""),
                    "leniency": assessment.reason}
    if assessment.qualifies:
        case.outcome = Outcome.EDUCATION
    else:
        if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or not 0 < amount_fen <= FINE_MAX_FEN:
            raise InvalidInput(_("This case does not qualify for leniency (%(reason)s): give the fine in yuan, "
                                 "more than zero and at most ten million.")
                               % {"reason": f"{LeniencyReason(assessment.reason).label}: {assessment.reason}"},
                               field="amount_fen", code="enforcement.amount")
        decision_number = _text(decision_number, field="decision_number", max_length=100)
        kind, identifier = penalised_party(case)
        if not identifier:
            raise InvalidInput(_("The hub does not know who is behind this subject; open the case on the "
                                 "provider or the platform."), field="subject_ref", code="enforcement.subject")
        from sharecity.hub.publicity.services import penalty_record

        penalty = penalty_record(
            actor=actor, subject_kind=kind, subject_identifier=identifier, decision_number=decision_number,
            facts=f"{case.summary}\n罚款 {amount_fen / 100:.2f} 元"[:4000], law=violation.law,
            article=f"{violation.article}；罚则：{violation.penalty_article}"[:100], severity=severity,
            decided_on=today, district_code=case.district_code, now=now)
        case.outcome, case.amount_fen = Outcome.PENALTY, amount_fen
        case.decision_number, case.penalty_public_id = decision_number, penalty.public_id
        detail.update(amount_fen=amount_fen, decision_number=decision_number, penalty=str(penalty.public_id))
    case.save()
    _audit(actor=actor, action="enforcement.case_decided", case=case, now=now,
           detail={**detail, "outcome": case.outcome})
    return case


RECTIFY = "rectification"
RECALL = "recall"


@transaction.atomic
def case_directive_send(*, actor: User, case_id, kind: str, legal_reference: str, deadline: dt.datetime | None = None,
                        now: dt.datetime | None = None, **fields) -> CaseDirective:
    """Send the case's platform a recall order (``recall.order``) or a rectification order, through the
    directives app (signed, with a deadline the platform acknowledges by).

    A rectification order is an ``inspection.result`` of a targeted inspection that failed, naming the
    findings: on ``fail`` the platform must rectify by the deadline (exchange schema), and the result is
    recorded in its credit file as the directives app does for every inspection result.
    ``fields`` for a recall: recall_id, product, listing_ids, product_ids, reason, measures; for a
    rectification: findings (list of {code, description}), subject_type, subject_id.
    """
    now = now or timezone.now()
    case = _locked(case_id)
    _holder(actor, case)
    if not case.platform_id:
        raise InvalidInput(_("The case names no platform to send an order to."), field="platform_id",
                           code="enforcement.no_platform")
    kind = _choice(kind, [RECALL, RECTIFY], field="kind")
    if kind == RECALL:
        directive = directive_issue(actor=actor, platform_id=case.platform_id, directive_type="recall.order",
                                    deadline=deadline, now=now, legal_reference=legal_reference, **fields)
    else:
        fields.setdefault("subject_type", "platform")
        fields.setdefault("subject_id", case.platform_id if fields["subject_type"] == "platform" else "")
        directive = directive_issue(
            actor=actor, platform_id=case.platform_id, directive_type="inspection.result", deadline=deadline,
            now=now, legal_reference=legal_reference, case_id=str(case.public_id), inspection_kind="targeted",
            result="fail", inspected_at=now, **fields)
    link = CaseDirective.objects.create(case=case, directive_message_id=directive.message_id,
                                        directive_type=directive.directive_type)
    _audit(actor=actor, action="enforcement.case_directive_sent", case=case, now=now,
           detail={"kind": kind, "directive": str(directive.message_id), "platform_id": case.platform_id,
                   "deadline": directive.deadline.isoformat()})
    return link


@transaction.atomic
def leniency_entry_add(*, actor: User, violation_code: str, condition: str, look_back_months: int,
                       correction_days: int, effective_from: dt.date, effective_until: dt.date | None = None,
                       source: str) -> LeniencyEntry:
    """A city-level officer adds a row to their city's leniency list (a change of the list is a new row with
    its own effective dates; old decisions keep the row they were measured by)."""
    profile = _officer(actor)
    if profile.district_code:
        raise Forbidden(_("The city's list is kept by the city's own bureau."), field=None,
                        code="enforcement.city_level_only")
    violation = Violation.objects.filter(code=violation_code if isinstance(violation_code, str) else "").first()
    if violation is None:
        raise InvalidInput(_("Choose a violation from the catalogue."), field="violation_code",
                           code="enforcement.violation_unknown")
    condition = _text(condition, field="condition", max_length=500)
    source = _text(source, field="source", max_length=300)
    for name, value, top in (("look_back_months", look_back_months, 120), ("correction_days", correction_days, 365)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise InvalidInput(_("A whole number from 1 to %(top)d.") % {"top": top}, field=name,
                               code="enforcement.number")
    effective_from = _date(effective_from, field="effective_from")
    effective_until = _date(effective_until, field="effective_until", required=False)
    if effective_until is not None and effective_until < effective_from:
        raise InvalidInput(_("The entry must end after it begins."), field="effective_until",
                           code="enforcement.order")
    entry = LeniencyEntry.objects.create(
        city_code=profile.city_code, violation=violation, condition=condition, look_back_months=look_back_months,
        correction_days=correction_days, effective_from=effective_from, effective_until=effective_until,
        source=source)
    audit_record(actor=actor, action="enforcement.leniency_entry_added", object_type="leniency_entry",
                 object_id=entry.pk, detail={"violation_code": violation.code, "look_back_months": look_back_months,
                                             "correction_days": correction_days,
                                             "effective_from": str(effective_from),
                                             "effective_until": str(effective_until or ""), "source": source})
    return entry
