"""Exchange latency: commit at the platform -> applied at the hub, at a city's evening rate.

Platforms' activity is made by the REAL market services (``listing_create``/``listing_submit``,
``order_place``, ``order_transition`` pay/ship/confirm_receipt, ``review_submit``,
``complaint_file_order``) in ``--producers`` processes, each driving its own platforms, paced at
a target rate of exchange messages per second with Poisson arrivals. The deployed workers carry
it: ``sharecity worker relay`` and ``sharecity worker intake`` processes over a private
NATS JetStream server (its own port and store: no stream or subject can meet another test's)
into PostgreSQL. Per message it measures commit at the platform (the outbox row's
``created_at``, which is the envelope's ``sent_at``) to applied at the hub
(``ReceivedMessage.received_at``, written in intake's transaction), over a steady window (the
first ``--warmup`` seconds of each phase left out), and reports p50/p90/p99/max, count and
throughput for:

- ``baseline``: a low rate (``--baseline-rate``, default 5 messages/s), what one message alone
  waits for;
- ``busy evening``: the rate a Xiamen-sized city makes in its busiest evening hour, derived
  from the assumptions printed (``--rate`` overrides);
- ``flood`` (``--flood-seconds``, 0 skips it): the producers unpaced, as fast as they go.

Phases are repeated ``--repeats`` times; the report quotes each run and the median.

    uv run python bench/exchange_latency.py                                  # derived rate, 1 repeat
    uv run python bench/exchange_latency.py --rate 100 --seconds 40 --repeats 3
    uv run python bench/exchange_latency.py --seconds 4 --warmup 1 --rate 5 --flood-seconds 0   # smoke

Needs PostgreSQL (``--database-url``; created if missing and reset, so never point it at a
database you care about) and Debian's nats-server. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import exchange_throughput as base  # set-up, worker processes, private nats-server

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/sharecity_bench_latency"
OUTPUT = Path(__file__).resolve().parent / "last_run_latency.txt"
TRACE = Path(__file__).resolve().parent / "data" / "sim_trace.jsonl.gz"
log = base.log

# -- the rate of a Xiamen-sized busy evening ----------------------------------------------


@dataclass(frozen=True)
class CityRate:
    """Exchange messages per second in a city's busiest evening hour, from stated assumptions."""

    population: int = 5_200_000          # Xiamen's residents (2023: 5.3 million)
    daily_user_share: float = 0.30       # residents using a sharing / life-service platform on a day
    transactions_per_user: float = 1.0   # transactions (a booking, a purchase, a service) each
    events_per_transaction: float = 5.0  # created, paid, shipped/started, completed, a review now and then,
    #                                      complaints and new listings (~1 in 20 transactions)
    evening_peak_share: float = 0.10     # of a day's activity in its busiest evening hour (19-20 h)
    busy_evening_factor: float = 1.5     # a Friday or a holiday's eve against an ordinary day

    @property
    def per_second(self) -> float:
        daily = self.population * self.daily_user_share * self.transactions_per_user * self.events_per_transaction
        return daily * self.evening_peak_share * self.busy_evening_factor / 3600

    def describe(self) -> list[str]:
        daily = self.population * self.daily_user_share * self.transactions_per_user
        return [
            f"population {self.population:,}; {self.daily_user_share:.0%} use a sharing or life-service "
            f"platform on a day, {self.transactions_per_user:g} transaction each = {daily:,.0f} transactions/day",
            f"{self.events_per_transaction:g} exchange messages per transaction = "
            f"{daily * self.events_per_transaction:,.0f} messages/day",
            f"busiest evening hour {self.evening_peak_share:.0%} of the day, x{self.busy_evening_factor:g} on a busy "
            f"evening = {self.per_second:,.0f} messages/s",
        ]


# -- the platforms: set up once through the services --------------------------------------

GOODS = ("second_hand", "second_hand_electronics")
CONSUMERS_PER_PLATFORM = 300
PROVIDERS_PER_PLATFORM = 20
LISTINGS_PER_PROVIDER = 2
DISTRICTS = base.DISTRICTS


