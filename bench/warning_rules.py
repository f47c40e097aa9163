"""Each risk-warning rule's precision and recall on a simulated month, against the simulator's ground truth.

The simulator (``sharecity.sim``) drives the real market with labelled misconduct; the hub receives only what
the platforms report through the exchange; ``hub.warnings`` scans those facts at the end of the month. A
warning is matched to the labels by the references both carry: listing ids (the market's ``public_id``, which
is what ``listing.published`` reports), order ids, and the party keys under which the hub sees accounts.

    uv run python bench/warning_rules.py [--days 30] [--scale 0.3] [--seed 7] [--out bench/last_run_warnings.txt]

Precision: of the warnings a rule raised, the share whose subject is labelled with the misconduct it looks for.
Recall: of the labelled instances the hub could see (what reached it), the share a warning of the rule names.

The rules over aggregates name no listing or order: a complaint-rate warning names a platform, a category or
a district in a week, a cancellation burst a platform's district on a day. Such a warning is true when at least
half of the complaints (or cancelled orders) it gives as evidence belong to a labelled service failure (or
cancellation wave); a label is found when a true warning's evidence includes its orders. Their "random" is the
labelled share of the complaints (or cancelled orders) of the month: what a warning pointing at random ones
would hold.

The hub scans every hour; the bench scans once at the end of each simulated day (the rules over a recent
window, such as the complaint rate's week, see each window in turn), then once at the month's end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

# Which simulator label kind each rule looks for, and how a warning's subject meets a label.
TARGETS = {
    "false_discount": "price_fraud",
    "review_ring": "fake_review_ring",
    "unlicensed_homestay": "unlicensed_homestay",
    "deposit_kept": "deposit_kept",
    "reposted_listing": "reposted_listing",
    "deposit_overdue": "deposit_delayed",
}
# Rules over aggregates, scored by the labelled share of their evidence.
AGGREGATES = {"complaint_rate": "service_failure", "cancellation_burst": "cancellation_wave"}

# The simulator's default rates, but a review ring even at a small scale (rings are counted at scale 1), and
# the rarer misconduct often enough in a month to be counted: some six service failures and cancellation
# waves, and a fifth of rentals returned late.
MISCONDUCT = {"fake_review_rings": 4, "service_failures_per_day": 0.2, "cancellation_waves_per_day": 0.2,
              "deposit_delayed_share": 0.2}


def _label_refs(label) -> set[str]:
    """The references under which a label's wrongdoing can be seen at the hub."""
    if label.kind == "fake_review_ring":
        return set(label.details.get("members", []))
    if label.kind in ("deposit_kept", "deposit_delayed"):
        return {label.order_ref}
    return {label.listing_ref}


def _visible(label, seen_listings: set[str], seen_orders: set[str], *, end=None, refund_days: int = 0) -> bool:
    """Whether the misconduct reached the hub at all (a homestay the market refused was never published)."""
    if label.kind == "deposit_delayed":
        # Late only once the city's refund period after the end of use has run out before the month's end.
        ends_at = dt.datetime.fromisoformat(label.details["ends_at"])
        return label.order_ref in seen_orders and ends_at + dt.timedelta(days=refund_days) < end
    if label.kind == "deposit_kept":
        return label.order_ref in seen_orders
    if label.kind == "fake_review_ring":
        return True
    if label.kind == "price_fraud" and not label.details.get("discounted_fen"):
        return False  # raised but not yet "discounted" when the month ended: no false discount yet
    return label.listing_ref in seen_listings


