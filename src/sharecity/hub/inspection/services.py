"""Writes of the random-inspection duty; each is atomic and records its audit row.

The plan's life: ``plan_create`` (draft) → ``plan_point`` (class-A subjects pointed to) → ``plan_commit``
(the seed is generated and committed as sha256, the pools frozen and hashed) → ``plan_draw`` (once) →
``plan_reveal`` (the seed published). A committed plan is never drawn twice and never edited: the state
machine refuses, under a row lock, and the audit log keeps every step.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.audit.services import audit_record
from sharecity.hub.inspection import selectors
from sharecity.hub.inspection.draw import DrawError, draw, seed_commitment
from sharecity.hub.inspection.models import (
    InspectionItem,
    InspectionPlan,
    InspectionTask,
    Inspector,
    InspectorConnection,
    PlanPointer,
    PlanState,
    PoolInspector,
    PoolSubject,
    TaskState,
)
from sharecity.hub.registry.jurisdiction import Jurisdiction, jurisdiction_for
from sharecity.hub.registry.models import Department
from sharecity.hub.registry.selectors import registered_platform_get, regulator_profile_for
from sharecity.kernel.districts import DISTRICTS
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.kernel.workdays import add_workdays

# Results are made public within 20 working days: 国务院《关于在市场监管领域全面推行部门联合“双随机、一公开”
# 监管的意见》(国发〔2019〕5号) has inspection results published through the national enterprise credit
# publicity system, and 《企业信息公示暂行条例》(2024 修订) 第六条第二款 sets the period for what it publishes:
# "应当自产生之日起20个工作日内予以公示". A result arises when the inspection is done.
PUBLISH_WITHIN_WORKDAYS = 20
TITLE_MAX, REASON_MAX, FINDINGS_MAX, NAME_MAX = 120, 300, 2000, 60
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


def publish_due_for(inspected_on: dt.date) -> dt.date:
    """The last day to publish a result: 20 working days after the inspection, on the official calendar."""
    return add_workdays(inspected_on, PUBLISH_WITHIN_WORKDAYS)


def _text(value, *, field: str, max_length: int, required: bool = True, block: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInput(_("Give %(field)s as text.") % {"field": field}, field=field, code="inspection.not_text")
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), field=field, code="inspection.required")
    if len(value) > max_length:
        raise InvalidInput(_("At most %(count)d characters.") % {"count": max_length}, field=field,
                           code="inspection.too_long")
    if _CONTROL.search(value) or (not block and ("\n" in value or "\r" in value)):
        raise InvalidInput(_("Control characters are not allowed."), field=field, code="inspection.control_character")
    return value


def _officer(actor) -> tuple[Jurisdiction, object]:
    """The acting officer's jurisdiction and profile; hub operators and others may not run inspections."""
    profile = regulator_profile_for(actor)
    jurisdiction = jurisdiction_for(actor) if profile is not None else None
    if profile is None or jurisdiction is None:
        raise Forbidden(_("Only regulator staff may run random inspections."), field="actor",
                        code="inspection.regulators_only")
    return jurisdiction, profile


def _locked_plan(*, actor, plan_id: int) -> tuple[InspectionPlan, Jurisdiction]:
    jurisdiction, _profile = _officer(actor)
    plan = selectors.plan_get(jurisdiction=jurisdiction, plan_id=plan_id)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    return plan, jurisdiction


def _audit(actor, plan: InspectionPlan, action: str, detail: dict, now: dt.datetime | None = None) -> None:
    audit_record(actor=actor, action=action, object_type="inspection_plan", object_id=plan.pk, detail=detail,
                 now=now, city_code=plan.city_code, district_code=plan.district_code)


# --- inspectors ----------------------------------------------------------------------------------------


@transaction.atomic
def inspector_add(*, actor, name: str, badge: str, residence_district_code: str = "",
                  unit_district_code: str | None = None) -> Inspector:
    """Add an officer of the actor's own department (and district bureau) to the inspector pool."""
    jurisdiction, profile = _officer(actor)
    name = _text(name, field="name", max_length=NAME_MAX)
    badge = _text(badge, field="badge", max_length=30)
    residence = _text(residence_district_code, field="residence_district_code", max_length=6, required=False)
    if residence and residence not in DISTRICTS:
        raise InvalidInput(_("Unknown district code: use a GB/T 2260 code of a Xiamen or Tianjin district."),
                           field="residence_district_code", code="inspection.unknown_district")
    unit = profile.district_code if unit_district_code is None else unit_district_code
    if profile.district_code and unit != profile.district_code:
        raise Forbidden(_("A district bureau adds inspectors of its own district only."), field="unit_district_code",
                        code="inspection.other_district")
    if unit and not jurisdiction.covers_district(unit):
        raise InvalidInput(_("Choose a district of your city."), field="unit_district_code",
                           code="inspection.unknown_district")
    if Inspector.objects.filter(city_code=profile.city_code, badge=badge).exists():
        raise Conflict(_("An inspector with this badge number is already in the pool."), field="badge",
                       code="inspection.badge_taken")
    inspector = Inspector.objects.create(city_code=profile.city_code, department_kind=profile.department_kind,
                                         department=profile.department, name=name, badge=badge,
                                         unit_district_code=unit, residence_district_code=residence)
    audit_record(actor=actor, action="inspection.inspector_added", object_type="inspector", object_id=inspector.pk,
                 detail={"badge": badge, "department_kind": profile.department_kind,
                         "residence_district_code": residence, "unit_district_code": unit})
    return inspector


