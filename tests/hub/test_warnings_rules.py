"""The warning rules as plain functions of the facts, with dated examples.

The discount examples follow the rule of 《规范促销行为暂行规定》(总局令第32号, in force 2020-12-01) 第十九条 and
《明码标价和禁止价格欺诈规定》(总局令第56号) 第十三条: a discount with no stated base is measured from the lowest
price of the seven days before it."""

from __future__ import annotations

import datetime as dt

from sharecity.hub.warnings.feed import Complaint, Facts, Listing, Order, Review
from sharecity.hub.warnings.policy import DEFAULTS
from sharecity.hub.warnings.rules import (
    cancellation_burst,
    complaint_rate,
    deposit_kept,
    deposit_overdue,
    false_discount,
    outlier,
    reposted_listing,
    review_ring,
    robust_z,
    unlicensed_homestay,
)

PARAMS = {row["rule"]: row["params"] for row in DEFAULTS}
TZ = dt.timezone(dt.timedelta(hours=8))
SIMING, HULI = "350203", "350206"


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


def listing(prices: list[tuple[str, int]], **fields) -> Listing:
    values = {"platform_id": "p1", "listing_id": "L1", "category": "homestay", "district": SIMING,
              "provider_key": "id-host", "title": "鼓浪屿海景房", **fields}
    item = Listing(**values)
    item.prices = [(at(day), price) for day, price in prices]
    item.published = [item.prices[0][0]] if item.prices else []
    return item


def facts_of(*listings: Listing, orders: list[Order] = (), reviews=(), complaints=()) -> Facts:
    facts = Facts()
    for item in listings:
        facts.listings[item.platform_id, item.listing_id] = item
    for order in orders:
        facts.orders[order.platform_id, order.order_id] = order
    facts.reviews.extend(reviews)
    facts.complaints.extend(complaints)
    return facts


# --- false discounts -------------------------------------------------------------------------------------------

def test_a_cut_three_days_after_a_raise_is_a_discount_from_a_price_not_held_seven_days():
    # 100 yuan since February; 150 on 1 March 2023; "30% off" at 105 on 4 March: the lowest price of the
    # seven days before the cut was 100, so the discount's base (150) is false.
    facts = facts_of(listing([("2023-02-01", 10_000), ("2023-03-01", 15_000), ("2023-03-04", 10_500)]))
    [finding] = false_discount(facts, PARAMS["false_discount"], at("2023-03-31"))
    assert finding.subject_kind == "listing" and finding.subject_ref == "L1"
    assert finding.city_code == "350200" and finding.district_code == SIMING
    assert "100.00" in finding.explanation["zh"] and "第十九条" in finding.explanation["zh"]
    assert "lowest price of the seven days before the cut was 100.00 yuan" in finding.explanation["en"]
    assert [item["kind"] for item in finding.evidence] == ["listing.changed", "listing.changed"]


def test_a_cut_after_the_raised_price_held_seven_days_is_a_real_discount():
    facts = facts_of(listing([("2023-02-01", 10_000), ("2023-03-01", 15_000), ("2023-03-09", 10_500)]))
    assert false_discount(facts, PARAMS["false_discount"], at("2023-03-31")) == []


def test_ordinary_price_changes_raise_nothing():
    facts = facts_of(listing([("2023-02-01", 10_000), ("2023-02-02", 11_000), ("2023-02-03", 9_500),
                              ("2023-02-04", 10_500)]))
    assert false_discount(facts, PARAMS["false_discount"], at("2023-03-31")) == []


def test_a_cut_after_the_scan_moment_is_not_seen_yet():
    facts = facts_of(listing([("2023-02-01", 10_000), ("2023-03-01", 15_000), ("2023-03-04", 10_500)]))
    assert false_discount(facts, PARAMS["false_discount"], at("2023-03-02")) == []


# --- review rings ------------------------------------------------------------------------------------------------

def order(oid: str, customer: str, provider: str, *, day: str = "2026-11-02", district: str = SIMING,
          **fields) -> Order:
    return Order(platform_id="p1", order_id=oid, listing_id="L-" + provider, category="second_hand",
                 district=district, customer_key=customer, provider_key=provider, created_at=at(day),
                 ends_at=at(day, 18), **fields)


