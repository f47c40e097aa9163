"""The envelope: what travels on the exchange, hash-chained per platform and signed.

The hash covers the canonical JSON of every field except ``hash`` and ``signature``;
the Ed25519 signature covers the hash. ``prev_hash`` links each message to the
platform's previous one, so a removed or reordered message breaks the chain.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import operator
import re
from dataclasses import dataclass
from json.encoder import encode_basestring as _json_string  # a string as canonical JSON writes it
from typing import Any

import msgspec
import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from nacl.bindings import crypto_sign, crypto_sign_seed_keypair

from sharecity.kernel import limits
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.limits import OUTBOX_PAYLOAD_MAX_BYTES

GENESIS_HASH = "0" * 64
# A payload at the limit the outbox keeps to, and the envelope's own fields (a few hundred bytes)
# with room to spare. A larger envelope is refused whoever sent it: no transport could carry it on.
ENVELOPE_MAX_BYTES = OUTBOX_PAYLOAD_MAX_BYTES + 4_096
ENVELOPE_FIELDS = ("message_id", "platform_id", "type", "schema_version", "sequence", "sent_at", "payload", "prev_hash")


# The same settings as ``json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``,
# made once: building an encoder per call costs as much as encoding a small envelope.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_encode = _ENCODER.encode


def canonical_json(data: Any) -> bytes:
    return _encode(data).encode()


def canonical_json_float_free(data: Any) -> bytes:
    """``canonical_json`` of data decoded from JSON text that held no float (the protocol has none),
    about five times faster, with orjson.

    For every other JSON value orjson writes the same bytes (property-tested: key order by code
    point, escapes, non-ASCII, integers up to 64 bits); what it refuses (larger integers, lone
    surrogates) is encoded by ``json``. Floats are the difference (``1e16`` against ``1e+16``),
    hence the caller's promise, which the relay (payloads) and intake (batches) keep by decoding
    with ``json_loads_noting_floats``."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return canonical_json(data)


class _FloatSeen(ValueError):
    pass


def refuse_float(text: str) -> float:
    """A decoder's float hook that refuses every float (the protocol has none)."""
    raise _FloatSeen(text)


# One decoder, made once: ``json.loads`` with a keyword builds a new one per call.
_FLOAT_GUARDED = json.JSONDecoder(parse_float=refuse_float, parse_constant=refuse_float)  # NaN, Infinity are floats
# msgspec decodes about 2.5 times faster than ``json`` (intake decodes every batch, the relay every
# payload). It refuses what ``json`` refuses, and where it accepts, it gives what ``json`` gives
# (tested); whatever it refuses (a float, UTF-16, a lone surrogate, bad JSON) goes the ``json`` way,
# which keeps its own results and error messages.
_FAST_FLOAT_GUARDED = msgspec.json.Decoder(float_hook=refuse_float)


def json_loads_noting_floats(text: bytes | str) -> tuple[Any, bool]:
    """``json.loads``, and whether the text held no float (so ``canonical_json_float_free`` may
    encode what it decoded). The protocol has no floats; text with one is decoded again as usual."""
    try:
        return _FAST_FLOAT_GUARDED.decode(text), True
    except (msgspec.MsgspecError, _FloatSeen, TypeError):
        pass
    if isinstance(text, bytes | bytearray):
        text = text.decode(json.detect_encoding(text), "surrogatepass")  # as json.loads does
    if text.startswith("\ufeff"):
        return json.loads(text), True  # json.loads refuses the BOM, with its own message
    try:
        return _FLOAT_GUARDED.decode(text), True
    except _FloatSeen:
        return json.loads(text), False


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())


