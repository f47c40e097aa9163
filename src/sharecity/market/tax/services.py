"""Writes of the tax duties: filing a quarter's Decree 810 report on the exchange; preparing the month's VAT
returns filed on workers' behalf."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.exchange.sealing import department_public_key, key_id, seal, seal_context
from sharecity.kernel.errors import Conflict, InvalidInput
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, outbox_enqueue
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.platforms.models import Platform
from sharecity.market.tax import month_end, reports, selectors
from sharecity.market.tax.decree810 import quarter_parse
from sharecity.market.tax.models import QuarterlyFiling, VatReturn
from sharecity.market.tax.selectors import quarter_data

MESSAGE_TYPE = "tax.quarterly_report"


def tax_department_public_key() -> str:
    """The tax department's X25519 public key (``SHARECITY_TAX_DEPARTMENT_PUBLIC_KEY``); in development, when
    unset, the public half of a key derived from the deployment's data key."""
    configured = settings.SHARECITY_TAX_DEPARTMENT_PUBLIC_KEY
    if configured:
        return configured
    derived = hashlib.sha256(b"sharecity development tax department key:" + settings.SHARECITY_DATA_KEY).digest()
    return department_public_key(base64.urlsafe_b64encode(derived).decode())


def quarterly_report_file(*, actor: User | None, platform: Platform, year: int, quarter: int,
                          now=None) -> QuarterlyFiling:
    """Send the quarter's report (国务院令第810号 第四条第一款) on the exchange, in parts, with each provider's
    name and identity number sealed to the tax department's key; record the filing and its audit row."""
    period = quarter_parse(year, quarter)
    today = (now or timezone.now()).astimezone(CITY_TZ).date()
    if period.last_day >= today:
        raise Conflict(_("The quarter has not ended yet: its report is filed after %(day)s.")
                       % {"day": period.last_day.isoformat()}, field="quarter", code="tax.quarter_not_ended")
    data = quarter_data(platform=platform, quarter=period)
    public_key = tax_department_public_key()
    recipient = key_id(public_key)
    report_id = f"TAX-{period.label}-{uuid.uuid4().hex[:12]}"

    def sealed(value: str, field: str) -> dict:
        return seal(value, recipient_public_key=public_key,
                    context=seal_context(MESSAGE_TYPE, 1, field)).model_dump()

    parts = reports.payload_parts(data, report_id=report_id, recipient_key_id=recipient, seal=sealed)
    with transaction.atomic():
        filing = QuarterlyFiling.objects.create(
            platform=platform, year=period.year, quarter=period.quarter, report_id=report_id, parts=len(parts),
            provider_count=len(data.providers), exempt_count=len(data.providers) - len(data.reported),
            gross_fen=sum(p.gross_fen for p in data.reported), recipient_key_id=recipient, filed_by=actor)
        audit_record(actor=actor, action="tax.quarterly_report.file", target_type="tax_filing",
                     target_id=filing.public_id, platform_id=platform.exchange_id,
                     data={"report_id": report_id, "year": period.year, "quarter": period.quarter,
                           "parts": len(parts), "providers": len(data.providers)})
        for part in parts:
            outbox_enqueue(platform_id=platform.exchange_id, message_type=MESSAGE_TYPE,
                           payload=payload_build(MESSAGE_TYPE, **part))
    return filing


