"""The warning scan as a periodic task of the background worker (django-tasks-db): every hour the rules run
over what arrived since the last scan (a scan with nothing new does nothing; one that finds what was already
raised raises nothing again)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SCAN_EVERY = dt.timedelta(hours=1)
SCAN_PATH = "sharecity.hub.warnings.tasks.warnings_scan_task"


@task()
def warnings_scan_task() -> str:
    from sharecity.hub.warnings.services import warnings_scan

    scan = warnings_scan()
    scan_ensure(after=timezone.now() + SCAN_EVERY)
    return "nothing new" if scan.skipped else f"raised {sum(scan.raised.values())}"


def scan_ensure(*, after: dt.datetime | None = None) -> None:
    """Enqueue the scan unless one is already waiting."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=SCAN_PATH, status="READY").exists():
        return
    warnings_scan_task.using(run_after=after or timezone.now()).enqueue()