def test_accounts_that_buy_from_each_other_are_a_ring_one_warning_each():
    orders = [order("o1", "id-a", "id-b"), order("o2", "id-b", "id-a"), order("o3", "id-b", "id-c"),
              order("o4", "id-c", "id-b"), order("o5", "id-x", "id-a")]
    reviews = [Review("p1", f"r{n}", f"o{n}", "customer", 5, at("2026-11-03")) for n in (1, 2, 3, 4)]
    findings = review_ring(facts_of(orders=orders, reviews=reviews), PARAMS["review_ring"], at("2026-11-30"))
    assert sorted(f.subject_ref for f in findings) == ["id-a", "id-b", "id-c"]
    assert all("4 orders" in f.explanation["en"] and "4 five-star" in f.explanation["en"] for f in findings)
    assert {e["ref"] for e in findings[0].evidence} == {"p1/o1", "p1/o2", "p1/o3", "p1/o4"}


def test_customers_who_never_sell_are_no_ring():
    orders = [order("o1", "id-a", "id-b"), order("o2", "id-a", "id-b"), order("o3", "id-c", "id-b")]
    assert review_ring(facts_of(orders=orders), PARAMS["review_ring"], at("2026-11-30")) == []


# --- deposits ---------------------------------------------------------------------------------------------------

def test_a_whole_deposit_kept_is_raised_and_a_repeat_is_high():
    kept = [order(f"o{n}", "id-c", "id-p", deposit_held_fen=50_000, deposit_deducted_fen=50_000,
                  settled_at=at("2026-11-05")) for n in (1, 2)]
    partly = order("o3", "id-c", "id-q", deposit_held_fen=50_000, deposit_deducted_fen=10_000,
                   deposit_returned_fen=40_000, settled_at=at("2026-11-05"))
    findings = deposit_kept(facts_of(orders=[*kept, partly]), PARAMS["deposit_kept"], at("2026-11-30"))
    assert sorted(f.subject_ref for f in findings) == ["o1", "o2"]
    assert {f.severity for f in findings} == {"high"}
    assert "电子商务法》第二十一条" in findings[0].explanation["zh"]


def test_a_deposit_not_back_seven_days_after_the_end_is_overdue():
    # 《电子商务法》(in force 2019-01-01) 第二十一条: refunded in time once its conditions are met.
    held = order("o1", "id-c", "id-p", day="2026-11-01", deposit_held_fen=50_000)
    back = order("o2", "id-c", "id-p", day="2026-11-01", deposit_held_fen=50_000, deposit_returned_fen=50_000,
                 settled_at=at("2026-11-03"))
    findings = deposit_overdue(facts_of(orders=[held, back]), PARAMS["deposit_overdue"], at("2026-11-09"))
    assert [f.subject_ref for f in findings] == ["o1"] and "not been returned" in findings[0].explanation["en"]
    assert deposit_overdue(facts_of(orders=[held]), PARAMS["deposit_overdue"], at("2026-11-07")) == []


# --- reposted listings and unlicensed homestays --------------------------------------------------------------------

def test_a_listing_removed_by_the_platform_and_posted_again_is_raised():
    removed = listing([("2026-11-01", 30_000)], listing_id="L-old")
    removed.removals = [(at("2026-11-03"), "platform")]
    again = listing([("2026-11-05", 30_000)], listing_id="L-new", title=" 鼓浪屿 海景房")
    withdrawn = listing([("2026-11-01", 20_000)], listing_id="L-w", title="别的房", provider_key="id-other")
    withdrawn.removals = [(at("2026-11-02"), "provider")]
    back = listing([("2026-11-06", 20_000)], listing_id="L-w2", title="别的房", provider_key="id-other")
    findings = reposted_listing(facts_of(removed, again, withdrawn, back), PARAMS["reposted_listing"],
                                at("2026-11-30"))
    assert [f.subject_ref for f in findings] == ["L-new"]
    assert findings[0].evidence[0]["ref"] == "p1/L-old"


