"""intake_pump applies a platform's deliveries of one fetch together; the outcome is the same as
one by one, also when the first of them registers the platform."""

from __future__ import annotations

import pytest

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.models import IntakeStream, QuarantinedMessage, ReceivedBatch, ReceivedMessage
from sharecity.hub.intake.services import intake_pump
from tests.factories import make_platform, make_provider, make_space
from tests.hub.slice import stat

pytestmark = pytest.mark.django_db


def test_registration_and_later_batches_in_one_fetch_are_all_applied():
    transport = LocalTransport()
    platform = make_platform()
    provider = make_provider(platform)
    make_space(platform, provider)
    make_space(platform, provider, title="第二个车位")
    # One message per batch: four deliveries, the first registers the platform.
    while relay_pump(transport=transport, limit=1).sent:
        pass
    assert len(transport.fetch(limit=100)) == 4

    report = intake_pump(transport=transport)
    assert (report.applied, report.duplicate, report.deferred, report.quarantined) == (4, 0, 0, 0)
    assert QuarantinedMessage.objects.count() == 0
    assert ReceivedBatch.objects.filter(platform_id=platform.exchange_id).count() == 4
    assert list(ReceivedMessage.objects.order_by("sequence").values_list("sequence", "batch__first_sequence")) == [
        (1, 1), (2, 2), (3, 3), (4, 4)]
    assert IntakeStream.objects.get(platform_id=platform.exchange_id).last_sequence == 4
    assert stat(platform.exchange_id)["listings"] == 2
    assert transport.fetch(limit=100) == []
