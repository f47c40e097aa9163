"""Disclosure control for small-area counts: suppression below a threshold and discrete Laplace noise from
OpenDP, each cell measured once (``ReleasedCell``) so later releases never spend the budget again.

Why each part (a person must not be singled out: 厦府办〔2019〕13号 四(四)6, 打击泄露、滥用用户个人信息):
- reading a small cell: a cell with fewer than ``threshold`` distinct providers or customers is suppressed
  whole (every figure empty, ``suppressed`` true); the threshold is data (``DisclosureRule``, effective date);
- differencing within a release: the dataset publishes no margins (no district, sector or city totals), and
  every released count carries noise, so totals published elsewhere cannot pin a suppressed cell exactly;
- differencing two releases: a month is released only once it has closed, and its cells are frozen at their
  first release; a later refresh reuses them (late facts about a released month are not re-released).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import opendp.prelude as dp

from sharecity.hub.opendata.models import DisclosureRule, ReleasedCell

dp.enable_features("contrib")


def rule_in_force(day: dt.date) -> DisclosureRule:
    rule = DisclosureRule.objects.filter(effective_from__lte=day).order_by("-effective_from", "-id").first()
    if rule is None:
        raise LookupError(f"no disclosure rule in force on {day}: load hub_opendata's migration 0002")
    return rule


@lru_cache(maxsize=16)
def _mechanism(scale: float):
    # The discrete Laplace (geometric) mechanism over integers; a count whose value one person changes by
    # at most 1 is ε-differentially private with scale 1/ε.
    return dp.m.make_laplace(dp.atom_domain(T=int), dp.absolute_distance(T=int), scale=scale)


def noisy_count(value: int, *, epsilon: float) -> int:
    """``value`` plus discrete Laplace noise of scale 1/ε, never below 0 (post-processing keeps the guarantee)."""
    return max(0, int(_mechanism(1.0 / epsilon)(int(value))))


def release_cells(
    *,
    dataset: str,
    cells: list[tuple[dt.date, str, dict, dict]],
    noised: tuple[str, ...],
    rule: DisclosureRule,
    rounded: dict[str, int] | None = None,
) -> dict[tuple[dt.date, str], ReleasedCell]:
    """The released state of each cell ``(period, key, figures, people)``: the one kept from an earlier
    release, else measured now (suppressed when any ``people`` count is below the threshold; else ``noised``
    figures with noise, ``rounded`` figures to the nearest multiple, the rest as they are) and kept."""
    kept = {
        (c.period, c.key): c
        for c in ReleasedCell.objects.filter(dataset=dataset, period__in=sorted({period for period, *_rest in cells}))
    }
    epsilon = float(rule.epsilon)
    for period, key, figures, people in cells:
        if (period, key) in kept:
            continue
        if any(count < rule.threshold for count in people.values()):
            values = {name: None for name in figures}
            suppressed = True
        else:
            values = {}
            for name, value in figures.items():
                if name in noised and value is not None:
                    values[name] = noisy_count(int(value), epsilon=epsilon)
                elif rounded and name in rounded and value is not None:
                    step = rounded[name]
                    values[name] = round(value / step) * step
                else:
                    values[name] = value
            suppressed = False
        kept[(period, key)] = ReleasedCell.objects.create(
            dataset=dataset, period=period, key=key, values=values, suppressed=suppressed, rule=rule
        )
    return kept


def method(rule: DisclosureRule, *, noised: tuple[str, ...], rounded: dict[str, int] | None = None) -> dict:
    """What a dataset's metadata and page say about its protection."""
    import importlib.metadata

    return {
        "method": "suppression below threshold + discrete Laplace noise (OpenDP make_laplace), released once",
        "threshold": rule.threshold,
        "epsilon_per_count": float(rule.epsilon),
        "noise_scale": round(1 / float(rule.epsilon), 4),
        "noised_fields": list(noised),
        "rounded_fields": dict(rounded or {}),
        "library": f"opendp {importlib.metadata.version('opendp')}",
        "rule_effective_from": rule.effective_from.isoformat(),
        "rule_source": rule.source,
        "note_en": (
            "A cell with fewer than the threshold of distinct providers or customers is suppressed whole. "
            "Each released count carries discrete Laplace noise of scale 1/ε; a person counts at most once "
            "in a people count, so those counts are ε-differentially private per cell; orders are noised "
            "with the same scale (a person's orders are not bounded, so for them the threshold is the "
            "protection). A month is released once, after it closes; later versions reuse it. No totals "
            "are published."
        ),
        "note_zh": (
            "某单元内不同服务提供者或消费者少于阈值时整格隐藏;发布的每个计数加入尺度为 1/ε 的离散拉普拉斯噪声"
            "(人数计数中每人至多计一次,故每格满足 ε-差分隐私;订单数加同尺度噪声,但单人订单数无上限,主要靠阈值保护)。"
            "每个月份在结束后只发布一次,以后的版本沿用;不发布合计。"
        ),
    }
