"""The marketplace's periodic tasks: each keeps one run waiting and can run twice harmlessly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.payments.selectors import order_balance
from sharecity.market.payments.services import escrow_release, payment_collect
from sharecity.market.payments.tasks import PAYOUTS_PATH, next_run_after, payouts_daily
from sharecity.market.pricing.models import Promotion
from sharecity.market.pricing.tasks import SWEEP_PATH as PROMOTIONS_PATH
from sharecity.market.pricing.tasks import promotions_end_sweep
from sharecity.market.sweeps import market_sweeps_ensure
from tests.market.reviews.trust import make_order

pytestmark = pytest.mark.django_db


def waiting(path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=path, status="READY"))


def test_every_periodic_market_task_has_exactly_one_run_waiting():
    paths = market_sweeps_ensure()
    market_sweeps_ensure()
    # orders, reviews, payouts, promotions, the notices' timer (电子商务法第四十三条第二款), red-letter invoices and
    # identity re-check reminders
    assert PAYOUTS_PATH in paths and PROMOTIONS_PATH in paths and len(paths) == 7
    assert [len(waiting(path)) for path in paths] == [1] * 7


def test_the_daily_payout_pays_every_platform_once_and_waits_for_tomorrow(platform, provider, customer):
    order = make_order(platform, provider, customer, total_fen=30_000)
    ref = str(order.public_id)
    payment_collect(platform=platform, order_ref=ref, customer=customer, amount_fen=30_000)
    escrow_release(platform=platform, order_ref=ref, provider=provider, category_code="lab_instruments",
                   amount_fen=30_000, idempotency_key=f"order:{ref}:release:0")
    assert payouts_daily.call() == "1 payouts"
    assert payouts_daily.call() == "0 payouts"  # nothing left payable: no second payout
    assert order_balance(order_ref=ref).released_fen == 30_000
    [run] = waiting(PAYOUTS_PATH)
    local = run.run_after.astimezone(CITY_TZ)
    assert (local.hour, local.minute) == (2, 0) and run.run_after > timezone.now()
    assert run.run_after - timezone.now() <= dt.timedelta(days=1)


def test_the_payout_hour_is_the_next_two_oclock_in_city_time():
    at = dt.datetime(2026, 11, 23, 1, 59, tzinfo=CITY_TZ)
    assert next_run_after(at) == dt.datetime(2026, 11, 23, 2, 0, tzinfo=CITY_TZ)
    assert next_run_after(at.replace(hour=2, minute=0)) == dt.datetime(2026, 11, 24, 2, 0, tzinfo=CITY_TZ)


def test_the_promotions_sweep_ends_what_is_over_and_comes_back(platform, provider):
    from tests.market.engine_factories import make_listing

    listing = make_listing(platform, provider, price_fen=20_000)
    now = timezone.now()
    over = Promotion.objects.create(listing=listing, original_price_fen=30_000, price_fen=20_000,
                                    starts_at=now - dt.timedelta(days=3), ends_at=now - dt.timedelta(minutes=1),
                                    status="active")
    running = Promotion.objects.create(listing=listing, original_price_fen=30_000, price_fen=20_000,
                                       starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1),
                                       status="active")
    assert promotions_end_sweep.call() == "1 ended"
    assert promotions_end_sweep.call() == "0 ended"
    over.refresh_from_db()
    running.refresh_from_db()
    assert (over.status, running.status) == ("ended", "active")
    assert len(waiting(PROMOTIONS_PATH)) == 1