def measure(*, days: int, scale: float, seed: int, misconduct: dict | None = None) -> dict:
    """Simulate, scan, score. Django must be set up with a migrated database."""
    from sharecity.hub.warnings.feed import facts_load
    from sharecity.hub.warnings.models import Warning
    from sharecity.hub.warnings.rules import CITY_TZ
    from sharecity.hub.warnings.selectors import setting_for
    from sharecity.hub.warnings.services import warnings_scan
    from sharecity.sim.engine import Options, simulate
    from sharecity.sim.models import MisconductLabel

    started = time.monotonic()
    summary = simulate(Options(days=days, seed=seed, scale=scale, misconduct={**MISCONDUCT, **(misconduct or {})}))
    simulated = time.monotonic() - started
    run = summary.run
    end = dt.datetime.combine(run.start_day + dt.timedelta(days=run.days), dt.time(0), tzinfo=CITY_TZ)
    started = time.monotonic()
    for day in range(1, days):
        warnings_scan(now=end - dt.timedelta(days=days - day, seconds=1), force=True)
    scan = warnings_scan(now=end - dt.timedelta(seconds=1), force=True)
    scanned = time.monotonic() - started
    facts = facts_load()
    seen_listings = {listing_id for _pid, listing_id in facts.listings}
    seen_orders = {order_id for _pid, order_id in facts.orders}
    labels = list(MisconductLabel.objects.filter(run=run))
    warnings = list(Warning.objects.all())
    # The baseline of each rule, measured in the same run: the precision of flagging as many subjects of the
    # same kind at random, which is the share of them that are labelled (the misconduct's prevalence).
    accounts = {key for order in facts.orders.values() for key in (order.customer_key, order.provider_key) if key}
    universe = {
        "false_discount": seen_listings,
        "reposted_listing": seen_listings,
        "unlicensed_homestay": {listing_id for (_pid, listing_id), item in facts.listings.items()
                                if item.category.rsplit(".", 1)[-1] == "homestay"},
        "deposit_kept": {order_id for (_pid, order_id), order in facts.orders.items() if order.deposit_held_fen},
        "deposit_overdue": {order_id for (_pid, order_id), order in facts.orders.items() if order.deposit_held_fen},
        "review_ring": accounts,
    }
    refund_days = setting_for(rule="deposit_overdue", day=end.date()).params["refund_days"]
    rows = []
    flagged_by_rules: set[str] = set()
    for rule, kind in TARGETS.items():
        of_kind = [label for label in labels if label.kind == kind]
        truth = set().union(*(_label_refs(label) for label in of_kind)) if of_kind else set()
        visible = [label for label in of_kind if _visible(label, seen_listings, seen_orders, end=end,
                                                          refund_days=refund_days)]
        raised = [w for w in warnings if w.rule == rule]
        subjects = {w.subject_ref for w in raised}
        flagged_by_rules |= subjects
        true_positive = sum(1 for w in raised if w.subject_ref in truth)
        found = sum(1 for label in visible if _label_refs(label) & subjects)
        rows.append({"rule": rule, "label": kind, "labels": len(of_kind), "visible": len(visible),
                     "warnings": len(raised), "true": true_positive,
                     "precision": true_positive / len(raised) if raised else None,
                     "recall": found / len(visible) if visible else None,
                     "random": len(truth & universe[rule]) / len(universe[rule]) if universe[rule] else None})
    # The homestay rule as it would run with the city's lodging-licence register loaded: the public security
    # bureau knows who holds a licence, so the register here is every homestay host the simulator did not label
    # (a host who typed an invented number is not in it).
    from sharecity.hub.warnings.rules import unlicensed_homestay
    from sharecity.market.accounts.selectors import party_key
    from sharecity.market.listings.models import Listing

    unlicensed = {label.listing_ref for label in labels if label.kind == "unlicensed_homestay"}
    register = {(listing.platform.city_code, party_key(listing.provider))
                for listing in Listing.objects.select_related("platform", "provider").filter(
                    category__code="homestay").exclude(public_id__in=list(unlicensed))}
    with_register = unlicensed_homestay(facts, setting_for(rule="unlicensed_homestay", day=end.date()).params, end,
                                        licensed=register)
    homestay_row = next(row for row in rows if row["rule"] == "unlicensed_homestay")
    subjects = {finding.subject_ref for finding in with_register}
    true_positive = len(subjects & unlicensed)
    rows.append({**homestay_row, "rule": "unlicensed+register", "warnings": len(subjects), "true": true_positive,
                 "precision": true_positive / len(subjects) if subjects else None,
                 "recall": true_positive / homestay_row["visible"] if homestay_row["visible"] else None})
    # The statistical detector: accounts, against every labelled wrongdoer's key.
    wrongdoers = {label.party_key for label in labels if label.party_key and label.kind != "blacklisted_onboarding"}
    for label in labels:
        if label.kind == "fake_review_ring":
            wrongdoers |= set(label.details.get("members", []))
    outliers = {w.subject_ref for w in warnings if w.rule == "outlier"}
    # The detector scores providers with enough orders on platforms with enough of them: the share of those
    # that are labelled wrongdoers is what a random pick would reach (precision's baseline).
    from sharecity.hub.warnings.rules import provider_features

    params = setting_for(rule="outlier", day=end.date()).params
    features = provider_features(facts, end)
    per_platform: dict[str, int] = {}
    for (platform_id, _key), values in features.items():
        if values["orders"] >= params["min_orders"]:
            per_platform[platform_id] = per_platform.get(platform_id, 0) + 1
    scored = {key for (platform_id, key), values in features.items() if values["orders"] >= params["min_orders"]
              and per_platform[platform_id] >= params["min_providers"]}
    rule_accounts = {w.subject_ref for w in warnings if w.rule == "review_ring"}
    rule_accounts |= {label.party_key for label in labels if _label_refs(label) & flagged_by_rules}
    rows.append({"rule": "outlier", "label": "any (account)", "labels": len(wrongdoers), "visible": len(wrongdoers),
                 "warnings": len(outliers), "true": len(outliers & wrongdoers),
                 "precision": len(outliers & wrongdoers) / len(outliers) if outliers else None,
                 "recall": len(outliers & wrongdoers) / len(wrongdoers) if wrongdoers else None,
                 "beyond_rules": len((outliers & wrongdoers) - rule_accounts), "scored": len(scored),
                 "base_rate": len(scored & wrongdoers) / len(scored) if scored else None,
                 "random": len(scored & wrongdoers) / len(scored) if scored else None})
    rows += _aggregate_rows(facts, labels, warnings)
    return {"run": run.pk, "days": days, "scale": scale, "seed": seed, "events": summary.total_events,
            "facts": run.applied, "simulate_seconds": simulated, "scan_seconds": scanned,
            "raised": dict(scan.raised), "rows": rows}


