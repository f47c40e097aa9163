"""The Python client for external platforms, against a live hub over real HTTP: it signs and
sends, verifies receipts and inclusion proofs, resends what the hub says it lacks, corrects
quarantined messages, and continues its chain after a restart. Nothing accepted is lost or
applied twice."""

from __future__ import annotations

import datetime as dt
import io
import json
import urllib.request
import uuid

import pytest

from sharecity.exchange.client import BATCH_BYTES, ExchangeClient, ExchangeClientError, HubRefused, VerificationFailed
from sharecity.exchange.envelope import keypair_generate
from sharecity.exchange.schemas import payload_build
from sharecity.hub.gateway.services import external_platform_onboard
from sharecity.hub.intake import selectors as intake_selectors
from sharecity.hub.intake.models import ReceivedMessage
from sharecity.hub.monitoring.selectors import activity_totals
from tests.factories import credit_code

pytestmark = pytest.mark.django_db(transaction=True)

DISTRICT = "350203"  # 思明区


def listing(**overrides) -> tuple[str, dict]:
    fields = {"listing_id": str(uuid.uuid4()), "category": "parking", "district": DISTRICT,
              "provider_key": "pk-provider-0001", "price_fen": 800, "price_unit": "hour", "title": "筼筜湖边夜间车位"}
    fields.update(overrides)
    return "listing.published", payload_build("listing.published", **fields)


def order(listing_id: str) -> tuple[str, dict]:
    starts = dt.datetime(2025, 3, 3, 19, 0, tzinfo=dt.UTC)
    return "order.created", payload_build(
        "order.created", order_id=str(uuid.uuid4()), listing_id=listing_id, category="parking", district=DISTRICT,
        customer_key="pk-customer-0001", provider_key="pk-provider-0001", amount_fen=1600,
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
    )


@pytest.fixture
def external():
    """An external platform registered at the hub: its signing key and its ingest key."""
    private_key, public_key = keypair_generate()
    platform, api_key = external_platform_onboard(
        actor=None, name="鹭岛邻里共享", credit_code=credit_code(), sectors=["parking"], public_key=public_key,
    )
    return platform.platform_id, private_key, api_key


@pytest.fixture
def make_client(live_server, external, tmp_path):
    platform_id, private_key, api_key = external

    def make(**kwargs) -> ExchangeClient:
        kwargs.setdefault("state_path", tmp_path / "state.json")
        kwargs.setdefault("api_key", api_key)
        return ExchangeClient(f"{live_server.url}/exchange/v1/", platform_id=platform_id, private_key=private_key,
                              **kwargs)

    return make


def accepted(platform_id: str) -> list[int]:
    return list(ReceivedMessage.objects.filter(platform_id=platform_id).order_by("sequence")
                .values_list("sequence", flat=True))


def test_send_reaches_the_dashboard_with_a_receipt_and_inclusion_proofs(make_client, external):
    client = make_client()
    published = listing()
    result = client.send([published, order(published[1]["listing_id"])])

    assert (result.applied, result.duplicate, result.deferred, result.quarantined) == (2, 0, 0, 0)
    assert result.ok and not result.errors and not result.missing
    totals = activity_totals()
    assert (totals["listings"], totals["bookings"]) == (1, 1)
    # The receipt verified with the pinned hub key and covers both messages.
    assert result.receipt["tree_size"] == 2
    assert client.hub_keys and result.receipt["key_id"] in client.hub_keys
    assert client.latest_receipt()["root_hash"] == result.receipt["root_hash"]

    for index, message_id in enumerate(result.message_ids):
        proof = client.inclusion_proof(message_id)
        assert proof["verified"] and proof["leaf_index"] == index and proof["tree_size"] == 2
        assert proof["envelope_hash"] == client.envelope(message_id=message_id).hash
    assert accepted(external[0]) == [1, 2]


def test_a_restart_continues_the_chain_and_the_log_keeps_everything(make_client, tmp_path, external):
    first = make_client()
    first.send([listing()])
    pinned = dict(first.hub_keys)

    again = make_client()  # a new process: state and log from disk
    assert (again.last_sequence, again.last_hash) == (1, first.last_hash)
    assert again.hub_keys == pinned
    result = again.send([listing(), listing()])
    assert result.applied == 2 and result.receipt["tree_size"] == 3
    assert accepted(external[0]) == [1, 2, 3]

    lines = [json.loads(line) for line in (tmp_path / "state.log.jsonl").read_text().splitlines()]
    assert [line["envelope"]["sequence"] for line in lines if line["kind"] == "envelope"] == [1, 2, 3]
    assert [line["receipt"]["tree_size"] for line in lines if line["kind"] == "receipt"] == [1, 3]


def test_a_gap_is_reported_and_filled_by_the_automatic_resend(make_client, external):
    client = make_client()
    client.send([listing(), listing()])
    skipped = client.prepare([listing()])  # sequence 3: sealed and logged, never sent
    result = client.send([listing()])      # sequence 4 arrives first

    assert skipped[0].sequence == 3
    assert result.missing == [(3, 3)]
    assert result.resent == [(3, 4)]
    assert result.outcomes == {skipped[0].message_id: "applied", result.message_ids[0]: "applied"}
    assert result.receipt["tree_size"] == 4
    assert accepted(external[0]) == [1, 2, 3, 4]
    assert intake_selectors.gaps_open(platform_id=external[0]) == []
    assert activity_totals()["listings"] == 4


