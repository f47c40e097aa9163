"""Reads of the notices read model, scoped by jurisdiction, with what is overdue.

Overdue, two kinds (``overdue_reasons``):
- the city's setting (``NoticeDeadline``, not a legal number: 电子商务法第四十二条第二款 / 第四十三条第二款 say
  only 及时): no measure or explanation within its hours of the notice; a counter-notice not forwarded within
  its hours;
- the law's deadline (第四十三条第二款): the measures still in place after ``restore_due_at`` without a
  complaint or lawsuit reported.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.notices.models import DeadlineCode, NoticeDeadline, NoticeFact
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.kernel.errors import NotFound
from sharecity.kernel.timeutil import CITY_TZ


class NoticeFactNotFound(NotFound):
    code = "hub.notice_not_found"


def deadline_hours(*, code: str, on: dt.date) -> int | None:
    row = NoticeDeadline.objects.filter(code=code, effective_from__lte=on).order_by("-effective_from").first()
    return row.hours if row is not None else None


def deadlines_in_force(*, on: dt.date | None = None) -> list[NoticeDeadline]:
    on = on or timezone.now().astimezone(CITY_TZ).date()
    rows = []
    for code in DeadlineCode.values:
        row = NoticeDeadline.objects.filter(code=code, effective_from__lte=on).order_by("-effective_from").first()
        if row is not None:
            rows.append(row)
    return rows


def overdue_reasons(fact: NoticeFact, *, now: dt.datetime | None = None) -> list[str]:
    """Codes: ``measure_late``, ``counter_forward_late`` (the city's setting), ``restoration_late`` (the law)."""
    now = now or timezone.now()
    reasons = []
    filed_day = fact.filed_at.astimezone(CITY_TZ).date()
    hours = deadline_hours(code=DeadlineCode.MEASURE, on=filed_day)
    measured = fact.measure_at
    if hours is not None and (measured or now) > fact.filed_at + dt.timedelta(hours=hours):
        reasons.append("measure_late")
    if fact.counter_noticed_at is not None:
        hours = deadline_hours(code=DeadlineCode.COUNTER_FORWARD, on=fact.counter_noticed_at.astimezone(CITY_TZ).date())
        forwarded = fact.counter_forwarded_at
        if hours is not None and (forwarded or now) > fact.counter_noticed_at + dt.timedelta(hours=hours):
            reasons.append("counter_forward_late")
    if fact.restore_due_at is not None and fact.complaint_reported_at is None:
        ended = fact.restored_at
        if (ended is None and now >= fact.restore_due_at) or (ended is not None and ended > fact.restore_due_at):
            reasons.append("restoration_late")
    return reasons


REASON_LABELS = {
    "measure_late": lambda: _("No measure or explanation within the city's time limit"),
    "counter_forward_late": lambda: _("Counter-notice not forwarded within the city's time limit"),
    "restoration_late": lambda: _("Measures not ended by the legal deadline (E-commerce Law, Art. 43)"),
}


def notices_for(*, jurisdiction: Jurisdiction, platform: str = "", outcome: str = "") -> QuerySet[NoticeFact]:
    qs = jurisdiction.filter_districts(NoticeFact.objects.all())
    if platform:
        qs = qs.filter(platform_id=platform)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.order_by("-filed_at", "-id")


def notice_get(*, jurisdiction: Jurisdiction, fact_id: int) -> NoticeFact:
    fact = jurisdiction.filter_districts(NoticeFact.objects.filter(pk=fact_id)).first()
    if fact is None:
        raise NoticeFactNotFound(_("No such notice in your jurisdiction."), field="fact_id")
    return fact
