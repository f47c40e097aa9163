"""The exchange latency benchmark runs end to end at a tiny rate (the full run is bench/README.md's):
the market services' activity and the reported facts reach the hub, every message arrives, and
percentiles are reported. No timing is asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.harness import database_url

pytestmark = [pytest.mark.nats, pytest.mark.postgres]

BENCH = Path(__file__).resolve().parents[2] / "bench" / "exchange_latency.py"


def test_latency_bench_smoke(tmp_path, nats_server_binary):
    # A database of its own beside the test database (the bench resets what it is given).
    url = database_url().rsplit("/", 1)[0] + "/sharecity_bench_latency_smoke"
    output = tmp_path / "latency.txt"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--seconds", "5", "--warmup", "1", "--baseline-rate", "3", "--rate", "12",
         "--service-rate", "4", "--flood-seconds", "0", "--platforms", "2", "--producers", "1",
         "--reporting-platforms", "2", "--relays", "1", "--workers", "1", "--database-url", url,
         "--var-dir", str(tmp_path), "--output", str(output)],
        capture_output=True, text=True, timeout=400, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for phase in ("baseline", "busy evening"):
        line = re.search(rf"^{phase} +\(.*?\): p50 [\d,]+ ms  p90 [\d,]+ ms  p99 [\d,]+ ms  max [\d,]+ ms  "
                         rf"\(([\d,]+) of ([\d,]+) messages", done.stdout, flags=re.MULTILINE)
        assert line, done.stdout[-3000:]
        applied, committed = (int(n.replace(",", "")) for n in line.groups())
        assert applied == committed > 0  # every message of the window arrived
    # Made by the market services and reported through the outbox, both; what is reported is the
    # simulated city's messages, every one of them accepted by the hub (none quarantined, below).
    assert re.search(r"actions: .*order \d+", done.stdout) and "reported facts" in done.stdout
    assert "the reporting platforms replay `sharecity simulate`" in output.read_text()
    assert re.search(r"check: ([\d,]+) received, \1 distinct, \1 committed, 0 quarantined: ok", done.stdout)
    assert "goal p99 < 1 s at the busy-evening rate:" in output.read_text()
