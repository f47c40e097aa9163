"""Enforcement cases: opened from any source in the responsible district and department, handed over
(移送) between departments and districts with an audited row, acted on only by their holder."""

from __future__ import annotations

import pytest

from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.enforcement import selectors, services
from sharecity.hub.enforcement.models import Case, CaseHandover
from sharecity.hub.registry.jurisdiction import jurisdiction_for
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests import factories
from tests.hub.enforcement_support import HEPING, HULI, SIMING, at, officer, open_case, platform

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("source_kind", ["warning", "complaint", "inspection", "referral", "manual"])
def test_a_case_opens_from_each_source_and_is_audited(source_kind):
    case = open_case(source_kind=source_kind, source_ref="W-77" if source_kind != "manual" else "")
    assert case.status == "open" and case.district_code == SIMING and case.department == "market_supervision"
    entry = AuditEntry.objects.get(action="enforcement.case_opened", object_id=str(case.public_id))
    assert entry.detail_data["source_kind"] == source_kind and entry.city_code == "350200"


def test_the_district_bureau_sees_its_case_and_the_neighbouring_district_does_not():
    siming = officer("siming", district=SIMING)
    huli = officer("huli", district=HULI)
    city = officer("xiamen")
    tianjin = officer("tianjin", city="120100", department="天津市市场监督管理委员会")
    transport = officer("transport", kind="transport", department="厦门市交通运输局")
    case = open_case()
    assert selectors.case_get(jurisdiction=jurisdiction_for(siming), public_id=case.public_id) == case
    assert selectors.case_get(jurisdiction=jurisdiction_for(city), public_id=case.public_id) == case
    for outsider in (huli, tianjin, transport):
        with pytest.raises(NotFound):
            selectors.case_get(jurisdiction=jurisdiction_for(outsider), public_id=case.public_id)


def test_an_officer_opens_cases_only_in_their_jurisdiction_with_known_values():
    siming = officer("siming", district=SIMING)
    with pytest.raises(InvalidInput) as error:
        open_case(siming, district=HULI)
    assert error.value.field == "district_code"
    with pytest.raises(InvalidInput) as error:
        open_case(district=HEPING)  # a Tianjin district in Xiamen
    assert error.value.field == "district_code"
    for field, kwargs in (("department", {"department": "police"}), ("source_kind", {"source_kind": "rumour"}),
                          ("subject_kind", {"subject_kind": "car"}), ("summary", {"summary": "a\x00b"}),
                          ("summary", {"summary": "长" * 2001}), ("subject_ref", {"subject_ref": "x y"}),
                          ("platform_id", {"platform_id": "p-nowhere"})):
        with pytest.raises(InvalidInput) as error:
            open_case(**kwargs)
        assert error.value.field == field, kwargs
    someone = factories.make_user("someone")
    with pytest.raises(Forbidden):
        open_case(someone)
    assert not Case.objects.exists()


def test_the_holder_hands_over_to_another_district_which_then_holds_it():
    siming = officer("siming", district=SIMING)
    huli = officer("huli", district=HULI)
    case = open_case(siming)
    with pytest.raises(Forbidden):  # not the holder yet
        services.case_hand_over(actor=huli, case_id=case.public_id, to_department="market_supervision",
                                to_district_code=HULI, reason="我区管辖")
    handover = services.case_hand_over(actor=siming, case_id=case.public_id, to_department="market_supervision",
                                       to_district_code=HULI, reason="经营场所在湖里区", now=at("2026-11-02"))
    assert (handover.from_district_code, handover.to_district_code, handover.by, handover.reason) == (
        SIMING, HULI, siming, "经营场所在湖里区")
    assert selectors.case_get(jurisdiction=jurisdiction_for(huli), public_id=case.public_id).district_code == HULI
    with pytest.raises(NotFound):  # the former holder no longer reads it
        selectors.case_get(jurisdiction=jurisdiction_for(siming), public_id=case.public_id)
    with pytest.raises(Forbidden):  # nor hands it on
        services.case_hand_over(actor=siming, case_id=case.public_id, to_department="commerce",
                                to_district_code=HULI, reason="再移送")
    entry = AuditEntry.objects.get(action="enforcement.case_handed_over")
    assert entry.detail_data["from_district_code"] == SIMING and entry.detail_data["to_district_code"] == HULI
    assert entry.detail_data["reason"] == "经营场所在湖里区"


