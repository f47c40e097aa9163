"""The hourly sweep issuing red-letter invoices for refunds of invoiced orders (``services.invoices_reverse_refunds``).
It enqueues its own next run; ``market.sweeps`` starts the chain. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = dt.timedelta(hours=1)
SWEEP_PATH = "sharecity.market.invoices.tasks.red_letter_sweep"


@task()
def red_letter_sweep() -> str:
    from sharecity.market.invoices.services import invoices_reverse_refunds

    issued = invoices_reverse_refunds()
    sweep_ensure(after=timezone.now() + SWEEP_EVERY)
    return f"{issued} red-letter invoices"


def sweep_ensure(*, after: dt.datetime | None = None) -> None:
    """Enqueue the sweep unless one is already waiting."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=SWEEP_PATH, status="READY").exists():
        return
    red_letter_sweep.using(run_after=after or timezone.now()).enqueue()
