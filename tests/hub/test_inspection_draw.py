"""The verifiable draw: the pure function, the plan's commit/draw/reveal steps, and `sharecity inspection
verify`, which confirms an untouched draw and fails, naming the difference, when a pool row, the seed or a
drawn task is altered."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from contextlib import redirect_stderr, redirect_stdout

import pytest

from sharecity.cli import main as cli_main
from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.inspection import selectors, services
from sharecity.hub.inspection.draw import DrawError, InspectorRow, ItemRow, Pools, SubjectRow, draw, seed_commitment
from sharecity.hub.inspection.models import InspectionPlan, InspectionTask, PlanState, PoolInspector, PoolSubject
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput
from tests.hub import inspection_support as support

SEED = "00" * 15 + "01" * 17


def _pools(**overrides) -> Pools:
    subjects = ([SubjectRow(i, "A", "350203", pointed=i in (1, 2)) for i in range(1, 21)]
                + [SubjectRow(i, "B", "350203") for i in range(21, 61)]
                + [SubjectRow(i, "C", "350206") for i in range(61, 81)]
                + [SubjectRow(i, "D", "350206") for i in range(81, 91)])
    fields = {
        "subjects": tuple(subjects),
        "inspectors": tuple(InspectorRow(100 + i, "market_supervision", "350203" if i < 3 else "350206")
                            for i in range(6)),
        "items": (ItemRow("key-1", "market_supervision", "key"),
                  ItemRow("gen-1", "market_supervision", "general", 3000)),
        "ratios_bp": {"A": 500, "B": 500, "C": 2100, "D": 6100},
        "departments": ("market_supervision",),
    }
    fields.update(overrides)
    return Pools(**fields)


# --- the pure function ---------------------------------------------------------------------------------


def test_same_seed_and_pools_give_the_same_draw_and_another_seed_another():
    first, again = draw(SEED, _pools()), draw(SEED, _pools())
    assert first.digest() == again.digest()
    assert draw("ab" * 32, _pools()).digest() != first.digest()


def test_each_class_is_drawn_at_its_ratio_and_class_a_only_when_pointed_to():
    tasks = draw(SEED, _pools()).tasks
    by_class = {c: [t for t in tasks if t.risk_class == c] for c in "ABCD"}
    # ceil(5% × 20 A) = 1, and only among the two pointed; ceil(5% × 40 B) = 2; ceil(21% × 20 C) = 5;
    # ceil(61% × 10 D) = 7.
    assert len(by_class["A"]) == 1 and by_class["A"][0].subject_id in (1, 2)
    assert (len(by_class["B"]), len(by_class["C"]), len(by_class["D"])) == (2, 5, 7)
    assert all(t.on_site for t in by_class["D"]) and not any(t.on_site for t in by_class["B"])
    assert [t.rank for t in tasks] == list(range(1, 16))


def test_no_pointer_means_no_class_a_subject():
    pools = _pools(subjects=tuple(SubjectRow(i, "A", "350203") for i in range(1, 30)))
    assert draw(SEED, pools).tasks == []


def test_key_items_on_every_task_general_items_capped():
    tasks = draw(SEED, _pools()).tasks
    assert all("key-1" in t.item_codes for t in tasks)
    # 30% of 15 tasks, rounded up: at most 5 check the general item.
    assert sum("gen-1" in t.item_codes for t in tasks) == 5


def test_two_inspectors_per_task_none_connected_none_from_the_subjects_district():
    connected = InspectorRow(100, "market_supervision", "350206", connected_subject_ids=tuple(range(1, 91)))
    pools = _pools(inspectors=(connected, *_pools().inspectors[1:]), recuse_residence=True)
    for task in draw(SEED, pools).tasks:
        assert len(task.inspector_ids) == 2
        assert 100 not in task.inspector_ids
        district = next(s.district_code for s in pools.subjects if s.subject_id == task.subject_id)
        homes = {i.inspector_id: i.residence_district_code for i in pools.inspectors}
        assert all(homes[i] != district for i in task.inspector_ids)


def test_too_few_inspectors_after_recusal_is_refused_naming_inspectors():
    pools = _pools(inspectors=_pools().inspectors[:3], recuse_residence=True)  # all three live in 350203
    with pytest.raises(DrawError) as error:
        draw(SEED, pools)
    assert error.value.field == "inspectors"


def test_a_joint_plan_sends_one_inspector_of_each_department_in_one_visit():
    team = (*_pools().inspectors, InspectorRow(200, "culture_tourism", "350211"),
            InspectorRow(201, "culture_tourism", "350211"))
    pools = _pools(inspectors=team, departments=("culture_tourism", "market_supervision"),
                   items=(*_pools().items, ItemRow("ct-1", "culture_tourism", "key")))
    for task in draw(SEED, pools).tasks:
        assert {"key-1", "ct-1"} <= set(task.item_codes)
        assert any(i >= 200 for i in task.inspector_ids) and any(i < 200 for i in task.inspector_ids)


def test_the_commitment_is_sha256_of_the_seed_bytes():
    assert seed_commitment(SEED) == hashlib.sha256(bytes.fromhex(SEED)).hexdigest()
    with pytest.raises(DrawError):
        seed_commitment("zz")


# --- ratio rules as data ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_seeded_rule_is_samr_2022_6_with_the_county_example_from_its_date():
    rules = selectors.rules_in_force(city_code="350200", day=dt.date(2022, 1, 13))
    assert {c: (r.ratio_min_bp, r.ratio_max_bp) for c, r in rules.items()} == {
        "A": (0, 500), "B": (500, 2000), "C": (2100, 6000), "D": (6100, 10000)}
    assert rules["A"].pointed_only and rules["D"].on_site
    assert all(r.source_number == "国市监信发〔2022〕6号" for r in rules.values())
    assert selectors.rules_in_force(city_code="350200", day=dt.date(2022, 1, 12)) == {}


@pytest.mark.django_db
def test_a_plan_before_any_rule_or_with_a_ratio_outside_the_rule_is_refused_naming_the_field():
    user, _client = support.officer("insp-ratio")
    with pytest.raises(InvalidInput) as error:
        support.plan(user, period_start=dt.date(2021, 12, 1))
    assert error.value.field == "period_start"
    with pytest.raises(InvalidInput) as error:
        support.plan(user, ratios_bp={"C": 7000})
    assert error.value.field == "ratios_bp.C" and "国市监信发〔2022〕6号" in str(error.value.message)
    assert support.plan(user, ratios_bp={"C": 6000}).ratios_bp["ratios"]["C"] == 6000


# --- the plan's steps --------------------------------------------------------------------------------------


@pytest.fixture
def city(db):
    user, client = support.officer("insp-city")
    support.inspectors(user, 4)
    sizes = {"A": 3, "B": 6, "C": 3, "D": 2}
    subjects = {c: [support.provider("350203", c) for _ in range(n)] for c, n in sizes.items()}
    return user, client, subjects


def test_commit_freezes_the_pools_with_their_classes_and_keeps_the_seed_secret(city):
    user, _client, subjects = city
    plan = support.plan(user)
    services.plan_point(actor=user, plan_id=plan.pk, subject_id=subjects["A"][0].pk, source="complaint",
                        reason="投诉：房源与描述不符")
    plan = services.plan_commit(actor=user, plan_id=plan.pk)
    classes = dict(PoolSubject.objects.filter(plan=plan).values_list("subject_id", "risk_class"))
    assert {classes[s.pk] for s in subjects["D"]} == {"D"} and {classes[s.pk] for s in subjects["A"]} == {"A"}
    assert PoolInspector.objects.filter(plan=plan).count() == 4
    assert plan.seed_commitment == hashlib.sha256(bytes.fromhex(plan.seed)).hexdigest()
    entry = AuditEntry.objects.get(action="inspection.plan_committed", object_id=str(plan.pk))
    detail = entry.detail_data
    assert detail["seed_commitment"] == plan.seed_commitment and "seed" not in detail
    assert detail["pools_hash"] == plan.pools_hash


def test_a_draw_is_made_once_and_a_commitment_once(city):
    user, _client, _subjects = city
    plan = support.plan(user)
    with pytest.raises(Conflict):
        services.plan_draw(actor=user, plan_id=plan.pk)
    services.plan_commit(actor=user, plan_id=plan.pk)
    with pytest.raises(Conflict):
        services.plan_commit(actor=user, plan_id=plan.pk)
    services.plan_draw(actor=user, plan_id=plan.pk)
    tasks = list(InspectionTask.objects.filter(plan=plan).values_list("pool_subject__subject_id", "inspector_ids"))
    with pytest.raises(Conflict) as error:
        services.plan_draw(actor=user, plan_id=plan.pk)
    assert error.value.code == "inspection.already_drawn"
    with pytest.raises(Conflict):
        services.plan_point(actor=user, plan_id=plan.pk, subject_id=1, source="signal", reason="x")
    services.plan_reveal(actor=user, plan_id=plan.pk)
    with pytest.raises(Conflict):
        services.plan_reveal(actor=user, plan_id=plan.pk)
    kept = InspectionTask.objects.filter(plan=plan).values_list("pool_subject__subject_id", "inspector_ids")
    assert list(kept) == tasks
    actions = list(AuditEntry.objects.filter(object_type="inspection_plan", object_id=str(plan.pk))
                   .order_by("sequence").values_list("action", flat=True))
    assert actions == ["inspection.plan_created", "inspection.plan_committed", "inspection.plan_drawn",
                       "inspection.plan_revealed"]


def test_another_citys_officer_or_a_hub_operator_cannot_step_the_plan(city):
    user, _client, _subjects = city
    plan = support.plan(user)
    tianjin, _ = support.officer("insp-tj", city="120100", department="天津市市场监督管理局")
    with pytest.raises(Exception) as error:
        services.plan_commit(actor=tianjin, plan_id=plan.pk)
    assert getattr(error.value, "http_status", None) == 404
    from tests import factories

    operator = factories.make_user("insp-operator")
    operator.is_staff = True
    operator.save()
    with pytest.raises(Forbidden):
        services.plan_commit(actor=operator, plan_id=plan.pk)
    assert InspectionPlan.objects.get(pk=plan.pk).state == PlanState.DRAFT


# --- verify ----------------------------------------------------------------------------------------------


def _verify(plan_id: int) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            cli_main(["inspection", "verify", str(plan_id)])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return code, out.getvalue() + err.getvalue()


def test_verify_confirms_an_untouched_draw(city):
    user, _client, _subjects = city
    plan = support.drawn_plan(user)
    assert InspectionTask.objects.filter(plan=plan).count() > 0
    code, output = _verify(plan.pk)
    assert code == 0, output
    assert "confirmed" in output and plan.seed_commitment in output


def test_verify_refuses_before_the_reveal_and_for_no_plan(city):
    user, _client, _subjects = city
    plan = support.plan(user)
    services.plan_commit(actor=user, plan_id=plan.pk)
    services.plan_draw(actor=user, plan_id=plan.pk)
    code, output = _verify(plan.pk)
    assert code == 1 and "not revealed" in output
    assert _verify(999999)[0] == 2


def test_verify_fails_when_a_frozen_pool_row_is_altered(city):
    user, _client, subjects = city
    plan = support.drawn_plan(user)
    row = PoolSubject.objects.get(plan=plan, subject_id=subjects["D"][0].pk)
    PoolSubject.objects.filter(pk=row.pk).update(risk_class="A")
    code, output = _verify(plan.pk)
    assert code == 1
    assert f"pool subject {row.subject_id}: risk_class was 'D', is 'A'" in output
    assert "pools: the frozen rows hash to" in output


def test_verify_fails_when_an_inspectors_declared_connection_is_removed_from_the_pool(city):
    user, _client, _subjects = city
    plan = support.drawn_plan(user)
    row = PoolInspector.objects.filter(plan=plan).first()
    PoolInspector.objects.filter(pk=row.pk).update(residence_district_code="350206")
    code, output = _verify(plan.pk)
    assert code == 1 and f"pool inspector {row.inspector_id}: residence_district_code" in output


def test_verify_fails_when_the_seed_is_altered(city):
    user, _client, _subjects = city
    plan = support.drawn_plan(user)
    InspectionPlan.objects.filter(pk=plan.pk).update(seed="ff" * 32)
    code, output = _verify(plan.pk)
    assert code == 1 and "seed: sha256(seed) is" in output


def test_verify_fails_when_seed_and_commitment_are_both_replaced(city):
    user, _client, _subjects = city
    plan = support.drawn_plan(user)
    seed = "ee" * 32
    InspectionPlan.objects.filter(pk=plan.pk).update(seed=seed, seed_commitment=seed_commitment(seed))
    code, output = _verify(plan.pk)
    assert code == 1 and "the audit log recorded" in output


def test_verify_fails_when_a_drawn_task_is_altered(city):
    user, _client, _subjects = city
    plan = support.drawn_plan(user)
    task = InspectionTask.objects.filter(plan=plan).order_by("rank").first()
    others = [i for i in PoolInspector.objects.filter(plan=plan).values_list("inspector_id", flat=True)
              if i not in task.inspector_ids]
    InspectionTask.objects.filter(pk=task.pk).update(inspector_ids=sorted(others[:2]))
    code, output = _verify(plan.pk)
    assert code == 1 and f"task {task.rank}: inspector_ids recomputed {task.inspector_ids!r}" in output


def test_a_warning_points_to_a_subject_by_its_kind_and_key(city):
    user, _client, subjects = city
    plan = support.plan(user)
    a_subject = subjects["A"][1]
    pointer = services.plan_point_ref(actor=user, plan_id=plan.pk, subject_kind="person",
                                      subject_ref=a_subject.identifier, source="signal", reason="预警：价格异常")
    assert pointer.subject_id == a_subject.pk and pointer.source == "signal"
    with pytest.raises(InvalidInput) as error:
        services.plan_point_ref(actor=user, plan_id=plan.pk, subject_kind="person", subject_ref="no-such-key",
                                source="signal", reason="r")
    assert error.value.field == "subject_ref"
    services.plan_commit(actor=user, plan_id=plan.pk)
    services.plan_draw(actor=user, plan_id=plan.pk)
    drawn = set(InspectionTask.objects.filter(plan=plan).values_list("pool_subject__subject_id", flat=True))
    assert a_subject.pk in drawn and not ({s.pk for s in subjects["A"]} - {a_subject.pk}) & drawn
