"""The regulator dashboard's statistics for a chosen period: key figures, trend, comparisons by district,
sector and platform, the district grid, drill-down pages, the API and the Excel exports, scoped by the
officer's jurisdiction and refusing bad parameters with their name.

The daily grain is written directly (DailyStat, DailyParty, and ActivityStat, by which a platform
belongs to the districts it reported activity in), as intake would leave it:
- Siming (350203), platform 鹭岛停车 (pf-siming): 5 Jan 2026 parking, 3 orders, ¥123.45, 2 complaints
  resolved (1 in time), ratings 5 and 4, deposits ¥100.00 held and ¥40.00 returned; 20 Jan 2026
  housekeeping, 1 order, ¥50.00. Provider pk-worker (a person, income ¥120.00), consumers c-1, c-2.
- Huli (350206), platform 湖里家政 (pf-huli): 10 Jan 2026 housekeeping, 4 orders, ¥200.00.
- Tianjin Heping (120101), platform 津门到家 (pf-heping): 12 Jan 2026, 7 orders, ¥999.99.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from sharecity.hub.monitoring.models import ActivityStat, DailyParty, DailyStat
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.services import regulator_profile_set
from tests.factories import make_user

pytestmark = pytest.mark.django_db

JANUARY = {"start": "2026-01-01", "end": "2026-01-31"}


def _platform(platform_id: str, name: str, district: str) -> None:
    RegisteredPlatform.objects.create(platform_id=platform_id, name=name, credit_code="911101000000000000",
                                      public_key="k" * 43)
    ActivityStat.objects.create(platform_id=platform_id, district_code=district, bookings=1)


def _day(day: str, platform_id: str, district: str, sector: str, **counters) -> None:
    DailyStat.objects.create(day=dt.date.fromisoformat(day), platform_id=platform_id, district_code=district,
                             sector=sector, **counters)


def _party(day: str, platform_id: str, district: str, sector: str, role: str, key: str, *, person=None,
           income: int = 0) -> None:
    DailyParty.objects.create(day=dt.date.fromisoformat(day), platform_id=platform_id, district_code=district,
                              sector=sector, role=role, party_key=key, is_person=person, orders=1, income_fen=income)


@pytest.fixture
def city():
    _platform("pf-siming", "鹭岛停车", "350203")
    _platform("pf-huli", "湖里家政", "350206")
    _platform("pf-heping", "津门到家", "120101")
    _day("2026-01-05", "pf-siming", "350203", "parking", orders=3, completed=2, turnover_fen=12345, complaints=2,
         complaints_resolved=2, complaints_resolved_in_time=1, ratings=2, rating_sum=9, deposits_held_fen=10000,
         deposits_returned_fen=4000)
    _day("2026-01-20", "pf-siming", "350203", "housekeeping", orders=1, completed=1, turnover_fen=5000)
    _party("2026-01-05", "pf-siming", "350203", "parking", "provider", "pk-worker", person=True, income=12000)
    _party("2026-01-05", "pf-siming", "350203", "parking", "customer", "c-1")
    _party("2026-01-20", "pf-siming", "350203", "housekeeping", "customer", "c-2")
    _day("2026-01-10", "pf-huli", "350206", "housekeeping", orders=4, completed=4, turnover_fen=20000)
    _party("2026-01-10", "pf-huli", "350206", "housekeeping", "provider", "pk-firm", person=False)
    _day("2026-01-12", "pf-heping", "120101", "housekeeping", orders=7, completed=7, turnover_fen=99999)
    officers = {}
    for key, where in {"siming": {"district_code": "350203"}, "xiamen": {"city_code": "350200"},
                       "tianjin": {"city_code": "120100"}}.items():
        user = make_user(f"{key}-officer")
        regulator_profile_set(actor=None, user=user, department=f"{key} 市场监管", **where)
        officers[key] = user
    return officers


def client_for(user, language: str = "zh-hans") -> Client:
    client = Client(headers={"accept-language": language})
    if user is not None:
        client.force_login(user)
    return client


def text_of(body: str, name: str) -> str:
    return body.split(f'data-testid="{name}"', 1)[1].split(">", 1)[1].split("<", 1)[0]


# ---- the dashboard page ------------------------------------------------------------------------------------------

def test_a_district_officer_sees_the_key_figures_of_their_district_only(city):
    response = client_for(city["siming"]).get(reverse("monitoring:dashboard"), {**JANUARY, "granularity": "week"})
    assert response.status_code == 200
    body = response.content.decode()
    assert text_of(body, "key-turnover_fen") == "¥173.45"
    assert text_of(body, "key-orders") == "4"
    assert text_of(body, "key-active_providers") == "1"
    assert text_of(body, "key-active_customers") == "2"
    assert text_of(body, "key-flexible_workers") == "1"
    assert text_of(body, "key-flexible_worker_income_fen") == "¥120.00"
    assert text_of(body, "key-complaints") == "2"
    assert text_of(body, "key-resolved_in_time_share") == "50.0%"
    assert text_of(body, "key-rating_average") == "4.50"
    assert text_of(body, "key-deposits_outstanding_fen") == "¥60.00"
    assert text_of(body, "range") == "2026年1月1日 – 2026年1月31日"
    # The grid holds Siming only; nothing of Huli or Tianjin anywhere.
    assert 'data-testid="tile-350203"' in body and 'data-district="350206"' not in body
    for foreign in ("湖里家政", "pf-huli", "¥200.00", "津门到家", "pf-heping", "¥999.99"):
        assert foreign not in body, foreign
    # The trend by week, weeks written the Chinese way; the charts' data beside it.
    trend = body.split('data-testid="stats-trend"', 1)[1].split("</table>", 1)[0]
    assert "2025年12月29日起一周" in trend and "2026年1月19日起一周" in trend
    data = json.loads(body.split('id="monitoring-chart-data" type="application/json">', 1)[1].split("</script>")[0])
    assert data["locale"] == "ZH"
    assert data["trend"]["orders"] == [0, 3, 0, 1, 0]
    assert data["trend"]["turnover"] == [0, 123.45, 0, 50.0, 0]
    assert {item["name"]: item["value"] for item in data["sectors"]} == {"停车": 123.45, "家政服务": 50.0} or \
        sorted(item["value"] for item in data["sectors"]) == [50.0, 123.45]


def test_a_city_officer_sees_every_district_of_the_city_as_a_tile_and_no_other_citys(city):
    body = client_for(city["xiamen"]).get(reverse("monitoring:dashboard"), JANUARY).content.decode()
    grid = body.split('data-testid="district-grid"', 1)[1].split("</ul>", 1)[0]
    assert grid.count("<li") == 6
    siming = grid.split('data-district="350203"', 1)[1].split("</li>", 1)[0]
    assert "¥173.45" in siming
    # Huli's turnover is the largest (level 5); Siming's ¥173.45 is 87% of it (level 4).
    assert 'class="tile level-4" data-district="350203"' in grid
    assert 'class="tile level-5" data-district="350206"' in grid
    huli = grid.split('data-district="350206"', 1)[1].split("</li>", 1)[0]
    assert "¥200.00" in huli
    assert "/hub/monitoring/districts/350206/?start=2026-01-01&amp;end=2026-01-31" in huli
    haicang = grid.split('data-district="350205"', 1)[1].split("</li>", 1)[0]
    assert "¥0.00" in haicang
    assert text_of(body, "key-turnover_fen") == "¥373.45"
    for foreign in ("津门到家", "pf-heping", "¥999.99", "和平区"):
        assert foreign not in body, foreign
    platforms = body.split('data-testid="stats-platforms"', 1)[1].split("</table>", 1)[0]
    assert platforms.index("湖里家政") < platforms.index("鹭岛停车")   # by turnover, largest first
    assert "/hub/monitoring/platforms/pf-huli/?" in platforms


def test_the_grid_is_coloured_by_the_chosen_figure(city):
    body = client_for(city["xiamen"]).get(reverse("monitoring:dashboard"),
                                          {**JANUARY, "figure": "complaints"}).content.decode()
    grid = body.split('data-testid="district-grid"', 1)[1].split("</ul>", 1)[0]
    assert '<strong class="tile-value" data-testid="tile-value">2</strong>' in grid
    assert 'class="tile level-5" data-district="350203"' in grid
    assert 'class="tile level-0" data-district="350206"' in grid
    assert text_of(body, "grid-title") == "各区投诉"


def test_a_tianjin_officer_sees_no_xiamen_data(city):
    body = client_for(city["tianjin"]).get(reverse("monitoring:dashboard"), JANUARY).content.decode()
    assert text_of(body, "key-orders") == "7"
    assert text_of(body, "key-turnover_fen") == "¥999.99"
    for foreign in ("鹭岛停车", "湖里家政", "pf-siming", "pf-huli", "思明区", "¥173.45"):
        assert foreign not in body, foreign


def test_a_hub_operator_sees_every_citys_districts(city):
    operator = make_user("operator")
    operator.is_staff = True
    operator.save()
    body = client_for(operator).get(reverse("monitoring:dashboard"), JANUARY).content.decode()
    assert text_of(body, "key-turnover_fen") == "¥1,373.44"
    grid = body.split('data-testid="district-grid"', 1)[1].split("</ul>", 1)[0]
    assert grid.count("<li") == 22 and "厦门市" in grid and "天津市" in grid
    assert client_for(operator).get(reverse("monitoring:platform", kwargs={"platform_id": "pf-heping"}),
                                    JANUARY).status_code == 200
    # Facts without a known district count for the operator, in a row of their own with no page.
    _day("2026-01-15", "pf-heping", "000000", "housekeeping", orders=1, turnover_fen=100)
    data = client_for(operator).get("/api/v1/hub/monitoring/dashboard", JANUARY).json()
    assert data["by_district"][-1] == {**data["by_district"][-1], "key": "000000", "label": "未知区县", "url": None}
    assert len(data["tiles"]) == 22


def test_the_page_in_english_writes_periods_the_english_way(city):
    body = client_for(city["siming"], "en").get(reverse("monitoring:dashboard"),
                                                {**JANUARY, "granularity": "month"}).content.decode()
    assert text_of(body, "stat-title") == "Statistics for a period: Siming, Xiamen" and "Export to Excel" in body
    trend = body.split('data-testid="stats-trend"', 1)[1].split("</table>", 1)[0]
    assert "Jan 2026" in trend
    data = json.loads(body.split('id="monitoring-chart-data" type="application/json">', 1)[1].split("</script>")[0])
    assert data["locale"] == "EN"


def test_the_default_period_is_the_last_thirty_days(city):
    body = client_for(city["siming"]).get(reverse("monitoring:dashboard")).content.decode()
    presets = body.split('data-testid="presets"', 1)[1].split("</p>", 1)[0]
    assert 'aria-current="true" class="current">近30天</a>' in presets and "本年" in presets
    data = json.loads(body.split('id="monitoring-chart-data" type="application/json">', 1)[1].split("</script>")[0])
    assert len(data["trend"]["periods"]) == 30


def test_anonymous_visitors_are_sent_to_log_in_and_others_refused(city):
    for name, kwargs in (("monitoring:dashboard", {}), ("monitoring:district", {"code": "350203"}),
                         ("monitoring:platform", {"platform_id": "pf-siming"})):
        response = client_for(None).get(reverse(name, kwargs=kwargs or None), JANUARY)
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert client_for(make_user()).get(reverse(name, kwargs=kwargs or None)).status_code == 403
    assert client_for(None).get("/api/v1/hub/monitoring/dashboard").status_code == 401
    refused = client_for(make_user()).get("/api/v1/hub/monitoring/dashboard")
    assert refused.status_code == 403 and refused.json()["code"] == "hub.regulators_only"


# ---- drill-down ----------------------------------------------------------------------------------------------------

def test_a_district_page_shows_its_trend_sectors_and_platforms(city):
    client = client_for(city["xiamen"])
    body = client.get(reverse("monitoring:district", kwargs={"code": "350203"}), JANUARY).content.decode()
    assert text_of(body, "drill-title") == "区县：思明区"
    assert text_of(body, "stat-title") == "期间统计：思明区"
    assert text_of(body, "key-turnover_fen") == "¥173.45"
    assert 'data-testid="stats-sectors"' in body and 'data-testid="stats-platforms"' in body
    assert 'data-testid="stats-districts"' not in body and 'data-testid="district-grid"' not in body
    assert "鹭岛停车" in body and "湖里家政" not in body


def test_a_platform_page_shows_its_districts_and_sectors(city):
    client = client_for(city["xiamen"])
    body = client.get(reverse("monitoring:platform", kwargs={"platform_id": "pf-huli"}), JANUARY).content.decode()
    assert text_of(body, "drill-title") == "平台：湖里家政"
    assert text_of(body, "key-orders") == "4"
    districts = body.split('data-testid="stats-districts"', 1)[1].split("</table>", 1)[0]
    assert "湖里区" in districts and "思明区" not in districts


@pytest.mark.parametrize(("viewer", "name", "kwargs"), [
    ("siming", "monitoring:district", {"code": "350206"}),        # another district of the city
    ("siming", "monitoring:platform", {"platform_id": "pf-huli"}),
    ("tianjin", "monitoring:district", {"code": "350203"}),       # another city
    ("tianjin", "monitoring:platform", {"platform_id": "pf-siming"}),
    ("xiamen", "monitoring:platform", {"platform_id": "pf-heping"}),
    ("xiamen", "monitoring:district", {"code": "999999"}),        # no such district
    ("xiamen", "monitoring:platform", {"platform_id": "pf-nobody"}),
])
def test_another_jurisdictions_district_or_platform_is_not_found(city, viewer, name, kwargs):
    client = client_for(city[viewer])
    assert client.get(reverse(name, kwargs=kwargs), JANUARY).status_code == 404
    api = {"monitoring:district": "/api/v1/hub/monitoring/districts/{code}",
           "monitoring:platform": "/api/v1/hub/monitoring/platforms/{platform_id}"}[name].format(**kwargs)
    response = client.get(api, JANUARY)
    assert response.status_code == 404 and response.json()["field"] in ("code", "platform_id")


# ---- the API --------------------------------------------------------------------------------------------------------

def test_the_api_gives_what_the_page_shows(city):
    client = client_for(city["xiamen"])
    data = client.get("/api/v1/hub/monitoring/dashboard", {**JANUARY, "granularity": "month"}).json()
    assert data["kind"] == "city" and data["scope"] == "厦门市"
    assert data["selection"] == {"start": "2026-01-01", "end": "2026-01-31", "granularity": "month",
                                 "figure": "turnover_fen"}
    assert data["totals"]["turnover_fen"] == 37345 and data["totals"]["orders"] == 8
    assert data["totals"]["active_providers"] == 2 and data["totals"]["flexible_workers"] == 1
    assert [(p["start"], p["label"], p["figures"]["orders"]) for p in data["trend"]] == [("2026-01-01", "2026年1月", 8)]
    assert [(g["key"], g["figures"]["turnover_fen"]) for g in data["by_district"]] == [("350203", 17345),
                                                                                        ("350206", 20000)]
    assert data["by_district"][1]["url"].startswith("/hub/monitoring/districts/350206/?")
    assert {g["key"] for g in data["by_sector"]} == {"parking", "housekeeping"}
    assert [g["label"] for g in data["by_platform"]] == ["湖里家政", "鹭岛停车"]
    assert [(t["code"], t["value"], t["text"]) for t in data["tiles"][:3]] == [
        ("350203", 173.45, "¥173.45"), ("350205", 0.0, "¥0.00"), ("350206", 200.0, "¥200.00")]
    district = client.get("/api/v1/hub/monitoring/districts/350206", JANUARY).json()
    assert district["kind"] == "district" and district["totals"]["orders"] == 4 and district["tiles"] == []
    platform = client.get("/api/v1/hub/monitoring/platforms/pf-siming", JANUARY).json()
    assert platform["scope"] == "鹭岛停车" and platform["totals"]["deposits_outstanding_fen"] == 6000
    assert platform["totals"]["resolved_in_time_share"] == 0.5 and platform["totals"]["rating_average"] == 4.5


def test_the_api_is_documented_in_openapi(city):
    schema = client_for(city["xiamen"]).get("/api/v1/openapi.json").json()
    for path in ("/api/v1/hub/monitoring/dashboard", "/api/v1/hub/monitoring/platforms/{platform_id}",
                 "/api/v1/hub/monitoring/districts/{code}"):
        assert "get" in schema["paths"][path]
    assert "DashboardOut" in schema["components"]["schemas"]


HOSTILE = [
    ({"start": "2026-13-01"}, "start", "monitoring.invalid_date"),
    ({"start": "yesterday"}, "start", "monitoring.invalid_date"),
    ({"end": "1850-01-01"}, "end", "monitoring.invalid_date"),
    ({"start": "2026-02-01", "end": "2026-01-01"}, "end", "monitoring.end_before_start"),
    ({"start": "2020-01-01", "end": "2026-01-01"}, "end", "monitoring.range_too_long"),
    ({"start": "2025-01-01", "end": "2026-06-30", "granularity": "day"}, "granularity",
     "monitoring.too_many_periods"),
    ({"granularity": "fortnight"}, "granularity", "monitoring.invalid_granularity"),
    ({"figure": "secrets"}, "figure", "monitoring.invalid_figure"),
    ({"granularity": "day\x00"}, "granularity", "input.control_character"),
    ({"start": "2026-01-01\u202e"}, "start", "monitoring.invalid_date"),
    ({"figure": "x" * 5000}, "figure", "monitoring.too_long"),
]


@pytest.mark.parametrize(("params", "field", "code"), HOSTILE)
def test_bad_parameters_are_refused_naming_the_field(city, params, field, code):
    client = client_for(city["xiamen"])
    response = client.get("/api/v1/hub/monitoring/dashboard", params)
    assert response.status_code == 400, response.content
    assert (response.json()["field"], response.json()["code"]) == (field, code)
    # The page says what is wrong and shows the default period instead.
    page = client.get(reverse("monitoring:dashboard"), params)
    assert page.status_code == 400
    assert f'data-field="{field}"' in page.content.decode()
    district = client.get(reverse("monitoring:district", kwargs={"code": "350203"}), params)
    assert district.status_code == 400
    export = client.get(reverse("monitoring:dashboard"), {**params, "format": "xlsx", "table": "districts"})
    assert export.status_code == 400 and field in export.content.decode()


def test_a_control_character_in_a_path_is_refused():
    user = make_user()
    regulator_profile_set(actor=None, user=user, department="x", city_code="350200")
    response = client_for(user).get("/api/v1/hub/monitoring/platforms/pf%01x")
    assert response.status_code == 400 and response.json()["code"] == "input.control_character"


# ---- Excel -----------------------------------------------------------------------------------------------------------

def _workbook(response):
    from openpyxl import load_workbook

    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(io.BytesIO(response.content))


def test_each_table_exports_to_excel_with_the_rows_the_page_shows(city):
    client = client_for(city["xiamen"])
    body = client.get(reverse("monitoring:dashboard"), JANUARY).content.decode()
    for table in ("trend", "districts", "sectors", "platforms"):
        assert f'data-testid="export-{table}"' in body
    link = body.split('data-testid="export-districts"', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    response = client.get(link.replace("&amp;", "&"))
    assert "monitoring-districts-2026-01-01_2026-01-31.xlsx" in response["Content-Disposition"]
    sheet = _workbook(response).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("区", "交易额 (元)", "订单数")
    assert [row[:3] for row in rows[1:]] == [("思明区", 173.45, 4), ("湖里区", 200.0, 4)]
    assert sheet.cell(row=2, column=2).number_format == "#,##0.00"
    share = rows[0].index("投诉按时办结率 (%)")
    assert rows[1][share] == 50.0 and rows[2][share] is None

    trend = _workbook(client.get(reverse("monitoring:dashboard"),
                                 {**JANUARY, "granularity": "week", "format": "xlsx", "table": "trend"})).active
    assert [row[0] for row in trend.iter_rows(min_row=2, values_only=True)][:2] == ["2025年12月29日起一周",
                                                                                   "2026年1月5日起一周"]
    platform = _workbook(client.get(reverse("monitoring:platform", kwargs={"platform_id": "pf-siming"}),
                                    {**JANUARY, "format": "xlsx", "table": "sectors"})).active
    assert sorted(row[1] for row in platform.iter_rows(min_row=2, values_only=True)) == [50.0, 123.45]


def test_an_export_of_an_unknown_table_or_format_is_refused(city):
    client = client_for(city["xiamen"])
    assert client.get(reverse("monitoring:dashboard"), {"format": "csv", "table": "districts"}).status_code == 400
    assert client.get(reverse("monitoring:dashboard"), {"format": "xlsx", "table": "secrets"}).status_code == 400
    # A district page has no table of districts.
    assert client.get(reverse("monitoring:district", kwargs={"code": "350203"}),
                      {"format": "xlsx", "table": "districts"}).status_code == 400


def test_the_siming_officers_export_holds_siming_only(city):
    client = client_for(city["siming"])
    sheet = _workbook(client.get(reverse("monitoring:dashboard"),
                                 {**JANUARY, "format": "xlsx", "table": "platforms"})).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["鹭岛停车"]


def test_a_hostile_platform_name_stays_text_on_the_page_in_the_chart_data_and_in_excel(city):
    RegisteredPlatform.objects.filter(platform_id="pf-huli").update(name="=HYPERLINK(\"x\")</script><b>湖里</b>")
    client = client_for(city["xiamen"])
    body = client.get(reverse("monitoring:dashboard"), JANUARY).content.decode()
    assert "</script><b>" not in body and "&lt;/script&gt;&lt;b&gt;" in body
    sheet = _workbook(client.get(reverse("monitoring:dashboard"),
                                 {**JANUARY, "format": "xlsx", "table": "platforms"})).active
    assert sheet.cell(row=2, column=1).value == "'=HYPERLINK(\"x\")</script><b>湖里</b>"