@transaction.atomic
def inspector_connection_declare(*, actor, inspector_id: int, subject_id: int, reason: str) -> InspectorConnection:
    """Record an inspector's connection to a subject: the draw recuses them from it. Declared before a
    plan's commitment, it is in that plan's frozen pool; declared after, it counts for later plans."""
    jurisdiction, _profile = _officer(actor)
    inspector = selectors.inspector_get(jurisdiction=jurisdiction, inspector_id=inspector_id)
    reason = _text(reason, field="reason", max_length=200)
    _subject_in(jurisdiction, subject_id, field="subject_id")
    connection, _created = InspectorConnection.objects.get_or_create(inspector=inspector, subject_id=subject_id,
                                                                     defaults={"reason": reason})
    audit_record(actor=actor, action="inspection.connection_declared", object_type="inspector",
                 object_id=inspector.pk, detail={"subject_id": subject_id, "reason": reason})
    return connection


@transaction.atomic
def inspector_active_set(*, actor, inspector_id: int, active: bool, reason: str) -> Inspector:
    """Take an inspector out of the pool (retired, moved, on leave) or back in, with the reason (audited). Later
    draws follow; a plan already committed keeps the pool it froze, so its draw can still be verified."""
    jurisdiction, _profile = _officer(actor)
    inspector = selectors.inspector_get(jurisdiction=jurisdiction, inspector_id=inspector_id)
    if not isinstance(active, bool):
        raise InvalidInput(_("Say yes or no."), field="active", code="inspection.active")
    reason = _text(reason, field="reason", max_length=200)
    if inspector.active != active:
        inspector.active = active
        inspector.save(update_fields=["active"])
        audit_record(actor=actor, action="inspection.inspector_activated" if active
                     else "inspection.inspector_deactivated", object_type="inspector", object_id=inspector.pk,
                     detail={"badge": inspector.badge, "reason": reason})
    return inspector


def _subject_in(jurisdiction: Jurisdiction, subject_id, *, field: str):
    from sharecity.hub.credit.selectors import subjects_scoped

    if isinstance(subject_id, bool) or not isinstance(subject_id, int) or not 0 < subject_id < 2**63:
        raise InvalidInput(_("Give a credit subject's number."), field=field, code="inspection.invalid_subject")
    subject = subjects_scoped(jurisdiction).filter(pk=subject_id).first()
    if subject is None:
        raise InvalidInput(_("Choose a credit subject of your jurisdiction."), field=field,
                           code="inspection.subject_outside_jurisdiction")
    return subject


# --- plans ---------------------------------------------------------------------------------------------


def _ratios(*, city_code: str, day: dt.date, ratios_bp: dict | None) -> dict:
    """The plan's ratio per class, checked against the rule in force; defaults: class A's cap, the others'
    lowest ratio. Stored with the rules' flags and sources, so the draw reads data frozen with the plan."""
    rules = selectors.rules_in_force(city_code=city_code, day=day)
    if set(rules) != {"A", "B", "C", "D"}:
        raise InvalidInput(_("No ratio rule is in force for every risk class on this date."), field="period_start",
                           code="inspection.no_ratio_rule")
    given = ratios_bp or {}
    if not isinstance(given, dict) or set(given) - set(rules):
        raise InvalidInput(_("Give ratios for the risk classes A, B, C and D only."), field="ratios_bp",
                           code="inspection.invalid_ratio")
    chosen: dict[str, int] = {}
    for risk_class, rule in rules.items():
        value = given.get(risk_class, rule.ratio_max_bp if rule.pointed_only else rule.ratio_min_bp)
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(_("A ratio is a whole number of hundredths of a percent."),
                               field=f"ratios_bp.{risk_class}", code="inspection.invalid_ratio")
        if not rule.ratio_min_bp <= value <= rule.ratio_max_bp:
            raise InvalidInput(
                _("Class %(cls)s: the ratio must lie between %(low)s%% and %(high)s%% (%(source)s %(article)s).")
                % {"cls": risk_class, "low": rule.ratio_min_bp / 100, "high": rule.ratio_max_bp / 100,
                   "source": rule.source_number, "article": rule.source_article},
                field=f"ratios_bp.{risk_class}", code="inspection.ratio_out_of_range")
        chosen[risk_class] = value
    return {"ratios": chosen, "pointed_only": sorted(c for c, r in rules.items() if r.pointed_only),
            "on_site": sorted(c for c, r in rules.items() if r.on_site),
            "rules": {c: {"id": r.pk, "min_bp": r.ratio_min_bp, "max_bp": r.ratio_max_bp,
                          "effective_from": r.effective_from.isoformat(),
                          "source": f"{r.source_number} {r.source_article}"} for c, r in rules.items()}}


