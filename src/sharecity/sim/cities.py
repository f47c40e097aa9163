"""City profiles as data: districts with their populations, the platforms of the sharing economy,
and how people use each kind of service through the day and the week.

Populations are the resident populations of the 2020 seventh national census by district, read from
``kernel.population`` (the one copy, with its sources; the hub's per-10,000-residents indicators use it
too). District codes are GB/T 2260 (``kernel.districts``). The simulator only uses the populations'
proportions: ``--scale`` sets how many people act.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sharecity.kernel.population import city_population

# The census the simulated cities are drawn from (fixed, so a seed gives the same city whatever the day).
CENSUS_DAY = dt.date(2020, 11, 1)

# --- daily and weekly rhythms ----------------------------------------------------------------------
# Relative weight of each hour (city time, 0..23) at which people place orders of a kind.
HOURS: dict[str, tuple[int, ...]] = {
    # evening peak: people plan tomorrow's parking, a night out, a sports court after work
    "evening": (1, 0, 0, 0, 0, 1, 2, 4, 5, 4, 4, 4, 5, 4, 4, 4, 5, 7, 9, 12, 13, 11, 7, 3),
    # weekday daytime: households book cleaning and care while at work, labs book during office hours
    "daytime": (0, 0, 0, 0, 0, 0, 1, 3, 7, 10, 10, 9, 6, 8, 9, 9, 8, 6, 4, 3, 2, 1, 1, 0),
    # meals: ordered before lunch and dinner
    "meals": (0, 0, 0, 0, 0, 0, 1, 2, 2, 3, 7, 14, 10, 3, 2, 2, 4, 10, 12, 6, 3, 2, 1, 0),
    # leisure browsing: lunch break and late evening
    "leisure": (1, 1, 0, 0, 0, 0, 1, 2, 3, 4, 4, 5, 7, 5, 4, 4, 4, 5, 7, 9, 11, 12, 9, 4),
}
# Relative weight of each weekday (Monday = 0).
WEEK: dict[str, tuple[float, ...]] = {
    "weekend": (0.6, 0.6, 0.7, 0.8, 1.4, 1.8, 1.3),  # homestays, venues, courses: Friday and Saturday
    "weekday": (1.2, 1.2, 1.2, 1.2, 1.1, 0.5, 0.4),  # housekeeping, labs, production
    "flat": (1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.1),
}


@dataclass(frozen=True)
class LeafProfile:
    """How a leaf category of the market's catalog is used."""

    code: str
    weight: float  # share of the city's daily orders
    hours: str  # HOURS key: when orders are placed
    week: str  # WEEK key: on which days the service is used
    use_hours: tuple[int, ...] = (10,)  # start hours (city time) of hourly services
    lead_days: tuple[int, int] = (0, 3)  # booked this many days ahead
    units: tuple[int, int] = (1, 3)  # hours, days or nights per order
    stock: int = 1  # capacity of one listing (pieces in stock, seats at the same hour)


LEAVES: dict[str, LeafProfile] = {leaf.code: leaf for leaf in (
    LeafProfile("offpeak_parking", 14, "evening", "weekday", use_hours=(8, 9, 18, 19, 20), units=(2, 8), stock=1),
    LeafProfile("homestay", 7, "leisure", "weekend", lead_days=(1, 21), units=(1, 3), stock=2),
    LeafProfile("short_rental", 5, "leisure", "weekend", lead_days=(1, 14), units=(1, 4), stock=2),
    LeafProfile("house_cleaning", 10, "daytime", "weekday", use_hours=(9, 10, 14, 15), units=(2, 4), stock=2),
    LeafProfile("nanny", 2, "daytime", "weekday", lead_days=(2, 10), units=(1, 5)),
    LeafProfile("elderly_home_care", 5, "daytime", "weekday", use_hours=(9, 10, 14, 15, 16), units=(1, 3),
                stock=2),
    LeafProfile("elderly_day_care", 3, "daytime", "weekday", lead_days=(1, 7), units=(1, 1), stock=10),
    LeafProfile("childcare_centre", 3, "daytime", "weekday", lead_days=(1, 7), units=(1, 1), stock=10),
    LeafProfile("babysitting", 3, "evening", "weekend", use_hours=(18, 19, 20), units=(2, 4)),
    LeafProfile("lab_instruments", 3, "daytime", "weekday", use_hours=(9, 10, 13, 14, 15), units=(1, 4)),
    LeafProfile("testing_services", 2, "daytime", "weekday", stock=20),
    LeafProfile("cnc_machining", 2, "daytime", "weekday", use_hours=(8, 13, 19), lead_days=(1, 7), units=(2, 6)),
    LeafProfile("equipment_rental", 3, "daytime", "weekday", lead_days=(1, 7), units=(1, 3)),
    LeafProfile("printing_3d", 2, "daytime", "flat", stock=50),
    LeafProfile("part_time_experts", 2, "daytime", "weekday", use_hours=(9, 14, 16), lead_days=(1, 7),
                units=(1, 3)),
    LeafProfile("interest_courses", 3, "leisure", "weekend", stock=30),
    LeafProfile("meal_delivery", 12, "meals", "flat", stock=200),
    LeafProfile("shared_kitchen", 2, "daytime", "flat", use_hours=(9, 14, 16), units=(2, 4)),
    LeafProfile("second_hand", 8, "leisure", "flat", stock=3),
    LeafProfile("second_hand_electronics", 4, "leisure", "flat", stock=2),
    LeafProfile("sports_venues", 6, "evening", "weekend", use_hours=(18, 19, 20, 21), units=(1, 2), stock=2),
)}


