"""The hub sees every step of a rights holder's notice through the exchange (notice.state_changed), scoped by
jurisdiction, with overdue ones flagged: the city's own time limit for taking a measure (a setting, not a
legal number) and the legal deadline for ending the measures (《中华人民共和国电子商务法》第四十三条第二款)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.schemas import payload_validate
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.models import QuarantinedMessage
from sharecity.hub.intake.services import Outcome, intake_pump, intake_receive
from sharecity.hub.notices import selectors
from sharecity.hub.notices.models import NoticeDeadline, NoticeFact
from sharecity.hub.notices.services import notice_state_changed
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.notices import services
from tests import factories
from tests.hub.hostile import ExternalPlatform
from tests.market.notices.helpers import file_notice, make_operator, pdf, published

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=CITY_TZ)


def deliver() -> None:
    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def test_the_hub_sees_each_step_through_the_exchange():
    platform = factories.make_platform()
    provider = factories.make_provider(platform)
    operator = make_operator(platform)
    listing = published(platform, provider)
    notice, _secret = file_notice(platform, [listing], now=at("2026-09-20"))
    deliver()
    fact = NoticeFact.objects.get(notice_id=str(notice.public_id))
    assert (fact.last_step, fact.district_code, fact.city_code, fact.listing_ids) == (
        "filed", "350203", "350200", [str(listing.public_id)])
    services.notice_take_down(actor=operator, notice=notice, now=at("2026-09-20", 15))
    services.notice_forward(actor=operator, notice=notice, now=at("2026-09-20", 15))
    services.notice_counter(actor=provider, notice=notice, text="我方拥有在先使用权，附许可合同。", evidence=[pdf()],
                            now=at("2026-09-24"))
    services.notice_counter_forward(actor=operator, notice=notice, now=at("2026-09-25", 11))
    deliver()
    fact.refresh_from_db()
    assert fact.restore_due_at == at("2026-10-11", 0) and fact.outcome == "open"
    # The legal deadline passes with the measures still in place: flagged.
    assert "restoration_late" in selectors.overdue_reasons(fact, now=at("2026-10-11", 1))
    assert "restoration_late" not in selectors.overdue_reasons(fact, now=at("2026-10-10", 23))
    services.timers_fire(now=at("2026-10-11", 0))
    deliver()
    fact.refresh_from_db()
    assert [s["step"] for s in fact.steps] == ["filed", "taken_down", "forwarded", "counter_noticed",
                                               "counter_forwarded", "restored"]
    assert [s["actor_role"] for s in fact.steps][-1] == "system"
    assert fact.outcome == "restored" and fact.restored_at == at("2026-10-11", 0)
    assert selectors.overdue_reasons(fact, now=at("2026-12-01")) == []
    assert not QuarantinedMessage.objects.exists()


def _payload(**overrides):
    data = {"notice_id": "N-1", "listing_ids": ["L-1"], "districts": ["350203"], "right_kind": "patent",
            "step": "filed", "step_at": at("2026-09-20").isoformat(), "actor_role": "holder",
            "filed_at": at("2026-09-20").isoformat()}
    data.update(overrides)
    return payload_validate("notice.state_changed", 1, data)


def _apply(platform_id="P-1", **overrides):
    notice_state_changed(envelope=SimpleNamespace(platform_id=platform_id), payload=_payload(**overrides))


def test_the_citys_time_limit_for_a_measure_is_data_with_its_date():
    _apply()
    fact = NoticeFact.objects.get()
    # The seeded setting: 48 hours, the city's, not the law's.
    row = NoticeDeadline.objects.get(code="measure")
    assert row.hours == 48 and "非法定" in row.source
    assert selectors.overdue_reasons(fact, now=at("2026-09-22", 9)) == []
    assert selectors.overdue_reasons(fact, now=at("2026-09-22", 11)) == ["measure_late"]
    NoticeDeadline.objects.create(code="measure", hours=24, effective_from=dt.date(2026, 9, 1), source="新设定")
    assert selectors.overdue_reasons(fact, now=at("2026-09-21", 11)) == ["measure_late"]


def test_a_replay_and_a_step_out_of_order_change_nothing_they_should_not():
    _apply(step="taken_down", step_at=at("2026-09-20", 15).isoformat(), actor_role="operator",
           measure="taken_down", measure_at=at("2026-09-20", 15).isoformat())
    _apply()  # the filing arrives late
    _apply()  # and again
    fact = NoticeFact.objects.get()
    assert [s["step"] for s in fact.steps] == ["filed", "taken_down"]
    assert fact.last_step == "taken_down" and fact.measure == "taken_down"


def test_another_citys_officer_sees_nothing_and_a_district_officer_only_theirs():
    _apply(notice_id="N-siming", districts=["350203"])
    _apply(notice_id="N-huli", districts=["350206"])
    _apply(notice_id="N-tianjin", districts=["120101"])
    ids = lambda j: {f.notice_id for f in selectors.notices_for(jurisdiction=j)}  # noqa: E731
    assert ids(Jurisdiction(city_code="350200")) == {"N-siming", "N-huli"}
    assert ids(Jurisdiction(city_code="350200", district_code="350206")) == {"N-huli"}
    assert ids(Jurisdiction(city_code="120100")) == {"N-tianjin"}
    officer = factories.make_user()
    regulator_profile_set(actor=None, user=officer, department="市场监督管理局", department_kind="market_supervision",
                          city_code="120100")
    client = Client()
    client.force_login(officer)
    huli = NoticeFact.objects.get(notice_id="N-huli")
    assert client.get(f"/api/v1/hub/notices/{huli.pk}").status_code == 404
    assert client.get(f"/hub/notices/{huli.pk}/").status_code == 404
    listed = client.get("/api/v1/hub/notices").json()
    assert [row["notice_id"] for row in listed] == ["N-tianjin"]
    assert "N-huli" not in client.get("/hub/notices/").content.decode()


def test_the_hub_page_puts_overdue_notices_first_and_says_why(client):
    _apply(notice_id="N-late", filed_at=at("2026-09-01").isoformat(), step_at=at("2026-09-01").isoformat())
    _apply(notice_id="N-done", step="explained", step_at=at("2026-09-20", 11).isoformat(), actor_role="operator",
           measure="explained", measure_at=at("2026-09-20", 11).isoformat(), outcome="explained")
    client.force_login(_staff())
    page = client.get("/hub/notices/").content.decode()
    assert page.index("N-late") < page.index("N-done")
    rows = client.get("/api/v1/hub/notices", {"overdue": "true"}).json()
    assert [(r["notice_id"], r["overdue"]) for r in rows] == [("N-late", ["measure_late"])]


def _staff():
    user = factories.make_user()
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.mark.parametrize(("overrides", "field"), [
    ({"notice_id": "N" * 65}, "payload.notice_id"),
    ({"notice_id": "N\x00"}, "payload.notice_id"),
    ({"listing_ids": []}, "payload.listing_ids"),
    ({"listing_ids": ["L"] * 21}, "payload.listing_ids"),
    ({"districts": ["35020"]}, "payload.districts.0"),
    ({"step": "deleted"}, "payload.step"),
    ({"step_at": "2999-01-01T00:00:00+00:00"}, "payload.step_at"),
    ({"wrong_notice": "true"}, "payload.wrong_notice"),
    ({"holder_name": "张三"}, "payload.holder_name"),
])
def test_hostile_notice_messages_are_quarantined_naming_the_field(overrides, field):
    external = ExternalPlatform.onboard("外部平台")
    data = {"notice_id": "N-1", "listing_ids": ["L-1"], "districts": ["350203"], "right_kind": "patent",
            "step": "filed", "step_at": at("2026-09-20").isoformat(), "actor_role": "holder",
            "filed_at": at("2026-09-20").isoformat(), **overrides}
    envelope = external.seal(message_type="notice.state_changed", payload=data)
    assert intake_receive(envelope.to_bytes()) == Outcome.QUARANTINED
    assert QuarantinedMessage.objects.get(message_id=envelope.message_id).field == field
    assert not NoticeFact.objects.exists()


def test_a_good_notice_message_from_an_external_platform_is_applied_once_however_often_sent():
    external = ExternalPlatform.onboard("外部平台")
    data = {"notice_id": "N-ext", "listing_ids": ["L-1"], "districts": ["350206"], "right_kind": "copyright",
            "step": "filed", "step_at": at("2026-09-20").isoformat(), "actor_role": "holder",
            "filed_at": at("2026-09-20").isoformat()}
    [envelope] = external.good(message_type="notice.state_changed", payload=data)
    assert intake_receive(envelope.to_bytes()) == Outcome.APPLIED
    assert intake_receive(envelope.to_bytes()) == Outcome.DUPLICATE
    assert NoticeFact.objects.get().steps == [{"step": "filed", "at": "2026-09-20T02:00:00+00:00",
                                               "actor_role": "holder"}]
