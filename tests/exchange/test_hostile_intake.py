"""What passes the published schemas is stored by the hub; what does not is quarantined with the
field and rule, never a database error. Run on PostgreSQL too (CI), where a varchar or a bigint
column refuses what SQLite would keep."""

from __future__ import annotations

import json
import uuid

import pytest

from sharecity.exchange.batches import batch_seal
from sharecity.exchange.keys import producer_private_key
from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.models import IntakeStream, QuarantinedMessage, ReceivedMessage
from sharecity.hub.intake.services import Outcome, intake_pump, intake_receive
from sharecity.hub.monitoring.models import OrderFact
from sharecity.kernel import limits
from tests.factories import make_platform
from tests.hub.slice import DISTRICT, craft, hub_snapshot, next_in_chain, quarantined_last

pytestmark = pytest.mark.django_db

KEY = "k" * limits.PARTY_KEY_MAX_LENGTH


@pytest.fixture
def platform_id():
    transport = LocalTransport()
    platform = make_platform(name="鹭岛共享停车")
    relay_pump(transport=transport)
    intake_pump(transport=transport)
    return platform.exchange_id


def order_created(**overrides) -> dict:
    payload = {"order_id": str(uuid.uuid4()), "listing_id": "L-1", "category": "parking", "district": DISTRICT,
               "customer_key": KEY, "provider_key": KEY, "amount_fen": 1600,
               "starts_at": "2025-10-09T10:00:00+08:00", "ends_at": "2025-10-09T12:00:00+08:00"}
    payload.update(overrides)
    return payload


def quarantined(raw: bytes, *, code: str, field: str) -> QuarantinedMessage:
    before = hub_snapshot()
    count = QuarantinedMessage.objects.count()
    assert intake_receive(raw) is Outcome.QUARANTINED
    assert QuarantinedMessage.objects.count() == count + 1
    row = quarantined_last()
    assert (row.code, row.field) == (code, field), row.reason
    assert bytes(row.raw) == raw
    assert hub_snapshot() == before
    return row


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"order_id": "o" * 200}, "payload.order_id", "exchange.invalid_payload"),
    ({"category": "c" * 100}, "payload.category", "exchange.invalid_payload"),
    ({"amount_fen": 2**63}, "payload.amount_fen", "exchange.amount_above_ceiling"),
    ({"amount_fen": 2**64}, "payload.amount_fen", "exchange.amount_above_ceiling"),
    ({"amount_fen": limits.AMOUNT_FEN_CEILING + 1}, "payload.amount_fen", "exchange.amount_above_ceiling"),
    ({"amount_fen": 1600.0}, "payload.amount_fen", "exchange.invalid_payload"),
    ({"amount_fen": "1600"}, "payload.amount_fen", "exchange.invalid_payload"),
    ({"amount_fen": -1600}, "payload.amount_fen", "exchange.invalid_payload"),
    ({"order_id": "O-1\x00"}, "payload.order_id", "exchange.invalid_payload"),
    ({"customer_key": "k" * 65}, "payload.customer_key", "exchange.invalid_payload"),
    ({"starts_at": "9999-12-31T23:59:59-14:00"}, "payload.starts_at", "exchange.time_out_of_range"),
    ({"o" * 300: 1}, "payload.'" + "o" * 63, "exchange.invalid_payload"),
    ({"\x00": 1}, "payload.'\\x00'", "exchange.invalid_payload"),
])
def test_a_payload_the_hub_could_not_store_is_quarantined_with_the_field(platform_id, overrides, field, code):
    envelope = next_in_chain(platform_id, message_type="order.created", payload=order_created(**overrides))
    row = quarantined(envelope.to_bytes(), code=code, field=field)
    assert row.message_id == envelope.message_id
    assert not OrderFact.objects.exists()


def test_an_unknown_key_of_any_length_gives_a_field_name_a_quarantine_row_holds(platform_id):
    envelope = next_in_chain(platform_id, message_type="order.created", payload=order_created(**{"x" * 500: 1}))
    assert intake_receive(envelope.to_bytes()) is Outcome.QUARANTINED
    assert len(quarantined_last().field) <= QuarantinedMessage._meta.get_field("field").max_length


@pytest.mark.parametrize(("name", "value", "code"), [
    ("sequence", 2**64, "exchange.out_of_range"),
    ("sequence", 2**63, "exchange.out_of_range"),
    ("schema_version", 2**15, "exchange.out_of_range"),
    ("message_id", "not-a-uuid", "exchange.malformed_field"),
    ("platform_id", "p" * 200, "exchange.malformed_field"),
    ("type", "order." + "x" * 200, "exchange.malformed_field"),
])
def test_an_envelope_the_hub_could_not_store_is_quarantined_with_the_field(platform_id, name, value, code):
    stream = IntakeStream.objects.get(platform_id=platform_id)
    fields = {"platform_id": platform_id, "sequence": stream.last_sequence + 1, "prev_hash": stream.last_hash,
              "message_type": "order.created", "payload": order_created(),
              "private_key": producer_private_key(platform_id=platform_id)}
    data = craft(**fields).as_dict()
    data[name] = value
    quarantined(json.dumps(data).encode(), code=code, field=name)


def test_a_batch_whose_signature_is_padded_with_junk_is_quarantined_not_stored(platform_id):
    stream = IntakeStream.objects.get(platform_id=platform_id)
    envelope = craft(platform_id=platform_id, sequence=stream.last_sequence + 1, prev_hash=stream.last_hash,
                     message_type="order.created", payload=order_created())
    data = json.loads(batch_seal(platform_id=platform_id, envelopes=[envelope],
                                 private_key=producer_private_key(platform_id=platform_id)).to_bytes())
    # A lenient base64 decoder skips the junk, so the signature would verify, and not fit its column.
    data["signature"] = "*" * 200 + data["signature"]
    quarantined(json.dumps(data).encode(), code="exchange.malformed_field", field="signature")


def test_values_at_every_bound_are_stored(platform_id):
    # The largest values the schemas allow, in characters that take three bytes each in UTF-8.
    order_id = "订" * limits.IDENTIFIER_MAX_LENGTH
    payload = order_created(order_id=order_id, category="类" * limits.CATEGORY_CODE_MAX_LENGTH,
                            customer_key="客" * limits.PARTY_KEY_MAX_LENGTH,
                            provider_key="供" * limits.PARTY_KEY_MAX_LENGTH, amount_fen=limits.AMOUNT_FEN_CEILING,
                            state="requested")
    assert intake_receive(next_in_chain(platform_id, message_type="order.created", payload=payload).to_bytes()) \
        is Outcome.APPLIED
    completed = {"order_id": order_id, "category": payload["category"], "district": DISTRICT, "state": "completed",
                 "amount_fen": limits.AMOUNT_FEN_CEILING}
    assert intake_receive(next_in_chain(platform_id, message_type="order.state_changed",
                                        payload=completed).to_bytes()) is Outcome.APPLIED
    fact = OrderFact.objects.get(platform_id=platform_id, order_id=order_id)
    assert (fact.state, fact.amount_fen, fact.category) == ("completed", limits.AMOUNT_FEN_CEILING, payload["category"])
    assert ReceivedMessage.objects.filter(platform_id=platform_id).count() == 3
