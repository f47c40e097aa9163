"""The notices' timer: the end of the measures after a counter-notice (电子商务法第四十三条第二款).

Like the orders' timers: each ``NoticeTimer`` row is written with the step that set it;
``notice_timers_fire`` is enqueued for its moment and ``notice_timers_sweep`` runs every
minute and takes whatever is due (after a restart or a lost task). Both are idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = dt.timedelta(minutes=1)
SWEEP_PATH = "sharecity.market.notices.tasks.notice_timers_sweep"


@task()
def notice_timers_fire() -> str:
    from sharecity.market.notices.services import timers_fire

    return f"{timers_fire()} restored"


@task()
def notice_timers_sweep() -> str:
    from sharecity.market.notices.services import timers_fire

    taken = timers_fire()
    sweep_ensure(after=timezone.now() + SWEEP_EVERY)
    return f"{taken} restored"


def sweep_ensure(*, after: dt.datetime | None = None) -> None:
    """Enqueue the sweeper unless one is already waiting."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=SWEEP_PATH, status="READY").exists():
        return
    notice_timers_sweep.using(run_after=after or timezone.now()).enqueue()
