"""Directives end to end: a regulator issues, the relay signs it down, the platform's downlink
verifies and stores it, the operator answers, and the hub shows the answer. Locally and over
NATS JetStream; with tampered, forged, repeated and out-of-order downlink deliveries."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from sharecity.exchange.batches import batch_parse, batch_seal
from sharecity.exchange.downlink import downlink_pump
from sharecity.exchange.envelope import canonical_json, keypair_generate
from sharecity.exchange.models import DownlinkStream, LocalStreamEntry, ProducerReceipt
from sharecity.exchange.receipts import receipt_verify
from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.directives.models import Directive, DirectiveStatus
from sharecity.hub.directives.services import directive_issue
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.keys import hub_public_keys
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.timeutil import CITY_TZ, city_datetime
from sharecity.kernel.workdays import add_workdays
from sharecity.market.directives.models import ReceivedDirective
from sharecity.market.directives.services import directives_receive
from sharecity.market.platforms.services import operator_add
from tests import factories

pytestmark = pytest.mark.django_db

LAW = "《中华人民共和国电子商务法》第二十五条"
ISSUED = city_datetime(dt.date(2025, 9, 30), dt.time(9, 30))  # the eve of National Day


def downlink(transport, **kwargs):
    return downlink_pump(transport=transport, hub_receipt_keys=hub_public_keys, on_directives=directives_receive,
                         **kwargs)


class Parties:
    def __init__(self) -> None:
        self.platform = factories.make_platform(slug="ludao", name="鹭岛共享停车")
        self.operator = factories.make_user("operator")
        operator_add(actor=None, platform=self.platform, user=self.operator)
        self.regulator = factories.make_user("regulator")
        regulator_profile_set(actor=None, user=self.regulator, department="厦门市公安局思明分局")
        self.hub = Client(headers={"accept-language": "en"})
        self.hub.force_login(self.regulator)
        self.console = Client(headers={"accept-language": "en"})
        self.console.force_login(self.operator)

    def issue(self, **overrides) -> Directive:
        fields = {"legal_reference": LAW, "case_id": "SM-2025-118", "request": "请提供涉案车位的订单与支付记录",
                  "order_ids": ["order-1"], "now": ISSUED}
        fields.update(overrides)
        return directive_issue(actor=self.regulator, platform_id=self.platform.exchange_id,
                               directive_type="assistance.request", **fields)


@pytest.fixture
def parties():
    return Parties()


def uplink(transport) -> None:
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def test_a_request_for_assistance_goes_down_and_the_acknowledgement_comes_back(parties):
    transport = LocalTransport()
    uplink(transport)  # the platform registers at the hub; the hub answers with a receipt
    directive = parties.issue()
    relay_pump(transport=transport)
    report = downlink(transport)
    assert (report.directives, report.receipts, report.refused) == (1, 1, 0)

    # The operator sees it, due five working days later on the holiday calendar (after National Day).
    due = add_workdays(ISSUED.date(), 5)
    assert due > dt.date(2025, 10, 8)
    listing = parties.console.get(reverse("market_directives:list", args=[parties.platform.slug]))
    assert listing.status_code == 200
    assert "Request for assistance with an investigation" in listing.text
    assert f"{due.day} {due:%b %Y}, 23:59" in listing.text  # the English page's date format
    # Issued in 2025 and not answered: overdue, in red, on both sides.
    assert f'data-message-id="{directive.message_id}" class="overdue"' in listing.text
    hub_page = parties.hub.get(reverse("hub_directives:list"))
    assert 'data-testid="overdue-count">1<' in hub_page.text

    url = reverse("market_directives:detail", args=[parties.platform.slug, directive.message_id])
    assert "SM-2025-118" in parties.console.get(url).text
    answer = "已导出 order-1 的订单与支付记录，经加密通道提交"
    assert parties.console.post(url, {"action_taken": answer, "completed": "on"}).status_code == 302

    uplink(transport)
    detail = parties.hub.get(reverse("hub_directives:detail", args=[directive.message_id]))
    assert answer in detail.text
    assert "Completed" in detail.text
    directive.refresh_from_db()
    assert directive.status == DirectiveStatus.COMPLETED
    hub_page = parties.hub.get(reverse("hub_directives:list"))
    assert 'data-testid="overdue-count">0<' in hub_page.text
    dashboard = parties.hub.get(reverse("monitoring:figures"))
    assert 'data-testid="directives-overdue">0<' in dashboard.text


def test_receipts_arrive_at_the_platform_and_verify(parties):
    transport = LocalTransport()
    uplink(transport)
    parties.issue()
    relay_pump(transport=transport)
    downlink(transport)
    receipts = list(ProducerReceipt.objects.filter(platform_id=parties.platform.exchange_id))
    assert len(receipts) == 1 and receipts[0].verified
    keys = hub_public_keys()
    stored = receipts[0].as_receipt()
    assert receipt_verify(stored, hub_public_key=keys[stored["key_id"]])
    assert stored["tree_size"] == 1  # platform.registered
    # The same receipt delivered again is kept once; a forged one is refused.
    entry = LocalStreamEntry.objects.filter(direction="down").order_by("id").first()
    copy = {"kind": "receipt", "receipt": stored}
    forged = {"kind": "receipt", "receipt": {**stored, "tree_size": 99}}
    for index, data in enumerate((copy, forged)):
        transport.publish(platform_id=entry.platform_id, message_id=str(uuid.uuid4()), sequence=index,
                          data=canonical_json(data), direction="down")
    report = downlink(transport)
    assert (report.receipts, report.refused) == (1, 1)
    assert ProducerReceipt.objects.filter(platform_id=parties.platform.exchange_id).count() == 1


def _down_entries() -> list[LocalStreamEntry]:
    return [entry for entry in LocalStreamEntry.objects.filter(direction="down", acked_at__isnull=True)
            if b'"envelopes"' in bytes(entry.envelope)]


def test_a_tampered_or_forged_batch_is_refused_and_nothing_is_stored(parties):
    transport = LocalTransport()
    uplink(transport)
    directive = parties.issue()
    relay_pump(transport=transport)
    [entry] = _down_entries()
    original = bytes(entry.envelope)
    # Tampered: the deadline moved a month later in transit.
    data = json.loads(original)
    data["envelopes"][0]["payload"]["deadline"] = "2025-11-30T23:59:59+08:00"
    LocalStreamEntry.objects.filter(pk=entry.pk).update(envelope=canonical_json(data))
    report = downlink(transport)
    assert (report.refused, report.directives) == (1, 0)
    assert not ReceivedDirective.objects.exists()
    assert not DownlinkStream.objects.exists()
    # Forged: well formed and consistently hashed, but signed with a key that is not the hub's.
    forger, _public = keypair_generate()
    batch = batch_parse(json.loads(original))
    forged = batch_seal(platform_id=batch.platform_id, envelopes=list(batch.envelopes), private_key=forger)
    transport.publish(platform_id=batch.platform_id, message_id=str(uuid.uuid4()), sequence=1,
                      data=forged.to_bytes(), direction="down")
    report = downlink(transport)
    assert (report.refused, report.directives) == (1, 0)
    assert not ReceivedDirective.objects.exists()
    # Refused input never blocks the stream: the genuine batch is taken when it comes.
    transport.publish(platform_id=batch.platform_id, message_id=str(uuid.uuid4()), sequence=1, data=original,
                      direction="down")
    assert downlink(transport).directives == 1
    assert ReceivedDirective.objects.get().message_id == directive.message_id
    assert not LocalStreamEntry.objects.filter(direction="down", acked_at__isnull=True).exists()


def test_the_same_directive_delivered_twice_is_stored_once(parties):
    transport = LocalTransport()
    uplink(transport)
    parties.issue()
    relay_pump(transport=transport)
    [entry] = _down_entries()
    transport.publish(platform_id=entry.platform_id, message_id=str(uuid.uuid4()), sequence=entry.sequence,
                      data=bytes(entry.envelope), direction="down")
    report = downlink(transport)
    assert (report.directives, report.duplicate) == (1, 1)
    assert ReceivedDirective.objects.count() == 1


def test_a_gap_waits_for_the_missing_directive(parties):
    transport = LocalTransport()
    uplink(transport)
    first = parties.issue(case_id="A-1")
    relay_pump(transport=transport)
    second = parties.issue(case_id="A-2")
    relay_pump(transport=transport)
    earlier, later = _down_entries()
    # The later batch arrives first: it waits, unacknowledged, until the earlier one is taken.
    LocalStreamEntry.objects.filter(pk=earlier.pk).update(acked_at=earlier.published_at)
    report = downlink(transport)
    assert (report.deferred, report.directives) == (1, 0)
    assert LocalStreamEntry.objects.get(pk=later.pk).acked_at is None
    transport.publish(platform_id=earlier.platform_id, message_id=str(uuid.uuid4()), sequence=earlier.sequence,
                      data=bytes(earlier.envelope), direction="down")
    downlink(transport)
    assert [d.message_id for d in ReceivedDirective.objects.order_by("id")] == [first.message_id, second.message_id]
    assert DownlinkStream.objects.get(platform_id=parties.platform.exchange_id).last_sequence == 2


def test_a_failing_callback_leaves_the_directive_for_the_next_pass(parties):
    transport = LocalTransport()
    uplink(transport)
    parties.issue()
    relay_pump(transport=transport)

    def broken(envelopes):
        raise RuntimeError("database went away")

    report = downlink_pump(transport=transport, hub_receipt_keys=hub_public_keys, on_directives=broken)
    assert report.directives == 0
    assert not DownlinkStream.objects.exists()
    assert downlink(transport).directives == 1


# --- NATS JetStream ------------------------------------------------------------------------


def until(step, done, *, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        step()


@pytest.mark.nats
def test_the_loop_over_nats_jetstream(parties, nats_transport):
    platform_id = parties.platform.exchange_id

    def up():
        relay_pump(transport=nats_transport)
        intake_pump(transport=nats_transport, timeout=0.5)

    until(up, lambda: _registered(platform_id))
    directive = parties.issue(now=None)
    relay_pump(transport=nats_transport)
    until(lambda: downlink(nats_transport, timeout=0.5),
          lambda: ReceivedDirective.objects.filter(message_id=directive.message_id).exists())
    received = ReceivedDirective.objects.get()
    assert received.deadline == directive.deadline
    assert received.deadline.astimezone(CITY_TZ).date() > received.received_at.astimezone(CITY_TZ).date()
    url = reverse("market_directives:detail", args=[parties.platform.slug, directive.message_id])
    assert parties.console.post(url, {"action_taken": "已提供", "completed": ""}).status_code == 302
    until(up, lambda: Directive.objects.filter(pk=directive.pk, status=DirectiveStatus.ACKNOWLEDGED).exists())
    # Receipts for the registration and for the acknowledgement come down and verify.
    until(lambda: downlink(nats_transport, timeout=0.5),
          lambda: ProducerReceipt.objects.filter(platform_id=platform_id, tree_size=2).exists())
    keys = hub_public_keys()
    for receipt in ProducerReceipt.objects.filter(platform_id=platform_id):
        assert receipt.verified
        assert receipt_verify(receipt.as_receipt(), hub_public_key=keys[receipt.key_id])
    assert ReceivedDirective.objects.count() == 1


def _registered(platform_id: str) -> bool:
    from sharecity.hub.registry.selectors import registered_platform_get

    return registered_platform_get(platform_id=platform_id) is not None
