"""Fixtures and helpers shared by the market and API tests."""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager

import pytest
from django.db import connection

from sharecity.kernel.models import AuditEvent, OutboxMessage
from tests import factories


@pytest.fixture
def platform():
    return factories.make_platform()


@pytest.fixture
def provider(platform):
    return factories.make_provider(platform)


@pytest.fixture
def customer(platform):
    return factories.make_user(platform=platform)


@pytest.fixture
def space(platform, provider):
    return factories.make_space(platform, provider, price_fen=800)


def slot(hours_ahead: int = 24) -> tuple[dt.datetime, dt.datetime]:
    """A one-hour slot on half-hour boundaries, ``hours_ahead`` hours from now."""
    start = factories.next_slot(hours_ahead)
    return start, start + dt.timedelta(hours=1)


@contextmanager
def new_facts(*message_types: str, actions: tuple[str, ...] = ()):
    """Assert that the block wrote exactly these outbox messages (in order) and audit actions.

    Yields a dict that is filled with the new rows after the block.
    """
    last_outbox = OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_audit = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    found: dict = {}
    yield found
    outbox = list(OutboxMessage.objects.filter(id__gt=last_outbox).order_by("id"))
    audit = list(AuditEvent.objects.filter(id__gt=last_audit).order_by("id"))
    assert [m.message_type for m in outbox] == list(message_types)
    if actions:
        assert [a.action for a in audit] == list(actions)
    found["outbox"] = outbox
    found["audit"] = audit


@contextmanager
def nothing_written():
    """Assert the block left no outbox or audit row behind (nothing half-written)."""
    with new_facts() as found:
        yield
    assert found["audit"] == []


def race(target, arguments: list) -> tuple[list, list[BaseException]]:
    """Run ``target(argument)`` in one thread per argument, all released at once."""
    barrier = threading.Barrier(len(arguments))
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(argument):
        try:
            barrier.wait(timeout=30)
            outcome = target(argument)
            with lock:
                results.append(outcome)
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racer is still running"
    return results, errors
