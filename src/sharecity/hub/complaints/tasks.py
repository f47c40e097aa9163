"""The third-party complaint platform's clock as a periodic task of the background worker (django-tasks-db):
every hour, referred complaints a platform did not settle in time return to mediation and mediation past its
limit ends (``services.deadlines_check``, idempotent)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

CHECK_EVERY = dt.timedelta(hours=1)
CHECK_PATH = "sharecity.hub.complaints.tasks.complaints_deadlines_task"


@task()
def complaints_deadlines_task() -> str:
    from sharecity.hub.complaints.services import deadlines_check

    run = deadlines_check()
    deadlines_ensure(after=timezone.now() + CHECK_EVERY)
    return f"returned {run.returned}, mediation ended {run.mediation_ended}"


def deadlines_ensure(*, after: dt.datetime | None = None) -> None:
    """Enqueue the check unless one is already waiting."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=CHECK_PATH, status="READY").exists():
        return
    complaints_deadlines_task.using(run_after=after or timezone.now()).enqueue()
