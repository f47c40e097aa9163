"""Monitoring recomputation over a year of a city's facts: the project's aggregate (Polars,
``hub.monitoring.recompute.daily_aggregate``, what ``sharecity manage monitoring_recompute`` runs) against a
hand-written DuckDB query of the same aggregates, on the same Parquet file; both must give equal rows.

    uv run python bench/monitoring_recompute.py [--rows 20000000] [--runs 3] [--out bench/last_run_monitoring.txt]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import duckdb

DISTRICTS = ("350203", "350205", "350206", "350211", "350212", "350213")
SECTORS = ("production", "research", "skills", "talent", "education", "medical", "parking", "lodging",
           "housekeeping", "elderly_care", "child_care", "catering", "idle_goods", "culture_sports")

# Ten rows tell one order's story and the facts around it (row i: group g = i // 10, step j = i % 10).
GENERATE = """
COPY (
  WITH r AS (SELECT i, i // 10 AS g, i % 10 AS j FROM range({rows}) t(i))
  SELECT
    'p' || (g % 20) AS platform_id,
    i AS sequence,
    CASE j WHEN 0 THEN 'order.created' WHEN 1 THEN 'order.state_changed' WHEN 2 THEN 'order.state_changed'
           WHEN 3 THEN 'order.state_changed' WHEN 4 THEN 'review.published'
           WHEN 5 THEN CASE WHEN g % 20 = 0 THEN 'complaint.filed' ELSE 'listing.published' END
           WHEN 6 THEN CASE WHEN g % 20 = 0 THEN 'complaint.resolved' ELSE 'review.published' END
           WHEN 7 THEN 'subject.registered' WHEN 8 THEN 'subject.verified' ELSE 'order.state_changed' END AS type,
    CAST(DATE '2025-01-01' + CAST(g * 365 // {groups} + CASE WHEN j = 6 THEN g % 90 ELSE 0 END AS INTEGER)
         AS DATE) AS day,
    {districts}[1 + g % 6] AS district,
    CASE WHEN j IN (4, 5, 6, 7, 8) AND NOT (j = 5 AND g % 20 <> 0) THEN NULL
         ELSE {sectors}[1 + g % 14] END AS sector,
    CASE WHEN j IN (0, 1, 2, 3, 4, 5, 6, 9) THEN 'o' || g END AS order_id,
    CASE WHEN j IN (5, 6) AND g % 20 = 0 THEN 'c' || g END AS complaint_id,
    CASE j WHEN 0 THEN 'confirmed' WHEN 1 THEN 'paid'
           WHEN 2 THEN CASE WHEN g % 10 = 0 THEN 'cancelled' ELSE 'completed' END
           WHEN 3 THEN CASE WHEN g % 7 = 0 THEN 'completed' ELSE 'refunded' END
           WHEN 9 THEN 'refunded' END AS state,
    CASE WHEN j IN (0, 1, 2, 3, 9) THEN CAST(1000 + (g * 37) % 50000 AS BIGINT) END AS amount_fen,
    CASE WHEN j = 3 AND g % 7 <> 0 THEN CAST(100 + g % 900 AS BIGINT) END AS refund_fen,
    CASE WHEN j = 1 AND g % 4 = 0 THEN CAST(5000 AS BIGINT) END AS deposit_held_fen,
    CASE WHEN j = 9 AND g % 4 = 0 THEN CAST(5000 - (g % 3) * 1000 AS BIGINT) END AS deposit_returned_fen,
    CASE WHEN j = 9 AND g % 4 = 0 THEN CAST((g % 3) * 1000 AS BIGINT) END AS deposit_deducted_fen,
    CASE WHEN j = 0 THEN 'cust' || (g % 200000) END AS customer_key,
    CASE WHEN j = 0 THEN 'prov' || (g % 50000) END AS provider_key,
    CASE j WHEN 4 THEN 'customer' WHEN 6 THEN 'provider' END AS author_role,
    CASE WHEN j IN (4, 6) THEN CAST(1 + g % 5 AS BIGINT) END AS rating,
    CASE j WHEN 7 THEN 'prov' || (g % 50000) WHEN 8 THEN 'cust' || (g % 200000) END AS subject_key,
    CASE j WHEN 7 THEN CASE WHEN g % 9 = 0 THEN 'business' ELSE 'person' END WHEN 8 THEN 'person' END
      AS subject_kind
  FROM r
) TO '{path}' (FORMAT parquet)
"""

# Every order's first report and its later state changes in sequence: both hand-written queries start here.
_ORDER_STEPS = """
WITH f AS (SELECT * FROM read_parquet('{path}')),
created AS (
  SELECT * FROM f WHERE type = 'order.created'
  QUALIFY row_number() OVER (PARTITION BY platform_id, order_id ORDER BY sequence) = 1),
steps AS (
  SELECT s.*, c.sequence AS created_seq, c.provider_key AS order_provider,
         lag(s.state) OVER (PARTITION BY s.platform_id, s.order_id ORDER BY s.sequence) AS previous
  FROM (SELECT platform_id, order_id, sequence, state, day, district, sector, amount_fen FROM created
        UNION ALL
        SELECT platform_id, order_id, sequence, state, day, district, sector, amount_fen
        FROM f WHERE type = 'order.state_changed') s
  JOIN created c ON c.platform_id = s.platform_id AND c.order_id = s.order_id
  WHERE s.sequence >= c.sequence),
"""

# The same aggregates by hand, in one DuckDB query (the rules of hub.monitoring.services.facts_apply).
HAND_WRITTEN = """{order_steps}moved AS (SELECT * FROM steps WHERE sequence > created_seq AND state <> previous),
filed AS (
  SELECT x.platform_id, x.complaint_id, x.sequence, x.day, x.district,
         CASE WHEN c.sequence < x.sequence THEN c.sector ELSE '' END AS sector
  FROM (SELECT * FROM f WHERE type = 'complaint.filed'
        QUALIFY row_number() OVER (PARTITION BY platform_id, complaint_id ORDER BY sequence) = 1) x
  LEFT JOIN created c ON c.platform_id = x.platform_id AND c.order_id = x.order_id),
resolved AS (
  SELECT r.day, r.platform_id, r.district,
         CASE WHEN fi.sequence < r.sequence THEN fi.sector ELSE '' END AS sector,
         CASE WHEN fi.sequence < r.sequence AND r.day <= d.deadline THEN 1 ELSE 0 END AS in_time
  FROM (SELECT * FROM f WHERE type = 'complaint.resolved'
        QUALIFY row_number() OVER (PARTITION BY platform_id, complaint_id ORDER BY sequence) = 1) r
  LEFT JOIN filed fi ON fi.platform_id = r.platform_id AND fi.complaint_id = r.complaint_id
  LEFT JOIN deadlines d ON d.filed_on = fi.day),
parts AS (
  SELECT day, platform_id, district, sector, 1 AS listings_published FROM f WHERE type = 'listing.published'
  UNION ALL BY NAME SELECT day, platform_id, district, sector, 1 AS orders FROM created
  UNION ALL BY NAME SELECT day, platform_id, district, sector, 1 AS completed, amount_fen AS turnover_fen
    FROM moved WHERE state = 'completed'
  UNION ALL BY NAME SELECT day, platform_id, district, sector, 1 AS cancelled FROM moved WHERE state = 'cancelled'
  UNION ALL BY NAME SELECT day, platform_id, district, sector, coalesce(refund_fen, 0) AS refunds_fen,
    coalesce(deposit_held_fen, 0) AS deposits_held_fen, coalesce(deposit_returned_fen, 0) AS deposits_returned_fen,
    coalesce(deposit_deducted_fen, 0) AS deposits_deducted_fen
    FROM f WHERE type = 'order.state_changed'
      AND coalesce(refund_fen, 0) + coalesce(deposit_held_fen, 0) + coalesce(deposit_returned_fen, 0)
          + coalesce(deposit_deducted_fen, 0) <> 0
  UNION ALL BY NAME SELECT v.day, v.platform_id, v.district,
    CASE WHEN c.sequence < v.sequence THEN c.sector ELSE '' END AS sector, 1 AS ratings, v.rating AS rating_sum
    FROM f v LEFT JOIN created c ON c.platform_id = v.platform_id AND c.order_id = v.order_id
    WHERE v.type = 'review.published' AND v.author_role = 'customer'
  UNION ALL BY NAME SELECT day, platform_id, district, sector, 1 AS complaints FROM filed
  UNION ALL BY NAME SELECT day, platform_id, district, sector, 1 AS complaints_resolved,
    in_time AS complaints_resolved_in_time FROM resolved)
SELECT day, platform_id, district AS district_code, sector,
  {sums}
FROM parts GROUP BY ALL ORDER BY day, platform_id, district_code, sector
"""

HAND_WRITTEN_PARTIES = """{order_steps}kinds AS (
  SELECT platform_id, subject_key, arg_max(subject_kind, sequence) = 'person' AS is_person FROM f
  WHERE type IN ('subject.registered', 'subject.verified') GROUP BY ALL),
activity AS (
  SELECT day, platform_id, district, sector, 'provider' AS role, provider_key AS party_key, 1 AS orders,
         0 AS income_fen FROM created
  UNION ALL SELECT day, platform_id, district, sector, 'customer', customer_key, 1, 0 FROM created
  UNION ALL SELECT day, platform_id, district, sector, 'provider', order_provider, 0, amount_fen FROM steps
    WHERE sequence > created_seq AND state <> previous AND state = 'completed')
SELECT a.day, a.platform_id, a.district AS district_code, a.sector, a.role, a.party_key, k.is_person,
       sum(a.orders)::BIGINT AS orders, sum(a.income_fen)::BIGINT AS income_fen
FROM activity a LEFT JOIN kinds k ON k.platform_id = a.platform_id AND k.subject_key = a.party_key
GROUP BY ALL ORDER BY a.day, a.platform_id, district_code, a.sector, a.role, a.party_key
"""


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sharecity.settings")
    import django

    django.setup()


def generate(path: Path, rows: int) -> float:
    began = time.perf_counter()
    districts = "[" + ", ".join(f"'{code}'" for code in DISTRICTS) + "]"
    sectors = "[" + ", ".join(f"'{code}'" for code in SECTORS) + "]"
    duckdb.sql(GENERATE.format(rows=rows, groups=max(rows // 10, 1), districts=districts, sectors=sectors,
                               path=path))
    return time.perf_counter() - began


def project(path: Path):
    import polars as pl

    from sharecity.hub.monitoring.recompute import daily_aggregate

    stats, parties = daily_aggregate(pl.scan_parquet(path))
    return list(stats.iter_rows()), list(parties.iter_rows())


def hand_written(path: Path):
    from sharecity.hub.monitoring.rules import resolution_deadline
    from sharecity.hub.monitoring.services import DAILY_COUNTERS

    con = duckdb.connect()
    days = [row[0] for row in con.sql(
        f"SELECT DISTINCT day FROM read_parquet('{path}') WHERE type = 'complaint.filed'").fetchall()]  # noqa: S608
    con.execute("CREATE TABLE deadlines (filed_on DATE, deadline DATE)")
    if days:
        con.executemany("INSERT INTO deadlines VALUES (?, ?)", [(day, resolution_deadline(day)) for day in days])
    sums = ", ".join(f"coalesce(sum({name}), 0)::BIGINT AS {name}" for name in DAILY_COUNTERS)
    stats = con.sql(HAND_WRITTEN.format(order_steps=_ORDER_STEPS.format(path=path), path=path, sums=sums)).fetchall()
    parties = con.sql(HAND_WRITTEN_PARTIES.format(order_steps=_ORDER_STEPS.format(path=path), path=path)).fetchall()
    return stats, parties


def timed(function, path: Path, runs: int):
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = function(path)
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def run(rows: int, runs: int, path: Path) -> dict:
    import logging

    logging.getLogger("sharecity.kernel.workdays").setLevel(logging.ERROR)
    generated = generate(path, rows)
    project_time, ours = timed(project, path, runs)
    hand_time, theirs = timed(hand_written, path, runs)
    return {"rows": rows, "runs": runs, "generate_s": generated, "project_s": project_time, "duckdb_s": hand_time,
            "equal": ours == theirs, "daily_stats": len(ours[0]), "daily_parties": len(ours[1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--parquet", default="/tmp/sharecity_monitoring_facts.parquet")  # noqa: S108
    parser.add_argument("--out", default=str(Path(__file__).with_name("last_run_monitoring.txt")))
    args = parser.parse_args()
    setup_django()
    result = run(args.rows, args.runs, Path(args.parquet))
    lines = [
        f"monitoring recomputation, {result['rows']:,} fact rows (a year of a city), median of {result['runs']} runs",
        f"  generated with DuckDB into Parquet in {result['generate_s']:.1f} s",
        f"  project (Polars, daily_aggregate):       {result['project_s']:.2f} s",
        f"  hand-written DuckDB SQL (same aggregates): {result['duckdb_s']:.2f} s",
        f"  ratio project / DuckDB: {result['project_s'] / result['duckdb_s']:.2f}",
        f"  equal results: {result['equal']} ({result['daily_stats']:,} DailyStat rows, "
        f"{result['daily_parties']:,} DailyParty rows)",
        f"  command: uv run python bench/monitoring_recompute.py --rows {result['rows']} --runs {result['runs']}",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    Path(args.out).write_text(text, encoding="utf-8")
    if not result["equal"]:
        sys.exit("the project's aggregate and the hand-written query disagree")


if __name__ == "__main__":
    main()
