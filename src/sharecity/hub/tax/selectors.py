"""Which platforms filed which quarter's tax report, and which are late, for an officer's jurisdiction.

A quarter counts as filed when every part of one of its reports arrived; the day it was filed is the day the
platform sent the last of those parts. The deadline is ``deadlines.due_date`` (国务院令第810号 第四条第一款)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.tax import injury
from sharecity.hub.tax.deadlines import due_date, quarters_owed
from sharecity.hub.tax.models import TaxReportPart
from sharecity.kernel.errors import NotFound
from sharecity.kernel.timeutil import CITY_TZ


@dataclass(frozen=True)
class QuarterStatus:
    platform_id: str
    platform_name: str
    year: int
    quarter: int
    due: dt.date
    filed_on: dt.date | None
    report_id: str
    provider_count: int
    gross_fen: int
    late: bool
    source: str

    @property
    def status(self) -> str:
        if self.filed_on is None:
            return "overdue" if self.late else "pending"
        return "late" if self.late else "on_time"


def _complete_reports(platform_ids: list[str]) -> dict[tuple[str, int, int], tuple[dt.date, str, dict]]:
    """(platform, year, quarter) -> (day filed, report id, totals) of the first complete report."""
    parts: dict[tuple[str, str], list[TaxReportPart]] = {}
    for row in TaxReportPart.objects.filter(platform_id__in=platform_ids).order_by("sent_at", "id"):
        parts.setdefault((row.platform_id, row.report_id), []).append(row)
    result: dict[tuple[str, int, int], tuple[dt.date, str, dict]] = {}
    for (platform_id, report_id), rows in parts.items():
        first = rows[0]
        if len({r.part for r in rows}) < first.parts:
            continue
        filed = max(r.sent_at for r in rows).astimezone(CITY_TZ).date()
        key = (platform_id, first.year, first.quarter)
        if key not in result or filed < result[key][0]:
            result[key] = (filed, report_id, first.totals)
    return result


def quarter_statuses(*, jurisdiction: Jurisdiction, today: dt.date, year: int | None = None,
                     quarter: int | None = None) -> list[QuarterStatus]:
    """Every platform of the jurisdiction and every quarter it owed a report for since it registered, newest
    quarter first, then by platform name."""
    names = jurisdiction.platform_names()
    registered = dict(RegisteredPlatform.objects.filter(platform_id__in=sorted(names))
                      .values_list("platform_id", "registered_at"))
    reports = _complete_reports(sorted(names))
    rows = []
    for platform_id, name in names.items():
        since = registered.get(platform_id)
        if since is None:
            continue
        for y, q in quarters_owed(since=since.astimezone(CITY_TZ).date(), today=today):
            if (year is not None and y != year) or (quarter is not None and q != quarter):
                continue
            due, source = due_date(y, q)
            filed = reports.get((platform_id, y, q))
            filed_on = filed[0] if filed else None
            totals = filed[2] if filed else {}
            rows.append(QuarterStatus(
                platform_id=platform_id, platform_name=name, year=y, quarter=q, due=due, filed_on=filed_on,
                report_id=filed[1] if filed else "", provider_count=int(totals.get("provider_count", 0)),
                gross_fen=int(totals.get("gross_fen", 0)), late=(filed_on or today) > due, source=source))
    rows.sort(key=lambda r: (-r.year, -r.quarter, r.platform_name, r.platform_id))
    return rows


def report_statuses(jurisdiction: Jurisdiction, *, year: int | None, quarter: int | None, status: str,
                    platform_id: str = "") -> list[QuarterStatus]:
    """``quarter_statuses`` as of today (city time), kept to one status and one platform when given; a platform
    outside the jurisdiction is NotFound (naming ``platform_id``), whether it exists elsewhere or not."""
    if platform_id and platform_id not in jurisdiction.platform_names():
        raise NotFound(_("No such platform in your jurisdiction."), field="platform_id", code="tax.platform_not_found")
    today = timezone.now().astimezone(CITY_TZ).date()
    rows = quarter_statuses(jurisdiction=jurisdiction, today=today, year=year, quarter=quarter)
    return [r for r in rows if (not status or r.status == status) and (not platform_id or r.platform_id == platform_id)]


def injury_statuses(jurisdiction: Jurisdiction, *, status: str) -> list[injury.MonthStatus]:
    """``injury.month_statuses`` as of today (city time), kept to one status when given."""
    today = timezone.now().astimezone(CITY_TZ).date()
    rows = injury.month_statuses(jurisdiction=jurisdiction, today=today)
    return [r for r in rows if not status or r.status == status]
