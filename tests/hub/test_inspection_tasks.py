"""Tasks: deadlines in working days on the official holiday calendar, results sent to the platform as an
``inspection.result`` directive and recorded in the subject's credit file, publication within 20 working
days with a late flag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sharecity.hub.credit.models import CreditRecord, RecordKind
from sharecity.hub.directives.models import Directive
from sharecity.hub.facts.models import ListingFact
from sharecity.hub.inspection import selectors, services
from sharecity.hub.inspection.models import InspectionTask, TaskState
from sharecity.kernel.errors import Conflict, InvalidInput
from sharecity.kernel.timeutil import CITY_TZ
from tests.hub import inspection_support as support
from tests.hub.evaluation_support import platform

pytestmark = pytest.mark.django_db

DRAWN = dt.datetime(2026, 9, 25, 9, 0, tzinfo=CITY_TZ)


def test_publication_is_due_20_working_days_after_the_inspection_on_the_holiday_calendar():
    # 国发〔2019〕5号: results public within 20 working days. Inspected Friday 2026-09-25: the Mid-autumn and
    # National Day holidays (2026-10-01 to 10-07) do not count, Saturday 2026-10-10 is a working day
    # (国务院办公厅 2026 holiday notice): the 20th working day is Thursday 2026-10-29, not 10-23.
    assert services.publish_due_for(dt.date(2026, 9, 25)) == dt.date(2026, 10, 29)
    assert services.publish_due_for(dt.date(2026, 11, 2)) == dt.date(2026, 11, 30)


@pytest.fixture
def drawn(db):
    user, client = support.officer("insp-tasks")
    platform("p-stay", "厦门好住", division="350203", sectors=["homestay"])
    support.inspectors(user, 4)
    for risk_class in "DDCB":
        support.provider("350203", risk_class, platform_id="p-stay")
    support.provider("350203", "D")  # no registered platform: the result goes to credit only
    plan = support.plan(user, ratios_bp={"D": 10000})  # every class-D provider is drawn
    services.plan_commit(actor=user, plan_id=plan.pk, now=DRAWN)
    services.plan_draw(actor=user, plan_id=plan.pk, now=DRAWN)
    services.plan_reveal(actor=user, plan_id=plan.pk)
    return user, client, plan


def test_tasks_are_due_in_working_days_from_the_draw(drawn):
    _user, _client, plan = drawn
    assert {t.deadline for t in plan.tasks.all()} == {dt.date(2026, 10, 29)}


def test_a_failed_visit_reaches_the_platform_and_the_credit_file(drawn):
    user, _client, plan = drawn
    task = plan.tasks.filter(pool_subject__platform_id="p-stay").first()
    today = timezone.now().astimezone(CITY_TZ).date()
    task = services.task_result_record(actor=user, task_id=task.pk, inspected_on=today,
                                       items_checked=task.item_codes[:1], findings="未公示营业执照",
                                       violation_found=True)
    directive = Directive.objects.get(message_id=task.directive_message_id)
    assert directive.platform_id == "p-stay" and directive.directive_type == "inspection.result"
    assert directive.payload["result"] == "fail" and directive.payload["findings"][0]["code"] == task.item_codes[0]
    record = CreditRecord.objects.get(pk=task.credit_record_id)
    assert record.kind == RecordKind.INSPECTION and record.polarity == -1 and record.public
    assert record.subject_id == task.pool_subject.subject_id
    assert task.publish_due == services.publish_due_for(today)
    # 源头追溯、属地查处: the violation is a case for the district holding the subject, from this task.
    from sharecity.hub.credit.models import CreditSubject
    from sharecity.hub.enforcement.models import Case

    case = Case.objects.get(source_kind="inspection", source_ref=str(task.pk))
    subject = CreditSubject.objects.get(pk=task.pool_subject.subject_id)
    assert (case.subject_kind, case.subject_ref, case.platform_id) == (subject.kind, subject.identifier, "p-stay")
    assert (case.city_code, case.district_code, case.department) == ("350200", "350203", "market_supervision")
    assert "未公示营业执照" in case.summary
    with pytest.raises(Conflict):
        services.task_result_record(actor=user, task_id=task.pk, inspected_on=today, items_checked=task.item_codes,
                                    findings="", violation_found=False)


def test_a_subject_without_a_platform_gets_the_credit_record_only(drawn):
    user, _client, plan = drawn
    task = plan.tasks.exclude(pool_subject__platform_id="p-stay").first()
    today = timezone.now().astimezone(CITY_TZ).date()
    task = services.task_result_record(actor=user, task_id=task.pk, inspected_on=today, items_checked=task.item_codes,
                                       findings="", violation_found=False)
    assert task.directive_message_id == ""
    assert CreditRecord.objects.get(pk=task.credit_record_id).polarity == 1
    from sharecity.hub.enforcement.models import Case

    assert not Case.objects.filter(source_kind="inspection").exists()  # nothing found, no case


def test_open_warnings_point_the_draft_plan_at_the_providers_they_name():
    from sharecity.hub.warnings.services import warning_raise

    user, _client = support.officer("xiamen-warnings")
    listed = support.provider("350203", "A", platform_id="p-stay")
    account = support.provider("350203", "A")
    elsewhere = support.provider("350206", "A")
    listing_id = ListingFact.objects.get(provider_key=listed.identifier).listing_id

    def warn(key: str, kind: str, ref: str, district: str = "350203", platform_id: str = "p-stay"):
        return warning_raise(city_code="350200", rule="false_discount", severity="high", subject_kind=kind,
                             subject_ref=ref, platform_id=platform_id, district_code=district,
                             explanation={"zh": "虚构原价\n促销", "en": "A false original price"},
                             evidence=[{"kind": kind, "ref": ref, "description": "x"}], dedupe_key=key)

    by_listing = warn("w1", "listing", listing_id)
    warn("w2", "account", account.identifier)
    warn("w3", "account", elsewhere.identifier, district="350206")  # not the plan's district
    warn("w4", "district", "350203")  # names no provider
    draft = support.plan(user)
    pointers = services.plan_point_warnings(actor=user, plan_id=draft.pk)
    assert sorted(p.subject_id for p in pointers) == sorted([listed.pk, account.pk])
    pointer = next(p for p in pointers if p.subject_id == listed.pk)
    assert pointer.source == "signal" and f"#{by_listing.pk}" in pointer.reason and "\n" not in pointer.reason
    # Class-A subjects pointed to this way enter the draw's pool as pointed.
    services.plan_commit(actor=user, plan_id=draft.pk)
    pointed = set(draft.pool_subjects.filter(pointed=True).values_list("subject_id", flat=True))
    assert pointed == {listed.pk, account.pk}
    with pytest.raises(Conflict):  # frozen after the commitment
        services.plan_point_warnings(actor=user, plan_id=draft.pk)


def test_bad_results_are_refused_naming_the_field(drawn):
    user, _client, plan = drawn
    task = plan.tasks.first()
    today = timezone.now().astimezone(CITY_TZ).date()
    cases = [({"items_checked": ["not-an-item"]}, "items_checked"),
             ({"items_checked": []}, "items_checked"),
             ({"inspected_on": today + dt.timedelta(days=1)}, "inspected_on"),
             ({"inspected_on": dt.date(2026, 9, 1)}, "inspected_on"),
             ({"violation_found": True, "findings": ""}, "findings"),
             ({"findings": "a\x00b"}, "findings"),
             ({"violation_found": "yes"}, "violation_found")]
    for change, field in cases:
        body = {"inspected_on": today, "items_checked": task.item_codes, "findings": "", "violation_found": False,
                **change}
        with pytest.raises(InvalidInput) as error:
            services.task_result_record(actor=user, task_id=task.pk, **body)
        assert error.value.field == field, change
    assert InspectionTask.objects.get(pk=task.pk).state == TaskState.OPEN


def test_publication_after_the_due_date_is_flagged_late(drawn):
    user, _client, plan = drawn
    early, prompt = plan.tasks.order_by("rank")[:2]
    today = timezone.now().astimezone(CITY_TZ).date()
    with pytest.raises(Conflict):
        services.task_publish(actor=user, task_id=early.pk)
    # Inspected on the draw's day, published weeks later: past the 20 working days.
    early = services.task_result_record(actor=user, task_id=early.pk, inspected_on=DRAWN.date(),
                                        items_checked=early.item_codes, findings="", violation_found=False)
    prompt = services.task_result_record(actor=user, task_id=prompt.pk, inspected_on=today,
                                         items_checked=prompt.item_codes, findings="", violation_found=False)
    assert selectors.task_late(early) and not selectors.task_late(prompt)
    services.task_publish(actor=user, task_id=early.pk)
    services.task_publish(actor=user, task_id=prompt.pk)
    published = {t.pk: selectors.task_late(t) for t in selectors.published_results(city_code="350200")}
    assert published == {early.pk: True, prompt.pk: False}
    assert list(selectors.published_results(city_code="120100")) == []


def test_the_case_fields_name_the_task_as_the_source(drawn):
    _user, _client, plan = drawn
    task = plan.tasks.first()
    fields = services.task_case_fields(task)
    assert fields["source_kind"] == "inspection" and fields["source_ref"] == str(task.pk)
    assert fields["city_code"] == "350200" and fields["district_code"] == "350203"


@pytest.fixture
def joint(db):
    """A joint plan of market supervision and culture and tourism: one visit checks both departments' items."""
    user, _client = support.officer("insp-joint")
    tourism, _client = support.officer("insp-joint-ct", kind="culture_tourism", department="厦门市文化和旅游局")
    platform("p-joint", "厦门联查住", division="350203", sectors=["homestay"])
    support.inspectors(user, 2)
    support.inspectors(tourism, 2, prefix="CT")
    support.provider("350203", "D", platform_id="p-joint")
    plan = support.plan(user, departments=["market_supervision", "culture_tourism"],
                        item_codes=["ms-licence-display", "ct-homestay-licence"], ratios_bp={"D": 10000})
    services.plan_commit(actor=user, plan_id=plan.pk, now=DRAWN)
    services.plan_draw(actor=user, plan_id=plan.pk, now=DRAWN)
    return user, plan.tasks.get()


