"""How long a provider's real-name verification holds in each vertical before it is checked again.

No national rule found sets a re-verification period for platform providers (searched for drivers and domestic
workers; 《网络预约出租汽车经营服务管理暂行办法》 and the housekeeping rules ask that identity be verified, not how
often). These periods are therefore the platform's settings, kept as data with the day each takes effect, so a
change is a new row rather than an edit: drivers (ride-hailing) and caregivers (housekeeping, elderly care, child
care) are verified again yearly. A vertical with no row keeps the verification without expiry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sharecity.kernel.timeutil import CITY_TZ


@dataclass(frozen=True)
class RecheckRule:
    sector: str
    effective: dt.date          # applies to verifications checked on or after this day (city date)
    valid_for: dt.timedelta
    remind_before: dt.timedelta
    source: str


PLATFORM_SETTING = "平台设置（未找到规定复核周期的国家规定）"
YEAR = dt.timedelta(days=365)
MONTH = dt.timedelta(days=30)

RECHECK_RULES: tuple[RecheckRule, ...] = tuple(
    RecheckRule(sector=sector, effective=dt.date(2026, 1, 1), valid_for=YEAR, remind_before=MONTH,
                source=PLATFORM_SETTING)
    for sector in ("ride_hailing", "housekeeping", "elderly_care", "child_care")
)


def rule_for(*, sector: str, at: dt.datetime, rules: Iterable[RecheckRule] = RECHECK_RULES) -> RecheckRule | None:
    day = at.astimezone(CITY_TZ).date()
    in_force = [rule for rule in rules if rule.sector == sector and rule.effective <= day]
    return max(in_force, key=lambda rule: rule.effective) if in_force else None


def expires_at(*, verified_at: dt.datetime, rule: RecheckRule) -> dt.datetime:
    return verified_at + rule.valid_for


def sectors() -> set[str]:
    return {rule.sector for rule in RECHECK_RULES}