def _slug(n: int) -> str:
    return f"lat-{n:02d}"


def _attributes(category, platform) -> dict:
    """A value for every required attribute of the category (and a brand)."""
    from sharecity.market.catalog.selectors import attribute_fields

    values = {}
    for definition in attribute_fields(category=category, platform=platform):
        name, kind = definition["name"], definition["type"]
        if not definition.get("required") and name != "brand":
            continue
        choices = definition.get("choices") or []
        if kind == "choice":
            values[name] = choices[0]["value"]
        elif kind == "multichoice":
            values[name] = [choices[0]["value"]]
        elif kind == "bool":
            values[name] = True
        elif kind == "int":
            values[name] = max(int(definition.get("min", 1)), min(int(definition.get("max", 100)), 10))
        else:
            values[name] = "小米" if name == "brand" else definition.get("label_zh", name)[:definition.get("max_length",
                                                                                                         20)]
    return values


def listing_make(*, platform, provider, category, n: int):
    from sharecity.market.listings.services import listing_create, listing_submit

    listing = listing_create(
        actor=provider, platform=platform, provider=provider, category=category,
        title=f"闲置好物 {n} 号 九成新", description="个人闲置，九成新，可当面验货，支持快递。",
        attributes=_attributes(category, platform), licences={}, district_code=DISTRICTS[n % len(DISTRICTS)],
        price_fen=5_000 + (n * 137) % 200_000, price_unit="item", capacity=10_000,
    )
    return listing_submit(actor=provider, listing=listing)


def platforms_setup(count: int) -> list[str]:
    """``count`` platforms, each with verified providers, published listings and consumers."""
    from django.db import transaction

    from sharecity.kernel.ids import credit_code_with_check_char, resident_id_with_check_digit
    from sharecity.kernel.models import User
    from sharecity.market.accounts.services import provider_verify
    from sharecity.market.catalog.models import Category
    from sharecity.market.catalog.services import catalog_seed, platform_category_enable
    from sharecity.market.platforms.services import operator_add, platform_create

    catalog_seed()
    admin = User.objects.create_superuser("lat-admin", password=None, display_name="基准管理员")
    goods = list(Category.objects.filter(code__in=GOODS))
    slugs = []
    for n in range(count):
        with transaction.atomic():
            slug = _slug(n)
            platform = platform_create(
                actor=admin, slug=slug, name=f"鹭岛闲置{n}号", sectors=["second_hand"], city_code="350200",
                credit_code=credit_code_with_check_char(f"91350200MA{n:06d}L"[:17]))
            operator = User.objects.create_user(f"{slug}-op", password=None, display_name=f"运营{n}")
            operator_add(actor=admin, platform=platform, user=operator)
            for top in {category.parent for category in goods}:
                platform_category_enable(actor=operator, platform=platform, category=top, enabled=True,
                                         with_children=True)
            for p in range(PROVIDERS_PER_PLATFORM):
                provider = User.objects.create_user(f"{slug}-p{p}", password=None, display_name=f"卖家{n}-{p}")
                # A valid resident id (Xiamen, born 1980-1999), unique per person.
                serial = n * PROVIDERS_PER_PLATFORM + p
                prefix = f"350200{1980 + serial % 20}{1 + serial % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}"
                provider_verify(actor=provider, user=provider, kind="person", legal_name=f"陈{n}{p}",
                                id_number=resident_id_with_check_digit(prefix), platform=platform)
                for i in range(LISTINGS_PER_PROVIDER):
                    listing_make(platform=platform, provider=provider, category=goods[i % len(goods)],
                                 n=p * LISTINGS_PER_PROVIDER + i)
            User.objects.bulk_create([
                User(username=f"{slug}-c{c}", display_name=f"买家{n}-{c}", password="!")  # noqa: S106 - unusable
                for c in range(CONSUMERS_PER_PLATFORM)])
        slugs.append(slug)
    return slugs


