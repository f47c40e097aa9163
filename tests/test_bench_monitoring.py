"""The recomputation benchmark at a tiny size: the project's aggregate and the hand-written DuckDB query agree."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "monitoring_recompute.py"


def test_project_aggregate_equals_hand_written_duckdb_query(tmp_path):
    spec = importlib.util.spec_from_file_location("monitoring_recompute_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(5_000, 1, tmp_path / "facts.parquet")
    assert result["equal"] and result["daily_stats"] > 0 and result["daily_parties"] > 0