def test_an_invalid_payload_is_quarantined_then_corrected_and_resolved(make_client, external):
    client = make_client()
    _, payload = listing()
    del payload["title"]
    result = client.send([("listing.published", payload), listing()])

    assert (result.applied, result.quarantined, result.deferred) == (0, 1, 1)
    error = result.errors[0]
    assert error["code"] == "exchange.invalid_payload"
    assert error["field"] == "payload.title"
    assert error["message_id"] == result.message_ids[0]
    entry = client.quarantine(status="open")[0]
    assert (entry["message_id"], entry["field"], entry["resolved_at"]) == (result.message_ids[0], "payload.title",
                                                                           None)

    corrected = client.correct(result.message_ids[0], {**payload, "title": "更正后的车位"})
    assert (corrected.applied, corrected.quarantined) == (2, 0)
    assert client.quarantine(status="open") == []
    assert client.quarantine(status="resolved")[0]["message_id"] == result.message_ids[0]
    assert accepted(external[0]) == [1, 2]
    assert activity_totals()["listings"] == 2
    # The corrected version is the one in the hub's log, and the client can prove it.
    assert client.inclusion_proof(result.message_ids[0])["verified"]
    with pytest.raises(ExchangeClientError) as refused:
        client.correct(result.message_ids[0], payload)
    assert refused.value.code == "exchange.already_accepted"


def test_a_replayed_batch_is_answered_with_duplicates_and_applied_once(make_client, external):
    client = make_client()
    client.send([listing(), listing()])
    replay = client.resend(1, 2)
    assert (replay.applied, replay.duplicate) == (0, 2)
    assert accepted(external[0]) == [1, 2]
    assert activity_totals()["listings"] == 2


class Tampering:
    """An opener that lets a test change what the hub answers, as a man in the middle would."""

    def __init__(self, change) -> None:
        import urllib.request

        self.inner = urllib.request.build_opener()
        self.change = change

    def open(self, request, data=None, timeout=30.0):
        response = self.inner.open(request, timeout=timeout)
        body = json.loads(response.read() or b"{}")
        self.change(request.full_url, body)

        class Answer(io.BytesIO):
            status = response.status

        return Answer(json.dumps(body).encode())


def test_a_message_too_large_to_carry_is_refused_before_anything_is_logged_or_sent(make_client, external):
    client = make_client()
    kind, payload = listing()
    with pytest.raises(ExchangeClientError) as refused:
        client.send([listing(), (kind, dict(payload, title="车" * 310_000))])
    assert (refused.value.code, refused.value.field) == ("exchange.too_large", "payload")
    assert "message 2" in str(refused.value)
    # Neither message of the refused call was logged or sent: the chain continues from nothing.
    assert client.last_sequence == 0 and accepted(external[0]) == []
    assert client.send([listing()]).applied == 1
    assert accepted(external[0]) == [1]


def incident(description: str) -> tuple[str, dict]:
    now = dt.datetime(2025, 3, 3, 19, 0, tzinfo=dt.UTC)
    return "safety.incident", payload_build(
        "safety.incident", incident_id=str(uuid.uuid4()), category="traffic", severity="general", district=DISTRICT,
        occurred_at=now, reported_at=now, description=description)


def test_pushes_stay_under_the_hubs_request_size_whatever_the_payloads(make_client, external):
    pushed: list[int] = []

    class Recording:
        def __init__(self) -> None:
            self.opener = urllib.request.build_opener()

        def open(self, request, timeout=None):
            if request.data:
                pushed.append(len(request.data))
            return self.opener.open(request, timeout=timeout)

    # 250 reports of 12 KB: 3 MB, over Django's 2.5 MB request limit if sent as one batch of 1,000.
    client = make_client(session=Recording(), batch_limit=1000)
    result = client.send([incident("路口两车刮蹭，无人受伤。" * 333) for _ in range(250)])
    assert result.applied == 250 and result.ok
    assert len(pushed) >= 3 and max(pushed) <= BATCH_BYTES
    assert accepted(external[0]) == list(range(1, 251))


def test_a_forged_receipt_is_refused(make_client):
    def forge(url, body):
        if url.endswith("/batches") and body.get("receipt"):
            body["receipt"]["tree_size"] += 10

    client = make_client(session=Tampering(forge))
    with pytest.raises(VerificationFailed) as refused:
        client.send([listing()])
    assert refused.value.code == "exchange.bad_receipt"


def test_a_forged_inclusion_proof_is_refused(make_client):
    client = make_client()
    result = client.send([listing(), listing(), listing()])

    def forge(url, body):
        if "/proof/" in url:
            body["proof"][0] = "00" * 32

    forged = make_client(session=Tampering(forge))
    with pytest.raises(VerificationFailed) as refused:
        forged.inclusion_proof(result.message_ids[1])
    assert refused.value.code == "exchange.bad_proof"


def test_a_wrong_ingest_key_is_refused(make_client):
    client = make_client(api_key="sce_00000000_wrong")
    with pytest.raises(HubRefused) as refused:
        client.send([listing()])
    assert (refused.value.status, refused.value.code) == (401, "not_authenticated")
