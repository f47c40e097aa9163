"""Every hub route, walked from Django's URL resolver, as an officer of one district, an officer of
another city, an anonymous visitor and a signed-in person who is no regulator.

Data lives in Xiamen-Siming (350203), Xiamen-Huli (350206) and Tianjin-Heping (120101)
(tests/hub/jurisdiction_world.py). No response is a server error; an officer's responses never
contain a marker of another jurisdiction's data (platform names and ids, directive ids, review ids);
a detail route answers 404 for another jurisdiction's object and 200 for the officer's own.

A route whose path starts with ``hub/`` or ``api/v1/hub`` must have an entry in ``ROUTE_PARAMS``,
saying how to fill its path parameters: routes added later (hub/facts, hub/credit, hub/publicity)
fail here until they register, and an entry whose route is gone fails too. The exchange's routes
for platforms are listed in ``EXCLUDED`` with the reason.

Routes that write (POST, PUT) say how in ``Route.write``: tried by an officer on each other place's
object they are refused (403 or 404) and change nothing; tried by an anonymous visitor or a non-regulator
they are refused and change nothing; tried by the officer on their own object they succeed (so the body
the refusals were tested with is a valid one). Lists are city lists: another district of the same city
reads them (``Route.city_wide``) but may not change them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.credit.models import CreditRecord, CreditSubject, ScorecardVersion
from sharecity.hub.directives.models import Directive
from sharecity.hub.enforcement.models import Case, CaseDirective, CaseHandover
from sharecity.hub.evaluation.models import Designation, EvaluationRun, IndicatorScheme, PolicyTarget
from sharecity.hub.facts.models import FollowUpNote
from sharecity.hub.inspection.models import InspectionPlan, InspectionTask, Inspector, PlanPointer
from sharecity.hub.publicity.models import ListEntry, PenaltyDecision, RepairApplication
from sharecity.hub.warnings.models import Warning
from sharecity.kernel.timeutil import CITY_TZ
from tests.hub.jurisdiction_world import Place, World, build_world

pytestmark = pytest.mark.django_db

HUB_PREFIXES = ("hub/", "api/v1/hub")


@dataclass(frozen=True)
class Write:
    """How to write through a route: ``method`` "post" or "put"; ``body(place)`` what the place's own
    officer would send (form fields, or JSON when ``json``)."""

    method: str
    body: Callable[[Place], dict]
    json: bool = False


@dataclass(frozen=True)
class Route:
    """How to call one route. ``kwargs``: fixed path parameters (a type, a page name); ``variants``:
    several sets of them (each called). ``object_kwargs(place, kwargs)``: the parameters that name one
    place's object; the route is then a detail route, called with each foreign place's object (404
    expected) and the officer's own (200). ``public``: anyone may read it (an anonymous 200 is no fault;
    markers are still checked). ``get``: False for a route that only writes (GET answers 405).
    ``city_wide``: the object belongs to the whole city (another district of the city reads it).
    ``write``: how to write through it (see the module's docstring)."""

    kwargs: dict = field(default_factory=dict)
    variants: tuple[dict, ...] = ()
    object_kwargs: Callable[[Place, dict], dict] | None = None
    public: bool = False
    get: bool = True
    city_wide: bool = False
    write: Write | None = None


def _today() -> dt.date:
    return timezone.now().astimezone(CITY_TZ).date()


FACT_KINDS = ("listings", "complaints", "moderation", "incidents", "subjects")
NOTE = Write("post", lambda place: {"text": f"跟进记录 {place.key}"})
NOTE_JSON = Write("post", lambda place: {"text": f"跟进记录 {place.key}"}, json=True)


def _fact(kind: str):
    return lambda place, _kwargs: {"fact_id": place.facts[kind]}


def _commitment(place: Place) -> dict:
    return {"commitment_type": "voluntary", "content": "按时整改", "liability": "承担违约责任",
            "valid_from": _today().isoformat(), "valid_until": (_today() + dt.timedelta(days=30)).isoformat()}


def _penalty(place: Place) -> dict:
    return {"subject_kind": "person", "subject_identifier": f"id-{place.key}-written-001", "decision_number":
            f"写-{place.key}-1", "law": "《价格法》", "article": "第十三条", "severity": "ordinary",
            "decided_on": _today().isoformat(), "district_code": place.district, "facts": "未明码标价"}


def _list_entry(place: Place) -> dict:
    return {"credit_list": "red", "subject_kind": "person", "subject_identifier": f"id-{place.key}-written-002",
            "legal_basis": "守信激励", "decided_on": _today().isoformat(), "effective_on": _today().isoformat(),
            "reason": "守信", "district_code": place.district}


def _scorecard(place: Place) -> dict:
    from sharecity.hub.credit.scoring import DEFAULT_TREE

    return {"tree": DEFAULT_TREE, "effective_from": _today().isoformat(), "note": "新版本"}


def _evaluation_run(place: Place, _kwargs: dict) -> dict:
    """The place's city's evaluation run (a city's, read by each of its districts), made on first use by
    an officer of that city's own bureau."""
    from sharecity.hub.evaluation.services import evaluation_run
    from sharecity.hub.registry.services import regulator_profile_set
    from tests.factories import make_user

    run = EvaluationRun.objects.filter(city_code=place.city).first()
    if run is None:
        user = make_user(f"evaluation-officer-{place.city}")
        regulator_profile_set(actor=None, user=user, department="商务局", department_kind="commerce",
                              city_code=place.city)
        run = evaluation_run(actor=user, year=_today().year, quarter=1, fund_fen=1_000_000)
    return {"run_id": run.pk}


def _evaluation_designation_of(place: Place, _kwargs: dict) -> dict:
    """A designation of the place's city (read by each of its districts), recorded on first use by an
    officer of that city's own bureau, of a platform registered for it whose name marks no place (a
    designation list is the city's: another district's platform in it would be no leak, but a marker)."""
    from sharecity.hub.evaluation.services import designation_add
    from sharecity.hub.registry.models import RegisteredPlatform
    from sharecity.hub.registry.services import regulator_profile_set
    from tests.factories import credit_code, make_user

    platform_id = f"designated-{place.city}"
    designation = Designation.objects.filter(platform_id=platform_id).first()
    if designation is None:
        RegisteredPlatform.objects.create(platform_id=platform_id, name=f"认定平台{place.city}", sectors=["parking"],
                                          credit_code=credit_code(division=place.district), public_key="k" * 64)
        user = make_user(f"designation-officer-{place.city}")
        regulator_profile_set(actor=None, user=user, department="商务局", department_kind="commerce",
                              city_code=place.city)
        designation = designation_add(actor=user, platform_id=platform_id, kind="national_leader",
                                      decision_reference="认定-2", evidence="认定文件", recognised_on=_today())
    return {"designation_id": designation.pk}


def _evaluation_target(place: Place) -> dict:
    return {"code": f"target_{place.key}", "name_zh": "目标", "name_en": "Target", "measure": "platforms",
            "target_value": 10, "target_year": 2027, "source_document": "文件", "source_article": "一"}


def _evaluation_designation(place: Place) -> dict:
    return {"platform_id": place.platform_id, "kind": "functional_hq", "decision_reference": "认定-1",
            "evidence": "认定文件", "recognised_on": _today().isoformat()}


def _evaluation_scheme(place: Place) -> dict:
    return {"indicators": [{"code": "turnover", "source": "turnover_fen", "weight": 1, "direction": "higher",
                            "label_zh": "交易额", "label_en": "Turnover"}],
            "negative_threshold": 10, "effective_from": _today().isoformat()}


def _evaluation_scheme_form(place: Place) -> dict:
    body = _evaluation_scheme(place)
    return {**body, "indicators": json.dumps(body["indicators"])}


def _case_kw(place: Place, _kwargs: dict) -> dict:
    return {"public_id": place.case.public_id}


def _handover(place: Place) -> dict:
    return {"to_department": "commerce", "to_district_code": place.district, "reason": "属商务部门管辖"}


def _decision(place: Place) -> dict:
    today = _today().isoformat()
    return {"violation_code": "PRICE-13-TAGGING", "found_on": today, "minor": "on", "correction_due": today,
            "corrected_on": today}


def _decision_json(place: Place) -> dict:
    return {**_decision(place), "minor": True}


def _rectification(place: Place) -> dict:
    return {"kind": "rectification", "legal_reference": "《电子商务法》第三十三条", "finding": "首页未公示服务协议"}


def _rectification_json(place: Place) -> dict:
    return {"kind": "rectification", "legal_reference": "《电子商务法》第三十三条",
            "findings": [{"code": "ECL-81-PLATFORM-TERMS", "description": "首页未公示服务协议"}]}


def _case_open(place: Place) -> dict:
    return {"district_code": place.district, "source_kind": "manual", "subject_kind": "platform",
            "subject_ref": place.platform_id, "summary": "新案件"}


def _evaluation_run_body(place: Place) -> dict:
    return {"year": _today().year, "quarter": 1, "fund": "100.00"}


def _warning(place: Place, _kwargs: dict) -> dict:
    """The place's risk warning (its district's), raised on first use."""
    from sharecity.hub.warnings.services import warning_raise

    warning = warning_raise(city_code=place.city, rule="deposit_kept", severity="medium", subject_kind="order",
                            subject_ref=f"order-{place.key}", platform_id=place.platform_id,
                            district_code=place.district, explanation={"zh": "押金被全额扣除", "en": "Deposit kept"},
                            evidence=[{"kind": "order", "ref": f"order-{place.key}", "description": "deposit"}],
                            dedupe_key=f"routes:{place.key}")
    return {"warning_id": warning.pk}


def _quota_run(place: Place, _kwargs: dict) -> dict:
    """The place's city's allocation run (the city's, read by each of its districts), written on first use."""
    from sharecity.hub.quota.models import AllocationRun, Quota

    run = AllocationRun.objects.filter(city_code=place.city).first()
    if run is None:
        run = AllocationRun.objects.create(city_code=place.city, year=_today().year, quarter=1, method="rank-shares",
                                           parameters={}, inputs=[], effective_from=_today(),
                                           result={"allocations": {place.platform_id: {"all": 10, "total": 10}}})
        Quota.objects.create(run=run, platform_id=place.platform_id, zone="all", vehicles=10)
    return {"run_id": run.pk}


WARNING_ASSIGN = Write("post", lambda place: {"department": "市场监管所"})
WARNING_NOTES = Write("post", lambda place: {"notes": "已核查处理"})
WARNING_CASE = Write("post", lambda place: {"department": "market_supervision"})
def _inspection_plan(place: Place, _kwargs: dict) -> dict:
    """The place's revealed inspection plan with one task, made on first use by the place's own officer
    (a district bureau's plan for Siming and Huli, Tianjin's city plan for Heping)."""
    from sharecity.hub.credit.services import credit_subject_ensure
    from sharecity.hub.facts.models import ListingFact
    from sharecity.hub.inspection import services as inspection
    from sharecity.hub.inspection.models import InspectionPlan

    plan = InspectionPlan.objects.filter(title=f"抽查-{place.key}").first()
    if plan is None:
        key = f"pk-inspection-{place.key}"
        credit_subject_ensure(kind="person", identifier=key, district_code=place.district)
        ListingFact.objects.create(platform_id=place.platform_id, district_code=place.district, city_code=place.city,
                                   listing_id=f"insp-{place.key}", category="parking", provider_key=key,
                                   title="车位", published_at=timezone.now())
        for n in range(2):
            inspection.inspector_add(actor=place.officer, name=f"检查员{n}", badge=f"B-{place.key}-{n}")
        plan = inspection.plan_create(
            actor=place.officer, title=f"抽查-{place.key}", departments=["market_supervision"],
            districts=[place.district], item_codes=["ms-licence-display"], period_start=_today(),
            period_end=_today() + dt.timedelta(days=30))
        for step in (inspection.plan_commit, inspection.plan_draw, inspection.plan_reveal):
            step(actor=place.officer, plan_id=plan.pk)
    return {"plan_id": plan.pk}


def _inspection_task(place: Place, kwargs: dict) -> dict:
    from sharecity.hub.inspection.models import InspectionTask

    plan_id = _inspection_plan(place, kwargs)["plan_id"]
    return {"task_id": InspectionTask.objects.filter(plan_id=plan_id).order_by("rank").first().pk}


def _inspector(place: Place, _kwargs: dict) -> dict:
    from sharecity.hub.inspection.models import Inspector

    _inspection_plan(place, _kwargs)
    return {"inspector_id": Inspector.objects.get(badge=f"B-{place.key}-0").pk}


def _inspection_result(_place: Place) -> dict:
    return {"inspected_on": _today().isoformat(), "items_checked": ["ms-licence-display"], "findings": "",
            "violation_found": False}


def _inspection_connection(place: Place) -> dict:
    from sharecity.hub.credit.models import CreditSubject

    return {"subject_id": CreditSubject.objects.get(identifier=f"pk-inspection-{place.key}").pk, "reason": "亲属"}


def _inspection_pointer(place: Place) -> dict:
    return {**_inspection_connection(place), "source": "complaint"}


def _inspection_plan_body(place: Place) -> dict:
    return {"title": f"新计划-{place.key}", "departments": ["market_supervision"], "districts": [place.district],
            "item_codes": ["ms-licence-display"], "period_start": _today().isoformat(),
            "period_end": (_today() + dt.timedelta(days=30)).isoformat()}


def _inspector_body(place: Place) -> dict:
    return {"name": "新检查员", "badge": f"N-{place.key}"}


def _notice_fact(place: Place) -> dict:
    """The place's notice as intake keeps it from ``notice.state_changed`` (made on first use)."""
    from types import SimpleNamespace

    from sharecity.exchange.schemas import payload_validate
    from sharecity.hub.notices.models import NoticeFact
    from sharecity.hub.notices.services import notice_state_changed

    notice_id = f"notice-{place.key}"
    if not NoticeFact.objects.filter(platform_id=place.platform_id, notice_id=notice_id).exists():
        at = timezone.now().isoformat()
        payload = payload_validate("notice.state_changed", 1, {
            "notice_id": notice_id, "listing_ids": [f"listing-{place.key}"], "districts": [place.district],
            "right_kind": "trademark", "step": "filed", "step_at": at, "actor_role": "holder", "filed_at": at})
        notice_state_changed(envelope=SimpleNamespace(platform_id=place.platform_id), payload=payload)
    return {"fact_id": NoticeFact.objects.get(platform_id=place.platform_id, notice_id=notice_id).pk}


EMPTY = Write("post", lambda _place: {})
EMPTY_JSON = Write("post", lambda _place: {}, json=True)


def _tpc_complaint(place: Place, _kwargs: dict) -> dict:
    """The place's complaint on the third-party complaint platform (about its platform, in its district),
    filed on first use with one evidence file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sharecity.hub.complaints.models import ThirdPartyComplaint
    from sharecity.hub.complaints.services import complaint_file

    complaint = ThirdPartyComplaint.objects.filter(platform_id=place.platform_id,
                                                   district_code=place.district).first()
    if complaint is None:
        evidence = SimpleUploadedFile("e.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, content_type="image/png")
        complaint = complaint_file(platform_id=place.platform_id, district_code=place.district, category="price",
                                   desired_outcome="refund", description=f"多收费用 {place.key} 投诉",
                                   contact="13800138000", evidence=[evidence]).complaint
    return {"public_id": complaint.public_id}


def _tpc_evidence(place: Place, kwargs: dict) -> dict:
    from sharecity.hub.complaints.models import Evidence

    public_id = _tpc_complaint(place, kwargs)["public_id"]
    return {"evidence_id": Evidence.objects.get(complaint__public_id=public_id).public_id}


# Every hub route by name. A new route registers here; see the module's docstring.
ROUTE_PARAMS: dict[str, Route] = {
    "monitoring:dashboard": Route(),
    "monitoring:figures": Route(),
    "monitoring:platform": Route(object_kwargs=lambda place, _kw: {"platform_id": place.platform_id}),
    "monitoring:district": Route(object_kwargs=lambda place, _kw: {"code": place.district}),
    "api-v1:monitoring_dashboard": Route(),
    "api-v1:monitoring_platform": Route(object_kwargs=lambda place, _kw: {"platform_id": place.platform_id}),
    "api-v1:monitoring_district": Route(object_kwargs=lambda place, _kw: {"code": place.district}),
    "gateway:quarantine": Route(),
    "identity:reviews": Route(),
    "audit:log": Route(),
    "hub_directives:list": Route(),
    "hub_directives:new": Route(kwargs={"directive_type": "assistance.request"}),
    "hub_directives:detail": Route(object_kwargs=lambda place, _kw: {"message_id": place.directive.message_id}),
    "api-v1:identity_reviews": Route(),
    # hub/facts: the pages
    "hub_facts:index": Route(),
    "hub_facts:list": Route(variants=tuple({"kind": kind} for kind in FACT_KINDS)),
    "hub_facts:detail": Route(variants=tuple({"kind": kind} for kind in FACT_KINDS),
                              object_kwargs=lambda place, kw: {"fact_id": place.facts[kw["kind"]]}),
    "hub_facts:note_add": Route(variants=({"kind": "complaints"}, {"kind": "incidents"}), get=False, write=NOTE,
                                object_kwargs=lambda place, kw: {"fact_id": place.facts[kw["kind"]]}),
    # hub/facts: the API
    "api-v1:facts_counts": Route(),
    "api-v1:monitoring_statistics": Route(),
    "api-v1:listings": Route(),
    "api-v1:listing": Route(object_kwargs=_fact("listings")),
    "api-v1:complaints": Route(),
    "api-v1:complaint": Route(object_kwargs=_fact("complaints")),
    "api-v1:complaint_note": Route(object_kwargs=_fact("complaints"), get=False, write=NOTE_JSON),
    "api-v1:moderation": Route(),
    "api-v1:moderation_one": Route(object_kwargs=_fact("moderation")),
    "api-v1:incidents": Route(),
    "api-v1:incident": Route(object_kwargs=_fact("incidents")),
    "api-v1:incident_note": Route(object_kwargs=_fact("incidents"), get=False, write=NOTE_JSON),
    "api-v1:subjects": Route(),
    "api-v1:subject": Route(object_kwargs=_fact("subjects")),
    # the forms' pickers (search-as-you-type): only the jurisdiction's platforms, listings and subjects
    "api-v1:lookup_platforms": Route(),
    "api-v1:lookup_listings": Route(),
    "api-v1:lookup_subjects": Route(),
    "api-v1:lookup_credit_subjects": Route(),
    # hub/credit: the pages
    "hub_credit:list": Route(),
    "hub_credit:scorecard": Route(),
    "hub_credit:detail": Route(object_kwargs=lambda place, _kw: {"subject_id": place.credit_file.pk}),
    "hub_credit:commitment_add": Route(object_kwargs=lambda place, _kw: {"subject_id": place.credit_file.pk},
                                       get=False, write=Write("post", _commitment)),
    "hub_credit:honour_add": Route(object_kwargs=lambda place, _kw: {"subject_id": place.credit_file.pk}, get=False,
                                   write=Write("post", lambda place: {"issuer": "市文明办", "title": "诚信经营示范",
                                                                      "awarded_on": _today().isoformat()})),
    "hub_credit:fulfilment": Route(object_kwargs=lambda place, _kw: {"subject_id": place.credit_file.pk,
                                                                     "record_id": place.commitment.pk},
                                   get=False, write=Write("post", lambda _place: {"fulfilment": "full",
                                                                                  "note": "已履行"})),
    # hub/credit: the API (the scorecard's PUT is its city's: tested below as a district officer)
    "api-v1:credit_subjects": Route(),
    "api-v1:credit_subject": Route(object_kwargs=lambda place, _kw: {"subject_id": place.credit_file.pk}),
    "api-v1:scorecard_get": Route(),
    "api-v1:scorecard_put": Route(),
    # hub/publicity: the pages. Penalties and repairs are the deciding bureau's; lists are the city's.
    "publicity:penalties": Route(),
    "publicity:penalty_new": Route(),
    "publicity:penalty": Route(object_kwargs=lambda place, _kw: {"public_id": place.penalty.public_id}),
    "publicity:lists": Route(),
    "publicity:list_new": Route(),
    "publicity:list_entry": Route(object_kwargs=lambda place, _kw: {"public_id": place.list_entry.public_id},
                                  city_wide=True, write=Write("post", lambda place: {"reason": "移出"})),
    "publicity:repairs": Route(),
    "publicity:repair": Route(object_kwargs=lambda place, _kw: {"tracking_code": place.repair.tracking_code},
                              write=Write("post", lambda place: {"decision": "approve", "reasons": "已整改"})),
    # hub/publicity: the API (a POST on the list's address records in the officer's own city)
    "api-v1:penalties": Route(),
    "api-v1:penalty_record": Route(),
    "api-v1:penalty_get": Route(object_kwargs=lambda place, _kw: {"public_id": place.penalty.public_id}),
    "api-v1:lists": Route(),
    "api-v1:list_add": Route(),
    "api-v1:list_entry_get": Route(object_kwargs=lambda place, _kw: {"public_id": place.list_entry.public_id},
                                   city_wide=True),
    "api-v1:list_entry_remove": Route(object_kwargs=lambda place, _kw: {"public_id": place.list_entry.public_id},
                                      get=False, write=Write("post", lambda place: {"reason": "移出"}, json=True)),
    "api-v1:repairs": Route(),
    "api-v1:repair_get": Route(object_kwargs=lambda place, _kw: {"tracking_code": place.repair.tracking_code}),
    "api-v1:repair_decide": Route(object_kwargs=lambda place, _kw: {"tracking_code": place.repair.tracking_code},
                                  get=False, write=Write("post", lambda place: {"approve": True, "reasons": "已整改"},
                                                         json=True)),
    # hub/inspection: plans, tasks and inspectors are the owning bureau's (a district's, or the city's own).
    "hub_inspection:index": Route(),
    "hub_inspection:plan_new": Route(),
    "hub_inspection:plan": Route(object_kwargs=_inspection_plan),
    "hub_inspection:plan_point": Route(object_kwargs=_inspection_plan, get=False,
                                       write=Write("post", _inspection_pointer)),
    "hub_inspection:plan_point_warnings": Route(object_kwargs=_inspection_plan, get=False, write=EMPTY),
    "hub_inspection:plan_commit": Route(object_kwargs=_inspection_plan, get=False, write=EMPTY),
    "hub_inspection:plan_draw": Route(object_kwargs=_inspection_plan, get=False, write=EMPTY),
    "hub_inspection:plan_reveal": Route(object_kwargs=_inspection_plan, get=False, write=EMPTY),
    "hub_inspection:tasks": Route(),
    "hub_inspection:task": Route(object_kwargs=_inspection_task, write=Write("post", _inspection_result)),
    "hub_inspection:task_publish": Route(object_kwargs=_inspection_task, get=False, write=EMPTY),
    "hub_inspection:inspectors": Route(),
    "api-v1:inspection_rules": Route(),
    "api-v1:inspection_items": Route(),
    "api-v1:inspection_inspectors": Route(),
    "api-v1:inspection_inspector_add": Route(),
    "api-v1:inspection_inspector_active": Route(object_kwargs=_inspector, get=False,
                                                write=Write("post", lambda place: {"active": False,
                                                                                   "reason": "退休"}, json=True)),
    "api-v1:inspection_connection_declare": Route(object_kwargs=_inspector, get=False,
                                                  write=Write("post", _inspection_connection, json=True)),
    "api-v1:inspection_plans": Route(),
    "api-v1:inspection_plan_create": Route(),
    "api-v1:inspection_plan_get": Route(object_kwargs=_inspection_plan),
    "api-v1:inspection_plan_point": Route(object_kwargs=_inspection_plan, get=False,
                                          write=Write("post", _inspection_pointer, json=True)),
    "api-v1:inspection_plan_point_warnings": Route(object_kwargs=_inspection_plan, get=False,
                                                   write=Write("post", lambda place: {}, json=True)),
    "api-v1:inspection_plan_commit": Route(object_kwargs=_inspection_plan, get=False, write=EMPTY_JSON),
    "api-v1:inspection_plan_draw": Route(object_kwargs=_inspection_plan, get=False, write=EMPTY_JSON),
    "api-v1:inspection_plan_reveal": Route(object_kwargs=_inspection_plan, get=False, write=EMPTY_JSON),
    "api-v1:inspection_plan_verification": Route(object_kwargs=_inspection_plan),
    "api-v1:inspection_tasks": Route(),
    "api-v1:inspection_task_get": Route(object_kwargs=_inspection_task),
    "api-v1:inspection_task_result": Route(object_kwargs=_inspection_task, get=False,
                                           write=Write("post", _inspection_result, json=True)),
    "api-v1:inspection_task_publish": Route(object_kwargs=_inspection_task, get=False, write=EMPTY_JSON),
    # hub/quota: weights, evaluations and allocations are the city's (its districts read them; only the city's own
    # officers write, tests/hub/test_quota_api.py)
    "hub_quota:index": Route(),
    # hub/tax: the platforms' quarterly tax reports (tests/hub/test_tax_reports.py)
    "hub_tax:index": Route(),
    "api-v1:hub_tax_reports": Route(),
    # hub/tax: the platforms' occupational-injury monthly reports (tests/hub/test_injury_reports.py)
    "hub_tax:injury": Route(),
    "api-v1:hub_injury_reports": Route(),
    "hub_quota:weights_add": Route(get=False),
    "hub_quota:evaluation_compute": Route(get=False),
    "hub_quota:run_create": Route(get=False),
    "hub_quota:run": Route(object_kwargs=_quota_run, city_wide=True),
    "hub_quota:run_publish": Route(object_kwargs=_quota_run, get=False, city_wide=True),
    "api-v1:quota_weights": Route(),
    "api-v1:quota_weights_add": Route(),
    "api-v1:quota_evaluations": Route(),
    "api-v1:quota_evaluation_compute": Route(),
    "api-v1:quota_runs": Route(),
    "api-v1:quota_run_create": Route(),
    "api-v1:quota_run_get": Route(object_kwargs=_quota_run, city_wide=True),
    "api-v1:quota_run_publish": Route(object_kwargs=_quota_run, get=False, city_wide=True),
    "api-v1:quota_fleet": Route(),
    # hub/evaluation: targets, designations, schemes and runs are the city's (its districts read them); the
    # writes create in the officer's own city (CREATING below)
    "hub_evaluation:index": Route(),
    "hub_evaluation:targets_export": Route(),
    "hub_evaluation:target_new": Route(),
    "hub_evaluation:designations": Route(),
    "hub_evaluation:designations_export": Route(),
    # Withdrawing is the city bureau's: a district officer's try on its own city's designation is 403
    # (tests/hub/test_evaluation_designations.py), so these routes carry no ``write`` here.
    "hub_evaluation:designation_withdraw": Route(object_kwargs=_evaluation_designation_of, get=False, city_wide=True),
    "hub_evaluation:schemes": Route(),
    "hub_evaluation:schemes_export": Route(),
    "hub_evaluation:runs_export": Route(),
    "hub_evaluation:run_new": Route(),
    "hub_evaluation:run": Route(object_kwargs=_evaluation_run, city_wide=True),
    "hub_evaluation:run_explanation": Route(object_kwargs=_evaluation_run, city_wide=True),
    "hub_evaluation:run_export": Route(object_kwargs=_evaluation_run, city_wide=True),
    "hub_evaluation:run_report": Route(object_kwargs=_evaluation_run, city_wide=True),
    "api-v1:evaluation_targets": Route(),
    "api-v1:evaluation_target_add": Route(),
    "api-v1:evaluation_designations": Route(),
    "api-v1:evaluation_designation_add": Route(),
    "api-v1:evaluation_designation_withdraw": Route(object_kwargs=_evaluation_designation_of, get=False,
                                                    city_wide=True),
    "api-v1:evaluation_schemes": Route(),
    "api-v1:evaluation_scheme_add": Route(),
    "api-v1:evaluation_runs": Route(),
    "api-v1:evaluation_run_create": Route(),
    "api-v1:evaluation_run_get": Route(object_kwargs=_evaluation_run, city_wide=True),
    "api-v1:evaluation_run_explanation": Route(object_kwargs=_evaluation_run, city_wide=True),
    # hub/enforcement: a case is its holding department's in its district
    "hub_enforcement:cases": Route(),
    "hub_enforcement:case_new": Route(),
    "hub_enforcement:catalogue": Route(),
    "hub_enforcement:leniency_add": Route(get=False),
    "hub_enforcement:late": Route(),
    "hub_enforcement:trace": Route(),
    "hub_enforcement:case": Route(object_kwargs=_case_kw),
    "hub_enforcement:handover": Route(object_kwargs=_case_kw, get=False, write=Write("post", _handover)),
    "hub_enforcement:decide": Route(object_kwargs=_case_kw, get=False, write=Write("post", _decision)),
    "hub_enforcement:directive": Route(object_kwargs=_case_kw, get=False, write=Write("post", _rectification)),
    "api-v1:enforcement_cases": Route(),
    "api-v1:enforcement_case_open": Route(),
    "api-v1:enforcement_case": Route(object_kwargs=_case_kw),
    "api-v1:enforcement_case_hand_over": Route(object_kwargs=_case_kw, get=False,
                                               write=Write("post", _handover, json=True)),
    "api-v1:enforcement_case_decide": Route(object_kwargs=_case_kw, get=False,
                                            write=Write("post", _decision_json, json=True)),
    "api-v1:enforcement_case_directive": Route(object_kwargs=_case_kw, get=False,
                                               write=Write("post", _rectification_json, json=True)),
    "api-v1:enforcement_catalogue": Route(),
    "api-v1:enforcement_leniency_add": Route(get=False),
    "api-v1:enforcement_directives_late": Route(),
    "api-v1:enforcement_trace_listing": Route(object_kwargs=lambda place, _kw: {
        "platform_id": place.platform_id, "listing_id": f"L-{place.key}-1"}),
    "api-v1:enforcement_trace_complaint": Route(object_kwargs=lambda place, _kw: {
        "platform_id": place.platform_id, "complaint_id": f"C-{place.key}-2"}),
    # hub/warnings: a warning is its district's (属地); the city's officers act on every district's
    "hub_warnings:list": Route(),
    "hub_warnings:detail": Route(object_kwargs=_warning),
    "hub_warnings:assign": Route(object_kwargs=_warning, get=False, write=WARNING_ASSIGN),
    "hub_warnings:handle": Route(object_kwargs=_warning, get=False, write=WARNING_NOTES),
    "hub_warnings:close": Route(object_kwargs=_warning, get=False, write=WARNING_NOTES),
    "api-v1:warnings_list": Route(),
    "api-v1:warning_rules": Route(),
    "api-v1:warning_get": Route(object_kwargs=_warning),
    "api-v1:warning_assign": Route(object_kwargs=_warning, get=False,
                                   write=Write("post", WARNING_ASSIGN.body, json=True)),
    "api-v1:warning_handle": Route(object_kwargs=_warning, get=False,
                                   write=Write("post", WARNING_NOTES.body, json=True)),
    "api-v1:warning_close": Route(object_kwargs=_warning, get=False,
                                  write=Write("post", WARNING_NOTES.body, json=True)),
    "hub_warnings:case": Route(object_kwargs=_warning, get=False, write=WARNING_CASE),
    "api-v1:warning_case_open": Route(object_kwargs=_warning, get=False,
                                      write=Write("post", WARNING_CASE.body, json=True)),
    # The third-party complaint platform: regulators read their city's or district's complaints; only the
    # association's staff decide (tests/hub/test_tpc_hostile.py), so no write is an officer's.
    "hub_complaints:queue": Route(),
    "hub_complaints:odr": Route(),
    "hub_complaints:detail": Route(object_kwargs=_tpc_complaint),
    "hub_complaints:evidence": Route(object_kwargs=_tpc_evidence),
    "hub_complaints:action": Route(kwargs={"action": "accept"}, object_kwargs=_tpc_complaint, get=False),
    "api-v1:tpc_queue": Route(),
    "api-v1:tpc_odr_list": Route(),
    "api-v1:tpc_odr_set": Route(),
    "api-v1:tpc_complaint": Route(object_kwargs=_tpc_complaint),
    "api-v1:tpc_evidence": Route(object_kwargs=_tpc_evidence),
    "api-v1:tpc_accept": Route(object_kwargs=_tpc_complaint, get=False),
    "api-v1:tpc_refuse": Route(object_kwargs=_tpc_complaint, get=False),
    "api-v1:tpc_close": Route(object_kwargs=_tpc_complaint, get=False),
    "api-v1:tpc_platform_responded": Route(object_kwargs=_tpc_complaint, get=False),
    # hub/notices (issue 15: rights holders' notices), the pages and the API
    "hub_notices:list": Route(),
    "hub_notices:detail": Route(object_kwargs=lambda place, _kw: _notice_fact(place)),
    "api-v1:hub_notices": Route(),
    "api-v1:hub_notice": Route(object_kwargs=lambda place, _kw: _notice_fact(place)),
}

def _leniency_entry(place: Place) -> dict:
    return {"violation_code": "PRICE-13-TAGGING", "condition": "首次未明码标价且当场改正", "look_back_months": 12,
            "correction_days": 7, "effective_from": "2026-01-01", "source": f"{place.key} 市场监管局公告"}


# Writes that create in the writer's own jurisdiction (no other place's object to name): anonymous
# visitors and non-regulators are refused and nothing changes.
CREATING: dict[str, Write] = {
    "publicity:penalty_new": Write("post", _penalty),
    "publicity:list_new": Write("post", _list_entry),
    "api-v1:penalty_record": Write("post", _penalty, json=True),
    "api-v1:list_add": Write("post", _list_entry, json=True),
    "api-v1:scorecard_put": Write("put", _scorecard, json=True),
    "hub_inspection:plan_new": Write("post", _inspection_plan_body),
    "hub_inspection:inspectors": Write("post", _inspector_body),
    "api-v1:inspection_plan_create": Write("post", _inspection_plan_body, json=True),
    "api-v1:inspection_inspector_add": Write("post", _inspector_body, json=True),
    "hub_evaluation:target_new": Write("post", _evaluation_target),
    "hub_evaluation:designations": Write("post", _evaluation_designation),
    "hub_evaluation:schemes": Write("post", _evaluation_scheme_form),
    "hub_evaluation:run_new": Write("post", _evaluation_run_body),
    "api-v1:evaluation_target_add": Write("post", _evaluation_target, json=True),
    "api-v1:evaluation_designation_add": Write("post", _evaluation_designation, json=True),
    "api-v1:evaluation_scheme_add": Write("post", _evaluation_scheme, json=True),
    "api-v1:evaluation_run_create": Write("post", _evaluation_run_body, json=True),
    "hub_enforcement:case_new": Write("post", _case_open),
    "hub_enforcement:leniency_add": Write("post", _leniency_entry),
    "api-v1:enforcement_leniency_add": Write("post", _leniency_entry, json=True),
    "api-v1:enforcement_case_open": Write("post", _case_open, json=True),
}

# Routes of the exchange, for platforms: machine to machine, authenticated by the platform's ingest key
# and signed batches, never by a regulator's session. They answer a platform about its own input only
# (tests/hub/test_gateway.py); they are no regulator's route, so the jurisdiction does not apply.
EXCLUDED: dict[str, str] = {
    "exchange-v1:batch_push": "platforms push signed batches with their ingest key; no regulator reads it",
    "exchange-v1:keys": "the hub's public keys, the same for every platform and city",
    "exchange-v1:quarantine": "a platform's own quarantined input, by its ingest key",
    "exchange-v1:receipt": "a platform's own latest receipt, by its ingest key",
    "exchange-v1:proof": "an inclusion proof of the platform's own message, by its ingest key",
    "exchange-v1:status": "where the platform's own chain stands, by its ingest key",
    "exchange-v1:api-root": "the exchange API's root, for platforms",
    "exchange-v1:openapi-json": "the exchange API's published schema, no data",
    "exchange-v1:openapi-view": "the exchange API's documentation page, no data",
}
EXCLUDED_PREFIXES = ("exchange/",)


def walk(patterns, prefix: str = "", namespace: str | None = None):
    """(path, name) of every URL pattern, includes and django-ninja's routers followed."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name


def routes(prefixes: tuple[str, ...]) -> dict[str, str]:
    """name -> path of the routes under ``prefixes``; an unnamed route cannot be registered, so it fails."""
    found: dict[str, str] = {}
    for path, name in walk(get_resolver().url_patterns):
        if path.startswith(prefixes):
            assert name, f"the route {path} has no name: name it and register it in ROUTE_PARAMS"
            found[name] = path
    return found


def hub_routes() -> dict[str, str]:
    return routes(HUB_PREFIXES)


# ---- the table is complete and current ---------------------------------------------------------------------------

def test_every_hub_route_is_registered():
    missing = sorted(set(hub_routes()) - set(ROUTE_PARAMS))
    assert not missing, (f"hub routes without an entry in ROUTE_PARAMS (how to call them, which object is "
                         f"another jurisdiction's): {missing}")


def test_every_registered_route_still_exists():
    gone = sorted(set(ROUTE_PARAMS) - set(hub_routes()))
    assert not gone, f"ROUTE_PARAMS names routes that no longer exist: {gone}"


def test_every_exchange_route_is_excluded_with_a_reason_and_no_exclusion_is_stale():
    exchange = routes(EXCLUDED_PREFIXES)
    assert sorted(set(exchange) - set(EXCLUDED)) == [], "an exchange route is neither walked nor excluded"
    assert sorted(set(EXCLUDED) - set(exchange)) == [], "EXCLUDED names routes that no longer exist"
    assert all(reason.strip() for reason in EXCLUDED.values())
    assert not set(EXCLUDED) & set(ROUTE_PARAMS)


# ---- the walk -----------------------------------------------------------------------------------------------------

@pytest.fixture
def world() -> World:
    return build_world()


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "zh-hans"})
    if user is not None:
        client.force_login(user)
    return client


