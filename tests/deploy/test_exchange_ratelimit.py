"""The HTTPS gateway limits the messages each platform pushes: 429 with Retry-After past the allowance,
nothing of a refused delivery is looked at, other platforms are not held up, and the client waits and
sends again."""

from __future__ import annotations

import pytest
from django.test import Client

from sharecity.exchange.client import ExchangeClient
from sharecity.hub.intake.models import QuarantinedMessage, ReceivedMessage
from tests.hub.test_gateway import Platform, listing_payload

pytestmark = pytest.mark.django_db


class InProcess(Platform):
    """The gateway test's external platform, posting through Django's test client."""

    def __init__(self, name: str) -> None:
        super().__init__("", name)
        self.client = Client(headers={"accept": "application/json", "accept-language": "en"})

    def push(self, count: int):
        """Send ``count`` new messages; the chain moves on only if the hub took the delivery."""
        sealed = self.envelopes(count, advance=False)
        response = self.client.post("/exchange/v1/batches", self.batch(sealed),
                                    content_type="application/json", HTTP_X_EXCHANGE_KEY=self.api_key)
        if response.status_code == 200:
            self.sequence, self.last_hash = sealed[-1].sequence, sealed[-1].hash
        return response


def test_a_platform_past_its_message_rate_gets_429_and_others_do_not(clock, limits):
    limits(exchange=("10/s", 10))
    first, second = InProcess("鹭岛共享停车"), InProcess("津门错峰停车")
    assert first.push(6).status_code == 200
    assert first.push(4).status_code == 200
    refused = first.push(1)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert refused.json() == {"code": "rate_limited", "message": "Too many requests: try again in 1 second.",
                              "field": None}
    # The refused delivery was not looked at: not applied, not quarantined.
    assert ReceivedMessage.objects.filter(platform_id=first.platform_id).count() == 10
    assert not QuarantinedMessage.objects.filter(platform_id=first.platform_id).exists()
    # Another platform's key has its own allowance.
    assert second.push(10).status_code == 200
    # A second later the first platform may send again: the refused message, sent again, is applied.
    clock.advance(1)
    again = first.push(1)
    assert again.status_code == 200
    assert again.json()["outcomes"]["applied"] == 1
    assert ReceivedMessage.objects.filter(platform_id=first.platform_id).count() == 11


def test_the_limit_counts_messages_not_requests(clock, limits):
    limits(exchange=("100/m", 100))
    platform = InProcess("鹭岛共享停车")
    assert platform.push(60).status_code == 200
    refused = platform.push(60)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "12"  # 20 of the 60 more come back in 12 s
    clock.advance(11)
    assert platform.push(60).status_code == 429
    assert platform.push(20).status_code == 200


def test_the_openapi_document_lists_the_429():
    document = Client().get("/exchange/v1/openapi.json").json()
    assert "429" in document["paths"]["/exchange/v1/batches"]["post"]["responses"]


@pytest.mark.django_db(transaction=True)
def test_the_client_waits_as_long_as_retry_after_says_and_sends_again(live_server, clock, limits, monkeypatch):
    limits(exchange=("5/s", 5))
    platform = Platform(live_server.url, "鹭岛共享停车")
    waits: list[float] = []

    class Time:
        @staticmethod
        def sleep(seconds: float) -> None:
            waits.append(seconds)
            clock.advance(seconds)

    monkeypatch.setattr("sharecity.exchange.client.time", Time)
    client = ExchangeClient(f"{live_server.url}/exchange/v1", platform_id=platform.platform_id,
                            private_key=platform.private_key, api_key=platform.api_key, batch_limit=5)
    result = client.send([("listing.published", listing_payload()) for _ in range(10)])
    assert result.applied == 10
    assert waits == [1.0]
    assert ReceivedMessage.objects.filter(platform_id=platform.platform_id).count() == 10


def test_a_refused_push_spends_nothing_of_the_allowance(clock, limits):
    limits(exchange=("10/s", 10))
    platform = InProcess("鹭岛共享停车")
    assert platform.push(8).status_code == 200
    assert platform.push(5).status_code == 429
    assert platform.push(2).status_code == 200
    assert platform.push(1).status_code == 429
