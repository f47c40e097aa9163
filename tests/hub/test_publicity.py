"""Credit publicity, lists and repair (hub.publicity): penalties with their repair notice (两书同达),
the red and serious-dishonesty lists sent to every platform, repair through one public window on the
official holiday calendar (国办发〔2025〕22号; 国家发展改革委令2025年第36号), with dated examples."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.credit.models import CreditRecord
from sharecity.hub.publicity import selectors, services
from sharecity.hub.publicity.models import EntryStatus, ListEntry, PenaltyDecision, RepairStatus
from sharecity.hub.registry.jurisdiction import jurisdiction_for
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from sharecity.kernel.timeutil import city_datetime
from tests import factories

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
KEY = "id-" + "a" * 26
OTHER_KEY = "id-" + "b" * 26
LAW = "《中华人民共和国电子商务法》"


def at(day: str, hour: int = 10) -> dt.datetime:
    return city_datetime(D(day), dt.time(hour, 0))


def officer(name: str = "officer", *, kind: str = "market_supervision", city: str = "350200",
            district: str = "", department: str = "厦门市市场监督管理局"):
    user = factories.make_user(name)
    regulator_profile_set(actor=None, user=user, department=department, department_kind=kind, city_code=city,
                          district_code=district)
    return user


def penalty(actor, *, number: str = "厦市监罚〔2025〕101号", severity: str = "ordinary", decided: str = "2025-06-25",
            key: str = KEY, now: dt.datetime | None = None, kind: str = "person", district: str = "350203",
            ) -> PenaltyDecision:
    return services.penalty_record(
        actor=actor, subject_kind=kind, subject_identifier=key, decision_number=number, facts="未按规定公示收费标准",
        law=LAW, article="第十五条", severity=severity, decided_on=D(decided), district_code=district,
        now=now or at(decided),
    )


def apply(number: str = "厦市监罚〔2025〕101号", key: str = KEY, *, now: dt.datetime):
    return services.repair_apply(decision_number=number, subject_identifier=key, performance="罚款已于当日缴清",
                                 correction="已在车位页面公示收费标准",
                                 commitment="本人承诺今后依法经营，如违反愿承担责任", now=now)


# ---- penalties and the repair notice -----------------------------------------------------------------------

@pytest.mark.parametrize(("severity", "decided", "repair_from", "display_until", "public"), [
    # 一般失信: shown at least 3 months and at most 1 year (国办发〔2025〕22号 二).
    ("ordinary", "2025-06-25", "2025-09-26", "2026-06-25", True),
    # 严重失信: at least 1 year, at most 3 years; under Order 36 from 2026-04-01.
    ("serious", "2026-04-01", "2027-04-02", "2029-04-01", True),
    # 轻微失信: may be left unpublished; repair as soon as the duty is performed.
    ("light", "2026-05-15", "2026-05-15", "2026-08-15", False),
])
def test_a_penalty_goes_into_the_credit_file_and_its_notice_states_the_dates(severity, decided, repair_from,
                                                                             display_until, public):
    actor = officer()
    decision = penalty(actor, severity=severity, decided=decided, now=at(decided) + dt.timedelta(days=2))
    assert (decision.repair_from, decision.display_until, decision.public) == (D(repair_from), D(display_until),
                                                                              public)
    assert decision.notice_served_on == D(decided) + dt.timedelta(days=2)
    record = CreditRecord.objects.get(pk=decision.credit_record_id)
    assert (record.kind, record.severity, record.public, record.decided_by) == ("penalty", severity, public,
                                                                                 "厦门市市场监督管理局")
    assert (record.repair_from, record.display_until) == (D(repair_from), D(display_until))
    assert record.city_code == "350200" and record.district_code == "350203"
    assert AuditEntry.objects.filter(action="publicity.penalty_recorded").count() == 1
    # The notice is served with the decision: at the officer's page and at the subject's own address.
    client = Client(headers={"accept-language": "en"})
    client.force_login(actor)
    page = client.get(reverse("publicity:penalty", args=[decision.public_id]))
    assert page.status_code == 200
    with translation.override("en"):  # the page's date format, in the reader's language
        shown_repair_from, shown_display_until = (date_format(D(day), "DATE_FORMAT")
                                                  for day in (repair_from, display_until))
    assert f'data-testid="repair-from">{shown_repair_from}<' in page.text
    assert f'data-testid="display-until">{shown_display_until}<' in page.text
    anonymous = Client(headers={"accept-language": "zh-hans"}).get(
        reverse("credit_repair:notice", args=[decision.public_id]))
    with translation.override("zh-hans"):
        shown_in_chinese = date_format(D(repair_from), "DATE_FORMAT")
    assert anonymous.status_code == 200 and "信用修复告知书" in anonymous.text and shown_in_chinese in anonymous.text


def test_a_decision_number_is_recorded_once_per_city_and_not_dated_ahead():
    actor = officer()
    penalty(actor)
    with pytest.raises(Conflict):
        penalty(actor)
    with pytest.raises(InvalidInput) as error:
        penalty(actor, number="X-2", decided="2025-07-01", now=at("2025-06-30"))
    assert error.value.field == "decided_on"
    tianjin = officer("tj", city="120100", department="天津市市场监督管理委员会")
    assert penalty(tianjin, key=OTHER_KEY, district="").city_code == "120100"  # the same number in another city


def test_only_officers_of_a_department_record_penalties():
    staff = factories.make_user("ops")
    staff.is_staff = True
    staff.save()
    with pytest.raises(Forbidden):
        penalty(staff)


def test_the_public_never_sees_an_expired_or_repaired_record():
    actor = officer()
    decision = penalty(actor)  # ordinary, shown until 2026-06-25
    assert list(selectors.penalties_shown_publicly(on=D("2026-06-25"))) == [decision]
    assert list(selectors.penalties_shown_publicly(on=D("2026-06-26"))) == []
    light = penalty(actor, number="L-1", severity="light", decided="2026-05-15")
    assert light not in selectors.penalties_shown_publicly(on=D("2026-05-16"))


# ---- repair: refused before repair_from, deadlines on the holiday calendar ----------------------------------

def test_an_application_before_repair_from_is_refused_with_the_date():
    officer_user = officer()
    penalty(officer_user)  # ordinary, 2025-06-25: repair from 2025-09-26
    with pytest.raises(InvalidInput) as early:
        apply(now=at("2025-09-25"))
    assert "2025-09-26" in str(early.value.message) and early.value.code == "publicity.too_early"
    application, secret = apply(now=at("2025-09-26"))
    assert application.status == RepairStatus.PENDING and len(secret) >= 16


@pytest.mark.parametrize(("received", "decision_due", "result_due"), [
    # The eve of National Day 2025 (1-8 Oct off; Sat 11 Oct a working day): 3 and 10 working days.
    ("2025-09-30", "2025-10-11", "2025-10-21"),
    # National Day 2026 (1-7 Oct off; Sat 10 Oct a working day).
    ("2026-09-30", "2026-10-10", "2026-10-20"),
    # Spring Festival 2026 (15-23 Feb off; Sat 14 and Sat 28 Feb working days).
    ("2026-02-13", "2026-02-25", "2026-03-05"),
])
def test_repair_deadlines_run_on_the_official_holiday_calendar(received, decision_due, result_due):
    officer_user = officer()
    decided = (D(received) - dt.timedelta(days=1)).isoformat()
    penalty(officer_user, severity="light", decided=decided)
    application, _secret = apply(now=at(received))
    assert (application.received_on, application.decision_due, application.result_due) == (
        D(received), D(decision_due), D(result_due))
    jurisdiction = jurisdiction_for(officer_user)
    assert not selectors.repair_overdue(application, on=D(decision_due))
    assert selectors.repair_overdue(application, on=D(decision_due) + dt.timedelta(days=1))
    assert selectors.repair_get(jurisdiction=jurisdiction, tracking_code=application.tracking_code) == application


def test_a_light_record_is_repaired_once_the_duty_is_performed_and_the_result_followed_with_the_secret():
    officer_user = officer()
    decision = penalty(officer_user, severity="light", decided="2026-05-15", now=at("2026-05-16"))
    application, secret = apply(now=at("2026-05-18"))
    with pytest.raises(NotFound):
        services.repair_follow(tracking_code=application.tracking_code, secret=secret + "x")
    with pytest.raises(NotFound):
        services.repair_follow(tracking_code="XF000000AAAAAA", secret=secret)
    assert services.repair_follow(tracking_code=application.tracking_code.lower(), secret=secret) == application
    with pytest.raises(Conflict):
        apply(now=at("2026-05-18", 11))  # one pending application per record
    services.repair_decide(actor=officer_user, application=application, approve=True,
                           reasons="罚款已缴清，违法行为已纠正，已作出信用承诺", now=at("2026-05-19"))
    followed = services.repair_follow(tracking_code=application.tracking_code, secret=secret)
    assert followed.status == RepairStatus.APPROVED and "信用承诺" in followed.reasons
    decision.refresh_from_db()
    assert decision.repaired_at is not None and not decision.public
    record = CreditRecord.objects.get(pk=decision.credit_record_id)
    assert record.repaired_at is not None and not record.public
    assert AuditEntry.objects.filter(action="publicity.repair_decided").count() == 1
    with pytest.raises(Conflict):
        services.repair_decide(actor=officer_user, application=application, approve=False, reasons="x")


def test_who_decided_repairs_another_department_or_city_does_not_see_the_application():
    officer_user = officer()
    penalty(officer_user, severity="light", decided="2026-05-15")
    application, _secret = apply(now=at("2026-05-18"))
    transport = officer("transport", kind="transport", department="厦门市交通运输局")
    tianjin = officer("tj", city="120100", department="天津市市场监督管理委员会")
    district = officer("siming", district="350203", department="厦门市市场监督管理局思明分局")
    for other in (transport, tianjin):
        assert list(selectors.repair_queue(jurisdiction=jurisdiction_for(other))) == []
        with pytest.raises(NotFound):
            services.repair_decide(actor=other, application=application, approve=True, reasons="越权")
    # A district bureau of the deciding department kind sees its city's applications of that kind.
    assert list(selectors.repair_queue(jurisdiction=jurisdiction_for(district))) == [application]


# ---- lists: expiry removes by itself, once --------------------------------------------------------------------

def test_an_expired_entry_comes_off_the_list_once(monkeypatch):
    actor = officer("dr", kind="development_reform", department="厦门市发展和改革委员会")
    entry = services.list_entry_add(
        actor=actor, credit_list="black", subject_kind="person", subject_identifier=KEY, legal_basis=LAW,
        decided_on=D("2025-01-10"), effective_on=D("2025-01-10"), expires_on=D("2025-12-31"), reason="拒不履行",
        measures=["不得新入驻为服务提供者"], now=at("2025-01-10"))
    assert services.list_entries_expire(now=at("2025-12-31", 23)) == 0
    assert services.list_entries_expire(now=at("2026-01-01", 1)) == 1
    assert services.list_entries_expire(now=at("2026-01-02", 1)) == 0
    entry.refresh_from_db()
    assert entry.status == EntryStatus.EXPIRED
    assert AuditEntry.objects.filter(action="publicity.list_expired").count() == 1
    with pytest.raises(Conflict):
        services.list_entry_remove(actor=actor, entry=entry, reason="x")


def test_only_the_listing_department_kind_removes_an_entry_and_a_subject_is_listed_once():
    actor = officer("dr", kind="development_reform", department="厦门市发展和改革委员会")
    entry = services.list_entry_add(
        actor=actor, credit_list="red", subject_kind="business", subject_identifier=KEY, legal_basis="厦门市诚信示范",
        decided_on=D("2026-12-01"), effective_on=D("2026-12-01"), reason="连续三年守信", now=at("2026-12-01"))
    with pytest.raises(Conflict):
        services.list_entry_add(
            actor=actor, credit_list="red", subject_kind="business", subject_identifier=KEY, legal_basis="x",
            decided_on=D("2026-12-01"), effective_on=D("2026-12-01"), reason="x", now=at("2026-12-01"))
    with pytest.raises(Forbidden):
        services.list_entry_remove(actor=officer(), entry=entry, reason="非认定部门")
    with pytest.raises(NotFound):
        services.list_entry_remove(actor=officer("tj", city="120100", kind="development_reform"), entry=entry,
                                   reason="外市")
    with pytest.raises(InvalidInput) as enterprise:
        services.list_entry_add(
            actor=actor, credit_list="black", subject_kind="enterprise", subject_identifier="91350200MA2XXXXX0X",
            legal_basis="x", decided_on=D("2026-12-01"), effective_on=D("2026-12-01"), reason="x")
    assert enterprise.value.field == "subject_kind"
    assert ListEntry.objects.count() == 1


def test_the_demo_city_has_a_penalty_a_list_entry_and_a_pending_repair():
    from sharecity.sim.demo import demo_load

    demo_load()
    penalty = PenaltyDecision.objects.get(city_code="350200")
    assert penalty.repairs.get().status == RepairStatus.PENDING
    assert ListEntry.objects.filter(city_code="350200", credit_list="red", status=EntryStatus.ACTIVE).count() == 1


def test_the_sweep_is_enqueued_once_and_expires_what_is_due():
    from django_tasks_db.models import DBTaskResult

    from sharecity.hub.publicity.tasks import SWEEP_PATH, list_expiry_sweep, sweep_ensure

    sweep_ensure()
    sweep_ensure()
    assert DBTaskResult.objects.filter(task_path=SWEEP_PATH, status="READY").count() == 1
    actor = officer("dr", kind="development_reform", department="厦门市发展和改革委员会")
    services.list_entry_add(
        actor=actor, credit_list="black", subject_kind="person", subject_identifier=KEY, legal_basis=LAW,
        decided_on=D("2025-01-10"), effective_on=D("2025-01-10"), expires_on=D("2025-12-31"), reason="拒不履行",
        now=at("2025-01-10"))
    assert list_expiry_sweep.call() == "expired 1, told 0"
    assert list_expiry_sweep.call() == "expired 0, told 0"


def test_list_status_for_the_public_lookup():
    actor = officer("dr", kind="development_reform", department="厦门市发展和改革委员会")
    entry = services.list_entry_add(
        actor=actor, credit_list="red", subject_kind="business", subject_identifier=KEY, legal_basis="守信激励",
        decided_on=D("2026-12-01"), effective_on=D("2026-12-05"), expires_on=D("2027-12-04"), reason="守信",
        now=at("2026-12-01"))
    assert selectors.list_status_for(subject_identifier=KEY, on=D("2026-12-04")) == []
    assert selectors.list_status_for(subject_identifier=KEY, city_code="350200", on=D("2026-12-05")) == [entry]
    assert selectors.list_status_for(subject_identifier=KEY, city_code="120100", on=D("2026-12-05")) == []
    assert selectors.list_status_for(subject_identifier=KEY, on=D("2027-12-05")) == []


def test_a_list_entry_shows_on_the_public_credit_lookup_while_in_effect():
    from sharecity.hub.credit.services import credit_subject_ensure

    credit_subject_ensure(kind="business", identifier=KEY, district_code="350203")
    actor = officer("dr", kind="development_reform", department="厦门市发展和改革委员会")
    client = Client()
    before = client.get("/credit/", {"q": KEY}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Not listed" in before.content.decode()
    today = selectors.today()
    entry = services.list_entry_add(
        actor=actor, credit_list="red", subject_kind="business", subject_identifier=KEY, legal_basis="厦门市诚信示范",
        decided_on=today, effective_on=today, reason="连续三年守信")
    listed = client.get("/credit/", {"q": KEY}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Red list" in listed and "Not listed" not in listed
    services.list_entry_remove(actor=actor, entry=entry, reason="撤销")
    assert "Not listed" in client.get("/credit/", {"q": KEY}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
