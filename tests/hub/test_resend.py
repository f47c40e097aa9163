"""A range lost on the transport is detected, asked for again by the hub, and sent again by the
platform's relay: in the end every message is applied exactly once."""

from __future__ import annotations

import pytest

from sharecity.exchange.downlink import downlink_pump
from sharecity.exchange.models import LocalStreamEntry
from sharecity.exchange.relay import relay_pump
from sharecity.exchange.resend import relay_resend
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.models import IntakeGap, IntakeStream, ReceivedMessage
from sharecity.hub.intake.resend import resend_requests_send
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.keys import hub_public_keys
from sharecity.kernel.models import OutboxMessage
from tests.factories import make_platform, make_provider, make_space

pytestmark = pytest.mark.django_db


def test_a_lost_range_is_requested_and_sent_again_until_everything_applied_once():
    transport = LocalTransport()
    platform = make_platform()
    provider = make_provider(platform)
    relay_pump(transport=transport)
    intake_pump(transport=transport)
    assert IntakeStream.objects.get(platform_id=platform.exchange_id).last_sequence == 2

    make_space(platform, provider, title="丢失的车位一")
    make_space(platform, provider, title="丢失的车位二")
    relay_pump(transport=transport)
    # The transport loses that batch (sequences 3 and 4).
    LocalStreamEntry.objects.filter(platform_id=platform.exchange_id, direction="up", acked_at__isnull=True).delete()
    make_space(platform, provider, title="第五条")
    relay_pump(transport=transport)

    report = intake_pump(transport=transport)
    assert report.deferred == 1  # sequence 5 waits for 3..4
    gap = IntakeGap.objects.get(platform_id=platform.exchange_id)
    assert (gap.first_missing, gap.last_missing) == (3, 4)

    # Right after the gap appeared nothing is asked (it may still fill by itself); later it is.
    assert resend_requests_send(transport=transport, settle_seconds=60) == 0
    assert resend_requests_send(transport=transport, settle_seconds=0) == 1
    assert resend_requests_send(transport=transport, settle_seconds=0) == 0  # not again at once

    asked = []

    def resend(platform_id, first, last):
        asked.append((platform_id, first, last))
        return relay_resend(platform_id=platform_id, first_sequence=first, last_sequence=last, transport=transport)

    downlink = downlink_pump(transport=transport, hub_receipt_keys=hub_public_keys, on_directives=lambda _: None,
                             on_resend=resend)
    assert downlink.resend_requests == 1
    assert asked == [(platform.exchange_id, 3, 4)]

    # The deferred 5 may come round before the resent 3..4; a later pump takes it.
    applied = sum(intake_pump(transport=transport).applied for _ in range(3))
    assert applied == 3
    received = list(ReceivedMessage.objects.filter(platform_id=platform.exchange_id).order_by("sequence"))
    assert [m.sequence for m in received] == [1, 2, 3, 4, 5]
    sent = OutboxMessage.objects.filter(platform_id=platform.exchange_id).order_by("sequence")
    assert [str(m.message_id) for m in sent] == [str(m.message_id) for m in received]
    assert resend_requests_send(transport=transport, settle_seconds=0) == 0  # the gap is filled


def test_a_resend_request_not_signed_by_the_hub_is_ignored():
    transport = LocalTransport()
    platform = make_platform()
    relay_pump(transport=transport)
    forged = (b'{"kind":"resend_request","request":{"platform_id":"%s","first_sequence":1,"last_sequence":1,'
              b'"requested_at":"2026-01-01T00:00:00+00:00","key_id":"x","signature":"AAAA"}}'
              % platform.exchange_id.encode())
    transport.publish(platform_id=platform.exchange_id, message_id="00000000-0000-0000-0000-0000000000f1", sequence=1,
                      data=forged, direction="down")
    asked = []
    report = downlink_pump(transport=transport, hub_receipt_keys=hub_public_keys, on_directives=lambda _: None,
                           on_resend=lambda *args: asked.append(args))
    assert report.refused == 1 and asked == []