# -- a producer process: one platform's people using it -----------------------------------


class Activity:
    """A platform's people, acting through the market services: orders placed and taken through
    their states (paid, shipped, received), reviews by both sides, a complaint now and then,
    a new listing now and then. Each call is one transaction that commits its outbox rows."""

    def __init__(self, slug: str, rng: random.Random) -> None:
        from sharecity.kernel.models import User
        from sharecity.market.catalog.models import Category
        from sharecity.market.listings.models import Listing
        from sharecity.market.platforms.models import Platform

        self.rng = rng
        self.platform = Platform.objects.get(slug=slug)
        self.listings = list(Listing.objects.filter(platform=self.platform, status="published")
                             .select_related("provider", "category"))
        self.consumers = list(User.objects.filter(username__startswith=f"{slug}-c"))
        self.categories = list(Category.objects.filter(code__in=GOODS))
        self.open: list[list] = []  # [order, next step]
        self.done: list = []         # received orders, to complain about now and then
        self.made = len(self.listings)

    STEPS = ("pay", "ship", "confirm_receipt", "review_customer", "review_provider")

    def act(self) -> str:
        from sharecity.market.complaints.services import complaint_file_order
        from sharecity.market.orders.services import order_place, order_transition
        from sharecity.market.reviews.services import review_submit

        r = self.rng.random()
        if r < 0.01:
            listing = self.rng.choice(self.listings)
            self.made += 1
            self.listings.append(listing_make(platform=self.platform, provider=listing.provider,
                                              category=self.rng.choice(self.categories), n=self.made))
            return "listing"
        if r < 0.02 and self.done:
            order = self.done.pop(self.rng.randrange(len(self.done)))
            complaint_file_order(actor=order.customer, order=order, category="not_as_described",
                                 description="收到的商品与描述不符，有明显划痕。", remedy="refund")
            return "complaint"
        if self.open and self.rng.random() < 0.8:
            entry = self.open[self.rng.randrange(len(self.open))]
            order, step = entry
            name = self.STEPS[step]
            if name == "ship":
                order = order_transition(actor=order.provider, order=order, transition="ship",
                                         tracking_no=f"SF{self.rng.randrange(10**10):010d}")
            elif name == "review_customer":
                review_submit(actor=order.customer, order=order, rating=self.rng.choice((3, 4, 5, 5, 5)),
                              comment="东西不错，发货很快。")
            elif name == "review_provider":
                review_submit(actor=order.provider, order=order, rating=5, comment="买家爽快。")
            else:
                order = order_transition(actor=order.customer, order=order, transition=name)
            entry[0], entry[1] = order, step + 1
            # Most buyers review; the rest leave after receiving.
            if entry[1] == len(self.STEPS) or (name == "confirm_receipt" and self.rng.random() < 0.4):
                self.open.remove(entry)
                self.done.append(order)
                del self.done[:-200]
            return name
        listing = self.rng.choice(self.listings)
        order = order_place(actor=(customer := self.rng.choice(self.consumers)), platform=self.platform,
                            listing=listing, customer=customer)
        self.open.append([order, 0])
        return "order"


class ReplayedCity:
    """Platforms reporting the simulated city's life (``sim_trace.py``: every message a run of
    ``sharecity simulate`` sent, in order) through the kernel's outbox (``outbox_enqueue``, one
    transaction each), as their own systems would. Each platform starts at its own place in the
    trace and goes on in order, so each one's orders are created before they change state; its
    identifiers carry a suffix of the phase and the pass, so that nothing repeats. For the share
    of the rate the market services cannot make on this host."""

    def __init__(self, platform_ids: list[str], rng: random.Random, seed: int) -> None:
        import sim_trace

        self.rng = rng
        self.platform_ids = platform_ids
        self.seed = seed
        _, self.trace = sim_trace.load(TRACE)
        self.renamed = sim_trace.renamed
        step = len(self.trace) // max(1, len(platform_ids))
        self.position = {platform_id: n * step for n, platform_id in enumerate(platform_ids)}

    def act(self, count: int = 1) -> str:
        from django.db import transaction

        from sharecity.kernel.services import outbox_enqueue

        with transaction.atomic():
            for _ in range(count):
                platform_id = self.rng.choice(self.platform_ids)
                at = self.position[platform_id]
                self.position[platform_id] = at + 1
                kind, version, payload = self.trace[at % len(self.trace)]
                outbox_enqueue(platform_id=platform_id, message_type=kind, schema_version=version,
                               payload=self.renamed(payload, f"{self.seed}.{at // len(self.trace)}"))
        return "reported facts"


