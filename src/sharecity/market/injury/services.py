"""Writes of the occupational-injury cover: the contribution on a completed order (called by the order service in
the transaction that completes the order), loading dated rates, and filing a month's report on the exchange."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.kernel import limits
from sharecity.kernel.errors import Conflict, InvalidInput
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, outbox_enqueue
from sharecity.kernel.timeutil import CITY_TZ, month_end
from sharecity.market.injury import pilot, selectors
from sharecity.market.injury.models import Contribution, ContributionRate, ContributionStatus, MonthlyReport
from sharecity.market.platforms.models import Platform

MESSAGE_TYPE = "injury.monthly_report"
RATE_COLUMNS = ("province_code", "industry", "effective_from", "fen_per_order", "source", "verified")
RATES_MAX_ROWS = 1000
SOURCE_MAX = 300


def _book(contribution: Contribution) -> None:
    from sharecity.market.payments.services import injury_contribution_book

    injury_contribution_book(platform=contribution.platform, order_ref=str(contribution.order.public_id),
                             amount_fen=contribution.amount_fen)


def _apply_rate(contribution: Contribution, rate: ContributionRate, *, now: dt.datetime) -> None:
    contribution.rate = rate
    contribution.amount_fen = rate.fen_per_order
    contribution.status = ContributionStatus.COMPUTED
    contribution.computed_at = now
    contribution.save(update_fields=["rate", "amount_fen", "status", "computed_at"])
    if rate.fen_per_order:
        _book(contribution)


def _natural_person(user) -> bool:
    """The pilot covers people working through the platform (新就业形态人员), not businesses selling on it."""
    from sharecity.market.accounts.selectors import provider_profile_for

    profile = provider_profile_for(user)
    return profile is not None and profile.kind == "person"


def contribution_for_order(*, order) -> Contribution | None:
    """Record the cover of a completed order if the pilot covers it on the day it was completed (its category's
    industry, the province of its district, 人社部发〔2025〕24号 一): with its contribution when a rate is loaded for
    that province, industry and day, else as ``rate_not_loaded``. Idempotent: an order has at most one row."""
    if order.completed_at is None:
        return None
    from sharecity.market.orders.services import order_category_code, order_district

    on = order.completed_at.astimezone(CITY_TZ).date()
    district = order_district(order) or order.platform.city_code
    scope = pilot.scope_of(category_code=order_category_code(order), district=district, on=on)
    if not scope.covered:
        return None
    existing = Contribution.objects.filter(order=order).first()
    if existing is not None:
        return existing
    if not _natural_person(order.provider):
        return None
    now = timezone.now()
    with transaction.atomic():
        try:
            contribution = Contribution.objects.create(
                order=order, platform=order.platform, provider=order.provider, industry=scope.industry,
                province_code=scope.province.province_code, completed_on=on, month=on.replace(day=1),
                status=ContributionStatus.RATE_NOT_LOADED, source=scope.source[:SOURCE_MAX])
        except IntegrityError:
            return Contribution.objects.get(order=order)
        rate = selectors.rate_on(province_code=contribution.province_code, industry=contribution.industry, on=on)
        if rate is not None:
            _apply_rate(contribution, rate, now=now)
    return contribution


# --- rates -------------------------------------------------------------------------------------------


def _rate_row(row: dict, line: int) -> dict:
    def bad(field: str, message: str) -> InvalidInput:
        return InvalidInput(_("Line %(line)s: %(message)s") % {"line": line, "message": message},
                            field=field, code="injury.invalid_rate")

    province = (row.get("province_code") or "").strip()
    if len(province) != 2 or not province.isdigit() or not any(p.province_code == province for p in pilot.PROVINCES):
        raise bad("province_code", _("the province is the two-digit code of a province in the pilot"))
    industry = (row.get("industry") or "").strip()
    if industry not in pilot.INDUSTRIES:
        raise bad("industry", _("the industry is one of %(codes)s") % {"codes": ", ".join(pilot.INDUSTRIES)})
    try:
        effective_from = dt.date.fromisoformat((row.get("effective_from") or "").strip())
    except ValueError:
        raise bad("effective_from", _("the day is written 2025-07-01")) from None
    text = (row.get("fen_per_order") or "").strip()
    if not text.isdigit() or len(text) > 6:
        raise bad("fen_per_order", _("the contribution per order is a whole number of fen (0 to 999999)"))
    source = (row.get("source") or "").strip()
    if not source or len(source) > SOURCE_MAX or any(ord(c) < 32 for c in source):
        raise bad("source", _("name the notice (document number and article), at most 300 characters"))
    verified = (row.get("verified") or "").strip().lower()
    if verified not in ("1", "0", "true", "false", "yes", "no"):
        raise bad("verified", _("verified is yes or no"))
    return {"province_code": province, "industry": industry, "effective_from": effective_from,
            "fen_per_order": int(text), "source": source, "verified": verified in ("1", "true", "yes")}


def rates_parse(text: str) -> list[dict]:
    """Rows of a rates CSV (header ``province_code,industry,effective_from,fen_per_order,source,verified``),
    checked; the first row at fault raises ``InvalidInput`` naming its line and column."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != RATE_COLUMNS:
        raise InvalidInput(_("The header is %(columns)s.") % {"columns": ",".join(RATE_COLUMNS)}, field="header",
                           code="injury.invalid_rate")
    rows = []
    for number, row in enumerate(reader, start=2):
        if number - 1 > RATES_MAX_ROWS:
            raise InvalidInput(_("At most %(n)s rates at once.") % {"n": RATES_MAX_ROWS}, field="rows",
                               code="injury.invalid_rate")
        rows.append(_rate_row(row, number))
    return rows


