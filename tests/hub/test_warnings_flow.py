"""Risk warnings end to end: facts a platform sends through the exchange are scanned into warnings that
explain themselves; a warning moves new → assigned → handled → closed by its district's officers, audited;
the API and the pages answer hostile input with a clear 4xx naming the field."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from sharecity.exchange.envelope import envelope_seal
from sharecity.exchange.keys import producer_private_key
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.intake.models import IntakeStream
from sharecity.hub.intake.services import intake_receive
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.hub.warnings.models import RuleSetting, Warning
from sharecity.hub.warnings.services import (
    warning_assign,
    warning_case_request,
    warning_close,
    warning_handle,
    warning_raise,
    warnings_scan,
)
from sharecity.kernel.errors import Conflict, InvalidInput, NotFound
from tests.factories import make_user
from tests.hub.credit_support import deliver
from tests.hub.slice import run_slice

pytestmark = pytest.mark.django_db

SIMING, HULI, HEPING = "350203", "350206", "120101"
TZ = dt.timezone(dt.timedelta(hours=8))


def officer(name: str, *, district: str = "", city: str = ""):
    user = make_user(name)
    regulator_profile_set(actor=None, user=user, department="市场监督管理局", district_code=district, city_code=city)
    return user


def jurisdiction(user):
    from sharecity.hub.registry.jurisdiction import jurisdiction_required

    return jurisdiction_required(user)


def raised(key: str = "k1", *, district: str = SIMING, city: str = "350200", **fields) -> Warning:
    values = {"city_code": city, "rule": "deposit_kept", "severity": "medium", "subject_kind": "order",
              "subject_ref": "o-1", "platform_id": "p-1", "district_code": district,
              "explanation": {"zh": "押金被全额扣除", "en": "The whole deposit was kept"},
              "evidence": [{"kind": "order", "ref": "p-1/o-1", "description": "deposit 500 yuan kept"}],
              "dedupe_key": key, **fields}
    return warning_raise(**values)


def send_at(platform_id: str, message_type: str, payload: dict, sent_at: str) -> None:
    """A fact as the platform sent it at ``sent_at``, continuing its chain."""
    stream = IntakeStream.objects.get(platform_id=platform_id)
    envelope = envelope_seal(private_key=producer_private_key(platform_id=platform_id), message_id=str(uuid.uuid4()),
                             platform_id=platform_id, type=message_type, schema_version=1,
                             sequence=stream.last_sequence + 1, sent_at=sent_at, payload=payload,
                             prev_hash=stream.last_hash)
    assert intake_receive(envelope.to_bytes()).name == "APPLIED"


def discount_facts(platform_id: str, *, raised_on: str, cut_on: str, listing_id: str | None = None) -> str:
    """A listing at 100 yuan (published two weeks before the raise), raised to 150, then cut to 105: the facts a
    platform sends."""
    listing_id = listing_id or str(uuid.uuid4())
    published = dt.datetime.fromisoformat(f"{raised_on}T09:00:00+08:00") - dt.timedelta(days=14)
    send_at(platform_id, "listing.published", {"listing_id": listing_id, "category": "homestay", "district": SIMING,
                                               "provider_key": "id-host-0001", "price_fen": 10_000,
                                               "price_unit": "night", "title": "海景房"}, published.isoformat())
    for day, price in ((raised_on, 15_000), (cut_on, 10_500)):
        send_at(platform_id, "listing.changed", {"listing_id": listing_id, "changed": ["price"],
                                                 "changed_at": f"{day}T10:00:00+08:00", "price_fen": price,
                                                 "price_unit": "night"}, f"{day}T10:00:01+08:00")
    return listing_id


@pytest.fixture
def platform_id():
    the_slice = run_slice(district=SIMING)
    deliver(LocalTransport())
    return the_slice.platform_id


# --- the scan -------------------------------------------------------------------------------------------------------

def test_facts_from_a_platform_become_a_warning_that_explains_itself(platform_id):
    listing_id = discount_facts(platform_id, raised_on="2026-11-01", cut_on="2026-11-04")
    scan = warnings_scan()
    assert scan.raised.get("false_discount") == 1
    warning = Warning.objects.get(rule="false_discount")
    assert (warning.city_code, warning.district_code, warning.platform_id) == ("350200", SIMING, platform_id)
    assert warning.subject_ref == listing_id and warning.severity == "high" and warning.status == "new"
    assert "100.00" in warning.explanation["zh"] and "SAMR Order 73 Art. 19" in warning.explanation["en"]
    assert [e["ref"] for e in warning.evidence] == [f"{platform_id}/{listing_id}"] * 2
    # The platform's homestay has no licence in the city's register either.
    assert Warning.objects.filter(rule="unlicensed_homestay", subject_ref=listing_id).exists()
    assert AuditEntry.objects.filter(action="warning.raise", object_id=str(warning.pk)).count() == 1


def test_the_scan_is_incremental_and_idempotent(platform_id):
    discount_facts(platform_id, raised_on="2026-11-01", cut_on="2026-11-04")
    first = warnings_scan()
    count = Warning.objects.count()
    assert not first.skipped and count >= 1
    assert warnings_scan().skipped  # nothing arrived since
    again = warnings_scan(force=True)
    assert again.raised == {} and Warning.objects.count() == count
    discount_facts(platform_id, raised_on="2026-11-10", cut_on="2026-11-12")
    assert warnings_scan().raised.get("false_discount") == 1


def test_a_rule_applies_from_the_day_its_source_took_effect(platform_id):
    # 总局令第32号 took effect on 2020-12-01: a cut in November 2020 is not judged by it, one in December is.
    before = discount_facts(platform_id, raised_on="2020-11-15", cut_on="2020-11-18")
    after = discount_facts(platform_id, raised_on="2020-12-02", cut_on="2020-12-05")
    warnings_scan()
    found = set(Warning.objects.filter(rule="false_discount").values_list("subject_ref", flat=True))
    assert after in found and before not in found


def test_a_later_setting_with_a_higher_threshold_stops_the_warning(platform_id):
    RuleSetting.objects.create(rule="false_discount", effective_from=dt.date(2026, 10, 1), severity="medium",
                               params={"window_days": 7, "min_raise_percent": 60, "min_drop_percent": 10},
                               source="测试：提高阈值")
    discount_facts(platform_id, raised_on="2026-11-01", cut_on="2026-11-04")  # a 50% raise
    warnings_scan()
    assert not Warning.objects.filter(rule="false_discount").exists()


def test_the_command_scans_and_reports(platform_id):
    discount_facts(platform_id, raised_on="2026-11-01", cut_on="2026-11-04")
    out = io.StringIO()
    call_command("warnings_scan", stdout=out)
    assert "false_discount 1" in out.getvalue()
    out = io.StringIO()
    call_command("warnings_scan", stdout=out)
    assert "Nothing arrived" in out.getvalue()


def test_the_command_refuses_a_moment_without_offset():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--at"):
        call_command("warnings_scan", "--at", "2026-11-30T12:00")


# --- warning_raise ------------------------------------------------------------------------------------------------

def test_warning_raise_is_idempotent_on_its_dedupe_key():
    first = raised("same")
    second = raised("same", severity="high", explanation={"zh": "另一个", "en": "another"})
    assert first.pk == second.pk and second.severity == "medium"
    assert AuditEntry.objects.filter(action="warning.raise").count() == 1


@pytest.mark.parametrize(("fields", "field"), [
    ({"rule": "made_up"}, "rule"),
    ({"severity": "catastrophic"}, "severity"),
    ({"district_code": HEPING}, "district_code"),
    ({"city_code": "999999"}, "city_code"),
    ({"explanation": {"zh": "只有中文"}}, "explanation.en"),
    ({"explanation": {"zh": "控制\x00字符", "en": "x"}}, "explanation.zh"),
    ({"evidence": [{"kind": "order", "ref": "x" * 500}]}, "evidence.0.ref"),
    ({"subject_ref": ""}, "subject_ref"),
])
def test_warning_raise_refuses_bad_input_naming_the_field(fields, field):
    with pytest.raises(InvalidInput) as refused:
        raised(f"bad-{field}", **fields)
    assert refused.value.field == field
    assert not Warning.objects.exists()


# --- the course of a warning ---------------------------------------------------------------------------------------

def test_a_warning_is_assigned_handled_and_closed_by_its_districts_officers():
    siming = officer("siming-officer", district=SIMING)
    warning = raised()
    assigned = warning_assign(actor=siming, jurisdiction=jurisdiction(siming), warning_id=warning.pk,
                              department="思明区市场监管局鼓浪屿所")
    assert (assigned.status, assigned.assigned_district, assigned.assigned_by) == ("assigned", SIMING, siming)
    warning_close(actor=siming, jurisdiction=jurisdiction(siming), warning_id=warning.pk, notes="结案")
    with pytest.raises(Conflict):
        warning_handle(actor=siming, jurisdiction=jurisdiction(siming), warning_id=warning.pk, notes="晚了")
    closed = Warning.objects.get(pk=warning.pk)
    assert closed.status == "closed" and closed.closing_notes == "结案" and closed.closed_by == siming
    actions = list(AuditEntry.objects.filter(object_type="warning", object_id=str(warning.pk))
                   .order_by("sequence").values_list("action", flat=True))
    assert actions == ["warning.raise", "warning.assign", "warning.close"]


def test_handling_comes_after_assignment_and_notes_are_required():
    siming = officer("siming-officer", district=SIMING)
    warning = raised()
    with pytest.raises(Conflict) as refused:
        warning_handle(actor=siming, jurisdiction=jurisdiction(siming), warning_id=warning.pk, notes="已处理")
    assert refused.value.field == "status"
    warning_assign(actor=siming, jurisdiction=jurisdiction(siming), warning_id=warning.pk, department="鼓浪屿所")
    with pytest.raises(InvalidInput) as refused:
        warning_handle(actor=siming, jurisdiction=jurisdiction(siming), warning_id=warning.pk, notes="  ")
    assert refused.value.field == "notes"
    handled = warning_handle(actor=siming, jurisdiction=jurisdiction(siming), warning_id=warning.pk,
                             notes="约谈服务方，押金已退还")
    assert handled.status == "handled" and handled.handled_at is not None


def test_another_district_or_city_cannot_see_or_move_the_warning():
    huli, tianjin = officer("huli-officer", district=HULI), officer("tianjin-officer", city="120100")
    xiamen = officer("xiamen-officer", city="350200")
    warning = raised()
    for outsider in (huli, tianjin):
        with pytest.raises(NotFound):
            warning_assign(actor=outsider, jurisdiction=jurisdiction(outsider), warning_id=warning.pk,
                           department="x")
    # The city's own bureau may give it to another of its districts, not to a district of another city.
    with pytest.raises(InvalidInput) as refused:
        warning_assign(actor=xiamen, jurisdiction=jurisdiction(xiamen), warning_id=warning.pk, department="x",
                       district_code=HEPING)
    assert refused.value.field == "district_code"
    moved = warning_assign(actor=xiamen, jurisdiction=jurisdiction(xiamen), warning_id=warning.pk,
                           department="湖里区市场监管局", district_code=HULI)
    assert moved.assigned_district == HULI


def test_opening_a_case_from_a_warning_names_the_warning_as_its_source():
    siming = officer("siming-officer", district=SIMING)
    warning = raised()
    request = warning_case_request(actor=siming, jurisdiction=jurisdiction(siming), warning_id=warning.pk,
                                   department="思明区市场监管局")
    assert request["source_kind"] == "warning" and request["source_ref"] == str(warning.pk)
    assert (request["city_code"], request["district_code"], request["subject_ref"]) == ("350200", SIMING, "o-1")
    assert request["summary"].endswith("押金被全额扣除")


# --- the API -------------------------------------------------------------------------------------------------------

def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_api_lists_filters_and_moves_warnings():
    siming = officer("siming-officer", district=SIMING)
    mine, other = raised("a"), raised("b", district=HULI)
    client = api(siming)
    page = client.get("/api/v1/hub/warnings?status=new").json()
    assert [item["id"] for item in page["items"]] == [mine.pk] and page["count"] == 1
    assert client.get(f"/api/v1/hub/warnings/{other.pk}").status_code == 404
    detail = client.get(f"/api/v1/hub/warnings/{mine.pk}").json()
    assert detail["evidence"][0]["ref"] == "p-1/o-1" and detail["explanation"]["en"] == "The whole deposit was kept"
    body = client.post(f"/api/v1/hub/warnings/{mine.pk}/assign", json.dumps({"department": "鼓浪屿所"}),
                       content_type="application/json")
    assert body.status_code == 200 and body.json()["status"] == "assigned"
    body = client.post(f"/api/v1/hub/warnings/{mine.pk}/handle", json.dumps({"notes": "已约谈"}),
                       content_type="application/json")
    assert body.json()["handled_by"] == "siming-officer"
    rules = client.get("/api/v1/hub/warnings/rules").json()
    assert {"false_discount", "review_ring", "outlier"} <= {rule["rule"] for rule in rules}
    assert any("第十九条" in rule["source"] for rule in rules)


@pytest.mark.parametrize(("query", "field"), [("status=open", "status"), ("rule=nope", "rule"),
                                              ("severity=huge", "severity"), ("district=abc", "district"),
                                              ("limit=100000", "limit"), ("limit=x", "limit"),
                                              ("platform=" + "p" * 500, "platform")])
def test_the_api_refuses_bad_filters_naming_the_field(query, field):
    response = api(officer("siming-officer", district=SIMING)).get(f"/api/v1/hub/warnings?{query}")
    assert response.status_code in (400, 422) and response.json()["field"] == field


@pytest.mark.parametrize(("body", "field"), [
    ({"department": "d" * 1000}, "department"),
    ({"department": 12}, "department"),
    ({"department": "所\x07"}, "department"),
    ({"department": "所", "district_code": HEPING}, "district_code"),
    ({}, "department"),
])
def test_the_api_refuses_bad_bodies_naming_the_field(body, field):
    warning = raised()
    response = api(officer("siming-officer", district=SIMING)).post(
        f"/api/v1/hub/warnings/{warning.pk}/assign", json.dumps(body), content_type="application/json")
    assert 400 <= response.status_code < 500 and response.json()["field"] == field
    assert Warning.objects.get(pk=warning.pk).status == "new"


def test_the_api_answers_ids_of_nothing_or_too_large_with_4xx():
    client = api(officer("siming-officer", district=SIMING))
    assert client.get("/api/v1/hub/warnings/999999").status_code == 404
    assert client.get(f"/api/v1/hub/warnings/{10**30}").status_code == 422
    assert client.post("/api/v1/hub/warnings/abc/close", "{}", content_type="application/json").status_code == 422
    assert Client().get("/api/v1/hub/warnings").status_code == 401


# --- the pages -------------------------------------------------------------------------------------------------------

def test_the_pages_show_the_warning_in_chinese_and_english_and_move_it():
    siming = officer("siming-officer", district=SIMING)
    warning = raised()
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(siming)
    listing = client.get(reverse("hub_warnings:list")).content.decode()
    assert "风险预警" in listing and f'data-warning="{warning.pk}"' in listing
    detail = client.get(reverse("hub_warnings:detail", args=[warning.pk])).content.decode()
    assert "押金被全额扣除" in detail and "p-1/o-1" in detail
    response = client.post(reverse("hub_warnings:assign", args=[warning.pk]), {"department": "鼓浪屿所"})
    assert response.status_code == 302
    english = Client(headers={"accept-language": "en"})
    english.force_login(siming)
    english.cookies["django_language"] = "en"
    detail = english.get(reverse("hub_warnings:detail", args=[warning.pk])).content.decode()
    assert "The whole deposit was kept" in detail and "Record the handling" in detail


def test_the_pages_refuse_bad_input_with_the_field_and_other_districts_with_404():
    siming, huli = officer("siming-officer", district=SIMING), officer("huli-officer", district=HULI)
    warning = raised()
    client = Client(headers={"accept-language": "en"})
    client.force_login(siming)
    response = client.post(reverse("hub_warnings:handle", args=[warning.pk]), {"notes": "x"})
    assert response.status_code == 409 and 'data-field="status"' in response.content.decode()
    response = client.post(reverse("hub_warnings:assign", args=[warning.pk]), {"department": "d" * 500})
    assert response.status_code == 400 and 'data-field="department"' in response.content.decode()
    response = client.get(reverse("hub_warnings:list") + "?rule=nope")
    assert response.status_code == 200 and 'data-field="rule"' in response.content.decode()
    other = Client()
    other.force_login(huli)
    assert other.get(reverse("hub_warnings:detail", args=[warning.pk])).status_code == 404
    assert client.get(f"/hub/warnings/{10**30}/").status_code == 404
    assert client.post(f"/hub/warnings/{10**17}/close/", {"notes": "x"}).status_code == 404
    assert other.post(reverse("hub_warnings:close", args=[warning.pk]), {"notes": "x"}).status_code == 404
    assert Warning.objects.get(pk=warning.pk).status == "new"


def test_the_hourly_scan_is_enqueued_once_and_raises_what_arrived(platform_id):
    from django_tasks_db.models import DBTaskResult

    from sharecity.hub.warnings.tasks import SCAN_PATH, scan_ensure, warnings_scan_task

    scan_ensure()
    scan_ensure()
    assert DBTaskResult.objects.filter(task_path=SCAN_PATH, status="READY").count() == 1
    discount_facts(platform_id, raised_on="2026-11-01", cut_on="2026-11-04")
    assert warnings_scan_task.call() == "raised 2"  # the false discount and the unlicensed homestay
    assert warnings_scan_task.call() == "nothing new"
    assert Warning.objects.filter(rule="false_discount").count() == 1


def test_the_lodging_licence_register_is_imported_and_clears_licensed_hosts(tmp_path):
    from django.core.management.base import CommandError

    from sharecity.exchange.pseudonyms import party_key_for_identity
    from sharecity.hub.warnings.models import LodgingLicence
    from sharecity.hub.warnings.selectors import licensed_holders

    resident = "11010519491231002X"  # GB 11643's worked example
    register = tmp_path / "licences.csv"
    register.write_text(
        "\ufeffcity_code,district_code,licence_number,holder_key,holder_id_number,valid_from,valid_until\n"
        "350200,350206,思公特旅字第0001号,pk-host-000001,,2025-01-01,2027-12-31\n"
        f"350200,350203,思公特旅字第0002号,,{resident},2026-03-01,\n", encoding="utf-8")
    out = io.StringIO()
    call_command("warnings_licences_import", str(register), stdout=out)
    assert "2 added, 0 updated" in out.getvalue()
    by_number = {licence.licence_number: licence for licence in LodgingLicence.objects.all()}
    # The identity number became the party key every platform computes; the hub keeps no identity number.
    assert by_number["思公特旅字第0002号"].holder_key == party_key_for_identity(resident)
    assert resident not in json.dumps(list(LodgingLicence.objects.values()), default=str)
    assert ("350200", "pk-host-000001") in licensed_holders(day=dt.date(2026, 6, 1))
    assert ("350200", party_key_for_identity(resident)) not in licensed_holders(day=dt.date(2026, 2, 1))
    # Again: updated, not doubled. A bad row refuses the whole file, naming its line and column.
    call_command("warnings_licences_import", str(register), stdout=out)
    assert "0 added, 2 updated" in out.getvalue() and LodgingLicence.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("city_code,licence_number,holder_key,valid_from\n"
                   "350200,A-3,pk-host-3,2026-01-01\n"
                   "350200,A-4,pk-host-4,2026-13-01\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3: valid_from"):
        call_command("warnings_licences_import", str(bad), stdout=out)
    assert not LodgingLicence.objects.filter(licence_number="A-3").exists()
    for header, line, problem in (("city_code,licence_number,holder_key,valid_from\n", "999999,A,k,2026-01-01\n",
                                   "line 2: city_code"),
                                  ("city_code,licence_number,holder_id_number,valid_from\n",
                                   "350200,A,123,2026-01-01\n", "line 2: holder_id_number"),
                                  ("city_code,licence,valid_from\n", "350200,A,2026-01-01\n", "unknown: licence")):
        bad.write_text(header + line, encoding="utf-8")
        with pytest.raises(CommandError, match=problem):
            call_command("warnings_licences_import", str(bad), stdout=out)
    with pytest.raises(CommandError, match="No such file"):
        call_command("warnings_licences_import", str(tmp_path / "missing.csv"), stdout=out)
