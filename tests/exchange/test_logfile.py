"""The exported exchange log: a good log verifies, every kind of tampering is caught and named
by line and rule, and the inclusion proof of a message checks against the hub's receipt."""

from __future__ import annotations

import base64
import copy
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sharecity.exchange import merkle
from sharecity.exchange.batches import batch_seal
from sharecity.exchange.envelope import GENESIS_HASH, envelope_hash, envelope_seal, keypair_generate
from sharecity.exchange.logfile import (
    LogUnreadable,
    batch_record_of,
    envelope_record,
    log_dumps,
    log_header,
    log_verify,
    log_verify_file,
    log_write,
    receipt_record,
)
from sharecity.exchange.receipts import receipt_body

PLATFORM = "p-1"
PLATFORM_KEY = keypair_generate()
HUB_KEY = keypair_generate()
HUB_KEY_ID = "hubkey0000000001"


def message_id(sequence: int) -> str:
    return f"00000000-0000-0000-0000-{sequence:012d}"


def seal_chain(count: int, *, private_key: bytes = PLATFORM_KEY[0], skip: frozenset[int] = frozenset()):
    """``count`` chained envelopes; ``skip`` leaves out original messages (a platform rewriting history)."""
    envelopes, prev, sequence = [], GENESIS_HASH, 0
    for original in range(1, count + 1):
        if original in skip:
            continue
        sequence += 1
        envelope = envelope_seal(
            private_key=private_key, message_id=message_id(original), platform_id=PLATFORM, type="listing.published",
            schema_version=1, sequence=sequence, sent_at="2026-11-23T01:00:00+00:00",
            payload={"n": original, "title": "测试车位"}, prev_hash=prev,
        )
        envelopes.append(envelope)
        prev = envelope.hash
    return envelopes


def sign_receipt(hashes: list[str], *, key=HUB_KEY, key_id: str = HUB_KEY_ID, issued_at: str) -> dict:
    """What hub.intake.services.receipt_issue signs."""
    body = {"platform_id": PLATFORM, "tree_size": len(hashes),
            "root_hash": merkle.root([bytes.fromhex(h) for h in hashes]).hex(), "issued_at": issued_at}
    signature = Ed25519PrivateKey.from_private_bytes(key[0]).sign(receipt_body(body))
    return {**body, "key_id": key_id, "signature": base64.urlsafe_b64encode(signature).decode()}


def receipts_for(envelopes, sizes=(3, 4, 7)) -> list[dict]:
    hashes = [envelope.hash for envelope in envelopes]
    return [sign_receipt(hashes[:size], issued_at=f"2026-11-23T02:0{n}:00+00:00") for n, size in enumerate(sizes)]


def header(**changes) -> dict:
    return {**log_header(platform_id=PLATFORM, platform_public_key=PLATFORM_KEY[1], hub_keys={HUB_KEY_ID: HUB_KEY[1]},
                         exported_at="2026-11-23T03:00:00+00:00"), **changes}


def records_of(envelopes) -> list[dict]:
    """Seven envelopes as delivered: a batch of 1-3, message 4 on its own, a batch of 5-7."""
    private = PLATFORM_KEY[0]
    return [
        batch_record_of(batch_seal(platform_id=PLATFORM, envelopes=envelopes[:3], private_key=private)),
        envelope_record(envelopes[3].as_dict()),
        batch_record_of(batch_seal(platform_id=PLATFORM, envelopes=envelopes[4:], private_key=private)),
    ]


def good_log() -> list[dict]:
    """Line 1 header; 2 batch 1-3; 3 message 4; 4 batch 5-7; 5-7 receipts of sizes 3, 4, 7."""
    envelopes = seal_chain(7)
    return [header(), *records_of(envelopes), *(receipt_record(r) for r in receipts_for(envelopes))]


def lines(records: list[dict]) -> list[str]:
    return [log_dumps(record) + "\n" for record in records]


def verify(records: list[dict], **options):
    return log_verify(lines(records), **options)


def found(report) -> set[tuple[int, int | None, str]]:
    return {(problem.line, problem.sequence, problem.rule) for problem in report.problems}


def test_a_good_log_verifies_and_round_trips_through_a_file(tmp_path):
    records = good_log()
    path = tmp_path / "log.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        assert log_write(handle, header=records[0], records=records[1:]) == 6
    report = log_verify_file(path)
    assert report.ok, report.describe()
    assert (report.envelopes, report.batches, report.single_envelopes, report.receipts) == (7, 2, 1, 3)
    assert report.acknowledged == 7
    assert "OK" in report.describe()
    assert report.as_dict()["ok"] is True
    assert "测试车位" in path.read_text(encoding="utf-8")  # UTF-8, readable, one JSON object a line
    assert all(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())