class ReportedFacts:
    """A platform's facts as its own system reports them through the kernel's outbox
    (``outbox_enqueue``, one transaction each): listings, orders created, paid and completed, reviews,
    built and schema-validated by the throughput bench's ``FactMaker``. For the share of the rate the
    market services cannot make on this host (each of their calls costs tens of ms of CPU here)."""

    def __init__(self, platform_ids: list[str], rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.platform_ids = platform_ids
        self.maker = base.FactMaker()
        # Each phase's facts (a new process) start at fresh ids, at an order's beginning (41 x 4 steps).
        for platform_id in platform_ids:
            self.maker.step[platform_id] = seed * 164 * 100_000

    def act(self, count: int = 1) -> str:
        """``count`` facts in one transaction (more than one when the arrivals due have piled up)."""
        from django.db import transaction

        from sharecity.kernel.services import outbox_enqueue

        with transaction.atomic():
            for _ in range(count):
                platform_id = self.rng.choice(self.platform_ids)
                kind, payload = self.maker.next(platform_id)
                outbox_enqueue(platform_id=platform_id, message_type=kind, payload=payload)
        return "reported facts"


def producer_main(args) -> None:
    """Run in a child process: wait for "go" on stdin, then act at ``--rate`` messages/s (0:
    unpaced) for ``--seconds``; print a JSON summary."""
    from django.db import close_old_connections

    from sharecity.kernel.services import outbox_listener_add

    rng = random.Random(args.seed)
    if args.producer.startswith("facts:"):
        reporting_kind = ReplayedCity if args.load == "simulated" else ReportedFacts
        activities: list = [reporting_kind(args.producer[6:].split(","), rng, args.seed)]
    else:
        activities = [Activity(slug, rng) for slug in args.producer.split(",")]
    committed = [0]
    outbox_listener_add(lambda: committed.__setitem__(0, committed[0] + 1))  # one call per outbox row committed
    print("ready", flush=True)
    sys.stdin.readline()
    began = time.monotonic()
    due = began
    actions = errors = commits = 0
    kinds: dict[str, int] = {}
    reporting = isinstance(activities[0], ReportedFacts | ReplayedCity)
    while time.monotonic() - began < args.seconds:
        count = 1
        if args.rate > 0:
            # Poisson arrivals of actions; an action commits ~1 message, and the mean is corrected as it goes.
            per_action = 1.0 if reporting or actions <= 20 else committed[0] / actions
            due += rng.expovariate(args.rate / per_action)
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif reporting:
                # Behind (a loaded host): the facts due by now are committed together, as a platform's
                # system writes what has happened meanwhile in one transaction.
                while count < 100 and (nxt := due + rng.expovariate(args.rate)) <= time.monotonic():
                    due, count = nxt, count + 1
        elif reporting:
            count = 10  # unpaced: ten facts a commit
        try:
            kind = rng.choice(activities).act(count) if reporting else rng.choice(activities).act()
            kinds[kind] = kinds.get(kind, 0) + count
        except Exception as error:  # a refusal by the services is part of life; count it
            errors += 1
            if errors <= 5:
                print(f"action refused: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
            close_old_connections()
        actions += 1
        commits += 1
    elapsed = time.monotonic() - began
    print(json.dumps({"actions": actions, "messages": committed[0], "errors": errors, "seconds": elapsed,
                      "kinds": kinds, "commits": commits}), flush=True)


class Producers:
    """The producer processes of one phase: ``--producers`` driving the market services at up to
    ``--service-rate`` (all of it when unpaced), and one reporting the rest through the outbox."""

    def __init__(self, args, slugs: list[str], reporters: list[str], rate: float, seconds: float,
                 seed: int) -> None:
        self.args = args
        service = rate if rate <= 0 else min(rate, args.service_rate)
        plan = [(",".join(slugs[i::args.producers]), service / args.producers) for i in range(args.producers)]
        if reporters and (rate <= 0 or rate > service):
            plan.append(("facts:" + ",".join(reporters), max(0.0, rate - service)))
        self.processes = []
        for index, (group, share) in enumerate(plan):
            command = [sys.executable, __file__, "--producer", group, "--load", args.load, "--rate",
                       str(share), "--seconds", str(seconds), "--seed", str(seed * 100 + index),
                       "--database-url", args.database_url, "--var-dir", str(args.var_dir)]
            log_file = open(args.var_dir / "logs" / f"producer-{seed}-{index}.log", "wb")
            self.processes.append(subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                   stderr=log_file, text=True, env={**os.environ}))
            log_file.close()

    def go(self) -> float:
        for process in self.processes:
            line = process.stdout.readline()
            if line.strip() != "ready":
                raise SystemExit(f"a producer did not start ({line!r}); see {self.args.var_dir / 'logs'}")
        began = time.time()
        for process in self.processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        return began

    def wait(self) -> dict:
        total = {"actions": 0, "messages": 0, "errors": 0, "seconds": 0.0, "kinds": {}, "service": 0, "commits": 0}
        for process in self.processes:
            out, _ = process.communicate(timeout=600)
            summary = json.loads(out.strip().splitlines()[-1])
            if not any(kind.startswith("reported") for kind in summary["kinds"]):
                total["service"] += summary["messages"]
            total["commits"] += summary["commits"]
            for key in ("actions", "messages", "errors"):
                total[key] += summary[key]
            total["seconds"] = max(total["seconds"], summary["seconds"])
            for kind, n in summary["kinds"].items():
                total["kinds"][kind] = total["kinds"].get(kind, 0) + n
        return total


# -- measuring ----------------------------------------------------------------------------


def up_committed() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM kernel_outboxmessage WHERE direction = 'up'")
        return cursor.fetchone()[0]


def wait_all_applied(*, stall: float = 120.0) -> None:
    """Until every uplink message committed so far is applied at the hub."""
    last, since = -1, time.monotonic()
    while True:
        target, applied = up_committed(), base.applied_count()
        if applied >= target:
            return
        if applied != last:
            last, since = applied, time.monotonic()
        elif time.monotonic() - since > stall:
            raise SystemExit(f"no progress for {stall:.0f}s at {applied}/{target} applied; see the logs")
        time.sleep(0.5)


def window_stats(start: float, end: float) -> dict:
    """Commit -> applied of the uplink messages committed in [start, end) (epoch seconds)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*), count(r.id),
                   percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP
                       (ORDER BY extract(epoch FROM r.received_at - o.created_at)),
                   max(extract(epoch FROM r.received_at - o.created_at)),
                   percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP
                       (ORDER BY extract(epoch FROM o.relayed_at - o.created_at)),
                   percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP
                       (ORDER BY extract(epoch FROM r.received_at - o.relayed_at))
            FROM kernel_outboxmessage o LEFT JOIN hub_intake_receivedmessage r ON r.message_id = o.message_id
            WHERE o.direction = 'up' AND o.created_at >= to_timestamp(%s) AND o.created_at < to_timestamp(%s)""",
                       [start, end])
        committed, applied, (p50, p90, p99), worst, to_relay, relay_to_applied = cursor.fetchone()
    return {"committed": committed, "count": applied, "seconds": end - start, "rate": applied / (end - start),
            "p50": float(p50 or 0), "p90": float(p90 or 0), "p99": float(p99 or 0), "max": float(worst or 0),
            # Where the time goes: waiting in the outbox for a relay (commit -> the relay's pass
            # began), and from there to applied (sealing, NATS, waiting for and in intake).
            "outbox": [float(x or 0) for x in (to_relay or (0, 0))],
            "onward": [float(x or 0) for x in (relay_to_applied or (0, 0))]}