@dataclass(frozen=True)
class PlatformProfile:
    key: str  # the slug is "sim<run>-<city>-<key>"
    name: str
    tops: tuple[str, ...]  # top-level catalog categories the platform enables
    leaves: tuple[str, ...]  # the leaves its providers list in


@dataclass(frozen=True)
class CityProfile:
    key: str
    code: str  # GB/T 2260 code of the city
    name: str
    districts: tuple[tuple[str, int], ...]  # (district code, resident population)
    platforms: tuple[PlatformProfile, ...]
    id_region: str  # region of the simulated residents' ID numbers (valid for people born 1970-1999)
    credit_region: str  # registration authority in the platforms' credit codes
    regulator_department: str

    @property
    def population(self) -> int:
        return sum(population for _code, population in self.districts)


def _platforms(prefix: str) -> tuple[PlatformProfile, ...]:
    return (
        PlatformProfile("parking", f"{prefix}错峰停车", ("parking",), ("offpeak_parking",)),
        PlatformProfile("stay", f"{prefix}民宿短租", ("lodging",), ("homestay", "short_rental")),
        PlatformProfile("care", f"{prefix}家政养老育幼", ("housekeeping", "elderly_care", "child_care"),
                        ("house_cleaning", "nanny", "elderly_home_care", "elderly_day_care", "childcare_centre",
                         "babysitting")),
        PlatformProfile("make", f"{prefix}科研仪器与产能共享", ("research", "production", "talent", "education"),
                        ("lab_instruments", "testing_services", "cnc_machining", "equipment_rental", "printing_3d",
                         "part_time_experts", "interest_courses")),
        PlatformProfile("life", f"{prefix}闲置餐饮文体", ("idle_goods", "catering", "culture_sports"),
                        ("meal_delivery", "shared_kitchen", "second_hand", "second_hand_electronics",
                         "sports_venues")),
    )


CITIES: dict[str, CityProfile] = {
    "xiamen": CityProfile(
        key="xiamen", code="350200", name="厦门市",
        districts=city_population("350200", CENSUS_DAY),
        platforms=_platforms("鹭岛"), id_region="350200", credit_region="350200",
        regulator_department="厦门市发展和改革委员会",
    ),
    "tianjin": CityProfile(
        key="tianjin", code="120100", name="天津市",
        districts=city_population("120100", CENSUS_DAY),
        platforms=_platforms("津门"), id_region="120101", credit_region="120101",
        regulator_department="天津市发展和改革委员会",
    ),
}

# People per simulated provider and consumer, and orders a day, per resident at scale 1.
RESIDENTS_PER_CONSUMER = 2_500
RESIDENTS_PER_PROVIDER = 25_000
RESIDENTS_PER_DAILY_ORDER = 30_000

# Misconduct injected by default (``--misconduct`` JSON overrides any of them).
MISCONDUCT_DEFAULTS: dict[str, float] = {
    "fake_review_rings": 1,  # rings of accounts in the city (at scale 1; at least one when > 0)
    "ring_size": 4,  # accounts per ring
    "ring_orders_per_day": 2,  # orders a ring places among its members each day
    "price_fraud_per_day": 0.5,  # listings whose price is raised before a "discount"
    "unlicensed_homestays_per_day": 0.3,  # homestays listed without a valid special-industry licence
    "deposit_kept_share": 0.15,  # share of returned rentals whose provider deducts the whole deposit
    "reposts_per_day": 0.3,  # listings removed by the platform and posted again by the same provider
    "blacklisted_providers": 1,  # people on the serious-dishonesty list who try to become providers
    "deposit_delayed_share": 0.05,  # share of rentals whose provider records the return days late
    "service_failures_per_day": 0.05,  # a platform's service fails in a district for a week: complaints pile up
    "cancellation_waves_per_day": 0.05,  # a platform's providers in a district cancel their bookings in one day
    "cancellation_wave_min_bookings": 5,  # bookings ahead a district needs for a wave (fewer: no wave that day)
}
