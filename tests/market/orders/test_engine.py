"""The pure engine of the transaction processes: no database, plain data in, decisions out."""

from __future__ import annotations

import datetime as dt

import pytest

from sharecity.market.orders import engine
from sharecity.market.orders.errors import ActorNotAllowed, GuardFailed, UnknownProcess, UnknownTransition, WrongState
from sharecity.market.orders.processes import PROCESSES, ROLES, Process, State, Transition

NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
START = NOW + dt.timedelta(days=2)
END = START + dt.timedelta(hours=3)


def facts(now=NOW, **fields):
    fields.setdefault("starts_at", START)
    fields.setdefault("ends_at", END)
    return engine.Facts(now=now, **fields)


def walk(code: str, steps: list[tuple[str, str, engine.Facts]]) -> list[engine.Step]:
    process = PROCESSES[code]
    state = process.initial
    taken = []
    for role, name, at in steps:
        step = engine.step(process, state=state, role=role, transition=name, facts=at)
        taken.append(step)
        state = step.target
    return taken


def public_path(code: str, taken: list[engine.Step]) -> list[str]:
    process = PROCESSES[code]
    return [process.state(process.initial).public_state] + [process.state(s.target).public_state for s in taken]


def test_instant_booking_happy_path_pays_confirms_completes_and_pays_out():
    after = facts(now=END + dt.timedelta(days=1))
    taken = walk("instant_booking", [
        ("customer", "pay", facts()),
        ("system", "complete", facts(now=END)),
        ("system", "release_payout", after),
        ("system", "close_reviews", after),
    ])
    assert [s.target for s in taken] == ["confirmed", "completed", "payout_ready", "closed"]
    assert taken[0].effects == ("confirm_reservation", "collect_payment", "record_price")
    assert taken[2].effects == ("release_escrow",)
    assert public_path("instant_booking", taken) == ["requested", "paid", "completed", "completed", "completed"]
    assert PROCESSES["instant_booking"].state("closed").terminal


def test_instant_booking_cancellations_refund_fully_by_provider_and_by_policy_by_customer():
    process = PROCESSES["instant_booking"]
    by_provider = engine.step(process, state="confirmed", role="provider", transition="provider_cancel", facts=facts())
    assert by_provider.target == "cancelled"
    assert "refund_full" in by_provider.effects
    by_customer = engine.step(process, state="confirmed", role="customer", transition="customer_cancel",
                              facts=facts())
    assert by_customer.effects[:2] == ("refund_by_policy", "release_reservation")


def test_a_customer_cannot_cancel_a_started_booking():
    with pytest.raises(GuardFailed) as refused:
        engine.step(PROCESSES["instant_booking"], state="confirmed", role="customer", transition="customer_cancel",
                    facts=facts(now=START + dt.timedelta(minutes=1)))
    assert refused.value.code == "order.guard.before_start"


def test_a_booking_does_not_complete_before_its_end():
    with pytest.raises(GuardFailed) as refused:
        engine.step(PROCESSES["instant_booking"], state="confirmed", role="system", transition="complete",
                    facts=facts(now=END - dt.timedelta(minutes=1)))
    assert refused.value.code == "order.guard.after_end"


def test_request_to_book_accepted_then_like_instant():
    taken = walk("request_to_book", [
        ("customer", "pay", facts()),
        ("provider", "accept", facts()),
        ("system", "complete", facts(now=END)),
    ])
    assert [s.target for s in taken] == ["requested", "confirmed", "completed"]
    assert taken[0].effects == ("collect_payment",)
    assert taken[1].effects == ("confirm_reservation", "record_price")


@pytest.mark.parametrize(("role", "name"), [("provider", "decline"), ("system", "expire_request")])
def test_a_request_declined_or_unanswered_is_refunded(role, name):
    step = engine.step(PROCESSES["request_to_book"], state="requested", role=role, transition=name, facts=facts())
    assert step.target in ("declined", "expired")
    assert step.effects == ("refund_full", "release_reservation")
    assert PROCESSES["request_to_book"].state(step.target).public_state == "cancelled"


def test_purchase_delivery_ships_with_a_tracking_number_and_is_received():
    taken = walk("purchase_delivery", [
        ("customer", "pay", facts(starts_at=None, ends_at=None)),
        ("provider", "ship", facts(starts_at=None, ends_at=None, data={"tracking_no": "SF1234567890"})),
        ("customer", "confirm_receipt", facts(starts_at=None, ends_at=None)),
    ])
    assert [s.target for s in taken] == ["paid", "shipped", "received"]
    assert public_path("purchase_delivery", taken) == ["requested", "paid", "started", "completed"]
    assert taken[2].effects == ("release_escrow",)


