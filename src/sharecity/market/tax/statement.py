"""A provider's income statement from one platform for one tax year: per month what customers paid for their
orders (gross), the platform's commission, the income the tax is computed on, the tax withheld with its working,
and what reached them (net). Read from the withholding register and the ledger entries it names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone

from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.tax.models import Withholding


@dataclass
class StatementMonth:
    month: dt.date
    payments: int = 0
    gross_fen: int = 0
    commission_fen: int = 0
    income_fen: int = 0
    withheld_fen: int = 0
    working: Withholding | None = None  # the month's last payment: the cumulative working as of then

    @property
    def net_fen(self) -> int:
        return self.income_fen - self.withheld_fen


@dataclass
class Statement:
    year: int
    months: list[StatementMonth] = field(default_factory=list)
    # Occupational-injury cover per month (market.injury): orders covered, and orders of the pilot still
    # waiting for their per-order rate to be loaded.
    injury_months: list = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        return {name: sum(getattr(month, name) for month in self.months)
                for name in ("payments", "gross_fen", "commission_fen", "income_fen", "withheld_fen", "net_fen")}


def statement_year(text: str | int | None) -> int:
    this_year = timezone.now().astimezone(CITY_TZ).year
    if text in (None, ""):
        return this_year
    try:
        year = int(text)
    except (TypeError, ValueError):
        raise InvalidInput("the year is a number such as 2026", field="year", code="tax.invalid_year") from None
    if not 2019 <= year <= this_year:
        raise InvalidInput(f"the year is from 2019 to {this_year}", field="year", code="tax.invalid_year")
    return year


def worker_statement(*, platform, provider: User, year: int) -> Statement:
    from sharecity.market.payments.models import Posting

    rows = list(Withholding.objects.filter(platform=platform, provider=provider, month__year=year)
                .order_by("month", "created_at", "id"))
    commission = dict(Posting.objects.filter(entry__idempotency_key__in=[f"{r.entry_key}:commission" for r in rows],
                                             amount_fen__gt=0)
                      .values("entry__idempotency_key").annotate(total=Sum("amount_fen"))
                      .values_list("entry__idempotency_key", "total"))
    months: dict[dt.date, StatementMonth] = {}
    for row in rows:
        month = months.setdefault(row.month, StatementMonth(month=row.month))
        charged = commission.get(f"{row.entry_key}:commission", 0)
        month.payments += 1
        month.income_fen += row.income_fen
        month.commission_fen += charged
        month.gross_fen += row.income_fen + charged
        month.withheld_fen += row.withheld_fen
        month.working = row
    from sharecity.market.injury.selectors import provider_months

    cover = provider_months(platform=platform, provider=provider, year=year)
    return Statement(year=year, months=[months[key] for key in sorted(months)],
                     injury_months=[cover[key] for key in sorted(cover)])
