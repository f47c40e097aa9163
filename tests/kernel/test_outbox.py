"""The transactional outbox: a fact is recorded with its change, or not at all."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from sharecity.kernel import services
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.limits import OUTBOX_PAYLOAD_MAX_BYTES
from sharecity.kernel.models import AuditEvent, OutboxMessage
from sharecity.kernel.selectors import audit_list, outbox_pending, outbox_pending_count, outbox_pending_streams
from sharecity.kernel.services import fact_record, outbox_enqueue, outbox_listener_add
from tests.factories import make_user


def record(**overrides) -> OutboxMessage:
    fields = {"actor": None, "action": "parking.space_publish", "target_type": "parking_space", "target_id": "s-1",
              "platform_id": "platform-a", "message_type": "listing.published", "payload": {"listing_id": "s-1"}}
    fields.update(overrides)
    return fact_record(**fields)


@pytest.fixture
def commit_listener(monkeypatch):
    monkeypatch.setattr(services, "_commit_listeners", [])
    calls = []
    outbox_listener_add(lambda: calls.append(1))
    return calls


@pytest.mark.django_db
def test_fact_record_writes_audit_and_outbox_together():
    user = make_user("auditor")
    with transaction.atomic():
        message = record(actor=user, audit_data={"note": "without personal data"})
    assert message.message_type == "listing.published"
    assert message.relayed_at is None and message.sequence is None
    assert outbox_pending_count() == 1
    assert [m.pk for m in outbox_pending()] == [message.pk]
    assert outbox_pending_streams() == [("up", "platform-a")]
    event = audit_list(target_type="parking_space", target_id="s-1").get()
    assert (event.action, event.actor, event.actor_label, event.platform_id) == (
        "parking.space_publish", user, "auditor", "platform-a")
    assert event.data == {"note": "without personal data"}


@pytest.mark.django_db
def test_audit_data_defaults_to_the_payload_and_actor_to_system():
    with transaction.atomic():
        record(payload={"listing_id": "s-9"}, target_id="s-9")
    event = AuditEvent.objects.get(target_id="s-9")
    assert event.data == {"listing_id": "s-9"}
    assert event.actor is None and event.actor_label == "system"


@pytest.mark.django_db(transaction=True)
def test_fact_record_refuses_to_run_outside_a_transaction_and_writes_nothing(commit_listener):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        outbox_enqueue(platform_id="platform-a", message_type="listing.published", payload={})
    assert OutboxMessage.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert commit_listener == []


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_leaves_neither_row_and_wakes_no_relay(commit_listener):
    with pytest.raises(ValueError), transaction.atomic():
        record()
        raise ValueError("the change itself failed")
    assert OutboxMessage.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert commit_listener == []


@pytest.mark.django_db(transaction=True)
def test_committed_fact_wakes_the_relay_once_after_commit(commit_listener):
    with transaction.atomic():
        record(target_id="a")
        record(target_id="b")
        assert commit_listener == []  # not before commit
    assert OutboxMessage.objects.count() == 2
    assert AuditEvent.objects.count() == 2
    assert len(commit_listener) >= 1


def test_a_listener_is_registered_once(commit_listener):
    def wake() -> None:
        return None

    outbox_listener_add(wake)
    outbox_listener_add(wake)
    assert services._commit_listeners.count(wake) == 1


@pytest.mark.django_db
def test_a_payload_larger_than_the_exchange_carries_is_refused_naming_the_field_and_nothing_is_queued():
    wrapper = len(json.dumps({"text": ""}, separators=(",", ":")))
    with transaction.atomic():
        at_limit = outbox_enqueue(platform_id="platform-a", message_type="listing.published",
                                  payload={"text": "a" * (OUTBOX_PAYLOAD_MAX_BYTES - wrapper)})
        with pytest.raises(InvalidInput) as refused, transaction.atomic():
            # Three bytes of UTF-8 per character: counted as sent, not as characters.
            outbox_enqueue(platform_id="platform-a", message_type="listing.published",
                           payload={"text": "共" * (OUTBOX_PAYLOAD_MAX_BYTES // 3)})
    assert (refused.value.field, refused.value.code) == ("payload", "outbox.payload_too_large")
    assert f"{OUTBOX_PAYLOAD_MAX_BYTES:,}" in refused.value.message
    assert [message.pk for message in outbox_pending()] == [at_limit.pk]
