"""Suspicious review patterns, found over plain data (no ORM): rings and bursts.

- A **ring**: a small group of accounts that trade with one another again and again and
  whose reviews go almost only to one another.
- A **burst**: many reviews written from one device, or from one network (an IPv4 /24,
  an IPv6 /48), within a short time.

The findings are only signals for a moderator; nothing is hidden automatically.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReviewFact:
    review_id: int
    author_id: int
    subject_id: int | None
    order_id: int | None
    created_at: dt.datetime
    ip: str | None = None
    device: str = ""


@dataclass(frozen=True)
class Finding:
    kind: str  # "ring" | "device_burst" | "network_burst"
    key: str
    review_ids: tuple[int, ...]
    accounts: tuple[int, ...]
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Thresholds:
    ring_max_accounts: int = 4  # a ring is a group of at most this many accounts ...
    ring_min_orders_per_pair: int = 2  # two accounts are linked by reviews on this many orders ...
    ring_min_reviews: int = 6  # ... a group has at least this many reviews among its members ...
    ring_min_insularity: float = 0.8  # ... that are this share (at least) of what its members wrote
    burst_window: dt.timedelta = dt.timedelta(hours=1)
    burst_min_reviews: int = 5  # reviews from one device or network within the window
    burst_min_accounts: int = 2  # written by at least this many different accounts


DEFAULT_THRESHOLDS = Thresholds()


def network_of(ip: str | None) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) network of an address, as text; None when there is no address."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def rings(facts: list[ReviewFact], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    """Groups of few accounts that trade with one another again and again and whose reviews mostly
    stay among themselves. Only pairs with reviews on at least two orders link accounts, so a
    provider's many one-off customers never make a group."""
    orders_of_pair: dict[frozenset, set] = defaultdict(set)
    for fact in facts:
        if fact.subject_id is not None and fact.subject_id != fact.author_id:
            orders_of_pair[frozenset((fact.author_id, fact.subject_id))].add(fact.order_id)
    neighbours: dict[int, set[int]] = defaultdict(set)
    for pair, orders in orders_of_pair.items():
        if len(orders) >= thresholds.ring_min_orders_per_pair:
            a, b = tuple(pair)
            neighbours[a].add(b)
            neighbours[b].add(a)
    seen: set[int] = set()
    findings = []
    for start in sorted(neighbours):
        if start in seen:
            continue
        component, stack = set(), [start]
        while stack:
            account = stack.pop()
            if account in component:
                continue
            component.add(account)
            stack.extend(neighbours[account] - component)
        seen |= component
        if not 2 <= len(component) <= thresholds.ring_max_accounts:
            continue
        written = [f for f in facts if f.author_id in component]
        inside = [f for f in written if f.subject_id in component]
        if len(inside) < thresholds.ring_min_reviews:
            continue
        insularity = len(inside) / len(written)
        if insularity < thresholds.ring_min_insularity:
            continue
        members = tuple(sorted(component))
        findings.append(Finding(
            kind="ring", key="accounts:" + ",".join(map(str, members)),
            review_ids=tuple(sorted(f.review_id for f in inside)), accounts=members,
            detail={"accounts": list(members), "reviews": len(inside), "orders": len({f.order_id for f in inside}),
                    "insularity_percent": round(insularity * 100)},
        ))
    return findings


def _bursts_by(facts: list[ReviewFact], kind: str, source, thresholds: Thresholds) -> list[Finding]:
    groups: dict[str, list[ReviewFact]] = defaultdict(list)
    for fact in facts:
        value = source(fact)
        if value:
            groups[value].append(fact)
    findings = []
    for value, group in sorted(groups.items()):
        group.sort(key=lambda f: (f.created_at, f.review_id))
        # Runs of reviews each written within the window of the one before it; a run is one
        # burst (its key is its first review) when some window inside it is dense enough.
        runs: list[list[ReviewFact]] = []
        for fact in group:
            if runs and fact.created_at - runs[-1][-1].created_at <= thresholds.burst_window:
                runs[-1].append(fact)
            else:
                runs.append([fact])
        for run in runs:
            densest, left = 0, 0
            for right, fact in enumerate(run):
                while fact.created_at - run[left].created_at > thresholds.burst_window:
                    left += 1
                densest = max(densest, right - left + 1)
            accounts = tuple(sorted({f.author_id for f in run}))
            if densest < thresholds.burst_min_reviews or len(accounts) < thresholds.burst_min_accounts:
                continue
            findings.append(Finding(
                kind=kind, key=f"{value}@{run[0].review_id}", review_ids=tuple(f.review_id for f in run),
                accounts=accounts,
                detail={"source": value, "reviews": len(run), "accounts": list(accounts),
                        "densest_in_window": densest,
                        "window_minutes": int(thresholds.burst_window.total_seconds() // 60),
                        "first_at": run[0].created_at.isoformat(), "last_at": run[-1].created_at.isoformat()},
            ))
    return findings


def bursts(facts: list[ReviewFact], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    """Many reviews by several accounts from one device or one network within a short time."""
    return (_bursts_by(facts, "device_burst", lambda f: f.device.strip(), thresholds)
            + _bursts_by(facts, "network_burst", lambda f: network_of(f.ip), thresholds))


def detect(facts: list[ReviewFact], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    return rings(facts, thresholds) + bursts(facts, thresholds)
