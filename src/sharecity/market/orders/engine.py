"""The pure engine of the transaction processes: decides, over plain data, never touches the database.

``step`` says where a transition leads and which effects to run, or raises the error naming the
rule that refused it; ``available`` lists what a side may do now; ``timers_on_enter`` lists the
timed transitions to schedule when an order enters a state; ``automatic_next`` names the
transition the system takes at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from sharecity.market.orders.errors import (
    ActorNotAllowed,
    GuardFailed,
    UnknownProcess,
    UnknownTransition,
    WrongState,
)
from sharecity.market.orders.processes import DEFAULT_DURATIONS, PROCESSES, ROLE_NAMES, Process, Transition


@dataclass(frozen=True)
class Milestone:
    id: int
    amount_fen: int
    status: str  # open | delivered | released
    delivered_at: dt.datetime | None = None


@dataclass(frozen=True)
class Facts:
    """What the guards look at: plain data about one order at one moment."""

    now: dt.datetime
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    deposit_fen: int = 0
    milestones: tuple[Milestone, ...] = ()
    data: Mapping = field(default_factory=dict)  # what the actor sent with the transition
    durations: Mapping[str, dt.timedelta] = field(default_factory=dict)

    def duration(self, name: str) -> dt.timedelta:
        return self.durations.get(name, DEFAULT_DURATIONS[name])


def _milestone_in_data(facts: Facts) -> Milestone | None:
    wanted = facts.data.get("milestone_id")
    return next((m for m in facts.milestones if str(m.id) == str(wanted)), None)


# Each guard returns None when it passes, or the rule in plain words when it refuses.
def _before_start(f: Facts) -> str | None:
    if f.starts_at is not None and f.now >= f.starts_at:
        return _("This can only be done before the start.")
    return None


def _before_end(f: Facts) -> str | None:
    if f.ends_at is not None and f.now >= f.ends_at:
        return _("This can only be done before the end.")
    return None


def _after_end(f: Facts) -> str | None:
    if f.ends_at is not None and f.now < f.ends_at:
        return _("This can only be done once the booked time has ended.")
    return None


def _tracking_number_given(f: Facts) -> str | None:
    if not str(f.data.get("tracking_no", "")).strip():
        return _("Enter the tracking number of the shipment.")
    return None


def _deduction_valid(f: Facts) -> str | None:
    deduction = f.data.get("deduction_fen")
    if not isinstance(deduction, int) or deduction <= 0:
        return _("A damage deduction is a positive amount.")
    if deduction > f.deposit_fen:
        return _("A damage deduction cannot be more than the deposit.")
    if not str(f.data.get("reason", "")).strip():
        return _("Say what was damaged: the customer is shown the reason for the deduction.")
    return None


def _milestone_open(f: Facts) -> str | None:
    milestone = _milestone_in_data(f)
    if milestone is None or milestone.status != "open":
        return _("Choose a milestone that is not yet delivered.")
    return None


def _milestone_delivered(f: Facts) -> str | None:
    milestone = _milestone_in_data(f)
    if milestone is None or milestone.status != "delivered":
        return _("Only a delivered milestone can be approved.")
    return None


def _milestone_overdue(f: Facts) -> str | None:
    wait = f.duration("milestone_auto_approve")
    if not any(m.status == "delivered" and m.delivered_at and m.delivered_at + wait <= f.now
               for m in f.milestones):
        return _("No delivered milestone has waited long enough to be approved automatically.")
    return None


def _milestones_all_released(f: Facts) -> str | None:
    if not f.milestones or any(m.status != "released" for m in f.milestones):
        return _("Every milestone must be approved first.")
    return None


GUARDS: dict[str, Callable[[Facts], str | None]] = {
    "before_start": _before_start,
    "before_end": _before_end,
    "after_end": _after_end,
    "tracking_number_given": _tracking_number_given,
    "deduction_valid": _deduction_valid,
    "milestone_open": _milestone_open,
    "milestone_delivered": _milestone_delivered,
    "milestone_overdue": _milestone_overdue,
    "milestones_all_released": _milestones_all_released,
}


@dataclass(frozen=True)
class Step:
    transition: str
    source: str
    target: str
    effects: tuple[str, ...]


def process_get(code: str) -> Process:
    process = PROCESSES.get(code)
    if process is None:
        raise UnknownProcess(_("There is no transaction process %(code)s.") % {"code": code}, field="process")
    return process


def _candidates(process: Process, name: str) -> list[Transition]:
    return [t for t in process.transitions if t.name == name]


def guards_failing(transition: Transition, facts: Facts) -> list[tuple[str, str]]:
    return [(name, message) for name in transition.guards if (message := GUARDS[name](facts)) is not None]


def step(process: Process, *, state: str, role: str, transition: str, facts: Facts) -> Step:
    """Where ``transition`` taken by ``role`` from ``state`` leads, or the error naming the rule."""
    candidates = _candidates(process, transition)
    if not candidates:
        raise UnknownTransition(
            _("The %(process)s process has no step called %(name)s.") % {"process": process.code, "name": transition},
            field="transition")
    found = next((t for t in candidates if state in t.sources), None)
    if found is None:
        current = process.state(state).label if process.has_state(state) else state
        raise WrongState(
            _("“%(name)s” cannot be done while the order is “%(state)s”.") % {
                "name": candidates[0].label, "state": current},
            field="transition", code="order.wrong_state")
    if role not in found.actors:
        raise ActorNotAllowed(
            _("Only %(actors)s may do “%(name)s”.") % {
                "actors": _(" or ").join(str(ROLE_NAMES[a]) for a in sorted(found.actors)), "name": found.label},
            field="transition", code="order.actor_not_allowed")
    failing = guards_failing(found, facts)
    if failing:
        name, message = failing[0]
        raise GuardFailed(message, field="transition", code=f"order.guard.{name}")
    return Step(transition=found.name, source=state, target=found.target, effects=found.effects)


def available(process: Process, *, state: str, role: str, facts: Facts | None = None) -> list[Transition]:
    """The transitions ``role`` may take now (guards that need the actor's input are not checked
    unless ``facts`` is given, and then only those that depend on time)."""
    result = []
    for t in process.transitions:
        if state not in t.sources or role not in t.actors or t.automatic:
            continue
        if facts is not None and any(GUARDS[g](facts) for g in t.guards if g in _TIME_GUARDS):
            continue
        result.append(t)
    return result


_TIME_GUARDS = frozenset({"before_start", "before_end", "after_end"})


@dataclass(frozen=True)
class TimerDue:
    transition: str
    due_at: dt.datetime


def timers_on_enter(process: Process, *, state: str, entered_at: dt.datetime, placed_at: dt.datetime | None = None,
                    starts_at: dt.datetime | None = None,
                    ends_at: dt.datetime | None = None, completed_at: dt.datetime | None = None,
                    durations: Mapping[str, dt.timedelta] | None = None) -> list[TimerDue]:
    """Timed transitions leaving ``state``, with the moment each is due. A timer anchored on a time
    the order does not have (a purchase has no end) falls back to the moment it entered the state."""
    durations = durations or {}
    anchors = {"entered": entered_at, "placed": placed_at, "starts_at": starts_at, "ends_at": ends_at,
               "completed_at": completed_at}
    due = []
    for t in process.transitions:
        if t.timer is None or state not in t.sources:
            continue
        anchor = anchors[t.timer.anchor] or entered_at
        length = durations.get(t.timer.duration, DEFAULT_DURATIONS.get(t.timer.duration, dt.timedelta(0))) \
            if t.timer.duration else dt.timedelta(0)
        due.append(TimerDue(transition=t.name, due_at=anchor + length + t.timer.extra))
    return due


def automatic_next(process: Process, *, state: str, facts: Facts) -> str | None:
    """The transition the system takes at once from ``state``, if its guards pass."""
    for t in process.transitions:
        if t.automatic and state in t.sources and not guards_failing(t, facts):
            return t.name
    return None
