"""The exchange benchmark runs end to end on a small load (the full run is bench/README.md's)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.harness import database_url

pytestmark = [pytest.mark.nats, pytest.mark.postgres]

BENCH = Path(__file__).resolve().parents[2] / "bench" / "exchange_throughput.py"
FAULTS = BENCH.with_name("exchange_faults.py")


def test_bench_smoke(tmp_path, nats_server_binary):
    # A database of its own beside the test database (the bench resets what it is given).
    url = database_url().rsplit("/", 1)[0] + "/sharecity_bench_smoke"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--messages", "3000", "--platforms", "4", "--paced-seconds", "2",
         "--paced-rate", "200", "--copy-repeats", "1", "--database-url", url, "--var-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=240, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "0 quarantined: ok" in done.stdout
    assert re.search(r"pipeline \(NATS JetStream -> PostgreSQL\): [\d,]+ msg/s", done.stdout)
    assert re.search(r"ratio pipeline / COPY: +[\d.]+%", done.stdout)
    assert re.search(r"commit -> applied, paced [\d,]+/s: +p50 \d+ ms", done.stdout)


def test_faults_bench_smoke(tmp_path, nats_server_binary):
    # Every kind of fault once (relay, intake, both, nats) on a small stream; every check must pass.
    url = database_url().rsplit("/", 1)[0] + "/sharecity_bench_faults_smoke"
    done = subprocess.run(
        [sys.executable, str(FAULTS), "--messages", "6000", "--platforms", "4", "--every", "1.5",
         "--write-rate", "400", "--database-url", url, "--var-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    faults = re.search(r"faults injected: (\d+) \((\d+) relay, (\d+) intake, (\d+) both, (\d+) nats\)", done.stdout)
    assert faults and all(int(n) >= 1 for n in faults.groups()), done.stdout[-3000:]
    checks = re.findall(r"^  (ok  |FAIL) (.+?):", done.stdout, flags=re.MULTILINE)
    assert len(checks) == 6 and all(status == "ok  " for status, _ in checks), done.stdout[-3000:]