@transaction.atomic
def plan_create(*, actor, title: str, departments: list[str], districts: list[str], item_codes: list[str],
                period_start: dt.date, period_end: dt.date, sector: str = "", recuse_residence: bool = False,
                inspectors_per_task: int = 2, task_workdays: int = 20,
                ratios_bp: dict | None = None) -> InspectionPlan:
    """A draft plan of the officer's city (a district bureau: of its district). ``departments``: the officer's
    own and, for a joint plan, the others that check the same subjects in the same visit."""
    _jurisdiction, profile = _officer(actor)
    title = _text(title, field="title", max_length=TITLE_MAX)
    sector = _text(sector, field="sector", max_length=40, required=False)
    if sector and not _CODE.fullmatch(sector):
        raise InvalidInput(_("A sector is a category code: lower-case letters, digits, dots, dashes, underscores."),
                           field="sector", code="inspection.invalid_sector")
    if not isinstance(departments, list) or not departments or len(departments) > len(Department.values):
        raise InvalidInput(_("Choose at least one department."), field="departments", code="inspection.departments")
    for value in departments:
        if value not in Department.values:
            raise InvalidInput(_("Unknown department: one of %(values)s.") % {"values": ", ".join(Department.values)},
                               field="departments", code="inspection.unknown_department")
    departments = sorted(set(departments))
    if profile.department_kind not in departments:
        raise InvalidInput(_("A plan includes the officer's own department."), field="departments",
                           code="inspection.own_department")
    if not isinstance(districts, list) or not districts or len(districts) > 40:
        raise InvalidInput(_("Choose at least one district."), field="districts", code="inspection.districts")
    for code in districts:
        if not isinstance(code, str) or code not in DISTRICTS or DISTRICTS[code].city_code != profile.city_code:
            raise InvalidInput(_("Choose districts of your city."), field="districts",
                               code="inspection.unknown_district")
        if profile.district_code and code != profile.district_code:
            raise Forbidden(_("A district bureau plans inspections in its own district only."), field="districts",
                            code="inspection.other_district")
    districts = sorted(set(districts))
    if not isinstance(item_codes, list) or not item_codes or len(item_codes) > 50:
        raise InvalidInput(_("Choose at least one item to check."), field="item_codes", code="inspection.items")
    items = list(selectors.items_for(city_code=profile.city_code, departments=departments)
                 .filter(code__in=[c for c in item_codes if isinstance(c, str)]))
    if len(items) != len(set(item_codes)):
        raise InvalidInput(_("Choose items of the plan's departments in your city."), field="item_codes",
                           code="inspection.unknown_item")
    if not isinstance(period_start, dt.date) or not isinstance(period_end, dt.date):
        raise InvalidInput(_("Give the period as dates."), field="period_start", code="inspection.period")
    if period_end < period_start:
        raise InvalidInput(_("The period ends before it starts."), field="period_end", code="inspection.period")
    if isinstance(inspectors_per_task, bool) or not isinstance(inspectors_per_task, int) \
            or not 2 <= inspectors_per_task <= 10:
        # At least two law-enforcement officers per inspection: 《中华人民共和国行政处罚法》(2021 修订)
        # 第四十二条 "执法人员不得少于两人，法律另有规定的除外".
        raise InvalidInput(_("Between 2 and 10 inspectors per task (at least two officers inspect together)."),
                           field="inspectors_per_task", code="inspection.inspectors_per_task")
    if isinstance(task_workdays, bool) or not isinstance(task_workdays, int) or not 1 <= task_workdays <= 250:
        raise InvalidInput(_("Between 1 and 250 working days."), field="task_workdays", code="inspection.workdays")
    ratios = _ratios(city_code=profile.city_code, day=period_start, ratios_bp=ratios_bp)
    plan = InspectionPlan.objects.create(
        city_code=profile.city_code, district_code=profile.district_code, title=title, departments=departments,
        sector=sector, districts=districts, period_start=period_start, period_end=period_end,
        recuse_residence=bool(recuse_residence), inspectors_per_task=inspectors_per_task,
        task_workdays=task_workdays, ratios_bp=ratios, created_by=actor)
    plan.items.set(items)
    _audit(actor, plan, "inspection.plan_created",
           {"title": title, "departments": departments, "districts": districts, "sector": sector,
            "items": sorted(i.code for i in items), "period": [period_start.isoformat(), period_end.isoformat()],
            "ratios": ratios, "recuse_residence": plan.recuse_residence,
            "inspectors_per_task": inspectors_per_task})
    return plan


