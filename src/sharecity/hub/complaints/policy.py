"""The time limits the third-party complaint platform starts with (data: the ``TimeLimit`` table, loaded by
migration 0002; a later version is a new row with its own ``effective_from`` and source).

The association follows the limits consumers know from the national 12315 platform:
- acceptance: 《市场监督管理投诉举报处理暂行办法》(国家市场监督管理总局令第20号, in force 2020-01-01): the
  department decides to accept or refuse a complaint within seven working days of receiving it, and tells the
  complainant (七个工作日内作出受理或者不予受理的决定，并告知投诉人).
- mediation: the same rules (第二十一条) end mediation when the parties have not agreed within forty-five working
  days of acceptance (自投诉受理之日起四十五个工作日内投诉人和被投诉人未能达成调解协议的，终止调解).
- a platform that committed to online dispute resolution (《电子商务法》第六十三条: 电子商务平台经营者可以建立
  争议在线解决机制) settles a referred complaint within ten working days: the city's own rule for the
  platform (ShareCity issue 15), no statute sets it.
"""

from __future__ import annotations

import datetime as dt

# The article was missing from the first version of this text; migration 0003 corrects databases seeded with it.
MEDIATION_SOURCE_BEFORE = ("《市场监督管理投诉举报处理暂行办法》(国家市场监督管理总局令第20号)："
                           "自投诉受理之日起四十五个工作日内未能达成调解协议的，终止调解")
MEDIATION_SOURCE = ("《市场监督管理投诉举报处理暂行办法》(国家市场监督管理总局令第20号)第二十一条第一款："
                    "自投诉受理之日起四十五个工作日内投诉人和被投诉人未能达成调解协议的，终止调解")

DEFAULTS: tuple[dict, ...] = (
    {"kind": "acceptance", "workdays": 7, "effective_from": dt.date(2020, 1, 1),
     "source": "《市场监督管理投诉举报处理暂行办法》(国家市场监督管理总局令第20号)第十四条："
               "七个工作日内作出受理或者不予受理的决定"},
    {"kind": "mediation", "workdays": 45, "effective_from": dt.date(2020, 1, 1),
     "source": MEDIATION_SOURCE},
    {"kind": "odr_settlement", "workdays": 10, "effective_from": dt.date(2019, 1, 1),
     "source": "《中华人民共和国电子商务法》第六十三条(争议在线解决机制)；厦府办〔2019〕13号 四(一)3；"
               "平台承诺在线解决的时限：10个工作日"},
)
