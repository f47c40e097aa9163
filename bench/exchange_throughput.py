"""Exchange throughput: platforms -> outbox -> relay -> NATS JetStream -> intake -> PostgreSQL.

Fills the outbox of ``--platforms`` platforms with ``--messages`` realistic facts (orders,
state changes, listings, reviews) as committed rows, then runs the real ``sharecity worker
relay`` and ``sharecity worker intake`` processes against a private nats-server and the
PostgreSQL database ``sharecity_bench`` and reports:

- sustained messages per second applied at the hub (first to last applied), and
- p50/p99 from commit on the platform (outbox ``created_at``) to applied at the hub
  (``ReceivedMessage.received_at``): over a pre-filled backlog this is mostly waiting time,
  so a second, paced phase writes at a fixed rate below capacity and reports the steady-state
  latency;
- beside a baseline measured in the same run: PostgreSQL ``COPY`` of the same rows (the
  hub's received-message rows, same columns and indexes) into a scratch table.

    uv run python bench/exchange_throughput.py                      # 1,000,000 messages, 20 platforms
    uv run python bench/exchange_throughput.py --messages 50000     # a quick look

Needs PostgreSQL (``--database-url``; the database is created if missing and reset, so never
point it at a database you care about) and Debian's nats-server. See bench/README.md.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/sharecity_bench"
DISTRICTS = ("350203", "350205", "350206", "350211", "350212", "350213")
CATEGORIES = ("parking", "homestay", "housekeeping", "eldercare", "lab", "bike")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if name in {"sharecity", "test_sharecity"}:
        raise SystemExit("refusing to use the database the application and CI use; pick another name")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(args) -> None:
    os.environ["SHARECITY_DATABASE_URL"] = args.database_url
    os.environ["SHARECITY_VAR_DIR"] = str(args.var_dir)
    os.environ.setdefault("SHARECITY_SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("SHARECITY_DATA_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    os.environ["SHARECITY_BUS"] = "local"  # this process never relays; the workers get the NATS URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "sharecity.settings"
    import django

    django.setup()


def reset_database() -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--no-input", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables "
                       "WHERE schemaname = 'public' AND tablename <> 'django_migrations'")
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        cursor.execute("DROP TABLE IF EXISTS bench_copy_baseline")


# -- the facts ----------------------------------------------------------------------------


class FactMaker:
    """Per platform: a listing now and then, and for every order its creation, payment,
    completion and a review. Payloads are validated by the schemas once per kind, then varied."""

    CYCLE = ("order.created", "order.state_changed:paid", "order.state_changed:completed", "review.published")

    def __init__(self) -> None:
        from sharecity.exchange.schemas import payload_build

        starts = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
        self.templates = {
            "listing.published": payload_build(
                "listing.published", listing_id="l-0", category="parking", district=DISTRICTS[0],
                provider_key="provider-000000", price_fen=800, price_unit="hour", title="鹭岛共享车位 A-0"),
            "order.created": payload_build(
                "order.created", order_id="o-0", listing_id="l-0", category="parking", district=DISTRICTS[0],
                customer_key="customer-000000", provider_key="provider-000000", amount_fen=1600,
                starts_at=starts, ends_at=starts + dt.timedelta(hours=2)),
            "order.state_changed": payload_build(
                "order.state_changed", order_id="o-0", category="parking", district=DISTRICTS[0], state="paid",
                amount_fen=1600, previous_state="confirmed", changed_at=starts),
            "review.published": payload_build(
                "review.published", review_id="r-0", order_id="o-0", district=DISTRICTS[0],
                author_role="customer", rating=5),
        }
        self.step: dict[str, int] = {}

    def next(self, platform_id: str) -> tuple[str, dict]:
        n = self.step.get(platform_id, 0)
        self.step[platform_id] = n + 1
        if n % 41 == 0:
            listing = n // 41
            payload = dict(self.templates["listing.published"], listing_id=f"l-{listing}",
                           district=DISTRICTS[listing % len(DISTRICTS)], category=CATEGORIES[listing % 6],
                           provider_key=f"provider-{listing % 997:06d}", price_fen=500 + listing % 3000,
                           title=f"共享空间 {listing} 号")
            return "listing.published", payload
        order, phase = divmod(n - n // 41 - 1, len(self.CYCLE))
        kind = self.CYCLE[phase]
        district = DISTRICTS[order % len(DISTRICTS)]
        amount = 800 + (order * 37) % 20000
        if kind == "order.created":
            payload = dict(self.templates["order.created"], order_id=f"o-{order}", listing_id=f"l-{order % 97}",
                           district=district, category=CATEGORIES[order % 6], amount_fen=amount,
                           customer_key=f"customer-{order % 100003:06d}", provider_key=f"provider-{order % 997:06d}")
            return kind, payload
        if kind.startswith("order.state_changed"):
            state = kind.split(":")[1]
            payload = dict(self.templates["order.state_changed"], order_id=f"o-{order}", district=district,
                           category=CATEGORIES[order % 6], state=state, amount_fen=amount,
                           previous_state="confirmed" if state == "paid" else "paid")
            return "order.state_changed", payload
        payload = dict(self.templates["review.published"], review_id=f"r-{order}", order_id=f"o-{order}",
                       district=district, rating=1 + order % 5)
        return kind, payload


def platforms_register(count: int) -> list[str]:
    """Platform ids with producer keys, and each platform's registration as its first outbox row."""
    from django.db import transaction

    from sharecity.exchange.keys import producer_key_ensure
    from sharecity.exchange.schemas import payload_build
    from sharecity.kernel.services import outbox_enqueue

    ids = [str(uuid.UUID(int=0xBE0C_0000_0000_0000_0000_0000_0000_0000 + n)) for n in range(count)]
    with transaction.atomic():
        for n, platform_id in enumerate(ids):
            public_key = producer_key_ensure(platform_id=platform_id)
            outbox_enqueue(platform_id=platform_id, message_type="platform.registered", payload=payload_build(
                "platform.registered", name=f"基准平台{n}", credit_code=f"91350200MA{n:07d}X"[:18].ljust(18, "0"),
                sectors=["parking"], public_key=public_key))
    return ids


