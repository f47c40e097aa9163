"""Timers of the reviews context, run by the background task worker."""

from __future__ import annotations

from django_tasks import task


@task()
def review_window_close(order_pk: int) -> str:
    """Publish an order's reviews when its review window has closed. Idempotent."""
    from sharecity.market.reviews.services import reviews_publish_due

    return f"published {reviews_publish_due(order_pk=order_pk)}"


@task()
def reviews_publish_sweep() -> str:
    """The sweeper: publish every review whose window has closed (catches a lost timer)."""
    from sharecity.market.reviews.services import reviews_publish_due

    return f"published {reviews_publish_due()}"
