"""The warning-rules benchmark at a tiny size: a two-day simulated city is scanned and every rule gets its row,
scored against the simulator's labels."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "warning_rules.py"


@pytest.mark.django_db
def test_the_bench_scores_every_rule_against_the_labels():
    spec = importlib.util.spec_from_file_location("warning_rules_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.measure(days=2, scale=0.03, seed=11, misconduct={"reposts_per_day": 4, "price_fraud_per_day": 4})
    rows = {row["rule"]: row for row in result["rows"]}
    assert set(rows) == {*bench.TARGETS, "unlicensed+register", "outlier", *bench.NO_LABEL}
    reposted = rows["reposted_listing"]
    assert reposted["labels"] > 0 and reposted["warnings"] > 0 and reposted["precision"] is not None
    text = bench.table(result)
    assert "reposted_listing" in text and "precision" in text
