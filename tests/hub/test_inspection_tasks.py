"""Tasks: deadlines in working days on the official holiday calendar, results sent to the platform as an
``inspection.result`` directive and recorded in the subject's credit file, publication within 20 working
days with a late flag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sharecity.hub.credit.models import CreditRecord, RecordKind
from sharecity.hub.directives.models import Directive
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
