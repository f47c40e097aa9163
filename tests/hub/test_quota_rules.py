"""The quota rules reproduce the published Xiamen and Tianjin 2019 behaviour (plain Python, no database)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from sharecity.hub.quota.parameters import penalty_ladder_at, rank_shares_at
from sharecity.hub.quota.rules import (
    Ladder,
    Score,
    Standing,
    Zone,
    largest_remainder,
    penalty_ladder,
    rank_shares,
)
from sharecity.kernel.errors import InvalidInput

F = Fraction


def xiamen_2019(scores):
    rule = rank_shares_at(city_code="350200", day=dt.date(2019, 6, 1))
    return rank_shares(total=rule.total, reserve_new=rule.reserve_new, shares=rule.shares, pass_mark=rule.pass_mark,
                       zones=rule.zones, scores=scores)


def test_xiamen_2019_published_allocation():
    """Xiamen 2019, as published with the results: 160,000 planned, 10,000 reserved for new entrants,
    150,000 by rank. Only 摩拜 (77.2) and 哈啰 (73.9) of the firms already operating passed; ofo and 赳赳
    got nothing and left. 摩拜 75,000 (岛内 56,250, 岛外 18,750), 哈啰 45,000 (33,750 / 11,250), the new
    entrant 青桔 (34 of 56 on the new entrants' scale) 10,000 (7,500 / 2,500); the actual total 130,000.

    The failing firms' scores were not published: any score below the pass mark reproduces the result."""
    result = xiamen_2019([Score("mobike", F("77.2")), Score("hellobike", F("73.9")),
                          Score("ofo", F(50)), Score("jiujiu", F(40)),
                          Score("qingju", F(34), new_entrant=True)])
    assert result.by_zone["mobike"] == {"island": 56_250, "off-island": 18_750}
    assert result.by_zone["hellobike"] == {"island": 33_750, "off-island": 11_250}
    assert result.by_zone["qingju"] == {"island": 7_500, "off-island": 2_500}
    assert result.totals == {"mobike": 75_000, "hellobike": 45_000, "ofo": 0, "jiujiu": 0, "qingju": 10_000}
    assert sum(result.totals.values()) == 130_000
    # The third rank's 20% (30,000) is withheld, not given to anyone.
    assert result.unallocated == 30_000
    assert result.notes["ofo"] == "below_pass_mark"


def test_three_passing_firms_take_all_ranked_shares_and_totals_are_exact():
    result = rank_shares(total=1001, reserve_new=0, shares=[F(1, 2), F(3, 10), F(1, 5)], pass_mark=F(60),
                         zones=[Zone("a", F(1)), Zone("b", F(1)), Zone("c", F(1))],
                         scores=[Score("x", F(90)), Score("y", F(80)), Score("z", F(70))])
    assert result.totals == {"x": 501, "y": 300, "z": 200}  # 500.5, 300.3, 200.2: the largest remainder wins
    assert result.unallocated == 0
    for platform, zones in result.by_zone.items():
        assert sum(zones.values()) == result.totals[platform]
    assert result.by_zone["x"] == {"a": 167, "b": 167, "c": 167}


def test_equal_scores_share_their_ranks_equally():
    result = rank_shares(total=100, reserve_new=0, shares=[F(1, 2), F(3, 10), F(1, 5)], pass_mark=F(60),
                         zones=[Zone("all", F(1))], scores=[Score("x", F(80)), Score("y", F(80)), Score("z", F(70))])
    assert result.totals == {"x": 40, "y": 40, "z": 20}


def test_no_new_entrant_leaves_the_reserve_withheld():
    result = rank_shares(total=100, reserve_new=10, shares=[F(1)], pass_mark=F(60), zones=[Zone("all", F(1))],
                         scores=[Score("x", F(80))])
    assert result.totals == {"x": 90}
    assert result.unallocated == 10


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"reserve_new": 200}, "reserve_new"),
    ({"total": -1}, "total"),
    ({"shares": [F(1, 2), F(3, 5)]}, "shares"),
    ({"zones": []}, "zones"),
    ({"zones": [Zone("a", F(1)), Zone("a", F(2))]}, "zones"),
    ({"scores": [Score("x", F(101))]}, "scores.x.score"),
    ({"scores": [Score("x", F(1)), Score("x", F(2))]}, "scores"),
])
def test_rank_shares_refuses_bad_input_naming_field(kwargs, field):
    args = {"total": 100, "reserve_new": 0, "shares": [F(1)], "pass_mark": F(60), "zones": [Zone("a", F(1))],
            "scores": [Score("x", F(80))], **kwargs}
    with pytest.raises(InvalidInput) as error:
        rank_shares(**args)
    assert error.value.field == field


