"""The ``sharecity`` command: serve, migrate, demo, worker, exchange, manage."""

from __future__ import annotations

import argparse
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sharecity.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def cmd_migrate(_args) -> None:
    _manage("migrate", "--no-input")


def cmd_demo(_args) -> None:
    from django.conf import settings

    from sharecity.sim.demo import demo_load

    _manage("migrate", "--no-input", "--verbosity", "0")  # a fresh directory has no tables yet, as for serve
    report = demo_load(history_days=settings.SHARECITY_DEMO_SIM_DAYS)
    print(report.describe())


def cmd_serve(args) -> None:
    from django.conf import settings

    _manage("migrate", "--no-input", "--verbosity", "0")
    if args.demo:
        from sharecity.sim.demo import demo_load

        report = demo_load(history_days=settings.SHARECITY_DEMO_SIM_DAYS)
    from waitress import serve

    from sharecity.wsgi import application

    workers = []
    if not args.no_workers:
        from sharecity.workers import loops

        workers = loops(["relay", "intake", "downlink", "tasks"])
        for loop in workers:
            loop.start()
    url = f"http://{args.host}:{args.port}/"
    print(f"ShareCity is running at {url}  (database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
          f"bus: {settings.SHARECITY_BUS}, workers: {', '.join(w.name for w in workers) or 'none'})")
    if args.demo:
        print(report.describe())
    print("Press Ctrl+C to stop.", flush=True)
    try:
        serve(application, host=args.host, port=args.port, threads=8, ident="ShareCity")
    finally:
        from sharecity.workers import workers_stop

        workers_stop(workers)


def cmd_worker(args) -> None:
    from sharecity.workers import run_forever

    names = ["relay", "intake", "downlink", "tasks"] if args.name == "all" else [args.name]
    run_forever(names)


def cmd_exchange(args) -> None:
    """``exchange export`` reads the hub's database; ``exchange verify`` never touches a database."""
    from django.core.management.base import CommandError

    if args.action == "export":
        argv = ["exchange_export", "--platform", args.platform, "--out", args.out]
    else:
        argv = ["exchange_verify", args.file, *(["--message-id", args.message_id] if args.message_id else []),
                *(["--json"] if args.json else []),
                *(["--platform-key", args.platform_key] if args.platform_key else []),
                *[option for pair in args.hub_key or [] for option in ("--hub-key", pair)]]
    try:
        _manage(*argv)
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(error.returncode)


def cmd_credit(args) -> None:
    import datetime as dt
    import json
    import re

    from sharecity.hub.credit.rules import publicity_periods
    from sharecity.kernel.errors import InvalidInput

    try:
        # fromisoformat also reads 20260131 and 2026-W05-6; the option promises YYYY-MM-DD only.
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", args.decided):
            raise ValueError(args.decided)
        decided = dt.date.fromisoformat(args.decided)
    except ValueError:
        from django.utils.translation import gettext

        message = gettext("%(value)s is not a date (YYYY-MM-DD).") % {"value": repr(args.decided)}
        sys.exit(f"error: --decided: {message}")
    try:
        periods = publicity_periods(severity=args.severity, decided=decided)
    except InvalidInput as error:
        sys.exit(f"error: --{error.field}: {error.message}")
    print(json.dumps(periods.as_dict(), ensure_ascii=False))


