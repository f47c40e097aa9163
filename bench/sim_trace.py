"""The simulated city's exchange messages as a trace, for the benchmarks to replay.

``sharecity simulate`` drives the market's services, which cost tens of ms of CPU per step: on a
2-core host it makes a few dozen messages a second, far from a city's evening rate. What the hub
sees of it, though, is the platforms' messages. This records them once (every uplink outbox row of
a simulated run, in commit order: registrations of providers, listings, orders and their states,
deposits, reviews, complaints, and the injected misconduct) so that ``exchange_latency.py`` can
have any number of platforms report that same city's life through the exchange at any rate, as a
platform's own system reports it through the kernel's outbox.

    uv run python bench/sim_trace.py                       # 2 days of Xiamen at scale 0.5, seed 1
    uv run python bench/sim_trace.py --days 1 --scale 0.05 --output /tmp/trace.jsonl.gz

The trace is a gzip'd JSON-lines file: a header ({"trace": ..., the run's options and counts}), then
one [message_type, schema_version, payload] per message. The run happens in a private SQLite
database under a temporary directory.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TRACE = Path(__file__).resolve().parent / "data" / "sim_trace.jsonl.gz"
# A platform's own registration and key are the replaying platform's, not the recorded one's.
NOT_REPLAYED = ("platform.registered", "platform.key_rotated")
# Identifiers a platform gives its things: made distinct per replay (a suffix), so that a trace
# replayed again, or by the same platform in another phase, is new activity and not a duplicate.
# Party keys stay: the same people come back.
IDENTIFIER_FIELDS = ("listing_id", "order_id", "review_id", "complaint_id", "incident_id", "decision_id",
                     "report_id")


def record(*, days: int, seed: int, scale: float, city: str, output: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="sharecity-trace-") as var_dir:
        env = {key: value for key, value in os.environ.items() if key != "SHARECITY_DATABASE_URL"}
        env.update(SHARECITY_VAR_DIR=var_dir, SHARECITY_BUS="local")
        began = time.monotonic()
        subprocess.run([str(Path(sys.executable).parent / "sharecity"), "simulate", "--days", str(days), "--seed",
                        str(seed), "--scale", str(scale), "--city", city], env=env, check=True, cwd=ROOT)
        seconds = time.monotonic() - began
        database = sqlite3.connect(Path(var_dir) / "sharecity.sqlite3")
        rows = database.execute(
            "SELECT message_type, schema_version, payload FROM kernel_outboxmessage WHERE direction = 'up' "
            "ORDER BY id").fetchall()
        database.close()
    kept = [(kind, version, json.loads(payload)) for kind, version, payload in rows if kind not in NOT_REPLAYED]
    header = {"trace": "sharecity simulate", "city": city, "days": days, "seed": seed, "scale": scale,
              "messages": len(kept), "kinds": dict(Counter(kind for kind, _, _ in kept).most_common()),
              "simulated_in_seconds": round(seconds, 1)}
    output.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(output, "wt", encoding="utf-8") as out:
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        for row in kept:
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    return header


def load(path: Path = DEFAULT_TRACE) -> tuple[dict, list[tuple[str, int, dict]]]:
    with gzip.open(path, "rt", encoding="utf-8") as source:
        header = json.loads(source.readline())
        messages = [tuple(json.loads(line)) for line in source if line.strip()]
    return header, messages  # type: ignore[return-value]


def renamed(payload: dict, suffix: str) -> dict:
    """The payload with the platform's identifiers made distinct by ``suffix``."""
    return {key: (f"{value}~{suffix}" if key in IDENTIFIER_FIELDS and isinstance(value, str) else value)
            for key, value in payload.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=0.5)
    parser.add_argument("--city", default="xiamen")
    parser.add_argument("--output", type=Path, default=DEFAULT_TRACE)
    args = parser.parse_args()
    header = record(days=args.days, seed=args.seed, scale=args.scale, city=args.city, output=args.output)
    print(json.dumps(header, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