@transaction.atomic
def plan_point(*, actor, plan_id: int, subject_id: int, source: str, reason: str) -> PlanPointer:
    """A complaint, a data signal (a warning) or a referral points to a subject: the only way a class-A
    subject enters the draw. Only before the commitment (the pools are frozen then)."""
    plan, jurisdiction = _locked_plan(actor=actor, plan_id=plan_id)
    if plan.state != PlanState.DRAFT:
        raise Conflict(_("The plan's pools are frozen: pointers are added before the commitment."), field="plan_id",
                       code="inspection.frozen")
    if source not in PlanPointer.Source.values:
        raise InvalidInput(_("The source is one of: %(values)s.") % {"values": ", ".join(PlanPointer.Source.values)},
                           field="source", code="inspection.invalid_source")
    reason = _text(reason, field="reason", max_length=REASON_MAX)
    subject = _subject_in(jurisdiction, subject_id, field="subject_id")
    if subject.district_code not in plan.districts:
        raise InvalidInput(_("The subject is not in one of the plan's districts."), field="subject_id",
                           code="inspection.subject_outside_plan")
    pointer, created = PlanPointer.objects.get_or_create(plan=plan, subject_id=subject.pk,
                                                         defaults={"source": source, "reason": reason})
    if created:
        _audit(actor, plan, "inspection.plan_pointer_added",
               {"subject_id": subject.pk, "source": source, "reason": reason})
    return pointer


def plan_point_ref(*, actor, plan_id: int, subject_kind: str, subject_ref: str, source: str,
                   reason: str) -> PlanPointer:
    """``plan_point`` for a subject named as warnings and cases name it: its kind and reference (the party
    key of a business or person, the credit code of an enterprise, or the credit file's number)."""
    from sharecity.hub.credit.models import CreditSubject

    ref = str(subject_ref or "")[:200]
    subject = CreditSubject.objects.filter(kind=subject_kind, identifier=ref).only("pk").first()
    if subject is None and ref.isdigit() and len(ref) < 19:
        subject = CreditSubject.objects.filter(pk=int(ref)).only("pk").first()
    if subject is None:
        raise InvalidInput(_("Choose a credit subject of your jurisdiction."), field="subject_ref",
                           code="inspection.subject_outside_jurisdiction")
    return plan_point(actor=actor, plan_id=plan_id, subject_id=subject.pk, source=source, reason=reason)


@transaction.atomic
def plan_point_warnings(*, actor, plan_id: int) -> list[PlanPointer]:
    """Point the draft plan at the providers its districts' open risk warnings name (a data signal, 国市监信发
    〔2022〕6号: class A is inspected when a signal points to it): a warning about an account names the
    provider; one about a listing, the provider who posted it, as the hub's facts know it. Warnings about a
    platform, a category or a district name no provider and are left to the regulator's judgement."""
    from sharecity.hub.credit.models import CreditSubject, SubjectKind
    from sharecity.hub.facts.models import ListingFact
    from sharecity.hub.warnings.models import Status, Warning
    from sharecity.hub.warnings.models import SubjectKind as WarningSubject

    plan, _jurisdiction = _locked_plan(actor=actor, plan_id=plan_id)
    if plan.state != PlanState.DRAFT:
        raise Conflict(_("The plan's pools are frozen: pointers are added before the commitment."), field="plan_id",
                       code="inspection.frozen")
    warnings = Warning.objects.filter(city_code=plan.city_code, district_code__in=plan.districts,
                                      status__in=[Status.NEW, Status.ASSIGNED],
                                      subject_kind__in=[WarningSubject.ACCOUNT, WarningSubject.LISTING]).order_by("pk")
    named: dict[str, Warning] = {}
    for warning in warnings:
        if warning.subject_kind == WarningSubject.ACCOUNT:
            named.setdefault(warning.subject_ref, warning)
            continue
        provider = ListingFact.objects.filter(platform_id=warning.platform_id, listing_id=warning.subject_ref
                                              ).values_list("provider_key", flat=True).first()
        if provider:
            named.setdefault(provider, warning)
    files = {subject.identifier: subject for subject in CreditSubject.objects.filter(
        identifier__in=sorted(named), kind__in=[SubjectKind.BUSINESS, SubjectKind.PERSON]).order_by("-kind")}
    pointers = []
    for key, warning in named.items():
        subject = files.get(key)
        if subject is None or subject.district_code not in plan.districts:
            continue
        text = " ".join(str(warning.explanation.get("zh", "")).split())
        reason = f"{warning.get_rule_display()} #{warning.pk}: {text}"[:REASON_MAX]
        pointers.append(plan_point(actor=actor, plan_id=plan.pk, subject_id=subject.pk,
                                   source=PlanPointer.Source.SIGNAL, reason=reason))
    return pointers


