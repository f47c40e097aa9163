"""The VAT rate on the platform's own services (its commission on providers' sales), as dated data.

A platform's matchmaking and information service to its providers is a modern service (信息技术服务 /
经纪代理服务), taxed at 6%:
- 《营业税改征增值税试点实施办法》(财税〔2016〕36号 附件1) 第十五条第(一)项: 纳税人发生应税行为, 除第(二)至(四)项
  外, 税率为6%; in force from 2016-05-01.
- 《中华人民共和国增值税法》(2024年12月25日通过, 2026-01-01起施行) 第十条第(三)项: 销售服务、无形资产, 除第一项、
  第二项、第五项规定外, 税率为百分之六.
The small-scale levy rate for a worker's service invoice is not here: it is
``market.tax.parameters.small_scale_vat_parameters_at``, the same data the platform's VAT filings use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sharecity.kernel.errors import InvalidInput


@dataclass(frozen=True)
class GeneralRate:
    effective_from: dt.date
    rate: Decimal
    source: str
    verified: str


PLATFORM_SERVICE_RATES: tuple[GeneralRate, ...] = (
    GeneralRate(dt.date(2016, 5, 1), Decimal("0.06"), "财税〔2016〕36号 附件1 第十五条第(一)项",
                verified="from the project's notes, not re-read in its published text"),
    GeneralRate(dt.date(2026, 1, 1), Decimal("0.06"), "《中华人民共和国增值税法》第十条第(三)项",
                verified="from the project's notes, not re-read in its published text"),
)


def platform_service_rate_at(on: dt.date) -> GeneralRate:
    found = [r for r in PLATFORM_SERVICE_RATES if r.effective_from <= on]
    if not found:
        raise InvalidInput(f"no VAT rate for platform services is recorded on {on.isoformat()}", field="issued_on",
                           code="invoice.rate_not_in_force")
    return max(found, key=lambda r: r.effective_from)
