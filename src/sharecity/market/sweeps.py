"""Every periodic task of the marketplace has one run waiting.

Each periodic task enqueues its own next run; ``market_sweeps_ensure`` starts the chain
(when the task worker starts) and restarts any chain that was lost. Idempotent.
"""

from __future__ import annotations


def market_sweeps_ensure() -> list[str]:
    """Enqueue whichever periodic market task has no run waiting. Returns the task paths checked."""
    from sharecity.market.orders import tasks as orders_tasks
    from sharecity.market.payments import tasks as payments_tasks
    from sharecity.market.pricing import tasks as pricing_tasks
    from sharecity.market.reviews import tasks as reviews_tasks

    # Availability has no periodic task: its hold and missed-check-in tasks are enqueued for
    # their moment, and the orders sweep takes every order step that fell due.
    orders_tasks.sweep_ensure()
    reviews_tasks.sweep_ensure()
    payments_tasks.payouts_ensure()
    pricing_tasks.sweep_ensure()
    from sharecity.market.notices import tasks as notices_tasks

    notices_tasks.sweep_ensure()
    from sharecity.market.accounts import tasks as accounts_tasks
    from sharecity.market.invoices import tasks as invoices_tasks

    invoices_tasks.sweep_ensure()
    accounts_tasks.sweep_ensure()
    return [orders_tasks.SWEEP_PATH, reviews_tasks.SWEEP_PATH, payments_tasks.PAYOUTS_PATH, pricing_tasks.SWEEP_PATH,
            notices_tasks.SWEEP_PATH, invoices_tasks.SWEEP_PATH, accounts_tasks.SWEEP_PATH]
