"""Writes of rights holders' notices: the procedure of 《中华人民共和国电子商务法》第四十二条至第四十五条.

- 第四十二条第一款: the rights holder's notice includes preliminary evidence of infringement (初步证据);
- 第四十二条第二款: on receiving it the platform promptly takes necessary measures and forwards the notice
  to the provider; where it takes none it says why (the explanation is recorded with the step);
- 第四十二条第三款: a wrong notice causing damage, and a malicious one, are recorded (record only);
- 第四十三条: the provider's counter-notice with preliminary evidence of non-infringement is forwarded to
  the rights holder, who is told they may complain to the competent authority or sue; if within 15 days
  of its arrival the platform is not told of a complaint or lawsuit, it ends the measures (a timer);
- 第四十四条: notices, counter-notices and results are published in time (``selectors.notices_published``);
- 厦府办〔2019〕13号 三(一)1: platforms 积极协助……权利人维权.

Every step is a ``NoticeStep`` (who, when) and a ``notice.state_changed`` fact for the hub, written in the
same transaction. Listings are changed only through ``market.listings.services``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import NOTICE_LISTINGS_MAX_ITEMS, payload_build
from sharecity.kernel.errors import ShareCityError
from sharecity.kernel.evidence import evidence_files_check
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, fact_record
from sharecity.kernel.timeutil import CITY_TZ, city_datetime
from sharecity.kernel.workdays import is_workday
from sharecity.market.listings import services as listing_services
from sharecity.market.listings.errors import ListingNotFound
from sharecity.market.listings.models import Listing, ListingStatus
from sharecity.market.notices import errors
from sharecity.market.notices.models import (
    ActorRole,
    ComplaintKind,
    Notice,
    NoticeEvidence,
    NoticeListing,
    NoticePeriod,
    NoticeStatus,
    NoticeStep,
    NoticeTimer,
    PeriodCode,
    RightKind,
    Step,
)
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import is_operator

REGISTRATION_NUMBERS_MAX = 10
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Tracking codes: no 0/O, 1/I/L, so they can be read out on the phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


# --- checks --------------------------------------------------------------------------------------


def _line(value, *, field: str, low: int, high: int, message: str) -> str:
    if not isinstance(value, str):
        raise errors.InvalidNotice(message, field=field)
    value = value.strip()
    if not low <= len(value) <= high or CONTROL.search(value):
        raise errors.InvalidNotice(message, field=field)
    return value


def _text(value, *, field: str, low: int, high: int, message: str) -> str:
    if not isinstance(value, str):
        raise errors.InvalidNotice(message, field=field)
    value = value.strip()
    if not low <= len(value) <= high or CONTROL_TEXT.search(value):
        raise errors.InvalidNotice(message, field=field)
    return value


def evidence_check(files, *, required: bool) -> list[tuple[object, str]]:
    """The files with the content type their first bytes show (JPEG, PNG, WebP, PDF; at most 5 of 5 MB)."""
    # 第四十二条第一款 / 第四十三条第一款: 通知（声明）应当包括……初步证据.
    return evidence_files_check(files, error=errors.InvalidEvidence, required_message=_(
        "Attach preliminary evidence: at least one file.") if required else "")


def _evidence_save(notice: Notice, party: str, checked) -> None:
    for upload, kind in checked:
        name = CONTROL.sub("", getattr(upload, "name", "") or "evidence")[-200:] or "evidence"
        item = NoticeEvidence(notice=notice, party=party, name=name, content_type=kind, size=upload.size)
        item.file.save("evidence", upload, save=False)
        item.save()


def _listings(platform: Platform, listing_ids) -> list[Listing]:
    if not isinstance(listing_ids, list | tuple) or not listing_ids:
        raise errors.InvalidNotice(_("Name at least one listing on this platform."), field="listing_ids")
    if len(listing_ids) > NOTICE_LISTINGS_MAX_ITEMS:
        raise errors.InvalidNotice(_("A notice names at most %(count)s listings.")
                                   % {"count": NOTICE_LISTINGS_MAX_ITEMS}, field="listing_ids")
    found: list[Listing] = []
    for index, raw in enumerate(listing_ids):
        try:
            key = raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
        except (ValueError, AttributeError, TypeError):
            key = None
        listing = None if key is None else (
            Listing.objects.filter(platform=platform, public_id=key).select_related("platform").first())
        # A listing of another platform, and one nobody can see, look the same as one that does not exist.
        if listing is None or listing.status not in (ListingStatus.PUBLISHED, ListingStatus.SUSPENDED):
            raise ListingNotFound(_("No such listing on this platform."), field=f"listing_ids.{index}")
        if listing.pk not in {item.pk for item in found}:
            found.append(listing)
    return found


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- the period of Art. 43 ------------------------------------------------------------------------


def period_for(*, code: str, on: dt.date) -> NoticePeriod:
    period = NoticePeriod.objects.filter(code=code, effective_from__lte=on).order_by("-effective_from").first()
    if period is None:
        raise errors.InvalidNotice(_("No time limit is in force for this step on %(day)s.") % {"day": on},
                                   field="period")
    return period


def period_end(*, start: dt.datetime, days: int) -> dt.datetime:
    """The moment a period of ``days`` natural days that starts at ``start`` is over, in the city's time.

    《中华人民共和国民法典》第二百零一条: 按照日计算期间的，开始的当日不计入，自下一日开始计算;
    第二百零三条: 期间的最后一日是法定休息日的，以法定休息日结束的次日为期间的最后一日; 最后一日的截止时间为
    二十四时. Rest days are read from the official calendar (a working weekend day 调休 is not one). So a
    counter-notice forwarded on 2026-09-25 gives 2026-10-10 as the last day (a working Saturday), and the
    period is over at 2026-10-11 00:00 Asia/Shanghai."""
    last = start.astimezone(CITY_TZ).date() + dt.timedelta(days=days)
    while not is_workday(last):
        last += dt.timedelta(days=1)
    return city_datetime(last + dt.timedelta(days=1), dt.time(0, 0))


# --- steps and facts -------------------------------------------------------------------------------


def _outcome(notice: Notice) -> str:
    return {NoticeStatus.EXPLAINED: "explained", NoticeStatus.MEASURES_KEPT: "measures_kept",
            NoticeStatus.RESTORED: "restored"}.get(notice.status, "open")


def _measure(notice: Notice) -> str:
    if notice.status == NoticeStatus.EXPLAINED:
        return "explained"
    return "taken_down" if notice.measure_at else "none"


def notice_payload(notice: Notice, *, step: str, at: dt.datetime, role: str) -> dict:
    items = list(notice.items.select_related("listing").order_by("id"))
    districts = list(dict.fromkeys(item.listing.district_code for item in items))
    return payload_build(
        "notice.state_changed", notice_id=str(notice.public_id),
        listing_ids=[str(item.listing.public_id) for item in items], districts=districts,
        right_kind=notice.right_kind, step=step, step_at=at, actor_role=role, filed_at=notice.filed_at,
        measure=_measure(notice), measure_at=notice.measure_at, forwarded_at=notice.forwarded_at,
        counter_noticed_at=notice.counter_at, counter_forwarded_at=notice.counter_forwarded_at,
        restore_due_at=notice.restore_due_at, complaint_kind=notice.complaint_kind or None,
        complaint_reported_at=notice.complaint_reported_at, restored_at=notice.restored_at,
        outcome=_outcome(notice), wrong_notice=notice.wrong_notice, malicious=notice.malicious,
    )


def _step(notice: Notice, *, step: str, at: dt.datetime, actor: User | None, role: str, note: str = "") -> NoticeStep:
    row = NoticeStep.objects.create(notice=notice, step=step, at=at, actor=actor if actor and actor.pk else None,
                                    actor_role=role, note=note)
    fact_record(
        actor=actor, action=f"notice.{step}", target_type="notice", target_id=notice.public_id,
        platform_id=notice.platform.exchange_id, message_type="notice.state_changed",
        payload=notice_payload(notice, step=step, at=at, role=role),
        audit_data={"step": step, "role": role, "note": note[:500], "status": notice.status},
    )
    return row


def _locked(notice: Notice) -> Notice:
    return Notice.objects.select_for_update().select_related("platform").get(pk=notice.pk)


def _require_operator(actor, notice: Notice) -> None:
    if actor is None or not is_operator(user=actor, platform=notice.platform):
        raise errors.NotOperator(_("Only the platform's operator staff may do this."), field="notice_id")


def _require_status(notice: Notice, allowed: tuple[str, ...], doing: str) -> None:
    if notice.status not in allowed:
        raise errors.WrongStep(_("This notice is %(status)s: it cannot be %(doing)s now.")
                               % {"status": notice.get_status_display(), "doing": doing}, field="notice_id")


# --- the rights holder --------------------------------------------------------------------------------


@transaction.atomic
def notice_file(*, platform: Platform, holder_name, holder_contact, right_kind, registration_numbers, claim,
                listing_ids, evidence=(), now: dt.datetime | None = None) -> tuple[Notice, str]:
    """A rights holder's notice (第四十二条第一款), with preliminary evidence. No account: the holder gets a
    tracking code and a secret (returned once, kept only as a hash)."""
    now = now or timezone.now()
    holder_name = _line(holder_name, field="holder_name", low=2, high=120,
                        message=_("Give the rights holder's name in 2 to 120 characters."))
    holder_contact = _line(holder_contact, field="holder_contact", low=5, high=200,
                           message=_("Give a contact (telephone, e-mail or address) in 5 to 200 characters."))
    if right_kind not in RightKind.values:
        raise errors.InvalidNotice(_("Choose the right: trademark, copyright, patent or other."), field="right_kind")
    if isinstance(registration_numbers, str):
        registration_numbers = [part for part in re.split(r"[,，;；\n]", registration_numbers)]
    if not isinstance(registration_numbers, list | tuple):
        raise errors.InvalidNotice(_("Registration numbers are a list."), field="registration_numbers")
    numbers = []
    for index, number in enumerate(registration_numbers):
        if isinstance(number, str) and not number.strip():
            continue
        numbers.append(_line(number, field=f"registration_numbers.{index}", low=1, high=64,
                             message=_("A registration number has at most 64 characters on one line.")))
    if len(numbers) > REGISTRATION_NUMBERS_MAX:
        raise errors.InvalidNotice(_("Give at most 10 registration numbers."), field="registration_numbers")
    if right_kind in (RightKind.TRADEMARK, RightKind.PATENT) and not numbers:
        raise errors.InvalidNotice(_("A trademark or a patent is named by its registration or patent number."),
                                   field="registration_numbers")
    claim = _text(claim, field="claim", low=10, high=4000,
                  message=_("Say which right the listings infringe and how, in 10 to 4000 characters."))
    listings = _listings(platform, listing_ids)
    checked = evidence_check(evidence, required=True)
    secret = secrets.token_urlsafe(18)
    code = "N" + "".join(secrets.choice(CODE_ALPHABET) for _i in range(9))
    notice = Notice.objects.create(
        platform=platform, tracking_code=code, secret_hash=secret_hash(secret), holder_name=holder_name,
        holder_contact=holder_contact, right_kind=right_kind, registration_numbers=numbers, claim=claim,
        filed_at=now)
    NoticeListing.objects.bulk_create(NoticeListing(notice=notice, listing=listing) for listing in listings)
    _evidence_save(notice, ActorRole.HOLDER, checked)
    _step(notice, step=Step.FILED, at=now, actor=None, role=ActorRole.HOLDER)
    return notice, secret


def notice_for_holder(*, platform: Platform, tracking_code, secret) -> Notice:
    """The notice the code and secret open; one answer for a wrong code and a wrong secret."""
    notice = None
    if isinstance(tracking_code, str) and isinstance(secret, str) and len(tracking_code) <= 16 and len(secret) <= 64:
        notice = Notice.objects.filter(platform=platform, tracking_code=tracking_code.strip().upper()).first()
    if notice is None or not hmac.compare_digest(notice.secret_hash, secret_hash(secret.strip())):
        raise errors.NoticeNotFound(_("No notice with this tracking code and secret on this platform."),
                                    field="tracking_code")
    return notice


# --- the platform (Art. 42) ---------------------------------------------------------------------------


@transaction.atomic
def notice_take_down(*, actor: User, notice: Notice, note: str = "", now: dt.datetime | None = None) -> Notice:
    """第四十二条第二款: 及时采取必要措施 — each listing named is taken down through the listings service."""
    now = now or timezone.now()
    notice = _locked(notice)
    _require_operator(actor, notice)
    _require_status(notice, (NoticeStatus.FILED, NoticeStatus.EXPLAINED), _("taken down"))
    note = _text(note or _("Taken down on the rights holder's notice."), field="note", low=1, high=2000,
                 message=_("Write the note in at most 2000 characters."))
    facts = _("Taken down on a rights holder's notice (%(code)s): %(note)s") % {"code": notice.tracking_code,
                                                                                  "note": note}
    for item in notice.items.select_related("listing__platform"):
        if listing_services.listing_take_down_on_notice(actor=actor, listing=item.listing, facts=facts):
            item.taken_down = True
            item.save(update_fields=["taken_down"])
    notice.status, notice.measure_at = NoticeStatus.TAKEN_DOWN, now
    notice.save(update_fields=["status", "measure_at"])
    _step(notice, step=Step.TAKEN_DOWN, at=now, actor=actor, role=ActorRole.OPERATOR, note=note)
    return notice


@transaction.atomic
def notice_explain(*, actor: User, notice: Notice, reason, now: dt.datetime | None = None) -> Notice:
    """The platform takes no measure and says why (the notice lacks evidence, the right is not shown...)."""
    now = now or timezone.now()
    notice = _locked(notice)
    _require_operator(actor, notice)
    _require_status(notice, (NoticeStatus.FILED,), _("explained"))
    reason = _text(reason, field="reason", low=5, high=4000,
                   message=_("Explain in 5 to 4000 characters why no measure is taken; the rights holder reads it."))
    notice.status, notice.measure_at, notice.explanation = NoticeStatus.EXPLAINED, now, reason
    notice.save(update_fields=["status", "measure_at", "explanation"])
    _step(notice, step=Step.EXPLAINED, at=now, actor=actor, role=ActorRole.OPERATOR, note=reason)
    return notice


@transaction.atomic
def notice_forward(*, actor: User, notice: Notice, now: dt.datetime | None = None) -> Notice:
    """第四十二条第二款: 将该通知转送平台内经营者 — the provider sees it in their account pages."""
    now = now or timezone.now()
    notice = _locked(notice)
    _require_operator(actor, notice)
    if notice.forwarded_at is not None:
        raise errors.WrongStep(_("This notice was already forwarded to the provider."), field="notice_id")
    notice.forwarded_at = now
    notice.save(update_fields=["forwarded_at"])
    _step(notice, step=Step.FORWARDED, at=now, actor=actor, role=ActorRole.OPERATOR)
    return notice


def is_notice_provider(*, user, notice: Notice) -> bool:
    return bool(getattr(user, "pk", None)) and notice.items.filter(listing__provider_id=user.pk).exists()


@transaction.atomic
def notice_counter(*, actor: User, notice: Notice, text, evidence=(), now: dt.datetime | None = None) -> Notice:
    """第四十三条第一款: the provider's counter-notice (声明), with preliminary evidence of non-infringement."""
    now = now or timezone.now()
    notice = _locked(notice)
    if notice.forwarded_at is None or not is_notice_provider(user=actor, notice=notice):
        raise errors.NoticeNotFound(_("No such notice on your listings."), field="notice_id")
    _require_status(notice, (NoticeStatus.TAKEN_DOWN,), _("answered with a counter-notice"))
    text = _text(text, field="text", low=10, high=4000,
                 message=_("Say in 10 to 4000 characters why the listings do not infringe."))
    checked = evidence_check(evidence, required=True)
    notice.status, notice.counter_text, notice.counter_at = NoticeStatus.COUNTER_NOTICED, text, now
    notice.save(update_fields=["status", "counter_text", "counter_at"])
    _evidence_save(notice, ActorRole.PROVIDER, checked)
    _step(notice, step=Step.COUNTER_NOTICED, at=now, actor=actor, role=ActorRole.PROVIDER)
    return notice


