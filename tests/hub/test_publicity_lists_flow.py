"""A credit-list change end to end: an officer puts a market provider on the serious-dishonesty list,
the ``credit_list.changed`` directive goes down through the exchange to every platform active in the
city, the market refuses the provider's publishing, the platform acknowledges and the hub shows it;
repair of the penalty the entry rests on takes the provider off the list and the platforms are told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sharecity.exchange.downlink import downlink_pump
from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.directives.models import Directive, DirectiveStatus
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.publicity import services
from sharecity.hub.publicity.models import EntryStatus, ListNotice
from sharecity.hub.registry.keys import hub_public_keys
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.accounts.errors import CreditListed
from sharecity.market.accounts.models import CreditListChange
from sharecity.market.accounts.selectors import party_key
from sharecity.market.directives.models import ReceivedDirective
from sharecity.market.directives.services import directive_acknowledge, directives_receive
from sharecity.market.listings.models import ListingStatus
from sharecity.market.listings.services import listing_submit
from sharecity.market.platforms.services import operator_add
from tests import factories
from tests.hub.slice import run_slice
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db

LAW = "《中华人民共和国电子商务法》第十五条"
BASIS = "《失信行为纠正后的信用信息修复管理办法》; 国家发展改革委令2025年第36号"


def downlink(transport):
    return downlink_pump(transport=transport, hub_receipt_keys=hub_public_keys, on_directives=directives_receive)


def uplink(transport) -> None:
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def submit(platform, provider):
    return listing_submit(actor=provider, listing=make_listing(platform, provider, status=ListingStatus.DRAFT))


def test_a_listed_provider_is_refused_by_the_platform_the_hub_sees_the_acknowledgement_and_repair_lifts_it():
    transport = LocalTransport()
    market = run_slice()  # a Xiamen platform, active in 思明区 (350203)
    # Registered and active only in Tianjin: not told (a platform registered in Xiamen is Xiamen's too).
    tianjin = run_slice(district="120101", name="津门停车", credit_code=factories.credit_code(division="120101"))
    uplink(transport)
    operator = factories.make_user("operator")
    operator_add(actor=None, platform=market.platform, user=operator)
    officer = factories.make_user("dr")
    regulator_profile_set(actor=None, user=officer, department="厦门市发展和改革委员会",
                          department_kind="development_reform", city_code="350200")
    key = party_key(market.provider)

    today = timezone.now().astimezone(CITY_TZ).date()
    decided = today - dt.timedelta(days=400)  # serious: repair may be applied for after one year
    decision = services.penalty_record(
        actor=officer, subject_kind="person", subject_identifier=key, decision_number="厦发改罚〔2025〕9号",
        facts="虚构车位骗取预订款", law="《中华人民共和国电子商务法》", article="第十七条", severity="serious",
        decided_on=decided, district_code="350203")
    entry = services.list_entry_add(
        actor=officer, credit_list="black", subject_kind="person", subject_identifier=key, legal_basis=BASIS,
        decided_on=today, effective_on=today, reason="严重失信：虚构车位骗取预订款", measures=["不得发布车位"],
        basis_decision_number=decision.decision_number)
    assert entry.expires_on == decision.display_until
    [notice] = ListNotice.objects.filter(entry=entry)
    assert notice.platform_id == market.platform_id != tianjin.platform_id

    relay_pump(transport=transport)
    report = downlink(transport)
    assert report.directives == 1
    change = CreditListChange.objects.get(platform=market.platform)
    assert (change.subject_key, change.added, change.credit_list) == (key, True, "black")
    with pytest.raises(CreditListed) as refused:
        submit(market.platform, market.provider)
    assert refused.value.code == "credit.listed" and "厦门市发展和改革委员会" in str(refused.value.message)

    hub = Client(headers={"accept-language": "en"})
    hub.force_login(officer)
    page = hub.get(reverse("publicity:list_entry", args=[entry.public_id]))
    assert f'data-platform="{market.platform_id}" data-action="added"' in page.text
    assert 'data-status="sent"' in page.text

    received = ReceivedDirective.objects.get(platform=market.platform)
    directive_acknowledge(actor=operator, directive=received, action_taken="已禁止该服务提供者发布车位", completed=True)
    uplink(transport)
    assert Directive.objects.get(pk=notice.directive_id).status == DirectiveStatus.COMPLETED
    page = hub.get(reverse("publicity:lists"))
    assert 'data-status="completed"' in page.text and "已禁止该服务提供者发布车位" in page.text
    api = hub.get(f"/api/v1/hub/publicity/lists/{entry.public_id}").json()
    assert api["acknowledgements"][0]["status"] == "completed"

    # Repair through the public window; the department approves; the entry resting on it comes off.
    window = Client(headers={"accept-language": "en"})
    applied = window.post("/api/v1/public/credit-repair/applications", {
        "decision_number": decision.decision_number, "subject_identifier": key,
        "performance": "已退还全部预订款并缴纳罚款",
        "correction": "已下架虚假车位", "commitment": "承诺今后如实发布车位信息"}, content_type="application/json")
    assert applied.status_code == 201, applied.content
    code, secret = applied.json()["tracking_code"], applied.json()["secret"]
    decided_page = hub.post(reverse("publicity:repair", args=[code]),
                            {"decision": "approve", "reasons": "已履行处罚、纠正行为并公开承诺"})
    assert decided_page.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED
    relay_pump(transport=transport)
    downlink(transport)
    assert submit(market.platform, market.provider).status == ListingStatus.PUBLISHED
    status = window.post("/api/v1/public/credit-repair/status", {"tracking_code": code, "secret": secret},
                         content_type="application/json").json()
    assert status["status"] == "approved" and "公开承诺" in status["reasons"]
    page = hub.get(reverse("publicity:list_entry", args=[entry.public_id]))
    assert f'data-platform="{market.platform_id}" data-action="removed"' in page.text


def test_a_platform_that_joins_the_city_later_is_told_of_the_entries_still_on_a_list():
    officer = factories.make_user("dr")
    regulator_profile_set(actor=None, user=officer, department="厦门市发展和改革委员会",
                          department_kind="development_reform", city_code="350200")
    today = timezone.now().astimezone(CITY_TZ).date()
    entry = services.list_entry_add(
        actor=officer, credit_list="red", subject_kind="person", subject_identifier="id-" + "f" * 26,
        legal_basis="守信激励", decided_on=today, effective_on=today, reason="连续守信")
    assert not ListNotice.objects.exists()  # no platform known in the city yet
    transport = LocalTransport()
    market = run_slice()
    uplink(transport)
    assert services.list_notices_catch_up() == 1
    assert services.list_notices_catch_up() == 0
    assert ListNotice.objects.get(entry=entry).platform_id == market.platform_id
