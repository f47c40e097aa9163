"""The inspection API and pages with honest and hostile input: every refusal is a 4xx naming the field,
never a 5xx; another city's or district's officer gets 404 for the plan and 400 for its subjects; the
public sees published results and a plan's commitment, and the seed only after the reveal."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from sharecity.hub.inspection import services
from sharecity.hub.inspection.models import InspectionPlan, InspectionTask, PlanState
from tests.hub import inspection_support as support

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/hub/inspection/plans"


def post(client: Client, url: str, body) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


def _body(**overrides) -> dict:
    body = {"title": "民宿抽查", "departments": ["market_supervision"], "districts": ["350203"],
            "item_codes": ["ms-licence-display"], "period_start": "2026-12-07", "period_end": "2027-01-31",
            "sector": "homestay"}
    body.update(overrides)
    return body


@pytest.fixture
def world(db):
    user, client = support.officer("insp-api", district="350203", department="厦门市思明区市场监督管理局")
    support.inspectors(user, 3)
    subjects = [support.provider("350203", c) for c in "DDCBBA"]
    _tianjin, tianjin_client = support.officer("insp-api-tj", city="120100", department="天津市市场监督管理委员会")
    _huli, huli_client = support.officer("insp-api-huli", district="350206", department="厦门市湖里区市场监督管理局")
    return {"user": user, "client": client, "subjects": subjects, "tianjin": tianjin_client, "huli": huli_client}


def test_the_main_path_through_the_api(world):
    client = world["client"]
    response = post(client, PLANS, _body())
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["state"] == "draft" and plan["ratios_bp"] == {"A": 500, "B": 500, "C": 2100, "D": 6100}
    a_subject = world["subjects"][-1].pk
    assert post(client, f"{PLANS}/{plan['id']}/pointers",
                {"subject_id": a_subject, "source": "signal", "reason": "预警：价格异常"}).status_code == 201
    committed = post(client, f"{PLANS}/{plan['id']}/commit", {}).json()
    assert len(committed["seed_commitment"]) == 64 and committed["seed"] == ""
    public = client.get(f"/api/v1/inspection/plans/{plan['id']}").json()
    assert public["seed_commitment"] == committed["seed_commitment"] and public["seed"] == ""
    drawn = post(client, f"{PLANS}/{plan['id']}/draw", {}).json()
    assert drawn["tasks"] >= 3 and drawn["seed"] == ""
    again = post(client, f"{PLANS}/{plan['id']}/draw", {})
    assert again.status_code == 409 and again.json()["code"] == "inspection.already_drawn"
    revealed = post(client, f"{PLANS}/{plan['id']}/reveal", {}).json()
    assert len(revealed["seed"]) == 64
    assert Client().get(f"/api/v1/inspection/plans/{plan['id']}").json()["seed"] == revealed["seed"]
    assert client.get(f"{PLANS}/{plan['id']}/verification").json()["ok"] is True
    tasks = client.get("/api/v1/hub/inspection/tasks").json()
    assert a_subject in [t["subject_id"] for t in tasks]  # class A, pointed to
    task = tasks[0]
    assert len(task["inspectors"]) >= 2 and task["deadline"]
    result = post(client, f"/api/v1/hub/inspection/tasks/{task['id']}/result",
                  {"inspected_on": _today(), "items_checked": task["item_codes"],
                   "findings": "未亮照经营", "violation_found": True})
    assert result.status_code == 200, result.content
    assert result.json()["publish_due"] and result.json()["late"] is False
    assert Client().get("/api/v1/inspection/results").json() == []
    assert post(client, f"/api/v1/hub/inspection/tasks/{task['id']}/publish", {}).status_code == 200
    published = Client().get("/api/v1/inspection/results").json()
    assert [r["id"] for r in published] == [task["id"]] and published[0]["violation_found"] is True
    assert Client().get(f"/api/v1/inspection/results/{task['id']}").status_code == 200


def _today() -> str:
    from sharecity.hub.inspection.selectors import today

    return today().isoformat()


@pytest.mark.parametrize(("body", "status", "field"), [
    (_body(title="x" * 121), 422, "title"),
    (_body(title="a\x07b"), 400, None),
    (_body(departments="market_supervision"), 422, "departments"),
    (_body(departments=["police"]), 400, "departments"),
    (_body(departments=["commerce"]), 400, "departments"),
    (_body(districts=["120101"]), 400, "districts"),
    (_body(districts=["350206"]), 403, "districts"),
    (_body(item_codes=["no-such-item"]), 400, "item_codes"),
    (_body(item_codes=["ct-homestay-licence"]), 400, "item_codes"),
    (_body(period_start="2026-13-01"), 422, "period_start"),
    (_body(period_end="2026-01-01"), 400, "period_end"),
    (_body(inspectors_per_task=1), 422, "inspectors_per_task"),
    (_body(inspectors_per_task="two"), 422, "inspectors_per_task"),
    (_body(ratios_bp={"C": 9000}), 400, "ratios_bp.C"),
    (_body(ratios_bp={"E": 100}), 400, "ratios_bp"),
    (_body(sector="Homestay!"), 422, "sector"),
    ([1, 2, 3], 422, "title"),
])
def test_a_bad_plan_is_refused_naming_the_field(world, body, status, field):
    response = post(world["client"], PLANS, body)
    assert response.status_code == status, response.content
    if field is not None:
        assert response.json()["field"] == field
    assert not InspectionPlan.objects.exists()


def test_another_city_or_district_cannot_reach_the_plan_or_its_subjects(world):
    plan = support.plan(world["user"])
    for client in (world["tianjin"], world["huli"]):
        assert client.get(f"{PLANS}/{plan.pk}").status_code == 404
        assert post(client, f"{PLANS}/{plan.pk}/commit", {}).status_code == 404
    assert InspectionPlan.objects.get(pk=plan.pk).state == PlanState.DRAFT
    # A subject of Huli (another district) pointed to from Siming's plan: refused, naming the subject.
    huli_subject = support.provider("350206", "A")
    response = post(world["client"], f"{PLANS}/{plan.pk}/pointers",
                    {"subject_id": huli_subject.pk, "source": "referral", "reason": "移送"})
    assert response.status_code == 400 and response.json()["field"] == "subject_id"
    for bad in ({"subject_id": "1", "source": "x", "reason": "r"}, {"subject_id": 2**70, "source": "signal",
                                                                    "reason": "r"}):
        assert post(world["client"], f"{PLANS}/{plan.pk}/pointers", bad).status_code in (400, 422)


def test_ids_out_of_range_and_unknown_answer_404_never_500(world):
    client = world["client"]
    for url in (f"{PLANS}/99999999999999999999", f"{PLANS}/0", "/api/v1/hub/inspection/tasks/99999999999999999999",
                "/api/v1/inspection/results/99999999999999999999", "/api/v1/inspection/plans/12345",
                "/hub/inspection/plans/99999999999999999999/", "/hub/inspection/tasks/99999999999999999999/"):
        response = client.get(url)
        assert response.status_code in (404, 422), (url, response.status_code)


def test_bad_results_are_refused_naming_the_field(world):
    user, client = world["user"], world["client"]
    plan = support.drawn_plan(user)
    task = InspectionTask.objects.filter(plan=plan).first()
    url = f"/api/v1/hub/inspection/tasks/{task.pk}/result"
    good = {"inspected_on": _today(), "items_checked": task.item_codes, "findings": "", "violation_found": False}
    for change, status, field in [({"inspected_on": "yesterday"}, 422, "inspected_on"),
                                  ({"items_checked": "all"}, 422, "items_checked"),
                                  ({"items_checked": ["x"] * 51}, 422, "items_checked"),
                                  ({"findings": "f" * 2001}, 422, "findings"),
                                  ({"violation_found": "perhaps"}, 422, "violation_found"),
                                  ({"violation_found": True}, 400, "findings"),
                                  ({"items_failed": "all"}, 422, "items_failed"),
                                  ({"items_failed": ["x"] * 51}, 422, "items_failed"),
                                  ({"items_failed": ["not-checked"], "violation_found": True, "findings": "f"}, 400,
                                   "items_failed"),
                                  ({"items_failed": task.item_codes[:1]}, 400, "items_failed"),
                                  ({"inspected_on": "2031-01-01"}, 400, "inspected_on")]:
        response = post(client, url, {**good, **change})
        assert response.status_code == status, (change, response.content)
        assert response.json()["field"] == field
    assert post(world["tianjin"], url, good).status_code == 404
    assert InspectionTask.objects.get(pk=task.pk).state == "open"


def test_a_hub_operator_may_read_but_not_run_inspections(world):
    from tests import factories

    operator = factories.make_user("insp-api-operator")
    operator.is_staff = True
    operator.save()
    client = Client()
    client.force_login(operator)
    assert client.get(PLANS).status_code == 200
    response = post(client, PLANS, _body())
    assert response.status_code == 403 and response.json()["field"] == "actor"


def test_the_pages_refuse_bad_input_naming_the_field(world):
    client = world["client"]
    form = {"title": "页面计划", "departments": ["market_supervision"], "districts": ["350203"],
            "item_codes": ["ms-licence-display"], "period_start": "2026-12-07", "period_end": "2027-01-31"}
    for change, field in [({"period_start": "07/12/2026"}, "period_start"), ({"title": "t" * 500}, "title"),
                          ({"districts": ["120101"]}, "districts"), ({"inspectors_per_task": "-1"},
                                                                      "inspectors_per_task"),
                          ({"ratio_D": "100"}, "ratios_bp.D"), ({"title": "a\x00b"}, "title")]:
        response = client.post("/hub/inspection/plans/new/", {**form, **change})
        assert 400 <= response.status_code < 500, change
        assert field in response.content.decode(), change
    response = client.post("/hub/inspection/plans/new/", form)
    assert response.status_code == 302
    plan = InspectionPlan.objects.get(title="页面计划")
    page = client.get(f"/hub/inspection/plans/{plan.pk}/")
    assert page.status_code == 200 and "页面计划" in page.content.decode()
    assert client.post(f"/hub/inspection/plans/{plan.pk}/draw/").status_code == 409
    assert client.post(f"/hub/inspection/plans/{plan.pk}/pointers/", {"subject_id": "abc", "source": "signal",
                                                                      "reason": "r"}).status_code == 400
    assert client.post(f"/hub/inspection/plans/{plan.pk}/commit/").status_code == 302
    assert client.post(f"/hub/inspection/plans/{plan.pk}/commit/").status_code == 409


def test_the_public_results_page_lists_published_results_only(world):
    user = world["user"]
    plan = support.drawn_plan(user)
    first, second = InspectionTask.objects.filter(plan=plan).order_by("rank")[:2]
    for task in (first, second):
        services.task_result_record(actor=user, task_id=task.pk, inspected_on=dt.date.fromisoformat(_today()),
                                    items_checked=task.item_codes, findings="", violation_found=False)
    services.task_publish(actor=user, task_id=first.pk)
    body = Client().get("/inspection/results/").content.decode()
    assert first.pool_subject.label in body and second.pool_subject.label not in body


def test_an_inspector_taken_out_of_the_pool_is_not_drawn_and_committed_plans_keep_theirs():
    import json

    from sharecity.hub.inspection.models import Inspector
    from tests.hub import inspection_support as support

    user, client = support.officer("xm-pool-keeper", city="350200")
    _other, other_client = support.officer("tj-pool-keeper", city="120100", department="天津市市场监督管理局")
    pool = support.inspectors(user, 3)
    support.provider("350203", "D")
    committed = support.plan(user)
    from sharecity.hub.inspection import services

    services.plan_commit(actor=user, plan_id=committed.pk)
    url = f"/api/v1/hub/inspection/inspectors/{pool[0].pk}/active"
    response = client.post(url, json.dumps({"active": False, "reason": "已退休"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["active"] is False
    assert not Inspector.objects.get(pk=pool[0].pk).active
    # A later plan's frozen pool leaves the inspector out; the committed one still holds them.
    later = support.plan(user)
    services.plan_commit(actor=user, plan_id=later.pk)
    assert pool[0].pk not in set(later.pool_inspectors.values_list("inspector_id", flat=True))
    assert pool[0].pk in set(committed.pool_inspectors.values_list("inspector_id", flat=True))
    # Another city's officer, bad input, oversize: refused, nothing changes.
    assert other_client.post(url, json.dumps({"active": True, "reason": "x"}),
                             content_type="application/json").status_code == 404
    bad = client.post(url, json.dumps({"active": True, "reason": "a\u0000b"}), content_type="application/json")
    assert bad.status_code in (400, 422)
    assert client.post(url, json.dumps({"active": "maybe", "reason": "x"}),
                       content_type="application/json").status_code == 422
    assert client.post(f"/api/v1/hub/inspection/inspectors/{10**15}/active", json.dumps(
        {"active": True, "reason": "x"}), content_type="application/json").status_code == 404
    assert not Inspector.objects.get(pk=pool[0].pk).active
    # Back in through the page.
    page = client.post("/hub/inspection/inspectors/", {"inspector_id": pool[0].pk, "active": "1", "reason": "返聘"})
    assert page.status_code == 302 and Inspector.objects.get(pk=pool[0].pk).active
