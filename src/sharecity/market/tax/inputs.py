"""Text input (the ``sharecity tax withhold`` command) into the withholding rules, and their results into
JSON-ready dictionaries with amounts in yuan (two decimals). Bad input raises ``InvalidInput`` naming the
option and the rule."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.money import parse_yuan
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.tax.parameters import per_payment_parameters_at
from sharecity.market.tax.rules import (
    GapRule,
    MonthIncome,
    cumulative_withholding,
    next_month,
    per_payment_withholding,
)

MAX_TEXT = 2000


def yuan(fen: int) -> str:
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _today() -> dt.date:
    return timezone.now().astimezone(CITY_TZ).date()


def _amounts(text: str | None, *, option: str) -> list[int]:
    if not text:
        raise InvalidInput(f"--{option} is required with this method", field=option, code="tax.required")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"--{option} is at most {MAX_TEXT} characters", field=option, code="tax.too_long")
    amounts = []
    for index, part in enumerate(text.split(","), start=1):
        try:
            fen = parse_yuan(part, field=option)
        except InvalidInput as error:
            raise InvalidInput(f"--{option}, item {index} ({part.strip()!r}): {error.message}", field=option,
                               code="tax.invalid_amount") from None
        if fen < 0:
            raise InvalidInput(f"--{option}, item {index}: an amount is not negative", field=option,
                               code="tax.negative_amount")
        amounts.append(fen)
    return amounts


def _month(text: str | None) -> dt.date:
    if not text:
        return _today().replace(month=1, day=1)
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise InvalidInput(f"--start is a month written YYYY-MM, not {text[:20]!r}", field="start",
                           code="tax.invalid_month") from None


def _gap_rule(text: str | None) -> GapRule:
    value = text or settings.SHARECITY_TAX_GAP_RULE
    try:
        return GapRule(value)
    except ValueError:
        raise InvalidInput(f"the gap rule is one of {', '.join(r.value for r in GapRule)}, not {value[:40]!r}",
                           field="gap_rule", code="tax.invalid_gap_rule") from None


def withhold_cumulative(*, monthly: str | None, start: str | None = None, gap_rule: str | None = None,
                        other_deductions: str | None = None) -> dict:
    incomes = _amounts(monthly, option="monthly")
    others = _amounts(other_deductions, option="other-deductions") if other_deductions else [0] * len(incomes)
    if len(others) != len(incomes):
        raise InvalidInput("--other-deductions gives one amount per month of --monthly", field="other-deductions",
                           code="tax.deductions_per_month")
    first = _month(start)
    months = []
    month = first
    for income, other in zip(incomes, others, strict=True):
        months.append(MonthIncome(month=month, income_fen=income, other_deductions_fen=other))
        month = next_month(month)
    rule = _gap_rule(gap_rule)
    results = cumulative_withholding(months, gap_rule=rule)
    return {
        "method": "cumulative",
        "gap_rule": rule.value,
        "withheld": [yuan(r.withheld_fen) for r in results],
        "total_withheld": yuan(sum(r.withheld_fen for r in results)),
        "months": [{
            "month": r.month.strftime("%Y-%m"), "income": yuan(r.income_fen),
            "cumulative_income": yuan(r.cumulative_income_fen), "cumulative_expenses": yuan(r.cumulative_expenses_fen),
            "months_counted": r.months_counted, "cumulative_deduction": yuan(r.cumulative_deduction_fen),
            "cumulative_other_deductions": yuan(r.cumulative_other_deductions_fen), "taxable": yuan(r.taxable_fen),
            "rate": percent(r.rate), "quick_deduction": yuan(r.quick_deduction_fen),
            "cumulative_tax": yuan(r.cumulative_tax_fen), "withheld_before": yuan(r.withheld_before_fen),
            "withheld": yuan(r.withheld_fen),
        } for r in results],
        "source": results[0].source,
    }


def withhold_per_payment(*, amount: str | None, on: str | None = None) -> dict:
    amounts = _amounts(amount, option="amount")
    if len(amounts) != 1:
        raise InvalidInput("--amount is one payment", field="amount", code="tax.one_amount")
    fen = amounts[0]
    if on:
        try:
            day = dt.date.fromisoformat(on.strip())
        except ValueError:
            raise InvalidInput(f"--date is written YYYY-MM-DD, not {on[:20]!r}", field="date",
                               code="tax.invalid_date") from None
    else:
        day = _today()
    result = per_payment_withholding(fen, parameters=per_payment_parameters_at(day))
    return {"method": "per-payment", "amount": yuan(result.amount_fen), "expenses": yuan(result.expenses_fen),
            "taxable": yuan(result.taxable_fen), "rate": percent(result.rate),
            "quick_deduction": yuan(result.quick_deduction_fen), "withheld": yuan(result.withheld_fen),
            "source": result.source}


def _in_yuan(value):
    """The run's figures with every ``*_fen`` amount written in yuan (two decimals) under a ``*_yuan`` name."""
    if isinstance(value, dict):
        return {(key[:-4] + "_yuan" if key.endswith("_fen") else key):
                (yuan(item) if key.endswith("_fen") else _in_yuan(item)) for key, item in value.items()}
    if isinstance(value, list):
        return [_in_yuan(item) for item in value]
    return value


def month_end_command(*, month: str | None, platform: str | None = None, prepare: bool = False) -> dict:
    """``sharecity tax month-end``: ``services.month_end_run`` for one platform or every one, in yuan."""
    from sharecity.market.platforms.models import Platform
    from sharecity.market.tax.services import month_end_run

    try:
        first = dt.datetime.strptime((month or "").strip(), "%Y-%m").date()
    except ValueError:
        raise InvalidInput(f"--month is a month written YYYY-MM, not {(month or '')[:20]!r}", field="month",
                           code="tax.invalid_month") from None
    if first > _today():
        raise InvalidInput("--month is this month or an earlier one", field="month", code="tax.future_month")
    platforms = Platform.objects.order_by("slug")
    if platform:
        # A slug is letters, digits, hyphens and underscores; anything else (a NUL byte, which PostgreSQL would
        # refuse in a query) names no platform.
        platforms = platforms.filter(slug=platform) if re.fullmatch(r"[-\w]{1,100}", platform, re.ASCII) \
            else platforms.none()
        if not platforms.exists():
            raise InvalidInput(f"no platform has the slug {platform[:60]!r}", field="platform",
                               code="tax.unknown_platform")
    return {"month": f"{first:%Y-%m}", "platforms": [
        _in_yuan(month_end_run(platform=p, month=first, prepare=prepare)) for p in platforms]}
