"""Exchange under faults, at scale: SIGKILL relays and intakes, kill and restart nats-server,
while the platforms keep reporting; then prove nothing was lost, duplicated or altered.

The production path as in ``exchange_throughput.py`` (real ``sharecity worker relay`` and
``sharecity worker intake`` processes, a private nats-server, PostgreSQL): half of
``--messages`` is in the outbox when the workers start, the other half is written while
they run, at ``--write-rate`` facts per second. Every ``--every`` seconds one fault is
injected, in turn:

- ``relay``: one relay process is killed with SIGKILL and started again;
- ``intake``: one intake process, the same;
- ``both``: every relay and intake process at once;
- ``nats``: nats-server is killed with SIGKILL and started again on the same port and store
  after ``--nats-down`` seconds (the workers reconnect by themselves).

Faults go on until every fact is applied, and at least ``--rounds`` of each kind were injected.
Then it checks and reports:

- by count: the hub received exactly as many messages as the platforms committed, each
  message id once, each (platform, sequence) once, nothing quarantined;
- by checksum: SHA-256 over (platform, sequence, message id, type, SHA-256 of the canonical
  payload) of every message, on the platforms' side (outbox) and as the hub stored it;
- the chains: each platform's last sequence and hash agree on both sides;
- the read models: one order fact per ``order.created`` and the bookings counted once;
- how many messages the relays handed to NATS more than once (the faults' re-sends, which
  intake must drop) and, per kind of fault, how long the hub applied nothing after it
  (median and max).

    uv run python bench/exchange_faults.py                            # 200,000 messages, 20 platforms
    uv run python bench/exchange_faults.py --messages 50000 --every 3

Needs PostgreSQL (``--database-url``; created if missing and reset) and Debian's nats-server.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import exchange_throughput as base  # the same set-up, facts and processes

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/sharecity_bench_faults"
FAULTS = ("relay", "intake", "both", "nats")
log = base.log


class Nats:
    """A private nats-server that can be killed and started again on the same port and store."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.port = base.free_port()
        self.process: subprocess.Popen | None = None
        self.url = f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = base.shutil.which("nats-server") or "/usr/sbin/nats-server"
        self.process = subprocess.Popen([binary, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd",
                                         str(self.store)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("nats-server did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


class Workers(base.Processes):
    """The bench's worker processes, each of which can be killed (SIGKILL) and started again."""

    def __init__(self, args, bus: str) -> None:
        super().__init__(args, bus)
        self.partitions: list[str] = []
        self.kills = 0

    def kill_and_restart(self, index: int) -> None:
        process = self.running[index]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        self.kills += 1
        name = self.names[index]
        partition = self.partitions[index]
        extra = {"SHARECITY_INTAKE_PARTITION": partition} if partition else {}
        self.start(name, **extra)
        # start() appended the new process: put it in the old one's place.
        self.running[index] = self.running.pop()
        self.names[index] = self.names.pop()
        self.partitions[index] = self.partitions.pop()

    def start(self, name: str, **env: str) -> None:
        super().start(name, **env)
        self.partitions.append(env.get("SHARECITY_INTAKE_PARTITION", ""))

    def indexes(self, name: str) -> list[int]:
        return [i for i, kind in enumerate(self.names) if kind == name]


def writer(platform_ids: list[str], total: int, rate: float, maker: base.FactMaker, done: threading.Event) -> None:
    """The platforms keep reporting: ``total`` facts at ``rate`` per second, in commits every 0.1 s."""
    from django.db import connection

    tick = 0.1
    per_tick = max(1, round(rate * tick))
    written, began, i = 0, time.monotonic(), 0
    try:
        while written < total:
            size = min(per_tick, total - written)
            base.outbox_fill(platform_ids, size, maker)
            written += size
            i += 1
            delay = began + i * tick - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    finally:
        connection.close()
        done.set()


def wait_for_flow(previous: int, *, within: float, total: int) -> float | None:
    """Seconds until the hub has applied more than ``previous`` messages, or all ``total`` (None if
    it did not within ``within`` seconds)."""
    began = time.monotonic()
    while time.monotonic() - began < within:
        applied = base.applied_count()
        if applied > previous or applied >= total:
            return time.monotonic() - began
        time.sleep(0.05)
    return None


def scalar(sql: str):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def checksums() -> tuple[tuple[int, str], tuple[int, str]]:
    """(count, SHA-256) over (platform, sequence, message id, type, payload hash): committed, stored."""
    from django.db import connection

    from sharecity.exchange.envelope import canonical_json

    def digest(rows) -> tuple[int, str]:
        hasher, count = hashlib.sha256(), 0
        for row in sorted(rows):
            hasher.update(repr(row).encode())
            count += 1
        return count, hasher.hexdigest()

    with connection.cursor() as cursor:
        cursor.execute("SELECT platform_id, sequence, message_id::text, message_type, payload::text "
                       "FROM kernel_outboxmessage WHERE direction = 'up'")
        committed = digest((p, s, m, t, hashlib.sha256(canonical_json(json.loads(payload))).hexdigest())
                           for p, s, m, t, payload in cursor.fetchall())
        cursor.execute("SELECT envelope FROM hub_intake_receivedmessage")
        stored = []
        for (envelope,) in cursor.fetchall():
            data = json.loads(bytes(envelope))
            stored.append((data["platform_id"], data["sequence"], data["message_id"], data["type"],
                           hashlib.sha256(canonical_json(data["payload"])).hexdigest()))
        return committed, digest(stored)


def verify(expected: int) -> list[tuple[str, bool, str]]:
    """Every check of the run: (what, passed, figures)."""
    checks = []
    received = scalar("SELECT count(*) FROM hub_intake_receivedmessage")
    committed = scalar("SELECT count(*) FROM kernel_outboxmessage WHERE direction = 'up'")
    checks.append(("count: received = committed", received == committed == expected,
                   f"{received:,} received, {committed:,} committed, {expected:,} written"))
    distinct = scalar("SELECT count(DISTINCT message_id) FROM hub_intake_receivedmessage")
    positions = scalar("SELECT count(*) FROM (SELECT DISTINCT platform_id, sequence FROM hub_intake_receivedmessage) s")
    checks.append(("no duplicate", distinct == received == positions,
                   f"{distinct:,} distinct ids, {positions:,} distinct (platform, sequence)"))
    quarantined = scalar("SELECT count(*) FROM hub_intake_quarantinedmessage")
    checks.append(("nothing quarantined", quarantined == 0, f"{quarantined}"))
    (n_committed, committed_sum), (n_stored, stored_sum) = checksums()
    checks.append(("checksum: committed = stored", (n_committed, committed_sum) == (n_stored, stored_sum),
                   f"{committed_sum[:16]}… over {n_committed:,} / {stored_sum[:16]}… over {n_stored:,}"))
    broken = scalar("SELECT count(*) FROM exchange_producerstream p LEFT JOIN hub_intake_intakestream i "
                    "ON i.platform_id = p.platform_id WHERE p.platform_id NOT LIKE '%:%' AND "
                    "(i.id IS NULL OR i.last_sequence <> p.last_sequence OR i.last_hash <> p.last_hash)")
    streams = scalar("SELECT count(*) FROM exchange_producerstream WHERE platform_id NOT LIKE '%:%'")
    checks.append(("chains: last sequence and hash agree", broken == 0, f"{streams} platforms, {broken} differ"))
    created = scalar("SELECT count(*) FROM kernel_outboxmessage WHERE message_type = 'order.created'")
    facts = scalar("SELECT count(*) FROM hub_monitoring_orderfact")
    bookings = scalar("SELECT coalesce(sum(bookings), 0) FROM hub_monitoring_activitystat")
    checks.append(("read models applied once", created == facts == bookings,
                   f"{created:,} order.created, {facts:,} order facts, {bookings:,} bookings counted"))
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--platforms", type=int, default=20)
    parser.add_argument("--relays", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="intake processes")
    parser.add_argument("--write-rate", type=float, default=2000, help="facts/s written while the faults happen")
    parser.add_argument("--every", type=float, default=4.0, help="seconds between faults")
    parser.add_argument("--nats-down", type=float, default=1.0, help="seconds nats-server stays down")
    parser.add_argument("--rounds", type=int, default=1,
                        help="at least this many faults of each kind, even if the stream is applied before")
    parser.add_argument("--database-url", default=os.environ.get("SHARECITY_BENCH_FAULTS_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--var-dir", type=Path, default=None)
    args = parser.parse_args()
    args.var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="sharecity-faults-"))
    args.profile, args.profile_format = "", "flamegraph"
    sys.path.insert(0, str(base.ROOT / "src"))

    base.ensure_database(args.database_url)
    base.setup_django(args)
    log(f"database {args.database_url}, var {args.var_dir}, {os.cpu_count()} cores")
    base.reset_database()
    maker = base.FactMaker()
    platform_ids = base.platforms_register(args.platforms)
    backlog = args.messages // 2 - args.platforms
    base.outbox_fill(platform_ids, backlog, maker)
    base.analyze_outbox()
    later = args.messages - args.platforms - backlog
    log(f"outbox: {backlog + args.platforms:,} facts committed; {later:,} more will be written at "
        f"{args.write_rate:,.0f}/s while faults are injected every {args.every:g} s")

    nats = Nats(args.var_dir / "jetstream")
    nats.start()
    workers = Workers(args, nats.url)
    stalls: dict[str, list[float]] = {kind: [] for kind in FAULTS}
    injected: list[str] = []
    try:
        for _ in range(args.relays):
            workers.start("relay")
        for k in range(args.workers):
            workers.start("intake", SHARECITY_INTAKE_PARTITION=f"{k}/{args.workers}")
        if wait_for_flow(0, within=60, total=args.messages) is None:
            raise SystemExit("nothing applied within 60 s of starting the workers; see the logs")
        done = threading.Event()
        thread = threading.Thread(target=writer, args=(platform_ids, later, args.write_rate, maker, done), daemon=True)
        thread.start()
        turn = 0
        # Until everything is written and applied, and every kind of fault has come round --rounds times.
        while not done.is_set() or base.applied_count() < args.messages or turn < args.rounds * len(FAULTS):
            time.sleep(args.every)
            applied = base.applied_count()
            if applied >= args.messages and done.is_set() and turn >= args.rounds * len(FAULTS):
                break
            kind = FAULTS[turn % len(FAULTS)]
            turn += 1
            if kind == "nats":
                nats.kill()
                time.sleep(args.nats_down)
                nats.start()
            elif kind == "both":
                for index in workers.indexes("relay") + workers.indexes("intake"):
                    workers.kill_and_restart(index)
            else:
                indexes = workers.indexes(kind)
                workers.kill_and_restart(indexes[turn // len(FAULTS) % len(indexes)])
            at = base.applied_count()
            stall = wait_for_flow(at, within=120, total=args.messages)
            if stall is None:
                raise SystemExit(f"after the {kind} fault nothing was applied for 120 s; see the logs")
            stalls[kind].append(stall)
            injected.append(kind)
            log(f"fault {len(injected)}: {kind} at {applied:,}/{args.messages:,} applied; "
                f"applying again {stall:.2f} s after the restart; relay backlog {base.pending_count():,}")
        thread.join()
        base.wait_applied(args.messages, what="drain", every=2.0)
        delivered = scalar("SELECT coalesce(sum(last_sequence - first_sequence + 1), 0) "
                           "FROM exchange_deliveryattempt WHERE succeeded")
        kills = workers.kills
    finally:
        workers.stop()
        nats.kill()
    checks = verify(args.messages)
    print()
    print(f"== exchange under faults: {args.messages:,} messages, {args.platforms} platforms, "
          f"{args.relays} relay + {args.workers} intake processes, {os.cpu_count()} cores")
    counts = {kind: injected.count(kind) for kind in FAULTS}
    print(f"faults injected: {len(injected)} ({', '.join(f'{counts[k]} {k}' for k in FAULTS)}), one every "
          f"{args.every:g} s, while {later:,} facts were written at {args.write_rate:,.0f}/s; "
          f"{kills} worker processes killed with SIGKILL")
    for kind in FAULTS:
        if stalls[kind]:
            print(f"  {kind:7} applying again after the restart: median {statistics.median(stalls[kind]):.2f} s, "
                  f"max {max(stalls[kind]):.2f} s")
    print(f"handed to NATS: {delivered:,} message deliveries for {args.messages:,} messages "
          f"({delivered - args.messages:,} re-sent after faults, dropped by intake as duplicates)")
    for what, passed, figures in checks:
        print(f"  {'ok  ' if passed else 'FAIL'} {what}: {figures}")
    if not all(passed for _, passed, _ in checks):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
