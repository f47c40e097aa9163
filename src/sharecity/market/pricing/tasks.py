"""Ending promotions whose time is over, by the background task worker (django-tasks-db).

``price_now`` already ignores a promotion past its end; ``promotions_end_sweep`` marks them
ended so the provider's list says so. It runs every ten minutes, one run waiting at a time,
and is idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = dt.timedelta(minutes=10)
SWEEP_PATH = "sharecity.market.pricing.tasks.promotions_end_sweep"


@task()
def promotions_end_sweep() -> str:
    """Mark promotions past their end as ended, then come back later."""
    from sharecity.market.pricing.services import promotions_end

    ended = promotions_end()
    sweep_ensure(after=timezone.now() + SWEEP_EVERY)
    return f"{ended} ended"


def sweep_ensure(*, after: dt.datetime | None = None) -> None:
    """Enqueue the sweep unless one is already waiting."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=SWEEP_PATH, status="READY").exists():
        return
    promotions_end_sweep.using(run_after=after or timezone.now()).enqueue()
