"""Policy targets: Tianjin's 2025 goals seeded with their source, progress counted from the registry
(sectors mapped to the goal's category) and from designations officers record; a city's own targets."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.evaluation import selectors
from sharecity.hub.evaluation.models import Designation, PolicyTarget
from sharecity.hub.registry.jurisdiction import Jurisdiction
from tests.hub.evaluation_support import officer, platform, post

pytestmark = pytest.mark.django_db

DOC = "天津市人民政府办公厅关于推动生活性服务领域平台经济健康发展的实施意见"


def test_tianjins_2025_goals_are_seeded_with_their_source():
    targets = {t.code: t for t in PolicyTarget.objects.filter(city_code="120100")}
    expected = {"platforms_total": (200, "一(二)"), "headquarters": (20, "一(二)"), "national_leaders": (2, "一(二)"),
                "ecommerce": (50, "二(一)"), "resident_life": (100, "二(二)"),
                "culture_tourism_sports": (30, "二(三)"), "medical_health": (20, "二(四)")}
    assert {code: (t.target_value, t.source_article) for code, t in targets.items()} == expected
    for target in targets.values():
        assert (target.target_year, target.source_document, target.baseline_date) == (2025, DOC, dt.date(2023, 5, 17))
        assert target.source_text
    assert targets["headquarters"].designation_kinds == ["regional_hq", "functional_hq"]


def test_progress_counts_the_citys_registered_platforms_by_mapped_sector():
    platform("tj-1", "津城家政", division="120101", sectors=["housekeeping", "elderly_care"])
    platform("tj-2", "津门短租", division="120116", sectors=["homestay"])
    platform("tj-3", "津门二手", division="120104", sectors=["second_hand", "parking"])
    platform("tj-4", "津门仪器", division="120104", sectors=["lab_instruments"])
    platform("xm-1", "鹭岛家政", division="350203", sectors=["housekeeping"])  # Xiamen's: not Tianjin's
    progress = {row["code"]: row for row in selectors.target_progress(city_code="120100", on=dt.date(2024, 5, 17))}
    assert progress["platforms_total"]["current"] == 4
    assert progress["resident_life"]["current"] == 2  # housekeeping, and parking of the second-hand platform
    assert progress["culture_tourism_sports"]["current"] == 1
    assert progress["ecommerce"]["current"] == 1
    assert progress["medical_health"]["current"] == 0
    total = progress["platforms_total"]
    assert total["target"] == 200 and total["share"] == 0.02 and total["source"].endswith("一(二)")
    # A year into the 2023-05-17 .. 2025-12-31 span, 2% of the goal is behind the straight line.
    assert 0.36 < total["expected_share"] < 0.40 and total["status"] == "behind" and not total["on_track"]
    after = {row["code"]: row for row in selectors.target_progress(city_code="120100", on=dt.date(2026, 6, 1))}
    assert after["platforms_total"]["status"] == "missed"


def test_designations_are_entered_by_a_city_officer_with_their_decision_and_audited():
    platform("tj-1", "津城家政", division="120101", sectors=["housekeeping"])
    platform("xm-1", "鹭岛家政", division="350203", sectors=["housekeeping"])
    _user, client = officer("tj-city")
    _district_user, district = officer("tj-heping", district="120101", department="天津市和平区商务局")
    url = reverse("api-v1:evaluation_designation_add")
    body = {"platform_id": "tj-1", "kind": "regional_hq", "decision_reference": "津商务〔2026〕12号",
            "evidence": "区域总部认定文件", "recognised_on": "2026-03-01"}
    assert post(district, url, body).status_code == 403
    foreign = post(client, url, {**body, "platform_id": "xm-1"})
    assert foreign.status_code == 404 and foreign.json()["field"] == "platform_id"
    response = post(client, url, body)
    assert response.status_code == 201, response.content
    assert response.json()["platform_name"] == "津城家政"
    assert post(client, url, body).status_code == 409
    designation = Designation.objects.get()
    entry = AuditEntry.objects.get(action="evaluation.designation_added")
    assert entry.object_id == str(designation.pk)
    assert json.loads(entry.detail)["decision_reference"] == "津商务〔2026〕12号"
    progress = {row["code"]: row["current"] for row in selectors.target_progress(city_code="120100")}
    assert progress["headquarters"] == 1 and progress["national_leaders"] == 0
    # The district bureau reads them.
    listed = district.get(reverse("api-v1:evaluation_designations")).json()
    assert [row["decision_reference"] for row in listed] == ["津商务〔2026〕12号"]


def test_a_city_enters_its_own_targets_and_only_its_officers_see_them():
    _user, tianjin = officer("tj-city")
    _xm, xiamen = officer("xm-city", city="350200", department="厦门市商务局")
    _d, district = officer("xm-siming", city="350200", district="350203", department="厦门市思明区商务局")
    body = {"code": "homestays_2027", "name_zh": "共享住宿平台", "name_en": "Homestay platforms",
            "measure": "platforms", "category": "culture_tourism_sports", "target_value": 15, "target_year": 2027,
            "source_document": "厦门市促进共享经济健康发展实施方案", "source_number": "厦府办〔2019〕13号",
            "source_article": "三(二)"}
    url = reverse("api-v1:evaluation_target_add")
    assert post(district, url, body).status_code == 403
    response = post(xiamen, url, body)
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "《厦门市促进共享经济健康发展实施方案》 厦府办〔2019〕13号 三(二)"
    assert AuditEntry.objects.filter(action="evaluation.target_added").count() == 1
    codes = [row["code"] for row in district.get(reverse("api-v1:evaluation_targets")).json()["targets"]]
    assert codes == ["homestays_2027"]
    tianjin_codes = [row["code"] for row in tianjin.get(reverse("api-v1:evaluation_targets")).json()["targets"]]
    assert "homestays_2027" not in tianjin_codes and len(tianjin_codes) == 7
    # The page lists it with a progress bar.
    page = district.get(reverse("hub_evaluation:index")).content.decode()
    assert "共享住宿平台" in page and 'role="progressbar"' in page


@pytest.mark.parametrize(("change", "field", "statuses"), [
    ({"code": "Bad Code"}, "code", (400,)),
    ({"name_zh": "名称\x07"}, "name_zh", (400, 422)),
    ({"source_article": "x" * 61}, "source_article", (422,)),
    ({"target_value": "many"}, "target_value", (422,)),
    ({"target_value": -3}, "target_value", (422,)),
    ({"target_year": 1800}, "target_year", (422,)),
    ({"measure": "wishes"}, "measure", (400,)),
    ({"measure": "designations"}, "designation_kinds", (400,)),
    ({"category": "space_travel"}, "category", (400,)),
])
def test_hostile_target_input_gets_a_4xx_naming_the_field(change, field, statuses):
    _user, client = officer("tj-city")
    body = {"code": "ok_code", "name_zh": "名称", "name_en": "Name", "measure": "platforms", "target_value": 5,
            "target_year": 2027, "source_document": "文件", "source_article": "一"}
    response = post(client, reverse("api-v1:evaluation_target_add"), {**body, **change})
    assert response.status_code in statuses, response.content
    assert field in (response.json()["field"] or "")
    assert not PolicyTarget.objects.filter(code="ok_code").exists()


def test_the_targets_panel_renders_for_the_dashboard():
    platform("tj-1", "津城家政", division="120101", sectors=["housekeeping"])
    context = selectors.targets_panel(jurisdiction=Jurisdiction(city_code="120100", district_code="120101"))
    html = render_to_string("hub_evaluation/_targets_panel.html", context)
    assert "汇聚平台企业" in html and "1 / 200" in html and 'data-target="resident_life"' in html


def test_targets_export_to_excel():
    import io

    from openpyxl import load_workbook

    _user, client = officer("tj-city")
    response = client.get(reverse("hub_evaluation:targets_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "汇聚平台企业" in names and len(names) == 7