def _pool_subjects(plan: InspectionPlan, *, as_of: dt.date) -> list[PoolSubject]:
    """Providers with listings in the plan's districts (and sector), with their credit risk class: the
    grade of their credit file on the commitment day (hub.credit scorecard, A–D)."""
    from sharecity.hub.credit.models import CreditSubject, SubjectKind
    from sharecity.hub.credit.selectors import grades_for, subject_label
    from sharecity.hub.credit.services import credit_subject_ensure
    from sharecity.hub.facts.selectors import Filters, listings_list

    jurisdiction = Jurisdiction(city_code=plan.city_code)
    # Where each provider offers (its first listing in the plan's districts): a credit file opened before
    # its first listing (by subject.verified) may carry no district of its own.
    offered: dict[str, str] = {}
    platform_of: dict[str, str] = {}
    for district in plan.districts:
        listings = listings_list(jurisdiction=jurisdiction, filters=Filters(category=plan.sector, district=district))
        for key, platform_id in listings.order_by("pk").values_list("provider_key", "platform_id"):
            if key:
                offered.setdefault(key, district)
                platform_of.setdefault(key, platform_id)
    files = {s.identifier: s for s in CreditSubject.objects.filter(
        identifier__in=sorted(offered), kind__in=[SubjectKind.BUSINESS, SubjectKind.PERSON]).order_by("-kind")}
    subjects = []
    for key in sorted(offered):
        # A provider the credit system has no file for yet gets one (hub.credit's service opens it).
        subject = files.get(key) or credit_subject_ensure(kind=SubjectKind.PERSON, identifier=key,
                                                          district_code=offered[key])
        if subject.district_code and subject.district_code not in plan.districts:
            continue  # the file places the provider elsewhere: that district's plans inspect it
        subjects.append(subject)
    districts = {s.pk: s.district_code or offered[s.identifier] for s in subjects}
    platforms = {s.pk: s.platform_id or platform_of[s.identifier] for s in subjects}
    pointers = {p.subject_id: p for p in plan.pointers.all()}
    present = {s.pk for s in subjects}
    # A pointed subject is in the pool even without a listing in the sector (a complaint may name it).
    for subject in CreditSubject.objects.filter(pk__in=[pk for pk in pointers if pk not in present]):
        subjects.append(subject)
        districts[subject.pk], platforms[subject.pk] = subject.district_code, subject.platform_id
    grades: dict[int, str] = {}
    for start in range(0, len(subjects), 500):
        grades.update(grades_for(subjects[start:start + 500], as_of=as_of))
    return [PoolSubject(plan=plan, subject_id=s.pk, kind=s.kind, label=subject_label(s)[:140],
                        district_code=districts[s.pk], platform_id=platforms[s.pk], risk_class=grades[s.pk],
                        pointed=s.pk in pointers,
                        pointer_reason=(f"{pointers[s.pk].source}: {pointers[s.pk].reason}"[:300]
                                        if s.pk in pointers else ""))
            for s in subjects]


