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


# --- listing search -----------------------------------------------------------------------------------------

SEARCH = "/api/v1/catalog/listings"


@pytest.fixture
def shop(platform, provider):
    from tests.market.engine_factories import make_listing

    def listing(title, description, **fields):
        fields.setdefault("category_code", "lab_instruments")
        return make_listing(platform, provider, title=title, description=description, **fields)

    return {
        "cnc": listing("五轴数控加工 铝合金精密零件", "提供数控加工服务", category_code="equipment_rental",
                       price_fen=20_000, district_code="350206", latitude=24.4800, longitude=118.1100),
        "sem": listing("扫描电子显微镜 SEM", "场发射扫描电镜", price_fen=30_050, district_code="350203",
                       latitude=24.4550, longitude=118.0820),
        "room": listing("鼓浪屿海景民宿 双床房", "步行五分钟到码头", category_code="homestay", price_fen=45_000,
                        district_code="350203", latitude=24.4470, longitude=118.0670),
    }


def test_search_finds_words_with_prices_in_yuan_and_facets_over_every_match(client, platform, shop):
    body = client.get(SEARCH, {"platform": platform.slug, "text": "显微镜"}).json()
    assert body["total"] == 1 and body["items"][0]["title"] == shop["sem"].title
    hit = body["items"][0]
    assert (hit["price"], hit["district_code"], hit["district_name"]) == ("300.50", "350203", "思明区")
    body = client.get(SEARCH, {"platform": platform.slug, "limit": 1}).json()
    assert body["total"] == 3 and len(body["items"]) == 1 and body["next_offset"] == 1
    facets = {facet["value"]: facet["count"] for facet in body["facets"]["district"]}
    assert facets == {"350203": 2, "350206": 1}
    categories = {facet["value"]: facet for facet in body["facets"]["category"]}
    assert categories["homestay"]["count"] == 1 and categories["homestay"]["label"] == "民宿"


def test_search_filters_by_price_range_district_category_and_radius(client, platform, shop):
    def found(**query):
        body = client.get(SEARCH, {"platform": platform.slug, **query}).json()
        return {item["id"] for item in body["items"]}

    ids = {name: str(listing.public_id) for name, listing in shop.items()}
    assert found(price_min="250", price_max="400.00") == {ids["sem"]}
    assert found(district="350203") == {ids["sem"], ids["room"]}
    assert found(category="homestay") == {ids["room"]}
    assert found(lat=24.4545, lon=118.0810, km=1, sort="distance") == {ids["sem"]}
    # 思明 listings are within 2 km of Zhongshan Road, the 湖里 one about 4 km away.
    near = client.get(SEARCH, {"platform": platform.slug, "lat": 24.4545, "lon": 118.0810, "km": 3,
                               "sort": "distance"}).json()
    assert [item["id"] for item in near["items"]] == [ids["sem"], ids["room"]]
    assert near["items"][0]["distance_km"] < near["items"][1]["distance_km"]
    assert {facet["value"] for facet in near["facets"]["district"]} == {"350203"}


def test_search_shows_only_the_platforms_own_published_listings(client, platform, shop):
    from tests import factories

    other = factories.make_platform(slug="search-other")
    assert client.get(SEARCH, {"platform": other.slug}).json()["total"] == 0
    shop["room"].status = "removed"
    shop["room"].save(update_fields=["status"])
    assert client.get(SEARCH, {"platform": platform.slug, "text": "民宿"}).json()["total"] == 0


@pytest.mark.parametrize(("query", "status", "field"), [
    ({}, 422, "platform"),
    ({"platform": "nope"}, 404, "platform"),
    ({"text": "x" * 101}, 422, "text"),
    ({"text": "a\x00"}, 400, "text"),
    ({"price_min": "abc"}, 400, "price_min"),
    ({"price_min": "1.234"}, 400, "price_min"),
    ({"district": "999999"}, 400, "district"),
    ({"district": "35"}, 422, "district"),
    ({"category": "no-such"}, 404, "category"),
    ({"lat": 24.4, "lon": 118.1}, 400, "km"),
    ({"lat": 200, "lon": 118.1, "km": 1}, 422, "lat"),
    ({"km": 500, "lat": 24.4, "lon": 118.1}, 422, "km"),
    ({"starts_at": "2026-12-10T10:00:00"}, 400, "ends_at"),
    ({"starts_at": "2026-12-10T10:00:00", "ends_at": "2026-12-10T09:00:00"}, 400, "ends_at"),
    ({"sort": "random"}, 422, "sort"),
    ({"sort": "distance"}, 400, "sort"),
    ({"limit": 1000}, 422, "limit"),
    ({"offset": "many"}, 422, "offset"),
])
def test_bad_search_input_is_a_clear_4xx_naming_the_field(client, platform, query, status, field):
    query = {"platform": platform.slug, **query} if "platform" not in query and query != {} else query
    response = client.get(SEARCH, query)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field