def calls(world: World, own: list[str]) -> list[tuple[str, str, str | None]]:
    """(route name, url, whose object or None) for every hub route: detail routes once per place."""
    made = []
    for name in sorted(hub_routes()):
        route = ROUTE_PARAMS[name]
        for kwargs in route.variants or (route.kwargs,):
            if route.object_kwargs is None:
                made.append((name, reverse(name, kwargs=kwargs or None), None))
                continue
            for key, place in world.places.items():
                made.append((name, reverse(name, kwargs={**kwargs, **route.object_kwargs(place, kwargs)}), key))
    return made


def text_of(response) -> str:
    """The body as text; JSON with its non-ASCII characters as they are (a Chinese marker is otherwise
    written as \\u escapes and never found)."""
    body = response.content.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            return body
    return body


def leaks(body: str, places: list[Place], *, url: str, city: str | None = None) -> list[str]:
    """Markers of ``places`` in ``body``. The page may echo the address it was asked for (the language
    switch returns to it, a 404 names it): that is the caller's own input, not data, so it is cut first.
    ``city``: the viewer's city; a place of that city's city-wide rows (lists) are no leak."""
    body = body.replace(url, "")
    found = []
    for place in places:
        markers = place.markers + ([] if place.city == city else place.city_markers)
        found += [f"{place.key}: {marker}" for marker in markers if marker in body]
    return found