def _aggregate_rows(facts, labels, warnings) -> list[dict]:
    """The complaint-rate and cancellation-burst rules, scored by the labelled share of their evidence."""
    complaint_order = {f"{c.platform_id}/{c.complaint_id}": c.order_id for c in facts.complaints}
    cancelled = {order_id for (_pid, order_id), order in facts.orders.items() if order.cancelled_at is not None}
    complained = [c.order_id for c in facts.complaints]
    rows = []
    for rule, kind in AGGREGATES.items():
        of_kind = [label for label in labels if label.kind == kind]
        labelled = set().union(*(set(label.details.get("orders", [])) for label in of_kind)) if of_kind else set()
        if rule == "complaint_rate":
            # A failure is seen when a complaint on one of its orders reached the hub.
            visible = [label for label in of_kind if set(label.details.get("orders", [])) & set(complained)]
            population = complained
        else:
            visible = [label for label in of_kind if set(label.details.get("orders", [])) & cancelled]
            population = sorted(cancelled)
        raised = [w for w in warnings if w.rule == rule]
        true_evidence: set[str] = set()
        true_positive = 0
        for warning in raised:
            refs = [item["ref"] for item in warning.evidence]
            orders = [complaint_order.get(ref, "") if rule == "complaint_rate" else ref.split("/", 1)[-1]
                      for ref in refs]
            if orders and 2 * sum(order in labelled for order in orders) >= len(orders):
                true_positive += 1
                true_evidence |= set(orders)
        found = sum(1 for label in visible if set(label.details.get("orders", [])) & true_evidence)
        rows.append({"rule": rule, "label": kind, "labels": len(of_kind), "visible": len(visible),
                     "warnings": len(raised), "true": true_positive,
                     "precision": true_positive / len(raised) if raised else None,
                     "recall": found / len(visible) if visible else None,
                     "random": sum(order in labelled for order in population) / len(population)
                     if population else None})
    return rows


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def table(result: dict) -> str:
    lines = [f"Simulated {result['days']} days at scale {result['scale']} (seed {result['seed']}): "
             f"{result['events']} market events, {result['facts']} facts applied at the hub "
             f"({result['simulate_seconds']:.0f} s); {result['days']} daily scans {result['scan_seconds']:.1f} s.",
             "",
             f"{'rule':<20} {'label kind':<20} {'labels':>6} {'seen':>5} {'warnings':>8} {'true':>5} "
             f"{'precision':>9} {'recall':>7} {'random':>7}"]
    for row in result["rows"]:
        lines.append(f"{row['rule']:<20} {row['label']:<20} {row['labels']:>6} {row['visible']:>5} "
                     f"{row['warnings']:>8} {row['true']:>5} {_pct(row['precision']):>9} {_pct(row['recall']):>7} "
                     f"{_pct(row['random']):>7}")
    outlier = next(row for row in result["rows"] if row["rule"] == "outlier")
    lines += ["", "random: the baseline, measured in the same run: the precision of flagging as many subjects of the "
              "same kind at random (the labelled share of the listings, deposit orders, homestays or accounts seen; "
              "for complaint_rate and cancellation_burst, of the complaints and cancelled orders).",
              "complaint_rate, cancellation_burst: a warning is true when half or more of its evidence belongs to "
              "a labelled service failure or cancellation wave.",
              "unlicensed+register: the homestay rule with the city's licence register loaded (every host the "
              "simulator did not label); without it every homestay is flagged.",
              "seen: labelled instances that reached the hub (a refused listing never did; a price raised but "
              "not yet cut at the month's end is no false discount yet; a deposit is late once the city's refund "
              "period after the end of use has run out).",
              f"outlier: {outlier['scored']} providers scored (enough orders, on a platform with enough providers); "
              f"labelled among them (a random pick's precision): {_pct(outlier['base_rate'])}; wrongdoers flagged "
              f"by the detector and by no rule: {outlier['beyond_rules']}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--scale", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args(argv)
    var = tempfile.mkdtemp(prefix="sharecity-bench-warnings-")
    os.environ["SHARECITY_VAR_DIR"] = var  # a fresh SQLite database of its own
    os.environ.pop("SHARECITY_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sharecity.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    result = measure(days=args.days, scale=args.scale, seed=args.seed)
    text = table(result)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