@transaction.atomic
def notice_counter_forward(*, actor: User, notice: Notice, now: dt.datetime | None = None) -> Notice:
    """第四十三条第二款: 将该声明转送发出通知的知识产权权利人，并告知其可以向有关主管部门投诉或者向人民法院起诉.
    The counter-notice reaches the rights holder on their tracking page (and at the contact they gave) as it is
    forwarded; the period of the law in force that day starts then, and a timer ends the measures when it is
    over."""
    now = now or timezone.now()
    notice = _locked(notice)
    _require_operator(actor, notice)
    _require_status(notice, (NoticeStatus.COUNTER_NOTICED,), _("forwarded"))
    period = period_for(code=PeriodCode.COUNTER_NOTICE_WAIT, on=now.astimezone(CITY_TZ).date())
    due = period_end(start=now, days=period.days)
    notice.status, notice.counter_forwarded_at, notice.restore_due_at = NoticeStatus.AWAITING_HOLDER, now, due
    notice.period_days, notice.period_source = period.days, period.source
    notice.save(update_fields=["status", "counter_forwarded_at", "restore_due_at", "period_days", "period_source"])
    NoticeTimer.objects.create(notice=notice, action="restore", due_at=due)
    transaction.on_commit(lambda: _timer_enqueue(due))
    _step(notice, step=Step.COUNTER_FORWARDED, at=now, actor=actor, role=ActorRole.OPERATOR,
          note=_("You may complain to the competent authority or sue in a people's court. Unless you tell the "
                 "platform that you have done so before %(due)s, the measures end.")
          % {"due": f"{due.astimezone(CITY_TZ):%Y-%m-%d %H:%M}"})
    return notice


