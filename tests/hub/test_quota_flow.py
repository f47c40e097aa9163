"""Quotas end to end: a platform reports its fleet through the market API and the exchange, the city scores the
quarter from the facts, allocates by a rule, publishes; the quota reaches the platform as a directive; a fleet
above it raises a warning."""

from __future__ import annotations

import pytest
from django.test import Client

from sharecity.exchange.downlink import downlink_pump
from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.directives.models import Directive
from sharecity.hub.intake.models import QuarantinedMessage
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.quota import services
from sharecity.hub.quota.models import AllocationRun, Evaluation, FleetReport, Quota
from sharecity.hub.registry.jurisdiction import jurisdiction_for
from sharecity.hub.registry.keys import hub_public_keys
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.hub.warnings.models import Warning
from sharecity.kernel.errors import Forbidden
from sharecity.market.directives.services import directives_receive
from sharecity.market.fleets.models import AssignedQuota
from sharecity.market.platforms.services import operator_add
from tests import factories

pytestmark = pytest.mark.django_db


def report(**overrides) -> dict:
    data = {"city": "350200", "zone": "island", "period_start": "2025-07-01", "period_end": "2025-09-30",
            "vehicles_deployed": 700, "vehicles_good": 665, "parking_checked": 200, "parking_compliant": 190,
            "dispatch_requests": 10, "dispatch_response_minutes": 25}
    data.update(overrides)
    return data


class City:
    def __init__(self) -> None:
        self.transport = LocalTransport()
        self.bikes = factories.make_platform(slug="ludao-bike", name="鹭岛单车")
        self.other = factories.make_platform(slug="haixi-bike", name="海西单车")
        self.operator = factories.make_user("bike-operator")
        operator_add(actor=None, platform=self.bikes, user=self.operator)
        self.other_operator = factories.make_user("other-operator")
        operator_add(actor=None, platform=self.other, user=self.other_operator)
        self.officer = factories.make_user("xm-transport")
        regulator_profile_set(actor=None, user=self.officer, department="厦门市交通运输局", city_code="350200")
        self.console = Client(headers={"accept-language": "en"})
        self.console.force_login(self.operator)
        self.other_console = Client(headers={"accept-language": "en"})
        self.other_console.force_login(self.other_operator)
        self.sync()

    def sync(self) -> None:
        relay_pump(transport=self.transport)
        intake_pump(transport=self.transport)
        relay_pump(transport=self.transport)
        downlink_pump(transport=self.transport, hub_receipt_keys=hub_public_keys, on_directives=directives_receive)

    def post(self, client, slug, data):
        return client.post(f"/api/v1/p/{slug}/fleets/reports", data, content_type="application/json")


@pytest.fixture
def city():
    return City()


def test_fleet_report_to_quota_directive_to_warning(city):
    response = city.post(city.console, "ludao-bike", report())
    assert response.status_code == 201, response.content
    assert city.post(city.other_console, "haixi-bike",
                     report(vehicles_deployed=500, vehicles_good=300, parking_compliant=80)).status_code == 201
    city.sync()
    fact = FleetReport.objects.get(platform_id=city.bikes.exchange_id)
    assert (fact.zone, fact.vehicles_deployed, fact.vehicles_good) == ("island", 700, 665)
    assert not Warning.objects.exists()  # no quota published yet: nothing to compare with

    jurisdiction = jurisdiction_for(city.officer)
    evaluations = services.evaluation_compute(actor=city.officer, jurisdiction=jurisdiction, city_code="350200",
                                              year=2025, quarter=3)
    scores = {e.platform_id: e.score for e in evaluations}
    assert scores[city.bikes.exchange_id] > scores[city.other.exchange_id]
    run = services.allocation_run(actor=city.officer, jurisdiction=jurisdiction, city_code="350200", year=2025,
                                  quarter=3, method="rank-shares",
                                  options={"total": "1000", "reserve_new": "0", "shares": "0.6,0.4",
                                           "pass_mark": "0"})
    totals = {p: a["total"] for p, a in run.result["allocations"].items()}
    assert totals == {city.bikes.exchange_id: 600, city.other.exchange_id: 400}
    assert Quota.objects.get(run=run, platform_id=city.bikes.exchange_id, zone="island").vehicles == 450
    with pytest.raises(ValueError):
        run.save()  # immutable

    services.allocation_publish(actor=city.officer, jurisdiction=jurisdiction, run_id=run.pk)
    assert Directive.objects.filter(directive_type="quota.assigned").count() == 2
    # The new quota is below the fleets last reported on the island (700 > 450, 500 > 300): the re-check at
    # publication warns about both, naming the allocation; off the island no fleet was reported.
    rechecked = {w.platform_id: w for w in Warning.objects.filter(rule="fleet_over_quota")}
    assert set(rechecked) == {city.bikes.exchange_id, city.other.exchange_id}
    assert f"QA-{run.pk}" in rechecked[city.bikes.exchange_id].explanation["en"]
    assert "450" in rechecked[city.bikes.exchange_id].explanation["en"]
    assert "300" in rechecked[city.other.exchange_id].explanation["zh"]
    Warning.objects.all().delete()  # what follows is about reports sent under the quota
    sent = Directive.objects.get(directive_type="quota.assigned", platform_id=city.bikes.exchange_id).payload
    assert "厦府办〔2019〕13号" in sent["legal_reference"] and sent["total"] == 600
    city.sync()
    received = {q.zone: q.vehicles for q in AssignedQuota.objects.filter(platform=city.bikes)}
    assert received == {"island": 450, "off-island": 150}
    shown = city.console.get("/api/v1/p/ludao-bike/fleets/quotas").json()
    assert {(q["zone"], q["vehicles"]) for q in shown} == {("island", 450), ("off-island", 150)}
    page = city.console.get("/p/ludao-bike/operator/fleets/")
    assert page.status_code == 200 and "450" in page.text

    # 700 deployed on the island against 450 in a new report: a warning for the city.
    assert city.post(city.console, "ludao-bike", report(report_id="late-q3")).status_code == 201
    city.sync()
    warning = Warning.objects.get(rule="fleet_over_quota")
    assert (warning.platform_id, warning.city_code) == (city.bikes.exchange_id, "350200")
    assert "450" in warning.explanation["en"] and "700" in warning.explanation["en"]
    # Within quota: no further warning.
    assert city.post(city.other_console, "haixi-bike",
                     report(report_id="ok", vehicles_deployed=300, vehicles_good=300)).status_code == 201
    city.sync()
    assert Warning.objects.filter(rule="fleet_over_quota").count() == 1


