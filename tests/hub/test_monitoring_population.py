"""Statistics by district per 10,000 residents, and the dashboard's one read of the day grain.

The population is the 2020 seventh national census by district (``kernel.population``), the one copy the
simulator reads too. Checked by hand: Xiang'an (350213) had 579,451 residents. In March 2026 it reports
5,795 orders, ¥1,000,000.00 of turnover and 58 distinct providers, so per 10,000 residents:
- orders 5,795 × 10,000 / 579,451 = 100.0085 → 100.01
- turnover 100,000,000 fen × 10,000 / 579,451 = 1,725,771.46 fen → 1,725,771 fen (¥17,257.71)
- active providers 58 × 10,000 / 579,451 = 1.0009 → 1.00
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sharecity.hub.monitoring import dashboard
from sharecity.hub.monitoring.models import DailyParty, DailyStat
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.kernel.population import POPULATION, city_population, population_on
from tests.hub.test_monitoring_dashboard import JANUARY, city, client_for  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def xiangan(city):  # noqa: F811  (the fixture imported above)
    DailyStat.objects.create(day=dt.date(2026, 3, 2), platform_id="pf-siming", district_code="350213",
                             sector="parking", orders=5_000, turnover_fen=60_000_000)
    DailyStat.objects.create(day=dt.date(2026, 3, 20), platform_id="pf-siming", district_code="350213",
                             sector="housekeeping", orders=795, turnover_fen=40_000_000)
    for n in range(58):
        DailyParty.objects.create(day=dt.date(2026, 3, 2 + n % 20), platform_id="pf-siming", district_code="350213",
                                  sector="parking", role="provider", party_key=f"pk-{n}", is_person=True, orders=1)
    # A provider active on two days counts once.
    DailyParty.objects.create(day=dt.date(2026, 3, 30), platform_id="pf-siming", district_code="350213",
                              sector="parking", role="provider", party_key="pk-0", is_person=True, orders=1)
    return city


def test_the_census_figures_add_up_to_the_gazettes_and_the_simulator_reads_them():
    from sharecity.sim.cities import CENSUS_DAY, CITIES

    day = dt.date(2026, 1, 1)
    assert sum(residents for _code, residents in city_population("350200", day)) == 5_163_970
    tianjin = dict(city_population("120100", day))
    assert len(tianjin) == 16 and sum(tianjin.values()) == 13_866_009
    # 《天津市第七次全国人口普查公报（第二号）》's groups of districts.
    assert sum(tianjin[code] for code in ("120101", "120102", "120103", "120104", "120105", "120106")) == 4_057_215
    assert sum(tianjin[code] for code in ("120110", "120111", "120112", "120113")) == 3_889_860
    assert tianjin["120116"] == 2_067_318
    assert sum(tianjin[code] for code in ("120114", "120115", "120117", "120118", "120119")) == 3_851_616
    assert population_on("350213", dt.date(2020, 10, 31)) is None  # before the census's moment
    assert population_on("350213", day).source.title == "厦门市第七次全国人口普查公报"
    assert all(row.effective_from == dt.date(2020, 11, 1) for row in POPULATION)
    assert CITIES["xiamen"].districts == city_population("350200", CENSUS_DAY)
    assert CITIES["tianjin"].districts == city_population("120100", CENSUS_DAY)


def test_the_api_gives_orders_turnover_and_providers_per_10000_residents_by_district(xiangan):
    client = client_for(xiangan["xiamen"])
    response = client.get("/api/v1/hub/monitoring/statistics", {**MARCH, "period": "all", "group_by": "district"})
    assert response.status_code == 200, response.content
    row = next(row for row in response.json()["rows"] if row["key"] == "350213")
    assert row["figures"]["orders"] == 5_795 and row["figures"]["active_providers"] == 58
    assert row["residents"] == 579_451 and "厦门市第七次全国人口普查公报" in row["residents_source"]
    assert row["per_10k_residents"] == {"orders": 100.01, "turnover_fen": 1_725_771, "active_providers": 1.0}
    by_sector = client.get("/api/v1/hub/monitoring/statistics", {**MARCH, "period": "all", "group_by": "sector"})
    assert all(row["per_10k_residents"] is None and row["residents"] is None for row in by_sector.json()["rows"])
    # By month too: each period's row carries the figure in force at its end.
    monthly = client.get("/api/v1/hub/monitoring/statistics", {**MARCH, "period": "month", "group_by": "district"})
    assert [row["per_10k_residents"]["orders"] for row in monthly.json()["rows"] if row["key"] == "350213"] == [100.01]


def test_the_dashboards_district_comparison_shows_them(xiangan):
    from openpyxl import load_workbook

    client = client_for(xiangan["xiamen"])
    page = client.get(reverse("monitoring:dashboard"), MARCH).content.decode()
    table = page[page.index('data-testid="stats-per-10k"'):]
    table = table[:table.index("</table>")]
    row = table[table.index('data-key="350213"'):]
    row = row[:row.index("</tr>")]
    assert "翔安区" in row and "579,451" in row and "100.01" in row and "17,257.71" in row and "1.00" in row
    assert "厦门市第七次全国人口普查公报" in page and "每万常住人口" in page
    api = client.get(reverse("api-v1:monitoring_dashboard"), MARCH).json()
    xiang = next(group for group in api["by_district"] if group["key"] == "350213")
    assert xiang["per_10k_residents"]["turnover_fen"] == 1_725_771 and xiang["residents"] == 579_451
    assert all(group["per_10k_residents"] is None for group in api["by_sector"])
    sheet = load_workbook(io.BytesIO(client.get(reverse("monitoring:dashboard"), {
        **MARCH, "format": "xlsx", "table": "districts"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][11:] == ("常住人口", "每万常住人口订单数", "每万常住人口交易额 (元)", "每万常住人口活跃服务提供者")
    xiang_row = next(r for r in rows if r[0] == "翔安区")
    assert xiang_row[11:] == (579_451, 100.01, 17257.71, 1.0)
    # A district page has no district comparison.
    district = client.get(reverse("monitoring:district", kwargs={"code": "350213"}), MARCH).content.decode()
    assert 'data-testid="stats-per-10k"' not in district


def test_the_dashboard_reads_the_day_grain_once_for_all_its_tables(xiangan):
    """Before: statistics() once per table, two queries each (totals, trend, districts, sectors,
    platforms: 10) and the platforms' names, 11 queries. Now one read: 3."""
    selection = dashboard.Selection(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31), granularity="month")
    # The city (Siming 4, Huli 4, Xiang'an 5,795 orders), Xiang'an, and 鹭岛停车 (Siming's 4 and Xiang'an's).
    for where, orders in (({}, 5_803), ({"district_code": "350213"}, 5_795), ({"platform_id": "pf-siming"}, 5_799)):
        with CaptureQueriesContext(connection) as queries:
            panel = dashboard.panel(jurisdiction=Jurisdiction(city_code="350200"), selection=selection,
                                    language="zh-hans", scope="厦门市", **where)
        assert len(queries.captured_queries) <= 3, [q["sql"][:80] for q in queries.captured_queries]
        assert panel.totals["orders"] == orders
    # What the tables show is what one statistics() call per table gives.
    from sharecity.hub.monitoring.selectors import statistics

    panel = dashboard.panel(jurisdiction=Jurisdiction(city_code="350200"), selection=selection, language="zh-hans",
                            scope="厦门市")
    common = {"jurisdiction": Jurisdiction(city_code="350200"), "start": selection.start, "end": selection.end}
    assert panel.totals == statistics(period=None, **common)[0].figures
    months = {r.period_start: r.figures for r in statistics(period="month", **common)}
    assert len(months) == 2 and len(panel.trend) == 3  # February reported nothing
    assert all(p.figures == months.get(p.start, dashboard._empty_figures()) for p in panel.trend)
    assert {g.key: g.figures for g in panel.by_district} == {
        r.key: r.figures for r in statistics(period=None, group_by="district", **common)}
    assert {g.key: g.figures for g in panel.by_platform} == {
        r.key: r.figures for r in statistics(period=None, group_by="platform", **common)}
    assert {g.key: g.figures for g in panel.by_sector} == {
        r.key: r.figures for r in statistics(period=None, group_by="sector", **common)}


def test_january_figures_are_unchanged_and_siming_per_10000_residents(city):  # noqa: F811
    # Siming, January: 4 orders and ¥173.45 over 1,073,315 residents: 0.0373 → 0.04 orders, 161.6 → 162 fen.
    client = client_for(city["xiamen"])
    rows = client.get("/api/v1/hub/monitoring/statistics", {**JANUARY, "period": "all",
                                                            "group_by": "district"}).json()["rows"]
    siming = next(row for row in rows if row["key"] == "350203")
    assert siming["figures"]["turnover_fen"] == 17_345 and siming["residents"] == 1_073_315
    assert siming["per_10k_residents"] == {"orders": 0.04, "turnover_fen": 162, "active_providers": 0.01}
