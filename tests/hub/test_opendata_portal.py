"""The open data portal without a browser: hostile input gets CKAN's 4xx (never a 5xx), every dataset's
Frictionless descriptor and CSV validate with ``frictionless``, refreshes keep immutable versions (older
ones downloadable), and the disclosure control keeps a one-person cell from being read or differenced."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.opendata import exports
from sharecity.hub.opendata.catalog import REGISTRY
from sharecity.hub.opendata.models import DatasetVersion, DisclosureRule
from sharecity.hub.opendata.privacy import release_cells
from sharecity.hub.opendata.selectors import version_get
from sharecity.hub.opendata.services import datasets_refresh
from sharecity.kernel.timeutil import CITY_TZ
from tests.hub.slice import run_slice

pytestmark = pytest.mark.django_db
ACTION = "/opendata/api/3/action/"


def pump() -> None:
    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def next_month(now: dt.datetime | None = None) -> dt.datetime:
    """A moment in the next month (city time): this month has closed by then."""
    today = (now or timezone.now()).astimezone(CITY_TZ)
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=2, hour=12)
    return first


def call(client: Client, action: str, *, get: dict | None = None, post=None, raw: bytes | None = None):
    if raw is not None:
        return client.post(ACTION + action, data=raw, content_type="application/json")
    if post is not None:
        return client.post(ACTION + action, data=json.dumps(post), content_type="application/json")
    return client.get(ACTION + action, get or {})


# ---- hostile input ------------------------------------------------------------------------------------------

HOSTILE = [
    # (action, how, params, status, error type, field)
    ("package_show", "post", {"id": 123}, 409, "Validation Error", "id"),
    ("package_show", "get", {"id": "platform\x00directory"}, 409, "Validation Error", "id"),
    ("package_show", "get", {"id": "x" * 5000}, 409, "Validation Error", "id"),
    ("package_show", "get", {}, 409, "Validation Error", "id"),
    ("package_show", "get", {"id": "no-such"}, 404, "Not Found Error", None),
    ("package_show", "post", {"id": ["platform-directory"]}, 409, "Validation Error", "id"),
    ("package_search", "get", {"rows": "100000"}, 409, "Validation Error", "rows"),
    ("package_search", "get", {"rows": "ten"}, 409, "Validation Error", "rows"),
    ("package_search", "post", {"rows": True}, 409, "Validation Error", "rows"),
    ("package_search", "get", {"start": "-1"}, 409, "Validation Error", "start"),
    ("package_search", "get", {"fq": "secret:1"}, 409, "Validation Error", "fq"),
    ("package_search", "get", {"fq": "organization:x OR 1=1"}, 409, "Validation Error", "fq"),
    ("package_search", "get", {"facet.field": '["password"]'}, 409, "Validation Error", "facet.field"),
    ("package_search", "get", {"facet.field": '["organization"'}, 409, "Validation Error", "facet.field"),
    ("package_search", "get", {"sort": "name sideways"}, 409, "Validation Error", "sort"),
    ("package_search", "post", {"q": {"$gt": ""}}, 409, "Validation Error", "q"),
    ("organization_show", "get", {"id": "nobody"}, 404, "Not Found Error", None),
    ("organization_list", "get", {"all_fields": "maybe"}, 409, "Validation Error", "all_fields"),
    ("resource_show", "get", {"id": "platform-directory.exe"}, 404, "Not Found Error", None),
    ("datastore_search", "get", {"resource_id": "platform-directory.csv", "limit": "1000000000"}, 409,
     "Validation Error", "limit"),
    ("datastore_search", "get", {"resource_id": "platform-directory.csv", "offset": "-5"}, 409,
     "Validation Error", "offset"),
    ("datastore_search", "get", {"resource_id": "platform-directory.csv", "filters": "{not json"}, 409,
     "Validation Error", "filters"),
    ("datastore_search", "get", {"resource_id": "platform-directory.csv", "filters": "[1, 2]"}, 409,
     "Validation Error", "filters"),
    ("datastore_search", "post", {"resource_id": "platform-directory.csv", "filters": {"password": "x"}}, 409,
     "Validation Error", "filters"),
    ("datastore_search", "post", {"resource_id": "platform-directory.csv", "filters": {"name": {"$ne": 1}}}, 409,
     "Validation Error", "filters"),
    ("datastore_search", "get", {"resource_id": "platform-directory.csv", "sort": "name; DROP TABLE x"}, 409,
     "Validation Error", "sort"),
    ("datastore_search", "get", {"resource_id": "platform-directory.csv", "fields": "name,secret"}, 409,
     "Validation Error", "fields"),
    ("datastore_search", "get", {"resource_id": "platform-directory.csv", "version": "99"}, 404,
     "Not Found Error", None),
    ("datastore_search", "get", {"resource_id": "someone-elses.csv"}, 404, "Not Found Error", None),
    ("datastore_search", "get", {}, 409, "Validation Error", "resource_id"),
    ("datastore_search", "get", {"resource_id": "platform-directory.csv", "filters": "[" * 4000 + "]" * 4000}, 409,
     "Validation Error", "filters"),
]


@pytest.mark.parametrize(("action", "how", "params", "status", "kind", "field"), HOSTILE)
def test_hostile_parameters_get_ckans_error_envelope(client, action, how, params, status, kind, field):
    datasets_refresh()
    response = call(client, action, get=params if how == "get" else None, post=params if how == "post" else None)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False and "result" not in body and body["help"].endswith(f"name={action}")
    assert body["error"]["__type"] == kind and body["error"]["message"]
    if field:
        assert field in body["error"]["message"] and body["error"][field]


def test_broken_bodies_unknown_actions_and_methods_are_refused_cleanly(client):
    datasets_refresh()
    for raw, words in ((b"{not json", "JSON"), (b"[1, 2, 3]", "object"), (b"\xff\xfe", "JSON"),
                       (json.dumps({"id": "x" * 70_000}).encode(), "bytes"), (b"[" * 30_000, "JSON")):
        response = call(client, "package_show", raw=raw)
        assert response.status_code == 400 and words in response.json()["error"]["message"]
    response = call(client, "package_create", post={"name": "mine"})
    assert response.status_code == 400 and "not known" in response.json()["error"]["message"]
    assert client.put(ACTION + "package_list").status_code == 405
    assert client.delete(ACTION + "package_list").status_code == 405
    # the project's API: its own error shape, 404 and 422, never a 5xx
    response = client.get("/api/v1/opendata/datasets/no-such")
    assert response.status_code == 404 and response.json()["field"]
    assert client.get("/api/v1/opendata/datasets/platform-directory/records?limit=99999999").status_code == 422
    assert client.get("/api/v1/opendata/datasets?rows=-1").status_code == 422
    response = client.get("/api/v1/opendata/datasets/platform-directory/records", {"filters": "{"})
    assert response.status_code == 400 and response.json()["field"] == "filters"
    # downloads
    assert client.get("/opendata/dataset/no-such/download/no-such.csv").status_code == 404
    csv = "/opendata/dataset/platform-directory/download/platform-directory.csv"
    assert client.get(csv + "?version=x").status_code == 404
    assert client.get(csv + "?version=9").status_code == 404
    assert client.get("/opendata/dataset/platform-directory/download/other.csv").status_code == 404
    assert client.get("/opendata/dataset/platform-directory/download/platform-directory.exe").status_code == 404


# ---- frictionless ---------------------------------------------------------------------------------------------

def test_every_dataset_package_and_its_csv_validate_with_frictionless(tmp_path: Path, client):
    import frictionless
    from openpyxl import load_workbook

    run_slice(district="350203")
    pump()
    datasets_refresh(now=next_month())
    for name, spec in REGISTRY.items():
        version = version_get(name)
        folder = tmp_path / name
        folder.mkdir()
        (folder / f"{name}.csv").write_bytes(exports.as_csv(version))
        (folder / "datapackage.json").write_text(json.dumps(exports.datapackage(spec, version)), encoding="utf-8")
        report = frictionless.validate(str(folder / "datapackage.json"))
        assert report.valid, (name, report.flatten(["type", "note"]))
        rows = list(frictionless.Resource(str(folder / f"{name}.csv")).read_rows())
        assert len(rows) == version.row_count
        book = load_workbook(io.BytesIO(exports.as_xlsx(version)), read_only=True)
        sheet_rows = list(book.active.iter_rows(values_only=True))
        assert list(sheet_rows[0]) == [f["name"] for f in version.fields] and len(sheet_rows) == version.row_count + 1
    assert version_get("platform-directory").row_count == 1  # the slice's platform
    # served as the descriptor says: the CSV it points at is the version's
    descriptor = client.get("/opendata/dataset/platform-directory/download/datapackage.json").json()
    path = descriptor["resources"][0]["path"]
    assert path.endswith("platform-directory.csv?version=1")
    served = client.get(path.removeprefix("http://testserver"))
    assert served.status_code == 200 and served.content == exports.as_csv(version_get("platform-directory"))


# ---- refresh and versions -----------------------------------------------------------------------------------

def test_a_refresh_keeps_a_new_immutable_version_only_when_rows_change(client):
    from django_tasks_db.models import DBTaskResult

    from sharecity.hub.opendata.tasks import REFRESH_PATH, opendata_refresh, refresh_ensure

    first = run_slice(district="350203", name="鹭岛一号停车")
    pump()
    out = io.StringIO()
    call_command("opendata_refresh", stdout=out)
    assert "platform-directory: v1 (1 rows, new version)" in out.getvalue()
    v1 = version_get("platform-directory")
    out = io.StringIO()
    call_command("opendata_refresh", "--dataset", "platform-directory", stdout=out)
    assert out.getvalue().strip() == "platform-directory: v1 (1 rows, unchanged)"

    run_slice(district="350206", name="湖里二号停车")
    pump()
    refresh_ensure()
    refresh_ensure()
    assert DBTaskResult.objects.filter(task_path=REFRESH_PATH, status="READY").count() == 1
    assert "platform-directory v2" in opendata_refresh.call()
    v2 = version_get("platform-directory")
    assert (v2.version, v2.row_count) == (2, 2) and v2.sha256 != v1.sha256 and v2.created_at > v1.created_at
    assert DatasetVersion.objects.get(pk=v1.pk).rows == v1.rows  # the older version stands as it was

    package = call(client, "package_show", get={"id": "platform-directory"}).json()["result"]
    assert package["version"] == "2"
    assert dt.datetime.fromisoformat(package["metadata_modified"]) == v2.created_at
    assert dt.datetime.fromisoformat(package["metadata_created"]) == v1.created_at
    old = client.get("/opendata/dataset/platform-directory/download/platform-directory.csv?version=1")
    new = client.get("/opendata/dataset/platform-directory/download/platform-directory.csv")
    assert old["X-Dataset-Version"] == "1" and "鹭岛一号停车" in old.content.decode()
    assert "湖里二号停车" not in old.content.decode() and "湖里二号停车" in new.content.decode()
    versions = client.get("/api/v1/opendata/datasets/platform-directory").json()["versions"]
    assert [(v["version"], v["rows"]) for v in versions] == [(2, 2), (1, 1)]
    records = client.get("/api/v1/opendata/datasets/platform-directory/records", {"version": 1}).json()
    assert [r["name"] for r in records["records"]] == [first.platform.name]


# ---- privacy --------------------------------------------------------------------------------------------------

def test_a_one_person_cell_can_be_neither_read_nor_recovered_by_differencing_releases(client):
    """One provider and one customer are the only people in Siming's parking this month. An attacker reads
    the monthly statistics, waits for another release after someone else's activity in the same cell and
    month arrives, and subtracts: every attempt comes back empty."""
    run_slice(district="350203")
    pump()
    closed = next_month()
    datasets_refresh(now=closed)
    month = (closed - dt.timedelta(days=3)).astimezone(CITY_TZ).strftime("%Y-%m")

    def cell(version: int | None = None) -> dict:
        params = {"resource_id": "monthly-statistics.csv", "filters": json.dumps(
            {"month": month, "district_code": "350203", "sector": "parking"})}
        if version:
            params["version"] = str(version)
        result = call(client, "datastore_search", get=params).json()["result"]
        assert result["total"] == 1
        return result["records"][0]

    first = cell()
    assert first["suppressed"] is True
    assert [first[f] for f in ("orders", "completed", "turnover_yuan", "active_providers", "active_customers")] \
        == [None] * 5
    # The dataset publishes no totals from which the cell could be subtracted.
    everything = call(client, "datastore_search", get={"resource_id": "monthly-statistics.csv"}).json()["result"]
    assert all(row["district_code"] and row["sector"] for row in everything["records"])
    package = call(client, "package_show", get={"id": "monthly-statistics"}).json()["result"]
    assert package["privacy"]["threshold"] == 5 and package["privacy"]["epsilon_per_count"] == 1.0

    # More activity in the same cell and month (a second platform, a second provider and customer) arrives.
    run_slice(district="350203")
    pump()
    datasets_refresh(now=closed + dt.timedelta(days=1))
    second = cell()
    assert second == first  # released once: the month's cells are not measured again
    v1 = version_get("monthly-statistics", 1)
    latest = version_get("monthly-statistics")
    assert [r for r in latest.rows if r["month"] == month] == [r for r in v1.rows if r["month"] == month]


def test_released_counts_carry_opendp_noise_measured_once():
    """Above the threshold, counts are released with discrete Laplace noise (OpenDP), and a cell released once
    is never measured again: the same noisy figure comes back however often it is asked for."""
    rule = DisclosureRule.objects.get()
    day = dt.date(2026, 1, 1)
    cells = [(day, f"350203|cell-{i}", {"orders": 100, "turnover_yuan": 12_345},
              {"providers": 10, "customers": 10}) for i in range(200)]
    released = release_cells(dataset="test-noise", cells=cells, noised=("orders",), rule=rule,
                             rounded={"turnover_yuan": 1000})
    orders = [c.values["orders"] for c in released.values()]
    by_key = {key: c.values["orders"] for key, c in released.items()}
    assert all(c.values["turnover_yuan"] == 12_000 for c in released.values())
    exact = sum(1 for value in orders if value == 100)
    # Discrete Laplace of scale 1: P(noise = 0) = tanh(1/2) ≈ 0.46; 200 draws all exact would be ~1e-68.
    assert exact < 150
    assert abs(sum(orders) / len(orders) - 100) < 1
    again = release_cells(dataset="test-noise", cells=cells, noised=("orders",), rule=rule)
    assert {key: c.values["orders"] for key, c in again.items()} == by_key
    small = release_cells(dataset="test-noise", cells=[(day, "350203|lonely", {"orders": 3},
                                                         {"providers": 1, "customers": 4})], noised=("orders",),
                          rule=rule)
    assert small[(day, "350203|lonely")].suppressed and small[(day, "350203|lonely")].values == {"orders": None}


# ---- inspections: only what is published, persons not named ---------------------------------------------------

def test_inspection_datasets_hold_committed_plans_and_published_results_only(client):
    from sharecity.hub.inspection import services
    from sharecity.hub.inspection.models import InspectionTask
    from sharecity.hub.inspection.selectors import today
    from tests.hub import inspection_support as support

    user, _officer_client = support.officer("od-insp", district="350203", department="厦门市思明区市场监督管理局")
    support.inspectors(user, 3)
    for risk in "DDCBBA":
        support.provider("350203", risk)
    drawn = support.drawn_plan(user)
    support.plan(user, title="草稿计划")  # a draft: not public
    first, second = InspectionTask.objects.filter(plan=drawn).order_by("rank")[:2]
    for task in (first, second):
        services.task_result_record(actor=user, task_id=task.pk, inspected_on=today(), items_checked=task.item_codes,
                                    findings="未公示价格", violation_found=True)
    services.task_publish(actor=user, task_id=first.pk)
    datasets_refresh()

    plans = call(client, "datastore_search", get={"resource_id": "inspection-plans.csv"}).json()["result"]
    assert [(r["plan_id"], r["state"]) for r in plans["records"]] == [(drawn.pk, "revealed")]
    assert plans["records"][0]["seed"] == drawn.seed and len(plans["records"][0]["seed_commitment"]) == 64
    results = call(client, "datastore_search", get={"resource_id": "inspection-results.csv"}).json()["result"]
    assert [r["result_id"] for r in results["records"]] == [first.pk]  # the unpublished one is not there
    row = results["records"][0]
    assert row["subject_kind"] == "person" and row["subject"] == "" and row["findings"] == ""
    assert row["violation_found"] is True and row["late"] is False
    assert first.pool_subject.label not in json.dumps(results, ensure_ascii=False)


# ---- the registry: another duty adds a dataset with one call --------------------------------------------------

def test_another_duty_registers_a_dataset_with_one_call_and_ckan_serves_it(client):
    from sharecity.hub.opendata.catalog import Built, DatasetSpec, Field, register

    spec = DatasetSpec(
        name="bike-parking-spots", title_zh="共享单车停放点", title_en="Bike parking spots", publisher="transport",
        groups=("public-space",), tags=("配额", "quota"), frequency="quarterly",
        fields=(Field("platform", "string", "平台", "Platform"), Field("zone", "string", "区域", "Zone"),
                Field("vehicles", "integer", "车辆数", "Vehicles")),
        build=lambda ctx: Built(rows=[{"platform": "鹭岛单车", "zone": "island", "vehicles": 3000},
                                      {"platform": "鹭岛单车", "zone": "off-island", "vehicles": 1000}],
                                temporal_start=dt.date(2026, 10, 1), temporal_end=dt.date(2026, 12, 31),
                                spatial=("350200",)))
    try:
        register(spec)
        datasets_refresh(names=["bike-parking-spots"])
        package = call(client, "package_show", get={"id": "bike-parking-spots"}).json()["result"]
        assert package["organization"]["name"] == "transport" and package["temporal_coverage"]["end"] == "2026-12-31"
        found = call(client, "package_search", get={"fq": "groups:public-space"}).json()["result"]
        assert "bike-parking-spots" in [p["name"] for p in found["results"]]
        rows = call(client, "datastore_search", post={"resource_id": "bike-parking-spots.xlsx",
                                                      "filters": {"zone": "island"}}).json()["result"]
        assert [r["vehicles"] for r in rows["records"]] == [3000]
    finally:
        REGISTRY.pop("bike-parking-spots", None)
    with pytest.raises(ValueError, match="publisher 'nobody'"):
        register(DatasetSpec(name="bad", title_zh="坏", title_en="Bad", publisher="nobody", fields=(),
                             build=lambda ctx: Built(rows=[])))
    assert "bad" not in REGISTRY


def test_a_control_character_in_reported_text_does_not_stop_the_workbook():
    from openpyxl import load_workbook

    version = DatasetVersion(dataset="x", version=1, row_count=1, sha256="0" * 64, fields=[{"name": "findings"}],
                             rows=[{"findings": "未公示\x01价格"}])
    book = load_workbook(io.BytesIO(exports.as_xlsx(version)), read_only=True)
    assert list(book.active.iter_rows(values_only=True))[1] == ("未公示\ufffd价格",)


@pytest.mark.django_db
def test_the_quota_and_third_party_complaint_datasets_are_in_the_catalogue():
    """Registered by the portal over the quota and complaint duties' selectors: listed with their publisher,
    built (empty in a city with none published yet) and valid as data packages."""
    from sharecity.hub.opendata import services
    from sharecity.hub.opendata.catalog import REGISTRY

    for name, publisher in (("quota-allocations", "transport"),
                            ("complaint-platform-responses", "industry-association")):
        assert REGISTRY[name].publisher == publisher
        services.dataset_refresh(name=name)
