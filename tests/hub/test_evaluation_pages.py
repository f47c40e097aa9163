"""The evaluation's forms as an officer fills them in, and a hub operator reading a city's evaluation."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from sharecity.hub.evaluation.models import EvaluationRun, IndicatorScheme, PolicyTarget
from sharecity.hub.evaluation.selectors import today
from tests import factories
from tests.hub.evaluation_support import officer, platform

pytestmark = pytest.mark.django_db


def test_a_city_officer_enters_a_target_a_designation_and_a_scheme_through_the_pages():
    platform("tj-1", "津城家政", division="120101", sectors=["housekeeping"])
    _user, client = officer("tj-city")
    response = client.post(reverse("hub_evaluation:target_new"), {
        "code": "leaders_2027", "name_zh": "领军企业", "name_en": "Leaders", "measure": "designations",
        "designation_kinds": ["national_leader"], "target_value": 3, "target_year": 2027,
        "source_document": "天津市平台经济规划", "source_article": "三"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert PolicyTarget.objects.get(code="leaders_2027").designation_kinds == ["national_leader"]
    response = client.post(reverse("hub_evaluation:designations"), {
        "platform_id": "tj-1", "kind": "national_leader", "decision_reference": "津政〔2026〕1号",
        "evidence": "认定文件\n第二行", "recognised_on": today().isoformat()})
    assert response.status_code == 302
    page = client.get(reverse("hub_evaluation:designations")).content.decode()
    assert "津城家政" in page and "津政〔2026〕1号" in page
    index = client.get(reverse("hub_evaluation:index")).content.decode()
    assert "领军企业" in index and 'data-target="leaders_2027"' in index
    indicators = [{"code": "orders", "source": "orders", "weight": 2, "direction": "higher", "label_zh": "订单",
                   "label_en": "Orders"}]
    bad = client.post(reverse("hub_evaluation:schemes"), {
        "indicators": json.dumps([{**indicators[0], "weight": 0}]), "negative_threshold": "20",
        "effective_from": today().isoformat()})
    assert bad.status_code == 400 and "indicators.0.weight" in bad.content.decode()
    assert client.post(reverse("hub_evaluation:schemes"), {
        "indicators": "not json", "negative_threshold": "20", "effective_from": today().isoformat()}).status_code == 400
    good = client.post(reverse("hub_evaluation:schemes"), {
        "indicators": json.dumps(indicators), "negative_threshold": "20", "effective_from": today().isoformat()})
    assert good.status_code == 302
    assert IndicatorScheme.objects.filter(city_code="120100").get().indicators == indicators


def test_a_district_officer_sees_the_forms_offered_to_the_city_only():
    _user, client = officer("tj-heping", district="120101", department="天津市和平区商务局")
    for name in ("hub_evaluation:target_new", "hub_evaluation:run_new"):
        page = client.get(reverse(name))
        assert page.status_code == 200 and "仅市级监管人员" in page.content.decode()
    assert 'data-testid="designation-form"' not in client.get(reverse("hub_evaluation:designations")).content.decode()
    response = client.post(reverse("hub_evaluation:target_new"), {"code": "x"})
    assert response.status_code == 403 and not PolicyTarget.objects.filter(code="x").exists()


def test_a_hub_operator_reads_any_citys_evaluation_but_does_not_run_it():
    from openpyxl import load_workbook

    from sharecity.hub.evaluation import services

    user, _client = officer("tj-city")

    run = services.evaluation_run(actor=user, year=2026, quarter=1, fund_fen=100)
    operator = factories.make_user("operator")
    operator.is_staff = True
    operator.save(update_fields=["is_staff"])
    op = Client(headers={"accept-language": "en"})
    op.force_login(operator)
    assert op.get(reverse("hub_evaluation:run", args=[run.pk])).status_code == 200
    targets = op.get(reverse("api-v1:evaluation_targets"), {"city": "120100"}).json()
    assert targets["city_code"] == "120100" and len(targets["targets"]) == 7
    assert op.get(reverse("api-v1:evaluation_targets"), {"city": "350200"}).json()["targets"] == []
    assert op.get(reverse("api-v1:evaluation_targets"), {"city": "12ab"}).status_code == 422
    response = op.post(reverse("api-v1:evaluation_run_create"), json.dumps({"year": 2026, "quarter": 1,
                                                                             "fund": "1"}),
                       content_type="application/json")
    assert response.status_code == 403 and EvaluationRun.objects.count() == 1
    sheet = load_workbook(io.BytesIO(op.get(reverse("hub_evaluation:runs_export")).content)).active
    assert [row[:3] for row in sheet.iter_rows(min_row=2, values_only=True)] == [(2026, 1, 1)]
