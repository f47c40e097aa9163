"""The auto-complete timer: scheduled with the booking, idempotent when it runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from sharecity.kernel.models import OutboxMessage
from sharecity.market.parking.errors import OutsideWindows
from sharecity.market.parking.models import BookingState
from sharecity.market.parking.services import booking_create
from sharecity.market.parking.tasks import booking_autocomplete
from sharecity.market.parking.windows import WeeklyWindow
from tests import factories

pytestmark = pytest.mark.django_db

TASK_PATH = "sharecity.market.parking.tasks.booking_autocomplete"


def book(space, customer, start, hours=1):
    return booking_create(actor=customer, platform=space.platform, space_id=space.public_id, customer=customer,
                          starts_at=start, ends_at=start + dt.timedelta(hours=hours))


def test_a_booking_schedules_its_completion_an_hour_after_the_end(space, customer,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(space, customer, factories.next_slot(24), hours=2)
    task = DBTaskResult.objects.get(task_path=TASK_PATH)
    assert task.run_after == booking.ends_at + dt.timedelta(hours=1)
    assert task.args_kwargs == {"args": [booking.pk], "kwargs": {}}
    assert task.status == "READY"


def test_nothing_is_scheduled_for_a_refused_booking(platform, provider, customer, django_capture_on_commit_callbacks):
    space = factories.make_space(platform, provider, windows=[WeeklyWindow(0, dt.time(8), dt.time(9))])
    start = factories.next_slot(24)
    while start.weekday() == 0:
        start += dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(OutsideWindows):
        book(space, customer, start)
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()


def test_running_the_task_completes_the_booking_once(space, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(space, customer, factories.current_slot())
    scheduled = DBTaskResult.objects.get(task_path=TASK_PATH)
    task = scheduled.task
    assert task.func is booking_autocomplete.func

    assert task.call(*scheduled.args_kwargs["args"], **scheduled.args_kwargs["kwargs"]) == "completed"
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED
    changes = OutboxMessage.objects.filter(message_type="order.state_changed", payload__order_id=str(booking.public_id))
    assert changes.count() == 1

    assert task.call(*scheduled.args_kwargs["args"]) == "nothing to do"
    assert changes.count() == 1
