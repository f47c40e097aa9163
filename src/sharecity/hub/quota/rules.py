"""Quota allocation rules for platforms that use public space (bikes first): plain data in, plain data out.

No ORM here (DESIGN.md: optimisation code is plain Python over plain data). The hub's services, the
``sharecity quota allocate`` command and the tests all call these two functions; the parameters they
take are data (``parameters.py``, each version with its ``effective_from`` and source).

Two rule families:

``rank_shares`` — Xiamen 2019 (厦门市城市管理行政执法局《2019年度互联网租赁自行车投放份额考核实施方案》,
as published with the results, 福建日报/海峡网 "上半年厦门共享单车考核出炉", 2019):
  1. the reserve for new entrants (新入驻企业专享份额) is taken off the total first;
  2. the rest is divided by shares that follow the evaluation rank of the firms already operating
     (第一名 50%、第二名 30%、……);
  3. a firm below the pass mark gets nothing, and its rank is not given to anyone: the shares of ranks no
     passing firm fills are WITHHELD (not redistributed). This is what Xiamen did in 2019: only two firms
     passed, so only the 50% and 30% shares (120,000 of 150,000) were issued, and the year's actual total
     was 130,000 of the 160,000 planned;
  4. new entrants share the reserve equally; the reserve is theirs whatever their score (in 2019 青桔
     scored 34 of 56 on the new entrants' scale and received the whole 10,000); with no new entrant the
     reserve is withheld;
  5. each firm's allocation is split between zones by a ratio (岛内:岛外 = 3:1 in 2019).
  Firms with equal scores share the shares of the ranks they occupy equally (the text is silent; this
  treats equals equally).

``penalty_ladder`` — Tianjin 2019 (天津市交通运输委员会等4部门《天津市互联网租赁自行车服务质量考核办法(试行)》,
in force from August 2019, as described by 天津市道路运输管理局 in the press release of 2019-08-06/07):
  quarterly score out of 100; below 60 is a failure and cuts the next period's quota by 20%; two
  failures in a row cut it by a further 30%; three or more in a row suspend the firm (停业整顿, quota 0);
  the quota freed goes, within an unchanged city total, to firms whose score is at least a threshold
  ("按一定比例分配给考核分数大于等于…的企业"; the threshold's figure is cut off in every copy we could read,
  so it is a parameter). "一定比例" is not defined by the text: we distribute pro rata to the recipients'
  current quota by default (keeps their relative size), or pro rata to their score (``by="score"``). The
  further 30% is taken from the quota the firm holds after the first cut (Q → 0.8·Q → 0.56·Q). If no firm
  reaches the threshold, the freed quota is withheld: the city total never grows.

All rounding is to whole vehicles by the largest-remainder method (Hamilton), ties broken by the order the
parties are given in, so every split adds up exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from sharecity.kernel.errors import InvalidInput

UNALLOCATED = "unallocated"
MAX_VEHICLES = 10_000_000  # far above any city's fleet (Xiamen 2019: 160,000)
MAX_PARTIES = 1000
MAX_ZONES = 50
MAX_SCORE = Fraction(100)


def _rule(message: str, *, field: str, rule: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message} (rule: {rule})", field=field, code=f"quota.{rule}")


def largest_remainder(total: int, weights: Sequence[tuple[str, Fraction]]) -> dict[str, int]:
    """Split ``total`` whole units by ``weights`` (non-negative, not all zero); the parts add up to ``total``.

    Each part is the floor of its exact quota; the units left go one each to the largest remainders,
    earlier parties first on equal remainders."""
    weight_sum = sum((w for _k, w in weights), Fraction(0))
    if total == 0 or weight_sum == 0:
        return {key: 0 for key, _w in weights}
    exact = [(key, Fraction(total) * w / weight_sum) for key, w in weights]
    parts = {key: math.floor(value) for key, value in exact}
    left = total - sum(parts.values())
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i][1] - parts[exact[i][0]]), i))
    for index in order[:left]:
        parts[exact[index][0]] += 1
    return parts


@dataclass(frozen=True)
class Zone:
    name: str
    weight: Fraction


@dataclass(frozen=True)
class Score:
    platform: str
    score: Fraction
    new_entrant: bool = False


@dataclass(frozen=True)
class Allocation:
    """platform -> zone -> vehicles; ``totals`` per platform; ``unallocated`` what the rule withheld."""

    method: str
    by_zone: dict[str, dict[str, int]]
    totals: dict[str, int]
    unallocated: int
    notes: dict[str, str] = field(default_factory=dict)  # platform -> why it got what it got

    def as_dict(self) -> dict:
        return {
            "method": self.method,
            "allocations": {platform: {**zones, "total": self.totals[platform]}
                            for platform, zones in self.by_zone.items()},
            "allocated": sum(self.totals.values()),
            UNALLOCATED: self.unallocated,
            "notes": self.notes,
        }


def _check_total(value: int, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_VEHICLES:
        raise _rule(f"a whole number of vehicles from 0 to {MAX_VEHICLES}", field=field, rule="vehicles")
    return value


def _check_zones(zones: Sequence[Zone]) -> None:
    if not zones or len(zones) > MAX_ZONES:
        raise _rule(f"name 1 to {MAX_ZONES} zones", field="zones", rule="zones")
    names = [zone.name for zone in zones]
    if len(set(names)) != len(names):
        raise _rule("a zone is named twice", field="zones", rule="zones")
    if any(zone.weight < 0 for zone in zones) or sum(zone.weight for zone in zones) <= 0:
        raise _rule("ratios are non-negative and not all zero", field="zones", rule="zones")


def _check_parties(names: Iterable[str], *, field: str) -> None:
    seen: set[str] = set()
    count = 0
    for name in names:
        count += 1
        if name in seen:
            raise _rule(f"platform {name!r} appears twice", field=field, rule="duplicate_platform")
        seen.add(name)
    if count > MAX_PARTIES:
        raise _rule(f"at most {MAX_PARTIES} platforms", field=field, rule="too_many")


def _check_score(value: Fraction, *, field: str) -> None:
    if not 0 <= value <= MAX_SCORE:
        raise _rule("a score from 0 to 100", field=field, rule="score")


def _split_zones(totals: dict[str, int], zones: Sequence[Zone]) -> dict[str, dict[str, int]]:
    weights = [(zone.name, zone.weight) for zone in zones]
    return {platform: largest_remainder(total, weights) for platform, total in totals.items()}


def rank_shares(*, total: int, reserve_new: int, shares: Sequence[Fraction], pass_mark: Fraction,
                zones: Sequence[Zone], scores: Sequence[Score]) -> Allocation:
    """Xiamen 2019: reserve for new entrants, then shares by evaluation rank, pass mark, zone ratio."""
    _check_total(total, field="total")
    _check_total(reserve_new, field="reserve_new")
    if reserve_new > total:
        raise _rule("the reserve for new entrants cannot exceed the total", field="reserve_new", rule="reserve")
    if not shares or len(shares) > MAX_PARTIES or any(share < 0 for share in shares):
        raise _rule("give one non-negative share per rank", field="shares", rule="shares")
    if sum(shares) > 1:
        raise _rule("the shares add up to more than 1", field="shares", rule="shares")
    _check_score(pass_mark, field="pass_mark")
    _check_zones(zones)
    _check_parties((entry.platform for entry in scores), field="scores")
    for entry in scores:
        _check_score(entry.score, field=f"scores.{entry.platform}.score")

    rest = total - reserve_new
    notes: dict[str, str] = {}
    weights: list[tuple[str, Fraction]] = []
    newcomers = [entry.platform for entry in scores if entry.new_entrant]
    incumbents = [entry for entry in scores if not entry.new_entrant]
    passing = sorted((entry for entry in incumbents if entry.score >= pass_mark), key=lambda e: -e.score)
    for entry in incumbents:
        if entry.score < pass_mark:
            notes[entry.platform] = "below_pass_mark"
    # Equal scores share the ranks they occupy equally.
    rank = 0
    index = 0
    while index < len(passing):
        group = [entry for entry in passing[index:] if entry.score == passing[index].score]
        occupied = shares[rank:rank + len(group)]
        share = sum(occupied, Fraction(0)) / len(group)
        for entry in group:
            weights.append((entry.platform, Fraction(rest) * share))
            notes[entry.platform] = f"rank {rank + 1}" if len(group) == 1 else f"ranks {rank + 1}-{rank + len(group)}"
            if share == 0:
                notes[entry.platform] = "beyond_ranked_shares"
        rank += len(group)
        index += len(group)
    for platform in newcomers:
        weights.append((platform, Fraction(reserve_new, len(newcomers))))
        notes[platform] = "new_entrant_reserve"
    issued_exact = sum((w for _k, w in weights), Fraction(0))
    withheld_exact = Fraction(total) - issued_exact
    parts = largest_remainder(total, [*weights, (UNALLOCATED, withheld_exact)])
    withheld = parts.pop(UNALLOCATED)
    for entry in incumbents:
        parts.setdefault(entry.platform, 0)
    order = [entry.platform for entry in scores]
    totals = {platform: parts[platform] for platform in order}
    return Allocation(method="rank-shares", by_zone=_split_zones(totals, zones), totals=totals,
                      unallocated=withheld, notes={p: notes[p] for p in order if p in notes})


@dataclass(frozen=True)
class Standing:
    """A platform's current quota, this quarter's score and how many quarters in a row it failed before."""

    platform: str
    quota: int
    score: Fraction
    prior_failures: int = 0


@dataclass(frozen=True)
class Ladder:
    fail_below: Fraction  # a score below this fails (Tianjin: 60)
    cuts: tuple[Fraction, ...]  # cut of the current quota at the 1st, 2nd, ... failure in a row (0.2, 0.3)
    suspend_at: int  # failures in a row that suspend (3)
    reward_at: Fraction  # a score at least this receives freed quota
    by: str = "quota"  # freed quota pro rata to the recipients' "quota" or "score"


def failures_in_a_row(*, score: Fraction, prior_failures: int, fail_below: Fraction) -> int:
    return prior_failures + 1 if score < fail_below else 0


def penalty_ladder(*, ladder: Ladder, zones: Sequence[Zone], standings: Sequence[Standing]) -> Allocation:
    """Tianjin 2019: cut failing firms' next quota by the ladder, give the freed quota to firms at or above
    the reward threshold, within the same city total."""
    _check_zones(zones)
    _check_parties((entry.platform for entry in standings), field="scores")
    _check_score(ladder.fail_below, field="fail_below")
    _check_score(ladder.reward_at, field="reward_at")
    if ladder.reward_at < ladder.fail_below:
        raise _rule("a failing firm cannot receive freed quota: reward_at is below fail_below", field="reward_at",
                    rule="reward_at")
    if ladder.by not in ("quota", "score"):
        raise _rule("pro rata to 'quota' or 'score'", field="by", rule="by")
    if ladder.suspend_at < 1 or any(not 0 <= cut <= 1 for cut in ladder.cuts):
        raise _rule("cuts lie between 0 and 1 and suspension needs at least one failure", field="cuts",
                    rule="ladder")
    for entry in standings:
        _check_total(entry.quota, field=f"scores.{entry.platform}.quota")
        _check_score(entry.score, field=f"scores.{entry.platform}.score")
        if isinstance(entry.prior_failures, bool) or not 0 <= entry.prior_failures <= 1000:
            raise _rule("a whole number from 0", field=f"scores.{entry.platform}.prior_failures",
                        rule="prior_failures")
    city_total = sum(entry.quota for entry in standings)
    _check_total(city_total, field="quota")

    kept: dict[str, int] = {}
    notes: dict[str, str] = {}
    freed = 0
    for entry in standings:
        streak = failures_in_a_row(score=entry.score, prior_failures=entry.prior_failures,
                                   fail_below=ladder.fail_below)
        if streak == 0:
            kept[entry.platform] = entry.quota
            continue
        if streak >= ladder.suspend_at:
            cut = entry.quota
            notes[entry.platform] = f"suspended after {streak} failures in a row"
        else:
            fraction = ladder.cuts[min(streak, len(ladder.cuts)) - 1]
            # Round the cut down (in the firm's favour): a part vehicle is not taken away.
            cut = math.floor(entry.quota * fraction)
            percent = fraction.numerator * 100 // fraction.denominator
            notes[entry.platform] = f"failure {streak} in a row: cut {percent}%"
        kept[entry.platform] = entry.quota - cut
        freed += cut
    recipients = [entry for entry in standings if entry.score >= ladder.reward_at]
    weights = [(entry.platform, Fraction(entry.quota) if ladder.by == "quota" else entry.score)
               for entry in recipients]
    withheld = freed
    if freed and weights and sum(w for _k, w in weights) > 0:
        extra = largest_remainder(freed, weights)
        for platform, vehicles in extra.items():
            kept[platform] += vehicles
            if vehicles:
                notes[platform] = f"receives {vehicles} freed"
        withheld = 0
    totals = {entry.platform: kept[entry.platform] for entry in standings}
    assert sum(totals.values()) + withheld == city_total
    return Allocation(method="penalty-ladder", by_zone=_split_zones(totals, zones), totals=totals,
                      unallocated=withheld, notes=notes)