def keypair_generate() -> tuple[bytes, str]:
    """Return (raw private key bytes, urlsafe-base64 public key)."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    return private.private_bytes_raw(), _b64(public)


@dataclass(frozen=True, init=False)
class Envelope:
    message_id: str
    platform_id: str
    type: str
    schema_version: int
    sequence: int
    sent_at: str
    payload: dict
    prev_hash: str
    hash: str
    signature: str

    def __init__(self, message_id: str, platform_id: str, type: str, schema_version: int, sequence: int,
                 sent_at: str, payload: dict, prev_hash: str, hash: str, signature: str) -> None:
        # Set once through the instance dict: the generated frozen __init__ calls object.__setattr__
        # per field, which costs more than the rest of building one, and relay and intake build one
        # per message.
        fields = self.__dict__
        fields["message_id"] = message_id
        fields["platform_id"] = platform_id
        fields["type"] = type
        fields["schema_version"] = schema_version
        fields["sequence"] = sequence
        fields["sent_at"] = sent_at
        fields["payload"] = payload
        fields["prev_hash"] = prev_hash
        fields["hash"] = hash
        fields["signature"] = signature

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in (*ENVELOPE_FIELDS, "hash", "signature")}

    def to_bytes(self) -> bytes:
        return canonical_json(self.as_dict())


def envelope_body(fields: dict) -> str:
    """The canonical JSON text the hash covers: every envelope field but ``hash`` and ``signature``."""
    return _encode({name: fields[name] for name in ENVELOPE_FIELDS})


def envelope_hash(fields: dict) -> str:
    return hashlib.sha256(envelope_body(fields).encode()).hexdigest()


def envelope_bytes_from_body(body: bytes, *, hash: str, signature: str, type: str) -> bytes:
    """``canonical_json`` of the whole envelope, made from the canonical text of its hashed fields
    (``envelope_body``) without encoding the payload a second time.

    Sorted, the envelope's keys are ``hash``, the hashed fields up to ``sequence``, ``signature``,
    then ``type``: so the whole envelope is the body with ``"hash":…`` put first and
    ``"signature":…`` put before the body's last member, ``"type":…``. Byte-identical to
    ``canonical_json(envelope.as_dict())`` (tested)."""
    tail = f',"type":{_encode(type)}}}'.encode()
    if not body.endswith(tail):  # not the body of these fields: never silently splice
        raise ValueError("body does not end with the envelope's type")
    cut = len(body) - len(tail)
    return b"".join((b'{"hash":', _encode(hash).encode(), b",", body[1:cut], b',"signature":',
                     _encode(signature).encode(), tail))


@functools.lru_cache(maxsize=256)
def _signing_key(raw: bytes) -> bytes:
    """libsodium's 64-byte secret key of a seed: deriving it costs as much as a signature, and the
    relay signs thousands with the same one."""
    return crypto_sign_seed_keypair(raw)[1]


def ed25519_sign(private_key: bytes, data: bytes) -> bytes:
    """The 64-byte Ed25519 signature of ``data`` by the key whose 32-byte seed is ``private_key``.

    libsodium (PyNaCl's binding, without its ``SigningKey`` wrapper objects) signs in about half the
    time OpenSSL (``cryptography``) takes here, and the relay signs every envelope. Ed25519
    signatures are deterministic (RFC 8032), so both give the same bytes (tested); verification
    stays with ``cryptography``."""
    if len(private_key) != 32:
        raise ValueError("an Ed25519 private key is a 32-byte seed")
    return crypto_sign(data, _signing_key(private_key))[:64]


def envelope_seal(*, private_key: bytes, **fields: Any) -> Envelope:
    return envelope_seal_with_bytes(private_key=private_key, **fields)[0]


def envelope_seal_with_bytes(*, private_key: bytes, float_free: bool = False, **fields: Any
                             ) -> tuple[Envelope, bytes]:
    """``envelope_seal`` and the envelope's canonical bytes (``Envelope.to_bytes``), encoding it once.

    ``float_free``: the caller knows the payload holds no float (``canonical_json_float_free``)."""
    return envelope_seal_hashed({name: fields[name] for name in ENVELOPE_FIELDS}, private_key=private_key,
                                float_free=float_free)


def envelope_seal_hashed(hashed: dict, *, private_key: bytes, float_free: bool = False) -> tuple[Envelope, bytes]:
    """``envelope_seal_with_bytes`` of the hashed fields given as one dict (exactly ``ENVELOPE_FIELDS``):
    the relay's form, which builds that dict once per message and nothing else."""
    body = canonical_json_float_free(hashed) if float_free else _encode(hashed).encode()
    raw_digest = hashlib.sha256(body).digest()
    digest = raw_digest.hex()
    signature = _b64(ed25519_sign(private_key, raw_digest))
    kind = hashed["type"]
    envelope = Envelope(hashed["message_id"], hashed["platform_id"], kind, hashed["schema_version"], hashed["sequence"],
                        hashed["sent_at"], hashed["payload"], hashed["prev_hash"], digest, signature)
    return envelope, envelope_bytes_from_body(body, hash=digest, signature=signature, type=kind)


def envelope_seal_text(*, private_key: bytes, message_id: str, platform_id: str, kind: str, schema_version: int,
                       sequence: int, sent_at: str, payload_text: str, prev_hash: str) -> tuple[str, bytes]:
    """``envelope_seal_with_bytes`` for a payload given as its canonical JSON text (the outbox keeps
    it: ``kernel.services.payload_canonical_text``): the envelope's hash and canonical bytes, made
    without decoding or encoding the payload. ``kind`` is the envelope's ``type``.

    The canonical envelope's keys, sorted: ``hash``, ``message_id``, ``payload``, ``platform_id``,
    ``prev_hash``, ``schema_version``, ``sent_at``, ``sequence``, ``signature``, ``type``; the body
    that is hashed is the same without ``hash`` and ``signature``. Byte-identical to
    ``envelope_seal_with_bytes`` with the decoded payload (property-tested)."""
    if type(schema_version) is not int or type(sequence) is not int:
        raise TypeError("schema_version and sequence are integers")
    inner = (f'"message_id":{_json_string(message_id)},"payload":{payload_text},'
             f'"platform_id":{_json_string(platform_id)},"prev_hash":{_json_string(prev_hash)},'
             f'"schema_version":{schema_version},"sent_at":{_json_string(sent_at)},"sequence":{sequence}')
    type_json = _json_string(kind)
    raw_digest = hashlib.sha256(f'{{{inner},"type":{type_json}}}'.encode()).digest()
    digest = raw_digest.hex()
    signature = _b64(ed25519_sign(private_key, raw_digest))  # urlsafe base64: nothing to escape
    return digest, f'{{"hash":"{digest}",{inner},"signature":"{signature}","type":{type_json}}}'.encode()


def envelope_checked_bytes(envelope: Envelope, *, float_free: bool = False) -> bytes | None:
    """The envelope's canonical bytes if its hash matches its content, else None (one encoding
    for both the check and the bytes intake stores). ``float_free``: decoded from text without a
    float (``json_loads_noting_floats``)."""
    hashed = {"message_id": envelope.message_id, "platform_id": envelope.platform_id, "type": envelope.type,
              "schema_version": envelope.schema_version, "sequence": envelope.sequence,
              "sent_at": envelope.sent_at, "payload": envelope.payload, "prev_hash": envelope.prev_hash}
    body = canonical_json_float_free(hashed) if float_free else _encode(hashed).encode()
    if hashlib.sha256(body).hexdigest() != envelope.hash:
        return None
    return envelope_bytes_from_body(body, hash=envelope.hash, signature=envelope.signature, type=envelope.type)


def envelope_parse(raw: bytes | str | dict) -> Envelope:
    """Parse without trusting: shape only. Raises ``InvalidInput`` naming the field."""
    if isinstance(raw, dict):
        data = raw
    else:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidInput(f"not valid JSON: {error}", field="envelope", code="exchange.malformed") from error
    if not isinstance(data, dict):
        raise InvalidInput("an envelope is a JSON object", field="envelope", code="exchange.malformed")
    try:
        fast = _expected_values(data)
    except KeyError:
        pass
    else:
        # Every field present with exactly its JSON type (the usual case), checked in one comparison.
        if tuple(map(type, fast)) == _EXPECTED_TYPES:
            envelope = Envelope(*fast)
            envelope_bounds_check(envelope)
            return envelope
    values: list[Any] = []
    for name, kind in _EXPECTED:
        try:
            value = data[name]
        except KeyError:
            raise InvalidInput(f"{name} is required", field=name, code="exchange.missing_field") from None
        if type(value) is not kind and (not isinstance(value, kind) or isinstance(value, bool)):
            raise InvalidInput(f"{name} has the wrong type", field=name, code="exchange.wrong_type")
        values.append(value)
    envelope = Envelope(*values)
    envelope_bounds_check(envelope)
    return envelope


_is_uuid = re.compile(limits.UUID_PATTERN).fullmatch
_is_platform_id = re.compile(limits.PLATFORM_ID_PATTERN).fullmatch
_is_message_type = re.compile(limits.MESSAGE_TYPE_PATTERN).fullmatch
# Platform ids and types already found good: a delivery repeats a handful of each thousands of
# times. Bounded, as a sender chooses what goes in.
_GOOD_PLATFORM_IDS: set[str] = set()
_GOOD_TYPES: set[str] = set()
_GOOD_MAX = 4096


def _remember(good: set[str], value: str) -> None:
    if len(good) >= _GOOD_MAX:
        good.clear()
    good.add(value)


def _platform_id_check(platform_id: str) -> None:
    if _is_platform_id(platform_id) is None:
        raise InvalidInput(
            f"platform_id is 1 to {limits.PLATFORM_ID_MAX_LENGTH} letters, digits or ._:- starting with a letter or "
            "digit", field="platform_id", code="exchange.malformed_field")
    _remember(_GOOD_PLATFORM_IDS, platform_id)


def _type_check(kind: str) -> None:
    if len(kind) > limits.MESSAGE_TYPE_MAX_LENGTH or _is_message_type(kind) is None:
        raise InvalidInput(
            f"type is at most {limits.MESSAGE_TYPE_MAX_LENGTH} characters of dotted lower-case words "
            "(listing.published)", field="type", code="exchange.malformed_field")
    _remember(_GOOD_TYPES, kind)


def envelope_bounds_check(envelope: Envelope) -> None:
    """Raise ``InvalidInput`` naming the first field the hub could not store as it stands
    (``ReceivedMessage``: a UUID, a platform id and a type within their columns, a small-int
    schema version, a bigint sequence), so such an envelope is quarantined with the reason
    rather than failing in the database."""
    if _is_uuid(envelope.message_id) is None:
        raise InvalidInput("message_id is a UUID written in lower case with hyphens "
                           "(6f1c2a52-0b7e-4a53-9c61-2d7f0c3e9a01)", field="message_id",
                           code="exchange.malformed_field")
    if envelope.platform_id not in _GOOD_PLATFORM_IDS:
        _platform_id_check(envelope.platform_id)
    if envelope.type not in _GOOD_TYPES:
        _type_check(envelope.type)
    if not 0 < envelope.schema_version <= limits.SCHEMA_VERSION_MAX:
        raise InvalidInput(f"schema_version is from 1 to {limits.SCHEMA_VERSION_MAX:,}", field="schema_version",
                           code="exchange.out_of_range")
    if not 0 < envelope.sequence <= limits.SEQUENCE_MAX:
        raise InvalidInput(f"sequence is from 1 to {limits.SEQUENCE_MAX:,} (2^63 - 1)", field="sequence",
                           code="exchange.out_of_range")


# Every field of an envelope with its JSON type, in the order of ``Envelope``'s fields.
_EXPECTED: tuple[tuple[str, type], ...] = (
    ("message_id", str),
    ("platform_id", str),
    ("type", str),
    ("schema_version", int),
    ("sequence", int),
    ("sent_at", str),
    ("payload", dict),
    ("prev_hash", str),
    ("hash", str),
    ("signature", str),
)
_expected_values = operator.itemgetter(*(name for name, _ in _EXPECTED))
_EXPECTED_TYPES = tuple(kind for _, kind in _EXPECTED)


def envelope_verify(envelope: Envelope, *, public_key: str) -> None:
    """Check the hash and the signature; raise ``InvalidInput`` on the first fault."""
    if envelope_hash(envelope.as_dict()) != envelope.hash:
        raise InvalidInput("hash does not match the envelope's content", field="hash", code="exchange.bad_hash")
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(public_key)).verify(
            _unb64(envelope.signature), bytes.fromhex(envelope.hash)
        )
    except (InvalidSignature, ValueError) as error:
        raise InvalidInput(
            "signature does not verify with the platform's registered key",
            field="signature",
            code="exchange.bad_signature",
        ) from error
