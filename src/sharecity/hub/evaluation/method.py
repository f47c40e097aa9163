"""The arithmetic of the quarterly district evaluation, in plain Python over plain data (no ORM).

1. Figures: each indicator reads one figure of a district for the quarter: a figure of
   ``hub.monitoring.selectors.statistics`` (``FIGURES``), or one derived here (``DERIVED``).
2. Normalisation, min-max to 0-100 across the city's districts: for "higher is better"
   ``100 × (x − min) / (max − min)``, for "lower is better" ``100 × (max − x) / (max − min)``. When
   every district has the same value each scores 100 (no district is worse). A district without a value
   (no orders to count complaints per, no previous quarter to grow from) scores 0 on that indicator:
   no evidence, no points.
3. Composite index: ``Σ weight × normalised / Σ weight``, 0-100, rounded half up to 2 decimals; each
   indicator's contribution is its ``weight × normalised / Σ weight``.
4. Ranking by index, highest first; equal indexes share a rank (1, 2, 2, 4).
5. Negative list: a district whose index is below the scheme's threshold gets no share of the fund
   (support-exit rule, ``policy.SUPPORT_EXIT_RULE``).
6. Allocation: the fund (whole fen) shared among the other districts in proportion to their index (in
   hundredths, as shown): each gets ``⌊fund × index / Σ index⌋`` fen, and the fen left over go one each
   to the largest remainders (ties: higher index, then district code), so the shares add up to the
   fund exactly (largest remainder method).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sharecity.hub.monitoring.selectors import FIGURES

HIGHER = "higher"
LOWER = "lower"
DIRECTIONS = (HIGHER, LOWER)
# Figures derived from the statistics of the quarter (and the one before, for growth).
DERIVED = ("turnover_growth", "orders_growth", "complaints_per_1000_orders", "income_per_flexible_worker_fen")
SOURCES = (*FIGURES, *DERIVED)


def derive(current: dict, previous: dict) -> dict:
    """A district's figures for the quarter with the derived ones added (None where undefined)."""
    figures = dict(current)

    def growth(name: str) -> float | None:
        before, now = previous.get(name) or 0, current.get(name) or 0
        return round((now - before) / before, 6) if before else None

    figures["turnover_growth"] = growth("turnover_fen")
    figures["orders_growth"] = growth("orders")
    orders = current.get("orders") or 0
    figures["complaints_per_1000_orders"] = round(1000 * (current.get("complaints") or 0) / orders, 6) if orders \
        else None
    workers = current.get("flexible_workers") or 0
    figures["income_per_flexible_worker_fen"] = (
        round((current.get("flexible_worker_income_fen") or 0) / workers, 2) if workers else None)
    return figures


def _round(value: Fraction | float, places: int) -> float:
    quantum = Decimal(1).scaleb(-places)
    decimal = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(
        str(value))
    return float(decimal.quantize(quantum, rounding=ROUND_HALF_UP))


def normalise(values: dict[str, float | int | None], direction: str) -> dict[str, Fraction]:
    """Min-max to 0-100 (see the module's docstring); districts without a value score 0."""
    present = {key: Fraction(str(value)) for key, value in values.items() if value is not None}
    if not present:
        return {key: Fraction(0) for key in values}
    low, high = min(present.values()), max(present.values())
    result = {}
    for key in values:
        if key not in present:
            result[key] = Fraction(0)
        elif high == low:
            result[key] = Fraction(100)
        elif direction == LOWER:
            result[key] = 100 * (high - present[key]) / (high - low)
        else:
            result[key] = 100 * (present[key] - low) / (high - low)
    return result


@dataclass
class DistrictResult:
    code: str
    figures: dict
    indicators: list[dict] = field(default_factory=list)
    index: float = 0.0
    rank: int = 0
    negative: bool = False
    allocation_fen: int = 0
    allocation: dict = field(default_factory=dict)


def evaluate(*, figures: dict[str, dict], indicators: list[dict], threshold: float,
             fund_fen: int) -> tuple[list[DistrictResult], int]:
    """Districts (code -> figures, derived ones included) evaluated under ``indicators`` (dicts with
    ``code``, ``source``, ``weight``, ``direction``): results ranked, and the fen left unallocated (the
    whole fund when no district may receive a share)."""
    codes = list(figures)
    total_weight = sum(int(indicator["weight"]) for indicator in indicators)
    results = {code: DistrictResult(code=code, figures=figures[code]) for code in codes}
    exact: dict[str, Fraction] = {code: Fraction(0) for code in codes}
    for indicator in indicators:
        raw = {code: figures[code].get(indicator["source"]) for code in codes}
        normalised = normalise(raw, indicator["direction"])
        weight = int(indicator["weight"])
        for code in codes:
            contribution = Fraction(weight) * normalised[code] / total_weight if total_weight else Fraction(0)
            exact[code] += contribution
            results[code].indicators.append({
                "code": indicator["code"], "source": indicator["source"], "direction": indicator["direction"],
                "weight": weight, "raw": raw[code], "normalised": _round(normalised[code], 4),
                "contribution": _round(contribution, 4)})
    for code in codes:
        results[code].index = _round(exact[code], 2)
        results[code].negative = Decimal(str(results[code].index)) < Decimal(str(threshold))
    ordered = sorted(results.values(), key=lambda r: (-r.index, r.code))
    for position, result in enumerate(ordered, start=1):
        result.rank = position if position == 1 or result.index != ordered[position - 2].index \
            else ordered[position - 2].rank
    unallocated = allocate(ordered, fund_fen=fund_fen)
    return ordered, unallocated


def allocate(ordered: list[DistrictResult], *, fund_fen: int) -> int:
    """Share ``fund_fen`` among the districts not on the negative list, by index (largest remainder);
    each result's ``allocation`` holds the arithmetic. Returns the fen left unallocated."""
    eligible = [r for r in ordered if not r.negative and r.index > 0]
    hundredths = {r.code: int(Decimal(str(r.index)) * 100) for r in eligible}
    total = sum(hundredths.values())
    for result in ordered:
        result.allocation_fen = 0
        result.allocation = {"eligible": result in eligible, "weight": hundredths.get(result.code, 0),
                             "weight_total": total, "floor_fen": 0, "remainder": 0, "extra_fen": 0}
    if not total or fund_fen <= 0:
        return fund_fen
    floors = {}
    remainders = {}
    for result in eligible:
        floors[result.code], remainders[result.code] = divmod(fund_fen * hundredths[result.code], total)
    left = fund_fen - sum(floors.values())
    by_remainder = sorted(eligible, key=lambda r: (-remainders[r.code], -r.index, r.code))
    extra = {r.code: (1 if position < left else 0) for position, r in enumerate(by_remainder)}
    for result in eligible:
        result.allocation_fen = floors[result.code] + extra[result.code]
        result.allocation.update(floor_fen=floors[result.code], remainder=remainders[result.code],
                                 extra_fen=extra[result.code])
    return 0
