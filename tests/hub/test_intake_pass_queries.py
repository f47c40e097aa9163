"""One pass of the relay and of intake over many platforms: the per-pass work (the signing keys, the
receipts, the attempts and stream positions) is paid once for all of them, not once per platform or
per delivery, which is what keeps commit-to-applied short at a city's evening rate
(bench/exchange_latency.py). Counted queries, and the outcome a platform sees: its receipt."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sharecity.exchange.receipts import receipt_verify
from sharecity.exchange.relay import relay_pump
from sharecity.exchange.schemas import payload_build
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.models import ReceivedMessage, SignedTreeHead
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.keys import hub_public_keys
from sharecity.kernel.services import outbox_enqueue
from tests.factories import make_platform

pytestmark = pytest.mark.django_db
PLATFORMS = 4


def _listing(n: int) -> dict:
    return payload_build("listing.published", listing_id=f"l-{n}", category="parking", district="350203",
                         provider_key=f"provider-{n:04d}", price_fen=800, price_unit="hour", title=f"车位 {n}")


def _touching(queries, table: str, verb: str = "") -> list[str]:
    return [query["sql"] for query in queries.captured_queries
            if f'"{table}"' in query["sql"] or f" {table} " in query["sql"]
            if query["sql"].lstrip().upper().startswith(verb)]


@pytest.fixture
def platforms():
    made = [make_platform() for _ in range(PLATFORMS)]
    transport = LocalTransport()
    relay_pump(transport=transport)  # their registrations
    intake_pump(transport=transport)
    return [platform.exchange_id for platform in made], transport


def _two_deliveries_each(platform_ids: list[str], transport) -> None:
    for round_ in range(2):
        for n, platform_id in enumerate(platform_ids):
            outbox_enqueue(platform_id=platform_id, message_type="listing.published", payload=_listing(10 * n + round_))
        relay_pump(transport=transport)


def test_one_relay_pass_writes_attempts_and_stream_positions_once_for_every_platform(platforms):
    platform_ids, transport = platforms
    for n, platform_id in enumerate(platform_ids):
        outbox_enqueue(platform_id=platform_id, message_type="listing.published", payload=_listing(n))
    with CaptureQueriesContext(connection) as queries:
        report = relay_pump(transport=transport)
    assert report.sent == PLATFORMS and report.batches == PLATFORMS
    assert len(_touching(queries, "exchange_producerkey", "SELECT")) == 1  # every platform's signing key
    assert len(_touching(queries, "exchange_deliveryattempt", "INSERT")) == 1
    assert len(_touching(queries, "exchange_producerstream", "UPDATE")) == 1
    if connection.vendor == "postgresql":
        # Every platform's pending rows in one read.
        assert len(_touching(queries, "kernel_outboxmessage", "SELECT")) == 1


def test_one_intake_pass_looks_each_platform_up_once_and_signs_every_receipt_with_one_key_lookup(platforms):
    platform_ids, transport = platforms
    _two_deliveries_each(platform_ids, transport)
    before = SignedTreeHead.objects.count()
    with CaptureQueriesContext(connection) as queries:
        report = intake_pump(transport=transport, limit=200)
    assert report.applied == 2 * PLATFORMS
    assert len(_touching(queries, "hub_registry_registeredplatform", "SELECT")) <= PLATFORMS
    assert len(_touching(queries, "hub_registry_hubsigningkey", "SELECT")) == 1
    assert len(_touching(queries, "hub_intake_signedtreehead", "INSERT")) == 1
    # Each platform's two batches kept in one insert, and every message linked to the batch it came in.
    assert len(_touching(queries, "hub_intake_receivedbatch", "INSERT")) == PLATFORMS
    for message in ReceivedMessage.objects.filter(platform_id__in=platform_ids, message_type="listing.published"):
        assert message.batch.platform_id == message.platform_id
        assert message.batch.first_sequence <= message.sequence <= message.batch.last_sequence
    # Whether any platform has quarantined messages still open: one look for the pass.
    assert len(_touching(queries, "hub_intake_quarantinedmessage", "SELECT")) == 1
    # Each platform got one receipt for the pass, covering both its deliveries, signed by the hub.
    heads = list(SignedTreeHead.objects.order_by("id")[before:])
    assert sorted(head.platform_id for head in heads) == sorted(platform_ids)
    keys = hub_public_keys()
    for head in heads:
        receipt = head.as_receipt()
        assert receipt_verify(receipt, hub_public_key=keys[receipt["key_id"]])
        assert receipt["tree_size"] == 3  # registration + two listings
