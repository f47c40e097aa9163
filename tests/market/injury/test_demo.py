"""The demo city's ride-hailing trips in Xiamen and Tianjin are in the occupational-injury pilot; no rate is loaded,
so they honestly show "rate not loaded" (no contribution) to the driver and the operator."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sharecity.kernel.models import User
from sharecity.market.injury.models import Contribution, ContributionRate
from sharecity.market.platforms.models import Platform
from sharecity.sim.demo import demo_load

pytestmark = pytest.mark.django_db


def test_the_demos_rides_are_in_the_pilot_with_the_rate_not_loaded():
    demo_load()
    rows = Contribution.objects.select_related("order", "platform")
    assert {(r.platform.slug, r.province_code) for r in rows} == {("ludao-share", "35"), ("jinmen-life", "12")}
    assert not ContributionRate.objects.exists()
    assert all(r.status == "rate_not_loaded" and r.amount_fen is None for r in rows)
    operator = Client()
    operator.force_login(User.objects.get(username="operator"))
    for slug in ("ludao-share", "jinmen-life"):
        page = operator.get(reverse("market_injury:overview", args=[slug]), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert page.status_code == 200 and 'data-testid="rate-not-loaded"' in page.content.decode()
        assert "费率未载入" in page.content.decode()
    ride = rows.get(platform=Platform.objects.get(slug="jinmen-life")).order
    driver = Client()
    driver.force_login(ride.provider)
    page = driver.get(reverse("orders:detail", args=["jinmen-life", ride.public_id]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'data-status="rate_not_loaded"' in page.content.decode()