def outbox_fill(platform_ids: list[str], total: int, maker: FactMaker, *, created_at: dt.datetime | None = None) -> int:
    """COPY ``total`` facts into the outbox, platforms interleaved, committed at ``created_at`` (now)."""
    from django.db import connection

    from sharecity.kernel.services import payload_canonical_text

    columns = "message_id, platform_id, direction, message_type, schema_version, payload, payload_text, created_at"
    chunk = 50_000
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.connection
        while written < total:
            size = min(chunk, total - written)
            stamp = (created_at or dt.datetime.now(dt.UTC)).isoformat()
            buffer = io.StringIO()
            for i in range(size):
                platform_id = platform_ids[(written + i) % len(platform_ids)]
                kind, payload = maker.next(platform_id)
                text = json.dumps(payload, ensure_ascii=False).replace("\\", "\\\\")
                # As ``outbox_enqueue`` writes it (nothing in these payloads needs escaping for COPY).
                canonical = payload_canonical_text(payload).replace("\\", "\\\\")
                buffer.write(f"{uuid.uuid4()}\t{platform_id}\tup\t{kind}\t1\t{text}\t{canonical}\t{stamp}\n")
            with raw.cursor() as pg:
                pg.execute("SELECT coalesce(max(id), 0) FROM kernel_outboxmessage")
                before = pg.fetchone()[0]
                with pg.copy(f"COPY kernel_outboxmessage ({columns}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
                # As ``outbox_enqueue`` does, in the same transaction: each row queued for the relay
                # (this script is the only writer, so the new rows are those above the old maximum).
                pg.execute("INSERT INTO kernel_outboxpending (message_id, platform_id, direction) "
                           "SELECT id, platform_id, direction FROM kernel_outboxmessage WHERE id > %s", [before])
            raw.commit()
            written += size
    return written


# -- processes ----------------------------------------------------------------------------


class Processes:
    def __init__(self, args, bus: str) -> None:
        self.args = args
        self.bus = bus
        self.running: list[subprocess.Popen] = []
        self.names: list[str] = []
        self.logs = args.var_dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, **env: str) -> None:
        script = Path(sys.executable).parent / "sharecity"
        # PGAPPNAME names the worker's PostgreSQL connections, so their backends' CPU is told apart.
        environment = {**os.environ, "SHARECITY_BUS": self.bus, "SHARECITY_WORKER_IDLE_SECONDS": "0.05",
                       "PGAPPNAME": f"sharecity-bench-{name}", **env}
        tag = f"{name}{env.get('SHARECITY_INTAKE_PARTITION', '').replace('/', 'of')}-{len(self.running)}"
        out = open(self.logs / f"{tag}.log", "wb")  # the child process keeps it open
        command = [str(script), "worker", name]
        if self.args.profile and name in self.args.profile.split(","):
            raw = self.args.profile_format == "raw"
            output = self.logs / f"{tag}.{'txt' if raw else 'svg'}"
            command = ["py-spy", "record", "-r", "100", "-f", self.args.profile_format, "-o", str(output), "--",
                       *command]
        self.running.append(subprocess.Popen(command, env=environment, stdout=out, stderr=subprocess.STDOUT))
        self.names.append(name)
        out.close()

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) each kind of worker has used so far, from /proc (Linux)."""
        used: dict[str, float] = {}
        for name, process in zip(self.names, self.running, strict=True):
            used[name] = used.get(name, 0.0) + proc_cpu_seconds([process.pid])
        return used

    def stop(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGINT if self.args.profile else signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.running.clear()
        self.names.clear()


def nats_start(store: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
    port = free_port()
    process = subprocess.Popen([binary, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(store)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, f"nats://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    raise SystemExit("nats-server did not start")


def proc_cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) these processes have used, from /proc (Linux; 0 where unreadable)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def backend_pids(worker: str) -> list[int]:
    """The PostgreSQL backends serving one kind of worker (``relay``, ``intake``), by the
    application name each worker's connections carry (not this script's own connection)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid() AND application_name = %s", [f"sharecity-bench-{worker}"])
        return [row[0] for row in cursor.fetchall()]


