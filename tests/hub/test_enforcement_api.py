"""The enforcement API and console pages: the main path in both languages, and hostile input (oversize,
wrong types, control characters, another city's or district's officer, ids of another city's cases)
answered with a clear 4xx naming the field, never a 5xx, and nothing changed."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from sharecity.hub.enforcement.models import Case, CaseHandover
from tests import factories
from tests.hub.enforcement_support import HEPING, HULI, SIMING, client_of, officer, open_case, platform

pytestmark = pytest.mark.django_db


def post_json(client: Client, url: str, body) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def siming():
    return officer("siming", district=SIMING, department="厦门市思明区市场监督管理局")


CASE = {"district_code": SIMING, "source_kind": "complaint", "source_ref": "C-42", "subject_kind": "business",
        "subject_ref": "pk-provider-enf-0001", "summary": "未明码标价"}


def test_the_main_path_through_the_api(siming):
    client = client_of(siming)
    created = post_json(client, reverse("api-v1:enforcement_case_open"), CASE)
    assert created.status_code == 201, created.content
    case_id = created.json()["public_id"]
    assert created.json()["department"] == "market_supervision" and created.json()["city_code"] == "350200"
    listed = client.get(reverse("api-v1:enforcement_cases")).json()
    assert [c["public_id"] for c in listed] == [case_id]
    decided = post_json(client, reverse("api-v1:enforcement_case_decide", args=[case_id]), {
        "violation_code": "PRICE-13-TAGGING", "found_on": "2026-11-02", "minor": True,
        "correction_due": "2026-11-06", "corrected_on": "2026-11-05"})
    assert decided.status_code == 200, decided.content
    assert decided.json()["outcome"] == "education" and decided.json()["leniency_reason"] == "qualifies"
    catalogue = client.get(reverse("api-v1:enforcement_catalogue")).json()
    assert {"ECL-15-LICENCE", "PRICE-13-TAGGING"} <= {v["code"] for v in catalogue["violations"]}
    assert any(e["violation_code"] == "PRICE-13-TAGGING" for e in catalogue["leniency"])
    assert client.get(reverse("api-v1:enforcement_directives_late")).json() == []


def test_a_hand_over_through_the_api_moves_the_case_to_the_receiver(siming):
    huli = officer("huli", district=HULI)
    xiamen = officer("xiamen")
    case = open_case(xiamen)
    moved = post_json(client_of(xiamen), reverse("api-v1:enforcement_case_hand_over", args=[case.public_id]),
                      {"to_department": "market_supervision", "to_district_code": HULI, "reason": "属湖里区管辖"})
    assert moved.status_code == 200
    assert moved.json()["district_code"] == HULI and moved.json()["handovers"][0]["reason"] == "属湖里区管辖"
    assert client_of(huli).get(reverse("api-v1:enforcement_case", args=[case.public_id])).status_code == 200
    assert client_of(siming).get(reverse("api-v1:enforcement_case", args=[case.public_id])).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({**CASE, "summary": "x" * 2001}, "summary"),
    ({**CASE, "summary": "bad\x00"}, "summary"),
    ({**CASE, "summary": 42}, "summary"),
    ({**CASE, "district_code": HULI}, "district_code"),
    ({**CASE, "district_code": HEPING}, "district_code"),
    ({**CASE, "source_kind": "gossip"}, "source_kind"),
    ({**CASE, "subject_ref": "has space"}, "subject_ref"),
    ({**CASE, "platform_id": "p-not-registered"}, "platform_id"),
    ({**CASE, "subject_ref": "k" * 300}, "subject_ref"),
])
def test_hostile_case_bodies_name_the_field(siming, body, field):
    response = post_json(client_of(siming), reverse("api-v1:enforcement_case_open"), body)
    assert response.status_code in (400, 422), response.content
    assert field in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"violation_code": "PRICE-13-TAGGING", "found_on": "2026-13-45", "minor": True}, "found_on"),
    ({"violation_code": "PRICE-13-TAGGING", "found_on": "2026-11-02", "minor": "perhaps"}, "minor"),
    ({"violation_code": "NOPE", "found_on": "2026-11-02", "minor": True}, "violation_code"),
    ({"violation_code": "PRICE-13-TAGGING", "found_on": "2026-11-02", "minor": False, "amount_fen": -1}, "amount_fen"),
    ({"violation_code": "PRICE-13-TAGGING", "found_on": "2026-11-02", "minor": False, "amount_fen": 10**15},
     "amount_fen"),
    ({"violation_code": "PRICE-13-TAGGING", "found_on": "2026-11-02", "minor": False}, "amount_fen"),
])
def test_hostile_decisions_name_the_field_and_leave_the_case_open(siming, body, field):
    case = open_case(siming)
    response = post_json(client_of(siming), reverse("api-v1:enforcement_case_decide", args=[case.public_id]), body)
    assert response.status_code in (400, 422), response.content
    assert field in response.content.decode()
    case.refresh_from_db()
    assert case.status == "open"


def test_other_places_and_non_officers_are_refused_and_change_nothing(siming):
    case = open_case(siming)
    tianjin = client_of(officer("tianjin", city="120100", department="天津市市场监督管理委员会"))
    huli = client_of(officer("huli", district=HULI))
    someone = client_of(factories.make_user("someone"))
    anonymous = Client()
    hand_over = {"to_department": "commerce", "to_district_code": SIMING, "reason": "x"}
    for client, statuses in ((tianjin, {404}), (huli, {404}), (someone, {403}), (anonymous, {401})):
        assert client.get(reverse("api-v1:enforcement_case", args=[case.public_id])).status_code in statuses
        assert post_json(client, reverse("api-v1:enforcement_case_hand_over", args=[case.public_id]),
                         hand_over).status_code in statuses
        page = client.get(reverse("hub_enforcement:case", args=[case.public_id]))
        assert page.status_code in (302, 403, 404)
    assert not CaseHandover.objects.exists()
    # A Tianjin officer cannot open a case in Xiamen, nor read Xiamen's cases in the list.
    assert post_json(tianjin, reverse("api-v1:enforcement_case_open"), CASE).status_code == 400
    assert tianjin.get(reverse("api-v1:enforcement_cases")).json() == []
    assert client_of(siming).get(reverse("api-v1:enforcement_case", args=["not-a-uuid"])).status_code == 422


def test_the_pages_open_decide_and_show_a_case_in_chinese_and_english(siming):
    platform("p-enf-1")
    zh = client_of(siming)
    new = zh.get(reverse("hub_enforcement:case_new"))
    assert new.status_code == 200 and "立案" in new.text
    bad = zh.post(reverse("hub_enforcement:case_new"), {**CASE, "summary": "坏\x01"})
    assert bad.status_code == 400 and 'data-field-error="summary"' in bad.text
    created = zh.post(reverse("hub_enforcement:case_new"), {**CASE, "platform_id": "p-enf-1"})
    assert created.status_code == 302
    case = Case.objects.get()
    late = zh.post(reverse("hub_enforcement:decide", args=[case.public_id]), {
        "violation_code": "PRICE-13-TAGGING", "found_on": "2026-11-02", "minor": "on",
        "correction_due": "2026-11-06", "corrected_on": "2026-11-09"})
    assert late.status_code == 400 and 'data-field-error="amount_fen"' not in late.text
    assert "corrected_late" in late.text  # the refusal says why leniency does not apply
    fined = zh.post(reverse("hub_enforcement:decide", args=[case.public_id]), {
        "violation_code": "PRICE-13-TAGGING", "found_on": "2026-11-02", "minor": "on",
        "correction_due": "2026-11-06", "corrected_on": "2026-11-09", "amount": "1500.50",
        "decision_number": "思市监罚〔2026〕9号", "severity": "ordinary"})
    assert fined.status_code == 302
    case.refresh_from_db()
    assert case.amount_fen == 150050 and case.outcome == "penalty"
    detail = zh.get(reverse("hub_enforcement:case", args=[case.public_id]))
    assert "罚款" in detail.text and "思市监罚〔2026〕9号" in detail.text
    assert "¥1,500.50" in detail.text and "150050" not in detail.text  # money in yuan, never raw fen
    english = client_of(siming, language="en").get(reverse("hub_enforcement:case", args=[case.public_id]))
    assert "Enforcement case" in english.text and "Penalty" in english.text
    for name in ("cases", "catalogue", "late", "trace"):
        assert zh.get(reverse(f"hub_enforcement:{name}")).status_code == 200
    assert "免罚清单" in zh.get(reverse("hub_enforcement:catalogue")).text
    # The console's figures panel leads to the cases.
    assert f'href="{reverse("hub_enforcement:cases")}"' in zh.get(reverse("monitoring:figures")).text


@pytest.mark.parametrize(("name", "body", "field"), [
    ("handover", {"to_department": "police", "to_district_code": HULI, "reason": "x"}, "to_department"),
    ("handover", {"to_department": "commerce", "to_district_code": HEPING, "reason": "x"}, "to_district_code"),
    ("handover", {"to_department": "commerce", "to_district_code": HULI, "reason": "坏\x02"}, "reason"),
    ("handover", {"to_department": "commerce", "to_district_code": HULI, "reason": "长" * 2001}, "reason"),
    ("decide", {"violation_code": "PRICE-13-TAGGING", "found_on": "not-a-date"}, "found_on"),
    ("decide", {"violation_code": "PRICE-13-TAGGING", "found_on": "2026-11-02", "amount": "-3"}, "amount"),
    ("decide", {"violation_code": "PRICE-13-TAGGING", "found_on": "2026-11-02", "amount": "1e30"}, "amount"),
    ("directive", {"kind": "ban", "legal_reference": "《电子商务法》"}, "kind"),
    ("directive", {"kind": "recall", "legal_reference": "x" * 201}, "legal_reference"),
])
def test_hostile_page_posts_name_the_field_and_change_nothing(siming, name, body, field):
    platform("p-enf-1")
    case = open_case(siming, platform_id="p-enf-1")
    response = client_of(siming).post(reverse(f"hub_enforcement:{name}", args=[case.public_id]), body)
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in response.text
    case.refresh_from_db()
    assert case.status == "open" and case.district_code == SIMING and not CaseHandover.objects.exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "recall", "legal_reference": "《消费者权益保护法》第十九条", "recall_id": "RC-1", "product": "x",
      "reason": "y", "measures": ["stop_sales"], "listing_ids": ["L"] * 1001}, "listing_ids"),
    ({"kind": "recall", "legal_reference": "《消费者权益保护法》第十九条", "recall_id": "RC-1", "product": "x",
      "reason": "y", "measures": "stop_sales"}, "measures"),
    ({"kind": "recall", "legal_reference": "《消费者权益保护法》第十九条", "recall_id": "R" * 300, "product": "x",
      "reason": "y", "measures": ["stop_sales"]}, "recall_id"),
    ({"kind": "rectification", "legal_reference": "《电子商务法》第三十三条", "findings": []}, "findings"),
    ({"kind": "recall", "legal_reference": "《消费者权益保护法》第十九条", "recall_id": "RC-1", "product": "x",
      "reason": "y", "measures": ["stop_sales"], "deadline": "2001-01-01T00:00:00+08:00"}, "deadline"),
])
def test_hostile_orders_through_the_api_name_the_field(siming, body, field):
    platform("p-enf-1")
    case = open_case(siming, platform_id="p-enf-1")
    xiamen = officer("xiamen")
    response = post_json(client_of(xiamen), reverse("api-v1:enforcement_case_directive", args=[case.public_id]),
                         body)
    assert response.status_code in (400, 422), response.content
    assert field in response.content.decode()


def test_a_city_officer_adds_to_the_leniency_list_through_the_api_and_the_page():
    import json

    from django.urls import reverse

    from sharecity.hub.enforcement.models import LeniencyEntry
    from tests.hub.enforcement_support import SIMING, client_of, officer

    body = {"violation_code": "PRICE-13-TAGGING", "condition": "首次未明码标价，当场改正", "look_back_months": 12,
            "correction_days": 5, "effective_from": "2026-01-01", "source": "厦门市市场监管局 2026 年第 1 号公告"}
    url = reverse("api-v1:enforcement_leniency_add")
    city = client_of(officer("xm-city-leniency"))
    created = city.post(url, json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["city_code"] == "350200" and created.json()["correction_days"] == 5
    entry = LeniencyEntry.objects.get(source=body["source"])
    assert (entry.violation.code, entry.look_back_months, entry.city_code) == ("PRICE-13-TAGGING", 12, "350200")
    # The catalogue lists it; a district bureau, bad numbers or an unknown violation are refused by field.
    listed = city.get(reverse("api-v1:enforcement_catalogue")).json()["leniency"]
    assert any(row["source"] == body["source"] for row in listed)
    district = client_of(officer("xm-siming-leniency", district=SIMING))
    assert district.post(url, json.dumps(body), content_type="application/json").status_code == 403
    for field, value in (("look_back_months", 0), ("correction_days", 366), ("violation_code", "ARSON"),
                         ("effective_until", "2025-12-31"), ("condition", "a\x00b")):
        refused = city.post(url, json.dumps({**body, field: value}), content_type="application/json")
        assert refused.status_code == 400 and refused.json()["field"] == field, (field, refused.content)
    assert city.post(url, json.dumps({**body, "look_back_months": "twelve"}),
                     content_type="application/json").status_code == 422
    assert LeniencyEntry.objects.filter(source=body["source"]).count() == 1
    # The page: the city's bureau sees the form and adds through it; a district bureau sees no form.
    page = city.get(reverse("hub_enforcement:catalogue"))
    assert 'data-testid="leniency-form"' in page.content.decode()
    assert 'data-testid="leniency-form"' not in district.get(reverse("hub_enforcement:catalogue")).content.decode()
    posted = city.post(reverse("hub_enforcement:leniency_add"), {**body, "source": "页面添加", "effective_until": ""})
    assert posted.status_code == 302 and LeniencyEntry.objects.filter(source="页面添加").exists()
    wrong = city.post(reverse("hub_enforcement:leniency_add"), {**body, "correction_days": "0"})
    assert wrong.status_code == 400 and 'data-field-error="correction_days"' in wrong.content.decode()