def test_shipping_needs_a_tracking_number():
    with pytest.raises(GuardFailed) as refused:
        engine.step(PROCESSES["purchase_delivery"], state="paid", role="provider", transition="ship",
                    facts=facts(data={"tracking_no": "  "}))
    assert refused.value.code == "order.guard.tracking_number_given"


def test_goods_can_be_cancelled_with_a_full_refund_only_before_shipping():
    process = PROCESSES["purchase_delivery"]
    assert engine.step(process, state="paid", role="customer", transition="cancel", facts=facts()).effects[0] == \
        "refund_full"
    with pytest.raises(WrongState):
        engine.step(process, state="shipped", role="customer", transition="cancel", facts=facts())


def test_task_bidding_milestones_then_completes_automatically():
    process = PROCESSES["task_bidding"]
    delivered = (engine.Milestone(1, 5000, "delivered", NOW), engine.Milestone(2, 5000, "open"))
    step = engine.step(process, state="in_progress", role="customer", transition="approve_milestone",
                       facts=facts(milestones=delivered, data={"milestone_id": 1}))
    assert step.target == "in_progress"
    assert step.effects == ("milestone_release",)
    with pytest.raises(GuardFailed) as refused:
        engine.step(process, state="in_progress", role="customer", transition="approve_milestone",
                    facts=facts(milestones=delivered, data={"milestone_id": 2}))
    assert refused.value.code == "order.guard.milestone_delivered"
    assert engine.automatic_next(process, state="in_progress", facts=facts(milestones=delivered)) is None
    released = tuple(engine.Milestone(m.id, m.amount_fen, "released") for m in delivered)
    assert engine.automatic_next(process, state="in_progress", facts=facts(milestones=released)) == "complete"


def test_milestones_are_approved_automatically_only_after_the_wait():
    process = PROCESSES["task_bidding"]
    delivered = (engine.Milestone(1, 5000, "delivered", NOW),)
    with pytest.raises(GuardFailed) as refused:
        engine.step(process, state="in_progress", role="system", transition="auto_approve",
                    facts=facts(now=NOW + dt.timedelta(days=6), milestones=delivered))
    assert refused.value.code == "order.guard.milestone_overdue"
    step = engine.step(process, state="in_progress", role="system", transition="auto_approve",
                       facts=facts(now=NOW + dt.timedelta(days=7), milestones=delivered))
    assert step.effects == ("milestones_overdue_release",)


def test_rental_with_deposit_from_pick_up_to_settled():
    taken = walk("rental_deposit", [
        ("customer", "pay", facts()),
        ("provider", "pick_up", facts()),
        ("provider", "return", facts()),
        ("provider", "report_damage", facts(deposit_fen=50000, data={"deduction_fen": 20000, "reason": "镜头划伤"})),
    ])
    assert [s.target for s in taken] == ["confirmed", "picked_up", "returned", "settled"]
    assert taken[2].effects == ("deposit_due_set", "release_escrow")
    assert taken[3].effects == ("release_deposit",)


@pytest.mark.parametrize(("data", "rule"), [
    ({"deduction_fen": 60000, "reason": "丢失"}, "more than the deposit"),
    ({"deduction_fen": 100, "reason": ""}, "Say what was damaged"),
    ({"deduction_fen": 0, "reason": "x"}, "positive"),
])
def test_a_damage_deduction_is_within_the_deposit_and_says_why(data, rule, in_english):
    with pytest.raises(GuardFailed) as refused:
        engine.step(PROCESSES["rental_deposit"], state="returned", role="provider", transition="report_damage",
                    facts=facts(deposit_fen=50000, data=data))
    assert refused.value.code == "order.guard.deduction_valid"
    assert rule in str(refused.value.message)


def _every(kind: str):
    for code, process in PROCESSES.items():
        names = sorted({t.name for t in process.transitions})
        for state in process.states:
            for name in names:
                leaving = [t for t in process.transitions if t.name == name and state.name in t.sources]
                if kind == "wrong_state" and not leaving:
                    yield code, state.name, name, None
                if kind == "wrong_actor" and leaving:
                    for role in ROLES:
                        if role not in leaving[0].actors:
                            yield code, state.name, name, role


@pytest.mark.parametrize(("code", "state", "name", "_role"), list(_every("wrong_state")))
def test_every_transition_is_refused_from_a_state_it_does_not_leave(code, state, name, _role):
    process = PROCESSES[code]
    for role in ROLES:
        with pytest.raises(WrongState) as refused:
            engine.step(process, state=state, role=role, transition=name, facts=facts())
        assert refused.value.code == "order.wrong_state"
        assert refused.value.field == "transition"


