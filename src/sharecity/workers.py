"""Background loops: the outbox relay, hub intake, the platforms' downlink and the task worker.

``sharecity serve`` runs them all on threads next to the web server (embedded mode);
at scale each runs as its own process with ``sharecity worker NAME``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

from django.conf import settings
from django.db import close_old_connections

from sharecity.exchange.downlink import downlink_pump
from sharecity.exchange.relay import OutboxCommitListener, relay_pump
from sharecity.exchange.resend import relay_resend
from sharecity.exchange.transports import transport_for, transports_close
from sharecity.hub.intake.resend import resend_requests_send
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.keys import hub_public_keys
from sharecity.kernel.services import outbox_listener_add
from sharecity.market.directives.services import directives_receive

logger = logging.getLogger(__name__)

# How long a loop pauses after its step failed (at least; the idle interval if longer).
FAILED_PAUSE_SECONDS = 0.5


class Loop(threading.Thread):
    """Runs ``step`` until stopped; sleeps when idle, wakes early when poked."""

    def __init__(self, name: str, step, *, idle_seconds: float | None = None) -> None:
        super().__init__(name=name, daemon=True)
        self.step = step
        self.idle_seconds = idle_seconds if idle_seconds is not None else settings.SHARECITY_WORKER_IDLE_SECONDS
        self.wake = threading.Event()
        self.stopping = threading.Event()
        # Threads that wake this loop (the relay's outbox commit listener), stopped with it.
        self.helpers: list = []

    def start(self) -> None:
        super().start()
        for helper in self.helpers:
            helper.start()

    def run(self) -> None:
        while not self.stopping.is_set():
            close_old_connections()
            try:
                busy = self.step()
                failed = False
            except Exception:
                logger.exception("%s step failed; retrying", self.name)
                busy, failed = False, True
            if not busy:
                # A step that waits for work itself (a NATS fetch) has idle_seconds 0; after a
                # failure every loop pauses a little, so that a broken connection is not hammered.
                self.wake.wait(max(self.idle_seconds, FAILED_PAUSE_SECONDS) if failed else self.idle_seconds)
                self.wake.clear()
        close_old_connections()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        for helper in self.helpers:
            helper.stop()

    def join(self, timeout: float | None = None) -> None:
        super().join(timeout)
        for helper in self.helpers:
            if helper.is_alive():
                helper.join(timeout)


def _relay_step() -> bool:
    return relay_pump().sent > 0


# Open gaps are looked at (and resend requests sent) at most this often, not after every fetch: a
# gap is asked for only once it is 2 s old, and again every 10 s.
RESEND_CHECK_SECONDS = 1.0
_resend_checked = [0.0]


def _intake_step() -> bool:
    report = intake_pump(timeout=0.0 if settings.SHARECITY_BUS == "local" else 1.0)
    if time.monotonic() - _resend_checked[0] >= RESEND_CHECK_SECONDS:
        resend_requests_send(transport=transport_for())
        _resend_checked[0] = time.monotonic()
    return (report.applied + report.duplicate + report.quarantined) > 0


def _resend(platform_id: str, first_sequence: int, last_sequence: int) -> int:
    return relay_resend(platform_id=platform_id, first_sequence=first_sequence, last_sequence=last_sequence)


def _downlink_step() -> bool:
    """The platforms' side: receipts and directives the hub sent down."""
    report = downlink_pump(hub_receipt_keys=hub_public_keys, on_directives=directives_receive, on_resend=_resend,
                           timeout=0.0 if settings.SHARECITY_BUS == "local" else 1.0)
    return (report.receipts + report.directives + report.duplicate + report.refused + report.resend_requests) > 0


def _tasks_step_factory():
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=50, worker_id=f"sharecity-{uuid.uuid4().hex[:8]}", excluded_queue_names=[])

    started = False

    def step() -> bool:
        nonlocal started
        if not started:
            # Every periodic market task (timers' sweeps, payouts, promotions) gets a run waiting.
            from sharecity.market.sweeps import market_sweeps_ensure

            market_sweeps_ensure()
            # The hub's own timers: list entries that expire come off the list by themselves.
            from sharecity.hub.publicity.tasks import sweep_ensure as publicity_sweep_ensure

            publicity_sweep_ensure()
            # Risk warnings: the rules run over what arrived, every hour.
            from sharecity.hub.warnings.tasks import scan_ensure as warnings_scan_ensure

            warnings_scan_ensure()
            # The open datasets: rebuilt from the facts every hour, a new version when they changed.
            from sharecity.hub.opendata.tasks import refresh_ensure as opendata_refresh_ensure

            opendata_refresh_ensure()
            # Third-party complaints: late platforms back to mediation, mediation past its limit ended.
            from sharecity.hub.complaints.tasks import deadlines_ensure as complaints_deadlines_ensure

            complaints_deadlines_ensure()
            started = True
        worker.running = True
        worker._run_tasks = 0
        worker.run()
        return worker._run_tasks > 0

    return step


def loops(names: list[str]) -> list[Loop]:
    made = []
    if "relay" in names:
        made.append(Loop("relay", _relay_step))
    if "intake" in names:
        # Over NATS the step's fetch waits for deliveries itself (up to a second) and returns as soon
        # as one comes: sleeping after an empty fetch would only leave what arrives meanwhile waiting.
        made.append(Loop("intake", _intake_step, idle_seconds=None if settings.SHARECITY_BUS == "local" else 0.0))
    if "downlink" in names:
        made.append(Loop("downlink", _downlink_step))
    if "tasks" in names:
        made.append(Loop("tasks", _tasks_step_factory(), idle_seconds=1.0))
    relay = next((loop for loop in made if loop.name == "relay"), None)
    intake = next((loop for loop in made if loop.name == "intake"), None)
    downlink = next((loop for loop in made if loop.name == "downlink"), None)

    def poke() -> None:
        if relay:
            relay.wake.set()
        if intake:
            # The local transport is the database: intake can start as soon as the relay has written.
            threading.Timer(0.05, intake.wake.set).start()
        if downlink:
            # Directives go down after the relay has sent them; receipts after intake.
            threading.Timer(0.1, downlink.wake.set).start()

    outbox_listener_add(poke)
    if relay and OutboxCommitListener.available():
        # Rows committed by other processes (web, other workers, platforms' own writers) wake the
        # relay at once through PostgreSQL's NOTIFY, instead of at its next poll.
        relay.helpers.append(OutboxCommitListener(relay.wake.set))
    return made


def run_forever(names: list[str]) -> None:
    running = loops(names)
    for loop in running:
        loop.start()
    logger.info("workers running: %s", ", ".join(loop.name for loop in running))
    try:
        while all(loop.is_alive() for loop in running):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        workers_stop(running)


def workers_stop(running: list[Loop]) -> None:
    """Stop the loops, then close the transport connections they shared (NATS keeps none open)."""
    for loop in running:
        loop.stop()
    for loop in running:
        loop.join(timeout=5)
    transports_close()
