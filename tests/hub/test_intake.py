"""Hub intake over the local transport: the slice's facts reach the regulator's read models
exactly once, and adversarial input is quarantined with the field and rule at fault."""

from __future__ import annotations

import json

import pytest

from sharecity.exchange.envelope import ENVELOPE_MAX_BYTES, GENESIS_HASH, keypair_generate
from sharecity.exchange.models import LocalStreamEntry
from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.models import IntakeStream, QuarantinedMessage, ReceivedMessage
from sharecity.hub.intake.services import Outcome, intake_pump, intake_receive
from sharecity.hub.monitoring.selectors import activity_by_district, activity_by_platform, activity_totals
from sharecity.hub.monitoring.services import NO_DISTRICT
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.market.parking.services import booking_complete
from tests.factories import make_platform, make_provider, make_space, make_user
from tests.hub.slice import (
    DISTRICT,
    book,
    craft,
    expected_stat,
    hub_snapshot,
    listing_payload,
    next_in_chain,
    quarantined_last,
    run_slice,
    stat,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def transport():
    return LocalTransport()


def deliver(transport) -> None:
    relay_pump(transport=transport)
    intake_pump(transport=transport)


@pytest.fixture
def registered(transport):
    """A platform whose registration (and nothing else) the hub has accepted."""
    platform = make_platform(name="鹭岛共享停车")
    deliver(transport)
    assert RegisteredPlatform.objects.filter(platform_id=platform.exchange_id).exists()
    return platform


# --- the slice -------------------------------------------------------------------------------


def test_slice_facts_update_dashboard_per_district_and_platform(transport):
    assert activity_totals()["bookings"] == 0
    sl = run_slice(name="鹭岛共享停车")
    # Nothing reaches the hub before the relay and intake run: the market never writes hub tables.
    assert stat(sl.platform_id) is None

    relay = relay_pump(transport=transport)
    report = intake_pump(transport=transport)

    # registered, verified, listed, booked, completed, 2 reviews, 1 complaint
    assert relay.sent == 8
    assert (report.applied, report.duplicate, report.deferred, report.quarantined) == (8, 0, 0, 0)
    assert sl.booking.amount_fen == 400  # half an hour at 8 yuan per hour
    assert stat(sl.platform_id) == expected_stat(sl.booking)
    assert stat(sl.platform_id, NO_DISTRICT)["verified_subjects"] == 1

    registered = RegisteredPlatform.objects.get(platform_id=sl.platform_id)
    assert registered.name == "鹭岛共享停车"
    assert registered.credit_code == sl.platform.credit_code
    assert registered.sectors == ["parking"]

    by_district = {row.key: row for row in activity_by_district(language="zh-hans")}
    assert by_district[DISTRICT].label == "思明区"
    assert by_district[DISTRICT].values["turnover_fen"] == 400
    by_platform = {row.key: row for row in activity_by_platform()}
    assert by_platform[sl.platform_id].label == "鹭岛共享停车"
    assert by_platform[sl.platform_id].values["complaints"] == 1
    assert QuarantinedMessage.objects.count() == 0


def test_two_platforms_and_districts_are_counted_apart(transport):
    first = run_slice(district="350203")
    second = run_slice(district="120101")
    deliver(transport)

    assert stat(first.platform_id, "350203") == expected_stat(first.booking)
    assert stat(second.platform_id, "120101") == expected_stat(second.booking)
    assert stat(first.platform_id, "120101") is None
    totals = activity_totals()
    assert totals["bookings"] == 2
    assert totals["turnover_fen"] == first.booking.amount_fen + second.booking.amount_fen
    assert activity_totals(district_code="120101")["reviews"] == 2


def test_dashboard_changes_as_new_facts_arrive(transport):
    sl = run_slice()
    deliver(transport)
    assert stat(sl.platform_id)["bookings"] == 1
    another = make_user()
    second_space = make_space(sl.platform, sl.provider)
    booking = book(sl.platform, second_space, another)
    booking_complete(actor=another, booking=booking)
    deliver(transport)
    assert stat(sl.platform_id)["listings"] == 2
    assert stat(sl.platform_id)["bookings"] == 2
    assert stat(sl.platform_id)["completed"] == 2
    assert stat(sl.platform_id)["turnover_fen"] == sl.booking.amount_fen + booking.amount_fen


# --- exactly once ----------------------------------------------------------------------------


def test_same_envelope_delivered_twice_applies_once(transport):
    sl = run_slice()
    deliver(transport)
    before = hub_snapshot()

    raw = bytes(LocalStreamEntry.objects.filter(direction="up").order_by("sequence").last().envelope)
    assert intake_receive(raw) is Outcome.DUPLICATE

    # A whole redelivery (the intake crashed before acknowledging) changes nothing either.
    LocalStreamEntry.objects.filter(direction="up").update(acked_at=None)
    report = intake_pump(transport=transport)
    assert (report.applied, report.duplicate, report.quarantined) == (0, 8, 0)
    assert hub_snapshot() == before
    assert stat(sl.platform_id) == expected_stat(sl.booking)


def test_completion_reported_twice_counts_once(registered, transport):
    provider = make_provider(registered)
    space = make_space(registered, provider)
    customer = make_user()
    booking = book(registered, space, customer)
    booking_complete(actor=customer, booking=booking)
    deliver(transport)
    # The platform reports the same state change again under a new message id.
    last_batch = json.loads(bytes(LocalStreamEntry.objects.filter(direction="up").order_by("sequence").last().envelope))
    state_changed = last_batch["envelopes"][-1]
    again = next_in_chain(registered.exchange_id, message_type="order.state_changed",
                          payload=state_changed["payload"])
    assert intake_receive(again.to_bytes()) is Outcome.APPLIED
    assert stat(registered.exchange_id)["completed"] == 1
    assert stat(registered.exchange_id)["turnover_fen"] == booking.amount_fen


# --- adversarial input -----------------------------------------------------------------------


def assert_quarantined(raw: bytes, *, code: str, field: str, before: dict, message_id: str = "") -> None:
    count = QuarantinedMessage.objects.count()
    assert intake_receive(raw) is Outcome.QUARANTINED
    assert QuarantinedMessage.objects.count() == count + 1
    quarantined = quarantined_last()
    assert (quarantined.code, quarantined.field) == (code, field)
    assert quarantined.reason
    assert bytes(quarantined.raw) == raw  # kept as received, so it can be corrected and sent again
    if message_id:
        assert quarantined.message_id == message_id
    assert hub_snapshot() == before


def test_malformed_json_is_quarantined(registered):
    assert_quarantined(b'{"message_id": "x", ', code="exchange.malformed", field="envelope", before=hub_snapshot())


def test_json_that_is_not_an_object_is_quarantined(registered):
    assert_quarantined(b"[1, 2, 3]", code="exchange.malformed", field="envelope", before=hub_snapshot())


def test_missing_envelope_field_is_quarantined(registered):
    data = next_in_chain(registered.exchange_id).as_dict()
    del data["signature"]
    raw = json.dumps(data).encode()
    assert_quarantined(raw, code="exchange.missing_field", field="signature", before=hub_snapshot())


def test_wrongly_typed_envelope_field_is_quarantined(registered):
    data = next_in_chain(registered.exchange_id).as_dict()
    data["sequence"] = str(data["sequence"])
    assert_quarantined(json.dumps(data).encode(), code="exchange.wrong_type", field="sequence", before=hub_snapshot())


def test_missing_payload_field_is_quarantined(registered):
    payload = listing_payload()
    del payload["district"]
    envelope = next_in_chain(registered.exchange_id, payload=payload)
    assert_quarantined(envelope.to_bytes(), code="exchange.invalid_payload", field="payload.district",
                       before=hub_snapshot(), message_id=envelope.message_id)


def test_invalid_payload_value_is_quarantined(registered):
    envelope = next_in_chain(registered.exchange_id, payload=listing_payload(price_fen=-5))
    assert_quarantined(envelope.to_bytes(), code="exchange.invalid_payload", field="payload.price_fen",
                       before=hub_snapshot())


def test_unknown_schema_version_is_quarantined(registered):
    envelope = next_in_chain(registered.exchange_id, schema_version=2)
    assert_quarantined(envelope.to_bytes(), code="exchange.unknown_type", field="type", before=hub_snapshot())


def test_unknown_message_type_is_quarantined(registered):
    envelope = next_in_chain(registered.exchange_id, message_type="listing.teleported")
    assert_quarantined(envelope.to_bytes(), code="exchange.unknown_type", field="type", before=hub_snapshot())


def test_signature_by_another_key_is_quarantined(registered):
    forger_key, _ = keypair_generate()
    envelope = next_in_chain(registered.exchange_id, private_key=forger_key)
    assert_quarantined(envelope.to_bytes(), code="exchange.bad_signature", field="signature", before=hub_snapshot(),
                       message_id=envelope.message_id)


def test_tampered_payload_is_quarantined(registered):
    data = next_in_chain(registered.exchange_id).as_dict()
    data["payload"]["price_fen"] = 1  # hash and signature still those of the original
    assert_quarantined(json.dumps(data).encode(), code="exchange.bad_hash", field="hash", before=hub_snapshot())


def test_message_from_unregistered_platform_is_quarantined(registered):
    stranger_key, _ = keypair_generate()
    envelope = craft(platform_id="not-a-registered-platform", sequence=1, prev_hash=GENESIS_HASH,
                     private_key=stranger_key)
    assert_quarantined(envelope.to_bytes(), code="exchange.unknown_platform", field="platform_id",
                       before=hub_snapshot())
    assert quarantined_last().platform_id == "not-a-registered-platform"


def test_self_signed_registration_cannot_take_over_a_registered_platform(registered):
    attacker_key, attacker_public = keypair_generate()
    envelope = craft(platform_id=registered.exchange_id, sequence=1, prev_hash=GENESIS_HASH, private_key=attacker_key,
                     message_type="platform.registered",
                     payload={"name": "假冒平台", "credit_code": registered.credit_code, "sectors": ["parking"],
                              "public_key": attacker_public})
    assert_quarantined(envelope.to_bytes(), code="exchange.bad_signature", field="signature", before=hub_snapshot())
    assert RegisteredPlatform.objects.get(platform_id=registered.exchange_id).name == "鹭岛共享停车"


def test_replayed_sequence_with_another_message_id_is_quarantined(registered, transport):
    stream = IntakeStream.objects.get(platform_id=registered.exchange_id)
    assert stream.last_sequence == 1
    first = ReceivedMessage.objects.get(platform_id=registered.exchange_id, sequence=1)
    # Properly signed and chained from genesis, but sequence 1 is already taken.
    replay = craft(platform_id=registered.exchange_id, sequence=1, prev_hash=GENESIS_HASH)
    assert replay.message_id != str(first.message_id)
    assert_quarantined(replay.to_bytes(), code="exchange.replayed_sequence", field="sequence",
                       before=hub_snapshot(), message_id=replay.message_id)


def test_a_message_id_reused_under_a_new_sequence_is_a_duplicate_and_stores_nothing(registered, transport):
    # Intake looks up known ids only for sequences it has passed; a known id further on is caught
    # when the rows are stored (the unique id), undone and settled as a full look-up would.
    first = ReceivedMessage.objects.get(platform_id=registered.exchange_id, sequence=1)
    reused = next_in_chain(registered.exchange_id, message_id=str(first.message_id))
    fresh = craft(platform_id=registered.exchange_id, sequence=2, prev_hash=IntakeStream.objects.get(
        platform_id=registered.exchange_id).last_hash)
    before = hub_snapshot()
    assert intake_receive(reused.to_bytes()) is Outcome.DUPLICATE
    assert hub_snapshot() == before
    assert ReceivedMessage.objects.filter(platform_id=registered.exchange_id).count() == 1
    assert not QuarantinedMessage.objects.exists()
    # The stream did not move: the next genuine message at sequence 2 is applied.
    assert intake_receive(fresh.to_bytes()) is Outcome.APPLIED
    assert IntakeStream.objects.get(platform_id=registered.exchange_id).last_sequence == 2


def test_broken_chain_is_quarantined(registered):
    stream = IntakeStream.objects.get(platform_id=registered.exchange_id)
    envelope = craft(platform_id=registered.exchange_id, sequence=stream.last_sequence + 1, prev_hash="f" * 64)
    assert_quarantined(envelope.to_bytes(), code="exchange.broken_chain", field="prev_hash", before=hub_snapshot())


def test_an_envelope_too_large_for_any_transport_is_quarantined_and_the_next_one_applied(registered):
    big = next_in_chain(registered.exchange_id, payload=listing_payload(title="车" * 310_000))
    assert len(big.to_bytes()) > ENVELOPE_MAX_BYTES
    assert_quarantined(big.to_bytes(), code="exchange.too_large", field="payload", before=hub_snapshot())
    assert "send a large report in parts" in quarantined_last().reason
    # The stream did not move: a message of an ordinary size takes the same sequence.
    ordinary = next_in_chain(registered.exchange_id)
    assert ordinary.sequence == big.sequence
    assert intake_receive(ordinary.to_bytes()) is Outcome.APPLIED


def test_rejected_message_can_be_corrected_and_sent_again(registered):
    bad = next_in_chain(registered.exchange_id, payload=listing_payload(district="35020"))
    assert intake_receive(bad.to_bytes()) is Outcome.QUARANTINED
    assert quarantined_last().field == "payload.district"
    corrected = next_in_chain(registered.exchange_id, payload=listing_payload(district=DISTRICT),
                              message_id=bad.message_id)
    assert intake_receive(corrected.to_bytes()) is Outcome.APPLIED
    assert stat(registered.exchange_id)["listings"] == 1


# --- ordering --------------------------------------------------------------------------------


def test_sequence_gap_is_deferred_until_the_missing_message_arrives(registered, transport):
    platform_id = registered.exchange_id
    stream = IntakeStream.objects.get(platform_id=platform_id)
    second = craft(platform_id=platform_id, sequence=2, prev_hash=stream.last_hash)
    third = craft(platform_id=platform_id, sequence=3, prev_hash=second.hash)

    # The third arrives first: held back, nothing applied, nothing quarantined.
    before = hub_snapshot()
    transport.publish(platform_id=platform_id, message_id=third.message_id, sequence=3, data=third.to_bytes())
    report = intake_pump(transport=transport)
    assert (report.applied, report.deferred, report.quarantined) == (0, 1, 0)
    assert hub_snapshot() == before

    # Once the second arrives, both apply, in order.
    transport.publish(platform_id=platform_id, message_id=second.message_id, sequence=2, data=second.to_bytes())
    first_pass = intake_pump(transport=transport)
    second_pass = intake_pump(transport=transport)
    assert first_pass.applied + second_pass.applied == 2
    assert first_pass.quarantined + second_pass.quarantined == 0
    assert stat(platform_id)["listings"] == 2
    stream.refresh_from_db()
    assert (stream.last_sequence, stream.last_hash) == (3, third.hash)
    assert intake_pump(transport=transport).applied == 0  # nothing left over


def test_a_platform_cannot_send_a_directive_as_if_it_were_the_hub(registered):
    fake_recall = {"recall_id": "R-1", "reason": "forged"}  # the payload never matters: the type alone is refused
    envelope = next_in_chain(registered.exchange_id, message_type="recall.order", payload=fake_recall)
    assert_quarantined(envelope.to_bytes(), code="exchange.wrong_direction", field="type", before=hub_snapshot(),
                       message_id=envelope.message_id)
