"""The pure detector of suspicious review patterns, over plain data."""

from __future__ import annotations

import datetime as dt

from sharecity.market.reviews.detect import ReviewFact, Thresholds, bursts, detect, network_of, rings

T0 = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
_ids = iter(range(1, 10_000))


def fact(author, subject, *, minutes=0, order=None, ip=None, device=""):
    review_id = next(_ids)
    return ReviewFact(review_id=review_id, author_id=author, subject_id=subject, order_id=order or review_id,
                      created_at=T0 + dt.timedelta(minutes=minutes), ip=ip, device=device)


def trades(a, b, times):
    """``times`` orders between a and b, each reviewed by both sides."""
    out = []
    for n in range(times):
        order = 1000 + a * 100 + b * 10 + n
        out += [fact(a, b, minutes=n * 600, order=order), fact(b, a, minutes=n * 600 + 1, order=order)]
    return out


def test_two_accounts_rating_each_other_again_and_again_are_a_ring():
    found = rings(trades(1, 2, 3))
    assert [(f.kind, f.accounts, f.key) for f in found] == [("ring", (1, 2), "accounts:1,2")]
    assert found[0].detail["reviews"] == 6 and found[0].detail["insularity_percent"] == 100


def test_a_triangle_of_accounts_trading_in_turn_is_a_ring():
    facts = []
    for n in range(2):
        facts += [fact(1, 2, order=10 + n), fact(2, 3, order=20 + n), fact(3, 1, order=30 + n)]
    assert [f.accounts for f in rings(facts)] == [(1, 2, 3)]


def test_a_new_provider_with_three_one_off_customers_is_not_a_ring():
    facts = trades(1, 2, 1) + trades(1, 3, 1) + trades(1, 4, 1)
    assert rings(facts) == []


def test_a_provider_with_many_different_customers_is_not_a_ring():
    facts = []
    for customer in range(10, 20):
        facts += [fact(customer, 1), fact(1, customer)]
    assert rings(facts) == []


def test_one_ordinary_order_reviewed_by_both_sides_is_not_a_ring():
    assert rings(trades(1, 2, 1)) == []


def test_a_group_that_also_reviews_outsiders_is_not_insular_enough():
    facts = trades(1, 2, 3) + [fact(1, 50 + n) for n in range(5)] + [fact(2, 60 + n) for n in range(5)]
    # 6 reviews among themselves of 16 written: 38 %, so the pair is no ring.
    assert rings(facts) == []
    assert len(rings(facts, Thresholds(ring_min_insularity=0.3))) == 1


def test_five_reviews_by_several_accounts_from_one_device_within_an_hour_are_a_burst():
    facts = [fact(100 + n, 1, minutes=n * 10, device="dev-A") for n in range(5)]
    found = bursts(facts)
    assert [(f.kind, len(f.review_ids), f.accounts) for f in found] == [("device_burst", 5, (100, 101, 102, 103, 104))]
    assert found[0].key == f"dev-A@{facts[0].review_id}"


def test_the_same_reviews_spread_over_hours_are_no_burst():
    assert bursts([fact(100 + n, 1, minutes=n * 20, device="dev-A") for n in range(5)]) == []


def test_four_reviews_are_below_the_threshold():
    assert bursts([fact(100 + n, 1, minutes=n, device="dev-A") for n in range(4)]) == []


def test_one_account_reviewing_many_orders_from_its_phone_is_no_burst():
    assert bursts([fact(100, n, minutes=n, device="dev-A") for n in range(8)]) == []


def test_reviews_from_one_network_are_a_burst_even_from_different_devices():
    facts = [fact(100 + n, 1, minutes=n, ip=f"203.0.113.{10 + n}", device=f"dev-{n}") for n in range(5)]
    found = bursts(facts)
    assert [(f.kind, f.detail["source"]) for f in found] == [("network_burst", "203.0.113.0/24")]


def test_networks_are_slash_24_and_slash_48():
    assert network_of("198.51.100.77") == "198.51.100.0/24"
    assert network_of("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert network_of("") is None and network_of("not an address") is None


def test_a_growing_burst_keeps_its_key():
    facts = [fact(100 + n, 1, minutes=n, device="dev-B") for n in range(5)]
    first = bursts(facts)[0]
    facts.append(fact(200, 1, minutes=30, device="dev-B"))
    again = bursts(facts)[0]
    assert again.key == first.key and len(again.review_ids) == 6


def test_detect_reports_rings_and_bursts_together():
    facts = trades(1, 2, 3) + [fact(100 + n, 9, minutes=n, device="dev-C") for n in range(5)]
    assert sorted(f.kind for f in detect(facts)) == ["device_burst", "ring"]