class BackendCpu:
    """CPU used by each kind of worker's PostgreSQL backends, including backends that have ended:
    workers reconnect every minute (``CONN_MAX_AGE``), so each backend's last reading is kept
    (polled every few seconds; what a backend used after its last poll is missed)."""

    def __init__(self) -> None:
        self.last: dict[int, tuple[str, float]] = {}

    def poll(self) -> None:
        for worker in ("relay", "intake"):
            for pid in backend_pids(worker):
                used = proc_cpu_seconds([pid])
                if used:
                    self.last[pid] = (worker, used)

    def seconds(self, worker: str) -> float:
        return sum(used for kind, used in self.last.values() if kind == worker)


def applied_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hub_intake_receivedmessage")
        return cursor.fetchone()[0]


def pending_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM kernel_outboxpending")
        return cursor.fetchone()[0]


def analyze_outbox() -> None:
    """What autovacuum does on a normal server (it is off on this one): keep the planner's view of
    the outbox current as the backlog drains, and vacuum its queue of waiting rows, from which the
    relays delete every row they send (autovacuum would: its default threshold is a fifth of the
    table dead). Unvacuumed, each relay query steps over the dead entries of the queue's index and
    checks the heap for the live ones."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE kernel_outboxmessage")
        cursor.execute("VACUUM (ANALYZE) kernel_outboxpending")


def wait_applied(target: int, *, what: str, every: float = 5.0, stall: float = 180.0, on_flowing=None,
                 on_tick=None) -> None:
    """Wait until ``target`` messages are applied; ``on_flowing(applied, pending)`` is called at the
    first poll that sees messages applied (the workers have started up)."""
    started = last_change = time.monotonic()
    last = previous = applied_count()
    rounds = 0
    while last < target:
        time.sleep(every)
        rounds += 1
        if on_tick is not None:
            on_tick()
        if rounds % 4 == 0:
            analyze_outbox()
        now = applied_count()
        if on_flowing is not None and now > 0:
            on_flowing(now, pending_count())
            on_flowing = None
        if now != last:
            last_change = time.monotonic()
        elif time.monotonic() - last_change > stall:
            raise SystemExit(f"{what}: no progress for {stall:.0f}s at {now}/{target}; see the logs")
        elapsed = time.monotonic() - started
        log(f"{what}: applied {now:,}/{target:,} ({now / target:.0%}), {(now - previous) / every:,.0f} msg/s now, "
            f"{(now - (target - target)) / max(elapsed, 1e-9):,.0f} avg, relay backlog {pending_count():,}")
        previous, last = now, now


def latency_stats(where: str = "TRUE") -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT count(*),
                   extract(epoch FROM min(r.received_at)), extract(epoch FROM max(r.received_at)),
                   percentile_cont(0.05) WITHIN GROUP (ORDER BY extract(epoch FROM r.received_at)),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM r.received_at)),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.received_at - o.created_at)),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM r.received_at - o.created_at))
            FROM hub_intake_receivedmessage r JOIN kernel_outboxmessage o ON o.message_id = r.message_id
            WHERE {where}""")  # noqa: S608 - ``where`` is built by this script
        n, first, last, p05, p95, p50, p99 = (float(value) for value in cursor.fetchone())
    return {"count": n, "seconds": last - first, "rate": n / max(last - first, 1e-9),
            "rate_5_95": 0.9 * n / max(p95 - p05, 1e-9), "p50": p50, "p99": p99}


