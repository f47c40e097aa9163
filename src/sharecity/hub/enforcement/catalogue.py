"""The violation catalogue and the default leniency list (免罚清单), as data.

Each violation names the article it breaks and the article that sets its penalty. The texts:
- 《中华人民共和国电子商务法》(2018): 第十五条 (持续公示营业执照信息), 第十七条 (全面、真实、准确、及时地披露商品
  或者服务信息；不得虚构交易、编造用户评价), 第七十六条 (违反第十五条：责令限期改正，可以处一万元以下的罚款),
  第八十一条 (平台经营者未在首页显著位置持续公示平台服务协议、交易规则等：责令限期改正，
  可以处二万元以上十万元以下的罚款),
  第八十五条 (违反本法规定…依照有关法律的规定处罚).
- 《中华人民共和国价格法》: 第十三条 (明码标价), 第四十二条 (违反明码标价规定：责令改正，没收违法所得，
  可以并处五千元以下的罚款).
- 《规范促销行为暂行规定》(国家市场监督管理总局令第32号，2020年12月1日施行): 第十九条 (未标明折价、减价基准的，以本次
  促销活动前七日内最低成交价格为基准).
- 《中华人民共和国行政处罚法》(2021修订): 第三十三条 (初次违法且危害后果轻微并及时改正的，可以不予行政处罚；
  依法不予行政处罚的，应当对当事人进行教育).

The leniency rows below are a city's example configuration (each city edits its own list through
``leniency_entry_add``; the look-back period and the time to correct are the list's, not the law's).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

ECOMMERCE_LAW = "《中华人民共和国电子商务法》"
PRICE_LAW = "《中华人民共和国价格法》"
PROMOTION_RULES = "《规范促销行为暂行规定》（国家市场监督管理总局令第32号）"
PENALTY_LAW = "《中华人民共和国行政处罚法》（2021修订）"


class ViolationRow(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    law: str
    article: str
    penalty_article: str


class LeniencyRow(NamedTuple):
    violation_code: str
    condition: str
    look_back_months: int
    correction_days: int
    effective_from: dt.date
    effective_until: dt.date | None
    source: str


VIOLATIONS: tuple[ViolationRow, ...] = (
    ViolationRow("ECL-15-LICENCE", "未在首页显著位置持续公示营业执照信息",
                 "Business licence not shown on the home page",
                 ECOMMERCE_LAW, "第十五条", ECOMMERCE_LAW + "第七十六条第一款第（一）项"),
    ViolationRow("ECL-17-DISCLOSURE", "未全面、真实、准确、及时披露商品或者服务信息",
                 "Goods or service information not disclosed fully, truly, accurately and in time",
                 ECOMMERCE_LAW, "第十七条", ECOMMERCE_LAW + "第八十五条"),
    ViolationRow("ECL-17-FAKE-REVIEWS", "虚构交易、编造用户评价", "Fictitious transactions or fabricated reviews",
                 ECOMMERCE_LAW, "第十七条", ECOMMERCE_LAW + "第八十五条"),
    ViolationRow("ECL-81-PLATFORM-TERMS", "平台经营者未以显著方式公示平台服务协议、交易规则",
                 "Platform terms or trading rules not shown prominently",
                 ECOMMERCE_LAW, "第三十三条", ECOMMERCE_LAW + "第八十一条第一款第（一）项"),
    ViolationRow("PRICE-13-TAGGING", "未按规定明码标价", "Prices not clearly marked",
                 PRICE_LAW, "第十三条", PRICE_LAW + "第四十二条"),
    ViolationRow("PROMO-19-BASE-PRICE", "折价、减价未标明基准且高于促销前七日内最低成交价格",
                 "Discount without a stated base, above the lowest price of the 7 days before the promotion",
                 PROMOTION_RULES, "第十九条", "依照有关价格法律、法规处罚"),
)

_LIST_SOURCE = "示例免罚清单（城市配置）；依据" + PENALTY_LAW + "第三十三条第一款"

LENIENCY: tuple[LeniencyRow, ...] = (
    LeniencyRow("ECL-15-LICENCE", "初次违法、未造成危害后果，在责令改正期限内改正", 24, 15,
                dt.date(2021, 7, 15), None, _LIST_SOURCE),
    LeniencyRow("PRICE-13-TAGGING", "初次违法、危害后果轻微，在责令改正期限内改正", 24, 7,
                dt.date(2021, 7, 15), None, _LIST_SOURCE),
    LeniencyRow("ECL-81-PLATFORM-TERMS", "初次违法、未造成危害后果，在责令改正期限内改正", 12, 15,
                dt.date(2022, 1, 1), None, _LIST_SOURCE),
)