def test_a_changed_payload_breaks_its_hash_the_batch_root_and_the_receipt():
    records = good_log()
    records[3]["envelopes"][1]["payload"]["n"] = 99  # sequence 6
    report = verify(records)
    assert found(report) == {(4, 6, "envelope_hash"), (4, 5, "batch_root"), (7, None, "receipt_root")}
    assert report.exit_code == 1
    assert "line 4, sequence 6: [envelope_hash]" in report.describe()


def test_an_envelope_removed_from_the_middle_is_a_gap_a_broken_chain_and_a_short_log():
    records = good_log()
    del records[1]["envelopes"][1]  # sequence 2
    report = verify(records)
    assert {(2, 3, "sequence"), (2, 3, "chain"), (2, 1, "batch_range"), (5, None, "receipt_root"),
            (7, None, "receipt_size")} <= found(report)
    assert "sequences 2-2 are missing" in str(report.problems[0])


def test_reordered_envelopes_are_caught():
    records = good_log()
    batch = records[3]["envelopes"]
    batch[0], batch[1] = batch[1], batch[0]  # 6 before 5
    report = verify(records)
    assert {(4, 6, "sequence"), (4, 6, "chain"), (4, 5, "sequence"), (4, 5, "batch_range"), (4, 5, "batch_root"),
            (7, None, "receipt_root")} <= found(report)

    records = good_log()
    records[2], records[3] = records[3], records[2]  # the batch 5-7 before message 4
    assert {(3, 5, "sequence"), (4, 4, "sequence"), (4, 4, "chain")} <= found(verify(records))


def test_a_forged_envelope_signature_is_caught():
    records = good_log()
    forger = Ed25519PrivateKey.from_private_bytes(keypair_generate()[0])
    envelope = records[2]["envelope"]
    envelope["signature"] = base64.urlsafe_b64encode(forger.sign(bytes.fromhex(envelope["hash"]))).decode()
    assert found(verify(records)) == {(3, 4, "envelope_signature")}

    # The whole log signed by another key than the platform's registered one.
    report = verify(good_log(), platform_public_key=keypair_generate()[1])
    assert {"header", "envelope_signature", "batch_signature"} == report.rules()


def test_a_changed_batch_root_is_caught():
    records = good_log()
    records[1]["merkle_root"] = "ab" * 32
    assert found(verify(records)) == {(2, 1, "batch_root"), (2, 1, "batch_signature")}


def test_a_platform_that_rewrites_its_history_is_caught_by_the_hubs_receipts():
    """The platform drops message 2 and re-signs everything after it with its own key: every
    chain, envelope and batch check passes, but the hub's signed roots no longer match."""
    original = seal_chain(7)
    rewritten = seal_chain(7, skip=frozenset({2}))
    private = PLATFORM_KEY[0]
    records = [
        header(),
        batch_record_of(batch_seal(platform_id=PLATFORM, envelopes=rewritten[:3], private_key=private)),
        batch_record_of(batch_seal(platform_id=PLATFORM, envelopes=rewritten[3:], private_key=private)),
        *(receipt_record(r) for r in receipts_for(original)),
    ]
    report = verify(records)
    assert found(report) == {(4, None, "receipt_root"), (5, None, "receipt_root"), (6, None, "receipt_size")}
    assert "acknowledged messages are missing" in report.describe()


def test_a_receipt_signed_by_an_unknown_key_or_forged_is_caught():
    envelopes = seal_chain(7)
    rogue = keypair_generate()
    hashes = [envelope.hash for envelope in envelopes]
    records = [header(), *records_of(envelopes),
               receipt_record(sign_receipt(hashes, key=rogue, key_id="rogue", issued_at="2026-11-23T02:00:00+00:00"))]
    assert found(verify(records)) == {(5, None, "receipt_key")}

    records[-1]["key_id"] = HUB_KEY_ID  # the hub's key id, but not its signature
    assert found(verify(records)) == {(5, None, "receipt_signature")}

    # Someone adds their own key to the header: a verifier that pins the hub's keys is not fooled.
    records = [header(hub_keys={HUB_KEY_ID: HUB_KEY[1], "rogue": rogue[1]}), *records_of(envelopes),
               receipt_record(sign_receipt(hashes, key=rogue, key_id="rogue", issued_at="2026-11-23T02:00:00+00:00"))]
    assert verify(records).ok
    assert found(verify(records, hub_keys={HUB_KEY_ID: HUB_KEY[1]})) == {(5, None, "receipt_key")}


def test_receipts_must_not_go_backwards_and_come_after_the_envelopes():
    records = good_log()
    records[5], records[6] = records[6], records[5]  # sizes 3, 7, 4
    assert found(verify(records)) == {(7, None, "receipt_order")}

    records = good_log()
    records.append(records.pop(3))  # the batch 5-7 after the receipts
    report = verify(records)
    assert {(7, None, "layout")} <= {(p.line, None, p.rule) for p in report.problems}
    assert (6, None, "receipt_size") in found(report)


