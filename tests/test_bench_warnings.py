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
    assert set(rows) == {*bench.TARGETS, "unlicensed+register", "outlier", *bench.AGGREGATES}
    reposted = rows["reposted_listing"]
    assert reposted["labels"] > 0 and reposted["warnings"] > 0 and reposted["precision"] is not None
    text = bench.table(result)
    assert "reposted_listing" in text and "precision" in text


def test_an_aggregate_warning_is_true_when_half_its_evidence_is_labelled():
    """The scoring of the complaint-rate and cancellation-burst rules: by the labelled share of the evidence."""
    from types import SimpleNamespace

    spec = importlib.util.spec_from_file_location("warning_rules_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    complaint = SimpleNamespace
    facts = SimpleNamespace(
        complaints=[complaint(platform_id="p1", complaint_id=f"c{n}", order_id=f"o{n}") for n in range(6)],
        orders={("p1", f"o{n}"): SimpleNamespace(cancelled_at=None if n < 6 else "yes") for n in range(10)})
    failure = SimpleNamespace(kind="service_failure", details={"orders": ["o0", "o1", "o2"]})
    wave = SimpleNamespace(kind="cancellation_wave", details={"orders": ["o6", "o7"]})
    warnings = [
        # two of four complaints on the failure's orders: true, and it finds the failure
        SimpleNamespace(rule="complaint_rate", evidence=[{"ref": f"p1/c{n}"} for n in (0, 1, 4, 5)]),
        # one of three: a false alarm
        SimpleNamespace(rule="complaint_rate", evidence=[{"ref": f"p1/c{n}"} for n in (2, 4, 5)]),
        SimpleNamespace(rule="cancellation_burst", evidence=[{"ref": "p1/o8"}, {"ref": "p1/o9"}, {"ref": "p1/o6"}]),
    ]
    rows = {row["rule"]: row for row in bench._aggregate_rows(facts, [failure, wave], warnings)}
    assert (rows["complaint_rate"]["true"], rows["complaint_rate"]["precision"]) == (1, 0.5)
    assert rows["complaint_rate"]["recall"] == 1.0 and rows["complaint_rate"]["random"] == 0.5
    assert (rows["cancellation_burst"]["true"], rows["cancellation_burst"]["recall"]) == (0, 0.0)
    assert rows["cancellation_burst"]["random"] == 0.5
