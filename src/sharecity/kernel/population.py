"""Resident population of each district (GB/T 2260, ``kernel.districts``), as data with its source and
the day from which it is the figure in use: the denominators of the per-10,000-residents indicators the
hub's monitoring shows, and the proportions the simulator places its people by. One copy: the simulator
reads this one.

Sources: the 2020 seventh national census (standard moment 2020-11-01 00:00), by district:
- Xiamen: 《厦门市第七次全国人口普查公报》 (厦门市统计局, 2021-05). The six districts sum to the city's
  5,163,970 residents the gazette gives.
- Tianjin: 《天津市第七次全国人口普查公报（第二号）》 (天津市统计局, 2021-05-28). The sixteen districts sum
  to the city's 13,866,009 and to the gazette's groups: central districts 4,057,215, the four districts
  around them 3,889,860, Binhai New Area 2,067,318, the five outer districts 3,851,616.
A later count (the 2030 census, a yearly estimate) is a new row with its own ``effective_from``; the
figure in force on a day is the latest that took effect by then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sharecity.kernel.districts import DISTRICTS


@dataclass(frozen=True)
class PopulationSource:
    title: str
    publisher: str
    published: str
    counted_on: dt.date  # the census's standard moment

    def cite(self) -> str:
        return f"《{self.title}》 {self.publisher} {self.published}"


XIAMEN_CENSUS_2020 = PopulationSource("厦门市第七次全国人口普查公报", "厦门市统计局", "2021-05", dt.date(2020, 11, 1))
TIANJIN_CENSUS_2020 = PopulationSource("天津市第七次全国人口普查公报（第二号）", "天津市统计局", "2021-05-28",
                                       dt.date(2020, 11, 1))


@dataclass(frozen=True)
class DistrictPopulation:
    district_code: str
    residents: int
    effective_from: dt.date
    source: PopulationSource


def _rows(source: PopulationSource, figures: tuple[tuple[str, int], ...]) -> list[DistrictPopulation]:
    return [DistrictPopulation(code, residents, source.counted_on, source) for code, residents in figures]


POPULATION: list[DistrictPopulation] = [
    *_rows(XIAMEN_CENSUS_2020, (
        ("350203", 1_073_315),  # 思明区
        ("350205", 582_519),    # 海沧区
        ("350206", 1_036_974),  # 湖里区
        ("350211", 1_035_791),  # 集美区
        ("350212", 855_920),    # 同安区
        ("350213", 579_451),    # 翔安区
    )),
    *_rows(TIANJIN_CENSUS_2020, (
        ("120101", 355_000),    # 和平区
        ("120102", 858_787),    # 河东区
        ("120103", 822_174),    # 河西区
        ("120104", 890_422),    # 南开区
        ("120105", 647_702),    # 河北区
        ("120106", 483_130),    # 红桥区
        ("120110", 857_027),    # 东丽区
        ("120111", 1_195_124),  # 西青区
        ("120112", 928_066),    # 津南区
        ("120113", 909_643),    # 北辰区
        ("120114", 1_151_313),  # 武清区
        ("120115", 722_367),    # 宝坻区
        ("120116", 2_067_318),  # 滨海新区
        ("120117", 395_314),    # 宁河区
        ("120118", 787_106),    # 静海区
        ("120119", 795_516),    # 蓟州区
    )),
]


def population_on(district_code: str, on: dt.date) -> DistrictPopulation | None:
    """The district's resident population in force on ``on``: the latest row that took effect by then;
    None for an unknown district or a day before any figure."""
    found = None
    for row in POPULATION:
        if row.district_code == district_code and row.effective_from <= on and (
                found is None or row.effective_from >= found.effective_from):
            found = row
    return found


def city_population(city_code: str, on: dt.date) -> tuple[tuple[str, int], ...]:
    """(district code, residents) of every district of the city with a figure in force on ``on``, in
    ``kernel.districts`` order."""
    rows = ((code, population_on(code, on)) for code, district in DISTRICTS.items() if district.city_code == city_code)
    return tuple((code, row.residents) for code, row in rows if row is not None)
