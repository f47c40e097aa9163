"""The day grain recomputed from the fact store: every envelope the hub accepted is kept whole
(``hub.intake.models.ReceivedMessage``), so the statistics can be built again from them and must come out
as intake built them as the facts arrived (``services.facts_apply`` states the rules).

Three steps: ``facts_table`` reads the received messages into one columnar table (a row per message,
``FACT_SCHEMA``); ``daily_aggregate`` computes the DailyStat and DailyParty rows from it with Polars
(a plain function of a table, also what ``bench/monitoring_recompute.py`` measures against a hand-written
DuckDB query); ``monitoring_recompute`` replaces the rows of a range of days in one transaction.

The whole store is read whatever the range: a completion in the range counts only for an order created
before it, a resolution is in time by its filing, and a party's kind is the one last reported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable

import polars as pl
from django.db import connection, transaction

from sharecity.hub.intake.selectors import received_envelopes
from sharecity.hub.monitoring.models import DailyParty, DailyStat
from sharecity.hub.monitoring.rules import resolution_deadline, sector_of
from sharecity.hub.monitoring.services import DAILY_COUNTERS, city_day

FACT_TYPES = ("subject.registered", "subject.verified", "listing.published", "order.created", "order.state_changed",
              "order.refunded", "review.published", "complaint.filed", "complaint.resolved")
FACT_SCHEMA: dict[str, pl.DataType] = {
    "platform_id": pl.String(), "sequence": pl.Int64(), "type": pl.String(), "day": pl.Date(),
    "district": pl.String(), "sector": pl.String(), "order_id": pl.String(), "complaint_id": pl.String(),
    "state": pl.String(), "amount_fen": pl.Int64(), "refund_fen": pl.Int64(), "deposit_held_fen": pl.Int64(),
    "deposit_returned_fen": pl.Int64(), "deposit_deducted_fen": pl.Int64(), "customer_key": pl.String(),
    "provider_key": pl.String(), "author_role": pl.String(), "rating": pl.Int64(), "subject_key": pl.String(),
    "subject_kind": pl.String(),
}
STAT_KEY = ("day", "platform_id", "district_code", "sector")
PARTY_KEY = (*STAT_KEY, "role", "party_key")
PARTY_COLUMNS = ("is_person", "orders", "income_fen")


def fact_row(platform_id: str, sequence: int, message_type: str, envelope: dict) -> dict:
    """One received message as a row of the facts table (``FACT_SCHEMA``)."""
    payload = envelope["payload"]
    moment = envelope["sent_at"]
    if message_type == "order.state_changed":
        moment = payload.get("changed_at") or moment
    elif message_type == "complaint.resolved":
        moment = payload["resolved_at"]
    elif message_type == "order.refunded":
        moment = payload["refunded_at"]
    kind = payload.get("subject_kind")
    return {
        "platform_id": platform_id, "sequence": sequence, "type": message_type, "day": city_day(moment),
        "district": payload.get("district") or "", "sector": sector_of(payload.get("category")),
        "order_id": payload.get("order_id"), "complaint_id": payload.get("complaint_id"),
        "state": payload.get("state", "confirmed" if message_type == "order.created" else None),
        "amount_fen": payload.get("amount_fen"),
        "refund_fen": payload.get("amount_fen") if message_type == "order.refunded" else payload.get("refund_fen"),
        "deposit_held_fen": payload.get("deposit_held_fen"),
        "deposit_returned_fen": payload.get("deposit_returned_fen"),
        "deposit_deducted_fen": payload.get("deposit_deducted_fen"), "customer_key": payload.get("customer_key"),
        "provider_key": payload.get("provider_key"), "author_role": payload.get("author_role"),
        "rating": payload.get("rating"), "subject_key": payload.get("subject_key"), "subject_kind": kind,
    }


def facts_table(messages: Iterable[tuple[str, int, str, bytes]], *,
                progress: Callable[[int], None] | None = None) -> pl.DataFrame:
    """The facts table of received messages given as (platform id, sequence, type, raw envelope)."""
    columns: dict[str, list] = {name: [] for name in FACT_SCHEMA}
    appenders = [(columns[name].append, name) for name in FACT_SCHEMA]
    for count, (platform_id, sequence, message_type, raw) in enumerate(messages, start=1):
        row = fact_row(platform_id, sequence, message_type, json.loads(bytes(raw)))
        for append, name in appenders:
            append(row[name])
        if progress is not None and count % 10_000 == 0:
            progress(10_000)
    if progress is not None:
        progress(len(columns["sequence"]) % 10_000)
    return pl.DataFrame(columns, schema=FACT_SCHEMA)


def _sum(frame: pl.LazyFrame, **sums: pl.Expr) -> pl.LazyFrame:
    """Each expression per row (a literal becomes a column), summed per day, platform, district and sector."""
    return (frame.select("day", "platform_id", "district", "sector", **sums)
            .group_by("day", "platform_id", "district", "sector").agg(pl.col(name).sum() for name in sums))


def daily_aggregate(facts: pl.DataFrame | pl.LazyFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The DailyStat rows (``STAT_KEY`` and ``DAILY_COUNTERS``) and DailyParty rows (``PARTY_KEY`` and
    ``PARTY_COLUMNS``) the facts make, by the rules of ``services.facts_apply``, sorted by their keys."""
    facts = facts.lazy()
    of = pl.col("type")
    created = (facts.filter(of == "order.created").sort("platform_id", "sequence")
               .unique(subset=["platform_id", "order_id"], keep="first", maintain_order=True))
    orders = created.select("platform_id", "order_id", pl.col("sequence").alias("created_seq"),
                            pl.col("sector").alias("order_sector"), "provider_key")
    changes = facts.filter(of == "order.state_changed")
    # The states an order went through as the hub took them: from its creation on (a change of an order not
    # yet known is not counted); a change counts when it moves the order into another state.
    steps = (pl.concat([created.select("platform_id", "order_id", "sequence", "state", "day", "district", "sector",
                                       "amount_fen"),
                        changes.select("platform_id", "order_id", "sequence", "state", "day", "district", "sector",
                                       "amount_fen")])
             .join(orders, on=["platform_id", "order_id"])
             .filter(pl.col("sequence") >= pl.col("created_seq"))
             .sort("platform_id", "order_id", "sequence")
             .with_columns(previous=pl.col("state").shift(1).over("platform_id", "order_id"))
             .filter(pl.col("sequence") > pl.col("created_seq"), pl.col("state") != pl.col("previous")))
    completions = steps.filter(pl.col("state") == "completed")
    zero = pl.lit(0, dtype=pl.Int64)
    # A refund outside a state change (order.refunded) is money back as a state change's refund_fen is.
    money = facts.filter(of.is_in(["order.state_changed", "order.refunded"]),
                         (pl.col("refund_fen").fill_null(0) + pl.col("deposit_held_fen").fill_null(0)
                          + pl.col("deposit_returned_fen").fill_null(0)
                          + pl.col("deposit_deducted_fen").fill_null(0)) != 0)
    reviews = (facts.filter(of == "review.published", pl.col("author_role") == "customer")
               .join(orders, on=["platform_id", "order_id"], how="left")
               .with_columns(sector=pl.when(pl.col("created_seq") < pl.col("sequence"))
                             .then(pl.col("order_sector")).otherwise(pl.lit(""))))
    filed = (facts.filter(of == "complaint.filed").sort("platform_id", "sequence")
             .unique(subset=["platform_id", "complaint_id"], keep="first", maintain_order=True)
             .join(orders, on=["platform_id", "order_id"], how="left")
             .with_columns(sector=pl.when(pl.col("created_seq") < pl.col("sequence"))
                           .then(pl.col("order_sector")).otherwise(pl.lit(""))))
    resolved = (facts.filter(of == "complaint.resolved").sort("platform_id", "sequence")
                .unique(subset=["platform_id", "complaint_id"], keep="first", maintain_order=True)
                .join(filed.select("platform_id", "complaint_id", pl.col("sequence").alias("filed_seq"),
                                   pl.col("day").alias("filed_on"), pl.col("sector").alias("filed_sector")),
                      on=["platform_id", "complaint_id"], how="left")
                .with_columns(known=pl.col("filed_seq") < pl.col("sequence")))
    filed_days = resolved.filter(pl.col("known")).select("filed_on").unique().collect()["filed_on"].to_list()
    deadlines = pl.LazyFrame({"filed_on": filed_days, "deadline": [resolution_deadline(day) for day in filed_days]},
                             schema={"filed_on": pl.Date(), "deadline": pl.Date()})
    resolved = (resolved.join(deadlines, on="filed_on", how="left")
                .with_columns(sector=pl.when(pl.col("known")).then(pl.col("filed_sector")).otherwise(pl.lit("")),
                              in_time=(pl.col("known").fill_null(False)
                                       & (pl.col("day") <= pl.col("deadline")).fill_null(False)).cast(pl.Int64)))
    one = pl.lit(1, dtype=pl.Int64)
    parts = [
        _sum(facts.filter(of == "listing.published"), listings_published=one),
        _sum(created, orders=one),
        _sum(completions, completed=one, turnover_fen=pl.col("amount_fen")),
        _sum(steps.filter(pl.col("state") == "cancelled"), cancelled=one),
        _sum(money, refunds_fen=pl.col("refund_fen").fill_null(0),
             deposits_held_fen=pl.col("deposit_held_fen").fill_null(0),
             deposits_returned_fen=pl.col("deposit_returned_fen").fill_null(0),
             deposits_deducted_fen=pl.col("deposit_deducted_fen").fill_null(0)),
        _sum(reviews, ratings=one, rating_sum=pl.col("rating")),
        _sum(filed, complaints=one),
        _sum(resolved, complaints_resolved=one, complaints_resolved_in_time=pl.col("in_time")),
    ]
    stats = (pl.concat(parts, how="diagonal")
             .group_by("day", "platform_id", "district", "sector")
             .agg(*(pl.col(name).fill_null(0).sum().cast(pl.Int64) for name in DAILY_COUNTERS))
             .rename({"district": "district_code"})
             .select(*STAT_KEY, *DAILY_COUNTERS).sort(*STAT_KEY))
    kinds = (facts.filter(of.is_in(["subject.registered", "subject.verified"])).sort("platform_id", "sequence")
             .group_by("platform_id", "subject_key").agg(pl.col("subject_kind").last())
             .select("platform_id", pl.col("subject_key").alias("party_key"),
                     is_person=pl.col("subject_kind") == "person"))
    activity = pl.concat([
        created.select("day", "platform_id", "district", "sector", role=pl.lit("provider"),
                       party_key="provider_key", orders=one, income_fen=zero),
        created.select("day", "platform_id", "district", "sector", role=pl.lit("customer"),
                       party_key="customer_key", orders=one, income_fen=zero),
        completions.select("day", "platform_id", "district", "sector", role=pl.lit("provider"),
                           party_key="provider_key", orders=zero, income_fen="amount_fen"),
    ])
    parties = (activity.group_by("day", "platform_id", "district", "sector", "role", "party_key")
               .agg(pl.col("orders").sum().cast(pl.Int64), pl.col("income_fen").sum().cast(pl.Int64))
               .join(kinds, on=["platform_id", "party_key"], how="left")
               .rename({"district": "district_code"})
               .select(*PARTY_KEY, *PARTY_COLUMNS).sort(*PARTY_KEY))
    return stats.collect(), parties.collect()


