"""Administrative licences a platform operator may need, by sector: data, with the law that requires each.

《中华人民共和国电子商务法》第十五条: an e-commerce operator keeps displayed on its home page its business-licence
information and the administrative licences related to its business. The business licence is the unified
social credit code the platform registered with; this table lists the other licences, which sectors need
them (``ALL_SECTORS``: every platform) and from when to when the requirement holds. The market offers these
kinds in its operator console, the exchange carries their codes (``platform.licences_declared``), and the
city's directory names the required ones a platform did not declare. Adding a kind is adding a row (and,
for the exchange, a new allowed value: a compatible change within a version).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ALL_SECTORS = "*"
# A licence the table does not list (a local permit): the operator names it.
OTHER = "other"


@dataclass(frozen=True)
class LicenceKind:
    code: str
    name: str | Promise  # lazy translation
    name_zh: str  # the licence's own title, as issued
    legal_basis: str  # document and article that require it
    sectors: tuple[str, ...]  # sector codes that need it, or (ALL_SECTORS,)
    required_from: dt.date
    required_until: dt.date | None = None

    def required_for(self, sectors: list[str], *, on: dt.date) -> bool:
        if on < self.required_from or (self.required_until is not None and on >= self.required_until):
            return False
        return ALL_SECTORS in self.sectors or any(sector in self.sectors for sector in sectors)


LICENCE_KINDS: tuple[LicenceKind, ...] = (
    # 《中华人民共和国电信条例》(国务院令第291号, 2000-09-25, as amended 2014 and 2016) 第七条: 国家对电信业务经营
    # 按照电信业务分类实行许可制度; 未取得电信业务经营许可证, 任何组织或者个人不得从事电信业务经营活动.
    # 《电信业务经营许可管理办法》第四条: 经营电信业务, 应当依法取得电信管理机构颁发的经营许可证. A platform that
    # runs an online service for profit provides a value-added telecommunications service (information
    # services, 《电信业务分类目录》B25), so every platform needs it; the requirement counts from the regulation.
    LicenceKind(code="value_added_telecom", name=_("Value-added telecommunications business licence"),
                name_zh="增值电信业务经营许可证",
                legal_basis="《中华人民共和国电信条例》第七条；《电信业务经营许可管理办法》第四条",
                sectors=(ALL_SECTORS,), required_from=dt.date(2000, 9, 25)),
    # 《网络预约出租汽车经营服务管理暂行办法》(交通运输部 工业和信息化部 公安部 商务部 工商总局 质检总局 国家网信办令
    # 2016年第60号, in force 2016-11-01, as amended) 第五条: the conditions for applying to run ride-hailing, whose
    # grant is the 网络预约出租汽车经营许可证.
    LicenceKind(code="ride_hailing_operation", name=_("Online ride-hailing operation licence"),
                name_zh="网络预约出租汽车经营许可证",
                legal_basis="《网络预约出租汽车经营服务管理暂行办法》（交通运输部令2016年第60号）第五条",
                sectors=("ride_hailing",), required_from=dt.date(2016, 11, 1)),
)

KINDS_BY_CODE: dict[str, LicenceKind] = {kind.code: kind for kind in LICENCE_KINDS}
# What the exchange and the forms accept.
KIND_CODES: tuple[str, ...] = (*KINDS_BY_CODE, OTHER)


def kind_label(code: str) -> str:
    kind = KINDS_BY_CODE.get(code)
    return str(kind.name) if kind is not None else str(_("Other licence"))


def required_kinds(sectors: list[str], *, on: dt.date) -> list[LicenceKind]:
    """The licences a platform of ``sectors`` needs on day ``on``."""
    return [kind for kind in LICENCE_KINDS if kind.required_for(sectors, on=on)]
