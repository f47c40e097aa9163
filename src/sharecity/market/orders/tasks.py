"""Timers of the orders context, run by the background task worker (django-tasks-db).

Every timed transition is a ``ScheduledTransition`` row written with the change that set it,
so nothing depends on a task surviving: ``order_timers_fire`` is enqueued to run when a timer
falls due, and ``order_timers_sweep`` runs every minute and takes whatever is due (after a
restart, a lost task or a clock jump). Both are idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = dt.timedelta(minutes=1)
SWEEP_PATH = "sharecity.market.orders.tasks.order_timers_sweep"


@task()
def order_timers_fire() -> str:
    """Take every order transition that is due now."""
    from sharecity.market.orders.services import timers_fire

    return f"{timers_fire()} taken"


@task()
def order_timers_sweep() -> str:
    """Take what is due, then come back in a minute (one sweep waiting at a time)."""
    from sharecity.market.orders.services import timers_fire

    taken = timers_fire()
    sweep_ensure(after=timezone.now() + SWEEP_EVERY)
    return f"{taken} taken"


def sweep_ensure(*, after: dt.datetime | None = None) -> None:
    """Enqueue the sweeper unless one is already waiting."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=SWEEP_PATH, status="READY").exists():
        return
    order_timers_sweep.using(run_after=after or timezone.now()).enqueue()
