"""The catalogue of the city's open datasets: who publishes them (organisations: the city's departments),
their themes (groups), and one :class:`DatasetSpec` per dataset whose ``build`` turns the hub's selectors
into rows. Another duty adds a dataset with one call::

    from sharecity.hub.opendata.catalog import DatasetSpec, Field, Built, register

    register(DatasetSpec(
        name="quota-allocations", title_zh="共享单车投放配额", title_en="Bike fleet quotas",
        publisher="transport", groups=("public-space",), tags=("配额", "quota"), frequency="quarterly",
        fields=(Field("platform", "string", "平台", "Platform"), Field("vehicles", "integer", "车辆", "Vehicles")),
        build=lambda ctx: Built(rows=[...], temporal_start=..., temporal_end=..., spatial=("350200",))))

A build reads through the other duty's selectors only and returns plain rows; the refresh
(``services.datasets_refresh``) keeps a new immutable version when the rows changed.

Source: 厦府办〔2019〕13号 四(三)5 推动政务数据开放 (公共数据资源汇聚与开放; 加快建设统一的数据资源开放平台).
Also 《厦门市公共数据共享开放管理暂行办法》 (厦门市人民政府办公厅, 2023-12-28; its existence is confirmed by
厦数据函〔2025〕74号 on xm.gov.cn, its text was read on a mirror, its document number not verified): 第三条
无偿提供、按需申请、统一平台、安全可控 (every dataset is free of charge, hence CC-BY-4.0 and no login); 第四条 the
city's 公共数据资源平台 is the one cross-department open platform, so this portal is the platform economy's
catalogue that the city's platform can harvest (CKAN's API, DCAT-like metadata), not a rival to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

# Frictionless Table Schema types -> CKAN DataStore types.
FIELD_TYPES = {
    "string": "text",
    "integer": "int",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
}
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "annual", "irregular")


@dataclass(frozen=True)
class Organization:
    """A publishing department."""

    name: str
    title_zh: str
    title_en: str
    description_zh: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Group:
    """A theme."""

    name: str
    title_zh: str
    title_en: str


@dataclass(frozen=True)
class Licence:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # one of FIELD_TYPES
    title_zh: str
    title_en: str
    description: str = ""


@dataclass
class Built:
    """What a build returns: rows (dicts keyed by field name, values JSON-plain: str, int, float, bool,
    None, dates as ISO text), the period and places the rows cover (GB/T 2260 codes), and, for datasets
    with disclosure control, the method and budget (``privacy``)."""

    rows: list[dict]
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    spatial: tuple[str, ...] = ()
    privacy: dict | None = None


@dataclass(frozen=True)
class BuildContext:
    today: dt.date


@dataclass(frozen=True)
class DatasetSpec:
    name: str  # CKAN name: lowercase letters, digits, - and _ (2-100)
    title_zh: str
    title_en: str
    publisher: str  # an Organization's name
    fields: tuple[Field, ...]
    build: Callable[[BuildContext], Built]
    frequency: str = "daily"
    groups: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    licence: str = "cc-by-4.0"
    notes_zh: str = ""
    notes_en: str = ""
    source: str = ""  # the legal basis of the publication
    primary_key: tuple[str, ...] = ()


ORGANIZATIONS: dict[str, Organization] = {}
GROUPS: dict[str, Group] = {}
LICENCES: dict[str, Licence] = {}
REGISTRY: dict[str, DatasetSpec] = {}


def organization_register(organization: Organization) -> Organization:
    ORGANIZATIONS[organization.name] = organization
    return organization


def group_register(group: Group) -> Group:
    GROUPS[group.name] = group
    return group


def register(spec: DatasetSpec) -> DatasetSpec:
    """Add (or replace, by name) a dataset in the catalogue; refuses a spec that names an unknown publisher,
    theme, licence, frequency or field type, so a mistake shows at start-up, not on the portal."""
    problems = []
    if spec.publisher not in ORGANIZATIONS:
        problems.append(f"publisher {spec.publisher!r} is not an organisation ({', '.join(ORGANIZATIONS)})")
    problems += [f"group {g!r} unknown" for g in spec.groups if g not in GROUPS]
    if spec.licence not in LICENCES:
        problems.append(f"licence {spec.licence!r} unknown")
    if spec.frequency not in FREQUENCIES:
        problems.append(f"frequency {spec.frequency!r} is not one of {FREQUENCIES}")
    problems += [f"field {f.name!r}: type {f.type!r} unknown" for f in spec.fields if f.type not in FIELD_TYPES]
    if problems:
        raise ValueError(f"dataset {spec.name}: " + "; ".join(problems))
    REGISTRY[spec.name] = spec
    return spec


def spec_get(name: str) -> DatasetSpec | None:
    return REGISTRY.get(name)


LICENCES["cc-by-4.0"] = Licence(
    "cc-by-4.0", "Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"
)

organization_register(
    Organization(
        "market-supervision",
        "市场监督管理部门",
        "Market supervision",
        "平台经济的登记、抽查检查、行政处罚和投诉数据。",
        "Registration, random inspections, penalties and complaints of the platform economy.",
    )
)
organization_register(
    Organization(
        "development-reform",
        "发展改革部门(社会信用)",
        "Development and reform (social credit)",
        "公共信用信息:行政处罚公示、红黑名单。",
        "Public credit information: penalties shown publicly, red and black lists.",
    )
)
organization_register(
    Organization(
        "statistics",
        "统计与监测",
        "Statistics and monitoring",
        "按区、行业和月份的共享经济运行统计。",
        "Statistics of the sharing economy by district, sector and month.",
    )
)
organization_register(
    Organization(
        "transport",
        "交通运输部门",
        "Transport",
        "公共空间资源(共享单车)的配额。",
        "Quotas for public space (shared bikes).",
    )
)
organization_register(
    Organization(
        "industry-association",
        "行业协会(第三方投诉平台)",
        "Industry association (third-party complaints)",
        "第三方投诉平台的受理和响应情况。",
        "Third-party complaint platform: acceptance and response.",
    )
)

group_register(Group("directory", "企业名录", "Directory"))
group_register(Group("supervision", "监管执法", "Supervision"))
group_register(Group("credit", "信用", "Credit"))
group_register(Group("economy", "经济运行", "Economy"))
group_register(Group("consumers", "消费维权", "Consumer protection"))
group_register(Group("public-space", "公共空间", "Public space"))