@transaction.atomic
def notice_complaint_report(*, notice: Notice, kind, detail, evidence=(), actor: User | None = None,
                            now: dt.datetime | None = None) -> Notice:
    """第四十三条第二款: the rights holder tells the platform, within the period, that they complained to the
    competent authority or sued: the measures are kept. ``actor`` is an operator recording it for them, or
    None for the holder (through the tracking code and secret)."""
    now = now or timezone.now()
    notice = _locked(notice)
    if actor is not None:
        _require_operator(actor, notice)
    _require_status(notice, (NoticeStatus.AWAITING_HOLDER,), _("kept on a complaint or lawsuit"))
    if notice.restore_due_at is not None and now >= notice.restore_due_at:
        raise errors.PeriodOver(_("The period ended at %(due)s; the measures end.")
                                % {"due": f"{notice.restore_due_at.astimezone(CITY_TZ):%Y-%m-%d %H:%M}"},
                                field="notice_id")
    if kind not in ComplaintKind.values:
        raise errors.InvalidNotice(_("Say whether you complained to an authority or sued."), field="kind")
    detail = _line(detail, field="detail", low=4, high=300,
                   message=_("Name the authority or court and the case number in 4 to 300 characters."))
    checked = evidence_check(evidence, required=actor is None)
    notice.status, notice.complaint_kind, notice.complaint_detail = NoticeStatus.MEASURES_KEPT, kind, detail
    notice.complaint_reported_at = now
    notice.save(update_fields=["status", "complaint_kind", "complaint_detail", "complaint_reported_at"])
    _evidence_save(notice, ActorRole.HOLDER, checked)
    NoticeTimer.objects.filter(notice=notice, done_at__isnull=True).update(done_at=now, outcome="cancelled")
    _step(notice, step=Step.COMPLAINT_REPORTED, at=now, actor=actor,
          role=ActorRole.OPERATOR if actor is not None else ActorRole.HOLDER, note=detail)
    return notice


