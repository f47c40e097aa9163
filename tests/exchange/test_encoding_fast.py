"""The fast paths of relay and intake give exactly the bytes of the plain definitions.

The relay encodes each envelope once and splices the hash and signature in; intake checks the
hash and makes the stored bytes from one encoding; batches are assembled from encoded
envelopes; the Merkle root is computed level by level. Each must equal, byte for byte, the
published definition (``canonical_json`` of the whole object, RFC 6962's recursive MTH), or
a signature made one way would not verify the other.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecity.exchange import merkle
from sharecity.exchange.batches import (
    batch_decode,
    batch_parse,
    batch_seal,
    batch_seal_encoded,
    batch_verify,
    is_batch,
    raw_parse_noting_floats,
)
from sharecity.exchange.envelope import (
    ENVELOPE_FIELDS,
    GENESIS_HASH,
    canonical_json,
    canonical_json_float_free,
    envelope_checked_bytes,
    envelope_parse,
    envelope_seal,
    envelope_seal_text,
    envelope_seal_with_bytes,
    json_loads_noting_floats,
    keypair_generate,
)
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.services import payload_canonical_text

PRIVATE, PUBLIC = keypair_generate()

# Strings as an adversary or an odd platform would send them: quotes, backslashes, control
# characters, non-ASCII, U+2028, and text that looks like the envelope's own keys.
awkward_text = st.one_of(
    st.text(max_size=20),
    st.sampled_from(['"type":"x"', ',"type":', '\\"', "\u2028", "厦门·鹭岛 🚗", "}", "\x00\x1f\t\n"]),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), awkward_text),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(awkward_text, children, max_size=4)),
    max_leaves=12,
)


def mid(n: int) -> str:
    """The n-th message id (a UUID, as the envelope requires)."""
    return f"00000000-0000-4000-8000-{n:012d}"


def fields(**overrides) -> dict:
    data = {"message_id": "6f1c2b9e-8a57-4c1e-9f0b-0d3c5a7e9b21", "platform_id": "p-1", "type": "order.created",
            "schema_version": 1, "sequence": 7, "sent_at": "2026-11-23T01:00:00.123456+00:00",
            "payload": {"order_id": "o-1", "amount_fen": 1600}, "prev_hash": GENESIS_HASH}
    data.update(overrides)
    return data


@settings(max_examples=150, deadline=None)
@given(payload=st.dictionaries(awkward_text, json_values, max_size=6), kind=awkward_text, platform=awkward_text,
       message_id=awkward_text)
def test_sealed_bytes_are_the_canonical_json_of_the_whole_envelope(payload, kind, platform, message_id):
    envelope, raw = envelope_seal_with_bytes(private_key=PRIVATE, **fields(
        payload=payload, type=kind, platform_id=platform, message_id=message_id))
    assert raw == canonical_json(envelope.as_dict()) == envelope.to_bytes()
    assert envelope == envelope_seal(private_key=PRIVATE, **fields(
        payload=payload, type=kind, platform_id=platform, message_id=message_id))
    assert envelope_checked_bytes(envelope) == raw


@settings(max_examples=60, deadline=None)
@given(signature=awkward_text, kind=awkward_text)
def test_intake_stores_the_canonical_bytes_even_of_an_odd_signature(signature, kind):
    # The hash check passes (content untouched) but the signature field is anything at all:
    # the stored bytes are still exactly canonical_json of what arrived.
    envelope, _ = envelope_seal_with_bytes(private_key=PRIVATE, **fields(type=kind))
    odd = dataclasses.replace(envelope, signature=signature)
    assert envelope_checked_bytes(odd) == canonical_json(odd.as_dict())


def test_a_changed_envelope_gives_no_bytes_at_all():
    envelope, _ = envelope_seal_with_bytes(private_key=PRIVATE, **fields())
    assert envelope_checked_bytes(dataclasses.replace(envelope, payload={"order_id": "o-2"})) is None
    assert envelope_checked_bytes(dataclasses.replace(envelope, type="order.state_changed")) is None


def test_batch_bytes_from_encoded_envelopes_equal_the_plain_encoding():
    sealed = [envelope_seal_with_bytes(private_key=PRIVATE, **fields(
        sequence=n, message_id=mid(n), payload={"n": n, "title": "思明区 \"A\" \\ 车位"})) for n in range(1, 6)]
    batch = batch_seal(platform_id="p-1", envelopes=[e for e, _ in sealed], private_key=PRIVATE)
    fast = batch.to_bytes([raw for _, raw in sealed])
    assert fast == batch.to_bytes() == canonical_json(batch.as_dict())
    parsed = batch_parse(json.loads(fast))
    assert batch_verify(parsed, public_key=PUBLIC) == [raw for _, raw in sealed]
    with pytest.raises(ValueError, match="one encoded envelope"):
        batch.to_bytes([sealed[0][1]])


def test_a_tampered_envelope_in_a_batch_is_refused_by_hash_before_any_bytes_are_kept():
    sealed = [envelope_seal(private_key=PRIVATE, **fields(sequence=n, message_id=mid(n))) for n in (1, 2)]
    data = json.loads(batch_seal(platform_id="p-1", envelopes=sealed, private_key=PRIVATE).to_bytes())
    data["envelopes"][1]["payload"]["amount_fen"] = 1
    with pytest.raises(InvalidInput) as refused:
        batch_verify(batch_parse(data), public_key=PUBLIC)
    assert refused.value.field == "envelopes[1].hash"


def test_the_parser_still_names_the_field_and_refuses_booleans_for_numbers():
    good = json.loads(envelope_seal(private_key=PRIVATE, **fields()).to_bytes())
    for name, value, code in (("sequence", True, "exchange.wrong_type"), ("payload", [], "exchange.wrong_type"),
                              ("schema_version", 1.0, "exchange.wrong_type")):
        with pytest.raises(InvalidInput) as refused:
            envelope_parse({**good, name: value})
        assert (refused.value.field, refused.value.code) == (name, code)
    missing = dict(good)
    del missing["signature"]
    with pytest.raises(InvalidInput) as refused:
        envelope_parse(missing)
    assert (refused.value.field, refused.value.code) == ("signature", "exchange.missing_field")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.binary(max_size=40), min_size=1, max_size=140))
def test_the_level_by_level_root_is_rfc_6962s_recursive_root(leaves):
    assert merkle.root(leaves) == merkle._root_of_hashes([merkle.leaf_hash(leaf) for leaf in leaves])


# Everything JSON text without a float decodes to: orjson must write what ``json`` writes.
float_free_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
              awkward_text, st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=2)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(awkward_text, children, max_size=4)),
    max_leaves=16,
)


def outcome(encode, *args, **kwargs):
    """What an encoder gives: its result, or the kind of error (a lone surrogate is not UTF-8)."""
    try:
        return encode(*args, **kwargs)
    except UnicodeEncodeError:
        return UnicodeEncodeError


@settings(max_examples=400, deadline=None)
@given(value=float_free_values)
def test_the_float_free_encoder_writes_canonical_json(value):
    assert outcome(canonical_json_float_free, value) == outcome(canonical_json, value)


@settings(max_examples=150, deadline=None)
@given(payload=st.dictionaries(awkward_text, float_free_values, max_size=6))
def test_sealing_with_the_float_free_encoder_gives_the_same_envelope(payload):
    plain = outcome(envelope_seal_with_bytes, private_key=PRIVATE, **fields(payload=payload))
    fast = outcome(envelope_seal_with_bytes, private_key=PRIVATE, float_free=True, **fields(payload=payload))
    assert fast == plain


def batch_of(payloads: list[dict]):
    """(envelopes, the batch's bytes) of these payloads from sequence 1, or None if one of them
    cannot be sent at all (a lone surrogate has no UTF-8 form)."""
    sealed = []
    for n, payload in enumerate(payloads, 1):
        try:
            sealed.append(envelope_seal(private_key=PRIVATE, **fields(sequence=n, message_id=mid(n),
                                                                        payload=payload)))
        except UnicodeEncodeError:
            return None
    return sealed, batch_seal(platform_id="p-1", envelopes=sealed, private_key=PRIVATE).to_bytes()


@settings(max_examples=150, deadline=None)
@given(payloads=st.lists(st.dictionaries(awkward_text, float_free_values, max_size=5), min_size=1, max_size=4))
def test_intake_checks_a_float_free_batch_as_the_reference_does(payloads):
    made = batch_of(payloads)
    if made is None:
        return
    sealed, raw = made
    # The one-pass decoder gives the batch the plain way gives.
    batch, _, _ = batch_decode(raw)
    assert batch is not None and batch.float_free
    same_outcome(raw)
    data, float_free = raw_parse_noting_floats(raw)
    assert float_free
    fast = batch_verify(batch_parse(data, float_free=True), public_key=PUBLIC)
    assert fast == batch_verify(batch_parse(json.loads(raw)), public_key=PUBLIC)
    assert fast == [envelope.to_bytes() for envelope in sealed]


def test_a_batch_with_a_float_is_checked_by_the_reference_encoder():
    # The protocol has no floats; one that arrives all the same must be judged exactly as the
    # reference would: hashed over Python's form (1e-07), so an honest sender's hash matches...
    honest = envelope_seal(private_key=PRIVATE, **fields(payload={"order_id": "o-1", "ratio": 1e-07}))
    raw = batch_seal(platform_id="p-1", envelopes=[honest], private_key=PRIVATE).to_bytes()
    data, float_free = raw_parse_noting_floats(raw)
    assert not float_free
    assert batch_verify(batch_parse(data, float_free=float_free), public_key=PUBLIC) == [honest.to_bytes()]
    # ...and a hash made over orjson's form of the same value (1e-7) does not.
    body = canonical_json_float_free({name: honest.as_dict()[name] for name in ENVELOPE_FIELDS})
    assert b"1e-7" in body
    forged = dataclasses.replace(honest, hash=hashlib.sha256(body).hexdigest())
    raw = batch_seal(platform_id="p-1", envelopes=[forged], private_key=PRIVATE).to_bytes()
    data, float_free = raw_parse_noting_floats(raw)
    with pytest.raises(InvalidInput) as refused:
        batch_verify(batch_parse(data, float_free=float_free), public_key=PUBLIC)
    assert refused.value.code == "exchange.bad_hash"


@settings(max_examples=200, deadline=None)
@given(value=float_free_values, encoding=st.sampled_from(["utf-8", "utf-16", "utf-32", "utf-8-sig"]))
def test_decoding_with_the_float_guard_is_json_loads(value, encoding):
    try:
        text = json.dumps(value, ensure_ascii=False)
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        return
    assert json_loads_noting_floats(raw) == (json.loads(raw), True)
    assert json_loads_noting_floats(text) == (json.loads(text), True)


def test_decoding_with_the_float_guard_fails_as_json_loads_does():
    for bad in (b'{"a": 1,}', "\ufeff{}", b"\xff\xfe\xfd", b'{"a": "x'):
        with pytest.raises((ValueError, UnicodeDecodeError)) as ours:
            json_loads_noting_floats(bad)
        with pytest.raises((ValueError, UnicodeDecodeError)) as reference:
            json.loads(bad)
        assert type(ours.value) is type(reference.value) and str(ours.value) == str(reference.value)
    assert json_loads_noting_floats(b'{"a": 1.5, "b": [2]}') == ({"a": 1.5, "b": [2]}, False)


@settings(max_examples=200, deadline=None)
@given(value=float_free_values, ascii_only=st.booleans(), indent=st.sampled_from([None, 0, 2, "\t"]))
def test_the_fast_decoder_gives_what_json_loads_gives_however_the_text_is_written(value, ascii_only, indent):
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    assert json_loads_noting_floats(text.encode("utf-8", "surrogatepass")) == (json.loads(text), True)


@pytest.mark.parametrize("text", [
    b'{"a": 1, "a": 2}',  # the last of a repeated key, as json.loads
    b'{"\\u0061": 1, "a": 2}',
    b"[123456789012345678901234567890, -0]",  # beyond 64 bits, and minus zero
    b'["\\ud800", "\\ud834\\udd1e"]',  # a lone surrogate and a pair
    b'["\\u00e9\\/\\b\\f\\n\\r\\t"]',
    b' \t\r\n[1]\r\n',
    b"[1e400, NaN, -Infinity]",  # floats by any name
    b"[NaN]",
    b'["\x7f"]',
])
def test_the_fast_decoder_agrees_with_json_loads_on_edge_cases(text):
    value, float_free = json_loads_noting_floats(text)
    reference = json.loads(text)
    assert repr(value) == repr(reference)
    assert float_free == (b"e400" not in text and b"NaN" not in text)


@pytest.mark.parametrize("text", [b'["a\x01b"]', b"[1] x", b"[01]", b"[1,]", b'{"a" 1}', b"[-]", b'"\\x"'])
def test_the_fast_decoder_refuses_what_json_loads_refuses_with_its_message(text):
    with pytest.raises(ValueError) as ours:
        json_loads_noting_floats(text)
    with pytest.raises(ValueError) as reference:
        json.loads(text)
    assert str(ours.value) == str(reference.value)


def plain_decode(raw):
    """What intake did before ``batch_decode``: decode, then check the batch's shape in Python."""
    data, float_free = raw_parse_noting_floats(raw)
    return (batch_parse(data, float_free=float_free), None, float_free) if is_batch(data) else (None, data, float_free)


def same_outcome(raw) -> None:
    def run(decode):
        try:
            batch, data, float_free = decode(raw)
        except InvalidInput as error:
            return ("refused", error.code, error.field, error.message)
        except ValueError as error:
            return ("not json", str(error))
        return ("batch", batch, batch.float_free if batch else None, data, float_free)

    assert run(batch_decode) == run(plain_decode)



def test_the_one_pass_batch_decoder_refuses_as_the_plain_way_does():
    sealed = [envelope_seal(private_key=PRIVATE, **fields(sequence=n, message_id=mid(n))) for n in (1, 2)]
    good = json.loads(batch_seal(platform_id="p-1", envelopes=sealed, private_key=PRIVATE).to_bytes())

    def variant(change) -> bytes:
        data = json.loads(json.dumps(good))
        change(data)
        return json.dumps(data).encode()

    first = lambda data: data["envelopes"][0]  # noqa: E731
    for change in (
        lambda data: first(data).update(sequence="1"),
        lambda data: first(data).update(sequence=True),
        lambda data: first(data).update(sequence=1.0),
        lambda data: first(data).update(sequence=2**70),
        lambda data: first(data).pop("prev_hash"),
        lambda data: first(data).update(extra="ignored as before"),
        lambda data: first(data).update(payload=["not", "an", "object"]),
        lambda data: first(data)["payload"].update(amount_fen=16.5),
        lambda data: data.update(envelopes=[]),
        lambda data: data.update(envelopes={"0": first(data)}),
        lambda data: data.update(last_sequence=False),
        lambda data: data.pop("merkle_root"),
        lambda data: data.pop("envelopes"),
        lambda data: data["envelopes"].append("not an envelope"),
    ):
        same_outcome(variant(change))
    for raw in (b"[1, 2]", b"not json", b'{"envelopes": [', "\ufeff{}".encode(), b"\xff\xfe\xfd"):
        same_outcome(raw)
    # A repeated key: the last one counts, both ways.
    repeated = json.dumps(good).replace('"sequence": 1,', '"sequence": 7, "sequence": 1,', 1)
    assert repeated.count('"sequence": 7') == 1
    same_outcome(repeated.replace('"platform_id": "p-1"', '"platform_id": "p-0", "platform_id": "p-1"', 1).encode())


@settings(max_examples=150, deadline=None)
@given(payload=st.dictionaries(awkward_text, float_free_values, max_size=6), kind=awkward_text,
       platform=awkward_text, sent_at=awkward_text)
def test_a_payload_kept_as_canonical_text_is_sealed_to_the_same_bytes(payload, kind, platform, sent_at):
    text = payload_canonical_text(payload)
    try:
        reference = canonical_json(payload).decode()
    except UnicodeEncodeError:  # a lone surrogate: no canonical text is kept, the relay encodes it
        assert text == ""
        return
    # Integers beyond 64 bits are kept as JSON but not as canonical text (orjson refuses them).
    assert text == ("" if _beyond_64_bits(payload) else reference)
    if not text:
        return
    try:
        expected, expected_bytes = envelope_seal_with_bytes(private_key=PRIVATE, **fields(
            type=kind, platform_id=platform, sent_at=sent_at, payload=payload))
    except UnicodeEncodeError:
        return
    digest, raw = envelope_seal_text(private_key=PRIVATE, message_id=fields()["message_id"], platform_id=platform,
                                     kind=kind, schema_version=1, sequence=7, sent_at=sent_at, payload_text=text,
                                     prev_hash=GENESIS_HASH)
    assert (digest, raw) == (expected.hash, expected_bytes)
    assert raw == expected.to_bytes()


def _beyond_64_bits(value) -> bool:
    if isinstance(value, dict):
        return any(_beyond_64_bits(item) for item in value.values())
    if isinstance(value, list):
        return any(_beyond_64_bits(item) for item in value)
    return type(value) is int and not -(2**63) <= value < 2**64


def test_no_canonical_text_is_kept_for_what_the_protocol_does_not_hold():
    import datetime as dt

    for payload in ({"a": 0.5}, {"a": [1, 2.0]}, {"a": 2**64}, {"a": -(2**63) - 1}, {1: "int key"},
                    {"a": dt.date(2026, 12, 6)}, {"a": ("tuple",)}, {"a": "\ud800"}):
        assert payload_canonical_text(payload) == "", payload
    assert payload_canonical_text({"b": [True, None, -(2**63), 2**64 - 1], "a": {"é": "厦门"}}) == (
        '{"a":{"é":"厦门"},"b":[true,null,-9223372036854775808,18446744073709551615]}')


def test_a_batch_sealed_from_hashes_and_bytes_is_the_batch_sealed_from_envelopes():
    sealed = [envelope_seal_with_bytes(private_key=PRIVATE, **fields(sequence=n, message_id=mid(n)))
              for n in range(4, 9)]
    envelopes = [envelope for envelope, _ in sealed]
    encoded = [raw for _, raw in sealed]
    reference = batch_seal(platform_id="p-1", envelopes=envelopes, private_key=PRIVATE)
    batch = batch_seal_encoded(platform_id="p-1", first_sequence=4, hashes=[e.hash for e in envelopes],
                               encoded=encoded, private_key=PRIVATE)
    assert batch.data == reference.to_bytes() == reference.to_bytes(encoded)
    assert (batch.batch_id, batch.first_sequence, batch.last_sequence, batch.merkle_root, batch.signature) == (
        reference.batch_id, 4, 8, reference.merkle_root, reference.signature)
    with pytest.raises(ValueError):
        batch_seal_encoded(platform_id="p-1", first_sequence=1, hashes=[], encoded=[], private_key=PRIVATE)
