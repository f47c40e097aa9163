"""The quota API, console and public table, with hostile input: wrong types, oversize and control characters,
negative counts, replays, another city's officer, a district officer, anonymous callers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sharecity.hub.quota.models import AllocationRun, EvaluationWeights, FleetReport
from sharecity.hub.registry.services import regulator_profile_set
from tests import factories
from tests.hub.test_quota_flow import City, report

pytestmark = pytest.mark.django_db

WEIGHTS = {"effective_from": "2025-07-01", "complaints": 25, "parking": 25, "condition": 25, "dispatch": 25,
           "complaints_zero_per_thousand": 10, "dispatch_target_minutes": 30, "dispatch_zero_minutes": 120,
           "source": "市交通运输局 2025 年考核细则"}


def officer(username, **where) -> Client:
    user = factories.make_user(username)
    regulator_profile_set(actor=None, user=user, department="交通运输局", **where)
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def xiamen():
    return officer("xm-city", city_code="350200")


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_weights_are_versioned_and_checked(xiamen):
    response = post(xiamen, "/api/v1/hub/quota/weights", WEIGHTS)
    assert response.status_code == 201, response.content
    assert post(xiamen, "/api/v1/hub/quota/weights", WEIGHTS).json()["field"] == "effective_from"  # one per day
    listed = xiamen.get("/api/v1/hub/quota/weights").json()
    assert [w["effective_from"] for w in listed] == ["2025-07-01", "2019-01-01"]
    bad = {**WEIGHTS, "effective_from": "2025-08-01"}
    assert post(xiamen, "/api/v1/hub/quota/weights", {**bad, "complaints": 40}).json()["field"] == "complaints"
    for field, value in (("complaints", -1), ("parking", "25x"), ("condition", 101), ("dispatch", 10**20),
                         ("source", "a\x1b[2Jb"), ("source", "长" * 301), ("effective_from", "2025-13-01")):
        response = post(xiamen, "/api/v1/hub/quota/weights", {**bad, field: value})
        assert response.status_code in (400, 422), (field, value, response.status_code)
    assert post(xiamen, "/api/v1/hub/quota/weights", {**bad, "dispatch_zero_minutes": 10}).json()["field"] == \
        "dispatch_zero_minutes"
    assert EvaluationWeights.objects.filter(city_code="350200").count() == 2


def test_only_the_citys_own_officers_write_and_others_read_nothing_of_it(xiamen):
    siming = officer("xm-siming", district_code="350203")
    tianjin = officer("tj-city", city_code="120100")
    assert post(siming, "/api/v1/hub/quota/weights", WEIGHTS).status_code == 403
    # Tianjin's officer asking for Xiamen writes Tianjin's weights, never Xiamen's.
    assert post(tianjin, "/api/v1/hub/quota/weights?city=350200", WEIGHTS).status_code == 201
    assert not EvaluationWeights.objects.filter(city_code="350200", effective_from=dt.date(2025, 7, 1)).exists()
    assert post(Client(), "/api/v1/hub/quota/weights", WEIGHTS).status_code == 401
    assert Client().get("/api/v1/hub/quota/runs").status_code == 401
    assert Client().get("/hub/quota/").status_code in (302, 403)
    resident = Client()
    resident.force_login(factories.make_user("resident"))
    assert resident.get("/api/v1/hub/quota/fleet").status_code == 403
    assert resident.get("/hub/quota/").status_code == 403


def test_run_by_api_publish_once_and_another_city_sees_404():
    city = City()
    xiamen = Client(headers={"accept-language": "en"})
    xiamen.force_login(city.officer)
    assert city.post(city.console, "ludao-bike", report()).status_code == 201
    city.sync()
    evaluations = post(xiamen, "/api/v1/hub/quota/evaluations", {"year": 2025, "quarter": 3})
    assert evaluations.status_code == 200 and len(evaluations.json()) == 1
    for body, field in (({"method": "rank-shares", "shares": "0.5,0.9"}, "shares"),
                        ({"method": "rank-shares", "total": "-3"}, "total"),
                        ({"method": "rank-shares", "pass_mark": "1e3"}, "pass_mark"),
                        ({"method": "rank-shares", "total": "10\x00"}, None),
                        ({"method": "lottery"}, None)):
        response = post(xiamen, "/api/v1/hub/quota/runs", {"year": 2025, "quarter": 3, **body})
        assert response.status_code in (400, 422), (body, response.content)
        if field:
            assert response.json()["field"] == field
    assert post(xiamen, "/api/v1/hub/quota/runs", {"year": 2025, "quarter": 2, "method": "rank-shares"}
                ).json()["field"] == "quarter"  # nothing evaluated then
    response = post(xiamen, "/api/v1/hub/quota/runs", {"year": 2025, "quarter": 3, "method": "rank-shares",
                                                       "total": "800", "reserve_new": "0", "shares": "1"})
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["result"]["allocations"][city.bikes.exchange_id] == {"island": 600, "off-island": 200, "total": 800}
    assert run["inputs"][0]["platform"] == city.bikes.exchange_id
    tianjin = officer("tj-city", city_code="120100")
    assert tianjin.get(f"/api/v1/hub/quota/runs/{run['id']}").status_code == 404
    assert post(tianjin, f"/api/v1/hub/quota/runs/{run['id']}/publish", {}).status_code == 404
    assert Client().get("/api/v1/public/quota").json() == []  # not published yet
    assert post(xiamen, f"/api/v1/hub/quota/runs/{run['id']}/publish", {}).status_code == 200
    assert post(xiamen, f"/api/v1/hub/quota/runs/{run['id']}/publish", {}).json()["field"] == "run_id"  # replay
    assert xiamen.get("/api/v1/hub/quota/runs/999999").status_code == 404
    rows = Client().get("/api/v1/public/quota").json()
    assert {(r["platform"], r["zone"], r["vehicles"]) for r in rows} == {("鹭岛单车", "island", 600),
                                                                       ("鹭岛单车", "off-island", 200)}
    assert Client().get("/api/v1/public/quota?city=abc").status_code in (400, 422)
    # The public page, zh-Hans and English, without login.
    zh = Client(headers={"accept-language": "zh-hans"}).get("/quota/")
    assert zh.status_code == 200 and "共享单车投放配额" in zh.text and "鹭岛单车" in zh.text and "岛内" in zh.text
    en = Client(headers={"accept-language": "en"}).get("/quota/")
    assert "Bike quotas" in en.text and "Island" in en.text and ">600<" in en.text
    # The console shows the fleet against the quota; a district officer of the city reads it, Tianjin does not.
    page = xiamen.get("/hub/quota/")
    assert page.status_code == 200 and "QA-" in page.text and city.bikes.exchange_id in page.text
    assert 'data-over="1"' in page.text  # 700 deployed on the island against a quota of 600
    assert AllocationRun.objects.count() == 1


def test_console_forms_refuse_bad_input_with_4xx(xiamen):
    response = xiamen.post("/hub/quota/weights/", {**WEIGHTS, "complaints": 90})
    assert response.status_code == 400 and "add up to 100" in response.text
    response = xiamen.post("/hub/quota/runs/", {"year": 2025, "quarter": 9, "method": "rank-shares"})
    assert response.status_code == 400
    response = xiamen.post("/hub/quota/evaluations/", {"year": 2025, "quarter": 3})
    assert response.status_code == 200 or response.status_code == 302


@pytest.mark.parametrize(("change", "field"), [
    ({"vehicles_deployed": -1}, "vehicles_deployed"),
    ({"vehicles_deployed": "100"}, "vehicles_deployed"),
    ({"vehicles_deployed": 1.0}, "vehicles_deployed"),
    ({"vehicles_deployed": 2**63}, "vehicles_deployed"),
    ({"vehicles_good": 701}, "vehicles_good"),
    ({"parking_compliant": 201}, "parking_compliant"),
    ({"zone": "island\x00"}, "zone"),
    ({"zone": "i" * 41}, "zone"),
    ({"zone": "岛内"}, "zone"),
    ({"city": "35020"}, "city"),
    ({"period_end": "2999-01-01"}, "period_end"),
    ({"period_end": "2025-06-01"}, "period_end"),
    ({"dispatch_response_minutes": None}, "dispatch_response_minutes"),
    ({"dispatch_response_minutes": 10081}, "dispatch_response_minutes"),
    ({"report_id": "r\x1b[2J"}, "report_id"),
    ({"report_id": "r" * 65}, "report_id"),
])
def test_hostile_fleet_reports_are_refused_naming_the_field(change, field):
    city = City()
    response = city.post(city.console, "ludao-bike", report(**change))
    assert response.status_code in (400, 422), (change, response.content)
    assert field in str(response.json())


def test_fleet_report_replay_other_platform_and_unknown_fields():
    city = City()
    assert city.post(city.console, "ludao-bike", report(report_id="Q3-island")).status_code == 201
    replay = city.post(city.console, "ludao-bike", report(report_id="Q3-island"))
    assert replay.status_code == 409 and replay.json()["field"] == "report_id"
    # Another platform's operator may not report for this platform, nor read its fleet.
    assert city.post(city.other_console, "ludao-bike", report()).status_code == 403
    assert city.other_console.get("/api/v1/p/ludao-bike/fleets/quotas").status_code == 403
    assert city.other_console.get("/p/ludao-bike/operator/fleets/").status_code == 403
    assert city.post(city.console, "ludao-bike", {**report(), "colour": "orange"}).status_code in (400, 422)
    city.sync()
    assert FleetReport.objects.count() == 1