def paced_phase(args, platform_ids: list[str], maker: FactMaker) -> dict:
    """Write ``--paced-rate`` facts per second for ``--paced-seconds`` in commits of 1/20 s, as the
    platforms would, with the workers already idle; latency is then the pipeline's own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM kernel_outboxmessage")
        marker = cursor.fetchone()[0]
    start = applied_count()
    tick = 0.05
    per_tick = max(1, round(args.paced_rate * tick))
    ticks = int(args.paced_seconds / tick)
    began = time.monotonic()
    for i in range(ticks):
        outbox_fill(platform_ids, per_tick, maker)
        delay = began + (i + 1) * tick - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    actual = per_tick * ticks / (time.monotonic() - began)
    log(f"paced: wrote {per_tick * ticks:,} facts at {actual:,.0f}/s")
    wait_applied(start + per_tick * ticks, what="paced", every=2.0)
    stats = latency_stats(f"o.id > {marker}")
    stats["offered_rate"] = actual
    return stats


# -- the baseline -------------------------------------------------------------------------


def copy_baseline(repeats: int) -> list[float]:
    """COPY the hub's received rows (same columns, same indexes and constraints) into a scratch
    table: what the database alone does with these rows. Exported once, loaded ``repeats`` times."""
    from django.db import connection

    columns = ("message_id, platform_id, sequence, message_type, schema_version, envelope, envelope_hash, "
               "received_at")
    with tempfile.TemporaryFile() as dump, connection.cursor() as cursor:
        raw = cursor.connection
        with raw.cursor() as pg:
            pg.execute("DROP TABLE IF EXISTS bench_copy_baseline")
            pg.execute("CREATE TABLE bench_copy_baseline (LIKE hub_intake_receivedmessage INCLUDING ALL)")
            export = f"COPY (SELECT {columns} FROM hub_intake_receivedmessage ORDER BY id) TO STDOUT"  # noqa: S608
            with pg.copy(export) as copy:
                for block in copy:
                    dump.write(block)
        raw.commit()
        rows = applied_count()
        rates = []
        for n in range(repeats):
            dump.seek(0)
            with raw.cursor() as pg:
                pg.execute("TRUNCATE bench_copy_baseline")
            raw.commit()
            began = time.perf_counter()
            with raw.cursor() as pg, pg.copy(f"COPY bench_copy_baseline ({columns}) FROM STDIN") as copy:
                while block := dump.read(1 << 20):
                    copy.write(block)
            raw.commit()
            elapsed = time.perf_counter() - began
            rates.append(rows / elapsed)
            log(f"COPY baseline {n + 1}/{repeats}: {rows:,} rows in {elapsed:.1f}s = {rates[-1]:,.0f} rows/s")
        with raw.cursor() as pg:
            pg.execute("DROP TABLE bench_copy_baseline")
        raw.commit()
    return rates


def consistency_check(expected: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT message_id) FROM hub_intake_receivedmessage")
        received, distinct = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM hub_intake_quarantinedmessage")
        quarantined = cursor.fetchone()[0]
    status = "ok" if received == distinct == expected and not quarantined else "MISMATCH"
    log(f"check: {received:,} received, {distinct:,} distinct, {expected:,} sent, {quarantined} quarantined: {status}")
    if status != "ok":
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--platforms", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="intake processes (each takes a share of the streams)")
    parser.add_argument("--relays", type=int, default=2, help="relay processes")
    parser.add_argument("--database-url", default=os.environ.get("SHARECITY_BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--paced-rate", type=float, default=0, help="facts/s of the steady-state phase "
                        "(default: half the measured throughput)")
    parser.add_argument("--paced-seconds", type=float, default=20)
    parser.add_argument("--copy-repeats", type=int, default=3)
    parser.add_argument("--profile", default="", help="comma-separated workers to run under py-spy (relay,intake)")
    parser.add_argument("--profile-format", default="flamegraph", choices=("flamegraph", "raw", "speedscope"),
                        help="py-spy's output: an SVG flame graph, or collapsed stacks (raw) to count")
    parser.add_argument("--var-dir", type=Path, default=None)
    args = parser.parse_args()
    args.var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="sharecity-bench-"))
    sys.path.insert(0, str(ROOT / "src"))

    ensure_database(args.database_url)
    setup_django(args)
    log(f"database {args.database_url}, var {args.var_dir}, {os.cpu_count()} cores")
    reset_database()
    maker = FactMaker()
    platform_ids = platforms_register(args.platforms)
    began = time.perf_counter()
    outbox_fill(platform_ids, args.messages - args.platforms, maker)
    log(f"outbox: {args.messages:,} committed facts for {args.platforms} platforms in "
        f"{time.perf_counter() - began:.1f}s")
    analyze_outbox()

    store = args.var_dir / "jetstream"
    nats, bus = nats_start(store)
    processes = Processes(args, bus)
    try:
        for _ in range(args.relays):
            processes.start("relay")
        for k in range(args.workers):
            processes.start("intake", SHARECITY_INTAKE_PARTITION=f"{k}/{args.workers}")
        log(f"nats {bus}: {args.relays} relay and {args.workers} intake processes")

        backends = BackendCpu()

        def cpu_now() -> dict[str, float]:
            backends.poll()
            return {**processes.cpu_seconds(), "nats-server": proc_cpu_seconds([nats.pid]),
                    "postgres for relay": backends.seconds("relay"),
                    "postgres for intake": backends.seconds("intake")}

        flowing: dict = {}

        def snapshot(applied: int, pending: int) -> None:
            flowing.update(cpu=cpu_now(), applied=applied, relayed=args.messages - pending)

        wait_applied(args.messages, what="backlog", on_flowing=snapshot, on_tick=backends.poll)
        if flowing:
            # From the first poll that saw messages applied (start-up left out) to the end: the
            # relay's share per message it sent since, the others' per message applied since.
            cpu, start = cpu_now(), flowing["cpu"]
            shares = []
            for name, seconds in cpu.items():
                since = flowing["relayed"] if name.endswith("relay") else flowing["applied"]
                per_message = (seconds - start.get(name, 0.0)) / max(1, args.messages - since)
                shares.append(f"{name} {per_message * 1e6:,.0f} µs")
            log("CPU per message while flowing: " + ", ".join(shares))
        backlog = latency_stats()
        log(f"backlog: {backlog['count']:,} in {backlog['seconds']:.1f}s = {backlog['rate']:,.0f} msg/s "
            f"(5-95%: {backlog['rate_5_95']:,.0f}); commit->applied p50 {backlog['p50']:.1f}s "
            f"p99 {backlog['p99']:.1f}s")
        paced = None
        if args.paced_seconds > 0:
            args.paced_rate = args.paced_rate or round(backlog["rate"] / 2, -1)
            paced = paced_phase(args, platform_ids, maker)
    finally:
        processes.stop()
        nats.send_signal(signal.SIGTERM)
        nats.wait(timeout=20)
    consistency_check(args.messages + (paced["count"] if paced else 0))
    rates = copy_baseline(args.copy_repeats)
    copy_rate = statistics.median(rates)
    print()
    print(f"== exchange throughput: {args.messages:,} messages, {args.platforms} platforms, "
          f"{args.relays} relay + {args.workers} intake processes, {os.cpu_count()} cores")
    print(f"pipeline (NATS JetStream -> PostgreSQL): {backlog['rate']:,.0f} msg/s sustained "
          f"(middle 90%: {backlog['rate_5_95']:,.0f} msg/s)")
    print(f"baseline COPY of the same rows:           {copy_rate:,.0f} rows/s (median of "
          f"{', '.join(f'{r:,.0f}' for r in rates)})")
    print(f"ratio pipeline / COPY:                    {backlog['rate'] / copy_rate:.1%} (target >= 25%)")
    print(f"commit -> applied, pre-filled backlog:    p50 {backlog['p50']:.2f}s  p99 {backlog['p99']:.2f}s")
    if paced:
        print(f"commit -> applied, paced {paced['offered_rate']:,.0f}/s:        p50 {paced['p50'] * 1000:.0f} ms  "
              f"p99 {paced['p99'] * 1000:.0f} ms  ({paced['count']:,} messages)")


if __name__ == "__main__":
    main()