def phase(args, slugs: list[str], reporters: list[str], name: str, rate: float, seconds: float, seed: int,
          cpu) -> dict:
    producers = Producers(args, slugs, reporters, rate, seconds, seed)
    cpu_before, applied_before = cpu(), base.applied_count()
    began = producers.go()
    log(f"{name}: producers running at {'unpaced' if rate <= 0 else f'{rate:,.0f} messages/s'} for {seconds:g}s")
    # Where messages wait: in the outbox (not relayed yet) or on their way through NATS to intake.
    backlog = {"outbox": 0, "nats": 0}
    while any(process.poll() is None for process in producers.processes):
        time.sleep(1.0)
        committed, waiting, applied = up_committed(), base.pending_count(), base.applied_count()
        backlog["outbox"] = max(backlog["outbox"], waiting)
        backlog["nats"] = max(backlog["nats"], committed - waiting - applied)
    summary = producers.wait()
    wait_all_applied()
    cpu_after, applied = cpu(), base.applied_count() - applied_before
    stats = window_stats(began + args.warmup, began + seconds)
    stats["cpu_us"] = {kind: (cpu_after[kind] - cpu_before.get(kind, 0.0)) / max(applied, 1) * 1e6
                       for kind in cpu_after}
    stats["commits"] = summary["commits"]
    stats["backlog"] = backlog
    stats.update(name=name, target=rate, offered=summary["messages"] / max(summary["seconds"], 1e-9),
                 service=summary["service"] / max(summary["seconds"], 1e-9),
                 actions=summary["actions"], errors=summary["errors"], kinds=summary["kinds"])
    log(f"{name}: {fmt(stats)}")
    base.analyze_outbox()
    return stats


