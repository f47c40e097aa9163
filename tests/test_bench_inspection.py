"""The inspection-draw benchmark at a tiny size: a simulated city, a plan committed through the hub, weighted
and uniform draws of the same size compared against the simulator's labels."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "inspection_draw.py"


@pytest.mark.django_db(transaction=True)
def test_weighted_and_uniform_draws_are_compared_on_a_tiny_simulated_city():
    from tests.seeds import migration_seeds_restore

    migration_seeds_restore()  # a transactional test before this one may have flushed the seeded rules
    spec = importlib.util.spec_from_file_location("inspection_draw_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(days=2, scale=0.02, seed=1, draws=5)
    assert result["pool"] > 0 and result["draws"] == 5
    assert 0 < result["draw_size"] <= result["pool"]
    assert result["labels"] > 0 and result["violators_in_pool"] <= result["violators"]
    for name in ("weighted", "uniform"):
        assert 1 <= result["medians"][name]["first"] <= result["draw_size"] + 1
    text = bench.report(result)
    assert "ratio weighted/uniform" in text and f"draw size {result['draw_size']}" in text
    # And again with the hub's risk warnings pointing the plan at the providers they name.
    signals = result["with_signals"]
    assert signals["pool"] >= result["pool"] and signals["draws"] == 5
    assert "with the hub's risk warnings as signals" in text
