"""The open data refresh, run by the background task worker (django-tasks-db): every dataset of the
catalogue is rebuilt from the duties' selectors; one whose rows changed gets a new version. Idempotent;
comes back every hour (datasets say their own frequency; an hourly rebuild of an unchanged one adds nothing)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

REFRESH_EVERY = dt.timedelta(hours=1)
REFRESH_PATH = "sharecity.hub.opendata.tasks.opendata_refresh"


@task()
def opendata_refresh() -> str:
    from sharecity.hub.opendata.services import datasets_refresh

    done = datasets_refresh()
    refresh_ensure(after=timezone.now() + REFRESH_EVERY)
    created = [f"{r.dataset} v{r.version}" for r in done if r.created]
    return f"new versions: {', '.join(created) or 'none'}"


def refresh_ensure(*, after: dt.datetime | None = None) -> None:
    """Enqueue the refresh unless one is already waiting."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=REFRESH_PATH, status="READY").exists():
        return
    opendata_refresh.using(run_after=after or timezone.now()).enqueue()