@transaction.atomic
def plan_commit(*, actor, plan_id: int, now: dt.datetime | None = None) -> InspectionPlan:
    """Generate the plan's seed, publish sha256(seed), freeze the pools as rows and publish their hash.
    The seed stays secret until ``plan_reveal``; neither seed nor pools change after this."""
    plan, _jurisdiction = _locked_plan(actor=actor, plan_id=plan_id)
    if plan.state != PlanState.DRAFT:
        raise Conflict(_("The plan is already committed; a commitment is made once."), field="plan_id",
                       code="inspection.already_committed")
    now = now or timezone.now()
    as_of = now.astimezone(CITY_TZ).date()
    subjects = _pool_subjects(plan, as_of=as_of)
    PoolSubject.objects.bulk_create(subjects)
    inspectors = list(Inspector.objects.filter(city_code=plan.city_code, department_kind__in=plan.departments,
                                               active=True).order_by("pk"))
    connections: dict[int, list[int]] = {}
    for row in InspectorConnection.objects.filter(inspector__in=inspectors):
        connections.setdefault(row.inspector_id, []).append(row.subject_id)
    PoolInspector.objects.bulk_create([
        PoolInspector(plan=plan, inspector=i, department_kind=i.department_kind,
                      residence_district_code=i.residence_district_code,
                      connected_subject_ids=sorted(connections.get(i.pk, []))) for i in inspectors])
    seed = secrets.token_hex(32)
    plan.seed = seed
    plan.seed_commitment = seed_commitment(seed)
    pools = selectors.pools_of(plan)
    plan.pools_hash = pools.digest()
    plan.state = PlanState.COMMITTED
    plan.committed_at = now
    plan.save(update_fields=["seed", "seed_commitment", "pools_hash", "state", "committed_at"])
    _audit(actor, plan, "inspection.plan_committed",
           {"seed_commitment": plan.seed_commitment, "pools_hash": plan.pools_hash,
            "subjects": len(pools.subjects), "inspectors": len(pools.inspectors),
            "pools": selectors.pools_record(pools)}, now=now)
    return plan


@transaction.atomic
def plan_draw(*, actor, plan_id: int, now: dt.datetime | None = None) -> InspectionPlan:
    """Draw the plan's tasks from its committed seed and frozen pools: once, never again."""
    plan, _jurisdiction = _locked_plan(actor=actor, plan_id=plan_id)
    if plan.state == PlanState.DRAFT:
        raise Conflict(_("Commit the seed and freeze the pools before drawing."), field="plan_id",
                       code="inspection.not_committed")
    if plan.state != PlanState.COMMITTED or plan.tasks.exists():
        raise Conflict(_("The plan was already drawn; a draw is made once and cannot be redone."), field="plan_id",
                       code="inspection.already_drawn")
    now = now or timezone.now()
    try:
        result = draw(plan.seed, selectors.pools_of(plan))
    except DrawError as error:
        raise InvalidInput(error.message, field=error.field, code="inspection.draw_impossible") from None
    pool = {s.subject_id: s for s in plan.pool_subjects.all()}
    deadline = add_workdays(now.astimezone(CITY_TZ).date(), plan.task_workdays)
    InspectionTask.objects.bulk_create([
        InspectionTask(plan=plan, rank=t.rank, pool_subject=pool[t.subject_id], inspector_ids=list(t.inspector_ids),
                       item_codes=list(t.item_codes), on_site=t.on_site, deadline=deadline)
        for t in result.tasks])
    plan.draw_digest = result.digest()
    plan.state = PlanState.DRAWN
    plan.drawn_at = now
    plan.save(update_fields=["draw_digest", "state", "drawn_at"])
    _audit(actor, plan, "inspection.plan_drawn",
           {"draw_digest": plan.draw_digest, "tasks": len(result.tasks), "deadline": deadline.isoformat(),
            "subject_ids": [t.subject_id for t in result.tasks]}, now=now)
    return plan


@transaction.atomic
def plan_reveal(*, actor, plan_id: int, now: dt.datetime | None = None) -> InspectionPlan:
    """Publish the seed: from now anyone can recompute the draw (``sharecity inspection verify``)."""
    plan, _jurisdiction = _locked_plan(actor=actor, plan_id=plan_id)
    if plan.state != PlanState.DRAWN:
        raise Conflict(_("The seed is revealed once, after the draw."), field="plan_id", code="inspection.not_drawn")
    plan.state = PlanState.REVEALED
    plan.revealed_at = now or timezone.now()
    plan.save(update_fields=["state", "revealed_at"])
    _audit(actor, plan, "inspection.plan_revealed", {"seed": plan.seed, "seed_commitment": plan.seed_commitment},
           now=now)
    return plan


# --- tasks: results, publication, the platform, credit ----------------------------------------------------