def test_a_homestay_of_a_provider_without_a_licence_is_raised():
    unlicensed = listing([("2026-11-01", 30_000)], listing_id="L-u", provider_key="id-u")
    licensed = listing([("2026-11-01", 30_000)], listing_id="L-l", provider_key="id-l")
    parking = listing([("2026-11-01", 800)], listing_id="L-p", provider_key="id-u", category="parking")
    findings = unlicensed_homestay(facts_of(unlicensed, licensed, parking), PARAMS["unlicensed_homestay"],
                                   at("2026-11-30"), licensed={("350200", "id-l")})
    assert [f.subject_ref for f in findings] == ["L-u"] and "第四条" in findings[0].explanation["zh"]


# --- complaint rates and cancellations ------------------------------------------------------------------------------

def test_a_district_whose_complaint_rate_jumps_is_raised_and_a_steady_one_is_not():
    orders = [order(f"b{n}", f"id-c{n}", "id-p", day=f"2026-10-{10 + n % 20:02d}") for n in range(100)]
    orders += [order(f"w{n}", f"id-d{n}", "id-p", day="2026-11-25") for n in range(40)]
    complaints = [Complaint("p1", "cb", "b1", "second_hand", SIMING, at("2026-10-20"))]
    complaints += [Complaint("p1", f"cw{n}", f"w{n}", "second_hand", SIMING, at("2026-11-26")) for n in range(8)]
    findings = complaint_rate(facts_of(orders=orders, complaints=complaints), PARAMS["complaint_rate"],
                              at("2026-11-30", 12))
    kinds = {(f.subject_kind, f.subject_ref) for f in findings}
    assert ("district", SIMING) in kinds and ("platform", "p1") in kinds and ("category", "second_hand") in kinds
    district = next(f for f in findings if f.subject_kind == "district")
    assert district.district_code == SIMING and "20.0%" in district.explanation["en"]
    steady = [Complaint("p1", f"cs{n}", f"b{n}", "second_hand", SIMING, at("2026-10-20")) for n in range(25)]
    steady += complaints[1:3]
    assert complaint_rate(facts_of(orders=orders, complaints=steady), PARAMS["complaint_rate"],
                          at("2026-11-30", 12)) == []


def test_a_day_of_many_cancellations_is_a_burst():
    orders = [order(f"o{n}", f"id-c{n}", "id-p", day="2026-11-01", cancelled_at=at(f"2026-11-{1 + n:02d}"))
              for n in range(20)]
    orders += [order(f"x{n}", f"id-x{n}", "id-p", day="2026-11-22", cancelled_at=at("2026-11-22"))
               for n in range(9)]
    findings = cancellation_burst(facts_of(orders=orders), PARAMS["cancellation_burst"], at("2026-11-30"))
    assert [f.dedupe_key for f in findings] == [f"cancellation_burst:p1:{SIMING}:2026-11-22"]


# --- the statistical detector ---------------------------------------------------------------------------------------

def test_robust_z_falls_back_when_most_values_are_equal():
    assert 5 < robust_z([0, 0, 0, 0, 0, 0, 1])[-1] < 6  # 1 / (1.2533 × 1/7)
    assert robust_z([3, 3, 3]) == [0.0, 0.0, 0.0]
    assert abs(robust_z([1, 2, 3, 4, 100])[-1]) > 30


def test_a_provider_far_from_the_rest_is_an_outlier():
    orders = [order(f"o{p}-{n}", f"id-c{p}-{n}", f"id-p{p}") for p in range(12) for n in range(6)]
    orders += [order(f"k{n}", f"id-k{n}", "id-keeper", deposit_held_fen=50_000, deposit_deducted_fen=50_000,
                     settled_at=at("2026-11-05")) for n in range(6)]
    orders += [order(f"g{n}", f"id-g{n}", "id-p0", deposit_held_fen=50_000, deposit_returned_fen=50_000,
                     settled_at=at("2026-11-05")) for n in range(6)]
    findings = outlier(facts_of(orders=orders), PARAMS["outlier"], at("2026-11-30"))
    assert [f.subject_ref for f in findings] == ["id-keeper"]
    assert findings[0].evidence[0]["ref"] == "deposit_kept_share"
