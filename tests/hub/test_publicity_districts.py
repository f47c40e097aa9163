"""Regressions the jurisdiction walk found in hub/publicity: penalties and their repairs were shown to
every district bureau of the city, a district bureau could decide another district's repair and take
another district's entry off a city list, a list entry's page named the platforms of other districts,
and the directives a list change sends carried no city (no officer could read them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.directives.models import Directive
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.publicity import selectors, services
from sharecity.hub.publicity.models import EntryStatus, RepairStatus
from sharecity.hub.registry.jurisdiction import jurisdiction_for
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.errors import Forbidden, NotFound
from sharecity.kernel.timeutil import city_datetime
from tests import factories
from tests.hub.slice import run_slice

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
NOW = city_datetime(D("2026-06-01"), dt.time(10))


def officer(name: str, *, district: str = "", city: str = "350200", department: str = "厦门市市场监督管理局"):
    user = factories.make_user(name)
    regulator_profile_set(actor=None, user=user, department=department, city_code=city, district_code=district)
    return user


def client(user) -> Client:
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    return c


def penalty(actor, *, number: str, key: str, district: str = ""):
    return services.penalty_record(
        actor=actor, subject_kind="person", subject_identifier=key, decision_number=number, facts="未明码标价",
        law="《价格法》", article="第十三条", severity="light", decided_on=D("2026-05-20"), district_code=district,
        now=NOW)


def apply(p):
    application, _secret = services.repair_apply(
        decision_number=p.decision_number, subject_identifier=p.subject_identifier, performance="已缴",
        correction="已改", commitment="承诺", now=NOW)
    return application


@pytest.fixture
def bureaus():
    return {"siming": officer("siming", district="350203", department="厦门市思明区市场监督管理局"),
            "huli": officer("huli", district="350206", department="厦门市湖里区市场监督管理局"),
            "xiamen": officer("xiamen")}


def test_a_district_bureau_sees_its_own_and_the_citys_penalties_never_another_districts(bureaus):
    huli_penalty = penalty(bureaus["huli"], number="湖市监罚1", key="id-" + "h" * 26)
    city_penalty = penalty(bureaus["xiamen"], number="厦市监罚1", key="id-" + "x" * 26)
    siming = jurisdiction_for(bureaus["siming"])
    assert list(selectors.penalties(jurisdiction=siming)) == [city_penalty]
    assert set(selectors.penalties(jurisdiction=jurisdiction_for(bureaus["huli"]))) == {huli_penalty, city_penalty}
    assert set(selectors.penalties(jurisdiction=jurisdiction_for(bureaus["xiamen"]))) == {huli_penalty, city_penalty}
    web = client(bureaus["siming"])
    assert web.get(reverse("publicity:penalty", args=[huli_penalty.public_id])).status_code == 404
    assert web.get(f"/api/v1/hub/publicity/penalties/{huli_penalty.public_id}").status_code == 404
    assert "湖市监罚1" not in web.get(reverse("publicity:penalties")).text


def test_a_repair_is_decided_by_the_bureau_that_decided_the_penalty(bureaus):
    huli_application = apply(penalty(bureaus["huli"], number="湖市监罚2", key="id-" + "i" * 26))
    city_application = apply(penalty(bureaus["xiamen"], number="厦市监罚2", key="id-" + "y" * 26))
    siming = bureaus["siming"]
    assert list(selectors.repair_queue(jurisdiction=jurisdiction_for(siming))) == [city_application]
    with pytest.raises(NotFound):
        services.repair_decide(actor=siming, application=huli_application, approve=True, reasons="越权", now=NOW)
    # The city bureau's decision: a district bureau reads the application but does not decide it.
    with pytest.raises(Forbidden):
        services.repair_decide(actor=siming, application=city_application, approve=True, reasons="越权", now=NOW)
    web = client(siming)
    code = huli_application.tracking_code
    assert web.get(f"/api/v1/hub/publicity/repairs/{code}").status_code == 404
    assert web.post(f"/api/v1/hub/publicity/repairs/{code}/decision", {"approve": True, "reasons": "越权"},
                    content_type="application/json").status_code == 404
    huli_application.refresh_from_db()
    city_application.refresh_from_db()
    assert huli_application.status == city_application.status == RepairStatus.PENDING
    decided = services.repair_decide(actor=bureaus["huli"], application=huli_application, approve=True,
                                     reasons="已整改", now=NOW)
    assert decided.status == RepairStatus.APPROVED


def test_a_city_list_is_read_by_every_district_changed_by_the_bureau_that_listed_and_names_only_own_platforms(
        bureaus):
    siming_platform = run_slice(district="350203", name="思明停车",
                                credit_code=factories.credit_code(division="350203"))
    huli_platform = run_slice(district="350206", name="湖里停车", credit_code=factories.credit_code(division="350206"))
    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)
    entry = services.list_entry_add(
        actor=bureaus["huli"], credit_list="red", subject_kind="person", subject_identifier="id-" + "r" * 26,
        legal_basis="守信激励", decided_on=D("2026-05-20"), effective_on=D("2026-05-20"), reason="守信", now=NOW)
    assert entry.district_code == "350206"
    told = sorted(entry.notices.values_list("platform_id", flat=True))
    assert told == sorted([siming_platform.platform_id, huli_platform.platform_id])
    # The directives are the city's: the city's bureau reads them and their audit rows, a district bureau does not.
    directives = Directive.objects.filter(directive_type="credit_list.changed")
    assert {(d.city_code, d.district_code) for d in directives} == {("350200", "")}
    audit = AuditEntry.objects.filter(action="directive.issued")
    assert {(a.city_code, a.district_code) for a in audit} == {("350200", "")}

    web = client(bureaus["siming"])
    page = web.get(reverse("publicity:list_entry", args=[entry.public_id]))
    assert page.status_code == 200
    assert siming_platform.platform_id in page.text and huli_platform.platform_id not in page.text
    acks = web.get(f"/api/v1/hub/publicity/lists/{entry.public_id}").json()["acknowledgements"]
    assert [a["platform_id"] for a in acks] == [siming_platform.platform_id]

    with pytest.raises(Forbidden):
        services.list_entry_remove(actor=bureaus["siming"], entry=entry, reason="越权")
    response = web.post(f"/api/v1/hub/publicity/lists/{entry.public_id}/removal", {"reason": "越权"},
                        content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "publicity.other_department"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ACTIVE
    # The city's bureau may take any of the city's entries off.
    assert services.list_entry_remove(actor=bureaus["xiamen"], entry=entry, reason="复核").status == EntryStatus.REMOVED
