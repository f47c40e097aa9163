"""A complainant withdraws a complaint the association had referred to a platform under online dispute
resolution: the platform is told through the exchange (directive complaint.withdrawn), closes its side as
withdrawn and acknowledges, and its closing comes back up the exchange to the hub's record of the case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.complaints import services
from sharecity.hub.complaints.models import Outcome, Status, ThirdPartyComplaint
from sharecity.hub.directives.models import Directive
from sharecity.hub.directives.services import directive_issue
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.errors import InvalidInput
from sharecity.market.complaints.models import Complaint, ComplaintStatus
from sharecity.market.directives.models import ReceivedDirective
from sharecity.market.platforms.services import operator_add
from tests import factories
from tests.hub.test_tpc_flow import file_on_site
from tests.hub.tpc_support import client_of, downlink, staff, uplink

pytestmark = pytest.mark.django_db


@pytest.fixture
def odr_city():
    transport = LocalTransport()
    platform = factories.make_platform(slug="ludao-life", name="鹭岛共享生活")
    operator = factories.make_user("operator")
    operator_add(actor=None, platform=platform, user=operator)
    uplink(transport)
    association = staff()
    services.odr_commitment_set(actor=association, platform_id=platform.exchange_id, committed=True)
    return transport, platform, association


def test_a_withdrawal_while_with_the_platform_closes_the_platforms_case_over_the_exchange(odr_city):
    transport, platform, association = odr_city
    public, code, secret = file_on_site(platform.exchange_id)
    complaint = ThirdPartyComplaint.objects.get(tracking_code=code)
    console = client_of(association, "en")
    assert console.post(reverse("hub_complaints:action", args=[complaint.public_id, "accept"])).status_code == 302
    assert downlink(transport).directives == 1
    referred = Complaint.objects.get(referral_id=str(complaint.public_id))
    assert referred.status == ComplaintStatus.FILED

    # The complainant withdraws on the public site, with the code and secret.
    response = public.post(reverse("tpc_public:withdraw"), {"code": code, "secret": secret}, follow=True)
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome) == (Status.CLOSED, Outcome.WITHDRAWN)
    sent = Directive.objects.get(directive_type="complaint.withdrawn", platform_id=platform.exchange_id)
    assert sent.payload["referral_id"] == str(complaint.public_id)
    assert sent.department == "厦门市共享经济行业协会"  # the association that referred it

    # Down the exchange: the platform's case closes as withdrawn and the directive is acknowledged.
    assert downlink(transport).directives == 1
    referred.refresh_from_db()
    assert (referred.status, referred.outcome) == (ComplaintStatus.RESOLVED, "withdrawn")
    received = ReceivedDirective.objects.get(message_id=sent.message_id)
    assert received.completed and "撤回" in received.action_taken
    # Up again: the hub sees the platform's closing and the acknowledgement.
    uplink(transport)
    complaint.refresh_from_db()
    assert complaint.platform_answer["resolved"]["value"] == "withdrawn"
    assert complaint.status == Status.CLOSED  # still closed as withdrawn, not settled
    sent.refresh_from_db()
    assert sent.status == "completed"
    # A second delivery changes nothing.
    assert downlink(transport).directives == 0


def test_a_withdrawal_before_referral_sends_nothing_down(odr_city):
    _transport, platform, _association = odr_city
    public, code, secret = file_on_site(platform.exchange_id)
    assert public.post(reverse("tpc_public:withdraw"), {"code": code, "secret": secret}).status_code in (200, 302)
    assert ThirdPartyComplaint.objects.get(tracking_code=code).outcome == Outcome.WITHDRAWN
    assert not Directive.objects.filter(directive_type="complaint.withdrawn").exists()


def test_an_officer_cannot_send_a_withdrawal_as_a_directive(odr_city):
    _transport, platform, _association = odr_city
    officer = factories.make_user("xm-officer")
    regulator_profile_set(actor=None, user=officer, department="厦门市市场监督管理局", city_code="350200")
    with pytest.raises(InvalidInput) as refused:
        directive_issue(actor=officer, platform_id=platform.exchange_id, directive_type="complaint.withdrawn",
                        legal_reference="x", referral_id="r-1", withdrawn_at="2026-12-01T10:00:00+08:00")
    assert refused.value.field == "directive_type"
