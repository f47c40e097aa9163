"""The demo city's public space: two shared-bike platforms in Xiamen with licences, fleet reports by zone, a
published quarterly evaluation and quota allocation, and a rights holder's notice in progress, so the public
quota table, the directory and the notices show data."""

from __future__ import annotations

import pytest
from django.test import Client

from sharecity.hub.quota.models import Evaluation, FleetReport
from sharecity.market.notices.models import Notice
from sharecity.market.platforms.models import Platform
from sharecity.sim.demo import demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_shows_bike_quotas_evaluations_licences_and_a_notice():
    demo_load()
    bikes = Platform.objects.get(slug="ludao-bike")
    assert bikes.sectors == ["bike_sharing"]
    assert FleetReport.objects.filter(platform_id=bikes.exchange_id).count() == 2  # island and off-island
    assert Evaluation.objects.filter(city_code="350200").count() == 2
    rows = Client().get("/api/v1/public/quota", {"city": "350200"}).json()
    assert {row["platform"] for row in rows} == {"鹭岛共享单车", "海西共享单车"}
    assert {row["zone"] for row in rows} == {"island", "off-island"}
    table = Client(headers={"accept-language": "zh-hans"}).get("/quota/", {"city": "350200"}).text
    assert "鹭岛共享单车" in table
    entry = Client().get(f"/api/v1/public/platforms/{bikes.exchange_id}").json()
    assert entry["evaluations"][0]["rank"] in (1, 2) and entry["evaluations"][0]["ranked"] == 2
    assert entry["licences"]["administrative_licences"][0]["kind"] == "value_added_telecom"
    notice = Notice.objects.get(platform__slug="jinmen-life")
    assert notice.status == "taken_down"  # in progress: taken down, to be forwarded to the provider
    from sharecity.market.notices.selectors import notices_published

    assert list(notices_published(platform=notice.platform)) == [notice]  # the public register shows it
    assert Client().get("/p/jinmen-life/notices/").status_code == 200
