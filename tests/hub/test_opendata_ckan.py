"""The open data portal read by the real ``ckanapi`` client (RemoteCKAN against the live test server):
package_list, package_search with q, fq and facets, package_show, organisations, groups, tags, resources and
datastore_search with filters, over datasets the refresh built from a city's facts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sharecity.hub.opendata.services import datasets_refresh
from tests.hub.jurisdiction_world import build_world
from tests.seeds import migration_seeds_restore

DATASETS = [
    "complaint-platform-responses",
    "complaint-statistics",
    "credit-lists",
    "credit-penalties",
    "inspection-plans",
    "inspection-results",
    "monthly-statistics",
    "platform-directory",
    "quota-allocations",
]


def platform_penalty(place):
    """A penalty against the place's platform (an enterprise: shown publicly by name and credit code)."""
    from sharecity.hub.publicity.services import penalty_record
    from sharecity.hub.registry.models import RegisteredPlatform

    code = RegisteredPlatform.objects.get(platform_id=place.platform_id).credit_code
    today = timezone.now().date()
    return penalty_record(
        actor=place.officer,
        subject_kind="enterprise",
        subject_identifier=code,
        subject_name=place.name,
        decision_number=f"罚-{place.key}-平台-1",
        facts="未公示收费规则",
        law="《电子商务法》",
        article="第十五条",
        severity="ordinary",
        decided_on=today - dt.timedelta(days=2),
        district_code=place.district,
    )


@pytest.fixture
def portal(live_server):
    import ckanapi

    migration_seeds_restore()
    world = build_world()
    siming = world["siming"]
    platform_penalty(siming)
    datasets_refresh()
    with ckanapi.RemoteCKAN(live_server.url + "/opendata", user_agent="sharecity-tests/1") as ckan:
        yield ckan, world


@pytest.mark.django_db(transaction=True)
def test_ckanapi_lists_searches_shows_and_reads_the_datastore(portal):
    import ckanapi

    ckan, world = portal
    assert ckan.action.package_list() == DATASETS

    # q: free text over titles, notes and tags, in Chinese or English.
    found = ckan.action.package_search(q="行政处罚")
    assert [p["name"] for p in found["results"]] == ["credit-penalties"]
    found = ckan.action.package_search(q="random inspection")
    assert {p["name"] for p in found["results"]} == {"inspection-plans", "inspection-results"}
    assert found["count"] == 2
    # fq and facets
    found = ckan.action.package_search(
        fq="organization:market-supervision res_format:CSV",
        **{"facet.field": ["organization", "groups", "res_format"]},
        rows=2,
    )
    assert found["count"] == 4 and len(found["results"]) == 2
    facet = {item["name"]: item["count"] for item in found["search_facets"]["organization"]["items"]}
    assert facet == {"market-supervision": 4}
    assert {item["name"] for item in found["search_facets"]["res_format"]["items"]} == {"CSV", "JSON", "XLSX"}
    found = ckan.action.package_search(fq='tags:"双随机一公开" groups:supervision', sort="name desc")
    assert [p["name"] for p in found["results"]] == ["inspection-results", "inspection-plans"]

    package = ckan.action.package_show(id="platform-directory")
    assert package["organization"]["name"] == "market-supervision"
    assert package["license_id"] == "cc-by-4.0" and package["version"] == "1"
    assert package["metadata_modified"]
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["frequency"] == "daily" and set(extras["spatial"].split(",")) == {"350200", "120100"}
    assert {r["format"] for r in package["resources"]} >= {"CSV", "JSON", "XLSX"}

    assert "market-supervision" in ckan.action.organization_list()
    orgs = ckan.action.organization_list(all_fields=True)
    assert {o["name"]: o["package_count"] for o in orgs}["development-reform"] == 2
    assert ckan.action.organization_show(id="statistics")["title"]
    assert "credit" in ckan.action.group_list()
    assert "双随机一公开" in ckan.action.tag_list()
    resource = ckan.action.resource_show(id="platform-directory.csv")
    assert resource["datastore_active"] and resource["url"].endswith("platform-directory.csv")

    # datastore_search with filters: the directory row of Tianjin's platform only.
    heping = world["heping"]
    result = ckan.action.datastore_search(resource_id="platform-directory.csv", filters={"city_code": "120100"})
    assert result["total"] == 1
    assert [r["name"] for r in result["records"]] == [heping.name]
    types = {f["id"]: f["type"] for f in result["fields"]}
    assert types["negative_list"] == "bool" and types["registered_on"] == "date" and types["_id"] == "int"
    result = ckan.action.datastore_search(
        resource_id="platform-directory.csv", q="鹭江", fields=["name", "city_code"], sort="name asc", limit=5
    )
    assert [r["name"] for r in result["records"]] == [world["siming"].name]
    assert set(result["records"][0]) == {"_id", "name", "city_code"}
    penalties = ckan.action.datastore_search(resource_id="credit-penalties.csv", filters={"city_code": "350200"})
    # The platform's penalty is public; the persons' penalties of the same city are not in the dataset.
    assert [r["decision_number"] for r in penalties["records"]] == ["罚-siming-平台-1"]
    assert penalties["records"][0]["subject"] == world["siming"].name

    # The same through GET requests (query strings), as CKAN accepts both.
    import json

    reader = ckanapi.RemoteCKAN(ckan.address, get_only=True)
    found = reader.action.package_search(fq="groups:credit", **{"facet.field": ["organization", "tags"]})
    assert found["count"] == 2 and set(found["search_facets"]) == {"organization", "tags"}
    result = reader.action.datastore_search(resource_id="platform-directory.json",
                                            filters=json.dumps({"city_code": "120100"}))
    assert [r["name"] for r in result["records"]] == [heping.name]

    # Errors arrive as ckanapi's exceptions (CKAN's status codes).
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.datastore_search(resource_id="platform-directory.csv", limit=10**6)
    with pytest.raises(ckanapi.NotFound):
        ckan.action.datastore_search(resource_id="platform-directory.datapackage")


@pytest.mark.django_db(transaction=True)
def test_ckanapi_reads_an_older_version_and_the_complaint_figures(portal):
    from sharecity.hub.opendata.selectors import version_get
    from tests.hub.slice import run_slice
    from tests.hub.test_opendata_portal import pump

    ckan, world = portal
    run_slice(district="350211", name="集美新来的停车平台")  # a platform registers after the first release
    pump()
    datasets_refresh(now=timezone.now() + dt.timedelta(days=40))
    assert ckan.action.package_show(id="platform-directory")["version"] == "2"
    newest = ckan.action.datastore_search(resource_id="platform-directory.csv", sort="name asc")
    first = ckan.action.datastore_search(resource_id="platform-directory.csv", sort="name asc", version=1)
    assert (first["version"], first["total"], newest["version"], newest["total"]) == (1, 3, 2, 4)
    assert "集美新来的停车平台" not in {r["name"] for r in first["records"]}
    assert version_get("platform-directory", 1).rows == [
        {k: v for k, v in r.items() if k != "_id"} for r in sorted(
            first["records"], key=lambda r: r["_id"])]
    complaints = ckan.action.datastore_search(resource_id="complaint-statistics.json")
    assert complaints["total"] >= 3
    assert {r["platform"] for r in complaints["records"]} >= {p.name for p in world.places.values()}
    assert all(r["filed"] >= 1 and 0 <= r["answered_share"] <= 1 for r in complaints["records"])