def tianjin_2019():
    return penalty_ladder_at(city_code="120100", day=dt.date(2019, 10, 1)).ladder


def test_tianjin_2019_ladder_first_second_third_failure():
    """Tianjin 2019 (《天津市互联网租赁自行车服务质量考核办法(试行)》, as the 道路运输管理局 described it on
    2019-08-06): below 60 is a failure and cuts the next quota by 20%; a second failure in a row cuts a
    further 30%; a third in a row suspends. No per-firm figures were published (none found), so this tests
    the text's behaviour on a city of 100,000 bikes: each cut is of the quota the firm holds."""
    ladder = tianjin_2019()
    zones = [Zone("all", F(1))]
    standings = [Standing("good", 40_000, F(92)), Standing("once", 30_000, F(59)),
                 Standing("twice", 20_000, F(55), prior_failures=1),
                 Standing("thrice", 10_000, F("59.9"), prior_failures=2)]
    result = penalty_ladder(ladder=ladder, zones=zones, standings=standings)
    assert result.totals["once"] == 24_000  # -20%
    assert result.totals["twice"] == 14_000  # -30% of the 20,000 it holds after its first cut
    assert result.totals["thrice"] == 0  # 停业整顿
    # Freed 6,000 + 6,000 + 10,000 go to the one firm at or above the threshold; the city total is unchanged.
    assert result.totals["good"] == 62_000
    assert sum(result.totals.values()) == 100_000
    assert result.unallocated == 0


def test_tianjin_score_of_exactly_60_passes_and_a_pass_breaks_the_streak():
    ladder = tianjin_2019()
    result = penalty_ladder(ladder=ladder, zones=[Zone("all", F(1))],
                            standings=[Standing("a", 1000, F(60), prior_failures=2), Standing("b", 1000, F(75))])
    assert result.totals == {"a": 1000, "b": 1000}


def test_freed_quota_pro_rata_to_quota_or_score_and_withheld_when_nobody_qualifies():
    base = {"fail_below": F(60), "cuts": (F(1, 5), F(3, 10)), "suspend_at": 3, "reward_at": F(90)}
    standings = [Standing("a", 300, F(95)), Standing("b", 100, F(90)), Standing("c", 1000, F(10))]
    by_quota = penalty_ladder(ladder=Ladder(**base, by="quota"), zones=[Zone("z", F(1))], standings=standings)
    assert by_quota.totals == {"a": 450, "b": 150, "c": 800}
    by_score = penalty_ladder(ladder=Ladder(**base, by="score"), zones=[Zone("z", F(1))], standings=standings)
    assert by_score.totals == {"a": 403, "b": 197, "c": 800}  # 200 * 95/185 = 102.7, 200 * 90/185 = 97.3
    nobody = penalty_ladder(ladder=Ladder(**base), zones=[Zone("z", F(1))],
                            standings=[Standing("a", 300, F(80)), Standing("c", 1000, F(10))])
    assert nobody.totals == {"a": 300, "c": 800}
    assert nobody.unallocated == 200


def test_penalty_ladder_refuses_negative_quota():
    with pytest.raises(InvalidInput) as error:
        penalty_ladder(ladder=tianjin_2019(), zones=[Zone("z", F(1))], standings=[Standing("a", -5, F(80))])
    assert error.value.field == "scores.a.quota"


def test_parameters_follow_effective_dates():
    with pytest.raises(InvalidInput):
        penalty_ladder_at(city_code="120100", day=dt.date(2019, 7, 31))
    assert penalty_ladder_at(city_code="120100", day=dt.date(2019, 8, 1)).ladder.fail_below == 60


def test_largest_remainder_adds_up():
    parts = largest_remainder(10, [("a", F(1)), ("b", F(1)), ("c", F(1))])
    assert parts == {"a": 4, "b": 3, "c": 3}