def test_a_joint_visit_opens_a_case_for_each_department_whose_item_failed(joint):
    from sharecity.hub.enforcement.models import Case

    user, task = joint
    today = timezone.now().astimezone(CITY_TZ).date()
    body = {"inspected_on": today, "items_checked": ["ms-licence-display", "ct-homestay-licence"],
            "findings": "未办理民宿备案，未亮照", "violation_found": True}
    # A joint violation names its items: each department answers for its own.
    with pytest.raises(InvalidInput) as error:
        services.task_result_record(actor=user, task_id=task.pk, **body)
    assert error.value.field == "items_failed"
    with pytest.raises(InvalidInput) as error:
        services.task_result_record(actor=user, task_id=task.pk, **body, items_failed=["ms-price-marking"])
    assert error.value.field == "items_failed"  # not among the items checked
    task = services.task_result_record(actor=user, task_id=task.pk, **body,
                                       items_failed=["ms-licence-display", "ct-homestay-licence"])
    cases = {case.department: case for case in Case.objects.filter(source_kind="inspection")}
    assert set(cases) == {"market_supervision", "culture_tourism"}
    assert cases["culture_tourism"].source_ref == f"{task.pk}:culture_tourism"
    assert "ct-homestay-licence" in cases["culture_tourism"].summary
    assert "ct-homestay-licence" not in cases["market_supervision"].summary
    directive = Directive.objects.get(message_id=task.directive_message_id)
    assert sorted(f["code"] for f in directive.payload["findings"]) == ["ct-homestay-licence", "ms-licence-display"]


def test_a_joint_visit_failing_one_departments_item_opens_only_its_case(joint):
    from sharecity.hub.enforcement.models import Case

    user, task = joint
    today = timezone.now().astimezone(CITY_TZ).date()
    task = services.task_result_record(actor=user, task_id=task.pk, inspected_on=today,
                                       items_checked=["ms-licence-display", "ct-homestay-licence"],
                                       findings="未办理民宿备案", violation_found=True,
                                       items_failed=["ct-homestay-licence"])
    [case] = Case.objects.filter(source_kind="inspection")
    assert case.department == "culture_tourism" and case.source_ref == str(task.pk)
    directive = Directive.objects.get(message_id=task.directive_message_id)
    assert [f["code"] for f in directive.payload["findings"]] == ["ct-homestay-licence"]
    assert task.items_failed == ["ct-homestay-licence"]
