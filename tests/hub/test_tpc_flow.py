"""The third-party complaint platform end to end: filed on the public site, accepted by the association, sent to a
platform committed to online dispute resolution over the exchange, settled there with the platform's existing
complaint tools, the settlement back up the exchange, and the complainant reading it with the code and secret.
A late answer returns the case to mediation; so does the clock (the background check)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.complaints import services
from sharecity.hub.complaints.models import Outcome, Status, ThirdPartyComplaint
from sharecity.hub.complaints.selectors import platform_response_rows
from sharecity.hub.directives.models import Directive
from sharecity.market.complaints.models import Complaint
from sharecity.market.complaints.services import complaint_answer, complaint_resolve
from sharecity.market.directives.models import ReceivedDirective
from sharecity.market.platforms.services import operator_add
from tests import factories
from tests.hub.tpc_support import at, client_of, downlink, filing, png, staff, uplink

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    transport = LocalTransport()
    platform = factories.make_platform(slug="ludao-life", name="鹭岛共享生活")
    operator = factories.make_user("operator")
    operator_add(actor=None, platform=platform, user=operator)
    uplink(transport)  # the platform registers at the hub
    association = staff()
    services.odr_commitment_set(actor=association, platform_id=platform.exchange_id, committed=True)
    return transport, platform, operator, association


def file_on_site(platform_id: str, **overrides):
    public = client_of(language="en")
    response = public.post(reverse("tpc_public:file"), {**filing(platform_id, **overrides), "evidence": [png()]})
    assert response.status_code == 200, response.content[:500]
    code = re.search(r'data-testid="tracking-code">(\w+)<', response.text).group(1)
    secret = re.search(r'data-testid="tracking-secret">([\w-]+)<', response.text).group(1)
    return public, code, secret


def test_filed_on_the_site_settled_by_the_odr_platform_over_the_exchange_and_seen_by_the_complainant(city):
    transport, platform, operator, association = city
    public, code, secret = file_on_site(platform.exchange_id)
    complaint = ThirdPartyComplaint.objects.get(tracking_code=code)
    assert complaint.status == Status.FILED and complaint.evidence.count() == 1
    assert secret not in str(ThirdPartyComplaint.objects.filter(pk=complaint.pk).values().first())
    assert complaint.contact_masked == "138****8000" and "13800138000" not in complaint.contact_encrypted

    # The association accepts it; the platform committed to ODR, so it goes down the exchange at once.
    console = client_of(association, "en")
    assert console.post(reverse("hub_complaints:action", args=[complaint.public_id, "accept"])).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.WITH_PLATFORM
    directive = Directive.objects.get(message_id=complaint.referral_message_id)
    assert directive.directive_type == "complaint.referred" and directive.deadline == complaint.platform_due
    assert downlink(transport).directives == 1
    received = ReceivedDirective.objects.get(message_id=directive.message_id)
    referred = Complaint.objects.get(referral_id=str(complaint.public_id))
    assert referred.platform == platform and referred.complainant is None
    assert referred.answer_due_at == received.deadline

    # The operator handles it with the platform's existing tools: the queue shows it, the outcome is recorded.
    queue = client_of(operator, "en").get(reverse("complaints:queue", args=[platform.slug]))
    assert str(complaint.public_id) in queue.text, queue.text[-3000:]
    complaint_answer(actor=operator, complaint=referred, answer="refund_offered", text="同意全额退还押金 200 元")
    complaint_resolve(actor=operator, complaint=referred, outcome="upheld", refund_fen=20000)
    uplink(transport)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome) == (Status.CLOSED, Outcome.SETTLED)
    assert complaint.platform_responded_at is not None

    # The complainant reads it with the code and secret, in English and in Chinese.
    tracked = public.post(reverse("tpc_public:track"), {"code": code, "secret": secret}, follow=True)
    assert tracked.status_code == 200
    assert 'data-outcome="settled"' in tracked.text
    assert "The platform settled online (refund ¥200.00" in tracked.text
    zh = client_of(language="zh-hans")
    zh_page = zh.post(reverse("tpc_public:track"), {"code": code, "secret": secret}, follow=True)
    assert "平台已在线和解（退款 200.00 元" in zh_page.text
    # Every step is in the hub's audit log.
    actions = list(AuditEntry.objects.filter(object_id=str(complaint.public_id)).values_list("action", flat=True))
    assert actions[:3] == ["tpc.filed", "tpc.accepted", "tpc.referred_to_platform"]
    assert "tpc.closed" in actions
    # The platform's response counts in its public rate.
    [row] = platform_response_rows(city_code="350200")
    assert (row["platform_id"], row["complaints"], row["responded"], row["response_rate"]) == (
        platform.exchange_id, 1, 1, 1.0)
    rates = client_of(language="en").get(reverse("tpc_public:rates"))
    assert "鹭岛共享生活" in rates.text and "100.0%" in rates.text


def test_a_late_platform_answer_returns_the_case_to_mediation(city):
    transport, platform, operator, association = city
    filed = services.complaint_file(**filing(platform.exchange_id), now=at("2026-09-28"))
    complaint = services.complaint_accept(actor=association, complaint_id=filed.complaint.public_id,
                                          now=at("2026-09-29"))
    # Ten working days from 2026-09-29, over National Day (10-01..10-07 off, Saturday 10-10 worked): 10-19.
    assert f"{complaint.platform_due:%Y-%m-%d %H:%M}" == "2026-10-19 23:59"
    downlink(transport)
    referred = Complaint.objects.get(referral_id=str(complaint.public_id))
    complaint_resolve(actor=operator, complaint=referred, outcome="settled", now=at("2026-10-20", 9))
    uplink(transport)
    complaint.refresh_from_db()
    assert complaint.status == Status.MEDIATION and complaint.returned_at is not None
    assert complaint.notices.filter(kind="returned_to_mediation").exists()
    # The association then ends mediation itself.
    services.complaint_close(actor=association, complaint_id=complaint.public_id, outcome="settled",
                             now=at("2026-10-21"))
    complaint.refresh_from_db()
    assert complaint.outcome == Outcome.SETTLED


def test_the_clock_returns_an_unanswered_referral_to_mediation_and_ends_mediation_at_its_limit(city):
    _transport, platform, _operator, association = city
    filed = services.complaint_file(**filing(platform.exchange_id), now=at("2026-09-28"))
    complaint = services.complaint_accept(actor=association, complaint_id=filed.complaint.public_id,
                                          now=at("2026-09-29"))
    assert services.deadlines_check(now=at("2026-10-19", 23, 0)).returned == 0
    run = services.deadlines_check(now=at("2026-10-20", 0, 1))
    assert run.returned == 1
    assert services.deadlines_check(now=at("2026-10-20", 0, 2)).returned == 0  # idempotent
    complaint.refresh_from_db()
    assert complaint.status == Status.MEDIATION
    # Mediation ends 45 working days after acceptance on 2026-09-29: 2026-12-07.
    assert f"{complaint.mediation_due:%Y-%m-%d}" == "2026-12-07"
    assert services.deadlines_check(now=at("2026-12-07", 23, 0)).mediation_ended == 0
    assert services.deadlines_check(now=at("2026-12-08", 0, 1)).mediation_ended == 1
    complaint.refresh_from_db()
    assert complaint.outcome == Outcome.MEDIATION_FAILED
    assert "终止调解" in complaint.notices.last().text_zh


def test_a_platform_commits_to_odr_through_the_exchange_and_then_receives_complaints():
    transport = LocalTransport()
    platform = factories.make_platform(slug="jinmen-life", name="鹭岛共享家政")
    operator = factories.make_user("operator2")
    operator_add(actor=None, platform=platform, user=operator)
    uplink(transport)
    association = staff("assoc2")
    console = client_of(operator, "en")
    queue = console.get(reverse("complaints:queue", args=[platform.slug]))
    assert 'data-testid="odr-commitment"' in queue.text and "Commit to online dispute resolution" in queue.text
    assert console.post(reverse("complaints:odr", args=[platform.slug]), {"committed": "1"}).status_code == 302
    # A stranger cannot state it for the platform.
    stranger = client_of(factories.make_user("stranger"), "en")
    assert stranger.post(reverse("complaints:odr", args=[platform.slug]), {"committed": "0"}).status_code == 403
    uplink(transport)
    listed = client_of(association).get("/api/v1/hub/complaints/odr").json()
    assert [(row["platform_id"], row["committed"]) for row in listed] == [(platform.exchange_id, True)]
    filed = services.complaint_file(**filing(platform.exchange_id))
    complaint = services.complaint_accept(actor=association, complaint_id=filed.complaint.public_id)
    assert complaint.status == Status.WITH_PLATFORM
    # Withdrawn through the exchange: the next complaint stays with the association.
    assert console.post(reverse("complaints:odr", args=[platform.slug]), {"committed": "0"}).status_code == 302
    uplink(transport)
    filed = services.complaint_file(**filing(platform.exchange_id))
    complaint = services.complaint_accept(actor=association, complaint_id=filed.complaint.public_id)
    assert complaint.status == Status.MEDIATION
