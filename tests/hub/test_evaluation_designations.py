"""Withdrawing a designation: a city-level officer withdraws it with the decision and the day it took
effect; the row stays as history, stops counting toward the targets from that day, and the platform
may be designated again."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.evaluation import selectors
from sharecity.hub.evaluation.models import Designation
from tests.hub.evaluation_support import officer, platform, post

pytestmark = pytest.mark.django_db


def _headquarters(on: dt.date) -> int:
    return {row["code"]: row["current"] for row in selectors.target_progress(city_code="120100", on=on)}[
        "headquarters"]


@pytest.fixture
def designated():
    """Tianjin's 津城家政 recognised as a regional headquarters 60 days ago, through the API."""
    platform("tj-1", "津城家政", division="120101", sectors=["housekeeping"])
    _user, client = officer("tj-city")
    recognised = selectors.today() - dt.timedelta(days=60)
    response = post(client, reverse("api-v1:evaluation_designation_add"), {
        "platform_id": "tj-1", "kind": "regional_hq", "decision_reference": "津商务〔2026〕12号",
        "evidence": "区域总部认定文件", "recognised_on": recognised.isoformat()})
    assert response.status_code == 201, response.content
    return client, Designation.objects.get(pk=response.json()["id"]), recognised


def _withdraw_url(designation_id) -> str:
    return reverse("api-v1:evaluation_designation_withdraw", kwargs={"designation_id": designation_id})


def test_a_city_officer_withdraws_a_designation_and_it_stops_counting_from_that_day(designated):
    client, designation, recognised = designated
    withdrawn = recognised + dt.timedelta(days=30)
    assert _headquarters(withdrawn) == 1
    response = post(client, _withdraw_url(designation.pk),
                    {"decision_reference": "津商务〔2026〕40号", "withdrawn_on": withdrawn.isoformat()})
    assert response.status_code == 200, response.content
    assert response.json()["withdrawn_on"] == withdrawn.isoformat() and response.json()["active"] is False
    # Progress as of a day respects the withdrawal: counted the day before, not from that day on.
    assert _headquarters(withdrawn - dt.timedelta(days=1)) == 1
    assert _headquarters(withdrawn) == 0 and _headquarters(selectors.today()) == 0
    api = {row["code"]: row["current"] for row in
           client.get(reverse("api-v1:evaluation_targets")).json()["targets"]}
    assert api["headquarters"] == 0
    # It stays listed, with the withdrawal.
    listed = client.get(reverse("api-v1:evaluation_designations")).json()
    assert [(row["decision_reference"], row["withdrawn_on"], row["withdrawal_reference"], row["active"])
            for row in listed] == [("津商务〔2026〕12号", withdrawn.isoformat(), "津商务〔2026〕40号", False)]
    entry = AuditEntry.objects.get(action="evaluation.designation_withdrawn")
    assert entry.object_id == str(designation.pk)
    assert json.loads(entry.detail)["decision_reference"] == "津商务〔2026〕40号"
    assert json.loads(entry.detail)["withdrawn_on"] == withdrawn.isoformat()
    # A second withdrawal is a conflict and changes nothing.
    again = post(client, _withdraw_url(designation.pk),
                 {"decision_reference": "津商务〔2026〕41号", "withdrawn_on": selectors.today().isoformat()})
    assert again.status_code == 409 and again.json()["field"] == "designation_id"
    designation.refresh_from_db()
    assert (designation.withdrawn_on, designation.withdrawal_reference) == (withdrawn, "津商务〔2026〕40号")
    assert AuditEntry.objects.filter(action="evaluation.designation_withdrawn").count() == 1


def test_a_platform_is_designated_again_after_a_withdrawal(designated):
    client, designation, recognised = designated
    withdrawn = recognised + dt.timedelta(days=20)
    assert post(client, _withdraw_url(designation.pk), {"decision_reference": "撤销-1",
                                                        "withdrawn_on": withdrawn.isoformat()}).status_code == 200
    url = reverse("api-v1:evaluation_designation_add")
    body = {"platform_id": "tj-1", "kind": "regional_hq", "decision_reference": "津商务〔2026〕50号",
            "evidence": "重新认定", "recognised_on": (withdrawn - dt.timedelta(days=1)).isoformat()}
    overlapping = post(client, url, body)
    assert overlapping.status_code == 400 and overlapping.json()["field"] == "recognised_on"
    again = post(client, url, {**body, "recognised_on": (withdrawn + dt.timedelta(days=10)).isoformat()})
    assert again.status_code == 201, again.content
    # Standing again: a third one of the same kind is a duplicate.
    assert post(client, url, {**body, "recognised_on": selectors.today().isoformat()}).status_code == 409
    assert _headquarters(withdrawn + dt.timedelta(days=5)) == 0
    assert _headquarters(withdrawn + dt.timedelta(days=10)) == 1
    assert [row["active"] for row in client.get(reverse("api-v1:evaluation_designations")).json()] == [True, False]


