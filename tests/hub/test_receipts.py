"""Receipts: the hub signs each platform's log; a platform can prove delivery, anyone can prove
inclusion, and two receipts prove nothing was removed in between."""

from __future__ import annotations

import pytest

from sharecity.exchange import merkle
from sharecity.exchange.receipts import receipt_verify
from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.models import ReceivedBatch, ReceivedMessage, SignedTreeHead
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.keys import hub_public_keys
from tests.factories import make_platform, make_provider, make_space

pytestmark = pytest.mark.django_db


def deliver():
    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def log_of(platform_id: str) -> list[bytes]:
    hashes = ReceivedMessage.objects.filter(platform_id=platform_id).order_by("sequence")
    return [bytes.fromhex(h) for h in hashes.values_list("envelope_hash", flat=True)]


def test_the_hub_signs_a_receipt_for_what_it_accepted():
    platform = make_platform()
    provider = make_provider(platform)
    make_space(platform, provider)
    deliver()

    head = SignedTreeHead.objects.get(platform_id=platform.exchange_id)
    receipt = head.as_receipt()
    assert receipt["tree_size"] == 3
    assert receipt["root_hash"] == merkle.root(log_of(platform.exchange_id)).hex()
    hub_key = hub_public_keys()[receipt["key_id"]]
    assert receipt_verify(receipt, hub_public_key=hub_key)
    assert not receipt_verify({**receipt, "tree_size": 2}, hub_public_key=hub_key)
    # The platform's own signature over the batch is kept beside it.
    stored = ReceivedBatch.objects.get(platform_id=platform.exchange_id)
    assert (stored.first_sequence, stored.last_sequence) == (1, 3)
    assert stored.messages.count() == 3


def test_inclusion_and_consistency_proofs_check_against_receipts():
    platform = make_platform()
    provider = make_provider(platform)
    deliver()
    first = SignedTreeHead.objects.filter(platform_id=platform.exchange_id).latest("id").as_receipt()
    make_space(platform, provider)
    make_space(platform, provider, title="第二个车位")
    deliver()
    second = SignedTreeHead.objects.filter(platform_id=platform.exchange_id).latest("id").as_receipt()
    assert (first["tree_size"], second["tree_size"]) == (2, 4)

    log = log_of(platform.exchange_id)
    for index, leaf in enumerate(log):
        proof = merkle.inclusion_proof(index, log)
        assert merkle.verify_inclusion(leaf, index, second["tree_size"], proof, bytes.fromhex(second["root_hash"]))
    proof = merkle.consistency_proof(first["tree_size"], log)
    assert merkle.verify_consistency(first["tree_size"], second["tree_size"], bytes.fromhex(first["root_hash"]),
                                     bytes.fromhex(second["root_hash"]), proof)
