"""Money operations racing on one order never take out more than is there (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid

import pytest

from sharecity.market.payments import selectors, services
from sharecity.market.payments.errors import NotEnoughInEscrow
from sharecity.market.payments.models import PayoutStatus
from tests import factories
from tests.market.helpers import race
from tests.market.payments.helpers import total_of_all_accounts

RACERS = 10


@pytest.mark.django_db(transaction=True)
def test_racing_refunds_never_exceed_escrow():
    platform = factories.make_platform()
    customer = factories.make_user()
    order_ref = str(uuid.uuid4())
    services.payment_collect(platform=platform, order_ref=order_ref, customer=customer, amount_fen=10_000)

    def take(n):
        return services.refund(platform=platform, order_ref=order_ref, customer=customer, amount_fen=3_000,
                               reason=f"racer {n}", idempotency_key=f"race-{order_ref}-{n}")

    done, errors = race(take, list(range(RACERS)))
    assert len(done) == 3
    assert all(isinstance(error, NotEnoughInEscrow) for error in errors), errors
    balance = selectors.order_balance(order_ref=order_ref)
    assert (balance.refunded_fen, balance.escrow_fen) == (9_000, 1_000)
    assert total_of_all_accounts(platform) == 0


@pytest.mark.django_db(transaction=True)
def test_racing_payout_runs_pay_once():
    platform = factories.make_platform()
    customer, provider = factories.make_user(), factories.make_user()
    order_ref = str(uuid.uuid4())
    services.payment_collect(platform=platform, order_ref=order_ref, customer=customer, amount_fen=10_000)
    services.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="x",
                            amount_fen=10_000)

    runs, errors = race(lambda _n: services.payout_run(platform=platform), list(range(4)))
    assert errors == []
    paid = [payout for run in runs for payout in run if payout.status == PayoutStatus.PAID]
    assert [payout.amount_fen for payout in paid] == [10_000]
    assert selectors.provider_summary(platform=platform, provider=provider).payable_fen == 0
