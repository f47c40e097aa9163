"""Timers of the reviews context, run by the background task worker (django-tasks-db).

The first review of an order enqueues ``review_window_close`` for the moment its review
window closes; ``reviews_publish_sweep`` runs every ten minutes and publishes whatever is
due (after a restart, a lost task or a clock jump). Both are idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = dt.timedelta(minutes=10)
SWEEP_PATH = "sharecity.market.reviews.tasks.reviews_publish_sweep"


@task()
def review_window_close(order_pk: int) -> str:
    """Publish an order's reviews when its review window has closed. Idempotent."""
    from sharecity.market.reviews.services import reviews_publish_due

    return f"published {reviews_publish_due(order_pk=order_pk)}"


@task()
def reviews_publish_sweep() -> str:
    """The sweeper: publish every review whose window has closed, then come back later."""
    from sharecity.market.reviews.services import reviews_publish_due

    published = reviews_publish_due()
    sweep_ensure(after=timezone.now() + SWEEP_EVERY)
    return f"published {published}"


def sweep_ensure(*, after: dt.datetime | None = None) -> None:
    """Enqueue the sweeper unless one is already waiting."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=SWEEP_PATH, status="READY").exists():
        return
    reviews_publish_sweep.using(run_after=after or timezone.now() + SWEEP_EVERY).enqueue()
