"""Geometry of the weekly income chart (inline SVG, no JavaScript). Pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sharecity.kernel.money import format_yuan

WIDTH = 640
HEIGHT = 180
TOP = 24
BOTTOM = 28
LEFT = 8
GAP = 10


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    bars: list[Bar]
    total_fen: int


def weekly_income_chart(weeks: list[tuple[dt.date, int]]) -> Chart:
    """One bar per week (its Monday, oldest first), scaled to the highest week."""
    highest = max((fen for _day, fen in weeks), default=0)
    usable = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - 2 * LEFT) / max(len(weeks), 1)
    bars = []
    for index, (monday, fen) in enumerate(weeks):
        height = round(usable * fen / highest, 1) if highest else 0
        x = LEFT + index * slot + GAP / 2
        y = TOP + usable - height
        bars.append(Bar(label=f"{monday:%m-%d}", value=format_yuan(fen), x=round(x, 1), y=round(y, 1),
                        width=round(slot - GAP, 1), height=height, text_x=round(x + (slot - GAP) / 2, 1),
                        text_y=round(y - 6, 1)))
    return Chart(width=WIDTH, height=HEIGHT, baseline=TOP + usable, bars=bars,
                 total_fen=sum(fen for _day, fen in weeks))
