"""The monitoring's yardsticks, as data with their sources and effective dates, and the hub's own labels
of the sectors (the hub does not know a platform's catalog).

**Resolved in time.** A complaint counts as resolved in time when the platform reports it resolved on or
before the last day of the limit in force on the day it was filed, counted in working days on the official
holiday calendar from the day after filing (city time). No rule binds a platform's own complaint handling
to a number of days, so the city measures platforms by the limit the market regulators hold themselves
to for a complaint they mediate: 《市场监督管理投诉举报处理暂行办法》 (国家市场监督管理总局令第20号,
2019-11-30, in force 2020-01-01; amended by 令第55号 and 令第61号 of 2022) 第二十一条: mediation ends
when the parties have not agreed 自投诉受理之日起四十五个工作日内. A complaint a platform has not settled
in 45 working days is one the consumer could already have taken through the regulator's whole procedure.
A change is a new row with the old one's ``effective_until`` set, never an edit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from sharecity.kernel.workdays import add_workdays

SAMR_ORDER_20 = "《市场监督管理投诉举报处理暂行办法》（国家市场监督管理总局令第20号） 第二十一条"


@dataclass(frozen=True)
class ResolutionRule:
    workdays: int
    source: str
    effective_from: dt.date
    effective_until: dt.date | None


RESOLUTION_RULES: tuple[ResolutionRule, ...] = (
    ResolutionRule(45, SAMR_ORDER_20, dt.date(2020, 1, 1), None),
)


def resolution_rule(filed_on: dt.date) -> ResolutionRule | None:
    """The limit in force on the day a complaint was filed (None before any rule applied)."""
    for rule in RESOLUTION_RULES:
        if rule.effective_from <= filed_on and (rule.effective_until is None or filed_on <= rule.effective_until):
            return rule
    return None


@lru_cache(maxsize=8192)
def resolution_deadline(filed_on: dt.date) -> dt.date | None:
    """The last day on which a complaint filed on ``filed_on`` is resolved in time."""
    rule = resolution_rule(filed_on)
    return None if rule is None else add_workdays(filed_on, rule.workdays)


def resolved_in_time(filed_on: dt.date | None, resolved_on: dt.date) -> bool:
    if filed_on is None:
        return False
    deadline = resolution_deadline(filed_on)
    return deadline is not None and resolved_on <= deadline


# The roots of the seed catalog (market/catalog/seed.py), as the hub labels them: code -> (zh, en).
# A platform's own root codes are shown as they are.
SECTOR_LABELS: dict[str, tuple[str, str]] = {
    "production": ("生产能力", "Production capacity"),
    "research": ("科研仪器与检验检测", "Lab instruments and testing"),
    "skills": ("知识技能众包", "Skills and crowdsourced tasks"),
    "talent": ("人才共享", "Talent sharing"),
    "education": ("教育", "Education"),
    "medical": ("医疗咨询", "Medical consultation"),
    "parking": ("停车", "Parking"),
    "lodging": ("民宿/短租", "Homestays and short rentals"),
    "housekeeping": ("家政", "Housekeeping"),
    "elderly_care": ("养老", "Elderly care"),
    "child_care": ("育幼", "Child care"),
    "catering": ("餐饮", "Catering and delivery"),
    "idle_goods": ("闲置交易", "Second-hand goods"),
    "culture_sports": ("文旅体育", "Culture, tourism and sports venues"),
    # The life-service verticals: each root's code is also its sector code.
    "ride_hailing": ("网约车", "Ride-hailing"),
    "bike_sharing": ("共享单车", "Shared bikes"),
    "beauty": ("美容美发", "Beauty and hairdressing"),
    "laundry": ("洗染", "Laundry and dry cleaning"),
    "repair": ("维修", "Repairs"),
    "community_retail": ("社区零售", "Community retail"),
    "long_term_rental": ("长租房", "Long-term rental homes"),
}
UNKNOWN_SECTOR = ("未知行业", "Unknown sector")


def sector_label(code: str, *, language: str = "zh-hans") -> str:
    """The sector's label in ``language`` (zh first), the code itself when the hub has no label."""
    if not code:
        labels = UNKNOWN_SECTOR
    elif code in SECTOR_LABELS:
        labels = SECTOR_LABELS[code]
    else:
        return code
    return labels[0] if language.lower().startswith("zh") else labels[1]


def sector_of(category: str | None) -> str:
    """The sector of a market category code: its root (``housekeeping`` of ``housekeeping.cleaning``)."""
    return (category or "").split(".", 1)[0]