def test_another_citys_officer_and_a_district_officer_cannot_withdraw(designated):
    _client, designation, _recognised = designated
    _x, xiamen = officer("xm-city", city="350200", department="厦门市商务局")
    _d, heping = officer("tj-heping", district="120101", department="天津市和平区商务局")
    body = {"decision_reference": "撤销", "withdrawn_on": selectors.today().isoformat()}
    foreign = post(xiamen, _withdraw_url(designation.pk), body)
    assert foreign.status_code == 404 and foreign.json()["field"] == "designation_id"
    district = post(heping, _withdraw_url(designation.pk), body)
    assert district.status_code == 403
    missing = post(_client, _withdraw_url(designation.pk + 1000), body)
    assert missing.status_code == 404 and missing.json()["field"] == "designation_id"
    designation.refresh_from_db()
    assert designation.withdrawn_on is None and not AuditEntry.objects.filter(
        action="evaluation.designation_withdrawn").exists()


@pytest.mark.parametrize(("change", "field", "statuses"), [
    ({"withdrawn_on": "before"}, "withdrawn_on", (400,)),  # the day before it was recognised
    ({"withdrawn_on": "tomorrow"}, "withdrawn_on", (400,)),
    ({"withdrawn_on": "2026-02-30"}, "withdrawn_on", (422,)),
    ({"withdrawn_on": 20260301}, "withdrawn_on", (422,)),
    ({"decision_reference": "撤销\x07"}, "decision_reference", (400, 422)),
    ({"decision_reference": "x" * 121}, "decision_reference", (422,)),
    ({"decision_reference": ["撤销"]}, "decision_reference", (422,)),
    ({"decision_reference": "   "}, "decision_reference", (400,)),
])
def test_hostile_withdrawal_input_gets_a_4xx_naming_the_field(designated, change, field, statuses):
    client, designation, recognised = designated
    days = {"before": recognised - dt.timedelta(days=1), "tomorrow": selectors.today() + dt.timedelta(days=1)}
    change = {key: days[value].isoformat() if isinstance(value, str) and value in days else value
              for key, value in change.items()}
    body = {"decision_reference": "撤销", "withdrawn_on": selectors.today().isoformat(), **change}
    response = post(client, _withdraw_url(designation.pk), body)
    assert response.status_code in statuses, response.content
    assert field in (response.json()["field"] or "")
    designation.refresh_from_db()
    assert designation.withdrawn_on is None


def test_a_designation_id_of_the_wrong_kind_or_size_is_a_clear_4xx(designated):
    client, _designation, _recognised = designated
    body = {"decision_reference": "撤销", "withdrawn_on": selectors.today().isoformat()}
    huge = post(client, f"/api/v1/hub/evaluation/designations/{10**30}/withdraw", body)
    assert huge.status_code == 400 and huge.json()["field"] == "designation_id"
    word = post(client, "/api/v1/hub/evaluation/designations/abc/withdraw", body)
    assert 400 <= word.status_code < 500
    assert client.post(_withdraw_url(_designation.pk), "not json", content_type="application/json").status_code \
        in (400, 422)


def test_the_page_offers_a_withdraw_form_per_row_and_exports_the_withdrawal(designated):
    from openpyxl import load_workbook

    client, designation, recognised = designated
    page = client.get(reverse("hub_evaluation:designations")).content.decode()
    assert page.count('data-testid="withdraw-form"') == 1 and "撤销" in page
    url = reverse("hub_evaluation:designation_withdraw", args=[designation.pk])
    assert client.get(url).status_code == 405
    bad = client.post(url, {"decision_reference": "津商务〔2026〕40号",
                            "withdrawn_on": (recognised - dt.timedelta(days=1)).isoformat()})
    assert bad.status_code == 400 and recognised.isoformat() in bad.content.decode()
    empty = client.post(url, {"withdrawn_on": selectors.today().isoformat()})
    assert empty.status_code == 400
    _d, heping = officer("tj-heping", district="120101", department="天津市和平区商务局")
    assert 'data-testid="withdraw-form"' not in heping.get(reverse("hub_evaluation:designations")).content.decode()
    assert heping.post(url, {"decision_reference": "撤销", "withdrawn_on": selectors.today().isoformat()}
                       ).status_code == 403
    _x, xiamen = officer("xm-city", city="350200", department="厦门市商务局")
    assert xiamen.post(url, {"decision_reference": "撤销", "withdrawn_on": selectors.today().isoformat()}
                       ).status_code == 404
    designation.refresh_from_db()
    assert designation.withdrawn_on is None
    good = client.post(url, {"decision_reference": "津商务〔2026〕40号", "withdrawn_on": selectors.today().isoformat()})
    assert good.status_code == 302
    page = client.get(reverse("hub_evaluation:designations")).content.decode()
    assert 'data-testid="withdraw-form"' not in page and "津商务〔2026〕40号" in page and "不再计入" in page
    again = client.post(url, {"decision_reference": "再次", "withdrawn_on": selectors.today().isoformat()})
    assert again.status_code == 409
    english = client.get(reverse("hub_evaluation:designations"), headers={"accept-language": "en"})
    assert "no longer counts toward the targets" in english.content.decode()
    sheet = load_workbook(io.BytesIO(client.get(reverse("hub_evaluation:designations_export")).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][5:] == ("撤销日期", "撤销决定")
    assert rows[1][5].date() == selectors.today() and rows[1][6] == "津商务〔2026〕40号"