def expected_status(world: World, route: Route, whose: str, own: list[str]) -> int:
    """200 for the officer's own object and for a city-wide object of the officer's city, else 404."""
    if whose in own:
        return 200
    own_city = world[own[0]].city
    return 200 if route.city_wide and world[whose].city == own_city else 404


@pytest.mark.parametrize(("viewer", "own"), [
    ("siming_officer", ["siming"]),   # a district officer: not Huli (same city), not Heping (another city)
    ("tianjin_officer", ["heping"]),  # a city officer: not Xiamen's districts
    ("xiamen_officer", ["siming", "huli"]),  # a city officer: both districts of the city, not Tianjin's
])
def test_an_officer_sees_nothing_outside_their_jurisdiction_on_any_hub_route(world, viewer, own):
    client = client_for(getattr(world, viewer))
    foreign = world.foreign_to(own)
    city = world[own[0]].city
    failures = []
    for name, url, whose in calls(world, own):
        route = ROUTE_PARAMS[name]
        response = client.get(url)
        body = text_of(response)
        if response.status_code >= 500:
            failures.append(f"{name} {url}: {response.status_code}")
            continue
        if not route.get:
            if response.status_code != 405:
                failures.append(f"{name} {url}: a route that only writes answers GET with {response.status_code}")
        elif whose is not None and response.status_code != (wanted := expected_status(world, route, whose, own)):
            failures.append(f"{name} {url}: {whose}'s object answers {response.status_code}, not {wanted}")
        elif whose is None and response.status_code != 200:
            failures.append(f"{name} {url}: an officer gets {response.status_code}")
        failures += [f"{name} {url} leaks {leak}" for leak in leaks(body, foreign, url=url, city=city)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("viewer", ["anonymous", "someone"])
def test_no_hub_route_answers_an_anonymous_visitor_or_a_non_regulator_with_data(world, viewer):
    client = client_for(None if viewer == "anonymous" else world.someone)
    everything = list(world.places.values())
    failures = []
    for name, url, _whose in calls(world, []):
        response = client.get(url)
        body = text_of(response)
        if response.status_code >= 500:
            failures.append(f"{name} {url}: {response.status_code}")
            continue
        if not ROUTE_PARAMS[name].public and response.status_code < 300:
            failures.append(f"{name} {url}: {viewer} gets {response.status_code}")
        if not 200 <= response.status_code < 500:
            failures.append(f"{name} {url}: {response.status_code}")
        failures += [f"{name} {url} leaks {leak}" for leak in leaks(body, everything, url=url)]
    assert not failures, "\n".join(failures)


# ---- writes -------------------------------------------------------------------------------------------------------

def snapshot() -> dict:
    """What a write could change: the rows of the apps that write, every column."""
    models = (FollowUpNote, CreditSubject, CreditRecord, ScorecardVersion, PenaltyDecision, ListEntry,
              RepairApplication, Directive, AuditEntry, PolicyTarget, Designation, IndicatorScheme, EvaluationRun,
              Case, CaseHandover, CaseDirective, Warning, InspectionPlan, InspectionTask, Inspector, PlanPointer)
    return {model.__name__: sorted(json.dumps(row, default=str, sort_keys=True) for row in model.objects.values())
            for model in models}


def send(client: Client, write: Write, url: str, body: dict):
    if write.json:
        return getattr(client, write.method)(url, json.dumps(body), content_type="application/json")
    return getattr(client, write.method)(url, body)


def write_calls(world: World) -> list[tuple[str, Write, str, str]]:
    """(route name, how, url, whose object) for every route that writes to one place's object."""
    made = []
    for name in sorted(hub_routes()):
        route = ROUTE_PARAMS[name]
        if route.write is None:
            continue
        for kwargs in route.variants or (route.kwargs,):
            for key, place in world.places.items():
                made.append((name, route.write, reverse(name, kwargs={**kwargs, **route.object_kwargs(place, kwargs)}),
                             key))
    return made


@pytest.mark.parametrize(("viewer", "own"), [("siming_officer", ["siming"]), ("tianjin_officer", ["heping"]),
                                             ("xiamen_officer", ["siming", "huli"])])
def test_an_officer_cannot_write_to_another_jurisdictions_objects_and_can_to_their_own(world, viewer, own):
    client = client_for(getattr(world, viewer))
    failures = []
    mine = []
    for name, write, url, whose in write_calls(world):
        if whose in own:
            mine.append((name, write, url, whose))
            continue
        before = snapshot()
        # The body the foreign place's own officer would send, and the one the writer would send for its own.
        for body in (write.body(world[whose]), write.body(world[own[0]])):
            response = send(client, write, url, body)
            if response.status_code not in (403, 404):
                failures.append(f"{name} {url} ({whose}'s): {response.status_code}, not 403 or 404")
        if snapshot() != before:
            failures.append(f"{name} {url} ({whose}'s): a refused write changed something")
    for name, write, url, whose in mine:
        response = send(client, write, url, write.body(world[whose]))
        # 409: an earlier route already removed or decided the same object (the page and the API share it).
        if response.status_code >= 400 and response.status_code != 409:
            failures.append(f"{name} {url}: the officer's own write answers {response.status_code}: "
                            f"{response.content[:300]!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("viewer", ["anonymous", "someone"])
def test_no_hub_route_writes_for_an_anonymous_visitor_or_a_non_regulator(world, viewer):
    client = client_for(None if viewer == "anonymous" else world.someone)
    place = world["siming"]
    tries = [(name, write, url) for name, write, url, _whose in write_calls(world)]
    tries += [(name, write, reverse(name)) for name, write in CREATING.items()]
    failures = []
    before = snapshot()
    for name, write, url in tries:
        response = send(client, write, url, write.body(place))
        if response.status_code >= 500 or 200 <= response.status_code < 300:
            failures.append(f"{name} {url}: {viewer} gets {response.status_code}")
        if response.status_code in (301, 302) and "login" not in response.get("Location", ""):
            failures.append(f"{name} {url}: {viewer} is sent to {response['Location']}")
    assert snapshot() == before, "a refused write changed something"
    assert not failures, "\n".join(failures)


def test_a_district_officer_cannot_change_the_citys_scorecard(world):
    client = client_for(world.siming_officer)
    before = snapshot()
    assert send(client, CREATING["api-v1:scorecard_put"], reverse("api-v1:scorecard_put"),
                _scorecard(world["siming"])).status_code == 403
    assert client.post(reverse("hub_credit:scorecard"), {"effective_from": _today().isoformat()}).status_code == 403
    assert snapshot() == before


def test_a_district_officer_cannot_make_the_citys_evaluation(world):
    """Targets, designations, schemes and runs are made by the city's bureau; a district bureau reads them."""
    client = client_for(world.siming_officer)
    place = world["siming"]
    before = snapshot()
    for name, write in CREATING.items():
        if "evaluation" in name:
            assert send(client, write, reverse(name), write.body(place)).status_code == 403, name
    assert snapshot() == before
    xiamen = client_for(world.xiamen_officer)
    for name, write in CREATING.items():
        if "evaluation" in name and name.startswith("api-v1"):
            response = send(xiamen, write, reverse(name), write.body(place))
            assert response.status_code == 201, (name, response.content[:300])


def test_an_officers_creations_land_in_their_own_jurisdiction(world):
    """A penalty and a list entry recorded by the Siming officer are Siming's and Xiamen's: the Tianjin
    officer does not see them, the Huli officer sees the list entry (a city list) and not the penalty."""
    siming, huli, tianjin = (client_for(world.siming_officer), client_for(world.huli_officer),
                             client_for(world.tianjin_officer))
    place = world["siming"]
    assert send(siming, CREATING["api-v1:penalty_record"], reverse("api-v1:penalty_record"),
                _penalty(place)).status_code == 201
    assert send(siming, CREATING["api-v1:list_add"], reverse("api-v1:list_add"), _list_entry(place)).status_code == 201
    penalty = PenaltyDecision.objects.get(decision_number="写-siming-1")
    entry = ListEntry.objects.get(subject_identifier="id-siming-written-002")
    assert (penalty.city_code, penalty.district_code, entry.city_code) == ("350200", "350203", "350200")
    assert tianjin.get(reverse("api-v1:penalty_get", kwargs={"public_id": penalty.public_id})).status_code == 404
    assert tianjin.get(reverse("api-v1:list_entry_get", kwargs={"public_id": entry.public_id})).status_code == 404
    assert huli.get(reverse("api-v1:penalty_get", kwargs={"public_id": penalty.public_id})).status_code == 404
    assert huli.get(reverse("api-v1:list_entry_get", kwargs={"public_id": entry.public_id})).status_code == 200


# ---- public routes: no personal data unmasked ---------------------------------------------------------------------

PERSONAL = re.compile(r"\b(?:pk|id)-(?:siming|huli|heping)-[A-Za-z0-9-]+")


def test_public_credit_and_repair_pages_show_no_personal_key_unmasked(world):
    client = client_for(None)
    failures = []
    for place in world.places.values():
        queries = [place.name, f"id-{place.key}-penalty-0001", f"id-{place.key}-redlist-001",
                   f"pk-{place.key}-subject-01", place.penalty.decision_number]
        for q in queries:
            for url in (f"{reverse('credit_public:lookup')}?q={q}", f"/api/v1/public/credit?q={q}"):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                body = text_of(response).replace(q, "")
                failures += [f"{url}: {found}" for found in PERSONAL.findall(body)]
        # The lookup finds the platform by name and the penalised person by exact key, masked.
        found = client.get("/api/v1/public/credit", {"q": place.name}).json()
        assert place.name in [row["label"] for row in found]
        found = client.get("/api/v1/public/credit", {"q": f"id-{place.key}-penalty-0001"}).json()
        assert [row["identifier"] for row in found] == [f"id-{place.key[0]}****01"]
        assert place.penalty.decision_number in json.dumps(found, ensure_ascii=False)
        for url in (reverse("credit_repair:apply"), reverse("credit_repair:follow")):
            body = client.get(url).content.decode()
            failures += [f"{url}: {found}" for found in PERSONAL.findall(body)]
            failures += [f"{url} leaks {leak}" for leak in leaks(body, [place], url=url)]
    assert not failures, "\n".join(failures)


def test_the_walk_sees_each_officers_own_data(world):
    """The negative checks above mean something only if the same pages show the officer's own data."""
    siming = client_for(world.siming_officer)
    tianjin = client_for(world.tianjin_officer)
    for client, place in ((siming, world["siming"]), (tianjin, world["heping"])):
        assert place.name in client.get(reverse("monitoring:dashboard")).content.decode()
        assert str(place.directive.message_id) in client.get(reverse("hub_directives:list")).content.decode()
        assert place.review.review_id in client.get(reverse("identity:reviews")).content.decode()
        assert f"bad-input-{place.key}" in client.get(reverse("gateway:quarantine")).content.decode()
        assert str(place.directive.message_id) in client.get(reverse("audit:log")).content.decode()
        api = client.get(reverse("api-v1:identity_reviews")).json()
        assert [row["review_id"] for row in api] == [place.review.review_id]
        key = place.key
        assert f"{key}-地锁夹伤事故" in text_of(client.get(reverse("api-v1:incidents")))
        assert f"C-{key}-2" in client.get(reverse("api-v1:complaints")).content.decode()
        assert place.name in client.get(reverse("hub_credit:list")).content.decode()
        detail = client.get(reverse("hub_credit:detail", args=[place.credit_file.pk])).content.decode()
        assert f"{key}-荣誉称号" in detail
        assert place.penalty.decision_number in client.get(reverse("publicity:penalties")).content.decode()
        assert place.repair.tracking_code in client.get(reverse("api-v1:repairs")).content.decode()
        assert f"id-{key}-redlist-001" in client.get(reverse("publicity:lists")).content.decode()