def prepare_vat_returns(*, platform: Platform, month: dt.date, actor: User | None = None) -> list[VatReturn]:
    """Prepare the month's VAT returns that the platform files on its workers' behalf (代办申报, 国家税务总局公告
    2025年第16号 第二条第(一)项), one per worker paid in the month, from the withholding register: the same payments
    and income the payouts withheld on (``selectors.register_months``), the VAT income being what customers paid.
    Each return is computed by ``month_end.worker_vat`` with the 11 months before for the registration guidance.

    Idempotent: a worker whose latest return has the same figures gets no new row; one whose figures changed
    (a payment booked to the month since) gets a new version. Returns the returns in force."""
    if month.day != 1:
        raise InvalidInput(_("A month is given by its first day."), field="month", code="tax.month_first_day")
    workers = selectors.workers_of_month(platform=platform, month=month)
    created = 0
    with transaction.atomic():
        Platform.objects.select_for_update().filter(pk=platform.pk).first()  # one preparation at a time
        latest = {r.provider_id: r for r in selectors.vat_returns_of_month(platform=platform, month=month)}
        for provider_id, (payments, _income, sales_income, _withheld), state in workers:
            result = month_end.worker_vat(month=month, sales_income_fen=sales_income, state=state)
            figures = {"payments": payments, "income_fen": result.income_fen, "sales_fen": result.sales_fen,
                       "exempt": result.exempt, "levy_rate": result.levy_rate, "vat_fen": result.vat_fen,
                       "twelve_months_fen": result.twelve_months_fen, "guide_to_register": result.guide_to_register,
                       "source": result.source[:500]}
            before = latest.get(provider_id)
            if before is not None and all(getattr(before, k) == v for k, v in figures.items()):
                continue
            VatReturn.objects.create(platform=platform, provider_id=provider_id, month=month,
                                     version=(before.version + 1) if before else 1, **figures)
            created += 1
        if created:
            audit_record(actor=actor, action="tax.vat_returns.prepare", target_type="tax_vat_month",
                         target_id=f"{platform.slug}:{month:%Y-%m}", platform_id=platform.exchange_id,
                         data={"month": f"{month:%Y-%m}", "written": created})
    return selectors.vat_returns_of_month(platform=platform, month=month)


def month_end_run(*, platform: Platform, month: dt.date, actor: User | None = None, prepare: bool = False) -> dict:
    """One platform's month end over every worker at once (``month_end_columns``, the code ``bench/month_end.py``
    times): the withholding recomputed from the month's sums by the cumulative method and checked against what the
    payouts withheld (the register); the VAT returns on the workers' behalf (prepared with ``prepare``, then checked
    against the run's figures); the occupational-injury contributions the completed orders bore (``market.injury``);
    and the totals of the month's report. Figures in fen; a worker is named by their public id."""
    from sharecity.kernel.models import User as Person
    from sharecity.market.injury.selectors import month_summary
    from sharecity.market.tax.month_end_columns import month_end_frame
    from sharecity.market.tax.rules import GapRule

    if month.day != 1:
        raise InvalidInput(_("A month is given by its first day."), field="month", code="tax.month_first_day")
    sums, register_withheld = selectors.month_end_sums(platform=platform, month=month)
    run = month_end_frame(sums, month=month, injury_rates={}, gap_rule=GapRule(settings.SHARECITY_TAX_GAP_RULE))
    public = dict(Person.objects.filter(pk__in=[int(w) for w in register_withheld]).values_list("pk", "public_id"))

    def named(worker: str) -> str:
        return str(public.get(int(worker), worker))

    recomputed = dict(run.workers.select("worker", "withheld_fen").iter_rows())
    withholding_differs = sorted(named(w) for w, fen in register_withheld.items() if recomputed.get(w) != fen)
    if prepare:
        prepare_vat_returns(platform=platform, month=month, actor=actor)
    in_force = {str(r.provider_id): r for r in selectors.vat_returns_of_month(platform=platform, month=month)}
    vat_differs = sorted(
        named(w) for w, sales, vat, exempt in run.workers.select("worker", "sales_fen", "vat_fen", "exempt").iter_rows()
        if w in in_force and (in_force[w].sales_fen, in_force[w].vat_fen, in_force[w].exempt) != (sales, vat, exempt))
    injury = month_summary(platform=platform, month=month)
    totals = {**run.totals, "injury_orders": injury.orders_covered, "injury_fen": injury.contribution_fen}
    return {
        "platform": platform.slug, "month": f"{month:%Y-%m}", "totals": totals,
        "withholding_check": {
            "workers": len(register_withheld), "register_withheld_fen": sum(register_withheld.values()),
            "recomputed_withheld_fen": run.totals["withheld_fen"],
            "differing_workers": withholding_differs},
        "vat_check": {"returns_in_force": len(in_force),
                      "workers_without_return": sorted(named(w) for w in recomputed if w not in in_force),
                      "differing_workers": vat_differs},
        "injury": {"orders_covered": injury.orders_covered, "contribution_fen": injury.contribution_fen,
                   "orders_rate_not_loaded": injury.orders_rate_not_loaded},
    }
