"""Income tax withheld at each payment to a provider, by the rules in force (``rules``, ``parameters``), recorded in
the withholding register (``Withholding``). The payments ledger calls ``withholding_for_payment`` when it releases
money to a provider and books the amount to the tax-payable account; the provider's pages and the CLI read the
same working.

A platform worker is a natural person providing services in their own name through the platform
(《互联网平台企业涉税信息报送规定》国务院令第810号 第二条): the platform withholds by the cumulative method
(国家税务总局公告2025年第16号 第一条). A business provider files its own tax: nothing is withheld, and the register
says so. The income is what the platform pays the provider for the order, after its commission.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Sum

from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.tax.models import Withholding, WithholdingMethod
from sharecity.market.tax.parameters import CUMULATIVE_VERSIONS
from sharecity.market.tax.rules import GapRule, MonthIncome, next_month, withholding_due


def _is_business(provider: User) -> bool:
    from sharecity.market.accounts.models import ProviderProfile, SubjectKind

    profile = ProviderProfile.objects.filter(user=provider).only("kind").first()
    return profile is not None and profile.kind == SubjectKind.BUSINESS


def year_months(*, platform, provider: User, month: dt.date, income_fen: int) -> list[MonthIncome]:
    """The months of the tax year up to ``month`` with this provider's income from this platform, the payment
    being made now (``income_fen``) counted in ``month``. The year starts in January, or in the month the
    cumulative method came into force."""
    first_in_force = min(v.effective_from for v in CUMULATIVE_VERSIONS).replace(day=1)
    start = max(month.replace(month=1), first_in_force)
    totals = dict(Withholding.objects.filter(platform=platform, provider=provider, month__gte=start, month__lte=month)
                  .values("month").annotate(total=Sum("income_fen")).values_list("month", "total"))
    months, current = [], start
    while current <= month:
        paid = (totals.get(current) or 0) + (income_fen if current == month else 0)
        months.append(MonthIncome(month=current, income_fen=paid))
        current = next_month(current)
    return months


def withholding_for_payment(*, platform, provider: User, income_fen: int, entry_key: str, order_ref: str = "",
                            at: dt.datetime) -> Withholding:
    """Compute and record the tax withheld from a payment of ``income_fen`` made at ``at``; the same ``entry_key``
    returns the record already made. Run inside the payment's transaction, under the platform's ledger lock."""
    existing = Withholding.objects.filter(entry_key=entry_key).first()
    if existing is not None:
        return existing
    month = at.astimezone(CITY_TZ).date().replace(day=1)
    common = {"platform": platform, "provider": provider, "entry_key": entry_key, "order_ref": order_ref,
              "month": month, "income_fen": income_fen}
    if _is_business(provider):
        return Withholding.objects.create(
            **common, method=WithholdingMethod.NOT_WITHHELD, cumulative_income_fen=0, cumulative_expenses_fen=0,
            months_counted=0, cumulative_deduction_fen=0, taxable_fen=0, rate_bp=0, quick_deduction_fen=0,
            cumulative_tax_fen=0, withheld_before_fen=0, withheld_fen=0,
            source="《中华人民共和国个人所得税法》第九条: 以支付所得的单位或者个人为扣缴义务人 (a person's income); "
                   "a business provider files its own tax")
    gap_rule = GapRule(settings.SHARECITY_TAX_GAP_RULE)
    withheld_this_year = Withholding.objects.filter(
        platform=platform, provider=provider, month__year=month.year).aggregate(total=Sum("withheld_fen"))["total"]
    due = withholding_due(year_months(platform=platform, provider=provider, month=month, income_fen=income_fen),
                          withheld_this_year_fen=withheld_this_year or 0, gap_rule=gap_rule)
    return Withholding.objects.create(
        **common, method=WithholdingMethod.CUMULATIVE, cumulative_income_fen=due.cumulative_income_fen,
        cumulative_expenses_fen=due.cumulative_expenses_fen, months_counted=due.months_counted,
        cumulative_deduction_fen=due.cumulative_deduction_fen, taxable_fen=due.taxable_fen,
        rate_bp=int(due.rate * 10_000), quick_deduction_fen=due.quick_deduction_fen,
        cumulative_tax_fen=due.cumulative_tax_fen, withheld_before_fen=due.withheld_before_fen,
        withheld_fen=due.withheld_fen, gap_rule=gap_rule.value, source=due.source[:300])