def cmd_quota(args) -> None:
    """``quota allocate``: the hub's allocation rules on a CSV of scores; bad input exits 2 naming the field."""
    import json

    from sharecity.hub.quota.inputs import allocation_compute
    from sharecity.kernel.errors import InvalidInput

    try:
        try:
            with open(args.scores, "rb") as handle:
                data = handle.read(10_000_000)
        except OSError as error:
            raise InvalidInput(f"--scores: cannot read {args.scores!r}: {error.strerror}", field="scores") from None
        options = {key: getattr(args, key) for key in ("total", "reserve_new", "shares", "pass_mark", "zones",
                                                       "fail_below", "cuts", "suspend_at", "reward_at", "by")
                   if getattr(args, key) is not None}
        result = allocation_compute(method=args.method, csv_data=data, csv_name=args.scores, options=options)
    except InvalidInput as error:
        print(f"error: {error.message}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))


def cmd_tax(args) -> None:
    """``tax withhold``: the income tax a platform withholds, by the code its payouts use; ``tax month-end``: a
    month's end run over the platforms' ledgers. Bad input exits 2."""
    import json

    from sharecity.kernel.errors import InvalidInput
    from sharecity.market.tax.inputs import withhold_cumulative, withhold_per_payment

    if args.action == "month-end":
        from sharecity.market.tax.inputs import month_end_command

        try:
            result = month_end_command(month=args.month, platform=args.platform, prepare=args.prepare)
        except InvalidInput as error:
            print(f"error: {error.field}: {error.message}", file=sys.stderr)
            sys.exit(2)
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    try:
        if args.method == "cumulative":
            result = withhold_cumulative(monthly=args.monthly, start=args.start, gap_rule=args.gap_rule,
                                         other_deductions=args.other_deductions)
        else:
            result = withhold_per_payment(amount=args.amount, on=args.date)
    except InvalidInput as error:
        print(f"error: {error.field}: {error.message}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(result, ensure_ascii=False, indent=2))


def cmd_audit(args) -> None:
    """``audit verify`` exits 0 (intact), 1 (an entry edited, removed or moved) or 2 (unreadable file)."""
    from django.core.management.base import CommandError

    argv = (["audit_export", "--out", args.out] if args.action == "export" else
            ["audit_verify", *(["--file", args.file] if args.file else []),
             *(["--expect-head", args.expect_head] if args.expect_head else [])])
    try:
        _manage(*argv)
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(error.returncode)


def cmd_inspection(args) -> None:
    """``inspection verify PLAN`` exits 0 (the draw is confirmed), 1 (anything differs) or 2 (no such plan)."""
    from django.core.management.base import CommandError

    try:
        _manage("inspection_verify", args.plan, *(["--json"] if args.json else []))
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(error.returncode)


def _simulate_options(args):
    """Check the options before Django starts; exits naming the option at fault."""
    import datetime as dt
    import json
    import math
    import re

    def fail(option: str, message: str):
        sys.exit(f"error: {option}: {message}")

    if args.days is None or args.days < 1:
        fail("--days", "a whole number of days, at least 1")
    if not math.isfinite(args.scale) or args.scale <= 0:
        fail("--scale", "a number above 0")
    start = None
    if args.start is not None:
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", args.start):
                raise ValueError(args.start)
            start = dt.date.fromisoformat(args.start)
        except ValueError:
            fail("--start", f"{args.start!r} is not a date (YYYY-MM-DD)")
    misconduct = {}
    if args.misconduct is not None:
        try:
            misconduct = json.loads(args.misconduct)
        except ValueError:
            fail("--misconduct", "not JSON: give an object such as {\"price_fraud_per_day\": 2}")
        if not isinstance(misconduct, dict):
            fail("--misconduct", "give a JSON object of rates by name")
    if args.labels_out and args.labels_out != "-":
        try:  # before hours of simulation, not after
            with open(args.labels_out, "w", encoding="utf-8"):
                pass
        except OSError as error:
            fail("--labels-out", f"cannot write {args.labels_out!r}: {error.strerror}")
    return start, misconduct


def _migrate_if_needed() -> None:
    """Create or update the schema first on a fresh database (`simulate` may be the first command run)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        _manage("migrate", "--no-input", "--verbosity", "0")


def cmd_simulate(args) -> None:

    from sharecity.sim.engine import Options, SimError, simulate

    start, misconduct = args.checked
    options = Options(days=args.days, seed=args.seed, city=args.city, scale=args.scale, start=start,
                      misconduct=misconduct)
    try:
        options.check()
    except SimError as error:
        sys.exit(f"error: {error.option}: {error.message}")
    _migrate_if_needed()
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(total=args.days * 24, unit="h", desc="simulated hours", file=sys.stderr, dynamic_ncols=True)

    def progress(hours: int, counts: dict) -> None:
        if bar is not None:
            bar.update(hours - bar.n)
            bar.set_postfix(events=counts["events"], misconduct=counts["misconduct"], refresh=False)

    try:
        summary = simulate(options, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    print(summary.describe())
    if args.labels_out:
        from sharecity.sim.labels import labels_write

        written = labels_write(run=summary.run, path=args.labels_out)
        print(f"Labels: {written} written to {args.labels_out} (JSON lines).")
    if args.digest:
        from sharecity.sim.digest import content_digest

        print(f"Content digest: {content_digest()}")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        _setup()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["sharecity manage", *argv[1:]])
        return
    parser = argparse.ArgumentParser(prog="sharecity", description="ShareCity: the sharing economy of a city.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate, then run the web server and background workers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="load the demo city first (idempotent)")
    serve.add_argument("--no-workers", action="store_true", help="web only; run workers as separate processes")
    serve.set_defaults(func=cmd_serve)
    commands.add_parser("migrate", help="create or update the database schema").set_defaults(func=cmd_migrate)
    commands.add_parser("demo", help="load the demo city (idempotent)").set_defaults(func=cmd_demo)
    worker = commands.add_parser("worker", help="run one background worker")
    worker.add_argument("name", choices=["relay", "intake", "downlink", "tasks", "all"])
    worker.set_defaults(func=cmd_worker)
    exchange = commands.add_parser("exchange", help="export a platform's exchange log, or verify one")
    actions = exchange.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write one platform's log (envelopes, batches, receipts) to a file")
    export.add_argument("--platform", required=True, help="the platform's exchange id")
    export.add_argument("--out", required=True, help="the file to write, or - for standard output")
    verify = actions.add_parser("verify", help="check an exported log (no database needed); exit 0, 1 or 2")
    verify.add_argument("file")
    verify.add_argument("--message-id", help="print the inclusion proof of this message")
    verify.add_argument("--json", action="store_true", help="machine-readable output")
    verify.add_argument("--platform-key", help="trust this platform key, not the one in the file's header")
    verify.add_argument("--hub-key", action="append", metavar="KEY_ID=PUBLIC_KEY",
                        help="trust only these hub keys, not those in the file's header (repeatable)")
    exchange.set_defaults(func=cmd_exchange)
    credit = commands.add_parser("credit", help="credit rules: publicity periods of a dishonesty record")
    periods = credit.add_subparsers(dest="action", required=True).add_parser(
        "periods", help="print (JSON) when repair may be applied for and when display ends")
    periods.add_argument("--severity", required=True, help="light, ordinary or serious")
    periods.add_argument("--decided", required=True, help="date of the decision, YYYY-MM-DD")
    periods.set_defaults(func=cmd_credit)
    audit = commands.add_parser("audit", help="check the regulator's audit log, or export it")
    audit_actions = audit.add_subparsers(dest="action", required=True)
    audit_verify = audit_actions.add_parser("verify", help="check every entry's hash and link; exit 0, 1 or 2")
    audit_verify.add_argument("--file", help="an export to check instead of the database")
    audit_verify.add_argument("--expect-head", help="a head hash recorded earlier that must still be in the chain")
    audit_actions.add_parser("export", help="write the log as JSON lines").add_argument("--out", required=True)
    audit.set_defaults(func=cmd_audit)
    inspection = commands.add_parser("inspection", help="random inspections: verify a plan's draw")
    inspection_verify = inspection.add_subparsers(dest="action", required=True).add_parser(
        "verify", help="recompute a plan's draw from its revealed seed and frozen pools; exit 0, 1 or 2")
    inspection_verify.add_argument("plan", help="the plan's number")
    inspection_verify.add_argument("--json", action="store_true", help="machine-readable output")
    inspection.set_defaults(func=cmd_inspection)
    simulate = commands.add_parser(
        "simulate", help="a synthetic city (Xiamen by default) driving the real market and exchange, "
                         "with labelled misconduct")
    simulate.add_argument("--days", type=int, required=True, help="days of city life to simulate (at least 1)")
    simulate.add_argument("--seed", type=int, default=1, help="same seed, same database contents (default 1)")
    simulate.add_argument("--city", default="xiamen", help="xiamen (default) or tianjin")
    simulate.add_argument("--scale", type=float, default=None,
                          help="people and orders in proportion to the census times this (default 0.25)")
    simulate.add_argument("--start", help="first simulated day, YYYY-MM-DD (default: today minus --days)")
    simulate.add_argument("--misconduct", help='JSON object of misconduct rates, e.g. {"price_fraud_per_day": 2}')
    simulate.add_argument("--labels-out", help="write the misconduct labels (ground truth) to this file, JSON lines")
    simulate.add_argument("--digest", action="store_true", help="print a digest of the database contents at the end")
    simulate.add_argument("--quiet", action="store_true", help="no progress bar")
    simulate.set_defaults(func=cmd_simulate)
    quota = commands.add_parser("quota", help="public-space quotas (bikes): compute an allocation")
    allocate = quota.add_subparsers(dest="action", required=True).add_parser(
        "allocate", help="print (JSON) platform -> zone -> vehicles and a total per platform; bad input exits 2")
    allocate.add_argument("--method", required=True, choices=["rank-shares", "penalty-ladder"],
                          help="rank-shares (Xiamen 2019) or penalty-ladder (Tianjin 2019)")
    allocate.add_argument("--scores", required=True,
                          help="CSV: platform,score,new_entrant (rank-shares) or platform,quota,score,prior_failures "
                               "(penalty-ladder; prior_failures = quarters failed in a row before this one)")
    allocate.add_argument("--zones", required=True, help="zones and their ratio, e.g. island=3,off-island=1")
    allocate.add_argument("--total", help="rank-shares: vehicles for the whole city")
    allocate.add_argument("--reserve-new", help="rank-shares: vehicles reserved for new entrants")
    allocate.add_argument("--shares", help="rank-shares: share of each rank, e.g. 0.5,0.3,0.2")
    allocate.add_argument("--pass-mark", help="rank-shares: lowest passing score")
    allocate.add_argument("--fail-below", help="penalty-ladder: a score below this fails (default 60)")
    allocate.add_argument("--cuts", help="penalty-ladder: cut at the 1st, 2nd failure in a row (default 0.2,0.3)")
    allocate.add_argument("--suspend-at", help="penalty-ladder: failures in a row that suspend (default 3)")
    allocate.add_argument("--reward-at", help="penalty-ladder: lowest score that receives freed quota (default 90)")
    allocate.add_argument("--by", help="penalty-ladder: freed quota pro rata to 'quota' (default) or 'score'")
    quota.set_defaults(func=cmd_quota)
    tax = commands.add_parser("tax", help="income tax withheld from platform workers' pay")
    tax_actions = tax.add_subparsers(dest="action", required=True)
    month_end = tax_actions.add_parser(
        "month-end", help="run a month's end for each platform (or one): withholding checked against the payouts, "
                          "VAT returns on workers' behalf, injury contributions, totals; JSON in yuan")
    month_end.add_argument("--month", required=True, help="the month, YYYY-MM (an ended month or this one)")
    month_end.add_argument("--platform", help="one platform's slug (default: every platform)")
    month_end.add_argument("--prepare", action="store_true", help="also prepare the month's VAT returns")
    withhold = tax_actions.add_parser(
        "withhold", help="print (JSON, yuan with two decimals) the tax withheld; bad input exits 2")
    withhold.add_argument("--method", required=True, choices=["cumulative", "per-payment"],
                          help="cumulative (platform workers, 国家税务总局公告2025年第16号) or per-payment "
                               "(other labour remuneration, 2018年第61号)")
    withhold.add_argument("--monthly", help="cumulative: income in yuan of each month in order, 0 for none, "
                                            "e.g. 6000,8000,3000")
    withhold.add_argument("--start", help="cumulative: the first month, YYYY-MM (default: January of this year)")
    withhold.add_argument("--other-deductions", help="cumulative: other deductions in yuan, one per month")
    withhold.add_argument("--gap-rule", choices=["restart", "months_with_income", "since_first"],
                          help="cumulative: a month without income and the month count (default: the setting "
                               "SHARECITY_TAX_GAP_RULE)")
    withhold.add_argument("--amount", help="per-payment: the payment in yuan")
    withhold.add_argument("--date", help="per-payment: the day of the payment, YYYY-MM-DD (default: today)")
    tax.set_defaults(func=cmd_tax)
    commands.add_parser("manage", help="any Django management command: sharecity manage <command> ...")
    args = parser.parse_args(argv)
    if args.command == "simulate":
        if args.scale is None:
            args.scale = 0.25
        args.checked = _simulate_options(args)
    _setup()
    args.func(args)


if __name__ == "__main__":
    main()
