"""The daily payout run, by the background task worker (django-tasks-db).

``payouts_daily`` pays every active platform's providers their payable balance, then
enqueues itself for the next day; one run waits at a time (``payouts_ensure``). Running it
twice pays nothing more: a second run finds no payable balance left.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from sharecity.kernel.timeutil import CITY_TZ

logger = logging.getLogger(__name__)

PAYOUT_HOUR = 2  # city time: the run after midnight, once the day's releases are in
PAYOUTS_PATH = "sharecity.market.payments.tasks.payouts_daily"


def next_run_after(moment: dt.datetime) -> dt.datetime:
    """The next PAYOUT_HOUR o'clock in city time after ``moment``."""
    local = moment.astimezone(CITY_TZ)
    run = local.replace(hour=PAYOUT_HOUR, minute=0, second=0, microsecond=0)
    if run <= local:
        run += dt.timedelta(days=1)
    return run


def payouts_all() -> int:
    """Run the payout for every active platform; a platform that fails does not stop the others.
    Returns how many payouts were made."""
    from sharecity.market.payments.services import payout_run
    from sharecity.market.platforms.models import Platform

    made = 0
    for platform in Platform.objects.filter(is_active=True).order_by("pk"):
        try:
            made += len(payout_run(platform=platform))
        except Exception:
            logger.exception("payout run failed for platform %s; the balance stays payable", platform.slug)
    return made


@task()
def payouts_daily() -> str:
    """Pay out every platform, then come back tomorrow (one run waiting at a time)."""
    made = payouts_all()
    payouts_ensure(after=next_run_after(timezone.now()))
    return f"{made} payouts"


def payouts_ensure(*, after: dt.datetime | None = None) -> None:
    """Enqueue the daily payout run unless one is already waiting."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=PAYOUTS_PATH, status="READY").exists():
        return
    payouts_daily.using(run_after=after or next_run_after(timezone.now())).enqueue()
