"""When a platform's quarterly tax-information report is due, as data with its source (the hub's own copy of the
rule: hub and market share no code).

《互联网平台企业涉税信息报送规定》(国务院令第810号, 2025-06-20起施行) 第四条第一款: a platform reports the identity
and last quarter's income information of its operators and workers "于季度终了的次月内" — by the last day of the
month after the quarter ends. The first report was the third quarter of 2025, due in October 2025 (国家税务总局, as
reported by 新华社 on 2025-07-20).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sharecity.kernel.timeutil import month_end

SOURCE = "国务院令第810号《互联网平台企业涉税信息报送规定》第四条第一款"


@dataclass(frozen=True)
class QuarterlyRule:
    effective_from: dt.date
    first_quarter: tuple[int, int]
    months_after_quarter: int  # the report is due by the end of this many months after the quarter's end
    source: str


RULES: tuple[QuarterlyRule, ...] = (
    QuarterlyRule(effective_from=dt.date(2025, 6, 20), first_quarter=(2025, 3), months_after_quarter=1,
                  source=SOURCE),
)


def rule_at(on: dt.date) -> QuarterlyRule | None:
    found = [r for r in RULES if r.effective_from <= on]
    return max(found, key=lambda r: r.effective_from) if found else None


def quarter_end(year: int, quarter: int) -> dt.date:
    return month_end(dt.date(year, 3 * quarter, 1))


def due_date(year: int, quarter: int) -> tuple[dt.date, str]:
    """The last day a quarter's report is on time, and the rule's source."""
    end = quarter_end(year, quarter)
    rule = rule_at(end) or RULES[0]
    due = end
    for _ in range(rule.months_after_quarter):
        due = month_end(due + dt.timedelta(days=1))
    return due, rule.source


def quarters_owed(*, since: dt.date, today: dt.date) -> list[tuple[int, int]]:
    """Ended quarters from the later of ``since``'s quarter and the first quarter the rule asks for."""
    rule = rule_at(today)
    if rule is None:
        return []
    current = max((since.year, (since.month - 1) // 3 + 1), rule.first_quarter)
    result = []
    while quarter_end(*current) < today:
        result.append(current)
        current = (current[0] + 1, 1) if current[1] == 4 else (current[0], current[1] + 1)
    return result
