"""Intake against input that passes the checks and still cannot be kept, ids shared across
platforms, implausible sequences and registrations that try to change who a platform is."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import uuid

import pytest
from django.core.management import call_command
from django.test import Client

from sharecity.exchange.envelope import GENESIS_HASH, keypair_generate
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.gateway.services import inclusion_proof_build, status_get
from sharecity.hub.intake import handlers
from sharecity.hub.intake.models import IntakeGap, IntakeStream, QuarantinedMessage, ReceivedMessage
from sharecity.hub.intake.services import Outcome, intake_pump, intake_receive
from sharecity.hub.monitoring import services as monitoring
from sharecity.hub.monitoring.models import ActivityStat, OrderFact
from sharecity.hub.registry.models import KeyRotation, RegisteredPlatform
from tests.hub.hostile import ExternalPlatform, listing, order

pytestmark = pytest.mark.django_db


@pytest.fixture
def poisoner():
    return ExternalPlatform.onboard("胡乱发送平台")


@pytest.fixture
def bystander():
    return ExternalPlatform.onboard("鹭岛共享停车")


def publish(transport, platform: ExternalPlatform, data: bytes) -> None:
    transport.publish(platform_id=platform.platform_id, message_id=str(uuid.uuid4()), sequence=0, data=data)


def last_sequence(platform: ExternalPlatform) -> int:
    stream = IntakeStream.objects.filter(platform_id=platform.platform_id).first()
    return stream.last_sequence if stream else 0


def listings(platform: ExternalPlatform) -> int:
    return sum(ActivityStat.objects.filter(platform_id=platform.platform_id).values_list("listings", flat=True))


def entry(message_id: str) -> QuarantinedMessage:
    return QuarantinedMessage.objects.get(message_id=message_id)


# --- what passes the checks and cannot be kept -------------------------------------------------------


def test_a_message_a_handler_refuses_is_quarantined_and_everything_else_in_the_pump_goes_on(
        poisoner, bystander, monkeypatch):
    refused_listing = "listing-the-handler-refuses"

    def picky(*, envelope, payload):
        if payload.listing_id == refused_listing:
            raise ValueError("this listing cannot be counted")
        monitoring.listing_published(envelope=envelope, payload=payload)

    monkeypatch.setitem(handlers.HANDLERS, "listing.published", [picky])
    transport = LocalTransport()
    before = poisoner.good(2)
    [bad] = poisoner.good(payload=listing(listing_id=refused_listing))
    after = poisoner.good(2)
    publish(transport, poisoner, poisoner.batch([*before, bad, *after]))
    publish(transport, bystander, bystander.batch(bystander.good(5)))

    report = intake_pump(transport=transport)

    assert (report.applied, report.quarantined, report.deferred) == (2 + 5, 1, 2)
    refused = entry(bad.message_id)
    assert (refused.code, refused.platform_id) == ("exchange.unstorable", poisoner.platform_id)
    assert bad.message_id in refused.reason and "this listing cannot be counted" in refused.reason
    # What came before it is kept; the chain waits at its sequence; the other platform is whole.
    assert last_sequence(poisoner) == 2 and listings(poisoner) == 2
    assert last_sequence(bystander) == 5 and listings(bystander) == 5
    # Nothing loops: the delivery is settled, not fetched again, and what it held behind the refused
    # message is reported missing, to be sent again after the correction.
    assert intake_pump(transport=transport).quarantined == 0
    assert QuarantinedMessage.objects.count() == 1
    assert status_get(platform_id=poisoner.platform_id)["missing"] == [[3, 5]]

    # The platform corrects it and sends it again with the same id and sequence: applied, entry closed.
    poisoner.sequence, poisoner.last_hash = before[-1].sequence, before[-1].hash
    poisoner.good_ids = poisoner.good_ids[:2]
    corrected = poisoner.good(1, message_id=bad.message_id) + poisoner.good(2)
    assert intake_receive(poisoner.batch(corrected)) is Outcome.APPLIED
    assert last_sequence(poisoner) == 5 and listings(poisoner) == 5
    refused.refresh_from_db()
    assert refused.resolved_at is not None


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"amount_fen": 2**63}, "payload.amount_fen", "exchange.amount_above_ceiling"),
    pytest.param({"order_id": "o" * 200}, "payload.order_id", "exchange.invalid_payload", marks=pytest.mark.postgres),
    pytest.param({"category": "c" * 100}, "payload.category", "exchange.invalid_payload", marks=pytest.mark.postgres),
    pytest.param({"customer_key": "customer\x00key"}, "payload.customer_key", "exchange.invalid_payload",
                 marks=pytest.mark.postgres),
])
def test_an_order_the_hubs_columns_cannot_hold_is_quarantined_naming_the_field(poisoner, overrides, field, code):
    poisoner.good(1)
    intake_receive(poisoner.batch([poisoner.seal(sequence=1, prev_hash=GENESIS_HASH)]))
    poisoner.sequence, poisoner.last_hash = 1, IntakeStream.objects.get(platform_id=poisoner.platform_id).last_hash
    bad = poisoner.seal(message_type="order.created", payload=order(**overrides))

    assert intake_receive(bad.to_bytes()) is Outcome.QUARANTINED

    refused = entry(bad.message_id)
    # The schema carries the column's limit, so it refuses the value before storing is tried.
    assert refused.code == code, refused.reason
    assert refused.field == field, refused.reason
    assert not OrderFact.objects.exists()
    # The next message takes the same sequence.
    assert intake_receive(poisoner.batch(poisoner.good(1, message_type="order.created", payload=order()))) \
        is Outcome.APPLIED
    assert last_sequence(poisoner) == 2 and OrderFact.objects.count() == 1


@pytest.mark.postgres
def test_a_handler_writing_what_postgresql_refuses_quarantines_the_message_not_the_intake(poisoner, monkeypatch):
    def copies_the_title(*, envelope, payload):
        OrderFact.objects.create(platform_id=envelope.platform_id, order_id=payload.title, category="parking",
                                 district_code="350203", amount_fen=0, state="confirmed", customer_key="c" * 8,
                                 provider_key="p" * 8)

    monkeypatch.setitem(handlers.HANDLERS, "listing.published", [copies_the_title])
    [good] = poisoner.good(1, payload=listing(title="short"))
    bad = poisoner.seal(payload=listing(title="t" * 150))
    delivery = poisoner.batch([good, bad])

    assert intake_receive(delivery) is Outcome.QUARANTINED

    refused = entry(bad.message_id)
    assert (refused.code, refused.field) == ("exchange.unstorable", "payload.title")
    assert "too long" in refused.reason
    assert last_sequence(poisoner) == 1 and OrderFact.objects.count() == 1


def test_a_defect_in_one_platforms_intake_holds_only_that_platform_and_loses_nothing(
        poisoner, bystander, monkeypatch):
    def broken(*, envelope, payload):
        if envelope.platform_id == poisoner.platform_id:
            raise RuntimeError("a defect, not the message's fault")
        monitoring.listing_published(envelope=envelope, payload=payload)

    monkeypatch.setitem(handlers.HANDLERS, "listing.published", [broken])
    transport = LocalTransport()
    publish(transport, poisoner, poisoner.batch(poisoner.good(3)))
    publish(transport, bystander, bystander.batch(bystander.good(3)))

    report = intake_pump(transport=transport)

    assert report.applied == 3 and last_sequence(bystander) == 3
    assert last_sequence(poisoner) == 0 and not QuarantinedMessage.objects.exists()
    # Once the defect is mended, the held deliveries are applied: nothing was dropped.
    monkeypatch.setitem(handlers.HANDLERS, "listing.published", [monitoring.listing_published])
    assert intake_pump(transport=transport).applied == 3
    assert last_sequence(poisoner) == 3 and listings(poisoner) == 3


def test_json_nested_too_deep_is_a_400_over_https_not_a_server_error(poisoner):
    response = Client().post("/exchange/v1/batches", data=b"[" * 100_000, content_type="application/json",
                             HTTP_X_EXCHANGE_KEY=poisoner.api_key)
    assert response.status_code == 400
    assert response.json()["code"] == "exchange.malformed"
    assert QuarantinedMessage.objects.get().platform_id == poisoner.platform_id


def test_a_platform_id_no_column_can_hold_is_quarantined():
    private_key, public_key = keypair_generate()
    stranger = ExternalPlatform(name="x", platform_id="p" * 200 + "\x00", private_key=private_key,
                                public_key=public_key)
    envelope = stranger.seal(message_type="platform.registered", payload={
        "name": "无名", "credit_code": "91350200MA2XXXXXX1", "sectors": ["parking"], "public_key": public_key})
    assert intake_receive(envelope.to_bytes()) is Outcome.QUARANTINED
    refused = QuarantinedMessage.objects.get()
    assert (refused.code, refused.field) == ("exchange.malformed_field", "platform_id")
    # An id that is not one names no platform: the entry is kept, attributed to none.
    assert len(refused.platform_id) <= 64 and "\x00" not in refused.platform_id
    assert not IntakeStream.objects.exists() and not RegisteredPlatform.objects.exists()


# --- message ids are each platform's own ---------------------------------------------------------------


def test_two_platforms_using_the_same_message_id_both_have_their_message_applied(poisoner, bystander):
    shared = str(uuid.uuid4())
    [first] = poisoner.good(1, message_id=shared)
    [second] = bystander.good(1, message_id=shared)

    assert intake_receive(poisoner.batch([first])) is Outcome.APPLIED
    assert intake_receive(bystander.batch([second])) is Outcome.APPLIED

    assert ReceivedMessage.objects.filter(message_id=shared).count() == 2
    # The second platform's chain goes on, and each proof is of the platform's own message.
    assert intake_receive(bystander.batch(bystander.good(1))) is Outcome.APPLIED
    assert last_sequence(bystander) == 2
    for platform, envelope in ((poisoner, first), (bystander, second)):
        proof = inclusion_proof_build(platform_id=platform.platform_id, message_id=shared)
        assert proof["envelope_hash"] == envelope.hash
    # A redelivery is still a duplicate for its own platform.
    assert intake_receive(bystander.batch([second])) is Outcome.DUPLICATE


def test_another_platform_applying_an_id_does_not_close_a_platforms_quarantine_entry(poisoner, bystander):
    bad = poisoner.seal(prev_hash="f" * 64)
    assert intake_receive(bad.to_bytes()) is Outcome.QUARANTINED
    assert intake_receive(bystander.batch(bystander.good(1, message_id=bad.message_id))) is Outcome.APPLIED
    assert entry(bad.message_id).resolved_at is None


# --- sequence window and the gap report ---------------------------------------------------------------


def test_a_sequence_far_past_the_window_is_quarantined_and_opens_no_gap(poisoner, settings):
    settings.SHARECITY_INTAKE_SEQUENCE_WINDOW = 10
    far = poisoner.seal(sequence=11)

    assert intake_receive(far.to_bytes()) is Outcome.QUARANTINED

    refused = entry(far.message_id)
    assert (refused.code, refused.field) == ("exchange.implausible_sequence", "sequence")
    assert "more than 10 past" in refused.reason
    assert not IntakeGap.objects.exists()
    assert status_get(platform_id=poisoner.platform_id)["missing"] == []
    # At the edge of the window it is a gap, waiting for what comes before.
    assert intake_receive(poisoner.seal(sequence=10).to_bytes()) is Outcome.DEFERRED
    assert status_get(platform_id=poisoner.platform_id)["missing"] == [[1, 9]]


def test_the_sequence_window_is_read_from_the_environment():
    code = "from django.conf import settings; print(settings.SHARECITY_INTAKE_SEQUENCE_WINDOW)"
    env = {**os.environ, "SHARECITY_INTAKE_SEQUENCE_WINDOW": "777", "DJANGO_SETTINGS_MODULE": "sharecity.settings"}
    output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "777"


def test_the_gap_report_names_exactly_the_sequences_that_have_not_arrived(poisoner):
    transport = LocalTransport()
    envelopes = poisoner.good(8)
    for number in (5, 8, 3):
        publish(transport, poisoner, envelopes[number - 1].to_bytes())

    report = intake_pump(transport=transport)

    assert (report.applied, report.deferred) == (0, 3)
    # 3, 5 and 8 are here, held back: what the platform must send is 1-2, 4 and 6-7.
    assert status_get(platform_id=poisoner.platform_id)["missing"] == [[1, 2], [4, 4], [6, 7]]


# --- who a platform is --------------------------------------------------------------------------------


def registration(platform: ExternalPlatform, **changes) -> dict:
    registered = RegisteredPlatform.objects.get(platform_id=platform.platform_id)
    payload = {"name": registered.name, "credit_code": registered.credit_code, "sectors": list(registered.sectors),
               "public_key": registered.public_key}
    payload.update(changes)
    return payload


def fingerprint(public_key: str) -> str:
    return hashlib.sha256(base64.urlsafe_b64decode(public_key)).hexdigest()


def test_the_same_registration_again_is_harmless(poisoner):
    before = RegisteredPlatform.objects.values().get(platform_id=poisoner.platform_id)
    envelopes = poisoner.good(1, message_type="platform.registered", payload=registration(poisoner))
    assert intake_receive(poisoner.batch(envelopes)) is Outcome.APPLIED
    assert RegisteredPlatform.objects.values().get(platform_id=poisoner.platform_id) == before
    assert not KeyRotation.objects.exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": "另一家公司"}, "payload.name"),
    ({"credit_code": "91350200MA2XXXXXX1"}, "payload.credit_code"),
])
def test_a_registration_cannot_change_who_the_platform_is(poisoner, changes, field):
    before = RegisteredPlatform.objects.values().get(platform_id=poisoner.platform_id)
    envelope = poisoner.seal(message_type="platform.registered", payload=registration(poisoner, **changes))

    assert intake_receive(poisoner.batch([envelope])) is Outcome.QUARANTINED

    refused = entry(envelope.message_id)
    assert (refused.code, refused.field) == ("registry.identity_change", field)
    assert RegisteredPlatform.objects.values().get(platform_id=poisoner.platform_id) == before
    assert last_sequence(poisoner) == 0


def test_a_key_rotation_signed_with_the_old_key_is_recorded_with_both_fingerprints(poisoner):
    old_private, old_public = poisoner.private_key, poisoner.public_key
    new_private, new_public = keypair_generate()
    earlier = poisoner.batch(poisoner.good(2))
    assert intake_receive(earlier) is Outcome.APPLIED
    rotation = poisoner.batch(poisoner.good(1, message_type="platform.registered",
                                            payload=registration(poisoner, public_key=new_public)))

    assert intake_receive(rotation) is Outcome.APPLIED

    registered = RegisteredPlatform.objects.get(platform_id=poisoner.platform_id)
    assert registered.public_key == new_public
    recorded = KeyRotation.objects.get()
    assert (recorded.old_fingerprint, recorded.new_fingerprint) == (fingerprint(old_public), fingerprint(new_public))
    assert (recorded.source, recorded.effective_sequence, recorded.message_id) == ("message", 4,
                                                                                    poisoner.good_ids[-1])
    audit = AuditEntry.objects.get(action="key.rotated", object_id=poisoner.platform_id)
    assert audit.actor_name == f"platform {poisoner.platform_id}"
    # From now on the new key signs; the old one is refused; what it signed before is still known.
    poisoner.private_key, poisoner.public_key = new_private, new_public
    assert intake_receive(poisoner.batch(poisoner.good(1))) is Outcome.APPLIED
    stale = poisoner.seal(private_key=old_private)
    assert intake_receive(poisoner.batch([stale], private_key=old_private)) is Outcome.QUARANTINED
    assert QuarantinedMessage.objects.get().code == "exchange.bad_signature"
    assert intake_receive(earlier) is Outcome.DUPLICATE


def test_a_rotation_and_what_the_new_key_signed_after_it_apply_in_one_pump(poisoner):
    transport = LocalTransport()
    new_private, new_public = keypair_generate()
    publish(transport, poisoner, poisoner.batch(poisoner.good(1, message_type="platform.registered",
                                                              payload=registration(poisoner, public_key=new_public))))
    poisoner.private_key, poisoner.public_key = new_private, new_public
    publish(transport, poisoner, poisoner.batch(poisoner.good(2)))

    report = intake_pump(transport=transport)

    assert (report.applied, report.quarantined) == (3, 0)
    assert last_sequence(poisoner) == 3


def test_a_new_key_signed_by_itself_is_refused(poisoner):
    attacker_private, attacker_public = keypair_generate()
    envelope = poisoner.seal(message_type="platform.registered", private_key=attacker_private,
                             payload=registration(poisoner, public_key=attacker_public))

    assert intake_receive(poisoner.batch([envelope], private_key=attacker_private)) is Outcome.QUARANTINED

    assert QuarantinedMessage.objects.get().code == "exchange.bad_signature"
    assert RegisteredPlatform.objects.get(platform_id=poisoner.platform_id).public_key == poisoner.public_key
    assert not KeyRotation.objects.exists()


def test_a_key_with_junk_after_it_is_refused_though_signatures_verify(poisoner):
    envelope = poisoner.seal(message_type="platform.registered",
                             payload=registration(poisoner, public_key=poisoner.public_key + "!!!!" * 20))
    assert intake_receive(poisoner.batch([envelope])) is Outcome.QUARANTINED
    refused = entry(envelope.message_id)
    # The published schema's pattern for a key refuses it before the registry's own check would.
    assert (refused.code, refused.field) == ("exchange.invalid_payload", "payload.public_key")
    assert RegisteredPlatform.objects.get(platform_id=poisoner.platform_id).public_key == poisoner.public_key


def test_an_operator_replaces_a_lost_key_from_the_next_sequence_on(poisoner, capsys):
    assert intake_receive(poisoner.batch(poisoner.good(2))) is Outcome.APPLIED
    new_private, new_public = keypair_generate()

    call_command("platform_key_rotate", poisoner.platform_id, f"--public-key={new_public}",
                 "--reason", "私钥泄露，平台书面申请更换")

    recorded = KeyRotation.objects.get()
    assert (recorded.source, recorded.effective_sequence) == ("operator", 3)
    assert recorded.new_fingerprint in capsys.readouterr().out
    audit = AuditEntry.objects.get(action="key.rotated")
    assert audit.detail_data["reason"] == "私钥泄露，平台书面申请更换"
    assert audit.actor_name.startswith("operator ")
    stolen = poisoner.seal()
    assert intake_receive(poisoner.batch([stolen])) is Outcome.QUARANTINED
    poisoner.private_key = new_private
    assert intake_receive(poisoner.batch(poisoner.good(1))) is Outcome.APPLIED
