"""The public catalogue API: the tree, one category's schema, licences and process, in the reader's language,
and a platform's own view of it (what its operator enabled and added)."""

import pytest

from sharecity.market.catalog.models import Category
from sharecity.market.catalog.services import (
    platform_category_enable,
    platform_category_field_add,
    platform_category_process_set,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalog/categories"


def test_the_tree_lists_parents_before_children_in_chinese_first(client):
    response = client.get(URL)
    assert response.status_code == 200
    rows = response.json()
    codes = [row["code"] for row in rows]
    assert codes.index("lodging") < codes.index("homestay")
    homestay = next(row for row in rows if row["code"] == "homestay")
    assert (homestay["name"], homestay["parent"], homestay["depth"]) == ("民宿", "lodging", 1)
    assert homestay["price_unit"] == "night" and homestay["price_unit_label"] == "每晚"
    assert homestay["process"] == "request_to_book"
    assert len(rows) == Category.objects.filter(is_active=True).count()


def test_english_by_accept_language(client):
    rows = client.get(URL, headers={"Accept-Language": "en"}).json()
    homestay = next(row for row in rows if row["code"] == "homestay")
    assert homestay["name"] == "Homestays" and homestay["price_unit_label"] == "per night"


def test_one_category_shows_its_fields_licences_and_who_holds_them(client):
    body = client.get(f"{URL}/homestay").json()
    assert body["path"] == ["lodging", "homestay"]
    fields = {field["name"]: field for field in body["attributes"]}
    assert fields["room_type"]["required"] and fields["room_type"]["label"] == "房型"
    assert {"value": "entire", "label": "整套"} in fields["room_type"]["choices"]
    [licence] = body["licences"]
    assert licence["code"] == "special_industry_licence" and licence["holder"] == "listing"
    assert "旅馆业治安管理办法" in licence["legal_reference"]
    english = client.get(f"{URL}/homestay", headers={"Accept-Language": "en"}).json()
    fields = {field["name"]: field for field in english["attributes"]}
    assert fields["room_type"]["label"] == "Room type"
    assert {"value": "entire", "label": "entire home"} in fields["room_type"]["choices"]


def test_a_platforms_view_has_what_its_operator_enabled_added_and_chose(client, platform, operator):
    rental = Category.objects.get(code="equipment_rental")
    assert client.get(URL, {"platform": platform.slug}).json() == []
    assert client.get(f"{URL}/equipment_rental", {"platform": platform.slug}).status_code == 404
    platform_category_enable(actor=operator, platform=platform, category=rental, enabled=True)
    platform_category_field_add(actor=operator, platform=platform, category=rental, field={
        "name": "max_load_kg", "label_zh": "最大载重", "label_en": "Max. load", "type": "int", "unit": "kg",
        "required": True, "min": 1, "max": 5000})
    platform_category_process_set(actor=operator, platform=platform, category=rental, process="request_to_book")
    assert [row["code"] for row in client.get(URL, {"platform": platform.slug}).json()] == ["equipment_rental"]
    body = client.get(f"{URL}/equipment_rental", {"platform": platform.slug}).json()
    added = next(field for field in body["attributes"] if field["name"] == "max_load_kg")
    assert added["source"] == "platform" and added["unit"] == "kg" and added["max"] == 5000
    assert body["process"] == "request_to_book"
    # Without the platform, the city's catalogue: no field a platform added.
    plain = client.get(f"{URL}/equipment_rental").json()
    assert "max_load_kg" not in {field["name"] for field in plain["attributes"]}


@pytest.mark.parametrize(("path", "query", "status", "field"), [
    ("/no-such-category", {}, 404, "code"),
    ("/" + "x" * 300, {}, 404, "code"),
    ("/homestay%00", {}, 400, "code"),
    ("", {"platform": "no-such-platform"}, 404, "platform"),
    ("", {"platform": "Bad Slug!"}, 422, "platform"),
    ("", {"platform": "p" * 65}, 422, "platform"),
    ("/homestay", {"platform": "a\x01b"}, 400, "platform"),
])
def test_bad_input_is_a_clear_4xx_naming_the_field(client, path, query, status, field):
    response = client.get(URL + path, query)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field


def test_an_inactive_category_is_not_shown(client):
    Category.objects.filter(code="homestay").update(is_active=False)
    assert client.get(f"{URL}/homestay").status_code == 404
    assert "homestay" not in {row["code"] for row in client.get(URL).json()}
