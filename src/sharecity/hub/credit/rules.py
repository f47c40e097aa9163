"""How long a dishonesty record is shown and when repair may be applied for.

The rules are data: each row is one version of the law, in force from ``effective_from`` to
``effective_until`` (both inclusive, ``None`` = still in force). A change in the law is a new row
with the old row's ``effective_until`` set, never an edit of numbers, so a decision is always
measured by the rule in force on the day it was made.

Counting (中华人民共和国民法典 第二百零一条、第二百零二条, which apply unless a law says
otherwise, 第二百零四条): the day of the decision is not counted; a period of N months ends on the
day with the decision's day-of-month N months later, or on that month's last day when it has no
such day (31 Jan + 1 month ends 28/29 Feb). 第二百零三条 (a last day on a statutory holiday moves
to the next working day) is not applied to publicity: it protects a party who must *act* within a
period, while a publicity period is a sanction running against the subject, and moving its end
would lengthen it. The repair procedure's deadlines, which are acts, count working days on the
official holiday calendar instead.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.workdays import add_workdays

GUOBAN_2025_22 = "国办发〔2025〕22号《关于进一步完善信用修复制度的实施方案》"
NDRC_ORDER_2025_36 = "国家发展改革委令2025年第36号《信用修复管理办法》"


class Severity(StrEnum):
    LIGHT = "light"  # 轻微失信信息
    ORDINARY = "ordinary"  # 一般失信信息
    SERIOUS = "serious"  # 严重失信信息


@dataclass(frozen=True)
class PublicityRule:
    severity: Severity
    # None: no minimum display; repair may be applied for as soon as the legal duty is performed.
    min_display_months: int | None
    max_display_months: int
    source: str
    effective_from: dt.date
    effective_until: dt.date | None


@dataclass(frozen=True)
class RepairDeadlineRule:
    decision_workdays: int
    result_workdays: int
    source: str
    effective_from: dt.date
    effective_until: dt.date | None


_PLAN_2025 = GUOBAN_2025_22 + " 二、完善失信信息分类标准"
# Order 36 repeals NDRC Order 58 (2023) and fixes the start: 公示期限自司法、行政公务文书认定之日起开始计算.
_ORDER_36 = NDRC_ORDER_2025_36 + " 第二章（失信信息分类与公示期限）"

PUBLICITY_RULES: tuple[PublicityRule, ...] = (
    # 轻微失信信息可以不予公示或法定责任义务履行完毕即可申请修复，确有必要公示的，公示期最长为3个月；
    # 一般失信信息公示期最短为3个月，最长为1年；严重失信信息公示期最短为1年，最长为3年。
    PublicityRule(Severity.LIGHT, None, 3, _PLAN_2025, dt.date(2025, 6, 22), dt.date(2026, 3, 31)),
    PublicityRule(Severity.ORDINARY, 3, 12, _PLAN_2025, dt.date(2025, 6, 22), dt.date(2026, 3, 31)),
    PublicityRule(Severity.SERIOUS, 12, 36, _PLAN_2025, dt.date(2025, 6, 22), dt.date(2026, 3, 31)),
    # Same periods; 最长公示期届满后，相关信息自动停止公示. In force from 2026-04-01.
    PublicityRule(Severity.LIGHT, None, 3, _ORDER_36, dt.date(2026, 4, 1), None),
    PublicityRule(Severity.ORDINARY, 3, 12, _ORDER_36, dt.date(2026, 4, 1), None),
    PublicityRule(Severity.SERIOUS, 12, 36, _ORDER_36, dt.date(2026, 4, 1), None),
)

REPAIR_DEADLINE_RULES: tuple[RepairDeadlineRule, ...] = (
    # 谁认定、谁修复: the deciding department handles the application within 3 working days of accepting it;
    # "信用中国"网站一般应当自收到信用修复申请之日起10个工作日内反馈信用修复结果.
    RepairDeadlineRule(3, 10, GUOBAN_2025_22 + " 明确信用修复办理期限", dt.date(2025, 6, 22), None),
)


@dataclass(frozen=True)
class PublicityPeriods:
    severity: Severity
    decided: dt.date
    repair_from: dt.date  # first day on which repair may be applied for
    display_until: dt.date  # last day shown; from the next day the record is no longer shown
    source: str

    def as_dict(self) -> dict[str, str]:
        return {
            "severity": self.severity.value,
            "decided": self.decided.isoformat(),
            "repair_from": self.repair_from.isoformat(),
            "display_until": self.display_until.isoformat(),
            "source": self.source,
        }


def period_end(start: dt.date, months: int) -> dt.date:
    """Last day of a period of ``months`` months that starts the day after ``start`` (民法典 第二百零一、二百零二条)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _in_force(effective_from: dt.date, effective_until: dt.date | None, day: dt.date) -> bool:
    return effective_from <= day and (effective_until is None or day <= effective_until)


def parse_severity(value: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise InvalidInput(
            _("Unknown severity %(value)s: use light, ordinary or serious.") % {"value": repr(value)},
            field="severity", code="credit.severity_unknown",
        ) from None


def publicity_periods(
    *, severity: Severity | str, decided: dt.date, rules: tuple[PublicityRule, ...] = PUBLICITY_RULES,
) -> PublicityPeriods:
    """When repair may be applied for and when display ends, by the rule in force on ``decided``."""
    severity = parse_severity(severity) if not isinstance(severity, Severity) else severity
    matching = [r for r in rules if r.severity == severity and _in_force(r.effective_from, r.effective_until, decided)]
    if not matching:
        raise InvalidInput(
            _("No publicity rule is in force for a decision dated %(date)s.") % {"date": decided.isoformat()},
            field="decided", code="credit.no_rule_in_force",
        )
    if len(matching) > 1:
        # Two versions in force on one day is a data error, not the caller's: refuse rather than guess.
        raise ValueError(f"overlapping publicity rules for {severity} on {decided}")
    rule = matching[0]
    try:
        repair_from = decided if rule.min_display_months is None else (
            period_end(decided, rule.min_display_months) + dt.timedelta(days=1)
        )
        display_until = period_end(decided, rule.max_display_months)
    except (ValueError, OverflowError):
        raise InvalidInput(
            _("A decision dated %(date)s has periods ending after the last date the calendar holds.")
            % {"date": decided.isoformat()},
            field="decided", code="credit.date_out_of_range",
        ) from None
    return PublicityPeriods(
        severity=severity, decided=decided, repair_from=repair_from, display_until=display_until, source=rule.source,
    )


def _deadline_rule(day: dt.date, rules: tuple[RepairDeadlineRule, ...]) -> RepairDeadlineRule:
    for rule in rules:
        if _in_force(rule.effective_from, rule.effective_until, day):
            return rule
    raise InvalidInput(
        _("No repair deadline rule is in force on %(date)s.") % {"date": day.isoformat()},
        field="received", code="credit.no_rule_in_force",
    )


def repair_decision_due(
    *, received: dt.date, rules: tuple[RepairDeadlineRule, ...] = REPAIR_DEADLINE_RULES,
) -> dt.date:
    """Last day for the deciding department to decide an application it accepted on ``received``."""
    return add_workdays(received, _deadline_rule(received, rules).decision_workdays)


def repair_result_due(
    *, received: dt.date, rules: tuple[RepairDeadlineRule, ...] = REPAIR_DEADLINE_RULES,
) -> dt.date:
    """Last day for the applicant to have a reasoned result, counted from the public window's receipt."""
    return add_workdays(received, _deadline_rule(received, rules).result_workdays)