RESTORABLE = (NoticeStatus.TAKEN_DOWN, NoticeStatus.COUNTER_NOTICED, NoticeStatus.AWAITING_HOLDER,
              NoticeStatus.MEASURES_KEPT)


def _restore(notice: Notice, *, actor: User | None, reason: str, at: dt.datetime) -> Notice:
    for item in notice.items.filter(taken_down=True).select_related("listing__platform"):
        listing_services.listing_restore_after_notice(actor=actor, listing=item.listing, facts=reason)
    notice.status, notice.restored_at = NoticeStatus.RESTORED, at
    notice.save(update_fields=["status", "restored_at"])
    NoticeTimer.objects.filter(notice=notice, done_at__isnull=True).update(done_at=at, outcome="superseded")
    _step(notice, step=Step.RESTORED, at=at, actor=actor, role=ActorRole.OPERATOR if actor else ActorRole.SYSTEM,
          note=reason)
    return notice


@transaction.atomic
def notice_restore(*, actor: User, notice: Notice, reason, now: dt.datetime | None = None) -> Notice:
    """The platform ends the measures itself (an authority or court found no infringement, the holder withdrew)."""
    now = now or timezone.now()
    notice = _locked(notice)
    _require_operator(actor, notice)
    _require_status(notice, RESTORABLE, _("restored"))
    reason = _text(reason, field="reason", low=5, high=2000,
                   message=_("Give the reason in 5 to 2000 characters; the rights holder and the provider read it."))
    return _restore(notice, actor=actor, reason=reason, at=now)


