"""What a listing shows about who offers it and the licences its vertical needs (《电子商务法》第十五条), on its page
and through the public API: masked identity, licence numbers, and "missing" / "not verified" said honestly."""

from __future__ import annotations

import uuid

import pytest

from sharecity.market.accounts.services import provider_verify
from sharecity.market.listings.models import ListingStatus
from sharecity.market.listings.selectors import listing_disclosure, masked_name
from tests import factories
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db

FOOD = "JY13502030012345"


def _ride(platform, provider, **fields):
    return make_listing(platform, provider, category_code="ride_hailing_trip", title="机场接送 舒适型网约车",
                        description="双证齐全", attributes={"vehicle_class": "comfort", "seats": 5,
                                                           "plate_number": "闽D5A2K8", "driving_years": 8},
                        **fields)


def _verified(platform, *, kind="person", name="陈晓明", number=None):
    user = factories.make_user(platform=platform)
    number = number or (factories.resident_id() if kind == "person" else factories.credit_code())
    provider_verify(actor=user, user=user, kind=kind, legal_name=name, id_number=number, platform=platform)
    return user, number


def test_a_persons_name_shows_the_surname_only_and_a_business_name_in_full():
    assert masked_name("陈晓明", kind="person") == "陈**"
    assert masked_name("欧阳", kind="person") == "欧*"
    assert masked_name("厦门鹭岛出行有限公司", kind="business") == "厦门鹭岛出行有限公司"


def test_a_verified_driver_shows_masked_identity_and_each_permit_or_missing(platform):
    driver, number = _verified(platform)
    listing = _ride(platform, driver, licences={"ride_hailing_vehicle_permit": "350200123456"})
    shown = listing_disclosure(listing)
    assert shown.verified and shown.name_masked == "陈**" and shown.kind == "person"
    assert shown.identity_masked == number[:4] + "*" * 10 + number[-4:] and number not in shown.identity_masked
    assert shown.business_licence == "individual_unregistered"
    states = {item.code: (item.state, item.number) for item in shown.licences}
    assert states == {"ride_hailing_vehicle_permit": ("given", "350200123456"),
                      "ride_hailing_driver_permit": ("missing", "")}
    assert not shown.complete


def test_an_unverified_provider_is_shown_as_not_verified(platform):
    stranger = factories.make_user(platform=platform)
    shown = listing_disclosure(make_listing(platform, stranger, category_code="community_goods", title="日用百货",
                                            attributes={"goods": ["household"], "delivery": "pickup"}))
    assert not shown.verified and shown.name_masked == "" and shown.identity_masked == ""
    assert shown.business_licence == "not_verified" and shown.licences == []


def test_a_food_licence_in_an_unusual_format_is_flagged_not_hidden(platform):
    shop, _number = _verified(platform, kind="business", name="厦门邻里生鲜有限公司")
    listing = make_listing(platform, shop, category_code="community_grocery", title="社区生鲜",
                           attributes={"goods": ["produce"], "delivery": "pickup"}, licences={"food_business_licence":
                                                                                               "食品123"})
    shown = listing_disclosure(listing)
    assert shown.name_masked == "厦门邻里生鲜有限公司" and shown.business_licence == "registered"
    [food] = shown.licences
    assert (food.state, food.number) == ("unusual_format", "食品123") and "第三十五条" in food.legal_reference


def test_the_listing_page_shows_the_disclosure(client, platform):
    driver, _number = _verified(platform)
    listing = _ride(platform, driver, licences={"ride_hailing_vehicle_permit": "350200123456"})
    page = client.get(f"/p/{platform.slug}/market/listings/{listing.public_id}/").content.decode()
    assert 'data-testid="disclosure"' in page and "陈**" in page and "实名认证" in page
    assert "350200123456" in page and 'data-state="missing"' in page and "缺失" in page
    assert "网络预约出租汽车经营服务管理暂行办法" in page and "电子商务法" in page
    english = client.get(f"/p/{platform.slug}/market/listings/{listing.public_id}/",
                         headers={"Accept-Language": "en"}).content.decode()
    assert "Real name verified" in english and "Missing" in english


# --- the public API ------------------------------------------------------------------------------------------------

URL = "/api/v1/catalog/listings/{}"


def test_the_api_returns_the_listing_with_its_disclosure(client, platform):
    driver, number = _verified(platform)
    listing = _ride(platform, driver, licences={"ride_hailing_vehicle_permit": "350200123456",
                                                "ride_hailing_driver_permit": "350200654321"})
    response = client.get(URL.format(listing.public_id), {"platform": platform.slug})
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "机场接送 舒适型网约车" and body["category"] == "ride_hailing_trip"
    assert body["provider"]["verified"] and body["provider"]["name_masked"] == "陈**"
    assert number not in response.content.decode() and "陈晓明" not in response.content.decode()
    assert {(item["code"], item["state"]) for item in body["licences"]} == {
        ("ride_hailing_vehicle_permit", "given"), ("ride_hailing_driver_permit", "given")}
    seats = next(row for row in body["attributes"] if row["name"] == "seats")
    assert (seats["label"], seats["value"]) == ("座位数", 5)
    vehicle_class = next(row for row in body["attributes"] if row["name"] == "vehicle_class")
    assert vehicle_class["value"] == "舒适型"
    english = client.get(URL.format(listing.public_id), {"platform": platform.slug},
                         headers={"Accept-Language": "en"}).json()
    assert next(row for row in english["licences"] if row["code"] == "ride_hailing_driver_permit")["label"] == \
        "Ride-hailing driver's permit"


@pytest.mark.parametrize("status", [ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.REMOVED])
def test_an_unpublished_listing_is_not_found(client, platform, status):
    driver, _number = _verified(platform)
    listing = _ride(platform, driver, status=status)
    response = client.get(URL.format(listing.public_id), {"platform": platform.slug})
    assert response.status_code == 404 and response.json()["field"] == "listing_id"


def test_another_platforms_listing_is_not_found_through_this_platform(client, platform):
    other = factories.make_platform()
    driver, _number = _verified(other)
    listing = _ride(other, driver)
    response = client.get(URL.format(listing.public_id), {"platform": platform.slug})
    assert response.status_code == 404 and response.json()["field"] == "listing_id"
    assert client.get(URL.format(listing.public_id), {"platform": other.slug}).status_code == 200


@pytest.mark.parametrize(("path", "query", "field"), [
    ("not-a-uuid", {"platform": "x"}, "listing_id"),
    (str(uuid.uuid4()), {}, "platform"),
    (str(uuid.uuid4()), {"platform": "p" * 200}, "platform"),
    (str(uuid.uuid4()), {"platform": "bad\x00slug"}, "platform"),
    (str(uuid.uuid4()), {"platform": "no-such-platform"}, "platform"),
])
def test_hostile_requests_answer_4xx_naming_the_field(client, platform, path, query, field):
    response = client.get(URL.format(path), query)
    assert 400 <= response.status_code < 500
    assert field in response.content.decode()
