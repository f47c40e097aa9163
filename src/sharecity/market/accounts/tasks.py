"""Reminding providers before their verification runs out in a vertical, by the task worker (django-tasks-db).

Runs daily, one run waiting at a time, idempotent (one reminder per provider, vertical and expiry).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = dt.timedelta(days=1)
SWEEP_PATH = "sharecity.market.accounts.tasks.identity_recheck_sweep"


@task()
def identity_recheck_sweep() -> str:
    from sharecity.market.accounts.services import identity_recheck_remind

    told = identity_recheck_remind()
    sweep_ensure(after=timezone.now() + SWEEP_EVERY)
    return f"{told} reminded"


def sweep_ensure(*, after: dt.datetime | None = None) -> None:
    """Enqueue the sweep unless one is already waiting."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=SWEEP_PATH, status="READY").exists():
        return
    identity_recheck_sweep.using(run_after=after or timezone.now()).enqueue()