@transaction.atomic
def notice_record_wrong(*, actor: User, notice: Notice, note, malicious: bool = False,
                        now: dt.datetime | None = None) -> Notice:
    """第四十二条第三款: 因通知错误造成平台内经营者损害的，依法承担民事责任；恶意发出错误通知……加倍承担赔偿责任.
    The platform records it (and a malicious notice is flagged); liability is for a court."""
    now = now or timezone.now()
    notice = _locked(notice)
    _require_operator(actor, notice)
    if not isinstance(malicious, bool):
        raise errors.InvalidNotice(_("Say whether the notice was malicious (true or false)."), field="malicious")
    note = _text(note, field="note", low=5, high=4000,
                 message=_("Say in 5 to 4000 characters how the notice proved wrong and what damage it caused."))
    if notice.wrong_notice and (notice.malicious or not malicious):
        raise errors.WrongStep(_("This is already recorded."), field="notice_id")
    first = not notice.wrong_notice
    notice.wrong_notice, notice.malicious = True, notice.malicious or malicious
    notice.wrong_notice_note = (notice.wrong_notice_note + "\n" + note).strip()[:4000]
    notice.save(update_fields=["wrong_notice", "malicious", "wrong_notice_note"])
    if first:
        _step(notice, step=Step.WRONG_NOTICE, at=now, actor=actor, role=ActorRole.OPERATOR, note=note)
    if malicious:
        _step(notice, step=Step.MALICIOUS, at=now, actor=actor, role=ActorRole.OPERATOR, note=note)
    return notice