def test_a_batch_that_entered_the_log_in_two_deliveries_verifies_from_the_log():
    """The relay sent 1-3, crashed before recording it, then sent 1-5: the hub kept 1-3 from the
    first batch and 4-5 from the second, whose root covers 1-5."""
    envelopes = seal_chain(5)
    private = PLATFORM_KEY[0]
    first = batch_record_of(batch_seal(platform_id=PLATFORM, envelopes=envelopes[:3], private_key=private))
    second = batch_record_of(batch_seal(platform_id=PLATFORM, envelopes=envelopes, private_key=private))
    second["envelopes"] = second["envelopes"][3:]
    receipt = sign_receipt([e.hash for e in envelopes], issued_at="2026-11-23T02:00:00+00:00")
    report = verify([header(), first, second, receipt_record(receipt)])
    assert report.ok, report.describe()

    second["envelopes"][0]["payload"]["n"] = 40
    assert (3, 1, "batch_root") in found(verify([header(), first, second, receipt_record(receipt)]))


def test_the_inclusion_proof_verifies_and_fails_for_a_changed_message():
    records = good_log()
    report = verify(records, message_id=message_id(5))
    assert report.ok, report.describe()
    proof = report.proof
    assert (proof.sequence, proof.leaf_index, proof.tree_size, proof.line, proof.receipt_line) == (5, 4, 7, 4, 7)
    assert proof.root_hash == records[-1]["root_hash"] and proof.verified
    path = [bytes.fromhex(node) for node in proof.audit_path]
    root = bytes.fromhex(proof.root_hash)
    envelope = copy.deepcopy(records[3]["envelopes"][0])
    assert merkle.verify_inclusion(bytes.fromhex(envelope_hash(envelope)), 4, 7, path, root)
    envelope["payload"]["n"] = 50
    assert not merkle.verify_inclusion(bytes.fromhex(envelope_hash(envelope)), 4, 7, path, root)
    text = report.describe()
    assert "leaf index  4" in text and "verifies    yes" in text and proof.audit_path[0] in text
    assert report.as_dict()["proof"]["audit_path"] == proof.audit_path

    # The message changed in the log itself: its proof no longer verifies.
    records[3]["envelopes"][0]["payload"]["n"] = 50
    report = verify(records, message_id=message_id(5))
    assert report.proof is not None and not report.proof.verified
    assert {(4, 5, "envelope_hash"), (7, None, "receipt_root"), (4, 5, "proof")} <= found(report)
    assert "verifies    NO" in report.describe()


def test_the_proof_names_what_is_missing():
    report = verify(good_log(), message_id="no-such-message")
    assert found(report) == {(0, None, "proof")}
    records = good_log()[:-1]  # the last receipt (size 7) is gone: message 5 is not acknowledged
    report = verify(records, message_id=message_id(5))
    assert found(report) == {(4, 5, "proof")} and report.proof is None
    assert "3 envelope(s) at the end are not yet covered" in report.describe()


def test_an_unreadable_file_is_not_a_log(tmp_path):
    with pytest.raises(LogUnreadable):
        log_verify([])
    with pytest.raises(LogUnreadable):
        log_verify(["not json\n"])
    with pytest.raises(LogUnreadable):
        log_verify([log_dumps({"format": "something-else"})])
    with pytest.raises(LogUnreadable, match="version 2"):
        log_verify([log_dumps(header(version=2))])
    with pytest.raises(LogUnreadable, match="cannot open"):
        log_verify_file(tmp_path / "missing.jsonl")


def test_broken_lines_are_named_and_the_rest_still_checked():
    raw = [line.encode() for line in lines(good_log())]
    raw.insert(2, b"\xff\xfe not utf-8\n")
    raw.insert(3, b"{not json\n")
    raw.insert(4, b'{"kind": "mystery"}\n')
    raw.insert(5, b'{"kind": "receipt", "platform_id": "p-1"}\n')
    report = log_verify(raw)
    assert {(3, None, "malformed"), (4, None, "malformed"), (5, None, "malformed"),
            (6, None, "malformed")} <= found(report)
    # The receipt out of place also ends the envelope section.
    assert "layout" in report.rules()

    records = good_log()
    records[0]["platform_public_key"] = "not a key"
    assert "header" in verify(records).rules()
    records = good_log()
    del records[1]["envelopes"][0]["prev_hash"]
    assert (2, None, "malformed") in found(verify(records))


def test_write_streams_records_one_per_line():
    out = io.StringIO()
    records = good_log()
    log_write(out, header=records[0], records=iter(records[1:]))
    written = out.getvalue().splitlines()
    assert len(written) == 7 and json.loads(written[0])["format"] == "sharecity-exchange-log"
    assert log_verify(written).ok
