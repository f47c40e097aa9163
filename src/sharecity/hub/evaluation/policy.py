"""Where the evaluation's rules come from, cited beside the code that applies them.

Tianjin's opinions on the platform economy of life services (《天津市人民政府办公厅关于推动生活性服务领域平台
经济健康发展的实施意见》), issued by the General Office of the Tianjin Municipal People's Government on
2023-05-17. The copy in ``seeds/`` carries no document number, so the hub cites it by title, date and
article (一(二) is part one, item two).
"""

from __future__ import annotations

import datetime as dt

TIANJIN_CITY = "120100"
TIANJIN_OPINIONS = "天津市人民政府办公厅关于推动生活性服务领域平台经济健康发展的实施意见"
TIANJIN_OPINIONS_NUMBER = ""
TIANJIN_OPINIONS_DATE = dt.date(2023, 5, 17)

# 一(二) 发展目标: 到2025年，引进…区域性总部或功能性总部20个，培育国内领军平台企业2家，汇聚超过200家平台企业.
GOALS_ARTICLE = "一(二)"
# 三(一) 强化资金支持: 设立市级支持平台经济发展专项资金，每年依据各区…综合评价结果，择优对重点区和开发区给予奖励.
FUND_ARTICLE = "三(一)"
# 六(二) 实施考核激励: …进行综合评价，按季度进行通报，为市级专项资金分配提供依据。完善支持政策退出机制，
# 对不达标区域或列入负面清单企业，不再给予支持.
EVALUATION_ARTICLE = "六(二)"
SUPPORT_EXIT_RULE = f"《{TIANJIN_OPINIONS}》{EVALUATION_ARTICLE}: 对不达标区域或列入负面清单企业，不再给予支持"
QUARTERLY_RULE = f"《{TIANJIN_OPINIONS}》{EVALUATION_ARTICLE}: 综合评价，按季度进行通报，为市级专项资金分配提供依据"
FUND_RULE = f"《{TIANJIN_OPINIONS}》{FUND_ARTICLE}: 依据各区综合评价结果，择优对重点区和开发区给予奖励"