def fmt(stats: dict) -> str:
    return (f"p50 {stats['p50'] * 1000:,.0f} ms  p90 {stats['p90'] * 1000:,.0f} ms  p99 {stats['p99'] * 1000:,.0f} ms"
            f"  max {stats['max'] * 1000:,.0f} ms  ({stats['count']:,} of {stats['committed']:,} messages in "
            f"{stats['seconds'] - 0:.0f}s window, {stats['rate']:,.1f}/s applied)")


def consistency() -> tuple[bool, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM kernel_outboxmessage WHERE direction = 'up'")
        committed = cursor.fetchone()[0]
        cursor.execute("SELECT count(*), count(DISTINCT message_id) FROM hub_intake_receivedmessage")
        received, distinct = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM hub_intake_quarantinedmessage")
        quarantined = cursor.fetchone()[0]
    ok = committed == received == distinct and not quarantined
    return ok, (f"{received:,} received, {distinct:,} distinct, {committed:,} committed, {quarantined} quarantined: "
                f"{'ok' if ok else 'MISMATCH'}")


def main() -> None:
    city = CityRate()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=0, help="messages/s of the busy evening "
                        f"(default: derived, {city.per_second:,.0f})")
    parser.add_argument("--baseline-rate", type=float, default=5.0, help="messages/s of the baseline (0 skips it)")
    parser.add_argument("--seconds", type=float, default=60, help="length of each phase")
    parser.add_argument("--warmup", type=float, default=10, help="seconds left out at the start of each phase")
    parser.add_argument("--flood-seconds", type=float, default=30, help="unpaced producers (0 skips it)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--platforms", type=int, default=4)
    parser.add_argument("--producers", type=int, default=2, help="producer processes (platforms split between them)")
    parser.add_argument("--service-rate", type=float, default=10.0,
                        help="messages/s made by the market services (what their producers sustain on this host); "
                        "the rest of the rate is reported through the outbox by --reporting-platforms")
    parser.add_argument("--reporting-platforms", type=int, default=16,
                        help="platforms whose facts are reported straight through the kernel's outbox")
    parser.add_argument("--relays", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4, help="intake processes (partitions of the streams)")
    parser.add_argument("--idle-seconds", default="",
                        help="SHARECITY_WORKER_IDLE_SECONDS for the workers (default: the product's)")
    parser.add_argument("--database-url", default=os.environ.get("SHARECITY_BENCH_LATENCY_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--profile", default="", help="comma-separated workers to run under py-spy (relay,intake)")
    parser.add_argument("--profile-format", default="raw", choices=("flamegraph", "raw", "speedscope"))
    parser.add_argument("--load", choices=("simulated", "synthetic"), default="simulated",
                        help="what the reporting platforms send: the simulated city's messages "
                             "(bench/sim_trace.py's trace, the default) or the throughput bench's fixed cycle")
    parser.add_argument("--producer", default="", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="sharecity-latency-"))
    sys.path.insert(0, str(base.ROOT / "src"))
    if args.producer:
        base.setup_django(args)
        producer_main(args)
        return
    rate = args.rate or city.per_second

    base.ensure_database(args.database_url)
    base.setup_django(args)
    (args.var_dir / "logs").mkdir(parents=True, exist_ok=True)
    # The producers share this process's keys and settings (setup_django set them in os.environ).
    log(f"database {args.database_url}, var {args.var_dir}, {os.cpu_count()} cores")
    base.reset_database()
    began = time.perf_counter()
    slugs = platforms_setup(args.platforms)
    log(f"{len(slugs)} platforms set up through the services in {time.perf_counter() - began:.1f}s")
    reporters = base.platforms_register(args.reporting_platforms) if args.reporting_platforms else []

    nats, bus = base.nats_start(args.var_dir / "jetstream")
    workers = base.Processes(args, bus)
    if args.idle_seconds:
        os.environ["SHARECITY_WORKER_IDLE_SECONDS"] = args.idle_seconds
    results: list[dict] = []
    try:
        for _ in range(args.relays):
            workers.start("relay", **_idle(args))
        for k in range(args.workers):
            workers.start("intake", SHARECITY_INTAKE_PARTITION=f"{k}/{args.workers}", **_idle(args))
        log(f"nats {bus}: {args.relays} relay and {args.workers} intake processes")

        def cpu() -> dict[str, float]:
            return {**workers.cpu_seconds(), "nats-server": base.proc_cpu_seconds([nats.pid])}

        wait_all_applied()  # the platforms' registrations and listings: the workers are up
        log(f"set-up applied at the hub: {base.applied_count():,} messages")
        for repeat in range(args.repeats):
            if args.baseline_rate > 0:
                results.append(phase(args, slugs, reporters, "baseline", args.baseline_rate, args.seconds,
                                     10 * repeat + 1, cpu))
            results.append(phase(args, slugs, reporters, "busy evening", rate, args.seconds, 10 * repeat + 2, cpu))
            if args.flood_seconds > 0:
                results.append(phase(args, slugs, reporters, "flood", 0, args.flood_seconds, 10 * repeat + 3, cpu))
    finally:
        workers.stop()
        nats.send_signal(signal.SIGTERM)
        nats.wait(timeout=20)
    ok, check = consistency()
    report(args, city, rate, results, check)
    if not ok:
        raise SystemExit(1)


