"""The hub's HTTPS gateway, tried as an adversary would over real HTTP, and the operators'
quarantine page. Every refusal names the rule (code) and the field; what is refused is kept
in quarantine under the platform that sent it, except a caller posing as another platform."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from sharecity.exchange import merkle
from sharecity.exchange.batches import batch_seal
from sharecity.exchange.envelope import GENESIS_HASH, envelope_seal, keypair_generate
from sharecity.exchange.receipts import receipt_verify
from sharecity.exchange.schemas import payload_build
from sharecity.hub.gateway.models import IngestKey
from sharecity.hub.gateway.services import external_platform_onboard, ingest_key_authenticate, ingest_key_revoke
from sharecity.hub.intake.models import IntakeGap, QuarantinedMessage, ReceivedMessage
from sharecity.hub.monitoring.selectors import activity_totals
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.errors import Conflict, InvalidInput
from tests.factories import credit_code, make_user

pytestmark = pytest.mark.django_db(transaction=True)


class Platform:
    """An external platform as the test drives it: keys, chain, and raw HTTP calls."""

    def __init__(self, base_url: str, name: str) -> None:
        self.private_key, self.public_key = keypair_generate()
        registered, self.api_key = external_platform_onboard(
            actor=None, name=name, credit_code=credit_code(), sectors=["parking"], public_key=self.public_key,
        )
        self.platform_id = registered.platform_id
        self.base_url = base_url
        self.sequence, self.last_hash = 0, GENESIS_HASH

    def envelopes(self, count: int = 1, *, payload: dict | None = None, advance: bool = True) -> list:
        sealed, sequence, previous = [], self.sequence, self.last_hash
        for _ in range(count):
            sequence += 1
            envelope = envelope_seal(
                private_key=self.private_key, message_id=str(uuid.uuid4()), platform_id=self.platform_id,
                type="listing.published", schema_version=1, sequence=sequence, sent_at="2025-03-03T08:00:00+00:00",
                payload=payload or listing_payload(), prev_hash=previous,
            )
            sealed.append(envelope)
            previous = envelope.hash
        if advance:
            self.sequence, self.last_hash = sequence, previous
        return sealed

    def batch(self, envelopes, *, private_key: bytes | None = None) -> bytes:
        return batch_seal(platform_id=self.platform_id, envelopes=envelopes,
                          private_key=private_key or self.private_key).to_bytes()

    def call(self, method: str, path: str, body: bytes | None = None, *, key: str | None = "own"):
        headers = {"Content-Type": "application/json"}
        if key is not None:
            headers["X-Exchange-Key"] = self.api_key if key == "own" else key
        request = urllib.request.Request(f"{self.base_url}/exchange/v1{path}", data=body, method=method,  # noqa: S310
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def post(self, body: bytes, **kwargs):
        return self.call("POST", "/batches", body, **kwargs)


def listing_payload(**overrides) -> dict:
    fields = {"listing_id": str(uuid.uuid4()), "category": "parking", "district": "350203",
              "provider_key": "pk-provider-0001", "price_fen": 600, "price_unit": "hour", "title": "夜间车位"}
    fields.update(overrides)
    return payload_build("listing.published", **fields)


@pytest.fixture
def platform(live_server) -> Platform:
    return Platform(live_server.url, "鹭岛邻里共享")


@pytest.fixture
def other(live_server) -> Platform:
    return Platform(live_server.url, "同安共享车位")


def quarantined(platform_id: str):
    return QuarantinedMessage.objects.filter(platform_id=platform_id).order_by("-id")


# --- registration ------------------------------------------------------------------------------------------


def test_registration_creates_the_platform_and_a_key_kept_only_as_a_hash(platform):
    registered = RegisteredPlatform.objects.get(platform_id=platform.platform_id)
    assert (registered.name, registered.public_key, registered.sectors) == ("鹭岛邻里共享", platform.public_key,
                                                                            ["parking"])
    key = IngestKey.objects.get(platform_id=platform.platform_id)
    assert platform.api_key not in (key.key_hash, key.prefix) and platform.api_key.startswith("sce_")
    assert ingest_key_authenticate(raw=platform.api_key) == platform.platform_id
    ingest_key_revoke(actor=None, key=key)
    assert ingest_key_authenticate(raw=platform.api_key) is None


@pytest.mark.parametrize(("changes", "field"), [
    ({"credit_code": "91350200MA2XXXXXX1"}, "credit_code"),
    ({"public_key": "not-a-key"}, "public_key"),
    ({"sectors": []}, "sectors"),
    ({"name": "  "}, "name"),
    ({"platform_id": "hub"}, "platform_id"),
])
def test_registration_names_the_field_at_fault(changes, field):
    _, public_key = keypair_generate()
    fields = {"name": "外部平台", "credit_code": credit_code(), "sectors": ["parking"], "public_key": public_key,
              "platform_id": None, **changes}
    with pytest.raises(InvalidInput) as refused:
        external_platform_onboard(actor=None, **fields)
    assert refused.value.field == field
    assert not IngestKey.objects.exists()


def test_registration_refuses_a_second_platform_with_the_same_credit_code(platform):
    existing = RegisteredPlatform.objects.get(platform_id=platform.platform_id)
    with pytest.raises(Conflict) as refused:
        external_platform_onboard(actor=None, name="又一个", credit_code=existing.credit_code, sectors=["parking"],
                                  public_key=keypair_generate()[1])
    assert refused.value.field == "credit_code"


def a_public_key_beginning_with_a_dash() -> str:
    # URL-safe base64 uses '-': about one key in 64 begins with it, and argparse would read such a
    # key given as a separate word as an option.
    for _ in range(5000):
        public_key = keypair_generate()[1]
        if public_key.startswith("-"):
            return public_key
    raise AssertionError("no key beginning with '-' in 5000 draws")


def test_the_register_command_prints_the_key_once(capsys):
    call_command("gateway_register", "--name", "命令行平台", "--credit-code", credit_code(), "--sectors",
                 "parking,homestay", f"--public-key={a_public_key_beginning_with_a_dash()}",
                 "--platform-id", "ext-cli-1")
    out = capsys.readouterr().out
    raw_key = out.split("shown once): ")[1].strip()
    assert ingest_key_authenticate(raw=raw_key) == "ext-cli-1"
    assert RegisteredPlatform.objects.get(platform_id="ext-cli-1").sectors == ["parking", "homestay"]


# --- pushing batches -----------------------------------------------------------------------------------------


def test_a_good_batch_is_applied_and_answered_with_a_verifying_receipt(platform):
    envelopes = platform.envelopes(3)
    status, body = platform.post(platform.batch(envelopes))
    assert status == 200
    assert body["outcomes"] == {"applied": 3, "duplicate": 0, "deferred": 0, "quarantined": 0}
    assert body["errors"] == [] and "missing" not in body
    assert [item["outcome"] for item in body["results"]] == ["applied"] * 3

    _, keys = platform.call("GET", "/keys", key=None)  # public: anyone checking a log needs them
    receipt = body["receipt"]
    assert receipt_verify(receipt, hub_public_key=keys["receipt_keys"][receipt["key_id"]])
    assert receipt["tree_size"] == 3
    assert keys["directive_key"]["producer_id"] == "hub" and keys["directive_key"]["public_key"]
    assert activity_totals()["listings"] == 3

    status, latest = platform.call("GET", "/receipt")
    assert (status, latest["root_hash"]) == (200, receipt["root_hash"])
    status, proof = platform.call("GET", f"/proof/{envelopes[2].message_id}")
    assert status == 200 and proof["leaf_index"] == 2
    assert merkle.verify_inclusion(bytes.fromhex(envelopes[2].hash), 2, proof["tree_size"],
                                   [bytes.fromhex(node) for node in proof["proof"]],
                                   bytes.fromhex(proof["receipt"]["root_hash"]))
    status, _ = platform.call("GET", f"/proof/{uuid.uuid4()}")
    assert status == 404
    status, _ = platform.call("GET", "/proof/not-a-uuid")
    assert status == 404


def test_a_wrong_or_missing_key_is_401_and_nothing_is_stored(platform):
    body = platform.batch(platform.envelopes(1))
    for key in ("sce_deadbeef_wrong", "sck_something_else", None):
        status, answer = platform.post(body, key=key)
        assert (status, answer["code"], answer["field"]) == (401, "not_authenticated", "X-Exchange-Key")
    status, _ = platform.call("GET", "/quarantine", key="sce_deadbeef_wrong")
    assert status == 401
    assert not QuarantinedMessage.objects.exists() and not ReceivedMessage.objects.exists()


def test_posing_as_another_platform_is_403_and_nothing_is_stored(platform, other):
    # Signed properly by the other platform, pushed with this platform's key.
    status, answer = platform.post(other.batch(other.envelopes(1)))
    assert (status, answer["code"], answer["field"]) == (403, "exchange.wrong_sender", "platform_id")
    assert not QuarantinedMessage.objects.exists() and not ReceivedMessage.objects.exists()


def test_malformed_json_is_400_kept_in_quarantine_and_visible_to_the_platform_and_the_hub(platform, other):
    status, answer = platform.post(b'{"platform_id": "x", "envelopes": [')
    assert (status, answer["code"], answer["field"]) == (400, "exchange.malformed", "envelope")
    entry = quarantined(platform.platform_id).get()
    assert bytes(entry.raw) == b'{"platform_id": "x", "envelopes": ['

    status, own = platform.call("GET", "/quarantine")
    assert status == 200 and [item["code"] for item in own] == ["exchange.malformed"]
    assert own[0]["raw"].startswith('{"platform_id"') and own[0]["resolved_at"] is None
    status, others = other.call("GET", "/quarantine")  # only one's own entries
    assert (status, others) == (200, [])

    regulator = make_user()
    regulator_profile_set(actor=None, user=regulator, department="厦门市商务局")
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(regulator)
    page = browser.get(reverse("gateway:quarantine"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "exchange.malformed" in html and "鹭岛邻里共享" in html
    dashboard = browser.get(reverse("monitoring:dashboard")).content.decode()
    assert f'href="{reverse("gateway:quarantine")}"' in dashboard


@pytest.mark.parametrize(("tamper", "code", "field"), [
    ("signature", "exchange.bad_signature", "signature"),
    ("merkle_root", "exchange.bad_merkle_root", "merkle_root"),
    ("payload", "exchange.bad_hash", "envelopes[0].hash"),
    ("sequence", "exchange.batch_sequence", "envelopes[1].sequence"),
    ("shape", "exchange.missing_field", "merkle_root"),
])
def test_a_wholly_bad_batch_is_400_with_the_rule_and_field_and_kept_in_quarantine(platform, tamper, code, field):
    envelopes = platform.envelopes(2, advance=False)
    data = json.loads(platform.batch(envelopes))
    if tamper == "signature":
        data = json.loads(platform.batch(envelopes, private_key=keypair_generate()[0]))
    elif tamper == "merkle_root":
        data["merkle_root"] = "ab" * 32
    elif tamper == "payload":
        data["envelopes"][0]["payload"]["price_fen"] = 1
    elif tamper == "sequence":
        data["envelopes"][1]["sequence"] = 5
    elif tamper == "shape":
        del data["merkle_root"]
    status, answer = platform.post(json.dumps(data).encode())
    assert (status, answer["code"], answer["field"]) == (400, code, field)
    entry = quarantined(platform.platform_id).get()
    assert (entry.code, entry.field) == (code, field)
    assert not ReceivedMessage.objects.exists()

    # Sent again as it should have been: applied, and the quarantine entry is resolved.
    status, answer = platform.post(platform.batch(envelopes))
    assert (status, answer["outcomes"]["applied"]) == (200, 2)
    entry.refresh_from_db()
    if tamper == "shape":
        # Too broken to name a message: it stays open for the hub's operators to close.
        assert (entry.message_id, entry.resolved_at) == ("", None)
    else:
        assert entry.message_id == envelopes[0].message_id and entry.resolved_at is not None


def test_an_invalid_payload_is_quarantined_per_message_then_corrected_and_resolved(platform):
    bad_payload = listing_payload()
    del bad_payload["district"]
    bad = platform.envelopes(1, payload=bad_payload, advance=False)
    status, answer = platform.post(platform.batch(bad))
    assert status == 200
    assert answer["outcomes"]["quarantined"] == 1
    assert answer["errors"] == [{"code": "exchange.invalid_payload", "message": answer["errors"][0]["message"],
                                 "field": "payload.district", "message_id": bad[0].message_id}]
    assert "missing" not in answer

    corrected = envelope_seal(private_key=platform.private_key, prev_hash=GENESIS_HASH, **{
        **{name: getattr(bad[0], name) for name in ("message_id", "platform_id", "type", "schema_version",
                                                    "sequence", "sent_at")},
        "payload": listing_payload(),
    })
    status, answer = platform.post(platform.batch([corrected]))
    assert (status, answer["outcomes"]["applied"]) == (200, 1)
    _, open_entries = platform.call("GET", "/quarantine?status=open")
    _, resolved = platform.call("GET", "/quarantine?status=resolved")
    assert open_entries == [] and [item["message_id"] for item in resolved] == [bad[0].message_id]
    assert activity_totals()["listings"] == 1


def test_a_replayed_batch_is_duplicates_applied_once(platform):
    body = platform.batch(platform.envelopes(2))
    assert platform.post(body)[1]["outcomes"]["applied"] == 2
    status, answer = platform.post(body)
    assert status == 200
    assert answer["outcomes"] == {"applied": 0, "duplicate": 2, "deferred": 0, "quarantined": 0}
    assert answer["receipt"]["tree_size"] == 2
    assert ReceivedMessage.objects.filter(platform_id=platform.platform_id).count() == 2
    assert activity_totals()["listings"] == 2


def test_a_gap_is_reported_as_missing_and_closed_when_the_range_is_resent(platform):
    envelopes = platform.envelopes(5)
    assert platform.post(platform.batch(envelopes[:2]))[1]["outcomes"]["applied"] == 2
    status, answer = platform.post(platform.batch(envelopes[3:]))  # 4 and 5; 3 never sent
    assert status == 200
    assert answer["outcomes"]["deferred"] == 2
    assert answer["missing"] == [[3, 3]]
    gap = IntakeGap.objects.get(platform_id=platform.platform_id)
    assert (gap.first_missing, gap.last_missing) == (3, 3)
    _, hub_status = platform.call("GET", "/status")
    assert (hub_status["last_sequence"], hub_status["missing"]) == (2, [[3, 3]])

    status, answer = platform.post(platform.batch(envelopes[2:]))
    assert answer["outcomes"]["applied"] == 3 and "missing" not in answer
    sequences = list(ReceivedMessage.objects.filter(platform_id=platform.platform_id).order_by("sequence")
                     .values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4, 5]
    assert activity_totals()["listings"] == 5


def test_a_broken_chain_is_quarantined_with_prev_hash(platform):
    platform.post(platform.batch(platform.envelopes(1)))
    platform.last_hash = "f" * 64
    status, answer = platform.post(platform.batch(platform.envelopes(1)))
    assert status == 200 and answer["outcomes"]["quarantined"] == 1
    assert (answer["errors"][0]["code"], answer["errors"][0]["field"]) == ("exchange.broken_chain", "prev_hash")


def test_nothing_accepted_is_lost_or_applied_twice(platform, other):
    """A mixed run: good, replayed, out of order, refused and corrected. Counted at the end."""
    sent = platform.envelopes(6)
    platform.post(platform.batch(sent[:3]))
    platform.post(platform.batch(sent[:3]))                 # replay
    platform.post(platform.batch(sent[4:]))                 # gap: 4 missing
    platform.post(b"garbage")                               # malformed
    forged = json.loads(platform.batch(sent[3:]))
    forged["signature"] = base64.urlsafe_b64encode(b"\0" * 64).decode()
    platform.post(json.dumps(forged).encode())              # bad signature
    platform.post(platform.batch(sent[3:]))                 # the missing range and what followed
    other.post(other.batch(other.envelopes(2)))

    mine = ReceivedMessage.objects.filter(platform_id=platform.platform_id)
    assert sorted(mine.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert {str(value) for value in mine.values_list("message_id", flat=True)} == {e.message_id for e in sent}
    assert ReceivedMessage.objects.count() == 8
    assert activity_totals()["listings"] == 8
    _, answer = platform.call("GET", "/status")
    assert answer["missing"] == [] and answer["last_sequence"] == 6


# --- the operators' page ---------------------------------------------------------------------------------------


def test_the_quarantine_page_is_for_regulators_and_hub_staff_only(platform):
    platform.post(b"[]")
    url = reverse("gateway:quarantine")
    browser = Client(headers={"accept-language": "en"})
    assert browser.get(url).status_code == 302  # to the login page

    browser.force_login(make_user())
    refused = browser.get(url)
    assert refused.status_code == 403

    staff = make_user()
    staff.is_staff = True
    staff.save()
    browser.force_login(staff)
    page = browser.get(url, {"status": "all", "code": "exchange.malformed"})
    assert page.status_code == 200 and "exchange.malformed" in page.content.decode()
    assert "exchange.malformed" not in browser.get(url, {"status": "resolved"}).content.decode().split("<tbody>")[1]


def test_the_quarantine_page_speaks_chinese_first(platform):
    platform.post(b"not json")
    staff = make_user()
    staff.is_staff = True
    staff.save()
    browser = Client(headers={"accept-language": "zh-hans"})
    browser.force_login(staff)
    html = browser.get(reverse("gateway:quarantine")).content.decode()
    assert "隔离" in html


def test_the_quarantine_pages_keep_their_filters_from_page_to_page():
    QuarantinedMessage.objects.bulk_create([
        QuarantinedMessage(raw=b"{}", platform_id="pager-test", code="exchange.malformed", reason="bad")
        for _ in range(55)
    ])
    # Input from a sender the hub has not registered belongs to no city: the hub's operators see it.
    operator = make_user()
    operator.is_staff = True
    operator.save()
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(operator)
    first = browser.get(reverse("gateway:quarantine"), {"platform": "pager-test", "status": "open"}).content.decode()
    assert "Page 1 of 2" in first
    assert 'href="?platform=pager-test&amp;status=open&amp;page=2"' in first
    second = browser.get(reverse("gateway:quarantine"),
                         {"platform": "pager-test", "status": "open", "page": 2}).content.decode()
    assert "Page 2 of 2" in second and 'href="?platform=pager-test&amp;status=open&amp;page=1"' in second
