"""The credit API: scoped, explained, the scorecard read and replaced by city-level officers, the public
lookup masked; hostile input gets a 4xx naming the field."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.credit.models import CreditSubject, ScorecardVersion
from sharecity.hub.credit.scoring import DEFAULT_TREE
from tests.factories import make_user
from tests.hub.credit_support import provider_key, slice_with_credit_facts
from tests.hub.test_credit_files import officer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/hub/credit"


@pytest.fixture
def files():
    the_slice, _ = slice_with_credit_facts(district="350203", name="鹭岛共享停车")
    return (CreditSubject.objects.get(identifier=provider_key(the_slice)),
            CreditSubject.objects.get(kind="enterprise", platform_id=the_slice.platform_id))


def put(client, data):
    return client.put(f"{BASE}/scorecard", data=json.dumps(data) if not isinstance(data, str) else data,
                      content_type="application/json")


def test_subjects_list_and_detail_with_explanation(client, files):
    provider, enterprise = files
    client.force_login(officer(district_code="350203"))
    body = client.get(f"{BASE}/subjects").json()
    ids = {row["id"] for row in body["results"]}
    assert {provider.pk, enterprise.pk} <= ids
    row = next(r for r in body["results"] if r["id"] == provider.pk)
    assert row["identifier"] != provider.identifier and "****" in row["identifier"]
    detail = client.get(f"{BASE}/subjects/{provider.pk}").json()
    assert detail["grade"] in "ABCD" and len(detail["indicators"]) == 5
    lines = {line["rule"] for i in detail["indicators"] for line in i["lines"]}
    assert "complaint_upheld" in lines
    complaint = next(r for r in detail["records"] if r["kind"] == "complaint")
    assert [feed["points"] for feed in complaint["counts_as"]] == [-10, -5]


@pytest.mark.parametrize("where", [{"district_code": "350206"}, {"city_code": "120100"}])
def test_other_district_and_city_get_nothing_and_404(client, files, where):
    provider, _ = files
    client.force_login(officer(**where))
    assert provider.pk not in {r["id"] for r in client.get(f"{BASE}/subjects").json()["results"]}
    response = client.get(f"{BASE}/subjects/{provider.pk}")
    assert response.status_code == 404 and response.json()["field"] == "subject_id"


def test_anonymous_and_non_regulators(client, files):
    provider, _ = files
    assert client.get(f"{BASE}/subjects").status_code == 401
    assert put(client, {"tree": {}, "effective_from": "2030-01-01"}).status_code in (401, 403)
    client.force_login(make_user())
    assert client.get(f"{BASE}/subjects/{provider.pk}").status_code == 403
    assert client.get(f"{BASE}/scorecard").status_code == 403


@pytest.mark.parametrize("query, field", [
    ({"q": "x" * 500}, "q"), ({"q": "a\x00"}, "q"), ({"kind": "alien"}, "kind"), ({"grade": "Z"}, "grade"),
    ({"district": "abc"}, "district"), ({"page": "0"}, "page"), ({"page": "x"}, "page"), ({"page": "9" * 40}, "page"),
])
def test_hostile_list_queries(client, files, query, field):
    client.force_login(officer(city_code="350200"))
    response = client.get(f"{BASE}/subjects", query)
    assert response.status_code in (400, 422), response.content
    assert response.json()["field"] == field


@pytest.mark.parametrize("subject_id", ["abc", "-1", "9" * 30, "0"])
def test_hostile_subject_ids(client, files, subject_id):
    client.force_login(officer(city_code="350200"))
    assert client.get(f"{BASE}/subjects/{subject_id}").status_code in (404, 422)


def test_scorecard_get_and_put_changes_grades_and_is_audited(client, files):
    provider, _ = files
    client.force_login(officer(city_code="350200"))
    current = client.get(f"{BASE}/scorecard").json()
    assert current["version"]["id"] is None and current["tree"]["indicators"][0]["name_zh"] == "遵纪守法"
    tree = copy.deepcopy(DEFAULT_TREE)
    tree["grades"] = [{"grade": "A", "min": 99}, {"grade": "B", "min": 98}, {"grade": "C", "min": 97},
                      {"grade": "D", "min": 0}]
    audits = AuditEntry.objects.count()
    response = put(client, {"tree": tree, "effective_from": dt.date.today().isoformat(), "note": "收紧"})
    assert response.status_code == 200, response.content
    assert response.json()["version"]["id"] == ScorecardVersion.objects.get().pk
    assert AuditEntry.objects.count() == audits + 1
    assert client.get(f"{BASE}/subjects/{provider.pk}").json()["grade"] == "D"


@pytest.mark.parametrize("body, field", [
    ({"tree": {"indicators": "x"}, "effective_from": "2099-01-01"}, "indicators"),
    ({"tree": DEFAULT_TREE, "effective_from": "2000-01-01"}, "effective_from"),
    ({"tree": DEFAULT_TREE, "effective_from": "not a date"}, "effective_from"),
    ({"tree": DEFAULT_TREE, "effective_from": "2099-01-01", "note": "n" * 400}, "note"),
    ({"tree": [], "effective_from": "2099-01-01"}, "tree"),
    ({"effective_from": "2099-01-01"}, "tree"),
])
def test_hostile_scorecard_bodies(client, files, body, field):
    client.force_login(officer(city_code="350200"))
    response = put(client, body)
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["field"] == field
    assert not ScorecardVersion.objects.exists()


def test_scorecard_put_refused_to_district_officers_and_not_json(client, files):
    client.force_login(officer(district_code="350203"))
    assert put(client, {"tree": DEFAULT_TREE, "effective_from": "2099-01-01"}).status_code == 403
    client.force_login(officer(city_code="350200"))
    assert put(client, "{not json").status_code in (400, 422)
    deep = {"tree": {"indicators": [{"code": "a" * 5000}]}, "effective_from": "2099-01-01"}
    response = put(client, deep)
    assert response.status_code == 400 and response.json()["field"] == "indicators.0.code"


def test_public_credit_lookup_masks_and_validates(client, files):
    provider, enterprise = files
    body = client.get("/api/v1/public/credit", {"q": "鹭岛"}).json()
    assert body and body[0]["identifier"] == enterprise.identifier and body[0]["lists"] == []
    by_key = client.get("/api/v1/public/credit", {"q": provider.identifier}).json()
    assert by_key and by_key[0]["identifier"] != provider.identifier
    for q in ("", "x" * 100, "a\x00"):
        response = client.get("/api/v1/public/credit", {"q": q})
        assert response.status_code in (400, 422) and response.json()["field"] == "q"


def test_a_district_officer_sees_another_districts_records_on_a_platform_file_only_as_numbers(client, files):
    from tests.hub.credit_support import send
    from tests.hub.slice import listing_payload

    _provider, enterprise = files
    # The platform is active in Huli too, so Huli's officer sees its file.
    send(enterprise.platform_id, "listing.published", listing_payload(district="350206"))
    client.force_login(officer(district_code="350206"))
    detail = client.get(f"{BASE}/subjects/{enterprise.pk}").json()
    safety = next(r for r in detail["records"] if r["kind"] == "safety")
    assert safety["other_district"] is True and safety["title"] == "" and safety["detail"] == {}
    assert safety["counts_as"]  # it still counts, and says how
    client.force_login(officer(district_code="350203"))
    safety = next(r for r in client.get(f"{BASE}/subjects/{enterprise.pk}").json()["records"] if r["kind"] == "safety")
    assert safety["other_district"] is False and safety["title"]


def test_a_past_grade_is_explained_by_the_version_then_in_force(client, files):
    provider, _ = files
    client.force_login(officer(city_code="350200"))
    tree = copy.deepcopy(DEFAULT_TREE)
    tree["indicators"][1]["rules"][0]["points"] = -50  # complaint upheld weighs more from today
    assert put(client, {"tree": tree, "effective_from": dt.date.today().isoformat()}).status_code == 200
    now = client.get(f"{BASE}/subjects/{provider.pk}").json()
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    before = client.get(f"{BASE}/subjects/{provider.pk}", {"as_of": yesterday}).json()
    assert now["version"]["id"] is not None and before["version"]["id"] is None
    # Yesterday nothing had been decided yet (the slice's facts are dated today), so nothing counted.
    assert all(record["excluded"] == "after" for record in before["records"])
    line = next(line for i in now["indicators"] for line in i["lines"] if line["rule"] == "complaint_upheld")
    assert line["points_each"] == -50


@pytest.mark.parametrize("as_of", ["abc", "1900-01-01", "2999-01-01", "2026-02-30"])
def test_hostile_as_of(client, files, as_of):
    provider, _ = files
    client.force_login(officer(city_code="350200"))
    response = client.get(f"{BASE}/subjects/{provider.pk}", {"as_of": as_of})
    assert response.status_code in (400, 422) and response.json()["field"] == "as_of"