def _idle(args) -> dict[str, str]:
    # Processes.start sets 0.05 s for the throughput bench; here the product's own setting counts.
    return {"SHARECITY_WORKER_IDLE_SECONDS": args.idle_seconds or os.environ.get("SHARECITY_WORKER_IDLE_SECONDS",
                                                                                 "0.5")}


def report(args, city: CityRate, rate: float, results: list[dict], check: str) -> None:
    lines = [f"== exchange latency: commit at the platform -> applied at the hub; {args.platforms} platforms "
             f"driven through the market services by {args.producers} processes (up to {args.service_rate:g} "
             f"messages/s), {args.reporting_platforms} more reporting through the kernel's outbox (the rest); "
             f"{args.relays} relay + {args.workers} intake processes, private nats-server, PostgreSQL; "
             f"{os.cpu_count()} cores"]
    if args.load == "simulated":
        import sim_trace

        header, _ = sim_trace.load(TRACE)
        kinds = ", ".join(f"{kind} {n:,}" for kind, n in header["kinds"].items())
        lines.append(f"the reporting platforms replay `sharecity simulate` ({header['city']}, {header['days']} days, "
                     f"scale {header['scale']:g}, seed {header['seed']}; {header['messages']:,} messages: {kinds})")
    else:
        lines.append("the reporting platforms send the throughput bench's cycle (listing, order, paid, completed, "
                     "review)")
    lines.append("busy-evening rate for a Xiamen-sized city (assumptions):")
    lines += [f"  {line}" for line in city.describe()]
    if args.rate:
        lines.append(f"  overridden: --rate {args.rate:g}")
    lines.append(f"phases of {args.seconds:g}s (flood {args.flood_seconds:g}s), first {args.warmup:g}s of each left "
                 f"out, {args.repeats} repeat(s)")
    for r in results:
        target = "unpaced" if r["target"] <= 0 else f"target {r['target']:,.0f}/s"
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(r["kinds"].items()))
        lines.append(f"{r['name']:13} ({target}, offered {r['offered']:,.1f}/s, {r['service']:,.1f}/s of it by the "
                     f"market services): {fmt(r)}")
        lines.append(f"{'':15}actions: {kinds}; {r['commits']:,} commits; refused by the services: {r['errors']}")
        lines.append(f"{'':15}most waiting (polled each second): {r['backlog']['outbox']:,} in the outbox, "
                     f"{r['backlog']['nats']:,} relayed and not applied")
        lines.append(f"{'':15}where the time goes: commit -> relay's pass p50 {r['outbox'][0] * 1000:,.0f} ms "
                     f"p99 {r['outbox'][1] * 1000:,.0f} ms; relay's pass -> applied "
                     f"p50 {r['onward'][0] * 1000:,.0f} ms "
                     f"p99 {r['onward'][1] * 1000:,.0f} ms")
        lines.append(f"{'':15}CPU per message applied: " + ", ".join(f"{kind} {us:,.0f} µs"
                                                                  for kind, us in r["cpu_us"].items()))
    lines.append("median over repeats:")
    medians = {}
    for name in ("baseline", "busy evening", "flood"):
        runs = [r for r in results if r["name"] == name]
        if not runs:
            continue
        medians[name] = {key: statistics.median(r[key] for r in runs)
                         for key in ("p50", "p90", "p99", "max", "rate", "offered")}
        m = medians[name]
        lines.append(f"  {name:13} p50 {m['p50'] * 1000:,.0f} ms  p90 {m['p90'] * 1000:,.0f} ms  p99 "
                     f"{m['p99'] * 1000:,.0f} ms  max {m['max'] * 1000:,.0f} ms  at {m['rate']:,.1f}/s applied "
                     f"({m['offered']:,.1f}/s offered)")
    if "busy evening" in medians:
        busy = medians["busy evening"]
        verdict = "met" if busy["p99"] < 1.0 else "NOT met"
        lines.append(f"goal p99 < 1 s at the busy-evening rate: {verdict} (p99 {busy['p99'] * 1000:,.0f} ms)")
        for other in ("baseline", "flood"):
            if other in medians and medians[other]["p99"] > 0:
                lines.append(f"  ratio busy evening / {other}: p50 "
                             f"{busy['p50'] / max(medians[other]['p50'], 1e-9):.2f}x, p99 "
                             f"{busy['p99'] / max(medians[other]['p99'], 1e-9):.2f}x")
    lines.append(f"check: {check}")
    text = "\n".join(lines)
    print()
    print(text)
    if args.output:
        args.output.write_text(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  {' '.join(sys.argv[1:])}\n"
                               f"{text}\n")


if __name__ == "__main__":
    main()
