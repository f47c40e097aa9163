"""A complaint upheld with a refund, from the market's ledger through the exchange to the hub's facts,
statistics and complaint pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.facts.models import ComplaintFact, RefundFact
from sharecity.hub.intake.models import QuarantinedMessage
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.monitoring.models import DailyStat
from sharecity.hub.monitoring.recompute import monitoring_recompute
from sharecity.hub.monitoring.services import city_day
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.market.complaints.services import complaint_resolve
from tests import factories
from tests.market.complaints.test_refunds import complain, paid_order
from tests.market.reviews.trust import make_operator

pytestmark = pytest.mark.django_db


def deliver() -> None:
    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def officer() -> Client:
    user = factories.make_user()
    regulator_profile_set(actor=None, user=user, department="厦门市市场监督管理局")
    client = Client()
    client.force_login(user)
    return client


def refunds_on(day) -> int:
    return sum(DailyStat.objects.filter(day=day).values_list("refunds_fen", flat=True))


def test_a_refund_after_payout_reaches_the_hub_with_its_amount():
    platform = factories.make_platform()
    provider, customer = factories.make_provider(platform), factories.make_user(platform=platform)
    operator = make_operator(platform)
    order = paid_order(platform, provider, customer, released=True, paid_out=True)
    complaint = complain(customer, order)
    deliver()
    complaint_resolve(actor=operator, complaint=complaint, outcome="upheld", refund_fen=12_345)
    deliver()
    assert not QuarantinedMessage.objects.exists()
    [fact] = RefundFact.objects.all()
    assert (fact.order_id, fact.complaint_id, fact.reason) == (str(order.public_id), str(complaint.public_id),
                                                                "complaint")
    assert (fact.amount_fen, fact.from_provider_fen, fact.receivable_fen, fact.refunded_total_fen) == (
        12_345, 12_345, 12_345, 12_345)
    assert fact.district_code == order.listing.district_code and fact.city_code
    complaint_fact = ComplaintFact.objects.get(complaint_id=str(complaint.public_id))
    assert (complaint_fact.status, complaint_fact.refund_fen) == ("resolved", 12_345)
    today = city_day(timezone.now())
    assert refunds_on(today) == 12_345
    # The statistics rebuilt from the fact store count it the same.
    monitoring_recompute()
    assert refunds_on(today) == 12_345
    # A regulator reads it on the complaint's page and in the API.
    client = officer()
    page = client.get(f"/hub/facts/complaints/{complaint_fact.pk}/")
    assert page.status_code == 200
    assert "¥123.45" in page.content.decode()
    detail = client.get(f"/api/v1/hub/facts/complaints/{complaint_fact.pk}").json()
    [refunded] = [event for event in detail["timeline"] if event["kind"] == "refunded"]
    assert (refunded["detail"]["amount_fen"], refunded["detail"]["receivable_fen"]) == (12_345, 12_345)
