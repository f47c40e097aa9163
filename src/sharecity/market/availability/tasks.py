"""Timers of the availability context, run by the background task worker.

Each task sweeps everything that is due, so running one twice, late, or for a reservation
already confirmed or released does nothing harmful (idempotent).
"""

from __future__ import annotations

from django_tasks import task


@task()
def holds_expire_task() -> int:
    """Expire every hold past its expiry (enqueued to run when a hold would expire)."""
    from sharecity.market.availability.services import holds_expire

    return holds_expire()


@task()
def missed_release_task() -> int:
    """Release confirmed reservations nobody checked in to (enqueued for the end of the grace time)."""
    from sharecity.market.availability.services import missed_release

    return missed_release()
