"""A case's recall and rectification orders, end to end: issued at the hub, signed down through the
exchange, applied by the platform on every vertical (the listings suspended with reasons citing the
order, parking spaces included), the removals reported back up as facts; and the directives whose
acknowledgement is late, for the lead's warnings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sharecity.exchange.downlink import downlink_pump
from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.credit.models import CreditRecord
from sharecity.hub.directives.models import Directive
from sharecity.hub.enforcement import selectors, services
from sharecity.hub.facts.models import ListingFact
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.jurisdiction import jurisdiction_for
from sharecity.hub.registry.keys import hub_public_keys
from sharecity.kernel.errors import Forbidden, InvalidInput
from sharecity.market.directives.models import ReceivedDirective
from sharecity.market.directives.services import directive_acknowledge, directives_receive
from sharecity.market.listings.models import ListingStatus
from sharecity.market.parking.models import SpaceStatus
from sharecity.market.platforms.models import Sector
from sharecity.market.platforms.services import operator_add
from tests import factories
from tests.hub.enforcement_support import SIMING, officer, open_case
from tests.market.engine_factories import category, make_listing

pytestmark = pytest.mark.django_db

LAW = "《中华人民共和国消费者权益保护法》第十九条"


def uplink(transport) -> None:
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def downlink(transport):
    relay_pump(transport=transport)
    return downlink_pump(transport=transport, hub_receipt_keys=hub_public_keys, on_directives=directives_receive)


@pytest.fixture
def world():
    transport = LocalTransport()
    platform = factories.make_platform(slug="ludao-life", name="鹭岛共享生活")
    operator = factories.make_user("operator")
    operator_add(actor=None, platform=platform, user=operator)
    provider = factories.make_provider(platform)
    uplink(transport)  # the platform registers at the hub
    city = officer("xiamen")
    return transport, platform, operator, provider, city


def test_a_recall_from_a_case_suspends_the_listings_on_every_vertical_and_the_hub_learns_it(world):
    transport, platform, _operator, provider, city = world
    listings = {sector: make_listing(platform, provider, category_code=category(sector).code,
                                     title=f"某品牌电加热器 H2 ({sector})")
                for sector in Sector.values if sector != Sector.PARKING}
    space = factories.make_space(platform, provider)
    spare = make_listing(platform, provider, title="不受召回影响的显微镜")
    uplink(transport)
    named = [str(listing.public_id) for listing in listings.values()] + [str(space.public_id)]
    case = open_case(city, subject_kind="platform", subject_ref=platform.exchange_id, summary="电加热器过热起火")
    link = services.case_directive_send(
        actor=city, case_id=case.public_id, kind="recall", legal_reference=LAW, recall_id="RC-2026-11",
        product="某品牌电加热器 H2 批次 2026-03", listing_ids=named, reason="过热起火风险", measures=["stop_sales"])
    assert link.directive_type == "recall.order"
    report = downlink(transport)
    assert report.directives == 1
    received = ReceivedDirective.objects.get(message_id=link.directive_message_id)
    assert [a["action"] for a in received.automatic_actions] == ["suspended"] * len(named)
    for listing in listings.values():
        listing.refresh_from_db()
        assert listing.status == ListingStatus.SUSPENDED, listing.category.sector
    space.refresh_from_db()
    spare.refresh_from_db()
    assert space.status == SpaceStatus.REMOVED and spare.status == ListingStatus.PUBLISHED
    uplink(transport)  # the removals go up as listing.removed
    removed = ListingFact.objects.filter(platform_id=platform.exchange_id, listing_id__in=named)
    assert removed.count() == len(named)
    assert {fact.removed_by for fact in removed} == {"authority"}
    assert [d.message_id for d in selectors.case_directives(case)] == [link.directive_message_id]


def test_a_rectification_order_is_a_failed_targeted_inspection_recorded_in_credit(world):
    transport, platform, _operator, _provider, city = world
    case = open_case(city, subject_kind="platform", subject_ref=platform.exchange_id, summary="未公示服务协议")
    link = services.case_directive_send(
        actor=city, case_id=case.public_id, kind="rectification", legal_reference="《电子商务法》第三十三条",
        subject_type="platform", subject_id=platform.exchange_id,
        findings=[{"code": "ECL-81-PLATFORM-TERMS", "description": "首页未持续公示平台服务协议"}])
    directive = Directive.objects.get(message_id=link.directive_message_id)
    assert directive.directive_type == "inspection.result" and directive.payload["result"] == "fail"
    assert directive.payload["case_id"] == str(case.public_id)
    assert CreditRecord.objects.filter(kind="inspection", source_id=str(directive.message_id)).exists()
    assert downlink(transport).directives == 1


def test_only_the_holder_sends_orders_and_bad_orders_name_the_field(world):
    _transport, platform, _operator, _provider, city = world
    huli = officer("huli", district="350206")
    case = open_case(city, subject_kind="platform", subject_ref=platform.exchange_id)
    with pytest.raises(Forbidden):
        services.case_directive_send(actor=huli, case_id=case.public_id, kind="recall", legal_reference=LAW,
                                     recall_id="RC-1", product="x", reason="y", measures=["stop_sales"])
    with pytest.raises(InvalidInput) as error:
        services.case_directive_send(actor=city, case_id=case.public_id, kind="recall", legal_reference=LAW,
                                     recall_id="RC-1", product="x", reason="y", measures=[])
    assert error.value.field == "measures"
    with pytest.raises(InvalidInput) as error:
        services.case_directive_send(actor=city, case_id=case.public_id, kind="ban", legal_reference=LAW)
    assert error.value.field == "kind"
    no_platform = open_case(city)
    with pytest.raises(InvalidInput) as error:
        services.case_directive_send(actor=city, case_id=no_platform.public_id, kind="recall", legal_reference=LAW,
                                     recall_id="RC-1", product="x", reason="y", measures=["stop_sales"])
    assert error.value.field == "platform_id"
    assert not Directive.objects.exists()


def test_directives_acknowledged_late_are_listed_once_each_with_their_case(world):
    transport, platform, operator, _provider, city = world
    case = open_case(city, subject_kind="platform", subject_ref=platform.exchange_id)
    now = timezone.now()
    issued = now - dt.timedelta(days=20)

    def send(recall_id: str):
        return services.case_directive_send(
            actor=city, case_id=case.public_id, kind="recall", legal_reference=LAW, recall_id=recall_id,
            product="地锁", reason="夹伤风险", measures=["notify_buyers"], now=issued,
            deadline=issued + dt.timedelta(days=3))

    never, late, on_time = send("RC-never"), send("RC-late"), send("RC-on-time")
    downlink(transport)
    by_id = {str(d.message_id): d for d in ReceivedDirective.objects.all()}
    directive_acknowledge(actor=operator, directive=by_id[str(late.directive_message_id)], action_taken="已通知买家",
                          completed=True, now=issued + dt.timedelta(days=5))
    directive_acknowledge(actor=operator, directive=by_id[str(on_time.directive_message_id)],
                          action_taken="已通知买家", completed=True, now=issued + dt.timedelta(days=1))
    uplink(transport)
    found = selectors.directives_acknowledged_late(now=now)
    assert [row.message_id for row in found] == [str(never.directive_message_id), str(late.directive_message_id)]
    assert found[0].acknowledged_at is None and found[1].acknowledged_at is not None
    assert {row.case_id for row in found} == {str(case.public_id)}
    assert found[0].dedupe_key == f"directive-ack-late:{never.directive_message_id}"
    assert found[0].city_code == "350200" and found[0].days_late >= 16
    # Scoped: Siming's district bureau issued none of them; Tianjin sees none.
    assert selectors.directives_acknowledged_late(now=now, jurisdiction=jurisdiction_for(
        officer("siming", district=SIMING))) == []
    assert selectors.directives_acknowledged_late(now=now, jurisdiction=jurisdiction_for(
        officer("tianjin", city="120100"))) == []
    assert selectors.directives_acknowledged_late(now=issued + dt.timedelta(days=2)) == []


def test_a_scan_raises_one_warning_per_directive_acknowledged_late(world):
    from sharecity.hub.warnings.models import Warning
    from sharecity.hub.warnings.services import late_acknowledgements_raise, warnings_scan

    _transport, platform, _operator, _provider, city = world
    case = open_case(city, subject_kind="platform", subject_ref=platform.exchange_id)
    issued = timezone.now() - dt.timedelta(days=10)
    recall = services.case_directive_send(
        actor=city, case_id=case.public_id, kind="recall", legal_reference=LAW, recall_id="RC-w",
        product="地锁", reason="夹伤风险", measures=["notify_buyers"], now=issued,
        deadline=issued + dt.timedelta(days=3))
    scan = warnings_scan(force=True)
    [warning] = Warning.objects.filter(rule="late_acknowledgement")
    assert scan.raised.get("late_acknowledgement") == 1
    assert (warning.subject_kind, warning.subject_ref) == ("directive", str(recall.directive_message_id))
    assert (warning.platform_id, warning.city_code, warning.severity) == (platform.exchange_id, "350200", "high")
    assert "至今未确认" in warning.explanation["zh"] and "not acknowledged yet" in warning.explanation["en"]
    assert warning.evidence[0]["ref"] == str(recall.directive_message_id)
    assert f"case {case.public_id}" in warning.evidence[0]["description"]
    # Scanned again, or looked at on its own: still one warning for the directive.
    assert late_acknowledgements_raise(now=timezone.now()) == 0
    warnings_scan(force=True)
    assert Warning.objects.filter(rule="late_acknowledgement").count() == 1
