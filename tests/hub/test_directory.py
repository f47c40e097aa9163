"""The public platform directory (/directory/, /api/v1/public/platforms): what a person without an account
sees of the platforms operating in a city, filtered by city and sector, and what hostile input gets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sharecity.hub.credit.services import credit_record_add, credit_subject_ensure
from sharecity.hub.evaluation.services import designation_add
from tests.hub.evaluation_support import officer, platform

pytestmark = pytest.mark.django_db
API = "/api/v1/public/platforms"


@pytest.fixture
def city():
    xiamen = platform("xm-bikes", "鹭岛单车", division="350203", sectors=["bike_sharing", "parking"])
    tianjin = platform("tj-home", "津门家政", division="120101", sectors=["housekeeping"])
    beijing = platform("bj-far", "京城远方", division="110101", sectors=["parking"])  # operates in neither city
    subject = credit_subject_ensure(kind="enterprise", identifier=tianjin.credit_code, name=tianjin.name,
                                    platform_id=tianjin.platform_id)
    credit_record_add(subject=subject, kind="penalty", title="未公示服务收费标准", decided_on=dt.date(2026, 11, 2),
                      source_type="test", source_id="pen-1", polarity=-1, severity="ordinary",
                      legal_basis="《价格法》第十三条", decided_by="天津市市场监督管理局", public=True)
    credit_record_add(subject=subject, kind="penalty", title="内部核查记录", decided_on=dt.date(2026, 11, 3),
                      source_type="test", source_id="pen-2", public=False)
    commerce, _client = officer("tj-commerce")
    designation_add(actor=commerce, platform_id=tianjin.platform_id, kind="regional_hq",
                    decision_reference="津商务〔2026〕12号", evidence="总部认定", recognised_on=dt.date(2026, 10, 1))
    return xiamen, tianjin, beijing


def test_the_directory_lists_platforms_operating_in_each_city_with_credit_and_recognition(city):
    xiamen, _tianjin, beijing = city
    client = Client()
    body = client.get(API).json()
    assert {row["platform_id"] for row in body["results"]} == {"tj-home", "xm-bikes"}
    assert body["count"] == 2  # the Beijing platform operates in no city the hub serves
    only_xiamen = client.get(API, {"city": "350200"}).json()["results"]
    assert [row["name"] for row in only_xiamen] == ["鹭岛单车"]
    assert only_xiamen[0]["cities"] == ["350200"] and only_xiamen[0]["registered_city"] == "350200"
    assert only_xiamen[0]["credit_grade"] is None  # the city keeps no credit file on it yet
    licences = only_xiamen[0]["licences"]
    assert (licences["business_licence"], licences["administrative_licences"]) == (xiamen.credit_code, None)
    assert [row["kind"] for row in licences["missing"]] == ["value_added_telecom"]  # never declared
    housekeeping = client.get(API, {"sector": "housekeeping"}).json()["results"]
    assert [row["platform_id"] for row in housekeeping] == ["tj-home"]
    assert housekeeping[0]["credit_grade"] in ("A", "B", "C", "D")
    assert housekeeping[0]["designations"][0]["decision_reference"] == "津商务〔2026〕12号"
    assert client.get(API, {"q": xiamen.credit_code}).json()["count"] == 1
    assert client.get(API, {"city": "350200", "sector": "housekeeping"}).json()["count"] == 0

    detail = client.get(f"{API}/tj-home").json()
    assert [r["title"] for r in detail["public_records"]] == ["未公示服务收费标准"]  # not the non-public one
    assert detail["public_records"][0]["legal_basis"] == "《价格法》第十三条"
    assert client.get(f"{API}/{beijing.platform_id}").status_code == 404


@pytest.mark.parametrize(("query", "status", "field"), [
    ({"q": "鹭" * 61}, 422, "q"),
    ({"q": "a\x00b"}, 400, "q"),
    ({"q": "a\u2028b"}, 400, "q"),
    ({"city": "abc"}, 422, "city"),
    ({"city": "3502001"}, 422, "city"),
    ({"city": "999999"}, 400, "city"),
    ({"sector": "Bad Sector"}, 422, "sector"),
    ({"page": "two"}, 422, "page"),
    ({"page": "0"}, 422, "page"),
    ({"page": str(10**30)}, 422, "page"),
])
def test_hostile_directory_queries_get_a_4xx_naming_the_field(city, query, status, field):
    response = Client().get(API, query)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field


@pytest.mark.parametrize(("platform_id", "status"), [
    ("no-such-platform", 404), ("x" * 65, 422), ("bad id!", 422), ("-leading", 422),
])
def test_unknown_or_malformed_platform_ids(city, platform_id, status):
    response = Client().get(f"{API}/{platform_id}")
    assert response.status_code == status
    assert response.json()["field"] == "platform_id"


def test_the_directory_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert f"{API}" in paths and f"{API}/{{platform_id}}" in paths
    assert "security" not in paths[API]["get"] or not paths[API]["get"]["security"]


def test_the_directory_pages_in_both_languages(city):
    zh = Client(headers={"accept-language": "zh-hans"})
    page = zh.get("/directory/", {"city": "120100"}).content.decode()
    assert "平台名录" in page and "津门家政" in page and "鹭岛单车" not in page
    detail = zh.get("/directory/tj-home/").content.decode()
    assert "未公示服务收费标准" in detail and "内部核查记录" not in detail and "区域性总部" in detail
    assert zh.get("/directory/bj-far/").status_code == 404
    assert zh.get("/directory/", {"city": "\x00", "q": "x" * 500, "sector": "<script>"}).status_code == 200
    en = Client(headers={"accept-language": "en"})
    page = en.get("/directory/").content.decode()
    assert "Platform directory" in page and "E-Commerce Law" in en.get("/directory/xm-bikes/").content.decode()


def test_the_home_page_links_the_public_services_that_exist(city):
    page = Client(headers={"accept-language": "en"}).get("/").content.decode()
    for path in ("/directory/", "/credit/", "/inspection/results/", "/credit/repair/"):
        assert f'href="{path}"' in page
    from django.urls import NoReverseMatch, reverse

    from sharecity.web.public_pages import PUBLIC_PAGES

    for entry in PUBLIC_PAGES:  # a slot whose page is not merged yet is not shown as a dead link
        try:
            reverse(entry.url_name)
        except NoReverseMatch:
            assert f'data-testid="city-{entry.testid}"' not in page
