"""The published parameters of the quota rules, as data: each version with the day it takes effect and its source.

A change in a city's rule is a new row with a later ``effective_from``, never an edit of the numbers, so an
allocation is always computed with the version in force on its reference day (``parameters_at``). The hub's
allocation runs store the version they used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from sharecity.hub.quota.rules import Ladder, Zone
from sharecity.kernel.errors import InvalidInput

XIAMEN_2019 = ("厦门市城市管理行政执法局《2019年度互联网租赁自行车投放份额考核实施方案》(文号未能核实); "
               "结果公示见 福建日报/海峡网《上半年厦门共享单车考核出炉 老企业仅摩拜、哈啰达标》(2019)")
TIANJIN_2019 = ("天津市交通运输委员会、市城市管理委员会、市公安局、市市场监督管理委员会"
                "《天津市互联网租赁自行车服务质量考核办法(试行)》(2019年8月起施行; 文号、条款号未能核实); "
                "央广网 2019-08-06《天津出台互联网租赁自行车服务质量考核办法》")


@dataclass(frozen=True)
class RankSharesParameters:
    city_code: str
    effective_from: dt.date
    total: int
    reserve_new: int
    shares: tuple[Fraction, ...]
    pass_mark: Fraction
    zones: tuple[Zone, ...]
    source: str
    # What the source states and what it leaves open, so a reader sees which numbers are ours.
    verified: str


@dataclass(frozen=True)
class PenaltyLadderParameters:
    city_code: str
    effective_from: dt.date
    ladder: Ladder
    source: str
    verified: str


RANK_SHARES: tuple[RankSharesParameters, ...] = (
    RankSharesParameters(
        city_code="350200",
        # The 2019 allocation year; the scheme's own date of issue could not be verified.
        effective_from=dt.date(2019, 1, 1),
        total=160_000,  # 新一年度16万辆的投放份额
        reserve_new=10_000,  # 新入驻企业专享的1万辆份额
        # 第一名(50%)、第二名(30%); the third share (20%) is inferred from 50+30 of a whole, not stated.
        shares=(Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)),
        # The pass mark is not in the published text ("符合相关要求"); 60 of 100 is our assumption.
        pass_mark=Fraction(60),
        zones=(Zone("island", Fraction(3)), Zone("off-island", Fraction(1))),  # 岛内56250 : 岛外18750 = 3:1
        source=XIAMEN_2019,
        verified="total, reserve, 50%/30% shares, 3:1 island ratio and the 2019 results; "
                 "not verified: 3rd share 20%, pass mark 60, document number",
    ),
)

PENALTY_LADDER: tuple[PenaltyLadderParameters, ...] = (
    PenaltyLadderParameters(
        city_code="120100",
        effective_from=dt.date(2019, 8, 1),  # 自2019年8月起
        ladder=Ladder(
            fail_below=Fraction(60),  # 考核分数小于60分的企业将被评为不合格
            cuts=(Fraction(1, 5), Fraction(3, 10)),  # 下一考核周期减少其20%投放量; 连续两期…再减少其30%
            suspend_at=3,  # 连续三期及以上评级不合格的企业将被停业整顿
            # "分配给考核分数大于等于…的企业": the figure is cut off in every copy read; 90 is our assumption.
            reward_at=Fraction(90),
            by="quota",
        ),
        source=TIANJIN_2019,
        verified="60-point pass, 20% and further 30% cuts, suspension at three, unchanged total; "
                 "not verified: reward threshold (90 assumed), the ratio of redistribution, document number",
    ),
)


def rank_shares_at(*, city_code: str, day: dt.date) -> RankSharesParameters:
    versions = [p for p in RANK_SHARES if p.city_code == city_code and p.effective_from <= day]
    if not versions:
        raise InvalidInput(f"city {city_code}: no rank-shares rule in force on {day}", field="city_code",
                           code="quota.no_rule")
    return max(versions, key=lambda p: p.effective_from)


def penalty_ladder_at(*, city_code: str, day: dt.date) -> PenaltyLadderParameters:
    versions = [p for p in PENALTY_LADDER if p.city_code == city_code and p.effective_from <= day]
    if not versions:
        raise InvalidInput(f"city {city_code}: no penalty-ladder rule in force on {day}", field="city_code",
                           code="quota.no_rule")
    return max(versions, key=lambda p: p.effective_from)
