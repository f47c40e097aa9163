"""Every publicity route under hostile input and from outside the jurisdiction: a clear 4xx naming the
field, never a 5xx; another city's officer gets 404 on every detail, another department never sees an
application it did not decide (谁认定、谁修复)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sharecity.hub.publicity import services
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.timeutil import CITY_TZ, city_datetime
from tests import factories

pytestmark = pytest.mark.django_db

KEY = "id-" + "c" * 26
D = dt.date.fromisoformat
NOW = city_datetime(D("2026-06-01"), dt.time(10))
TODAY = timezone.now().astimezone(CITY_TZ).date().isoformat()


def make_officer(name, *, kind="market_supervision", city="350200", district="", department="厦门市市场监督管理局"):
    user = factories.make_user(name)
    regulator_profile_set(actor=None, user=user, department=department, department_kind=kind, city_code=city,
                          district_code=district)
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return user, client


@pytest.fixture
def world():
    officer, client = make_officer("xm")
    penalty = services.penalty_record(
        actor=officer, subject_kind="person", subject_identifier=KEY, decision_number="厦市监罚〔2026〕7号",
        facts="未公示收费标准", law="《价格法》", article="第十三条", severity="light", decided_on=D("2026-05-20"),
        now=NOW)
    entry = services.list_entry_add(
        actor=officer, credit_list="red", subject_kind="person", subject_identifier=KEY, legal_basis="守信激励",
        decided_on=D("2026-05-20"), effective_on=D("2026-05-20"), reason="守信", now=NOW)
    application, secret = services.repair_apply(
        decision_number=penalty.decision_number, subject_identifier=KEY, performance="已缴", correction="已改",
        commitment="承诺", now=NOW)
    return {"officer": officer, "client": client, "penalty": penalty, "entry": entry, "application": application,
            "secret": secret}


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


GOOD_PENALTY = {"subject_kind": "person", "subject_identifier": "id-" + "d" * 26, "decision_number": "N-1",
                "law": "《电子商务法》", "article": "第十五条", "severity": "ordinary", "decided_on": "2026-06-01",
                "facts": "事实"}


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"decision_number": "N" * 101}, 422, "decision_number"),
    ({"facts": "事" * 4001}, 422, "facts"),
    ({"law": "《电子\x07商务法》"}, 400, "law"),
    ({"facts": "a\x00b"}, 400, "facts"),
    ({"decided_on": "yesterday"}, 422, "decided_on"),
    ({"decided_on": 20260601}, 422, "decided_on"),
    ({"severity": 5}, 422, "severity"),
    ({"severity": "grave"}, 400, "severity"),
    ({"subject_identifier": 12345678}, 422, "subject_identifier"),
    ({"subject_identifier": "short"}, 400, "subject_identifier"),
    ({"subject_kind": "enterprise", "subject_identifier": "91350200MA2XXXXX0X"}, 400, "subject_identifier"),
    ({"district_code": "120101"}, 400, "district_code"),
    ({"decided_on": "2099-01-01"}, 400, "decided_on"),
    ({"decided_on": "0001-01-01"}, 400, "decided_on"),
    ({"decided_on": "9999-12-31"}, 400, "decided_on"),
])
def test_a_penalty_with_hostile_input_is_refused_naming_the_field(world, change, status, field):
    response = post(world["client"], "/api/v1/hub/publicity/penalties", {**GOOD_PENALTY, **change})
    assert response.status_code == status, response.content
    assert response.json()["field"] == field


def test_a_body_that_is_not_an_object_and_a_duplicate_number(world):
    assert post(world["client"], "/api/v1/hub/publicity/penalties", [1, 2]).status_code == 422
    assert post(world["client"], "/api/v1/hub/publicity/penalties", GOOD_PENALTY).status_code == 201
    again = post(world["client"], "/api/v1/hub/publicity/penalties", GOOD_PENALTY)
    assert again.status_code == 409 and again.json()["field"] == "decision_number"


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"measures": "不得发布"}, 422, "measures"),
    ({"measures": ["x" * 201]}, 400, "measures"),
    ({"measures": ["a"] * 21}, 422, "measures"),
    ({"credit_list": "grey"}, 400, "credit_list"),
    ({"expires_on": "2026-01-01"}, 400, "expires_on"),
    ({"reason": "r" * 4001}, 422, "reason"),
    ({"basis_decision_number": "无此号"}, 400, "basis_decision_number"),
    ({"expires_on": "9999-12-31"}, 400, "expires_on"),
    ({"decided_on": "0001-01-01", "effective_on": "0001-01-01"}, 400, "decided_on"),
    ({"effective_on": "9999-12-31"}, 400, "effective_on"),
    ({"decided_on": "2099-01-01", "effective_on": "2099-01-01"}, 400, "decided_on"),
])
def test_a_list_entry_with_hostile_input_is_refused(world, change, status, field):
    _officer, client = make_officer("dr", kind="development_reform", department="厦门市发展和改革委员会")
    body = {"credit_list": "black", "subject_kind": "person", "subject_identifier": "id-" + "e" * 26,
            "legal_basis": "依据", "decided_on": TODAY, "effective_on": TODAY, "reason": "理由", **change}
    response = post(client, "/api/v1/hub/publicity/lists", body)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"commitment": "承" * 2001}, 422, "commitment"),
    ({"performance": "a\x1bb"}, 400, "performance"),
    ({"performance": ["x"]}, 422, "performance"),
    ({"commitment": "  "}, 400, "commitment"),
    ({"subject_identifier": "id-" + "z" * 26}, 404, "decision_number"),
])
def test_the_public_window_refuses_hostile_input(world, change, status, field):
    body = {"decision_number": "不存在", "subject_identifier": KEY, "performance": "p", "correction": "c",
            "commitment": "c", **change}
    response = post(Client(), "/api/v1/public/credit-repair/applications", body)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field


def test_the_status_needs_the_right_secret(world):
    code = world["application"].tracking_code
    for body in ({"tracking_code": code, "secret": "wrong-secret"}, {"tracking_code": "X" * 20, "secret": "s"},
                 {"tracking_code": code, "secret": world["secret"] + "\x00"}):
        response = post(Client(), "/api/v1/public/credit-repair/status", body)
        assert response.status_code in (400, 404) and response.json()["field"] in ("secret", "tracking_code")
    assert post(Client(), "/api/v1/public/credit-repair/status",
                {"tracking_code": code, "secret": "s" * 65}).status_code == 422
    ok = post(Client(), "/api/v1/public/credit-repair/status", {"tracking_code": code, "secret": world["secret"]})
    assert ok.status_code == 200 and ok.json()["status"] == "pending" and "secret" not in ok.json()


def test_anonymous_and_non_regulators_are_kept_out(world):
    anonymous = Client()
    market_user = Client()
    market_user.force_login(factories.make_user("someone"))
    for url in ("/api/v1/hub/publicity/penalties", "/api/v1/hub/publicity/lists", "/api/v1/hub/publicity/repairs"):
        assert anonymous.get(url).status_code == 401
        assert market_user.get(url).status_code == 403
    for name in ("penalties", "lists", "repairs", "penalty_new", "list_new"):
        assert anonymous.get(reverse(f"publicity:{name}")).status_code == 302
        assert market_user.get(reverse(f"publicity:{name}")).status_code == 403
    assert anonymous.get(reverse("credit_repair:apply")).status_code == 200


def test_another_citys_officer_sees_nothing_and_reaches_nothing(world):
    _tj, client = make_officer("tj", city="120100", department="天津市市场监督管理委员会")
    penalty, entry, application = world["penalty"], world["entry"], world["application"]
    assert client.get("/api/v1/hub/publicity/penalties").json() == []
    assert client.get("/api/v1/hub/publicity/lists").json() == []
    assert client.get("/api/v1/hub/publicity/repairs").json() == []
    for url in (f"/api/v1/hub/publicity/penalties/{penalty.public_id}",
                f"/api/v1/hub/publicity/lists/{entry.public_id}",
                f"/api/v1/hub/publicity/repairs/{application.tracking_code}",
                reverse("publicity:penalty", args=[penalty.public_id]),
                reverse("publicity:list_entry", args=[entry.public_id]),
                reverse("publicity:repair", args=[application.tracking_code])):
        assert client.get(url).status_code == 404, url
    assert post(client, f"/api/v1/hub/publicity/repairs/{application.tracking_code}/decision",
                {"approve": True, "reasons": "越权"}).status_code == 404
    assert post(client, f"/api/v1/hub/publicity/lists/{entry.public_id}/removal", {"reason": "越权"}).status_code == 404
    assert client.post(reverse("publicity:repair", args=[application.tracking_code]),
                       {"decision": "approve", "reasons": "越权"}).status_code == 404
    for page in ("penalties", "lists", "repairs"):
        text = client.get(reverse(f"publicity:{page}")).text
        assert penalty.decision_number not in text and KEY not in text and application.tracking_code not in text


def test_another_department_and_a_district_officer(world):
    _transport, client = make_officer("jt", kind="transport", department="厦门市交通运输局")
    code = world["application"].tracking_code
    assert client.get("/api/v1/hub/publicity/repairs").json() == []
    assert client.get(f"/api/v1/hub/publicity/repairs/{code}").status_code == 404
    assert post(client, f"/api/v1/hub/publicity/repairs/{code}/decision",
                {"approve": True, "reasons": "非认定部门"}).status_code == 404
    removal = post(client, f"/api/v1/hub/publicity/lists/{world['entry'].public_id}/removal", {"reason": "非认定部门"})
    assert removal.status_code == 403 and removal.json()["code"] == "publicity.other_department"
    # Lists and penalties are city-wide: a district bureau of the city sees them.
    _siming, district = make_officer("sm", district="350206", department="厦门市市场监督管理局湖里分局")
    assert len(district.get("/api/v1/hub/publicity/penalties").json()) == 1
    assert district.get(f"/api/v1/hub/publicity/repairs/{code}").status_code == 200


@pytest.mark.parametrize("body", [{"approve": "maybe", "reasons": "r"}, {"approve": True}, {"approve": True,
                                  "reasons": "r" * 2001}, {"approve": True, "reasons": "a\x07"}])
def test_a_decision_with_hostile_input(world, body):
    code = world["application"].tracking_code
    response = post(world["client"], f"/api/v1/hub/publicity/repairs/{code}/decision", body)
    assert response.status_code in (400, 422) and response.json()["field"] in ("approve", "reasons")


def test_a_long_tracking_code_in_the_address_is_a_plain_404(world):
    assert world["client"].get("/api/v1/hub/publicity/repairs/" + "A" * 300).status_code == 404
    assert world["client"].get(reverse("publicity:repair", args=["A" * 300])).status_code == 404


def test_hostile_input_on_the_pages_is_a_400_with_the_field(world):
    client = world["client"]
    response = client.post(reverse("publicity:penalty_new"), {**GOOD_PENALTY, "law": "a\x07b"})
    assert response.status_code == 400 and 'data-field-error="law"' in response.text
    response = Client().post(reverse("credit_repair:apply"), {"decision_number": "x", "subject_identifier": KEY,
                                                             "performance": "p", "correction": "c",
                                                             "commitment": "c" * 3000})
    assert response.status_code == 400 and 'data-field-error="commitment"' in response.text
    response = Client().post(reverse("credit_repair:follow"), {"tracking_code": world["application"].tracking_code,
                                                              "secret": "wrong"})
    assert response.status_code == 404 and 'data-field-error="secret"' in response.text


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders_for_an_officer_in_both_languages(world, language):
    officer = world["officer"]
    client = Client(headers={"accept-language": language})
    client.force_login(officer)
    urls = [reverse(f"publicity:{name}") for name in ("penalties", "penalty_new", "lists", "list_new", "repairs")]
    urls += [reverse("publicity:penalty", args=[world["penalty"].public_id]),
             reverse("publicity:list_entry", args=[world["entry"].public_id]),
             reverse("publicity:repair", args=[world["application"].tracking_code]),
             reverse("credit_repair:apply"), reverse("credit_repair:follow"),
             reverse("credit_repair:notice", args=[world["penalty"].public_id])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    label = "严重失信主体名单" if language == "zh-hans" else "Serious-dishonesty list"
    assert label in client.get(reverse("publicity:list_new")).text


def test_the_list_form_adds_and_removes_an_entry():
    _officer, client = make_officer("dr", kind="development_reform", department="厦门市发展和改革委员会")
    response = client.post(reverse("publicity:list_new"), {
        "credit_list": "black", "subject_kind": "person", "subject_identifier": KEY, "legal_basis": "依据",
        "decided_on": TODAY, "effective_on": TODAY, "expires_on": (D(TODAY) + dt.timedelta(days=365)).isoformat(),
        "reason": "理由",
        "measures": "不得发布车位\n\n不得新入驻\n"})
    assert response.status_code == 302
    entry = services.ListEntry.objects.get()
    assert entry.measures == ["不得发布车位", "不得新入驻"] and entry.department == "厦门市发展和改革委员会"
    removed = client.post(reverse("publicity:list_entry", args=[entry.public_id]), {"reason": "依法移出"})
    assert removed.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "removed"
    again = client.post(reverse("publicity:list_entry", args=[entry.public_id]), {"reason": "再次移出"})
    assert again.status_code == 409


def test_the_officer_pages_through_more_penalties_than_one_page_holds(world):
    officer, client = world["officer"], world["client"]
    for number in range(60):
        services.penalty_record(
            actor=officer, subject_kind="person", subject_identifier=f"id-{number:028d}",
            decision_number=f"厦市监罚〔2026〕{100 + number}号", facts="未公示收费标准", law="《价格法》",
            article="第十三条", severity="ordinary", decided_on=D("2026-05-20"), now=NOW)
    first = client.get(reverse("publicity:penalties"))
    assert first.status_code == 200 and "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("publicity:penalties"), {"page": "2"}).content.decode()
    shown = {number for number in range(100, 160) if f"〔2026〕{number}号" in first.content.decode() + second}
    assert shown == set(range(100, 160))
    assert client.get(reverse("publicity:penalties"), {"page": "x'; DROP"}).status_code == 200


def test_pages_offer_removal_and_decision_only_to_the_department_that_decided(world):
    entry_url = reverse("publicity:list_entry", args=[world["entry"].public_id])
    repair_url = reverse("publicity:repair", args=[world["application"].tracking_code])
    own = world["client"]
    assert 'data-testid="remove-submit"' in own.get(entry_url).content.decode()
    assert 'data-testid="decision-form"' in own.get(repair_url).content.decode()
    _transport, transport = make_officer("jt", kind="transport", department="厦门市交通运输局")
    page = transport.get(entry_url)
    assert page.status_code == 200 and 'data-testid="remove-submit"' not in page.content.decode()
    # A district bureau sees the city bureau's application but decides only its own district's.
    _huli, district = make_officer("hl", district="350206", department="厦门市市场监督管理局湖里分局")
    page = district.get(repair_url)
    assert page.status_code == 200 and 'data-testid="decision-form"' not in page.content.decode()
    assert 'data-testid="remove-submit"' not in district.get(entry_url).content.decode()
