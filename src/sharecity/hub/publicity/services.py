"""Writes of the publicity duty: penalties with their repair notices, list changes sent to every
platform of the city, and repair applications through the public window.

Sources (checked against the texts, cited where the rule is applied):
- 国办发〔2025〕22号《关于进一步完善信用修复制度的实施方案》: 谁认定、谁修复; 行政处罚决定书和信用修复告知书
  “两书同达”; 3 working days to decide, 10 working days to the applicant's result (``credit.rules``).
- 国家发展改革委令2025年第36号《信用修复管理办法》 (replacing Order 58 from 2026-04-01): publicity periods,
  the conditions of repair (履行法定义务、纠正失信行为、作出信用承诺), automatic end of display.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sharecity.hub.audit.services import audit_record
from sharecity.hub.credit.rules import publicity_periods, repair_decision_due, repair_result_due
from sharecity.hub.credit.services import credit_record_add, credit_record_repair, credit_subject_ensure
from sharecity.hub.publicity.models import (
    CreditList,
    EntryStatus,
    ListEntry,
    ListNotice,
    PenaltyDecision,
    RepairApplication,
    RepairStatus,
    Severity,
    SubjectKind,
)
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.registry.models import RegulatorProfile
from sharecity.hub.registry.selectors import regulator_profile_for
from sharecity.kernel import limits
from sharecity.kernel.districts import DISTRICTS
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from sharecity.kernel.ids import validate_credit_code
from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ, city_datetime

_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_KEY = re.compile(r"^[A-Za-z0-9_.:-]+$")
SHORT_TEXT = 200
LONG_TEXT = 2000
FACTS_TEXT = 4000
MEASURES_MAX = 20
# No list period in the rules comes near ten years (the longest publicity is three): a bound that keeps
# every date the directive carries inside the calendar.
LIST_HORIZON = dt.timedelta(days=3653)


def _text(value, *, field: str, max_length: int, required: bool = True, multiline: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_("Expected text."), field=field, code="publicity.type")
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), field=field, code="publicity.required")
    if len(value) > max_length:
        raise InvalidInput(_("At most %(n)d characters.") % {"n": max_length}, field=field, code="publicity.too_long")
    if (_TEXT_BAD if multiline else _LINE_BAD).search(value):
        raise InvalidInput(_("Control characters are not allowed."), field=field, code="publicity.control_chars")
    return value


def _date(value, *, field: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidInput(_("Expected a date (YYYY-MM-DD)."), field=field, code="publicity.date")
    return value


def subject_identifier_clean(kind: str, identifier, *, field: str = "subject_identifier") -> str:
    identifier = _text(identifier, field=field, max_length=limits.PARTY_KEY_MAX_LENGTH)
    if kind == SubjectKind.ENTERPRISE:
        return validate_credit_code(identifier.upper(), field=field)
    if kind not in SubjectKind.values:
        raise InvalidInput(_("Choose enterprise, business or person."), field="subject_kind",
                           code="publicity.subject_kind")
    if len(identifier) < limits.PARTY_KEY_MIN_LENGTH or not _KEY.match(identifier):
        raise InvalidInput(_("Not a pseudonymous key of the exchange."), field=field, code="publicity.subject_key")
    return identifier


def _officer(actor) -> RegulatorProfile:
    """Only an officer of a department decides: the department signs what is decided."""
    profile = regulator_profile_for(actor)
    if profile is None:
        raise Forbidden(_("Only regulator staff of a department may do this."), field=None,
                        code="hub.regulators_only")
    return profile


def _district(profile: RegulatorProfile, district_code: str) -> str:
    district_code = (district_code or profile.district_code or "").strip()
    if not district_code:
        return ""
    district = DISTRICTS.get(district_code)
    if district is None or district.city_code != profile.city_code:
        raise InvalidInput(_("Choose a district of your city."), field="district_code",
                           code="publicity.district")
    if profile.district_code and district_code != profile.district_code:
        raise InvalidInput(_("Choose your own district."), field="district_code", code="publicity.district")
    return district_code


def _today(now: dt.datetime) -> dt.date:
    return now.astimezone(CITY_TZ).date()


# ---- penalties and the repair notice (两书同达) ------------------------------------------------------------

@transaction.atomic
def penalty_record(*, actor: User, subject_kind: str, subject_identifier: str, decision_number: str, facts: str,
                   law: str, article: str, severity: str, decided_on: dt.date, subject_name: str = "",
                   district_code: str = "", now: dt.datetime | None = None) -> PenaltyDecision:
    """Record a penalty decision, add it to the subject's credit file and serve the repair notice with it.

    Light dishonesty may be left unpublished (国办发〔2025〕22号 二; 令2025年第36号 第二章): it is not shown;
    ordinary and serious penalties are shown from the decision to ``display_until``.
    """
    profile = _officer(actor)
    now = now or timezone.now()
    if severity not in Severity.values:
        raise InvalidInput(_("Choose light, ordinary or serious."), field="severity", code="credit.severity_unknown")
    subject_identifier = subject_identifier_clean(subject_kind, subject_identifier)
    decision_number = _text(decision_number, field="decision_number", max_length=100)
    facts = _text(facts, field="facts", max_length=FACTS_TEXT, multiline=True)
    law = _text(law, field="law", max_length=SHORT_TEXT)
    article = _text(article, field="article", max_length=100)
    subject_name = _text(subject_name, field="subject_name", max_length=120, required=False)
    decided_on = _date(decided_on, field="decided_on")
    if decided_on > _today(now):
        raise InvalidInput(_("A decision cannot be dated in the future."), field="decided_on",
                           code="publicity.future_date")
    district_code = _district(profile, district_code)
    if PenaltyDecision.objects.filter(city_code=profile.city_code, decision_number=decision_number).exists():
        raise Conflict(_("A decision with this number is already recorded in your city."), field="decision_number",
                       code="publicity.duplicate_number")
    try:
        periods = publicity_periods(severity=severity, decided=decided_on)
    except InvalidInput as error:
        raise InvalidInput(error.message, field="decided_on", code=error.code) from None
    public = severity != Severity.LIGHT
    subject = credit_subject_ensure(kind=subject_kind, identifier=subject_identifier, name=subject_name,
                                    district_code=district_code)
    legal_basis = f"{law} {article}"
    penalty = PenaltyDecision.objects.create(
        decision_number=decision_number, subject_kind=subject_kind, subject_identifier=subject_identifier,
        subject_name=subject_name, facts=facts, law=law, article=article, severity=severity, decided_on=decided_on,
        department=profile.department, department_kind=profile.department_kind, city_code=profile.city_code,
        district_code=district_code, public=public, repair_from=periods.repair_from,
        display_until=periods.display_until, rule_source=periods.source, notice_served_on=_today(now),
        created_by=actor,
    )
    # The record's title is stored once and read by everyone: in the city's language, not the writer's.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Administrative penalty %(number)s") % {"number": decision_number}
    record, _created = credit_record_add(
        subject=subject, kind="penalty", title=title,
        decided_on=decided_on, source_type="hub_publicity.penalty", source_id=str(penalty.public_id),
        polarity=-1, severity=severity, legal_basis=legal_basis[:300], decided_by=profile.department,
        district_code=district_code, public=public,
        detail={"decision_number": decision_number, "facts": facts[:500]},
    )
    penalty.credit_record_id = record.pk
    penalty.save(update_fields=["credit_record_id"])
    audit_record(actor=actor, action="publicity.penalty_recorded", object_type="penalty_decision",
                 object_id=penalty.public_id,
                 detail={"decision_number": decision_number, "severity": severity, "decided_on": str(decided_on),
                         "subject_kind": subject_kind, "subject": subject_identifier, "legal_basis": legal_basis,
                         "repair_from": str(periods.repair_from), "display_until": str(periods.display_until),
                         "notice_served_on": str(penalty.notice_served_on)})
    return penalty


# ---- lists -----------------------------------------------------------------------------------------------

def _city_platforms(city_code: str) -> list[str]:
    """Every platform registered at the hub and active in the city (reported activity in a district of it)."""
    from sharecity.hub.registry.selectors import registered_platform_names

    active = Jurisdiction(city_code=city_code).platform_ids()
    return sorted(set(registered_platform_names()) & active)


def _effective_at(day: dt.date, now: dt.datetime) -> dt.datetime:
    start = city_datetime(day, dt.time(0, 0))
    return max(start, now) if day == _today(now) else start


def _notify(*, entry: ListEntry, action: str, actor: User | None, now: dt.datetime,
            only: set[str] | None = None) -> int:
    """Tell every platform of the city; a platform already told of this change is not told twice."""
    from sharecity.hub.directives.services import directive_send_for

    sent = 0
    expires_at = (city_datetime(entry.expires_on + dt.timedelta(days=1), dt.time(0, 0))
                  if entry.expires_on and action == "added" else None)
    reason = entry.reason if action == "added" else (entry.removal_reason or entry.reason)
    for platform_id in _city_platforms(entry.city_code):
        if only is not None and platform_id not in only:
            continue
        if ListNotice.objects.filter(entry=entry, action=action, platform_id=platform_id).exists():
            continue
        directive = directive_send_for(
            actor=actor, department=entry.department, platform_id=platform_id,
            directive_type="credit_list.changed", now=now, city_code=entry.city_code,
            legal_reference=entry.legal_basis,
            subject_key=entry.subject_identifier, subject_kind=entry.subject_kind, credit_list=entry.credit_list,
            action=action, reason=reason, effective_at=_effective_at(entry.effective_on, now) if action == "added"
            else now, expires_at=expires_at, measures=list(entry.measures) if action == "added" else [],
        )
        ListNotice.objects.create(entry=entry, action=action, platform_id=platform_id, directive_id=directive.pk)
        sent += 1
    return sent


@transaction.atomic
def list_entry_add(*, actor: User, credit_list: str, subject_kind: str, subject_identifier: str, legal_basis: str,
                   decided_on: dt.date, effective_on: dt.date, reason: str, expires_on: dt.date | None = None,
                   measures: list[str] | None = None, basis_decision_number: str = "", district_code: str = "",
                   now: dt.datetime | None = None) -> ListEntry:
    """Put a keyed subject on a city list and send ``credit_list.changed`` to every platform of the city."""
    profile = _officer(actor)
    now = now or timezone.now()
    if credit_list not in CreditList.values:
        raise InvalidInput(_("Choose the red list or the serious-dishonesty list."), field="credit_list",
                           code="publicity.list_unknown")
    if subject_kind not in (SubjectKind.PERSON, SubjectKind.BUSINESS):
        # credit_list.changed names subjects by the exchange's pseudonymous key only.
        raise InvalidInput(_("Lists sent to platforms name a person or business by pseudonymous key."),
                           field="subject_kind", code="publicity.subject_kind")
    subject_identifier = subject_identifier_clean(subject_kind, subject_identifier)
    legal_basis = _text(legal_basis, field="legal_basis", max_length=500)
    reason = _text(reason, field="reason", max_length=FACTS_TEXT, multiline=True)
    decided_on = _date(decided_on, field="decided_on")
    effective_on = _date(effective_on, field="effective_on")
    if effective_on < decided_on:
        raise InvalidInput(_("An entry cannot take effect before it is decided."), field="effective_on",
                           code="publicity.dates")
    today = _today(now)
    if decided_on > today:
        raise InvalidInput(_("A decision cannot be dated in the future."), field="decided_on",
                           code="publicity.future_date")
    if decided_on < today - LIST_HORIZON:
        raise InvalidInput(_("A decision this old is no longer a list entry."), field="decided_on",
                           code="publicity.dates")
    if effective_on > today + dt.timedelta(days=366):
        raise InvalidInput(_("An entry takes effect within a year of today."), field="effective_on",
                           code="publicity.dates")
    basis_penalty = None
    if basis_decision_number:
        number = _text(basis_decision_number, field="basis_decision_number", max_length=100)
        basis_penalty = PenaltyDecision.objects.filter(city_code=profile.city_code, decision_number=number,
                                                       subject_identifier=subject_identifier).first()
        if basis_penalty is None:
            raise InvalidInput(_("No penalty of this subject with this number in your city."),
                               field="basis_decision_number", code="publicity.basis_unknown")
        if expires_on is None:
            expires_on = basis_penalty.display_until
    if expires_on is not None:
        expires_on = _date(expires_on, field="expires_on")
        if expires_on < effective_on:
            raise InvalidInput(_("An entry cannot expire before it takes effect."), field="expires_on",
                               code="publicity.dates")
        if expires_on < _today(now):
            raise InvalidInput(_("This entry would already have expired."), field="expires_on",
                               code="publicity.dates")
        if expires_on > effective_on + LIST_HORIZON:
            raise InvalidInput(_("An entry is listed for at most ten years."), field="expires_on",
                               code="publicity.dates")
    cleaned_measures = []
    if measures is not None and not isinstance(measures, list):
        raise InvalidInput(_("Expected a list of measures."), field="measures", code="publicity.type")
    if len(measures or []) > MEASURES_MAX:
        raise InvalidInput(_("At most %(n)d measures.") % {"n": MEASURES_MAX}, field="measures",
                           code="publicity.too_many")
    for measure in measures or []:
        measure = _text(measure, field="measures", max_length=limits.MEASURE_MAX_LENGTH, required=False)
        if measure:
            cleaned_measures.append(measure)
    if ListEntry.objects.filter(city_code=profile.city_code, credit_list=credit_list, status=EntryStatus.ACTIVE,
                                subject_identifier=subject_identifier).exists():
        raise Conflict(_("This subject is already on this list."), field="subject_identifier",
                       code="publicity.already_listed")
    entry = ListEntry.objects.create(
        credit_list=credit_list, subject_kind=subject_kind, subject_identifier=subject_identifier,
        legal_basis=legal_basis, department=profile.department, department_kind=profile.department_kind,
        decided_on=decided_on, effective_on=effective_on, expires_on=expires_on, reason=reason,
        measures=cleaned_measures, basis_penalty=basis_penalty, city_code=profile.city_code,
        district_code=_district(profile, district_code), created_by=actor,
    )
    sent = _notify(entry=entry, action="added", actor=actor, now=now)
    audit_record(actor=actor, action="publicity.list_added", object_type="list_entry", object_id=entry.public_id,
                 detail={"list": credit_list, "subject": subject_identifier, "legal_basis": legal_basis,
                         "effective_on": str(effective_on), "expires_on": str(expires_on) if expires_on else None,
                         "platforms_told": sent})
    return entry


def _remove(*, entry: ListEntry, status: str, reason: str, actor: User | None, now: dt.datetime) -> ListEntry:
    entry.status = status
    entry.removed_at = now
    entry.removal_reason = reason
    entry.save(update_fields=["status", "removed_at", "removal_reason"])
    sent = _notify(entry=entry, action="removed", actor=actor, now=now)
    audit_record(actor=actor, actor_label="" if actor else "hub publicity timer", action=f"publicity.list_{status}",
                 object_type="list_entry", object_id=entry.public_id,
                 detail={"list": entry.credit_list, "subject": entry.subject_identifier, "reason": reason,
                         "platforms_told": sent})
    return entry


@transaction.atomic
def list_entry_remove(*, actor: User, entry: ListEntry, reason: str, now: dt.datetime | None = None) -> ListEntry:
    """Take a subject off a list (谁认定谁移出: the deciding department kind of the city) and tell the platforms."""
    profile = _officer(actor)
    entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.city_code != profile.city_code:
        raise NotFound(_("No such list entry."), field="entry")
    if entry.department_kind != profile.department_kind or (
            profile.district_code and entry.district_code != profile.district_code):
        # A district bureau removes only its own district's entries; the city's bureau, any of the city's.
        raise Forbidden(_("Only the department that listed the subject may remove it."), field="entry",
                        code="publicity.other_department")
    if entry.status != EntryStatus.ACTIVE:
        raise Conflict(_("This entry is no longer on the list."), field="entry", code="publicity.not_active")
    reason = _text(reason, field="reason", max_length=LONG_TEXT, multiline=True)
    return _remove(entry=entry, status=EntryStatus.REMOVED, reason=reason, actor=actor, now=now or timezone.now())


def list_entries_expire(*, now: dt.datetime | None = None) -> int:
    """Entries past their expiry day come off the list and the platforms are told. Idempotent: an
    entry already expired is skipped; a notice already sent to a platform is not sent again."""
    now = now or timezone.now()
    today = _today(now)
    done = 0
    for pk in ListEntry.objects.filter(status=EntryStatus.ACTIVE, expires_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            entry = ListEntry.objects.select_for_update().get(pk=pk)
            if entry.status != EntryStatus.ACTIVE:
                continue
            _remove(entry=entry, status=EntryStatus.EXPIRED, reason=_("The listing period ended."), actor=None,
                    now=now)
            done += 1
    return done


def list_notices_catch_up(*, now: dt.datetime | None = None) -> int:
    """A platform that registered or became active in the city after a change is told of every entry
    still on a list, and a platform told of an addition is told of its removal. Idempotent: a platform
    is told of each change once (``ListNotice``)."""
    now = now or timezone.now()
    sent = 0
    for pk in ListEntry.objects.values_list("pk", flat=True):
        with transaction.atomic():
            entry = ListEntry.objects.select_for_update().get(pk=pk)
            if entry.status == EntryStatus.ACTIVE:
                sent += _notify(entry=entry, action="added", actor=None, now=now)
            else:
                told = set(entry.notices.filter(action="added").values_list("platform_id", flat=True))
                sent += _notify(entry=entry, action="removed", actor=None, now=now, only=told)
    return sent


# ---- repair (信用修复) through the public window -----------------------------------------------------------

def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _tracking_code(now: dt.datetime) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        code = f"XF{_today(now):%y%m%d}" + "".join(secrets.choice(alphabet) for _ in range(6))
        if not RepairApplication.objects.filter(tracking_code=code).exists():
            return code


@transaction.atomic
def repair_apply(*, decision_number: str, subject_identifier: str, performance: str, correction: str,
                 commitment: str, evidence: str = "", now: dt.datetime | None = None) -> tuple[RepairApplication, str]:
    """An application through the public window; no login. Returns it and the secret to follow it with.

    Conditions (令2025年第36号 / 国办发〔2025〕22号): the subject has performed the penalty, corrected the
    conduct and made a public credit commitment; it may apply once the minimum publicity period has run
    (``repair_from``), a light record as soon as the duty is performed. It goes to the department that
    decided (谁认定、谁修复).
    """
    now = now or timezone.now()
    decision_number = _text(decision_number, field="decision_number", max_length=100)
    identifier = _text(subject_identifier, field="subject_identifier", max_length=limits.PARTY_KEY_MAX_LENGTH)
    performance = _text(performance, field="performance", max_length=LONG_TEXT, multiline=True)
    correction = _text(correction, field="correction", max_length=LONG_TEXT, multiline=True)
    commitment = _text(commitment, field="commitment", max_length=LONG_TEXT, multiline=True)
    evidence = _text(evidence, field="evidence", max_length=LONG_TEXT, required=False, multiline=True)
    candidates = PenaltyDecision.objects.filter(decision_number=decision_number)
    penalty = next((p for p in candidates if p.subject_identifier.upper() == identifier.upper()), None)
    if penalty is None:
        # One answer for a wrong number and a wrong subject: the window does not confirm who was penalised.
        raise NotFound(_("No penalty decision with this number for this subject."), field="decision_number",
                       code="publicity.penalty_unknown")
    today = _today(now)
    if penalty.repaired_at is not None:
        raise Conflict(_("This record has already been repaired."), field="decision_number",
                       code="publicity.already_repaired")
    if penalty.display_until < today:
        raise Conflict(_("This record is no longer shown: its publicity ended on %(date)s.")
                       % {"date": penalty.display_until.isoformat()}, field="decision_number",
                       code="publicity.display_ended")
    if today < penalty.repair_from:
        raise InvalidInput(_("Repair may be applied for from %(date)s (the minimum publicity period).")
                           % {"date": penalty.repair_from.isoformat()}, field="decision_number",
                           code="publicity.too_early")
    if penalty.repairs.filter(status=RepairStatus.PENDING).exists():
        raise Conflict(_("An application for this record is already being handled."), field="decision_number",
                       code="publicity.pending")
    secret = secrets.token_urlsafe(12)
    application = RepairApplication.objects.create(
        tracking_code=_tracking_code(now), secret_hash=_secret_hash(secret), penalty=penalty,
        city_code=penalty.city_code, department_kind=penalty.department_kind, performance=performance,
        correction=correction, commitment=commitment, evidence=evidence, received_at=now, received_on=today,
        decision_due=repair_decision_due(received=today), result_due=repair_result_due(received=today),
    )
    audit_record(actor=None, actor_label="public window", action="publicity.repair_received",
                 object_type="repair_application", object_id=application.tracking_code,
                 detail={"decision_number": decision_number, "received_on": str(today),
                         "decision_due": str(application.decision_due), "result_due": str(application.result_due)})
    return application, secret


def repair_follow(*, tracking_code, secret) -> RepairApplication:
    """The application for its tracking code and secret; one answer for a wrong code and a wrong secret."""
    tracking_code = _text(tracking_code, field="tracking_code", max_length=20).upper()
    secret = _text(secret, field="secret", max_length=64)
    application = RepairApplication.objects.select_related("penalty").filter(tracking_code=tracking_code).first()
    expected = application.secret_hash if application else _secret_hash("")
    if not hmac.compare_digest(expected, _secret_hash(secret)) or application is None:
        raise NotFound(_("No application with this code and secret."), field="secret", code="publicity.follow")
    return application


@transaction.atomic
def repair_decide(*, actor: User, application: RepairApplication, approve: bool, reasons: str,
                  now: dt.datetime | None = None) -> RepairApplication:
    """The deciding department's reasoned decision. Approval ends the record's publicity and takes the
    subject off any serious-dishonesty entry that rested on it (the platforms are told)."""
    profile = _officer(actor)
    now = now or timezone.now()
    application = RepairApplication.objects.select_for_update().select_related("penalty").get(pk=application.pk)
    if application.city_code != profile.city_code or application.department_kind != profile.department_kind:
        # 谁认定、谁修复: another department or city does not see the application at all.
        raise NotFound(_("No such repair application."), field="application")
    if profile.district_code and application.penalty.district_code != profile.district_code:
        # Another district's bureau decided the penalty: it decides the repair (a decision of the city's
        # bureau is the city's to repair). Another district's application is not shown at all.
        if application.penalty.district_code:
            raise NotFound(_("No such repair application."), field="application")
        raise Forbidden(_("Only the department that decided the penalty may decide its repair."),
                        field="application", code="publicity.other_department")
    if application.status != RepairStatus.PENDING:
        raise Conflict(_("This application has already been decided."), field="application",
                       code="publicity.decided")
    if not isinstance(approve, bool):
        raise InvalidInput(_("Expected true or false."), field="approve", code="publicity.type")
    reasons = _text(reasons, field="reasons", max_length=LONG_TEXT, multiline=True)
    application.status = RepairStatus.APPROVED if approve else RepairStatus.REJECTED
    application.reasons = reasons
    application.decided_at = now
    application.decided_by = actor
    application.save(update_fields=["status", "reasons", "decided_at", "decided_by"])
    removed = []
    if approve:
        penalty = PenaltyDecision.objects.select_for_update().get(pk=application.penalty_id)
        penalty.repaired_at = now
        penalty.public = False
        penalty.save(update_fields=["repaired_at", "public"])
        if penalty.credit_record_id:
            from sharecity.hub.credit.models import CreditRecord

            record = CreditRecord.objects.filter(pk=penalty.credit_record_id).first()
            if record is not None:
                credit_record_repair(record=record, repaired_at=now)
        for entry in ListEntry.objects.select_for_update().filter(
                basis_penalty=penalty, credit_list=CreditList.BLACK, status=EntryStatus.ACTIVE):
            _remove(entry=entry, status=EntryStatus.REMOVED,
                    reason=_("Credit repaired: %(number)s") % {"number": penalty.decision_number}, actor=actor, now=now)
            removed.append(str(entry.public_id))
    audit_record(actor=actor, action="publicity.repair_decided", object_type="repair_application",
                 object_id=application.tracking_code,
                 detail={"approved": approve, "reasons": reasons, "decided_on": str(_today(now)),
                         "decision_due": str(application.decision_due), "list_entries_removed": removed})
    return application
