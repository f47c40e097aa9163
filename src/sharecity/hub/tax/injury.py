"""The occupational-injury monthly reports (``injury.monthly_report`` v1) on the hub: intake, and which platform
reported which month and when.

Who owes a report: a platform registered in a sector the pilot covers (出行: ride_hailing; 人社部发〔2025〕24号 一),
for every month since the later of its registration and 2025-07-01, the day Tianjin and Fujian (the hub's cities)
joined the pilot (人社部发〔2025〕24号 一; 津人社局发〔2025〕4号). A platform that reported once is shown too.

When it is due: the pilot's 规程 (人社厅函〔2025〕79号, 第三章 申报缴费) has platforms declare monthly; the day of
the month was not verified from its text, so the hub uses the end of the following month (``DUE_RULE``,
``verified=False``) and says so on its page. Replace the rule with the verified one when known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.tax.models import InjuryReport
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.timeutil import CITY_TZ, add_months, month_end, next_month

PILOT_FROM = dt.date(2025, 7, 1)
COVERED_SECTORS = frozenset({"ride_hailing"})
SOURCE = "人社部发〔2025〕24号 一; 津人社局发〔2025〕4号; 人社厅函〔2025〕79号 第三章"


@dataclass(frozen=True)
class DueRule:
    months_after: int
    verified: bool
    source: str


DUE_RULE = DueRule(months_after=1, verified=False,
                   source="人社厅函〔2025〕79号 第三章 (monthly declaration; the day is ShareCity's default, "
                          "unverified)")


def _sent_at(envelope) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(getattr(envelope, "sent_at", ""))
    except (TypeError, ValueError):
        return timezone.now()


def _foreign_workers(platform_id: str, keys: set[str]) -> list[str]:
    """Keys the hub knows only as another platform's subjects: a platform reports its own workers."""
    from sharecity.hub.facts.models import SubjectFact

    known = {}
    for key, owner in SubjectFact.objects.filter(subject_key__in=keys).values_list("subject_key", "platform_id"):
        known.setdefault(key, set()).add(owner)
    return sorted(key for key, owners in known.items() if platform_id not in owners)


def injury_report_received(*, envelope, payload) -> InjuryReport:
    """Intake handler: keep the report (a redelivered one keeps the first). A report naming a worker the hub knows
    only under another platform is refused, so the message is quarantined with the reason."""
    keys = {w.worker_key for w in payload.workers}
    foreign = _foreign_workers(envelope.platform_id, keys)
    if foreign:
        raise InvalidInput(f"workers: {len(foreign)} worker key(s) are registered by another platform, not by "
                           f"{envelope.platform_id} (first: {foreign[0][:16]}…)", field="workers",
                           code="injury.foreign_worker")
    fields = {"platform_id": envelope.platform_id, "report_id": payload.report_id}
    existing = InjuryReport.objects.filter(**fields).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return InjuryReport.objects.create(
                **fields, message_id=str(envelope.message_id), year=payload.year, month=payload.month,
                orders_covered=payload.orders_covered, contribution_fen=payload.contribution_fen,
                orders_rate_not_loaded=payload.orders_rate_not_loaded, workers_covered=len(keys),
                workers=[w.model_dump(mode="json") for w in payload.workers], sent_at=_sent_at(envelope))
    except IntegrityError:
        return InjuryReport.objects.get(**fields)


def due_date(first: dt.date) -> dt.date:
    return month_end(add_months(first, DUE_RULE.months_after))


@dataclass(frozen=True)
class MonthStatus:
    platform_id: str
    platform_name: str
    month: dt.date
    due: dt.date
    reported_on: dt.date | None
    orders_covered: int
    contribution_fen: int
    workers_covered: int
    orders_rate_not_loaded: int
    late: bool

    @property
    def status(self) -> str:
        if self.reported_on is None:
            return "overdue" if self.late else "pending"
        return "late" if self.late else "on_time"


def month_statuses(*, jurisdiction: Jurisdiction, today: dt.date) -> list[MonthStatus]:
    """Each platform of the jurisdiction that owes or sent reports, and each month since it owed one (newest
    first), with the first report received for the month."""
    names = jurisdiction.platform_names()
    ids = sorted(names)
    reports: dict[tuple[str, int, int], InjuryReport] = {}
    for report in InjuryReport.objects.filter(platform_id__in=ids).order_by("sent_at", "id"):
        reports.setdefault((report.platform_id, report.year, report.month), report)
    reporting = {key[0] for key in reports}
    rows = []
    for platform in RegisteredPlatform.objects.filter(platform_id__in=ids).order_by("platform_id"):
        if not (COVERED_SECTORS & set(platform.sectors or ())) and platform.platform_id not in reporting:
            continue
        since = max(PILOT_FROM, platform.registered_at.astimezone(CITY_TZ).date().replace(day=1))
        month = since
        while next_month(month) <= today:
            report = reports.get((platform.platform_id, month.year, month.month))
            due = due_date(month)
            reported_on = report.sent_at.astimezone(CITY_TZ).date() if report else None
            rows.append(MonthStatus(
                platform_id=platform.platform_id, platform_name=names[platform.platform_id], month=month, due=due,
                reported_on=reported_on, orders_covered=report.orders_covered if report else 0,
                contribution_fen=report.contribution_fen if report else 0,
                workers_covered=report.workers_covered if report else 0,
                orders_rate_not_loaded=report.orders_rate_not_loaded if report else 0,
                late=(reported_on or today) > due))
            month = next_month(month)
    rows.sort(key=lambda r: (-r.month.toordinal(), r.platform_name, r.platform_id))
    return rows