def test_unknown_zone_or_city_goes_to_quarantine(city):
    assert city.post(city.console, "ludao-bike", report(zone="mars")).status_code == 201
    assert city.post(city.other_console, "haixi-bike", report(city="110100")).status_code == 201
    city.sync()
    assert not FleetReport.objects.exists()
    fields = set(QuarantinedMessage.objects.values_list("field", flat=True))
    assert {"payload.zone", "payload.city"} <= fields


def test_another_citys_officer_and_a_district_officer_cannot_allocate(city):
    tianjin = factories.make_user("tj-officer")
    regulator_profile_set(actor=None, user=tianjin, department="天津市交通运输委员会", city_code="120100")
    siming = factories.make_user("siming-officer")
    regulator_profile_set(actor=None, user=siming, department="厦门市思明区交通局", district_code="350203")
    for officer in (tianjin, siming):
        with pytest.raises(Forbidden):
            services.evaluation_compute(actor=officer, jurisdiction=jurisdiction_for(officer), city_code="350200",
                                        year=2025, quarter=3)
    assert not Evaluation.objects.exists() and not AllocationRun.objects.exists()


def test_a_new_allocation_below_the_last_reported_fleet_raises_a_warning_once(city):
    # Q3: 300 deployed on the island by each; the first allocation leaves both within quota.
    assert city.post(city.console, "ludao-bike", report(vehicles_deployed=300, vehicles_good=290)).status_code == 201
    assert city.post(city.other_console, "haixi-bike",
                     report(vehicles_deployed=300, vehicles_good=200, parking_compliant=80)).status_code == 201
    city.sync()
    jurisdiction = jurisdiction_for(city.officer)
    services.evaluation_compute(actor=city.officer, jurisdiction=jurisdiction, city_code="350200", year=2025,
                                quarter=3)
    generous = services.allocation_run(actor=city.officer, jurisdiction=jurisdiction, city_code="350200", year=2025,
                                       quarter=3, method="rank-shares",
                                       options={"total": "2000", "reserve_new": "0", "shares": "0.5,0.5",
                                                "pass_mark": "0"})
    services.allocation_publish(actor=city.officer, jurisdiction=jurisdiction, run_id=generous.pk)
    assert not Warning.objects.exists()  # 750 each on the island: within

    # A later allocation cuts the island quota to 300 for the first and 150 for the second: only the second's
    # last reported fleet (300) is now above its quota.
    smaller = services.allocation_run(actor=city.officer, jurisdiction=jurisdiction, city_code="350200", year=2025,
                                      quarter=3, method="rank-shares",
                                      options={"total": "600", "reserve_new": "0", "shares": "0.6667,0.3333",
                                               "pass_mark": "0"})
    island = {q.platform_id: q.vehicles for q in Quota.objects.filter(run=smaller, zone="island")}
    assert island[city.bikes.exchange_id] >= 300 > island[city.other.exchange_id]
    services.allocation_publish(actor=city.officer, jurisdiction=jurisdiction, run_id=smaller.pk)
    [warning] = Warning.objects.filter(rule="fleet_over_quota")
    assert warning.platform_id == city.other.exchange_id
    assert f"QA-{smaller.pk}" in warning.explanation["en"] and f"{island[city.other.exchange_id]}" in \
        warning.explanation["en"]
