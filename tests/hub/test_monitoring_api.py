"""``/api/v1/hub/monitoring/statistics``: figures within the officer's jurisdiction, bad parameters named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sharecity.hub.monitoring.models import DailyParty, DailyStat
from sharecity.hub.registry.services import regulator_profile_set
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/hub/monitoring/statistics"
DAY = dt.date(2026, 11, 2)


def officer(username: str, **where) -> Client:
    user = factories.make_user(username)
    regulator_profile_set(actor=None, user=user, department="厦门市市场监督管理局", **where)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def stats():
    for district, turnover in (("350203", 10_000), ("350206", 5_000), ("120101", 7_000)):
        DailyStat.objects.create(day=DAY, platform_id="p-1", district_code=district, sector="housekeeping",
                                 orders=2, completed=1, turnover_fen=turnover, complaints=1, complaints_resolved=1,
                                 complaints_resolved_in_time=1, ratings=2, rating_sum=9)
        DailyParty.objects.create(day=DAY, platform_id="p-1", district_code=district, sector="housekeeping",
                                  role="provider", party_key=f"worker-{district}", is_person=True, orders=2,
                                  income_fen=turnover)


def test_statistics_by_sector_within_the_city(stats):
    response = officer("xm", city_code="350200").get(URL, {"start": "2026-11-01", "end": "2026-11-30",
                                                            "period": "all", "group_by": "sector"})
    assert response.status_code == 200, response.content
    [row] = response.json()["rows"]
    assert (row["key"], row["label"]) == ("housekeeping", "家政")
    # Tianjin's district is another city's: not counted for Xiamen's officer.
    figures = row["figures"]
    assert (figures["turnover_fen"], figures["flexible_workers"], figures["flexible_worker_income_fen"]) == (
        15_000, 2, 15_000)
    assert (figures["resolved_in_time_share"], figures["rating_average"]) == (1.0, 4.5)


def test_another_citys_district_gives_no_rows(stats):
    response = officer("xm", city_code="350200").get(URL, {"start": "2026-11-01", "end": "2026-11-30",
                                                            "district": "120101"})
    assert response.status_code == 200
    assert response.json()["rows"] == []


@pytest.mark.parametrize(("params", "field"), [
    ({"period": "fortnight"}, "period"),
    ({"group_by": "street"}, "group_by"),
    ({"start": "2026-11-30", "end": "2026-11-01"}, "end"),
    ({"start": "2020-01-01", "end": "2026-01-01"}, "end"),
    ({"start": "2026-13-01"}, "start"),
    ({"district": "999999"}, "district"),
    ({"sector": "house\x01keeping"}, "sector"),
    ({"platform": "p" * 200}, "platform"),
])
def test_bad_parameters_are_refused_naming_the_field(params, field):
    response = officer("xm", city_code="350200").get(URL, params)
    assert response.status_code == 400, response.content
    assert field in str(response.json())


def test_only_regulators_read_statistics():
    citizen = Client()
    citizen.force_login(factories.make_user("citizen"))
    assert citizen.get(URL).status_code == 403
    assert Client().get(URL).status_code == 401
