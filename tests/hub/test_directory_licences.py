"""A platform's licences and evaluations in the public directory: the operator declares its administrative
licences (E-Commerce Law Art. 15) in the console or through the API, the whole set travels to the city
(platform.licences_declared), and the directory shows it, marks expired ones and names the required licences
missing; the latest published quarterly evaluation is shown with its rank."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from uuid import uuid4

import pytest
from django.test import Client

from sharecity.exchange.schemas import payload_validate
from sharecity.hub.quota import services as quota
from sharecity.hub.registry.jurisdiction import jurisdiction_for
from sharecity.hub.registry.models import LicenceDeclaration, RegisteredPlatform
from sharecity.hub.registry.services import licences_declared
from sharecity.kernel.licences import KIND_CODES, required_kinds
from sharecity.market.platforms.models import PlatformLicence
from sharecity.market.platforms.services import operator_add
from tests import factories
from tests.hub.test_quota_flow import City, report

pytestmark = pytest.mark.django_db
PUBLIC = "/api/v1/public/platforms"
TELECOM = {"kind": "value_added_telecom", "number": "闽B2-20190001", "issued_by": "福建省通信管理局",
           "valid_from": "2019-03-01", "valid_until": "2024-03-01"}  # expired
ROAD = {"kind": "other", "name": "道路运输经营许可证", "number": "闽交运管许可厦字350200001",
        "issued_by": "厦门市交通运输局", "valid_from": "2020-01-01", "valid_until": None}


@pytest.fixture
def city():
    return City()


def put(client, slug, licences):
    return client.put(f"/api/v1/p/{slug}/licences", {"licences": licences}, content_type="application/json")


def test_licences_travel_from_the_console_and_api_to_the_public_directory(city):
    platform_id = city.bikes.exchange_id
    before = Client().get(f"{PUBLIC}/{platform_id}").json()["licences"]
    assert before["administrative_licences"] is None  # never declared
    assert [row["kind"] for row in before["missing"]] == ["value_added_telecom"]  # every platform needs one

    response = put(city.console, "ludao-bike", [TELECOM, ROAD])
    assert response.status_code == 200, response.content
    assert {row["number"] for row in city.console.get("/api/v1/p/ludao-bike/licences").json()} == {
        TELECOM["number"], ROAD["number"]}
    city.sync()
    shown = Client().get(f"{PUBLIC}/{platform_id}").json()["licences"]
    by_kind = {row["kind"]: row for row in shown["administrative_licences"]}
    assert by_kind["value_added_telecom"]["expired"] is True
    assert by_kind["value_added_telecom"]["name"] == "增值电信业务经营许可证"
    assert "《中华人民共和国电信条例》第七条" in by_kind["value_added_telecom"]["legal_basis"]
    assert by_kind["other"] == {**ROAD, "expired": False, "legal_basis": ""}
    # The only telecom licence has expired: still missing.
    assert [row["kind"] for row in shown["missing"]] == ["value_added_telecom"]
    listed = Client().get(PUBLIC, {"city": "350200"}).json()["results"]
    [entry] = [row for row in listed if row["platform_id"] == platform_id]
    assert [row["kind"] for row in entry["licences"]["missing"]] == ["value_added_telecom"]

    # The operator adds the renewed licence in the console: the whole set goes again.
    page = city.console.post("/p/ludao-bike/operator/licences/", {
        "kind": "value_added_telecom", "number": "闽B2-20240007", "issued_by": "福建省通信管理局",
        "valid_from": "2024-03-01", "valid_until": "2029-03-01"})
    assert page.status_code == 302, page.content
    city.sync()
    shown = Client().get(f"{PUBLIC}/{platform_id}").json()["licences"]
    assert len(shown["administrative_licences"]) == 3 and shown["missing"] == []
    html = Client(headers={"accept-language": "en"}).get(f"/directory/{platform_id}/").text
    assert "闽B2-20240007" in html and "Expired" in html and "增值电信业务经营许可证" in html
    zh = Client(headers={"accept-language": "zh-hans"}).get(f"/directory/{platform_id}/").text
    assert "已过期" in zh

    # The open-data platform directory carries the same.
    from sharecity.hub.opendata.builders import platform_directory
    from sharecity.hub.opendata.catalog import BuildContext

    [row] = [r for r in platform_directory(BuildContext(today=dt.date(2026, 12, 7))).rows
             if r["platform_id"] == platform_id]
    assert row["licences_declared"] is True and "闽B2-20240007" in row["licences"]
    assert row["licences_expired"] == TELECOM["number"] and row["licences_missing"] == ""

    # Removing the expired one: a third declaration; the history keeps all three.
    expired = PlatformLicence.objects.get(platform=city.bikes, number=TELECOM["number"])
    assert city.console.post(f"/p/ludao-bike/operator/licences/{expired.pk}/remove/").status_code == 302
    city.sync()
    shown = Client().get(f"{PUBLIC}/{platform_id}").json()["licences"]
    assert {row["number"] for row in shown["administrative_licences"]} == {"闽B2-20240007", ROAD["number"]}
    assert LicenceDeclaration.objects.filter(platform_id=platform_id).count() == 3

    # An empty set declares none: shown as an empty list, not as "never declared".
    assert put(city.console, "ludao-bike", []).status_code == 200
    city.sync()
    shown = Client().get(f"{PUBLIC}/{platform_id}").json()["licences"]
    assert shown["administrative_licences"] == [] and len(shown["missing"]) == 1


def test_the_console_page_refuses_bad_input_and_other_platforms_staff(city):
    page = city.console.get("/p/ludao-bike/operator/licences/")
    assert page.status_code == 200 and "增值电信业务经营许可证" in page.text
    bad = city.console.post("/p/ludao-bike/operator/licences/", {
        "kind": "other", "number": "X-1", "issued_by": "某局", "valid_from": "2020-01-01"})
    assert bad.status_code == 400 and not PlatformLicence.objects.exists()  # kind other needs a name
    later = city.console.post("/p/ludao-bike/operator/licences/", {
        "kind": "value_added_telecom", "number": "X-1", "issued_by": "某局", "valid_from": "2020-01-01",
        "valid_until": "2019-01-01"})
    assert later.status_code == 400 and not PlatformLicence.objects.exists()
    assert city.other_console.get("/p/ludao-bike/operator/licences/").status_code == 403
    assert city.other_console.post("/p/ludao-bike/operator/licences/", {
        "kind": "value_added_telecom", "number": "X-1", "issued_by": "某局", "valid_from": "2020-01-01"}
    ).status_code == 403
    assert Client().get("/p/ludao-bike/operator/licences/").status_code == 302  # to the login page


@pytest.mark.parametrize(("licences", "status", "field"), [
    ([{**TELECOM, "number": "9" * 65}], 422, "number"),
    ([{**TELECOM, "number": "A\x00B"}], 400, "number"),
    ([{**TELECOM, "issued_by": "局\u2028"}], 400, "issued_by"),
    ([{**TELECOM, "number": 12345}], 422, "number"),
    ([{**TELECOM, "kind": "fishing"}], 422, "kind"),
    ([{**TELECOM, "valid_from": "yesterday"}], 422, "valid_from"),
    ([{**TELECOM, "valid_from": "2999-01-01", "valid_until": None}], 400, "licences.0.valid_from"),
    ([{**TELECOM, "valid_until": "2018-01-01"}], 400, "licences.0.valid_until"),
    ([{**ROAD, "name": None}], 400, "licences.0.name"),
    ([TELECOM, TELECOM], 400, "licences"),
    ([{**TELECOM, "number": f"N-{n}"} for n in range(21)], 422, "licences"),
    ([{**TELECOM, "colour": "red"}], 422, "colour"),
    ("all of them", 422, "licences"),
])
def test_hostile_licence_declarations_get_a_4xx_naming_the_field(city, licences, status, field):
    response = put(city.console, "ludao-bike", licences)
    assert response.status_code == status, response.content
    assert field in response.json()["field"]
    assert not PlatformLicence.objects.exists()


def test_another_tenants_staff_and_strangers_cannot_read_or_replace_the_licences(city):
    assert put(city.other_console, "ludao-bike", [TELECOM]).status_code == 403
    assert city.other_console.get("/api/v1/p/ludao-bike/licences").status_code == 403
    stranger = Client()
    stranger.force_login(factories.make_user("stranger"))
    assert put(stranger, "ludao-bike", [TELECOM]).status_code == 403
    assert Client().put("/api/v1/p/ludao-bike/licences", {"licences": []},
                        content_type="application/json").status_code == 401
    assert not PlatformLicence.objects.exists()


def test_a_late_declaration_is_kept_as_history_without_replacing_the_current_set():
    RegisteredPlatform.objects.create(platform_id="xm-ride", name="鹭岛约车", sectors=["ride_hailing"],
                                      credit_code=factories.credit_code(division="350203"), public_key="k" * 64)
    newer = payload_validate("platform.licences_declared", 1, {
        "declared_at": "2026-11-02T10:00:00+08:00", "licences": [TELECOM | {"valid_until": "2030-01-01"}]})
    older = payload_validate("platform.licences_declared", 1, {"declared_at": "2026-11-01T10:00:00+08:00",
                                                               "licences": [ROAD | {"valid_until": None}]})
    for payload in (newer, older):
        licences_declared(envelope=SimpleNamespace(platform_id="xm-ride", message_id=uuid4()), payload=payload)
    from sharecity.hub.registry.selectors import current_licences

    assert [row.number for row in current_licences(platform_ids=["xm-ride"])["xm-ride"]] == [TELECOM["number"]]
    assert LicenceDeclaration.objects.filter(platform_id="xm-ride").count() == 2


def test_which_licences_a_sector_requires_follows_the_dated_table():
    # 网约车暂行办法 (交通运输部令2016年第60号) took effect on 2016-11-01.
    assert [k.code for k in required_kinds(["ride_hailing"], on=dt.date(2016, 10, 31))] == ["value_added_telecom"]
    assert [k.code for k in required_kinds(["ride_hailing"], on=dt.date(2016, 11, 1))] == [
        "value_added_telecom", "ride_hailing_operation"]
    assert [k.code for k in required_kinds(["parking"], on=dt.date(2026, 12, 1))] == ["value_added_telecom"]
    # 《电信条例》 (国务院令第291号) dates from 2000-09-25.
    assert required_kinds(["parking"], on=dt.date(2000, 9, 24)) == []
    # The exchange accepts exactly the kinds of the table, and other.
    from sharecity.exchange.schemas import LicenceKindCode

    assert set(LicenceKindCode.__args__) == set(KIND_CODES)


def test_the_directory_shows_the_latest_published_evaluation_with_its_rank(city):
    operator_add(actor=None, platform=city.bikes, user=city.operator)
    assert city.post(city.console, "ludao-bike", report()).status_code == 201
    assert city.post(city.other_console, "haixi-bike",
                     report(vehicles_deployed=500, vehicles_good=300, parking_compliant=80)).status_code == 201
    city.sync()
    jurisdiction = jurisdiction_for(city.officer)
    quota.evaluation_compute(actor=city.officer, jurisdiction=jurisdiction, city_code="350200", year=2025,
                             quarter=3)
    run = quota.allocation_run(actor=city.officer, jurisdiction=jurisdiction, city_code="350200", year=2025,
                               quarter=3, method="rank-shares",
                               options={"total": "1000", "reserve_new": "0", "shares": "0.6,0.4", "pass_mark": "0"})
    # Not published yet: the evaluation is the regulator's draft.
    assert Client().get(f"{PUBLIC}/{city.other.exchange_id}").json()["evaluations"] == []
    quota.allocation_publish(actor=city.officer, jurisdiction=jurisdiction, run_id=run.pk)
    shown = Client().get(f"{PUBLIC}/{city.other.exchange_id}").json()["evaluations"]
    assert [(e["city_code"], e["year"], e["quarter"], e["rank"], e["ranked"]) for e in shown] == [
        ("350200", 2025, 3, 2, 2)]
    best = Client().get(PUBLIC, {"city": "350200"}).json()["results"]
    [ours] = [row for row in best if row["platform_id"] == city.bikes.exchange_id]
    assert ours["evaluations"][0]["rank"] == 1 and float(ours["evaluations"][0]["score"]) > float(shown[0]["score"])
    html = Client(headers={"accept-language": "en"}).get(f"/directory/{city.other.exchange_id}/").text
    assert "2025 Q3" in html and "ranked 2 of 2" in html
