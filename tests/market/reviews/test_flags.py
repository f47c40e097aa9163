"""Suspicious patterns found on review submission and listed for the platform's moderators."""

from __future__ import annotations

import pytest

from sharecity.market.reviews.errors import NotOperator
from sharecity.market.reviews.models import ReviewFlag
from sharecity.market.reviews.selectors import flags_of_platform
from sharecity.market.reviews.services import flag_close, review_submit
from tests import factories
from tests.market.engine_factories import make_listing
from tests.market.reviews.trust import make_order

pytestmark = pytest.mark.django_db


def test_two_accounts_trading_and_rating_each_other_are_flagged_as_a_ring(platform, provider, customer):
    listing = make_listing(platform, provider)
    for _n in range(3):
        order = make_order(platform, provider, customer, listing=listing)
        review_submit(actor=customer, order=order, rating=5, comment="好评")
        review_submit(actor=provider, order=order, rating=5, comment="好评")
    flag = ReviewFlag.objects.get(platform=platform)
    assert flag.kind == "ring"
    assert flag.detail["accounts"] == sorted([provider.pk, customer.pk])
    assert flag.reviews.count() == 6
    assert list(flags_of_platform(platform=platform)) == [flag]


def test_ordinary_trade_raises_no_flag(platform, provider):
    listing = make_listing(platform, provider)
    for n in range(6):
        customer = factories.make_user()
        order = make_order(platform, provider, customer, listing=listing)
        review_submit(actor=customer, order=order, rating=4, ip=f"198.51.{n}.7", device=f"phone-{n}")
        review_submit(actor=provider, order=order, rating=5, ip="192.0.2.1", device="provider-laptop")
    assert not ReviewFlag.objects.exists()


def test_a_burst_from_one_device_is_flagged_and_grows(platform, provider, operator):
    listing = make_listing(platform, provider)

    def one_more():
        customer = factories.make_user()
        order = make_order(platform, provider, customer, listing=listing)
        return review_submit(actor=customer, order=order, rating=5, ip="100.64.1.9", device="fp-farm-01")

    reviews = [one_more() for _n in range(5)]
    flags = {flag.kind: flag for flag in ReviewFlag.objects.filter(platform=platform)}
    assert set(flags) == {"device_burst", "network_burst"}
    assert set(flags["device_burst"].reviews.all()) == set(reviews)
    assert flags["network_burst"].detail["source"] == "100.64.1.0/24"

    with pytest.raises(NotOperator):
        flag_close(actor=provider, flag=flags["device_burst"])
    flag_close(actor=operator, flag=flags["device_burst"], note="已核查")
    assert list(flags_of_platform(platform=platform)) == [flags["network_burst"]]
    # Another review in the same burst reopens the flag with it.
    sixth = one_more()
    flag = ReviewFlag.objects.get(pk=flags["device_burst"].pk)
    assert flag.closed_at is None and sixth in flag.reviews.all()


def test_flags_of_one_platform_stay_on_it(platform, provider):
    other = factories.make_platform()
    listing = make_listing(platform, provider)
    for _n in range(5):
        customer = factories.make_user()
        review_submit(actor=customer, order=make_order(platform, provider, customer, listing=listing), rating=5,
                      device="fp-farm-02")
    assert flags_of_platform(platform=platform).count() == 1
    assert flags_of_platform(platform=other).count() == 0
