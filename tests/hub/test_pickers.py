"""Pickers: an officer finds a platform, a listing or a subject by a part of its Chinese name, never by an
internal id, and only within their jurisdiction; the directive forms take the chosen key or the typed name
and refuse, naming the field, what is unknown, ambiguous or another jurisdiction's.

Places: a homestay platform registered in Xiamen that reported a listing and a subject in Huli (350206), a
parking platform registered in Xiamen with no facts, and a platform registered in Tianjin-Heping (120101)
with a listing there.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sharecity.hub.directives.models import Directive
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.services import regulator_profile_set
from tests import factories
from tests.hub.hostile import ExternalPlatform, listing
from tests.hub.test_facts_intake import at, every_type, send

pytestmark = pytest.mark.django_db

LAW = "《消费品召回管理暂行规定》第十五条"


@pytest.fixture
def homestay():
    """鹭岛民宿: registered in Xiamen; in Huli a removed listing 海景房 and a live one 海景大床房 by pk-host-000001."""
    platform = ExternalPlatform.onboard("鹭岛民宿")
    send(platform, [*every_type(), ("listing.published", listing(
        listing_id="L-2", category="homestay", district="350206", provider_key="pk-host-000001", title="海景大床房",
        price_unit="night"))])
    return platform


@pytest.fixture
def parking():
    """鹭岛停车: registered in Xiamen, nothing reported yet."""
    return ExternalPlatform.onboard("鹭岛停车")


@pytest.fixture
def tianjin_platform():
    """津门民宿: registered in Tianjin-Heping, with a listing 海河景观房 and its provider there."""
    platform = ExternalPlatform.onboard("津门民宿")
    RegisteredPlatform.objects.filter(platform_id=platform.platform_id).update(
        credit_code=factories.credit_code(division="120101"))
    send(platform, [
        ("subject.registered", {"subject_key": "pk-tj-host-0001", "subject_kind": "person", "sectors": ["homestay"],
                                "district": "120101", "registered_at": at(0)}),
        ("listing.published", listing(listing_id="TJ-1", category="homestay", district="120101",
                                      provider_key="pk-tj-host-0001", title="海河景观房", price_unit="night")),
    ])
    return platform


def officer(username: str, language: str = "zh-hans", **where) -> Client:
    user = factories.make_user(username)
    regulator_profile_set(actor=None, user=user, department="市场监督管理局", **where)
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


@pytest.fixture
def xiamen():
    return officer("xiamen-city", city_code="350200")


@pytest.fixture
def huli():
    return officer("huli", district_code="350206")


@pytest.fixture
def siming():
    return officer("siming", district_code="350203")


@pytest.fixture
def tianjin():
    return officer("tianjin", city_code="120100")


def found(client: Client, kind: str, **params) -> list[dict]:
    response = client.get(reverse(f"api-v1:lookup_{kind}"), params)
    assert response.status_code == 200, response.content
    return response.json()["items"]


# --- the API ---------------------------------------------------------------------------------------------------


def test_a_platform_is_found_by_a_part_of_its_chinese_name_in_the_officers_city_only(
        homestay, parking, tianjin_platform, xiamen, tianjin):
    assert [item["label"] for item in found(xiamen, "platforms", q="鹭岛")] == ["鹭岛停车", "鹭岛民宿"]
    [item] = found(xiamen, "platforms", q="民宿")
    assert item["key"] == homestay.platform_id and item["platform_id"] == homestay.platform_id
    # Tianjin's platform is never among Xiamen's, and Xiamen's never among Tianjin's.
    assert found(xiamen, "platforms", q="津门") == []
    assert [item["label"] for item in found(tianjin, "platforms")] == ["津门民宿"]
    assert found(tianjin, "platforms", q="鹭岛") == []


def test_listings_are_found_by_title_live_ones_first_within_the_district(homestay, tianjin_platform, huli, siming):
    items = found(huli, "listings", q="海景")
    assert [(item["key"], item["label"]) for item in items] == [("L-2", "海景大床房"), ("L-1", "海景房")]
    assert "湖里区" in items[0]["secondary"] and "鹭岛民宿" in items[0]["secondary"]
    assert "已下架" in items[1]["secondary"] and "已下架" not in items[0]["secondary"]
    assert [item["key"] for item in found(huli, "listings", q="海景", platform=homestay.platform_id)] == ["L-2", "L-1"]
    # A Siming officer sees nothing of Huli; nobody in Xiamen sees Tianjin's 海河景观房.
    assert found(siming, "listings", q="海景") == []
    assert found(huli, "listings", q="海河") == []


def test_subjects_are_found_by_key_or_by_a_title_they_offer_never_by_identity(homestay, huli):
    [by_key] = found(huli, "subjects", q="host-0000")
    [by_title] = found(huli, "subjects", q="大床")
    assert by_key == by_title
    assert by_key["key"] == "pk-host-000001" and by_key["label"] == "企业 pk-host-000001"
    assert "鹭岛民宿" in by_key["secondary"] and "海景大床房" in by_key["secondary"]


def test_labels_follow_the_requests_language(homestay):
    english = officer("huli-en", language="en", district_code="350206")
    [subject] = found(english, "subjects", q="大床")
    assert subject["label"] == "Business pk-host-000001"
    [live, _removed] = found(english, "listings", q="海景")
    assert "Huli" in live["secondary"]


def test_another_citys_platform_is_not_found_for_listings_and_subjects(homestay, tianjin_platform, xiamen, tianjin):
    for kind in ("listings", "subjects"):
        response = xiamen.get(reverse(f"api-v1:lookup_{kind}"), {"platform": tianjin_platform.platform_id})
        assert response.status_code == 404 and response.json()["field"] == "platform"
        response = tianjin.get(reverse(f"api-v1:lookup_{kind}"), {"q": "海", "platform": homestay.platform_id})
        assert response.status_code == 404 and response.json()["field"] == "platform"
    assert [item["key"] for item in found(tianjin, "listings", q="海")] == ["TJ-1"]


@pytest.mark.parametrize(("params", "status", "field"), [
    ({"q": "海" * 61}, 422, "q"),
    ({"q": "海\x01景"}, 400, None),
    ({"q": "海\u0085"}, 400, None),
    ({"limit": "abc"}, 422, "limit"),
    ({"limit": "21"}, 422, "limit"),
    ({"limit": "0"}, 422, "limit"),
    ({"platform": "../../etc"}, 422, "platform"),
    ({"platform": "p" * 65}, 422, "platform"),
])
def test_hostile_input_is_refused_naming_the_field(homestay, huli, params, status, field):
    for kind in ("platforms", "listings", "subjects", "credit_subjects"):
        response = huli.get(reverse(f"api-v1:lookup_{kind}"), params)
        assert response.status_code == status, (kind, response.content)
        if field is not None:
            assert response.json()["field"] == field


def test_the_lookups_are_for_regulators_only(homestay):
    assert Client().get(reverse("api-v1:lookup_platforms")).status_code == 401
    someone = Client()
    someone.force_login(factories.make_user("someone"))
    response = someone.get(reverse("api-v1:lookup_listings"), {"q": "海景"})
    assert response.status_code == 403 and "海景" not in response.content.decode()


# --- the forms ------------------------------------------------------------------------------------------------


def recall(client: Client, **fields):
    body = {"legal_reference": LAW, "recall_id": "RC-1", "product": "电热水壶 A1 批次 2026-10", "reason": "漏电",
            "measures": ["remove_listings"], "deadline": "", **fields}
    return client.post(reverse("hub_directives:new", args=["recall.order"]), body)


def english(username: str, **where) -> Client:
    return officer(username, language="en", **where)


def test_a_recall_is_issued_with_the_platform_and_listings_typed_by_name(homestay, parking):
    client = english("xm-en", city_code="350200")
    response = recall(client, platform_id__q="鹭岛民宿", listing_ids__q="大床房")
    assert response.status_code == 302, response.content.decode()[-3000:]
    directive = Directive.objects.get()
    assert directive.platform_id == homestay.platform_id and directive.payload["listing_ids"] == ["L-2"]


def test_a_recall_is_issued_with_keys_chosen_from_the_lists(homestay):
    client = english("xm-en", city_code="350200")
    response = recall(client, platform_id=homestay.platform_id, platform_id__q="鹭岛民宿",
                      listing_ids=["L-2", "L-1"])
    assert response.status_code == 302
    assert Directive.objects.get().payload["listing_ids"] == ["L-2", "L-1"]


def test_an_ambiguous_or_unknown_name_is_refused_naming_the_field(homestay, parking):
    client = english("xm-en", city_code="350200")
    response = recall(client, platform_id__q="鹭岛")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Platform: “鹭岛” matches several" in page and "鹭岛民宿" in page and "鹭岛停车" in page
    response = recall(client, platform_id__q="鹭岛民宿", listing_ids__q="不存在的房源")
    assert response.status_code == 400
    assert "Listings concerned: no listing in your jurisdiction matches “不存在的房源”" in response.content.decode()
    assert not Directive.objects.exists()


def test_another_citys_platform_or_listing_is_refused(homestay, tianjin_platform):
    client = english("xm-en", city_code="350200")
    response = recall(client, platform_id=tianjin_platform.platform_id)
    assert response.status_code == 400
    assert f"Platform: “{tianjin_platform.platform_id}” is no platform in your jurisdiction" in response.text
    response = recall(client, platform_id__q="津门民宿")
    assert response.status_code == 400 and "Platform: no platform in your jurisdiction matches" in response.text
    response = recall(client, platform_id=homestay.platform_id, listing_ids=["TJ-1"])
    assert response.status_code == 400
    assert "Listings concerned: “TJ-1” is no listing of this platform in your jurisdiction" in response.text
    assert not Directive.objects.exists()


def test_a_district_officer_cannot_name_another_districts_listing(homestay):
    client = english("siming-en", district_code="350203")
    response = recall(client, platform_id=homestay.platform_id, listing_ids=["L-2"])
    assert response.status_code == 400 and "Platform: “" in response.text
    assert not Directive.objects.exists()


def test_subjects_and_listings_of_a_request_for_assistance_are_picked(homestay):
    client = english("huli-en", district_code="350206")
    response = client.post(reverse("hub_directives:new", args=["assistance.request"]), {
        "platform_id__q": "民宿", "legal_reference": LAW, "case_id": "XM-7", "request": "提供交易记录",
        "subject_keys__q": "大床", "listing_ids": ["L-1"], "order_ids": "O-1", "deadline": ""})
    assert response.status_code == 302, response.content.decode()[-2000:]
    payload = Directive.objects.get().payload
    assert payload["subject_keys"] == ["pk-host-000001"] and payload["listing_ids"] == ["L-1"]


def test_the_inspected_one_follows_what_was_inspected(homestay):
    client = english("huli-en", district_code="350206")
    body = {"platform_id": homestay.platform_id, "legal_reference": LAW, "case_id": "C-9",
            "inspection_kind": "targeted",
            "result": "pass", "findings": "", "inspected_at": "2026-01-05T10:00", "deadline": ""}
    url = reverse("hub_directives:new", args=["inspection.result"])
    response = client.post(url, {**body, "subject_type": "listing", "subject_id__q": "海景大床房"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Directive.objects.get().payload["subject_id"] == "L-2"
    response = client.post(url, {**body, "subject_type": "subject", "subject_id__q": "海景大床房", "case_id": "C-10"})
    assert response.status_code == 302
    assert Directive.objects.get(payload__case_id="C-10").payload["subject_id"] == "pk-host-000001"


def test_the_form_shows_an_accessible_combobox(homestay, xiamen):
    page = xiamen.get(reverse("hub_directives:new", args=["recall.order"]),
                      {"platform": homestay.platform_id, "listing_ids": "L-2"}).content.decode()
    assert '<label for="id_platform_id">' in page
    assert 'id="id_platform_id" name="platform_id__q" value="鹭岛民宿"' in page
    assert ('role="combobox" aria-autocomplete="list" aria-expanded="false" '
            'aria-controls="id_platform_id_listbox"') in page
    assert 'role="listbox" id="id_listing_ids_listbox"' in page
    assert 'name="listing_ids" value="L-2"' in page and "海景大床房" in page
    assert "hub_facts/picker.js" in page


# --- enforcement: opening a case, ordering the platform of a case ------------------------------------------------

CASE = {"district_code": "350206", "source_kind": "manual", "summary": "海景房存在安全隐患"}


def test_a_case_about_a_listing_picked_by_title_takes_its_platform(homestay):
    from sharecity.hub.enforcement.models import Case

    client = english("huli-en", district_code="350206")
    response = client.post(reverse("hub_enforcement:case_new"),
                           {**CASE, "subject_kind": "listing", "subject_ref__q": "海景大床房"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    case = Case.objects.get()
    assert (case.subject_ref, case.platform_id) == ("L-2", homestay.platform_id)


def test_a_case_about_another_citys_listing_or_platform_is_refused(homestay, tianjin_platform):
    from sharecity.hub.enforcement.models import Case

    client = english("huli-en", district_code="350206")
    response = client.post(reverse("hub_enforcement:case_new"),
                           {**CASE, "subject_kind": "listing", "subject_ref__q": "海河景观房"})
    assert response.status_code == 400
    assert "Subject: no listing in your jurisdiction matches “海河景观房”" in response.text
    response = client.post(reverse("hub_enforcement:case_new"),
                           {**CASE, "subject_kind": "platform", "subject_ref": tianjin_platform.platform_id})
    assert response.status_code == 400 and "is no platform in your jurisdiction" in response.text
    # A provider's pseudonymous key the hub has not seen in a fact yet is taken as typed.
    response = client.post(reverse("hub_enforcement:case_new"), {
        **CASE, "platform_id": homestay.platform_id, "subject_kind": "person", "subject_ref__q": "pk-new-person-01"})
    assert response.status_code == 302
    assert Case.objects.get().subject_ref == "pk-new-person-01"


def test_a_recall_on_a_case_picks_the_cases_platforms_listings_by_title(homestay, tianjin_platform):
    from sharecity.hub.enforcement.models import CaseDirective
    from sharecity.hub.enforcement.services import case_open
    from sharecity.kernel.models import User

    client = english("huli-en", district_code="350206")
    case = case_open(actor=User.objects.get(username="huli-en"), city_code="350200", district_code="350206",
                     department="market_supervision", source_kind="manual", source_ref="", subject_kind="platform",
                     subject_ref=homestay.platform_id, platform_id=homestay.platform_id, summary="召回")
    url = reverse("hub_enforcement:directive", args=[case.public_id])
    body = {"kind": "recall", "legal_reference": LAW, "recall_id": "RC-9", "product": "电热水壶", "reason": "漏电"}
    refused = client.post(url, {**body, "listing_ids": ["TJ-1"]})
    assert refused.status_code == 400
    assert "Listings concerned: “TJ-1” is no listing of this platform in your jurisdiction" in refused.text
    assert client.post(url, {**body, "listing_ids__q": "大床房"}).status_code == 302
    sent = Directive.objects.get(message_id=CaseDirective.objects.get().directive_message_id)
    assert sent.payload["listing_ids"] == ["L-2"]


# --- inspection: a credit subject by name, not by its file's number ---------------------------------------------


def test_an_inspectors_connection_names_the_credit_subject_by_name(homestay, tianjin_platform):
    from sharecity.hub.credit.services import credit_subject_ensure
    from sharecity.hub.inspection.models import InspectorConnection
    from sharecity.hub.inspection.services import inspector_add
    from sharecity.kernel.models import User

    xiamen_firm = credit_subject_ensure(kind="enterprise", identifier=factories.credit_code(), name="鹭岛民宿有限公司",
                                        platform_id=homestay.platform_id)
    tianjin_firm = credit_subject_ensure(kind="enterprise", identifier=factories.credit_code(division="120101"),
                                         name="津门民宿有限公司", platform_id=tianjin_platform.platform_id)
    client = english("huli-en", district_code="350206")
    [item] = found(client, "credit_subjects", q="民宿有限")
    assert (item["key"], item["label"]) == (str(xiamen_firm.pk), "鹭岛民宿有限公司")
    assert found(officer("tj-credit", city_code="120100"), "credit_subjects", q="鹭岛") == []
    inspector = inspector_add(actor=User.objects.get(username="huli-en"), name="检查员甲", badge="HL-001")
    url = reverse("hub_inspection:inspectors")
    page = client.get(url).content.decode()
    assert 'name="subject_id__q"' in page and 'role="combobox"' in page
    body = {"inspector_id": inspector.pk, "reason": "亲属在该公司任职"}
    assert client.post(url, {**body, "subject_id__q": "鹭岛民宿有限"}).status_code == 302
    assert InspectorConnection.objects.get().subject_id == xiamen_firm.pk
    # Tianjin's file by its number: not found (its existence is not told); by name: no match; malformed: 400.
    assert client.post(url, {**body, "subject_id": str(tianjin_firm.pk)}).status_code == 404
    response = client.post(url, {**body, "subject_id__q": "津门民宿"})
    assert response.status_code == 404 and "Credit subject: no credit subject in your jurisdiction" in response.text
    assert client.post(url, {**body, "subject_id": "abc"}).status_code == 400
    assert InspectorConnection.objects.count() == 1
