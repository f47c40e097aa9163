"""The rules' parameters as first shipped, each with the source it rests on. They are loaded into
``RuleSetting`` rows by a data migration; a city changes a rule by adding a row with a later
``effective_from`` (the admin), never by editing code.

Sources:
- 风险预警 itself: 《厦门市人民政府办公厅关于促进共享经济健康发展的实施意见》(厦府办〔2019〕13号), which asks
  for 风险预警、网上抽查、源头追溯、属地查处 (quoted in issue 14).
- Discounts: 《规范促销行为暂行规定》(国家市场监督管理总局令第32号, in force 2020-12-01) 第十九条 — a discount
  whose base is not stated is measured from the lowest price actually charged in the seven days before the
  promotion; 《明码标价和禁止价格欺诈规定》(国家市场监督管理总局令第56号, in force 2022-07-01) 第十三条 — a
  comparison price with no stated meaning may not exceed the lowest price of the seven days before — and
  第十九条第(三)项 — a false discount (虚假折价、减价) is price fraud.
- Deposits: 《中华人民共和国电子商务法》第二十一条 — a deposit that meets its refund conditions must be
  refunded in time, and no unreasonable conditions may be set on its refund.
- Homestays: 《旅馆业治安管理办法》第四条 — a lodging business needs the public security bureau's
  special-industry licence before it opens.
- A removed listing posted again: 《中华人民共和国电子商务法》第二十九条 — a platform that finds illegal goods
  or services must take the necessary measures; a listing removed and posted again unchanged shows they
  did not hold.
- Fake reviews: 《中华人民共和国反不正当竞争法》第八条 (false commercial publicity, including through fake
  transactions and reviews) and 《网络交易监督管理办法》(国家市场监督管理总局令第37号) 第十四条.
- Cancellations and the statistical detector rest on the plan's 风险预警 alone: they point officers to
  something to look at, not to a violation.
"""

from __future__ import annotations

import datetime as dt

XIAMEN_PLAN = "厦府办〔2019〕13号 (风险预警)"

DEFAULTS: list[dict] = [
    {"rule": "complaint_rate", "effective_from": dt.date(2019, 6, 1), "severity": "medium",
     "params": {"window_days": 7, "baseline_days": 28, "ratio": 3.0, "min_complaints": 5, "min_orders": 20},
     "source": XIAMEN_PLAN},
    {"rule": "false_discount", "effective_from": dt.date(2020, 12, 1), "severity": "high",
     "params": {"window_days": 7, "min_raise_percent": 25, "min_drop_percent": 10},
     "source": "总局令第32号《规范促销行为暂行规定》第十九条; "
               "总局令第56号《明码标价和禁止价格欺诈规定》第十三条、第十九条第(三)项"},
    {"rule": "review_ring", "effective_from": dt.date(2019, 6, 1), "severity": "high",
     "params": {"min_members": 2, "min_mutual_orders": 2},
     "source": "《反不正当竞争法》第八条; 总局令第37号《网络交易监督管理办法》第十四条"},
    {"rule": "unlicensed_homestay", "effective_from": dt.date(2019, 6, 1), "severity": "high",
     "params": {"categories": ["homestay"]},
     "source": "《旅馆业治安管理办法》第四条"},
    {"rule": "deposit_overdue", "effective_from": dt.date(2019, 1, 1), "severity": "medium",
     "params": {"refund_days": 7},
     "source": "《电子商务法》第二十一条"},
    {"rule": "deposit_kept", "effective_from": dt.date(2019, 1, 1), "severity": "medium",
     "params": {"min_share_percent": 100, "repeat_for_high": 2},
     "source": "《电子商务法》第二十一条"},
    {"rule": "reposted_listing", "effective_from": dt.date(2019, 1, 1), "severity": "high",
     "params": {"within_days": 90},
     "source": "《电子商务法》第二十九条"},
    {"rule": "cancellation_burst", "effective_from": dt.date(2019, 6, 1), "severity": "low",
     "params": {"baseline_days": 28, "ratio": 3.0, "min_cancellations": 5},
     "source": XIAMEN_PLAN},
    {"rule": "outlier", "effective_from": dt.date(2019, 6, 1), "severity": "low",
     "params": {"z": 6.0, "min_orders": 5, "min_providers": 10},
     "source": XIAMEN_PLAN},
]