def test_a_hand_over_to_another_department_and_its_refusals():
    city = officer("xiamen")
    transport = officer("transport", kind="transport", department="厦门市交通运输局")
    case = open_case(city)
    for kwargs, field in (({"to_department": "police"}, "to_department"),
                          ({"to_district_code": HEPING}, "to_district_code"),
                          ({"to_district_code": SIMING, "to_department": "market_supervision"}, "to_district_code"),
                          ({"reason": ""}, "reason")):
        body = {"to_department": "transport", "to_district_code": SIMING, "reason": "属交通运输部门管辖", **kwargs}
        with pytest.raises(InvalidInput) as error:
            services.case_hand_over(actor=city, case_id=case.public_id, **body)
        assert error.value.field == field
    services.case_hand_over(actor=city, case_id=case.public_id, to_department="transport", to_district_code=SIMING,
                            reason="属交通运输部门管辖")
    assert selectors.case_get(jurisdiction=jurisdiction_for(transport), public_id=case.public_id)
    assert CaseHandover.objects.get().to_department == "transport"
    with pytest.raises(NotFound):
        services.case_hand_over(actor=city, case_id="not-a-uuid", to_department="transport",
                                to_district_code=SIMING, reason="x")


def test_a_decided_case_is_not_handed_over():
    city = officer("xiamen")
    case = open_case(city)
    services.case_decide(actor=city, case_id=case.public_id, violation_code="PRICE-13-TAGGING",
                         found_on=at("2026-11-02").date(), minor=True, correction_due=at("2026-11-06").date(),
                         corrected_on=at("2026-11-05").date(), now=at("2026-11-09"))
    with pytest.raises(Conflict):
        services.case_hand_over(actor=city, case_id=case.public_id, to_department="commerce",
                                to_district_code=SIMING, reason="x")


def test_a_case_on_a_platform_must_name_a_registered_one():
    platform("p-enf-1")
    case = open_case(subject_kind="platform", subject_ref="p-enf-1")
    assert case.platform_id == "p-enf-1"
    with pytest.raises(InvalidInput) as error:
        open_case(subject_kind="platform", subject_ref="p-unknown")
    assert error.value.field == "subject_ref"


def test_the_demo_city_has_a_lenient_decision_and_an_open_case_at_siming():
    from sharecity.kernel.models import User
    from sharecity.sim.demo import demo_load

    demo_load()
    siming = jurisdiction_for(User.objects.get(username="regulator-siming"))
    cases = list(selectors.cases_list(jurisdiction=siming))
    assert sorted(c.status for c in cases) == ["decided", "open"]
    decided = next(c for c in cases if c.status == "decided")
    assert (decided.outcome, decided.leniency_reason) == ("education", "qualifies")
    assert list(selectors.cases_list(jurisdiction=jurisdiction_for(User.objects.get(username="regulator-huli")))) == []


def test_the_same_warning_on_the_same_subject_opens_one_case_and_manual_cases_are_each_new():
    first = open_case(source_kind="warning", source_ref="W-9")
    again = open_case(source_kind="warning", source_ref="W-9", summary="同一预警再次处理")
    assert again.pk == first.pk and again.summary == "未明码标价"
    other_subject = open_case(source_kind="warning", source_ref="W-9", subject_ref="pk-provider-enf-0009")
    assert other_subject.pk != first.pk
    assert open_case(source_kind="manual", source_ref="").pk != open_case(source_kind="manual", source_ref="").pk
    assert AuditEntry.objects.filter(action="enforcement.case_opened").count() == 4
