"""One platform sends poison mixed with its good messages while two others send 1,000 good
messages each, on each of the three transports: every good message is applied, in order per
platform, and every poison one sits in quarantine with its reason."""

from __future__ import annotations

import time
import uuid

import pytest
from django.test import Client

from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.models import QuarantinedMessage, ReceivedMessage
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.monitoring.models import ActivityStat
from tests.hub.hostile import ExternalPlatform, Poison, good_batches

GOOD_PER_PLATFORM = 1000


@pytest.fixture
def platforms():
    poisoner = ExternalPlatform.onboard("胡乱发送平台")
    first, second = ExternalPlatform.onboard("鹭岛共享停车"), ExternalPlatform.onboard("同安共享车位")
    return poisoner, first, second


def interleaved(poisoner: ExternalPlatform, first: ExternalPlatform, second: ExternalPlatform):
    """(platform, bytes, poison or None) in the order sent: the three platforms' deliveries interleaved."""
    steps = poisoner.poisons(reused_id=first.good_ids[0] if first.good_ids else "")
    poisoned = [(poisoner, step.data, step) if isinstance(step, Poison) else (poisoner, poisoner.batch(step), None)
                for step in steps]
    lanes = [poisoned, [(first, data, None) for data in good_batches(first, messages=GOOD_PER_PLATFORM)],
             [(second, data, None) for data in good_batches(second, messages=GOOD_PER_PLATFORM)]]
    order = []
    while any(lanes):
        for lane in lanes:
            if lane:
                order.append(lane.pop(0))
    return order


def prepare(platforms):
    poisoner, first, second = platforms
    # The first good message of the first platform is sent first, so the poisoner can reuse its id.
    first_id_holder = first.good(1)
    deliveries = [(first, first.batch(first_id_holder), None)]
    deliveries += interleaved(poisoner, first, second)
    return deliveries


def assert_isolated(platforms, deliveries):
    poisoner, first, second = platforms
    for platform in platforms:
        received = list(ReceivedMessage.objects.filter(platform_id=platform.platform_id).order_by("id")
                        .values_list("message_id", "sequence"))
        # Every good message, in the order of the chain, and nothing else.
        assert [str(message_id) for message_id, _ in received] == platform.good_ids, platform.name
        assert [sequence for _, sequence in received] == list(range(1, len(platform.good_ids) + 1))
    assert len(first.good_ids) == GOOD_PER_PLATFORM + 1 and len(second.good_ids) == GOOD_PER_PLATFORM
    listings = dict(ActivityStat.objects.values_list("platform_id", "listings"))
    assert listings[first.platform_id] == len(first.good_ids)
    assert listings[second.platform_id] == len(second.good_ids)
    assert listings[poisoner.platform_id] == len(poisoner.good_ids)
    # The other platforms have nothing in quarantine; each poison one is there with its reason.
    assert not QuarantinedMessage.objects.filter(platform_id__in=[first.platform_id, second.platform_id]).exists()
    poisons = [poison for _, _, poison in deliveries if poison is not None]
    entries = list(QuarantinedMessage.objects.order_by("id"))
    assert len(entries) == len(poisons), [(entry.code, entry.reason[:80]) for entry in entries]
    for poison in poisons:
        matching = [entry for entry in entries if bytes(entry.raw) == poison.data]
        assert len(matching) == 1, poison.kind
        entry = matching[0]
        assert entry.code in poison.codes, (poison.kind, entry.code, entry.reason)
        assert entry.reason, poison.kind
        if poison.field is not None:
            assert entry.field == poison.field, (poison.kind, entry.field, entry.reason)
        assert entry.resolved_at is None
        assert "\x00" not in entry.field + entry.reason


def pump_until_settled(transport, platforms, *, within: float = 25.0, timeout: float = 0.0) -> None:
    expected = sum(len(platform.good_ids) for platform in platforms)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        intake_pump(transport=transport, limit=200, timeout=timeout)
        if ReceivedMessage.objects.count() >= expected:
            intake_pump(transport=transport, limit=200, timeout=timeout)  # whatever is left is settled
            return
    pytest.fail(f"intake did not settle within {within}s: {ReceivedMessage.objects.count()} of {expected}")


def publish_all(transport, deliveries) -> None:
    for number, (platform, data, _) in enumerate(deliveries):
        transport.publish(platform_id=platform.platform_id, message_id=str(uuid.uuid4()),
                          sequence=number, data=data)


@pytest.mark.django_db
def test_poison_from_one_platform_stops_no_one_on_the_local_transport(platforms):
    transport = LocalTransport()
    deliveries = prepare(platforms)
    publish_all(transport, deliveries)
    pump_until_settled(transport, platforms)
    assert_isolated(platforms, deliveries)


@pytest.mark.nats
@pytest.mark.django_db
def test_poison_from_one_platform_stops_no_one_on_nats_jetstream(platforms, nats_transport):
    deliveries = prepare(platforms)
    publish_all(nats_transport, deliveries)
    pump_until_settled(nats_transport, platforms, timeout=0.5)
    assert_isolated(platforms, deliveries)


@pytest.mark.django_db
def test_poison_from_one_platform_stops_no_one_over_https(platforms):
    client = Client()
    deliveries = prepare(platforms)
    for platform, data, poison in deliveries:
        response = client.post("/exchange/v1/batches", data=data, content_type="application/json",
                               HTTP_X_EXCHANGE_KEY=platform.api_key)
        # A refusal is an answer naming the rule, never a server error.
        assert response.status_code in (200, 400), (poison and poison.kind, response.status_code)
        body = response.json()
        if poison is None:
            assert response.status_code == 200 and body["outcomes"]["quarantined"] == 0, body
            assert body["outcomes"]["applied"] >= 1, body
        elif response.status_code == 200:
            assert body["outcomes"]["quarantined"] == 1, (poison.kind, body)
            assert body["errors"] and body["errors"][0]["code"] in poison.codes, (poison.kind, body)
        else:
            assert body["code"] in poison.codes, (poison.kind, body)
    assert_isolated(platforms, deliveries)
