"""The demo's facts, once intake has run, leave credit files whose grades explain themselves."""

from __future__ import annotations

import datetime as dt

import pytest

from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.credit import selectors
from sharecity.hub.credit.models import CreditSubject
from tests.hub.credit_support import deliver

pytestmark = pytest.mark.django_db


def test_demo_facts_make_explained_credit_files():
    from sharecity.sim.demo import demo_load

    demo_load()
    transport = LocalTransport()
    for _ in range(5):
        deliver(transport)
    enterprises = CreditSubject.objects.filter(kind="enterprise")
    assert enterprises.count() >= 3
    keyed = CreditSubject.objects.exclude(kind="enterprise")
    assert keyed.filter(records__kind="verification").exists()
    assert keyed.filter(records__kind="reviews").exists()
    assert keyed.filter(records__kind="complaint").exists()
    today = dt.date.today()
    for subject in keyed.filter(records__kind="reviews"):
        explained = selectors.file_explanation(selectors.subject_score(subject=subject, as_of=today), language="zh")
        rules = {line["rule"] for indicator in explained["indicators"] for line in indicator["lines"]}
        assert "reviews_good" in rules and explained["grade"] in "ABCD"
    # Every verified provider with a listing has a district (from its first listing), so officers find it;
    # Tianjin's provider is in Tianjin.
    assert not keyed.filter(district_code="", records__kind="verification").exists()
    assert keyed.filter(city_code="120100").exists() and keyed.filter(city_code="350200").exists()
