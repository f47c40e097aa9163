"""The third-party complaint platform's time limits on the official calendar, with dated examples around the 2026
National Day holidays (10-01..10-07 off, Saturday 10-10 a working day), and complaints escalated on a platform
landing in the association's queue."""

from __future__ import annotations

import datetime as dt

import pytest

from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.complaints import services
from sharecity.hub.complaints.models import Source, Status, ThirdPartyComplaint, TimeLimit
from sharecity.hub.complaints.selectors import complaint_queue, limit_in_force, viewer_for
from sharecity.market.complaints.models import Complaint
from sharecity.market.complaints.services import complaint_answer, complaint_escalate, complaint_refuse
from sharecity.market.platforms.services import operator_add
from tests import factories
from tests.hub.slice import run_slice
from tests.hub.tpc_support import at, filing, staff, uplink

pytestmark = pytest.mark.django_db


def test_the_limits_in_force_are_data_with_their_sources():
    acceptance = limit_in_force("acceptance", on=dt.date(2026, 9, 30))
    mediation = limit_in_force("mediation", on=dt.date(2026, 9, 30))
    odr = limit_in_force("odr_settlement", on=dt.date(2026, 9, 30))
    assert (acceptance.workdays, mediation.workdays, odr.workdays) == (7, 45, 10)
    assert "国家市场监督管理总局令第20号" in acceptance.source and "第十四条" in acceptance.source
    assert "四十五个工作日" in mediation.source and "第二十一条" in mediation.source
    assert "第六十三条" in odr.source
    # Before the 12315 rules took effect (2020-01-01) there was no acceptance limit of theirs.
    with pytest.raises(RuntimeError):
        limit_in_force("acceptance", on=dt.date(2019, 12, 31))
    # A new version takes over from its own date, the old one stays for what came before.
    TimeLimit.objects.create(kind="acceptance", workdays=5, effective_from=dt.date(2027, 1, 1), source="测试版本")
    assert limit_in_force("acceptance", on=dt.date(2026, 12, 31)).workdays == 7
    assert limit_in_force("acceptance", on=dt.date(2027, 1, 4)).workdays == 5


@pytest.mark.parametrize(("filed", "decision_due"), [
    # Filed on the eve of National Day: the seven days skip the holiday and count Saturday 10-10.
    ("2026-09-30", "2026-10-15"),
    # Filed on a holiday: counting starts on the first working day after it, as for the eve.
    ("2026-10-03", "2026-10-15"),
    # Filed on the make-up Saturday 10-10 (a working day): it does not count itself.
    ("2026-10-10", "2026-10-20"),
    # An ordinary week: Monday to the next Tuesday.
    ("2026-11-02", "2026-11-11"),
])
def test_the_decision_to_accept_is_due_seven_working_days_after_filing(filed, decision_due):
    platform = factories.make_platform(name="鹭岛共享生活")
    uplink(LocalTransport())
    result = services.complaint_file(**filing(platform.exchange_id), now=at(filed, 16))
    assert f"{result.complaint.acceptance_due:%Y-%m-%d %H:%M:%S}" == f"{decision_due} 23:59:59"


def test_mediation_ends_forty_five_working_days_after_acceptance():
    platform = factories.make_platform(name="鹭岛共享生活")
    uplink(LocalTransport())
    association = staff()
    filed = services.complaint_file(**filing(platform.exchange_id), now=at("2026-09-29"))
    complaint = services.complaint_accept(actor=association, complaint_id=filed.complaint.public_id,
                                          now=at("2026-09-30"))
    # From 2026-09-30: 10-08, 10-09, 10-10 (make-up Saturday) ... the 45th working day is 2026-12-08.
    assert f"{complaint.mediation_due:%Y-%m-%d}" == "2026-12-08"
    assert complaint.status == Status.MEDIATION  # no ODR commitment: the association mediates
    assert complaint.referral_message_id is None


def test_a_complaint_escalated_on_a_platform_lands_in_the_associations_queue_once():
    transport = LocalTransport()
    sl = run_slice(name="鹭岛共享停车")
    operator = factories.make_user("operator")
    operator_add(actor=None, platform=sl.platform, user=operator)
    association = staff()
    complaint = Complaint.objects.get(booking=sl.booking)
    complaint_answer(actor=operator, complaint=complaint, answer="explanation", text="入口临时施工，已致歉")
    complaint_refuse(actor=sl.customer, complaint=complaint)
    complaint_escalate(actor=sl.customer, complaint=complaint, escalated_to="third_party_platform")
    uplink(transport)
    landed = ThirdPartyComplaint.objects.get(source=Source.ESCALATED)
    assert (landed.platform_id, landed.source_complaint_id, landed.status) == (
        sl.platform.exchange_id, str(complaint.public_id), Status.FILED)
    assert landed.escalated_to == "third_party_platform" and landed.city_code == "350200"
    assert not landed.secret_hash  # nobody can open it with a secret: the platform's complainant follows it there
    assert list(complaint_queue(viewer=viewer_for(association))) == [landed]
    # The same escalation again (a redelivery through another path) lands nowhere new.
    uplink(transport)
    assert ThirdPartyComplaint.objects.filter(source=Source.ESCALATED).count() == 1
    # The association decides on it like any other complaint.
    services.complaint_accept(actor=association, complaint_id=landed.public_id)
    landed.refresh_from_db()
    assert landed.status == Status.MEDIATION
