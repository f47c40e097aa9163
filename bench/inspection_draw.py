"""Risk-weighted inspection draws against uniform draws of the same size, on a simulated month.

The simulator (``sharecity.sim``) builds a city, runs a month of activity through the real market, exchange
and hub, and labels the misconduct it injected (``MisconductLabel``: the ground truth the hub never reads).
A plan is then made through the hub's own services (``hub.inspection``): its pool is every provider with a
listing in the city's districts, each with the credit risk class its credit file grades to at the end of
the month; the draw is ``hub.inspection.draw.draw`` with the seeded county ratios (A up to 5% and only when
pointed to, B 5%, C 21%, D 61%). Each of ``--draws`` seeds gives one weighted draw of size n and, as the
baseline in the same run, one uniform draw of n subjects from the same pool.

"Sooner" is measured in inspections: visiting the drawn subjects in the draw's (random) rank order,
how many inspections until the first labelled violator is found, and how many inspections each violator
found costs (draw size / violators found). Medians over the draws; the ratio weighted / uniform; the goal
is at least 25% sooner (ratio ≤ 0.75), the figure Chicago's food-inspection model reached.

    uv run python bench/inspection_draw.py [--days 30] [--scale 0.05] [--draws 200] \
        [--out bench/last_run_inspection.txt]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The simulator's default misconduct rates (sim.cities.MISCONDUCT_DEFAULTS), unless --misconduct says otherwise.
MISCONDUCT: dict[str, float] = {}


def log(message: str) -> None:
    print(f"[inspection_draw] {message}", file=sys.stderr, flush=True)


def simulate_month(*, days: int, scale: float, seed: int, misconduct: dict | None = None):
    from sharecity.sim.engine import Options, simulate

    return simulate(Options(days=days, seed=seed, scale=scale, misconduct=misconduct or MISCONDUCT))


def plan_pools(city_code: str, *, signals: bool = False):
    """A plan over every district of the city, committed through the hub's services; its frozen pools.
    ``signals``: before the commitment, the plan is pointed at the providers the hub's open risk warnings
    name (``plan_point_warnings``), the data signals that bring class A into the draw."""
    from django.utils import timezone

    from sharecity.hub.inspection import selectors, services
    from sharecity.hub.registry.services import regulator_profile_set
    from sharecity.kernel.districts import DISTRICTS
    from sharecity.kernel.models import User

    officer = User.objects.create_user(username=f"bench-inspection-{secrets.token_hex(4)}", password=None)
    regulator_profile_set(actor=None, user=officer, department="市场监督管理局", department_kind="market_supervision",
                          city_code=city_code)
    for n in range(6):
        services.inspector_add(actor=officer, name=f"检查员{n}", badge=f"BENCH-{officer.pk}-{n}")
    today = timezone.now().date()
    plan = services.plan_create(
        actor=officer, title="基准：按信用风险分类抽查", departments=["market_supervision"],
        districts=sorted(code for code, d in DISTRICTS.items() if d.city_code == city_code),
        item_codes=["ms-licence-display"], period_start=today, period_end=today)
    if signals:
        services.plan_point_warnings(actor=officer, plan_id=plan.pk)
    plan = services.plan_commit(actor=officer, plan_id=plan.pk)
    return selectors.pools_of(plan)


def violators(run) -> set[int]:
    """Credit subjects (by id) the simulator labelled as wrongdoers in this run."""
    from sharecity.hub.credit.models import CreditSubject

    keys = {label.party_key for label in run.labels.all() if label.party_key}
    return set(CreditSubject.objects.filter(identifier__in=sorted(keys)).values_list("pk", flat=True))


def _first(order: list[int], bad: set[int]) -> int:
    """Inspections until the first violator; one more than the draw when none is in it."""
    for position, subject in enumerate(order, start=1):
        if subject in bad:
            return position
    return len(order) + 1


def compare(pools, bad: set[int], *, draws: int) -> dict:
    from sharecity.hub.inspection.draw import draw

    pool_ids = [s.subject_id for s in pools.subjects]
    rows = {"weighted": {"first": [], "per_found": [], "found": []},
            "uniform": {"first": [], "per_found": [], "found": []}}
    size = 0
    for i in range(draws):
        seed = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
        weighted = [t.subject_id for t in draw(seed, pools).tasks]
        size = len(weighted)
        uniform = random.Random(i).sample(pool_ids, size)
        for name, order in (("weighted", weighted), ("uniform", uniform)):
            found = sum(1 for s in order if s in bad)
            rows[name]["first"].append(_first(order, bad))
            rows[name]["found"].append(found)
            rows[name]["per_found"].append(size / found if found else float(size + 1))
    medians = {name: {k: statistics.median(v) for k, v in figures.items()} for name, figures in rows.items()}
    classes = {c: sum(1 for s in pools.subjects if s.risk_class == c) for c in "ABCD"}
    bad_classes = {c: sum(1 for s in pools.subjects if s.risk_class == c and s.subject_id in bad) for c in "ABCD"}
    ratio_first = medians["weighted"]["first"] / medians["uniform"]["first"] if medians["uniform"]["first"] else 0
    ratio_cost = (medians["weighted"]["per_found"] / medians["uniform"]["per_found"]
                  if medians["uniform"]["per_found"] else 0)
    return {"pool": len(pool_ids), "violators_in_pool": len(bad & set(pool_ids)), "draw_size": size,
            "draws": draws, "classes": classes, "violators_by_class": bad_classes, "medians": medians,
            "ratio_first": ratio_first, "ratio_per_found": ratio_cost,
            "sooner_first": 1 - ratio_first, "sooner_per_found": 1 - ratio_cost}


def run(*, days: int, scale: float, seed: int, draws: int, reuse: bool = False) -> dict:
    """``reuse``: take the last simulated run in the database instead of simulating again."""
    from sharecity.sim import cities
    from sharecity.sim.models import SimRun

    began = time.perf_counter()
    sim_run = SimRun.objects.order_by("-pk").first() if reuse else None
    if sim_run is None:
        sim_run = simulate_month(days=days, scale=scale, seed=seed).run
    else:
        days, scale, seed = sim_run.days, sim_run.scale, sim_run.seed
    simulated = time.perf_counter() - began
    from sharecity.hub.warnings.services import warnings_scan

    bad = violators(sim_run)
    result = compare(plan_pools(cities.CITIES[sim_run.city].code), bad, draws=draws)
    # The same draw once the hub's risk warnings (scanned over the month's facts) point to the providers
    # they name: the signals 国市监信发〔2022〕6号 lets bring class A in.
    scan = warnings_scan(force=True)
    result["with_signals"] = compare(plan_pools(cities.CITIES[sim_run.city].code, signals=True), bad, draws=draws)
    result["with_signals"]["warnings"] = sum(scan.raised.values())
    result.update({"days": days, "scale": scale, "seed": seed, "labels": sim_run.labels.count(),
                   "violators": len(bad), "simulated_seconds": round(simulated, 1)})
    return result


def report(result: dict) -> str:
    m = result["medians"]
    lines = [
        f"inspection_draw: {result['days']} simulated days, scale {result['scale']}, seed {result['seed']}, "
        f"{result['draws']} draws",
        f"  labels {result['labels']}, labelled violators with a credit file {result['violators']}, "
        f"in the pool {result['violators_in_pool']} of {result['pool']} providers",
        f"  pool by risk class {result['classes']}; violators by class {result['violators_by_class']}",
        f"  draw size {result['draw_size']} (weighted by class; the uniform draw takes as many)",
        "  median over draws           weighted   uniform",
        f"  inspections to 1st found   {m['weighted']['first']:>8}   {m['uniform']['first']:>7}",
        f"  violators found per draw   {m['weighted']['found']:>8}   {m['uniform']['found']:>7}",
        f"  inspections per violator   {m['weighted']['per_found']:>8.1f}   {m['uniform']['per_found']:>7.1f}",
        f"  ratio weighted/uniform: first found {result['ratio_first']:.2f} "
        f"({100 * result['sooner_first']:.0f}% sooner), per violator {result['ratio_per_found']:.2f} "
        f"({100 * result['sooner_per_found']:.0f}% sooner); goal: at least 25% sooner",
    ]
    signals = result.get("with_signals")
    if signals:
        w = signals["medians"]
        lines += [
            f"with the hub's risk warnings as signals ({signals['warnings']} warnings raised over the month; "
            f"pool {signals['pool']}, draw size {signals['draw_size']}, pointed subjects drawn by class A's ratio):",
            f"  inspections to 1st found   {w['weighted']['first']:>8}   {w['uniform']['first']:>7}",
            f"  violators found per draw   {w['weighted']['found']:>8}   {w['uniform']['found']:>7}",
            f"  inspections per violator   {w['weighted']['per_found']:>8.1f}   {w['uniform']['per_found']:>7.1f}",
            f"  ratio weighted/uniform: first found {signals['ratio_first']:.2f} "
            f"({100 * signals['sooner_first']:.0f}% sooner), per violator {signals['ratio_per_found']:.2f} "
            f"({100 * signals['sooner_per_found']:.0f}% sooner); goal: at least 25% sooner",
        ]
    return "\n".join(lines)


def setup_django(var_dir: Path) -> None:
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["SHARECITY_VAR_DIR"] = str(var_dir)
    os.environ["SHARECITY_DATABASE_URL"] = f"sqlite:///{var_dir / 'bench-inspection.sqlite3'}"
    os.environ.setdefault("SHARECITY_SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("SHARECITY_DATA_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    os.environ["SHARECITY_BUS"] = "local"
    os.environ["DJANGO_SETTINGS_MODULE"] = "sharecity.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None, help="also write the report to this file")
    parser.add_argument("--reuse", action="store_true",
                        help="with --var-dir of an earlier run: compare on its simulated month, do not simulate")
    args = parser.parse_args()
    setup_django(args.var_dir or Path(tempfile.mkdtemp(prefix="sharecity-bench-inspection-")))
    result = run(days=args.days, scale=args.scale, seed=args.seed, draws=args.draws, reuse=args.reuse)
    block = report(result)
    print(block)
    if args.out:
        args.out.write_text(block + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
