"""Demo data a local would believe (issue 16): every address on a road of the district its record names, every
capacity within what such a place holds, every platform that lists something with completed orders and reviews
from both sides, long-term rentals priced per month, and the two parking systems explained where they are entered."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sharecity.kernel.districts import district_get
from sharecity.market.listings.models import Listing
from sharecity.market.orders.models import Order
from sharecity.market.parking.models import Booking, BookingState, ParkingSpace
from sharecity.market.platforms.models import Platform
from sharecity.market.reviews.models import Review
from sharecity.sim.demo import demo_load

pytestmark = pytest.mark.django_db

CITY_NAMES = {"3502": "厦门市", "1201": "天津市"}

# The most that one listing of each category can plausibly take at once (its capacity): one machine, room,
# instrument, car, guide or parking space; courts, stylists, beds, places and class seats as a real one has;
# stock of goods as a small shop or workshop keeps, and a household's few of the same thing second-hand.
CAPACITY_BOUNDS = {
    "cnc_machining": 2, "injection_moulding": 10_000, "printing_3d": 200, "sheet_metal": 1_000, "equipment_rental": 3,
    "lab_instruments": 1, "testing_services": 50, "skills_tasks": 1, "translation": 10, "part_time_experts": 1,
    "shared_employees": 50, "interest_courses": 15, "vocational_training": 50, "online_consultation": 50,
    "offpeak_parking": 1, "homestay": 1, "short_rental": 1, "house_cleaning": 5, "nanny": 1, "elderly_home_care": 5,
    "elderly_day_care": 100, "childcare_centre": 100, "babysitting": 1, "meal_delivery": 200, "shared_kitchen": 10,
    "second_hand": 3, "second_hand_electronics": 1, "sports_venues": 10, "high_risk_sports": 12,
    "culture_venues": 1, "tour_guides": 1, "ride_hailing_trip": 1, "bike_fleet_zone": 5_000, "hair_salon": 10,
    "beauty_salon": 10, "laundry_service": 100, "appliance_repair": 10, "home_repair": 10,
    "community_grocery": 500, "community_goods": 500, "rental_home": 1, "rental_apartment": 1,
}
# Where an attribute counts what is booked, the capacity is no more than it (four courts: four bookings at once).
COUNTED_BY = {"sports_venues": "courts", "hair_salon": "stylists", "beauty_salon": "beds",
              "elderly_day_care": "beds", "childcare_centre": "places", "shared_kitchen": "stations",
              "interest_courses": "class_size", "shared_employees": "headcount", "bike_fleet_zone": "fleet_size"}


def _address_fits(address: str, district_code: str) -> bool:
    return (address.startswith(CITY_NAMES[district_code[:4]])
            and district_get(district_code).name_zh in address and any(road in address for road in "路道街"))


def test_the_demo_is_believable():
    demo_load()
    listings = list(Listing.objects.select_related("category", "platform"))
    spaces = list(ParkingSpace.objects.select_related("platform"))
    assert listings and spaces

    misplaced = [(item.title, item.district_code, item.address) for item in [*listings, *spaces]
                 if not _address_fits(item.address, item.district_code)]
    assert not misplaced

    too_big = [(listing.title, listing.capacity) for listing in listings
               if listing.capacity > CAPACITY_BOUNDS[listing.category.code]]
    assert not too_big
    over_count = [(listing.title, listing.capacity) for listing in listings if listing.category.code in COUNTED_BY
                  and listing.capacity > listing.attributes[COUNTED_BY[listing.category.code]]]
    assert not over_count
    for listing in listings:
        if "max_guests" in listing.attributes:  # two guests to a bedroom, and a sofa bed at most
            assert listing.attributes["max_guests"] <= 2 * max(listing.attributes["bedrooms"], 1) + 1, listing.title
    for listing in listings:
        if listing.category.sector == "long_term_rental":
            assert listing.price_unit == "month" and listing.price_fen >= 100_000, listing.title  # ¥1,000 a month up
            assert listing.deposit_fen == listing.price_fen * listing.attributes["deposit_months"]

    listed = {listing.platform for listing in listings} | {space.platform for space in spaces}
    assert {platform.slug for platform in listed} == {"ludao-share", "jinmen-life", "ludao-parking", "jinmen-parking"}
    for platform in listed:
        orders = Order.objects.filter(platform=platform, completed_at__isnull=False)
        bookings = Booking.objects.filter(platform=platform, state=BookingState.COMPLETED)
        assert orders.exists() or bookings.exists(), platform.slug
        reviews = Review.objects.filter(platform=platform)
        assert set(reviews.values_list("author_role", flat=True)) >= {"customer", "provider"}, platform.slug
    for platform in Platform.objects.exclude(pk__in=[platform.pk for platform in listed]):
        assert set(platform.sectors) == {"bike_sharing"}  # fleet-only: their page says what they do instead


def test_both_parking_entry_pages_explain_the_two_parking_systems_and_bike_platforms_their_fleet():
    demo_load()
    for language, heading, fleet in (("zh-hans", "共享停车的两种方式", "共享单车车队"),
                                     ("en", "Two ways to share parking", "shared-bike fleet")):
        client = Client(headers={"accept-language": language})
        parking = client.get(reverse("parking:platform", args=["ludao-parking"])).content.decode()
        assert 'data-testid="parking-systems"' in parking and heading in parking
        category = Listing.objects.get(platform__slug="ludao-share", category__code="offpeak_parking")
        market = client.get(reverse("orders:search", args=["ludao-share"]),
                            {"category": "offpeak_parking"}).content.decode()
        assert 'data-testid="parking-systems"' in market and heading in market
        page = client.get(reverse("orders:listing", args=["ludao-share", category.public_id])).content.decode()
        assert heading in page
        other = client.get(reverse("orders:search", args=["ludao-share"]), {"category": "homestay"}).content.decode()
        assert 'data-testid="parking-systems"' not in other
        bikes = client.get(reverse("parking:platform", args=["ludao-bike"])).content.decode()
        assert 'data-testid="fleet-only"' in bikes and fleet in bikes and 'data-testid="search-form"' not in bikes
