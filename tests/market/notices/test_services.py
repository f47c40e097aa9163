"""The notice procedure of 《中华人民共和国电子商务法》第四十二条、第四十三条, run through its deadlines.

How days are counted (``services.period_end``): 民法典第二百零一条 — the day the counter-notice reaches the
rights holder is not counted; 15 natural days follow (第四十三条第二款: 十五日, not working days); the last day
ends at 24:00 (第二百零三条), and a last day that is an official rest day moves to the next working day.
Forwarded on 2026-09-25: day 1 is 09-26, day 15 is 2026-10-10 (a working Saturday, 调休, so it stays), and
the measures end at 2026-10-11 00:00 Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sharecity.exchange.schemas import payload_validate
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from sharecity.kernel.models import OutboxMessage
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.listings.models import ListingStatus
from sharecity.market.listings.selectors import listing_is_public
from sharecity.market.notices import services
from sharecity.market.notices.models import NoticePeriod, NoticeStatus, NoticeTimer
from tests import factories
from tests.market.notices.helpers import file_notice, make_operator, pdf, png, published

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=CITY_TZ)


@pytest.fixture
def operator(platform):
    return make_operator(platform)


@pytest.fixture
def listing(platform, provider):
    return published(platform, provider)


def _facts(notice):
    rows = OutboxMessage.objects.filter(message_type="notice.state_changed").order_by("id")
    payloads = [payload_validate(m.message_type, m.schema_version, m.payload) for m in rows]
    return [p for p in payloads if p.notice_id == str(notice.public_id)]


def _to_counter_forwarded(platform, listing, operator, provider, forwarded_on="2026-09-25"):
    notice, _secret = file_notice(platform, [listing], now=at("2026-09-20"))
    services.notice_take_down(actor=operator, notice=notice, now=at("2026-09-20", 15))
    services.notice_forward(actor=operator, notice=notice, now=at("2026-09-20", 15))
    services.notice_counter(actor=provider, notice=notice, text="我方拥有该标识的在先使用权，附许可合同。",
                            evidence=[pdf()], now=at("2026-09-24"))
    return services.notice_counter_forward(actor=operator, notice=notice, now=at(forwarded_on, 11))


def test_the_period_of_article_43_is_data_with_its_source_and_date():
    period = services.period_for(code="counter_notice_wait", on=dt.date(2026, 9, 25))
    assert (period.days, period.effective_from) == (15, dt.date(2019, 1, 1))
    assert "第四十三条" in period.source
    with pytest.raises(InvalidInput):
        services.period_for(code="counter_notice_wait", on=dt.date(2018, 12, 31))


@pytest.mark.parametrize(("forwarded", "ends"), [
    ("2026-09-25", "2026-10-11"),   # last day 10-10, a working Saturday (调休): kept
    ("2026-09-16", "2026-10-09"),   # last day 10-01, National Day: moves to 10-08, the first working day
    ("2026-03-01", "2026-03-17"),   # last day 03-16, a Monday
    ("2026-03-06", "2026-03-24"),   # last day 03-21, a Saturday: moves to Monday 03-23
])
def test_the_period_ends_after_its_last_day(forwarded, ends):
    end = services.period_end(start=at(forwarded, 23), days=15)
    assert end == at(ends, 0)


def test_takedown_then_restoration_after_fifteen_days(platform, provider, operator, listing):
    notice = _to_counter_forwarded(platform, listing, operator, provider)
    assert notice.restore_due_at == at("2026-10-11", 0)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUSPENDED and not listing_is_public(listing)
    # The last day, 2026-10-10, is still within the period: nothing ends.
    assert services.timers_fire(now=at("2026-10-10", 23)) == 0
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUSPENDED
    # The period is over: the measures end by themselves, once.
    assert services.timers_fire(now=at("2026-10-11", 0)) == 1
    assert services.timers_fire(now=at("2026-10-12", 0)) == 0
    listing.refresh_from_db()
    notice.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED and listing_is_public(listing)
    assert notice.status == NoticeStatus.RESTORED and notice.restored_at == at("2026-10-11", 0)
    steps = [(s.step, s.actor_role) for s in notice.steps.all()]
    assert steps == [("filed", "holder"), ("taken_down", "operator"), ("forwarded", "operator"),
                     ("counter_noticed", "provider"), ("counter_forwarded", "operator"), ("restored", "system")]
    facts = _facts(notice)
    assert [f.step for f in facts] == [s for s, _r in steps]
    assert facts[-1].outcome == "restored" and facts[-1].restore_due_at == at("2026-10-11", 0)
    # The hub is told the listing went down and came back.
    assert OutboxMessage.objects.filter(message_type="listing.removed").count() == 1
    assert OutboxMessage.objects.filter(message_type="listing.published").count() == 2
    assert NoticeTimer.objects.get(notice=notice).outcome == "taken"


def test_a_complaint_reported_within_fifteen_days_keeps_the_listing_down(platform, provider, operator, listing):
    notice = _to_counter_forwarded(platform, listing, operator, provider)
    services.notice_complaint_report(notice=notice, kind="lawsuit", detail="厦门市中级人民法院 (2026)闽02民初100号",
                                     evidence=[pdf()], now=at("2026-10-10", 22))
    assert services.timers_fire(now=at("2026-10-20")) == 0
    listing.refresh_from_db()
    notice.refresh_from_db()
    assert listing.status == ListingStatus.SUSPENDED
    assert notice.status == NoticeStatus.MEASURES_KEPT
    assert _facts(notice)[-1].step == "complaint_reported" and _facts(notice)[-1].outcome == "measures_kept"


def test_a_complaint_reported_after_the_period_is_refused(platform, provider, operator, listing):
    notice = _to_counter_forwarded(platform, listing, operator, provider)
    with pytest.raises(Conflict) as error:
        services.notice_complaint_report(notice=notice, kind="complaint", detail="厦门市市场监督管理局",
                                         evidence=[pdf()], now=at("2026-10-11", 0))
    assert error.value.code == "notice.period_over"


def test_a_later_period_in_force_applies_to_counter_notices_forwarded_after_it(platform, provider, operator,
                                                                             listing):
    NoticePeriod.objects.create(code="counter_notice_wait", days=20, effective_from=dt.date(2026, 9, 1),
                                source="测试：假设的修订")
    notice = _to_counter_forwarded(platform, listing, operator, provider)
    assert notice.period_days == 20 and notice.restore_due_at == at("2026-10-16", 0)


def test_the_platform_may_explain_instead_of_taking_down(platform, provider, operator, listing):
    notice, _secret = file_notice(platform, [listing])
    services.notice_explain(actor=operator, notice=notice, reason="通知所附商标注册证已过有效期，无法认定权利。")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED
    assert _facts(notice)[-1].measure == "explained"
    services.notice_forward(actor=operator, notice=notice)
    with pytest.raises(Conflict):
        services.notice_counter(actor=provider, notice=notice, text="不侵权的说明文字内容", evidence=[png()])


def test_only_operators_act_and_only_the_provider_answers(platform, provider, operator, listing):
    notice, _secret = file_notice(platform, [listing])
    stranger = factories.make_user()
    with pytest.raises(Forbidden):
        services.notice_take_down(actor=stranger, notice=notice)
    other_platform = factories.make_platform()
    with pytest.raises(Forbidden):
        services.notice_take_down(actor=make_operator(other_platform), notice=notice)
    services.notice_take_down(actor=operator, notice=notice)
    # Not yet forwarded: the provider does not see it.
    with pytest.raises(NotFound):
        services.notice_counter(actor=provider, notice=notice, text="不侵权的说明文字内容", evidence=[png()])
    services.notice_forward(actor=operator, notice=notice)
    with pytest.raises(NotFound):
        services.notice_counter(actor=stranger, notice=notice, text="不侵权的说明文字内容", evidence=[png()])


def test_a_wrong_and_malicious_notice_is_recorded(platform, provider, operator, listing):
    notice, _secret = file_notice(platform, [listing])
    services.notice_take_down(actor=operator, notice=notice)
    services.notice_restore(actor=operator, notice=notice, reason="权利人撤回通知，商标已转让给本店。")
    services.notice_record_wrong(actor=operator, notice=notice, note="错误通知致店铺停业三日", malicious=True)
    notice.refresh_from_db()
    assert notice.wrong_notice and notice.malicious
    assert [f.step for f in _facts(notice)][-2:] == ["wrong_notice", "malicious"]
    assert _facts(notice)[-1].malicious is True


@pytest.mark.parametrize(("overrides", "field"), [
    ({"holder_name": "x" * 121}, "holder_name"),
    ({"holder_name": "名\x00字"}, "holder_name"),
    ({"holder_contact": 12345}, "holder_contact"),
    ({"right_kind": "design"}, "right_kind"),
    ({"registration_numbers": []}, "registration_numbers"),
    ({"registration_numbers": ["1" * 65]}, "registration_numbers.0"),
    ({"registration_numbers": {"a": 1}}, "registration_numbers"),
    ({"claim": "短"}, "claim"),
    ({"claim": "侵权" * 2001}, "claim"),
    ({"listing_ids": []}, "listing_ids"),
    ({"listing_ids": ["not-a-uuid"]}, "listing_ids.0"),
    ({"listing_ids": ["6f1c1e0a-2b8e-4c41-9c9a-3d3f7b3f0a11"] * 21}, "listing_ids"),
    ({"evidence": []}, "evidence"),
    ({"evidence": [png()] * 6}, "evidence"),
])
def test_hostile_filings_are_refused_naming_the_field(platform, listing, overrides, field):
    with pytest.raises((InvalidInput, NotFound)) as error:
        file_notice(platform, [listing], **overrides)
    assert error.value.field == field
    assert not OutboxMessage.objects.filter(message_type="notice.state_changed").exists()


def test_another_platforms_listing_cannot_be_named(platform, listing):
    other = factories.make_platform()
    with pytest.raises(NotFound) as error:
        file_notice(other, [listing])
    assert error.value.code == "listing.not_found"


def test_a_file_that_is_not_a_picture_or_pdf_is_refused(platform, listing):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.png", b"MZ\x90\x00" + b"0" * 40, content_type="image/png")
    with pytest.raises(InvalidInput) as error:
        file_notice(platform, [listing], evidence=[fake])
    assert error.value.code == "notice.invalid_evidence"


def test_the_tracking_code_and_secret_open_the_notice_and_nothing_else(platform, listing):
    notice, secret = file_notice(platform, [listing])
    assert services.notice_for_holder(platform=platform, tracking_code=notice.tracking_code.lower(),
                                      secret=secret) == notice
    for code, wrong in ((notice.tracking_code, secret + "x"), ("NXXXXXXXXX", secret), (notice.tracking_code, 5)):
        with pytest.raises(NotFound):
            services.notice_for_holder(platform=platform, tracking_code=code, secret=wrong)
    with pytest.raises(NotFound):
        services.notice_for_holder(platform=factories.make_platform(), tracking_code=notice.tracking_code,
                                   secret=secret)