@pytest.mark.parametrize(("code", "state", "name", "role"), list(_every("wrong_actor")))
def test_every_transition_is_refused_to_a_side_not_allowed_to_take_it(code, state, name, role):
    with pytest.raises(ActorNotAllowed) as refused:
        engine.step(PROCESSES[code], state=state, role=role, transition=name, facts=facts())
    assert refused.value.code == "order.actor_not_allowed"


def test_terminal_states_have_no_way_out():
    for process in PROCESSES.values():
        for state in process.states:
            if state.terminal:
                assert not [t for t in process.transitions if state.name in t.sources], (process.code, state.name)


def test_unknown_transition_and_process_are_named(in_english):
    with pytest.raises(UnknownTransition) as refused:
        engine.step(PROCESSES["instant_booking"], state="confirmed", role="customer", transition="teleport",
                    facts=facts())
    assert "teleport" in str(refused.value.message)
    with pytest.raises(UnknownProcess):
        engine.process_get("haggling")


def test_what_each_side_may_do_in_a_state():
    process = PROCESSES["instant_booking"]
    names = lambda role, **kw: sorted(t.name for t in engine.available(process, state="confirmed", role=role, **kw))  # noqa: E731
    assert names("customer") == ["check_in", "customer_cancel", "dispute"]
    assert names("provider") == ["check_in", "dispute", "provider_cancel"]
    assert names("customer", facts=facts(now=START + dt.timedelta(minutes=5))) == ["check_in", "dispute"]
    assert [t.name for t in engine.available(PROCESSES["task_bidding"], state="in_progress", role="system")] == [
        "auto_approve"]


def test_timers_on_entering_a_state():
    instant = PROCESSES["instant_booking"]
    assert engine.timers_on_enter(instant, state="pending_payment", entered_at=NOW) == [
        engine.TimerDue("expire", NOW + dt.timedelta(minutes=15))]
    assert engine.timers_on_enter(instant, state="confirmed", entered_at=NOW, starts_at=START, ends_at=END) == [
        engine.TimerDue("complete", END)]
    assert engine.timers_on_enter(instant, state="in_use", entered_at=START, starts_at=START, ends_at=END) == [
        engine.TimerDue("complete", END)]
    assert engine.timers_on_enter(instant, state="completed", entered_at=END, ends_at=END,
                                  durations={"escrow_release_delay": dt.timedelta(days=3)}) == [
        engine.TimerDue("release_payout", END + dt.timedelta(days=3))]
    assert engine.timers_on_enter(instant, state="payout_ready", entered_at=END + dt.timedelta(days=1),
                                  completed_at=END) == [engine.TimerDue("close_reviews", END + dt.timedelta(days=7))]
    request = PROCESSES["request_to_book"]
    assert engine.timers_on_enter(request, state="requested", entered_at=NOW + dt.timedelta(minutes=5),
                                  placed_at=NOW) == [engine.TimerDue("expire_request", NOW + dt.timedelta(hours=24))]
    purchase = PROCESSES["purchase_delivery"]
    assert engine.timers_on_enter(purchase, state="shipped", entered_at=NOW) == [
        engine.TimerDue("auto_receive", NOW + dt.timedelta(days=10))]
    rental = PROCESSES["rental_deposit"]
    assert engine.timers_on_enter(rental, state="returned", entered_at=NOW,
                                  durations={"deposit_refund": dt.timedelta(days=5)}) == [
        engine.TimerDue("deposit_deadline", NOW + dt.timedelta(days=5))]
    assert engine.timers_on_enter(instant, state="closed", entered_at=NOW) == []


def test_a_process_definition_that_breaks_the_rules_is_refused():
    states = (State("a", "requested"), State("b", "paid"))
    with pytest.raises(ValueError, match="not a state"):
        Process(code="x", initial="a", states=states,
                transitions=(Transition("go", ("a",), "c", frozenset({"customer"})),))
    with pytest.raises(ValueError, match="public state"):
        Process(code="x", initial="a", states=(State("a", "booked"),), transitions=())
    with pytest.raises(ValueError, match="system"):
        from sharecity.market.orders.processes import Timer
        Process(code="x", initial="a", states=states,
                transitions=(Transition("go", ("a",), "b", frozenset({"customer"}), timer=Timer()),))


def test_a_refusal_says_the_rule_in_words(in_english):
    with pytest.raises(WrongState) as refused:
        engine.step(PROCESSES["purchase_delivery"], state="shipped", role="customer", transition="cancel",
                    facts=facts())
    assert str(refused.value.message) == "“Cancel (full refund)” cannot be done while the order is “Shipped”."
    with pytest.raises(ActorNotAllowed) as refused:
        engine.step(PROCESSES["request_to_book"], state="requested", role="customer", transition="accept",
                    facts=facts())
    assert str(refused.value.message) == "Only the provider may do “Accept”."
