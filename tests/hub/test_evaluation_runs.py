"""The quarterly district evaluation, hand-computed from daily statistics created here.

Xiamen, 2026 Q3, a scheme of two indicators: turnover (weight 60, higher is better) and complaints per
1,000 orders (weight 40, lower is better); districts with an index below 35 lose support.

    district  orders  turnover(fen)  complaints  per 1,000  turnover→0-100  complaints→0-100  index
    思明 Siming  100    1,000,000         2           20          100               80            92
    湖里 Huli     50      500,000         5          100           50                0            30
    集美 Jimei    20      100,000         0            0           10              100            46
    海沧, 同安, 翔安: no activity: turnover 0 → 0; no orders, no rate → 0; index 0

Ranking: Siming 1, Jimei 2, Huli 3, the rest 4. Huli (30) and the three quiet districts are below 35.
Fund 1,000.01 yuan = 100,001 fen shared by index in hundredths, 9200 : 4600 (total 13,800):
Siming 100001×9200/13800 = 66,667 r 4,600; Jimei 100001×4600/13800 = 33,333 r 9,200; one fen left goes to
the larger remainder, Jimei: 66,667 + 33,334 = 100,001.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.evaluation import services
from sharecity.hub.evaluation.models import EvaluationRun
from sharecity.hub.publicity import services as publicity
from tests.hub.evaluation_support import officer, party, platform, post, stat

pytestmark = pytest.mark.django_db

D = dt.date
SCHEME = [
    {"code": "turnover", "source": "turnover_fen", "weight": 60, "direction": "higher", "label_zh": "交易额",
     "label_en": "Turnover"},
    {"code": "complaint_rate", "source": "complaints_per_1000_orders", "weight": 40, "direction": "lower",
     "label_zh": "每千单投诉", "label_en": "Complaints per 1,000 orders"},
]


@pytest.fixture
def xiamen():
    user, client = officer("xm-city", city="350200", department="厦门市商务局")
    services.scheme_add(actor=user, indicators=SCHEME, negative_threshold="35", effective_from=_today(),
                        note="测试方案")
    stat(D(2026, 7, 10), "350203", orders=60, turnover_fen=600_000, complaints=1)
    stat(D(2026, 9, 30), "350203", orders=40, turnover_fen=400_000, complaints=1, sector="housekeeping")
    stat(D(2026, 8, 1), "350206", orders=50, turnover_fen=500_000, complaints=5)
    stat(D(2026, 8, 2), "350211", orders=20, turnover_fen=100_000)
    stat(D(2026, 10, 1), "350211", orders=999, turnover_fen=99_999_999)  # Q4: not in Q3
    stat(D(2026, 8, 2), "120101", orders=999, turnover_fen=99_999_999)  # Tianjin: not Xiamen's
    return user, client


def _today() -> dt.date:
    from sharecity.hub.evaluation.selectors import today

    return today()


def _run(client, **change):
    body = {"year": 2026, "quarter": 3, "fund": "1000.01", **change}
    return post(client, reverse("api-v1:evaluation_run_create"), body)


def test_the_evaluation_ranks_districts_by_the_hand_computed_index_and_shares_the_fund_exactly(xiamen):
    _user, client = xiamen
    response = _run(client)
    assert response.status_code == 201, response.content
    result = response.json()
    ranking = [(d["code"], d["rank"], d["index"], d["negative"], d["allocation_fen"]) for d in result["districts"]]
    assert ranking == [("350203", 1, 92.0, False, 66_667), ("350211", 2, 46.0, False, 33_334),
                       ("350206", 3, 30.0, True, 0), ("350205", 4, 0.0, True, 0), ("350212", 4, 0.0, True, 0),
                       ("350213", 4, 0.0, True, 0)]
    assert sum(d["allocation_fen"] for d in result["districts"]) == result["fund_fen"] == 100_001
    assert result["unallocated_fen"] == 0
    siming = result["districts"][0]
    assert siming["name"] == "思明区"
    assert [(i["code"], i["raw"], i["normalised"], i["contribution"]) for i in siming["indicators"]] == [
        ("turnover", 1_000_000, 100.0, 60.0), ("complaint_rate", 20.0, 80.0, 32.0)]
    assert "不再给予支持" in result["support_exit_rule"]


def test_the_explanation_gives_each_result_back_to_its_figures(xiamen):
    _user, client = xiamen
    run_id = _run(client).json()["id"]
    explained = client.get(reverse("api-v1:evaluation_run_explanation", args=[run_id])).json()
    rows = {row["code"]: row for row in explained["districts"]}
    huli = rows["350206"]
    rate = next(i for i in huli["indicators"] if i["code"] == "complaint_rate")
    assert (rate["raw"], rate["min"], rate["max"], rate["normalised"], rate["weight"]) == (100.0, 0.0, 100.0, 0.0, 40)
    for row in rows.values():
        assert abs(sum(i["contribution"] for i in row["indicators"]) - row["index"]) < 0.01
    assert rows["350211"]["allocation_formula"].startswith("100001 × 4600 / 13800 = 33333 + 9200/13800; 33333 + 1")
    assert "35" in huli["allocation_formula"]
    page = client.get(reverse("hub_evaluation:run_explanation", args=[run_id])).content.decode()
    assert "100001 × 9200 / 13800" in page and "湖里区" in page


def test_a_rerun_is_a_new_version_and_both_are_audited(xiamen):
    _user, client = xiamen
    first = _run(client).json()
    stat(D(2026, 8, 3), "350206", orders=50, turnover_fen=1_500_000)
    second = _run(client, fund="500").json()
    assert (first["version"], second["version"]) == (1, 2)
    runs = EvaluationRun.objects.order_by("version")
    assert [r.fund_fen for r in runs] == [100_001, 50_000]
    assert runs[0].districts[0]["code"] == "350203"  # the first run stays as it was computed
    assert second["districts"][0]["code"] == "350206"
    entries = AuditEntry.objects.filter(action="evaluation.run").order_by("sequence")
    assert [json.loads(e.detail)["version"] for e in entries] == [1, 2]


def test_enterprises_with_a_serious_penalty_or_on_the_black_list_lose_support(xiamen):
    user, client = xiamen
    bad = platform("xm-bad", "鹭岛失信平台", division="350203", sectors=["parking"])
    platform("xm-good", "鹭岛守信平台", division="350206", sectors=["parking"])
    publicity.penalty_record(actor=user, subject_kind="enterprise", subject_identifier=bad.credit_code,
                             subject_name=bad.name, decision_number="厦商务罚〔2026〕9号", facts="严重违法",
                             law="《电子商务法》", article="第七十七条", severity="serious", decided_on=D(2026, 8, 1),
                             district_code="350203")
    result = _run(client).json()
    assert [(e["platform_id"], [r["reason"] for r in e["reasons"]]) for e in result["enterprises"]] == [
        ("xm-bad", ["serious_penalty"])]
    assert "厦商务罚〔2026〕9号" in result["enterprises"][0]["reasons"][0]["basis"]
    page = client.get(reverse("hub_evaluation:run", args=[result["id"]])).content.decode()
    assert "鹭岛失信平台" in page and "鹭岛守信平台" not in page


def test_a_district_officer_reads_the_citys_evaluation_but_cannot_run_it_and_another_city_sees_nothing(xiamen):
    _user, client = xiamen
    run_id = _run(client).json()["id"]
    _d, huli = officer("xm-huli", city="350200", district="350206", department="厦门市湖里区商务局")
    _t, tianjin = officer("tj-city")
    assert huli.get(reverse("api-v1:evaluation_run_get", args=[run_id])).status_code == 200
    page = huli.get(reverse("hub_evaluation:run", args=[run_id])).content.decode()
    assert 'data-testid="own-district"><td class="num">3</td><td>湖里区</td>' in page  # its own row, marked
    assert _run(huli).status_code == 403
    assert huli.post(reverse("hub_evaluation:run_new"), {"year": 2026, "quarter": 3, "fund": "1"}).status_code == 403
    assert EvaluationRun.objects.count() == 1
    for name in ("api-v1:evaluation_run_get", "api-v1:evaluation_run_explanation", "hub_evaluation:run",
                 "hub_evaluation:run_explanation", "hub_evaluation:run_export", "hub_evaluation:run_report"):
        assert tianjin.get(reverse(name, args=[run_id])).status_code == 404, name
    assert tianjin.get(reverse("api-v1:evaluation_runs")).json() == []


@pytest.mark.parametrize(("change", "field", "statuses"), [
    ({"quarter": 5}, "quarter", (422,)),
    ({"quarter": "third"}, "quarter", (422,)),
    ({"year": 1800}, "year", (422,)),
    ({"year": 2099}, "year", (400,)),
    ({"fund": "-5"}, "fund", (400,)),
    ({"fund": "lots"}, "fund", (400,)),
    ({"fund": "1.001"}, "fund", (400,)),
    ({"fund": 12}, "fund", (422,)),
    ({"fund": "9" * 21}, "fund", (422,)),
    ({"fund": "99999999999999"}, "fund", (400,)),
    ({"note": "备注\x00"}, "note", (400, 422)),
])
def test_hostile_run_input_gets_a_4xx_naming_the_field(xiamen, change, field, statuses):
    _user, client = xiamen
    response = _run(client, **change)
    assert response.status_code in statuses, response.content
    assert field in (response.json()["field"] or "")
    assert not EvaluationRun.objects.exists()


def test_a_quarter_not_yet_begun_cannot_be_evaluated(xiamen):
    _user, client = xiamen
    today = _today()
    response = _run(client, year=today.year, quarter=4) if today.month < 10 else None
    if response is not None:
        assert response.status_code == 400 and response.json()["field"] == "quarter"
    assert _run(client, year=2000, quarter=1).status_code == 201


def test_hostile_scheme_input_names_the_indicator_at_fault(xiamen):
    _user, client = xiamen
    url = reverse("api-v1:evaluation_scheme_add")
    good = {"indicators": SCHEME, "negative_threshold": 30, "effective_from": _today().isoformat()}
    for change, field in (({"indicators": [{**SCHEME[0], "source": "moonlight"}]}, "indicators.0.source"),
                          ({"indicators": [SCHEME[0], {**SCHEME[1], "direction": "sideways"}]},
                           "indicators.1.direction"),
                          ({"indicators": [SCHEME[0], {**SCHEME[1], "code": "turnover"}]}, "indicators.1.code"),
                          ({"negative_threshold": 101}, "negative_threshold"),
                          ({"effective_from": "2020-01-01"}, "effective_from")):
        response = post(client, url, {**good, **change})
        assert 400 <= response.status_code < 500 and field in response.json()["field"], (change, response.content)
    assert post(client, url, good).status_code == 201


def test_the_default_scheme_reads_growth_and_flexible_workers_income():
    """Tianjin under the seeded scheme: turnover growth on the previous quarter and income per worker."""
    _user, client = officer("tj-city")
    stat(D(2026, 4, 5), "120101", orders=10, turnover_fen=50_000)
    stat(D(2026, 7, 5), "120101", orders=10, turnover_fen=100_000, complaints=1, complaints_resolved=1,
         complaints_resolved_in_time=1)
    party(D(2026, 7, 5), "120101", "w-1", income_fen=30_000)
    party(D(2026, 7, 6), "120101", "w-2", income_fen=10_000)
    party(D(2026, 7, 6), "120101", "c-1", role="customer", is_person=True)
    result = _run(client, fund="100").json()
    heping = next(d for d in result["districts"] if d["code"] == "120101")
    raw = {i["code"]: i["raw"] for i in heping["indicators"]}
    assert raw["turnover_growth"] == 1.0 and raw["worker_income"] == 20_000 and raw["active_providers"] == 2
    assert raw["resolved_in_time"] == 1.0 and raw["complaint_rate"] == 100.0
    assert heping["rank"] == 1 and heping["allocation_fen"] == 10_000
    assert len(result["districts"]) == 16


def test_the_excel_export_holds_the_ranking(xiamen):
    from openpyxl import load_workbook

    _user, client = xiamen
    run_id = _run(client).json()["id"]
    response = client.get(reverse("hub_evaluation:run_export", args=[run_id]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    ranking = workbook.worksheets[0]
    rows = list(ranking.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[3], r[5]) for r in rows[:3]] == [(1, "思明区", 92.0, 666.67), (2, "集美区", 46.0, 333.34),
                                                            (3, "湖里区", 30.0, 0)]
    assert len(workbook.worksheets) == 3


def test_the_quarterly_report_renders_as_a_pdf_with_chinese_district_names(xiamen):
    import pypdfium2

    _user, client = xiamen
    run_id = _run(client).json()["id"]
    response = client.get(reverse("hub_evaluation:run_report", args=[run_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    page = pdf[0]
    image = page.render(scale=1).to_pil().convert("L")
    dark = sum(1 for value in image.getdata() if value < 128)
    assert dark > 2000, "page 1 is blank"
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    for name in ("思明区", "集美区", "湖里区", "厦门市"):
        assert name in text, name
    assert "汇聚平台企业" not in text  # Xiamen has no targets; Tianjin's are not in Xiamen's report


def test_the_pages_run_an_evaluation_and_show_the_ranking(xiamen):
    _user, client = xiamen
    response = client.post(reverse("hub_evaluation:run_new"), {"year": 2026, "quarter": 3, "fund": "1000.01"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "思明区" in page and "¥666.67" in page and "不再给予支持" in page
    bad = client.post(reverse("hub_evaluation:run_new"), {"year": 2026, "quarter": 3, "fund": "-1"})
    assert bad.status_code == 400
    index = client.get(reverse("hub_evaluation:index")).content.decode()
    assert "2026 Q3" in index
