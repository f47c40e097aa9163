"""Writes of the warning duty: raising a warning (idempotent on its dedupe key) and moving it along
its course, new → assigned (to the district unit responsible, 属地) → handled → closed. Each change
is audited in the transaction that makes it.

Who may act: an officer of the warning's city whose jurisdiction covers the warning's district (a
city-level officer covers every district of the city), or a hub operator. Anyone else gets 404, as
if the warning did not exist.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.audit.services import audit_record
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.warnings.models import (
    DEDUPE_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    REF_MAX_LENGTH,
    LodgingLicence,
    Rule,
    Severity,
    Status,
    SubjectKind,
    Warning,
    WarningScan,
)
from sharecity.kernel import limits
from sharecity.kernel.districts import CITIES, DISTRICTS
from sharecity.kernel.errors import Conflict, InvalidInput, NotFound
from sharecity.kernel.timeutil import CITY_TZ

EXPLANATION_MAX_LENGTH = 2000
EVIDENCE_MAX_ITEMS = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _text(value, *, field: str, max_length: int, required: bool = True, multiline: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInput(_("Enter text."), field=field, code="warnings.text")
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), field=field, code="warnings.required")
    if len(value) > max_length:
        raise InvalidInput(_("At most %(n)d characters.") % {"n": max_length}, field=field,
                           code="warnings.too_long")
    if (_CONTROL if multiline else _CONTROL_LINE).search(value):
        raise InvalidInput(_("Control characters are not allowed."), field=field, code="warnings.control_chars")
    return value


def _choice(value, *, field: str, choices) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise InvalidInput(_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}, field=field,
                           code="warnings.choice")
    return value


def warning_raise(*, city_code: str, rule: str, severity: str, subject_kind: str, subject_ref: str,
                  platform_id: str | None, district_code: str, explanation: dict, evidence: list[dict],
                  dedupe_key: str) -> Warning:
    """The warning of ``dedupe_key``: raised now, or the one raised before under the same key (unchanged:
    a warning already seen by an officer is not rewritten by a later scan). ``explanation`` holds
    ``zh`` and ``en`` text; ``evidence`` the hub facts behind it, each ``{"kind", "ref", "description"}``."""
    dedupe_key = _text(dedupe_key, field="dedupe_key", max_length=DEDUPE_MAX_LENGTH)
    existing = Warning.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    if city_code not in CITIES:
        raise InvalidInput(_("Unknown city code."), field="city_code", code="warnings.city")
    if district_code and (district_code not in DISTRICTS or DISTRICTS[district_code].city_code != city_code):
        raise InvalidInput(_("The district is not one of the city's."), field="district_code",
                           code="warnings.district")
    rule = _choice(rule, field="rule", choices=Rule)
    severity = _choice(severity, field="severity", choices=Severity)
    subject_kind = _choice(subject_kind, field="subject_kind", choices=SubjectKind)
    subject_ref = _text(subject_ref, field="subject_ref", max_length=REF_MAX_LENGTH)
    platform_id = _text(platform_id or "", field="platform_id", max_length=limits.PLATFORM_ID_MAX_LENGTH,
                        required=False)
    if not isinstance(explanation, dict):
        raise InvalidInput(_("Give the explanation in Chinese and English."), field="explanation",
                           code="warnings.explanation")
    text = {language: _text(explanation.get(language), field=f"explanation.{language}",
                            max_length=EXPLANATION_MAX_LENGTH, multiline=True) for language in ("zh", "en")}
    if not isinstance(evidence, list) or len(evidence) > EVIDENCE_MAX_ITEMS:
        raise InvalidInput(_("At most %(n)d pieces of evidence.") % {"n": EVIDENCE_MAX_ITEMS}, field="evidence",
                           code="warnings.evidence")
    facts = []
    for index, item in enumerate(evidence):
        if not isinstance(item, dict):
            raise InvalidInput(_("Each piece of evidence names a fact."), field=f"evidence.{index}",
                               code="warnings.evidence")
        facts.append({"kind": _text(item.get("kind"), field=f"evidence.{index}.kind", max_length=40),
                      "ref": _text(str(item.get("ref", "")), field=f"evidence.{index}.ref", max_length=REF_MAX_LENGTH),
                      "description": _text(item.get("description", ""), field=f"evidence.{index}.description",
                                           max_length=500, required=False)})
    try:
        with transaction.atomic():
            warning = Warning.objects.create(
                city_code=city_code, district_code=district_code, platform_id=platform_id, rule=rule,
                severity=severity, subject_kind=subject_kind, subject_ref=subject_ref, explanation=text,
                evidence=facts, dedupe_key=dedupe_key)
            audit_record(actor=None, actor_label="warnings", action="warning.raise", object_type="warning",
                         object_id=warning.pk, city_code=city_code, district_code=district_code or None,
                         detail={"rule": rule, "severity": severity, "subject": f"{subject_kind}:{subject_ref}",
                                 "dedupe_key": dedupe_key})
    except IntegrityError:  # raised meanwhile by another scan under the same key
        return Warning.objects.get(dedupe_key=dedupe_key)
    return warning


def _mine(*, jurisdiction: Jurisdiction, warning_id: int) -> Warning:
    warning = Warning.objects.select_for_update().filter(pk=warning_id).first()
    if warning is None or not jurisdiction.covers_scoped(warning.city_code, warning.district_code):
        raise NotFound(_("No such warning."), field="warning_id", code="warnings.not_found")
    return warning


def _expect(warning: Warning, *states: str, action: str) -> None:
    if warning.status not in states:
        raise Conflict(_("A %(status)s warning cannot be %(action)s.") % {
            "status": warning.get_status_display(), "action": action}, field="status", code="warnings.state")


def _audit(actor, warning: Warning, action: str, detail: dict) -> None:
    audit_record(actor=actor, action=f"warning.{action}", object_type="warning", object_id=warning.pk,
                 city_code=warning.city_code, district_code=warning.district_code or None,
                 detail={"status": warning.status, **detail})


@transaction.atomic
def warning_assign(*, actor, jurisdiction: Jurisdiction, warning_id: int, department: str,
                   district_code: str = "") -> Warning:
    """Give a new (or reassign an assigned) warning to a department of the district responsible; the
    district defaults to the warning's own, and must lie in the officer's jurisdiction."""
    warning = _mine(jurisdiction=jurisdiction, warning_id=warning_id)
    department = _text(department, field="department", max_length=limits.NAME_MAX_LENGTH)
    district_code = _text(district_code or warning.district_code, field="district_code", max_length=6,
                          required=False)
    if district_code and (district_code not in DISTRICTS or DISTRICTS[district_code].city_code != warning.city_code
                          or not jurisdiction.covers_district(district_code)):
        raise InvalidInput(_("Choose a district of your jurisdiction in the warning's city."), field="district_code",
                           code="warnings.district")
    _expect(warning, Status.NEW, Status.ASSIGNED, action=_("assigned"))
    warning.status, warning.assigned_department, warning.assigned_district = Status.ASSIGNED, department, district_code
    warning.assigned_at, warning.assigned_by = timezone.now(), actor
    warning.save()
    _audit(actor, warning, "assign", {"department": department, "district": district_code})
    return warning


@transaction.atomic
def warning_handle(*, actor, jurisdiction: Jurisdiction, warning_id: int, notes: str) -> Warning:
    """Record what was done about an assigned warning."""
    warning = _mine(jurisdiction=jurisdiction, warning_id=warning_id)
    notes = _text(notes, field="notes", max_length=NOTES_MAX_LENGTH, multiline=True)
    _expect(warning, Status.ASSIGNED, action=_("handled"))
    warning.status, warning.handling_notes = Status.HANDLED, notes
    warning.handled_at, warning.handled_by = timezone.now(), actor
    warning.save()
    _audit(actor, warning, "handle", {"notes": notes})
    return warning


@transaction.atomic
def warning_close(*, actor, jurisdiction: Jurisdiction, warning_id: int, notes: str) -> Warning:
    """Close a warning: after it was handled, or at once when it is unfounded (the notes say why)."""
    warning = _mine(jurisdiction=jurisdiction, warning_id=warning_id)
    notes = _text(notes, field="notes", max_length=NOTES_MAX_LENGTH, multiline=True)
    _expect(warning, Status.NEW, Status.ASSIGNED, Status.HANDLED, action=_("closed"))
    warning.status, warning.closing_notes = Status.CLOSED, notes
    warning.closed_at, warning.closed_by = timezone.now(), actor
    warning.save()
    _audit(actor, warning, "close", {"notes": notes})
    return warning


@transaction.atomic
def warning_case_link(*, actor, jurisdiction: Jurisdiction, warning_id: int, case_ref: str) -> Warning:
    """Record the enforcement case opened from this warning (its id as text)."""
    warning = _mine(jurisdiction=jurisdiction, warning_id=warning_id)
    case_ref = _text(case_ref, field="case_ref", max_length=64)
    if warning.case_ref:
        raise Conflict(_("A case was already opened from this warning."), field="case_ref", code="warnings.case")
    warning.case_ref = case_ref
    warning.save(update_fields=["case_ref"])
    _audit(actor, warning, "case_link", {"case": case_ref})
    return warning


def warning_case_request(*, actor, jurisdiction: Jurisdiction, warning_id: int, department: str) -> dict:
    """The arguments of ``sharecity.hub.enforcement.services.case_open`` for a case opened from this warning
    (source_kind "warning", source_ref the warning's id). Opening it is one line for the caller:
    ``case = case_open(**warning_case_request(...))`` then ``warning_case_link(..., case_ref=str(case.pk))``."""
    warning = Warning.objects.filter(pk=warning_id).first()
    if warning is None or not jurisdiction.covers_scoped(warning.city_code, warning.district_code):
        raise NotFound(_("No such warning."), field="warning_id", code="warnings.not_found")
    department = _text(department, field="department", max_length=limits.NAME_MAX_LENGTH)
    if warning.case_ref:
        raise Conflict(_("A case was already opened from this warning."), field="case_ref", code="warnings.case")
    return {"actor": actor, "city_code": warning.city_code, "district_code": warning.district_code,
            "department": department, "source_kind": "warning", "source_ref": str(warning.pk),
            "subject_kind": warning.subject_kind, "subject_ref": warning.subject_ref,
            "platform_id": warning.platform_id or None,
            "summary": f"{warning.get_rule_display()}: {warning.explanation.get('zh', '')}"[:500]}


# What a case is opened against, for each kind of warning subject: the enforcement case names a platform,
# a listing or a person's pseudonymous key; a warning about an order, a directive, a category or a district
# is taken up with the platform concerned.
_CASE_SUBJECTS = {SubjectKind.PLATFORM: "platform", SubjectKind.LISTING: "listing", SubjectKind.ACCOUNT: "person",
                  SubjectKind.ORDER: "platform", SubjectKind.DIRECTIVE: "platform",
                  SubjectKind.CATEGORY: "platform", SubjectKind.DISTRICT: "platform"}


@transaction.atomic
def warning_case_open(*, actor, jurisdiction: Jurisdiction, warning_id: int, department: str = ""):
    """Open an enforcement case from this warning (源头追溯、属地查处): held by ``department`` (a department
    kind; the officer's own by default) in the warning's district, its source the warning, and link the two.
    A warning about a category or a district with no platform named has no one to open a case against."""
    from sharecity.hub.enforcement.services import case_open

    request = warning_case_request(actor=actor, jurisdiction=jurisdiction, warning_id=warning_id,
                                   department=department or jurisdiction.department_kind or "-")
    warning = Warning.objects.get(pk=request["source_ref"])
    kind = _CASE_SUBJECTS[warning.subject_kind]
    if kind == "platform":
        if not warning.platform_id:
            raise InvalidInput(_("This warning names no platform, listing or account to open a case against."),
                               field="warning_id", code="warnings.no_case_subject")
        if warning.subject_kind != SubjectKind.PLATFORM:
            request["summary"] = f"{request['summary']} ({warning.get_subject_kind_display()} {warning.subject_ref})"[
                :500]
        request["subject_ref"] = warning.platform_id
    request["subject_kind"] = kind
    case = case_open(**request)
    warning_case_link(actor=actor, jurisdiction=jurisdiction, warning_id=warning.pk, case_ref=str(case.public_id))
    return case


def late_acknowledgements_raise(*, now: dt.datetime) -> int:
    """A warning for each directive its platform did not acknowledge by the deadline (Tianjin's opinions ask
    that rectification and recall orders be followed up; a late answer is itself a risk signal). Idempotent:
    one warning per directive. Returns how many were raised anew."""
    from sharecity.hub.enforcement.selectors import directives_acknowledged_late

    raised = 0
    for late in directives_acknowledged_late(now=now):
        if not late.city_code or Warning.objects.filter(dedupe_key=late.dedupe_key).exists():
            continue
        days = late.days_late
        answered = (f"于 {late.acknowledged_at.astimezone(CITY_TZ):%Y-%m-%d %H:%M} 才确认"
                    if late.acknowledged_at else "至今未确认")
        answered_en = (f"acknowledged only on {late.acknowledged_at.astimezone(CITY_TZ):%Y-%m-%d %H:%M}"
                       if late.acknowledged_at else "not acknowledged yet")
        deadline = late.deadline.astimezone(CITY_TZ)
        warning_raise(
            city_code=late.city_code, rule=Rule.LATE_ACKNOWLEDGEMENT,
            severity=Severity.HIGH if late.directive_type == "recall.order" or days > 3 else Severity.MEDIUM,
            subject_kind=SubjectKind.DIRECTIVE, subject_ref=late.message_id, platform_id=late.platform_id,
            district_code=late.district_code,
            explanation={"zh": f"平台对指令（{late.directive_type}）的确认期限为 {deadline:%Y-%m-%d %H:%M}，"
                               f"{answered}，逾期 {days} 天。",
                         "en": f"The platform had to acknowledge the directive ({late.directive_type}) by "
                               f"{deadline:%Y-%m-%d %H:%M}; {answered_en}, {days} day(s) late."},
            evidence=[{"kind": "directive", "ref": late.message_id,
                       "description": f"{late.directive_type}; deadline {late.deadline.isoformat()}; acknowledged "
                                      f"{late.acknowledged_at.isoformat() if late.acknowledged_at else 'never'}"
                                      + (f"; case {late.case_id}" if late.case_id else "")}],
            dedupe_key=late.dedupe_key)
        raised += 1
    return raised


# --- the scan --------------------------------------------------------------------------------------------------


def warnings_scan(*, now: dt.datetime | None = None, force: bool = False) -> WarningScan:
    """Run every rule in effect over the hub's facts and raise what they find. Incremental: when no message
    has arrived since the last scan (and ``force`` is not given) nothing is read. Idempotent: a finding
    already raised (its dedupe key) is not raised again, so scans may overlap or repeat."""
    from sharecity.hub.intake.selectors import latest_received_at
    from sharecity.hub.warnings import rules, selectors
    from sharecity.hub.warnings.feed import facts_load

    now = now or timezone.now()
    newest = latest_received_at()
    previous = selectors.last_scan()
    scan = WarningScan(started_at=timezone.now(), as_of=now, last_received_at=newest)
    # Directives fall late with time, not with messages: looked at on every scan.
    late = late_acknowledgements_raise(now=now)
    if not force and previous is not None and previous.last_received_at == newest \
            and previous.as_of.date() == now.date():
        scan.skipped, scan.finished_at = True, timezone.now()
        scan.raised = {Rule.LATE_ACKNOWLEDGEMENT: late} if late else {}
        scan.save()
        return scan
    facts = facts_load()
    today = now.astimezone(CITY_TZ).date()
    raised: dict[str, int] = {}
    for setting in selectors.settings_in_effect(day=today):
        if setting.rule == Rule.UNLICENSED_HOMESTAY:
            findings = rules.unlicensed_homestay(facts, setting.params, now,
                                                 licensed=selectors.licensed_holders(day=today))
        elif setting.rule in rules.RULES:
            findings = rules.RULES[setting.rule](facts, setting.params, now)
        else:
            continue
        for finding in findings:
            if not finding.city_code:
                continue
            # The version in effect when what was found happened decides whether it was a fault then.
            when = (finding.at or now).astimezone(CITY_TZ).date()
            in_effect = setting if when >= setting.effective_from else selectors.setting_for(rule=setting.rule,
                                                                                               day=when)
            if in_effect is None:
                continue
            before = Warning.objects.filter(dedupe_key=finding.dedupe_key).exists()
            warning_raise(city_code=finding.city_code, rule=finding.rule,
                          severity=finding.severity or in_effect.severity, subject_kind=finding.subject_kind,
                          subject_ref=finding.subject_ref, platform_id=finding.platform_id,
                          district_code=finding.district_code, explanation=finding.explanation,
                          evidence=finding.evidence, dedupe_key=finding.dedupe_key)
            if not before:
                raised[finding.rule] = raised.get(finding.rule, 0) + 1
    if late:
        raised[Rule.LATE_ACKNOWLEDGEMENT] = raised.get(Rule.LATE_ACKNOWLEDGEMENT, 0) + late
    scan.raised, scan.finished_at = raised, timezone.now()
    scan.save()
    return scan


# --- the city's lodging-licence register -----------------------------------------------------------------------

LICENCE_COLUMNS = ("city_code", "district_code", "licence_number", "holder_key", "holder_id_number", "valid_from",
                   "valid_until")


@transaction.atomic
def lodging_licences_import(*, rows: list[dict]) -> tuple[int, int]:
    """Load the public security bureau's lodging-licence register (《旅馆业治安管理办法》第四条: a lodging
    business needs its special-industry licence): one row per licence, keyed by city and licence number (a row
    again updates it). The holder is named by party key, or by resident ID or credit code, which becomes the
    party key every platform computes (the city's pseudonym key): the hub keeps no identity number. All or
    nothing: a bad row refuses the file, naming its line (the header is line 1) and column. Returns (created,
    updated)."""
    from sharecity.exchange.pseudonyms import party_key_for_identity

    created = updated = 0
    for line, row in enumerate(rows, start=2):
        def field(name: str, *, line=line) -> str:
            return f"line {line}: {name}"

        city = str(row.get("city_code") or "").strip()
        if city not in CITIES:
            raise InvalidInput(_("Unknown city code."), field=field("city_code"), code="warnings.city")
        district = str(row.get("district_code") or "").strip()
        if district and (district not in DISTRICTS or DISTRICTS[district].city_code != city):
            raise InvalidInput(_("The district is not one of the city's."), field=field("district_code"),
                               code="warnings.district")
        number = _text(str(row.get("licence_number") or ""), field=field("licence_number"), max_length=64)
        holder = str(row.get("holder_key") or "").strip()
        identity = str(row.get("holder_id_number") or "").strip()
        if bool(holder) == bool(identity):
            raise InvalidInput(_("Give the holder's party key or identity number (one of them)."),
                               field=field("holder_key"), code="warnings.licence_holder")
        if identity:
            try:
                holder = party_key_for_identity(identity)
            except (ValueError, InvalidInput):
                raise InvalidInput(_("Not a valid resident ID or unified social credit code."),
                                   field=field("holder_id_number"), code="warnings.licence_identity") from None
        holder = _text(holder, field=field("holder_key"), max_length=limits.PARTY_KEY_MAX_LENGTH)
        dates = {}
        for name in ("valid_from", "valid_until"):
            value = str(row.get(name) or "").strip()
            if not value and name == "valid_until":
                dates[name] = None
                continue
            try:
                dates[name] = dt.date.fromisoformat(value)
            except ValueError:
                raise InvalidInput(_("A date such as 2026-01-31."), field=field(name), code="warnings.date") from None
        if dates["valid_until"] is not None and dates["valid_until"] < dates["valid_from"]:
            raise InvalidInput(_("The licence must end after it begins."), field=field("valid_until"),
                               code="warnings.date_order")
        _licence, made = LodgingLicence.objects.update_or_create(
            city_code=city, licence_number=number,
            defaults={"district_code": district, "holder_key": holder, **dates})
        created, updated = created + made, updated + (not made)
    audit_record(actor=None, action="warnings.lodging_licences_imported", object_type="lodging_licence",
                 object_id="", detail={"created": created, "updated": updated})
    return created, updated