@transaction.atomic
def rates_load(*, actor: User | None, rows: list[dict]) -> list[ContributionRate]:
    """Add dated rates. A rate already loaded for the same province, industry and day is refused when its figures
    differ (a correction is a new dated row). Then every recorded order waiting for a rate that now applies has
    its contribution computed and booked."""
    loaded = []
    for row in rows:
        existing = ContributionRate.objects.filter(province_code=row["province_code"], industry=row["industry"],
                                                   effective_from=row["effective_from"]).first()
        if existing is not None:
            if existing.fen_per_order != row["fen_per_order"] or existing.source != row["source"]:
                raise Conflict(_("A rate for %(province)s %(industry)s from %(day)s is already loaded with other "
                                 "figures; load a correction with a later effective day.")
                               % {"province": row["province_code"], "industry": row["industry"],
                                  "day": row["effective_from"].isoformat()},
                               field="effective_from", code="injury.rate_exists")
            loaded.append(existing)
            continue
        loaded.append(ContributionRate.objects.create(loaded_by=actor, **row))
    audit_record(actor=actor, action="injury.rates_load", target_type="injury_rate", target_id="rates",
                 data={"rows": len(rows)})
    contributions_compute_pending()
    return loaded


def contributions_compute_pending() -> int:
    """Compute the contributions recorded while their rate was not loaded, where one now applies."""
    now = timezone.now()
    done = 0
    for contribution in (Contribution.objects.filter(status=ContributionStatus.RATE_NOT_LOADED)
                         .select_related("order", "platform").order_by("id")):
        rate = selectors.rate_on(province_code=contribution.province_code, industry=contribution.industry,
                                 on=contribution.completed_on)
        if rate is not None:
            _apply_rate(contribution, rate, now=now)
            done += 1
    return done


# --- the monthly report --------------------------------------------------------------------------------


def month_parse(year: object, month: object) -> dt.date:
    if not isinstance(year, int) or isinstance(year, bool) or not 2022 <= year <= 2100:
        raise InvalidInput(_("The year is from 2022 to 2100."), field="year", code="injury.invalid_month")
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        raise InvalidInput(_("The month is from 1 to 12."), field="month", code="injury.invalid_month")
    return dt.date(year, month, 1)


def monthly_report_file(*, actor: User | None, platform: Platform, year: int, month: int,
                        now: dt.datetime | None = None) -> MonthlyReport:
    """Send the month's covered orders, contributions and workers to the city (``injury.monthly_report`` v1),
    once the month has ended; record the filing and its audit row."""
    first = month_parse(year, month)
    today = (now or timezone.now()).astimezone(CITY_TZ).date()
    if today < month_end(first) + dt.timedelta(days=1):
        raise Conflict(_("The month has not ended yet."), field="month", code="injury.month_not_ended")
    summary = selectors.month_summary(platform=platform, month=first)
    if len(summary.workers) > limits.INJURY_REPORT_WORKERS_MAX_ITEMS:
        # Not split in parts yet (tax.quarterly_report is): a month of more workers cannot be sent.
        raise Conflict(_("The month has %(n)s covered workers; one report carries at most %(max)s.")
                       % {"n": len(summary.workers), "max": limits.INJURY_REPORT_WORKERS_MAX_ITEMS},
                       field="month", code="injury.report_too_large")
    report_id = f"INJ-{first:%Y%m}-{uuid.uuid4().hex[:12]}"
    payload = payload_build(
        MESSAGE_TYPE, report_id=report_id, year=first.year, month=first.month,
        orders_covered=summary.orders_covered, contribution_fen=summary.contribution_fen,
        orders_rate_not_loaded=summary.orders_rate_not_loaded,
        workers=[{"worker_key": w.worker_key, "industry": w.industry, "orders_covered": w.orders_covered,
                  "contribution_fen": w.contribution_fen} for w in summary.workers])
    with transaction.atomic():
        report = MonthlyReport.objects.create(
            platform=platform, month=first, report_id=report_id, orders_covered=summary.orders_covered,
            contribution_fen=summary.contribution_fen, workers_covered=len(summary.workers),
            orders_rate_not_loaded=summary.orders_rate_not_loaded, filed_by=actor)
        audit_record(actor=actor, action="injury.monthly_report.file", target_type="injury_report",
                     target_id=report.public_id, platform_id=platform.exchange_id,
                     data={"report_id": report_id, "month": f"{first:%Y-%m}",
                           "orders_covered": summary.orders_covered, "contribution_fen": summary.contribution_fen})
        outbox_enqueue(platform_id=platform.exchange_id, message_type=MESSAGE_TYPE, payload=payload)
    return report