# --- the timer (Art. 43 para. 2) --------------------------------------------------------------------------


def _timer_enqueue(due: dt.datetime) -> None:
    from sharecity.market.notices.tasks import notice_timers_fire, sweep_ensure

    notice_timers_fire.using(run_after=due).enqueue()
    sweep_ensure()


def timers_fire(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """End the measures of every notice whose period is over (idempotent: each timer is taken once; one
    whose notice moved on is marked skipped). Returns how many notices were restored."""
    now = now or timezone.now()
    due = list(NoticeTimer.objects.filter(done_at__isnull=True, due_at__lte=now).order_by("due_at", "id")
               .values_list("pk", flat=True)[:limit])
    return sum(1 for timer_id in due if _timer_fire(timer_id=timer_id, now=now))


@transaction.atomic
def _timer_fire(*, timer_id: int, now: dt.datetime) -> bool:
    notice_id = NoticeTimer.objects.filter(pk=timer_id).values_list("notice_id", flat=True).first()
    if notice_id is None:
        return False
    notice = _locked(Notice(pk=notice_id))  # the notice first, as every service takes it
    timer = NoticeTimer.objects.select_for_update().filter(pk=timer_id, done_at__isnull=True).first()
    if timer is None:
        return False
    if notice.status != NoticeStatus.AWAITING_HOLDER:
        timer.done_at, timer.outcome = now, "skipped"
        timer.save(update_fields=["done_at", "outcome"])
        return False
    # Dated when it fell due, as if the worker had been running all along.
    at = min(timer.due_at, now)
    reason = _("No complaint or lawsuit was reported within %(days)s days of the counter-notice reaching the "
               "rights holder (%(source)s): the measures end.") % {"days": notice.period_days,
                                                                   "source": notice.period_source}
    try:
        with transaction.atomic():
            _restore(notice, actor=None, reason=reason, at=at)
    except ShareCityError:
        timer.done_at, timer.outcome = now, "failed"
        timer.save(update_fields=["done_at", "outcome"])
        audit_record(actor=None, action="notice.restore_failed", target_type="notice", target_id=notice.public_id,
                     platform_id=notice.platform.exchange_id)
        return False
    NoticeTimer.objects.filter(pk=timer.pk).update(done_at=now, outcome="taken")
    return True
