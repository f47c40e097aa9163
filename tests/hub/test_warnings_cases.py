"""A warning opens an enforcement case (源头追溯、属地查处): through the page and the API, held in the warning's
district by the officer's department, the case naming what the warning is about and linking back; once only;
never across jurisdictions; and a warning that names no one cannot open one."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sharecity.hub.enforcement.models import Case
from sharecity.hub.warnings.models import Warning
from sharecity.hub.warnings.services import warning_raise
from tests.hub.enforcement_support import HEPING, HULI, SIMING, client_of, officer, platform

pytestmark = pytest.mark.django_db


def _warning(key: str, *, district: str = SIMING, city: str = "350200", subject_kind: str = "order",
             subject_ref: str = "o-77", platform_id: str | None = "p-enf-1") -> Warning:
    return warning_raise(city_code=city, rule="deposit_kept", severity="high", subject_kind=subject_kind,
                         subject_ref=subject_ref, platform_id=platform_id, district_code=district,
                         explanation={"zh": "押金被全额扣除", "en": "The whole deposit was kept"},
                         evidence=[{"kind": "order", "ref": subject_ref, "description": "deposit kept"}],
                         dedupe_key=key)


def _open(client, warning: Warning, department: str = "market_supervision"):
    return client.post(reverse("api-v1:warning_case_open", kwargs={"warning_id": warning.pk}),
                       json.dumps({"department": department}), content_type="application/json")


def test_an_officer_opens_a_case_from_a_warning_once_and_the_two_link():
    platform()
    siming = client_of(officer("siming-officer", district=SIMING))
    warning = _warning("w-order")
    response = _open(siming, warning)
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(public_id=body["case_id"])
    # An order's warning is taken up with its platform, the order named in the summary.
    assert (case.source_kind, case.source_ref) == ("warning", str(warning.pk))
    assert (case.subject_kind, case.subject_ref, case.platform_id) == ("platform", "p-enf-1", "p-enf-1")
    assert (case.city_code, case.district_code, case.department) == ("350200", SIMING, "market_supervision")
    assert "o-77" in case.summary and "押金被全额扣除" in case.summary
    warning.refresh_from_db()
    assert warning.case_ref == str(case.public_id) == body["warning"]["case_ref"]
    # The warning's page links to the case; a second case from it is refused.
    page = siming.get(reverse("hub_warnings:detail", kwargs={"warning_id": warning.pk}))
    assert reverse("hub_enforcement:case", kwargs={"public_id": case.public_id}) in page.content.decode()
    again = _open(siming, warning)
    assert again.status_code == 409 and again.json()["field"] == "case_ref"
    assert Case.objects.count() == 1


def test_the_page_opens_the_case_and_shows_it():
    platform()
    user = officer("xiamen-officer")
    client = client_of(user)
    warning = _warning("w-listing", subject_kind="listing", subject_ref="l-9", district=HULI)
    response = client.post(reverse("hub_warnings:case", kwargs={"warning_id": warning.pk}),
                           {"department": "market_supervision"})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hub_enforcement:case", kwargs={"public_id": case.public_id})
    assert (case.subject_kind, case.subject_ref, case.district_code) == ("listing", "l-9", HULI)
    assert "押金被全额扣除" in client.get(response["Location"]).content.decode()


def test_bad_requests_name_the_field_and_other_places_see_nothing():
    platform()
    siming = client_of(officer("siming-officer", district=SIMING))
    tianjin = client_of(officer("tianjin-officer", city="120100", district=HEPING,
                                department="天津市和平区市场监督管理局"))
    huli_warning = _warning("w-huli", district=HULI)
    assert _open(siming, huli_warning).status_code == 404  # another district's
    assert _open(tianjin, _warning("w-siming")).status_code == 404  # another city's
    bad = _open(siming, _warning("w-bad"), department="police-ish")
    assert bad.status_code == 400 and bad.json()["field"] == "department"
    nobody = _open(siming, _warning("w-district", subject_kind="district", subject_ref=SIMING, platform_id=None))
    assert nobody.status_code == 400 and nobody.json()["field"] == "warning_id"
    oversize = _open(siming, _warning("w-long"), department="x" * 5000)
    assert oversize.status_code in (400, 422)
    assert siming.post(reverse("api-v1:warning_case_open", kwargs={"warning_id": 10**17}), "{}",
                       content_type="application/json").status_code == 404
    assert not Case.objects.exists()
    assert not Warning.objects.exclude(case_ref="").exists()
