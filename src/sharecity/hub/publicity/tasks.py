"""The publicity timer, run by the background task worker (django-tasks-db): list entries past their
expiry day come off the list and the platforms are told; platforms that joined the city since a
change are told of it. Idempotent; comes back every hour."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = dt.timedelta(hours=1)
SWEEP_PATH = "sharecity.hub.publicity.tasks.list_expiry_sweep"


@task()
def list_expiry_sweep() -> str:
    from sharecity.hub.publicity.services import list_entries_expire, list_notices_catch_up

    expired = list_entries_expire()
    caught_up = list_notices_catch_up()
    sweep_ensure(after=timezone.now() + SWEEP_EVERY)
    return f"expired {expired}, told {caught_up}"


def sweep_ensure(*, after: dt.datetime | None = None) -> None:
    """Enqueue the sweeper unless one is already waiting."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=SWEEP_PATH, status="READY").exists():
        return
    list_expiry_sweep.using(run_after=after or timezone.now()).enqueue()