@transaction.atomic
def task_result_record(*, actor, task_id: int, inspected_on: dt.date, items_checked: list[str], findings: str,
                       violation_found: bool, items_failed: list[str] | None = None,
                       now: dt.datetime | None = None) -> InspectionTask:
    """Record what the visit found. The result goes to the platform concerned as an ``inspection.result``
    directive (hub.directives) and into the subject's credit file (hub.credit), in this transaction; it is
    due for publication within 20 working days of the inspection (``PUBLISH_WITHIN_WORKDAYS``).

    A violation names the items it was found on (``items_failed``, among those checked); each department
    whose item failed gets its own case (a joint visit checks for several departments, 进一次门、查多项事, but
    each answers for its own matters). A plan of one department may leave them out: every item checked."""
    jurisdiction, profile = _officer(actor)
    task = selectors.task_get(jurisdiction=jurisdiction, task_id=task_id)
    task = InspectionTask.objects.select_for_update().select_related("plan", "pool_subject").get(pk=task.pk)
    if task.plan.state not in (PlanState.DRAWN, PlanState.REVEALED):
        raise Conflict(_("The plan is not drawn."), field="task_id", code="inspection.not_drawn")
    if task.state != TaskState.OPEN:
        raise Conflict(_("The task's result is already recorded."), field="task_id", code="inspection.result_recorded")
    now = now or timezone.now()
    if not isinstance(inspected_on, dt.date):
        raise InvalidInput(_("Give the date of the inspection."), field="inspected_on", code="inspection.date")
    if inspected_on > now.astimezone(CITY_TZ).date():
        raise InvalidInput(_("The inspection date is in the future."), field="inspected_on", code="inspection.date")
    if task.plan.drawn_at and inspected_on < task.plan.drawn_at.astimezone(CITY_TZ).date():
        raise InvalidInput(_("The inspection date is before the draw."), field="inspected_on", code="inspection.date")
    if not isinstance(items_checked, list) or not items_checked or \
            not all(isinstance(c, str) and c in task.item_codes for c in items_checked):
        raise InvalidInput(_("Give the items checked, from the task's items: %(items)s.")
                           % {"items": ", ".join(task.item_codes)}, field="items_checked", code="inspection.items")
    if not isinstance(violation_found, bool):
        raise InvalidInput(_("Say yes or no."), field="violation_found", code="inspection.violation_found")
    findings = _text(findings, field="findings", max_length=FINDINGS_MAX, required=violation_found, block=True)
    if items_failed is None or items_failed == []:
        if violation_found and len(task.plan.departments) > 1:
            raise InvalidInput(_("A joint inspection's violation names the items it was found on: each "
                                 "department answers for its own."), field="items_failed",
                               code="inspection.items_failed")
        items_failed = list(items_checked) if violation_found else []
    if not isinstance(items_failed, list) or not all(isinstance(c, str) and c in items_checked for c in items_failed):
        raise InvalidInput(_("The items failed are among the items checked."), field="items_failed",
                           code="inspection.items_failed")
    if items_failed and not violation_found:
        raise InvalidInput(_("Items failed mean a violation was found."), field="items_failed",
                           code="inspection.items_failed")
    task.inspected_on = inspected_on
    task.items_checked = sorted(set(items_checked))
    task.items_failed = sorted(set(items_failed))
    task.findings = findings
    task.violation_found = violation_found
    task.result_recorded_at = now
    task.result_by = actor
    task.publish_due = publish_due_for(inspected_on)
    task.state = TaskState.RESULT
    _result_send(task=task, actor=actor, department=profile.department, now=now)
    task.save()
    audit_record(actor=actor, action="inspection.result_recorded", object_type="inspection_task", object_id=task.pk,
                 detail={"plan_id": task.plan_id, "subject_id": task.pool_subject.subject_id,
                         "violation_found": violation_found, "items_checked": task.items_checked,
                         "items_failed": task.items_failed,
                         "inspected_on": inspected_on.isoformat(), "publish_due": task.publish_due.isoformat(),
                         "directive": task.directive_message_id, "credit_record": task.credit_record_id},
                 city_code=task.plan.city_code, district_code=task.plan.district_code)
    if violation_found:
        # 源头追溯、属地查处: a violation found on the visit is a case for the district that holds the subject.
        from sharecity.hub.enforcement.services import case_open

        for fields in tasks_case_fields(task):
            case = case_open(actor=actor, **fields)
            audit_record(actor=actor, action="inspection.case_opened", object_type="inspection_task",
                         object_id=task.pk, detail={"plan_id": task.plan_id, "case": str(case.public_id),
                                                    "department": fields["department"]},
                         city_code=task.plan.city_code, district_code=task.plan.district_code)
    return task


def tasks_case_fields(task: InspectionTask) -> list[dict]:
    """One case per department whose item failed (the plan's first department when no item is named)."""
    owners = dict(InspectionItem.objects.filter(city_code=task.plan.city_code, code__in=task.items_failed)
                  .values_list("code", "department_kind"))
    departments = sorted({owners[code] for code in task.items_failed if code in owners})
    if len(departments) <= 1:
        return [task_case_fields(task, department=departments[0] if departments else None)]
    # The source names the department too: the enforcement service keeps one case per source and subject.
    return [{**task_case_fields(task, department=department), "source_ref": f"{task.pk}:{department}",
             "summary": f"{task.plan.title} [{', '.join(c for c in task.items_failed if owners.get(c) == department)}]"
                        f": {task.findings}"[:300]}
            for department in departments]