def monitoring_recompute(*, start: dt.date | None = None, end: dt.date | None = None,
                         progress: Callable[[int], None] | None = None,
                         total: Callable[[int], None] | None = None) -> dict[str, int]:
    """Replace the DailyStat and DailyParty rows of days ``start`` to ``end`` (inclusive; None: open) with
    those recomputed from every received message, in one transaction. Intake's writes to these tables
    wait meanwhile (PostgreSQL: a table lock taken before the messages are read), so none is lost."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {DailyStat._meta.db_table}, {DailyParty._meta.db_table} "
                               "IN SHARE ROW EXCLUSIVE MODE")
        count, messages = received_envelopes(message_types=FACT_TYPES)
        if total is not None:
            total(count)
        stats, parties = daily_aggregate(facts_table(messages, progress=progress))
        in_range = pl.lit(True)
        if start is not None:
            in_range = in_range & (pl.col("day") >= start)
        if end is not None:
            in_range = in_range & (pl.col("day") <= end)
        stats, parties = stats.filter(in_range), parties.filter(in_range)
        days = {"day__gte": start} if start is not None else {}
        if end is not None:
            days["day__lte"] = end
        DailyStat.objects.filter(**days).delete()
        DailyParty.objects.filter(**days).delete()
        DailyStat.objects.bulk_create([DailyStat(**row) for row in stats.iter_rows(named=True)], batch_size=2000)
        DailyParty.objects.bulk_create([DailyParty(**row) for row in parties.iter_rows(named=True)], batch_size=2000)
    return {"messages": count, "daily_stats": stats.height, "daily_parties": parties.height}
