"""The national occupational-injury pilot (新就业形态人员职业伤害保障试点) as dated data: which provinces are in it
from which day, which industries it covers, and which ShareCity categories belong to those industries. A change
in policy is a new row with a later ``effective_from``, never an edit of an old one.

Sources (each row names its own):
- 人社部发〔2021〕110号《关于开展新就业形态就业人员职业伤害保障试点工作的通知》二(三): the pilot starts with
  the 出行、外卖、即时配送和同城货运 industries. The first seven provinces (北京、上海、江苏、广东、海南、重庆、四川)
  and the start on 2022-07-01 are as reported by 中新网 on 2025-07-22 ("职业伤害保障试点于2022年7月1日在北京、
  上海、江苏、广东、海南、重庆、四川7个省份启动"); the notice's own list of provinces was not read.
- 人社部发〔2025〕24号《人力资源社会保障部等九部门关于扩大新就业形态人员职业伤害保障试点的通知》一「分步扩大试点
  范围」: from 2025-07-01 the 外卖 and 即时配送 industries are merged into a new 即时配送 industry, and
  天津、河北、辽宁、浙江、安徽、福建、山东、湖北、广西、宁夏 join; in 2026 the pilot is to reach every province (no
  day is given, so no row is written for it: a province joins here only on a dated notice).
- 天津: 津人社局发〔2025〕4号, the city's implementing notice, from 2025-07-01.

The per-order contribution (按单缴费) is NOT here: its amounts were not found in any public source we could read
(see ``models.ContributionRate``: rates are loaded, dated and sourced, from the local notice).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

NOTICE_2021 = "人社部发〔2021〕110号"
NOTICE_2025 = "人社部发〔2025〕24号"
TIANJIN_NOTICE = "津人社局发〔2025〕4号"

TRAVEL = "travel"  # 出行
TAKEAWAY = "takeaway"  # 外卖 (merged into instant delivery from 2025-07-01)
INSTANT_DELIVERY = "instant_delivery"  # 即时配送
FREIGHT = "same_city_freight"  # 同城货运

INDUSTRY_LABELS = {
    TRAVEL: _("Travel (ride-hailing)"),
    TAKEAWAY: _("Food delivery"),
    INSTANT_DELIVERY: _("Instant delivery"),
    FREIGHT: _("Same-city freight"),
}
INDUSTRIES = tuple(INDUSTRY_LABELS)


@dataclass(frozen=True)
class PilotProvince:
    province_code: str  # the first two digits of the administrative division code
    name: str
    effective_from: dt.date
    source: str


@dataclass(frozen=True)
class PilotIndustries:
    effective_from: dt.date
    industries: tuple[str, ...]
    source: str


_FIRST = dt.date(2022, 7, 1)
_FIRST_SOURCE = f"{NOTICE_2021} (试点省份与起始日据中新网2025-07-22报道)"
_EXPANSION = dt.date(2025, 7, 1)
_EXPANSION_SOURCE = f"{NOTICE_2025} 一"

PROVINCES: tuple[PilotProvince, ...] = (
    *(PilotProvince(code, name, _FIRST, _FIRST_SOURCE) for code, name in (
        ("11", "北京"), ("31", "上海"), ("32", "江苏"), ("44", "广东"), ("46", "海南"), ("50", "重庆"),
        ("51", "四川"))),
    PilotProvince("12", "天津", _EXPANSION, f"{_EXPANSION_SOURCE}; {TIANJIN_NOTICE}"),
    *(PilotProvince(code, name, _EXPANSION, _EXPANSION_SOURCE) for code, name in (
        ("13", "河北"), ("21", "辽宁"), ("33", "浙江"), ("34", "安徽"), ("35", "福建"), ("37", "山东"),
        ("42", "湖北"), ("45", "广西"), ("64", "宁夏"))),
)

INDUSTRY_VERSIONS: tuple[PilotIndustries, ...] = (
    PilotIndustries(_FIRST, (TRAVEL, TAKEAWAY, INSTANT_DELIVERY, FREIGHT), f"{NOTICE_2021} 二(三)"),
    PilotIndustries(_EXPANSION, (TRAVEL, INSTANT_DELIVERY, FREIGHT), _EXPANSION_SOURCE),
)

# ShareCity category (catalog leaf code) -> the pilot's industry. Only work done by a natural person on the
# platform's orders belongs here: the ride-hailing driver drives the ride (出行). Meal delivery (餐食外送) is not
# mapped: its provider in ShareCity is the food business, and the rider who carries the meal is not a party to
# the order; ShareCity has no same-city freight category.
CATEGORY_INDUSTRY: dict[str, str] = {
    "ride_hailing_trip": TRAVEL,
}


def province_of(code: str) -> str:
    return (code or "")[:2]


def province_in_pilot(province_code: str, on: dt.date) -> PilotProvince | None:
    for row in PROVINCES:
        if row.province_code == province_code and row.effective_from <= on:
            return row
    return None


def industries_on(on: dt.date) -> PilotIndustries | None:
    found = None
    for version in INDUSTRY_VERSIONS:
        if version.effective_from <= on:
            found = version
    return found


@dataclass(frozen=True)
class Scope:
    """Why an order is or is not within the pilot on a day."""

    covered: bool
    industry: str
    province: PilotProvince | None
    reason: str
    source: str


def scope_of(*, category_code: str, district: str, on: dt.date) -> Scope:
    industry = CATEGORY_INDUSTRY.get(category_code, "")
    if not industry:
        return Scope(False, "", None, "sector_not_covered", "")
    version = industries_on(on)
    if version is None or industry not in version.industries:
        return Scope(False, industry, None, "sector_not_covered", version.source if version else "")
    province = province_in_pilot(province_of(district), on)
    if province is None:
        return Scope(False, industry, None, "region_not_in_pilot", _EXPANSION_SOURCE)
    return Scope(True, industry, province, "covered", f"{version.source}; {province.source}")