def task_case_fields(task: InspectionTask, *, department: str | None = None) -> dict:
    """The arguments of ``hub.enforcement.services.case_open`` for a task whose visit found a violation."""
    from sharecity.hub.credit.models import CreditSubject

    subject = task.pool_subject
    # A case names its subject as the credit file does: the party key of a business or person, the credit
    # code of an enterprise.
    identifier = CreditSubject.objects.filter(pk=subject.subject_id).values_list("identifier", flat=True).first()
    return {"city_code": task.plan.city_code, "district_code": subject.district_code or task.plan.district_code,
            "department": department or (task.plan.departments[0] if task.plan.departments else ""),
            "source_kind": "inspection",
            "source_ref": str(task.pk), "subject_kind": subject.kind,
            "subject_ref": identifier or str(subject.subject_id),
            # The platform is named where the hub knows it (a provider's file may carry one not registered).
            "platform_id": subject.platform_id if subject.platform_id and registered_platform_get(
                platform_id=subject.platform_id) is not None else None,
            "summary": f"{task.plan.title}: {task.findings}"[:300]}


def _result_send(*, task: InspectionTask, actor, department: str, now: dt.datetime) -> None:
    from sharecity.hub.credit.models import CreditSubject, RecordKind
    from sharecity.hub.credit.services import credit_inspection_recorded, credit_record_add
    from sharecity.hub.directives.services import directive_send_for
    from sharecity.hub.registry.selectors import registered_platform_get

    subject = CreditSubject.objects.get(pk=task.pool_subject.subject_id)
    inspected_at = dt.datetime.combine(task.inspected_on, dt.time(12), tzinfo=CITY_TZ)
    if task.pool_subject.platform_id and registered_platform_get(platform_id=task.pool_subject.platform_id):
        payload = {"case_id": f"inspection-{task.plan_id}-{task.rank}", "inspection_kind": "random_spot_check",
                   "subject_type": "subject", "subject_id": subject.identifier,
                   "result": "fail" if task.violation_found else "pass",
                   "findings": [{"code": code, "description": task.findings[:500] or code}
                                for code in task.items_failed] if task.violation_found else [],
                   "inspected_at": inspected_at, "legal_reference": "国发〔2019〕5号; 国市监信发〔2022〕6号"}
        directive = directive_send_for(actor=actor, department=department, platform_id=task.pool_subject.platform_id,
                                       directive_type="inspection.result", now=now, city_code=task.plan.city_code,
                                       district_code=task.plan.district_code, **payload)
        task.directive_message_id = str(directive.message_id)
        record = credit_inspection_recorded(directive_message_id=task.directive_message_id,
                                            platform_id=task.pool_subject.platform_id, payload=directive.payload,
                                            department=department)
    else:
        record, _created = credit_record_add(
            subject=subject, kind=RecordKind.INSPECTION,
            title=f"监督检查{'不合格' if task.violation_found else '合格'}", decided_on=task.inspected_on,
            polarity=-1 if task.violation_found else 1, source_type="inspection.task", source_id=str(task.pk),
            detail={"result": "fail" if task.violation_found else "pass", "plan_id": task.plan_id,
                    "items": task.items_checked, "items_failed": task.items_failed},
            legal_basis="国发〔2019〕5号; 国市监信发〔2022〕6号",
            decided_by=department[:120], public=True, platform_id=subject.platform_id)
    task.credit_record_id = record.pk if record is not None else None


@transaction.atomic
def task_publish(*, actor, task_id: int, now: dt.datetime | None = None) -> InspectionTask:
    """Publish a recorded result on the public page and API (一公开). Publication after the due date is
    allowed and flagged late."""
    jurisdiction, _profile = _officer(actor)
    task = selectors.task_get(jurisdiction=jurisdiction, task_id=task_id)
    task = InspectionTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
    if task.state == TaskState.OPEN:
        raise Conflict(_("Record the result before publishing it."), field="task_id", code="inspection.no_result")
    if task.state == TaskState.PUBLISHED:
        raise Conflict(_("The result is already published."), field="task_id", code="inspection.published")
    task.state = TaskState.PUBLISHED
    task.published_at = now or timezone.now()
    task.save(update_fields=["state", "published_at"])
    audit_record(actor=actor, action="inspection.result_published", object_type="inspection_task", object_id=task.pk,
                 detail={"plan_id": task.plan_id, "late": selectors.task_late(task)}, now=now,
                 city_code=task.plan.city_code, district_code=task.plan.district_code)
    return task
