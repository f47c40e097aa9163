"""Reads for the Decree 810 quarterly report: one platform's providers and their income in one quarter, from the
ledger (``market.payments``), the orders and the providers' verified identities. Nothing here writes.

Income is read from each provider's payable account, by the day (city time) the entry was booked:
- 收入总额 (gross): releases of the price to the provider (escrow and milestone releases) and deposit deductions
  paid to them, before commission, refunds and tax;
- 退款金额 (refunds): refunds taken back from what had been released to the provider in the quarter
  (a refund before release was never the provider's income);
- 收入净额 (net) = gross − refunds; 佣金 (commission) and 已扣缴税额 (tax withheld) from their own entries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sharecity.kernel.crypto import decrypt_text
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ, add_months
from sharecity.market.accounts.models import ProviderProfile
from sharecity.market.accounts.selectors import party_key
from sharecity.market.orders.models import Order
from sharecity.market.payments.models import AccountKind, EntryKind, Posting
from sharecity.market.platforms.models import Platform
from sharecity.market.tax.decree810 import Quarter, exemption_at, income_exempt

# market.accounts.services.IDENTITY_CONTEXT (a services module is not imported by selectors)
_IDENTITY_CONTEXT = "provider.identity"
_INCOME_KINDS = (EntryKind.ESCROW_RELEASE, EntryKind.MILESTONE_RELEASE, EntryKind.DEPOSIT_DEDUCTION)


@dataclass
class ProviderIncome:
    user_id: int
    public_id: str
    provider_key: str
    subject_kind: str  # person | business
    legal_name: str
    id_number: str
    verified: bool
    district: str = ""
    sectors: set[str] = field(default_factory=set)
    order_refs: set[str] = field(default_factory=set)
    gross_fen: int = 0
    refunds_fen: int = 0
    commission_fen: int = 0
    withheld_tax_fen: int = 0
    income_exempt: bool = False

    @property
    def net_fen(self) -> int:
        return self.gross_fen - self.refunds_fen

    @property
    def order_count(self) -> int:
        return len(self.order_refs)


@dataclass(frozen=True)
class QuarterData:
    platform: Platform
    quarter: Quarter
    providers: list[ProviderIncome]
    exemption_source: str

    @property
    def reported(self) -> list[ProviderIncome]:
        """Providers whose income is reported (第四条第二款 leaves out exempt workers' income, not their identity)."""
        return [p for p in self.providers if not p.income_exempt]


def _bounds(quarter: Quarter) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(quarter.first_day, dt.time(0), tzinfo=CITY_TZ)
    end = dt.datetime.combine(quarter.last_day + dt.timedelta(days=1), dt.time(0), tzinfo=CITY_TZ)
    return start, end


def _identity(user: User, profile: ProviderProfile | None) -> tuple[str, str, str, bool]:
    if profile is None:
        return "person", user.get_full_name() if hasattr(user, "get_full_name") else "", "", False
    return profile.kind, profile.legal_name, decrypt_text(profile.identity_encrypted, context=_IDENTITY_CONTEXT), True


def quarter_data(*, platform: Platform, quarter: Quarter) -> QuarterData:
    """Every provider with income or refunds booked on ``platform`` in ``quarter``, by provider id."""
    start, end = _bounds(quarter)
    postings = (Posting.objects.filter(account__platform=platform, account__kind=AccountKind.PROVIDER_PAYABLE,
                                       entry__created_at__gte=start, entry__created_at__lt=end)
                .values_list("account__owner_id", "entry__kind", "entry__order_ref", "amount_fen"))
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    refs: dict[int, set[str]] = defaultdict(set)
    for owner_id, kind, order_ref, amount in postings:
        sums[owner_id][kind] += int(amount)
        if kind in _INCOME_KINDS and order_ref:
            refs[owner_id].add(order_ref)
    owners = sorted(owner for owner, kinds in sums.items()
                    if any(kinds[k] for k in (*_INCOME_KINDS, EntryKind.REFUND)))
    users = {u.pk: u for u in User.objects.filter(pk__in=owners)}
    profiles = {p.user_id: p for p in ProviderProfile.objects.filter(user_id__in=owners)}
    # Where each provider worked: the sector and district of the listings of the orders paid in the quarter.
    all_refs = {ref for owner in owners for ref in refs[owner]}
    places: dict[int, list[tuple[str, str]]] = defaultdict(list)
    orders = (Order.objects.filter(platform=platform, public_id__in=_uuids(all_refs))
              .values_list("provider_id", "listing__category__sector", "listing__district_code"))
    for provider_id, sector, district in orders:
        places[provider_id].append((sector or "", district or ""))
    rule = exemption_at(quarter.last_day)
    result = []
    for owner in owners:
        kinds = sums[owner]
        user = users[owner]
        kind, name, number, verified = _identity(user, profiles.get(owner))
        districts = [d for _, d in places[owner] if d]
        row = ProviderIncome(
            user_id=owner, public_id=str(user.public_id), provider_key=party_key(user), subject_kind=kind,
            legal_name=name, id_number=number, verified=verified,
            district=max(sorted(set(districts)), key=districts.count) if districts else platform.city_code,
            sectors={s for s, _ in places[owner] if s}, order_refs=refs[owner],
            gross_fen=sum(kinds[k] for k in _INCOME_KINDS), refunds_fen=-kinds[EntryKind.REFUND],
            commission_fen=-kinds[EntryKind.COMMISSION], withheld_tax_fen=-kinds[EntryKind.TAX_WITHHOLDING],
        )
        row.income_exempt = income_exempt(rule=rule, subject_kind=kind, sectors=row.sectors,
                                          income_fen=row.gross_fen, withheld_fen=row.withheld_tax_fen)
        result.append(row)
    return QuarterData(platform=platform, quarter=quarter, providers=result, exemption_source=rule.source)


def _uuids(refs: set[str]) -> list[str]:
    import uuid

    out = []
    for ref in refs:
        try:
            out.append(str(uuid.UUID(ref)))
        except ValueError:
            continue
    return out


def filings_of_platform(*, platform: Platform):
    from sharecity.market.tax.models import QuarterlyFiling

    return QuarterlyFiling.objects.filter(platform=platform).order_by("-year", "-quarter", "-filed_at", "-id")


def platform_started_on(*, platform: Platform) -> dt.date:
    """The day the platform started business (国务院令第810号 第三条 counts from it): its creation here, or its
    first ledger entry if that is earlier (a platform that moved its books in)."""
    from django.db.models import Min

    from sharecity.market.payments.models import JournalEntry

    first = JournalEntry.objects.filter(platform=platform).aggregate(first=Min("created_at"))["first"]
    started = min(filter(None, (platform.created_at, first)))
    return started.astimezone(CITY_TZ).date()


# --- VAT returns filed on workers' behalf ----------------------------------------------------------------------


def month_parse(text: str | None, *, today: dt.date | None = None) -> dt.date:
    """A month typed as ``YYYY-MM`` (its first day); empty: this month, city time. A month after this one is
    refused, as is one outside 2019–2100."""
    from django.utils import timezone

    this_month = (today or timezone.now().astimezone(CITY_TZ).date()).replace(day=1)
    if text in (None, ""):
        return this_month
    text = str(text)
    if len(text) != 7 or text[4] != "-" or not (text[:4].isdigit() and text[5:].isdigit()):
        raise InvalidInput("a month is written YYYY-MM, for example 2026-11", field="month", code="tax.invalid_month")
    year, month = int(text[:4]), int(text[5:])
    if not (2019 <= year <= 2100 and 1 <= month <= 12):
        raise InvalidInput("a month is written YYYY-MM, for example 2026-11", field="month", code="tax.invalid_month")
    parsed = dt.date(year, month, 1)
    if parsed > this_month:
        raise InvalidInput("a return is prepared for a month that has started, not a later one", field="month",
                           code="tax.month_in_future")
    return parsed


def register_months(*, platform: Platform, first: dt.date, last: dt.date) -> dict[int, dict[dt.date, tuple]]:
    """Per provider and month from ``first`` to ``last``, the withholding register's (payments, income after
    commission, customers' payments, tax withheld) of the workers withheld by the cumulative method; a business
    provider files its own tax and is left out. Customers' payments are the income plus the commission the
    payment's ledger entries took (``{entry_key}:commission``, as the statement reads them)."""
    from django.db.models import Sum

    from sharecity.market.tax.models import Withholding, WithholdingMethod

    rows = list(Withholding.objects.filter(platform=platform, method=WithholdingMethod.CUMULATIVE,
                                           month__gte=first, month__lte=last)
                .values_list("provider_id", "month", "entry_key", "income_fen", "withheld_fen"))
    commission = dict(Posting.objects.filter(entry__platform=platform,
                                             entry__idempotency_key__in=[f"{r[2]}:commission" for r in rows],
                                             amount_fen__gt=0)
                      .values("entry__idempotency_key").annotate(total=Sum("amount_fen"))
                      .values_list("entry__idempotency_key", "total"))
    out: dict[int, dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    for provider_id, month, entry_key, income, withheld in rows:
        sums = out[provider_id][month]
        sums[0] += 1
        sums[1] += income
        sums[2] += income + int(commission.get(f"{entry_key}:commission", 0))
        sums[3] += withheld
    return {provider: {month: tuple(v) for month, v in months.items()} for provider, months in out.items()}


def vat_returns_of_month(*, platform: Platform, month: dt.date) -> list:
    """The returns in force for ``month``: each worker's latest version, by worker."""
    from sharecity.market.tax.models import VatReturn

    latest: dict[int, VatReturn] = {}
    for row in (VatReturn.objects.filter(platform=platform, month=month).select_related("provider")
                .order_by("provider_id", "-version")):
        latest.setdefault(row.provider_id, row)
    return list(latest.values())


def vat_returns_of_provider(*, platform: Platform, provider: User, year: int) -> list:
    """A worker's own returns in force for a year, by month."""
    from sharecity.market.tax.models import VatReturn

    latest: dict[dt.date, VatReturn] = {}
    for row in (VatReturn.objects.filter(platform=platform, provider=provider, month__year=year)
                .order_by("month", "-version")):
        latest.setdefault(row.month, row)
    return [latest[month] for month in sorted(latest)]


@dataclass(frozen=True)
class VatMonth:
    platform: Platform
    month: dt.date
    returns: list
    names: dict[int, str]

    @property
    def totals(self) -> dict[str, int]:
        return {"returns": len(self.returns), "exempt": sum(r.exempt for r in self.returns),
                "guide_to_register": sum(r.guide_to_register for r in self.returns),
                "income_fen": sum(r.income_fen for r in self.returns),
                "sales_fen": sum(r.sales_fen for r in self.returns),
                "vat_fen": sum(r.vat_fen for r in self.returns)}

    @property
    def to_guide(self) -> list:
        return [r for r in self.returns if r.guide_to_register]


def vat_month(*, platform: Platform, month: dt.date) -> VatMonth:
    returns = vat_returns_of_month(platform=platform, month=month)
    profiles = dict(ProviderProfile.objects.filter(user_id__in=[r.provider_id for r in returns])
                    .values_list("user_id", "legal_name"))
    names = {r.provider_id: profiles.get(r.provider_id) or str(r.provider)
             for r in returns}
    return VatMonth(platform=platform, month=month, returns=returns, names=names)



def workers_of_month(*, platform: Platform, month: dt.date) -> list[tuple[int, tuple, object]]:
    """Each worker paid in ``month`` by the cumulative method, by id: (provider id, the month's register sums
    (payments, income after commission, customers' payments, tax withheld), the state of the earlier months
    (``month_end.earlier_state``: the tax year's totals and the 11 months before, for the VAT guidance))."""
    from sharecity.market.tax import month_end

    first = min(month_end.tax_year_start(month), add_months(month, -11))
    register = register_months(platform=platform, first=first, last=month)
    return [(provider_id, register[provider_id][month], month_end.earlier_state(month, [
        month_end.EarlierMonth(m, income_fen=v[1], sales_income_fen=v[2], withheld_fen=v[3])
        for m, v in register[provider_id].items() if m < month]))
        for provider_id in sorted(p for p, months in register.items() if month in months)]


def month_end_sums(*, platform: Platform, month: dt.date):
    """The month-end run's input (the frame of sums ``month_end_columns`` reads) from the withholding register: one
    row per worker paid in ``month`` by the cumulative method (``workers_of_month``); and the register's own tax
    withheld from each worker in the month, which the run's recomputation must match."""
    import polars as pl

    rows, register_withheld = [], {}
    for provider_id, (payments, income, sales_income, withheld), state in workers_of_month(platform=platform,
                                                                                         month=month):
        rows.append({"worker": str(provider_id), "platform": platform.slug, "orders": payments,
                     "gross_fen": sales_income, "commission_fen": sales_income - income,
                     "year_income_fen": state.year_income_fen,
                     "year_other_deductions_fen": state.year_other_deductions_fen,
                     "year_withheld_fen": state.year_withheld_fen,
                     "eleven_months_sales_fen": state.eleven_months_sales_fen,
                     "year_months_with_income": "".join("1" if had else "0" for had in state.year_months_with_income)})
        register_withheld[str(provider_id)] = withheld
    schema = {"worker": pl.String, "platform": pl.String, "orders": pl.Int64, "gross_fen": pl.Int64,
              "commission_fen": pl.Int64, "year_income_fen": pl.Int64, "year_other_deductions_fen": pl.Int64,
              "year_withheld_fen": pl.Int64, "eleven_months_sales_fen": pl.Int64, "year_months_with_income": pl.String}
    return pl.DataFrame(rows, schema=schema), register_withheld
