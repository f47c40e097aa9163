"""The month-end benchmark at a tiny size: the project's month-end run and the hand-written DuckDB query agree to
the fen, in total and worker by worker (no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "month_end.py"


def test_project_month_end_equals_hand_written_duckdb_query(tmp_path):
    out = tmp_path / "out.txt"
    done = subprocess.run([sys.executable, str(BENCH), "--workers", "2000", "--orders", "40000", "--runs", "1",
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    text = out.read_text()
    assert "totals agree to the fen: yes" in text and "per-worker mismatches (withheld, VAT, exempt, guidance, " \
        "contribution): 0" in text
