"""Batches: the unit every transport carries.

A batch holds consecutive envelopes of one platform and a Merkle root (RFC 6962) over
their hashes, signed by the platform. Verifying the one batch signature proves every
envelope in it (each envelope's hash is a leaf), so intake need not verify each
envelope's own signature; those stay on every envelope so a single message can be
proved later on its own.
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass, field

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sharecity.exchange import merkle
from sharecity.exchange.envelope import (
    Envelope,
    canonical_json,
    ed25519_sign,
    envelope_bounds_check,
    envelope_checked_bytes,
    envelope_parse,
    json_loads_noting_floats,
    refuse_float,
)
from sharecity.kernel import limits
from sharecity.kernel.errors import InvalidInput

BATCH_NAMESPACE = uuid.UUID("6c1f7a52-4a36-4f0e-9a51-5f3c8f0b2d11")


@dataclass(frozen=True)
class Batch:
    platform_id: str
    first_sequence: int
    last_sequence: int
    envelopes: tuple[Envelope, ...]
    merkle_root: str
    signature: str
    # Decoded from text without a float: its envelopes' hashes may be checked with orjson.
    float_free: bool = field(default=False, compare=False)

    @property
    def batch_id(self) -> str:
        """Deterministic, so a batch resent after a crash deduplicates on the transport."""
        return batch_id_of(self.platform_id, self.first_sequence, self.last_sequence)

    def as_dict(self) -> dict:
        return {
            "platform_id": self.platform_id,
            "first_sequence": self.first_sequence,
            "last_sequence": self.last_sequence,
            "envelopes": [envelope.as_dict() for envelope in self.envelopes],
            "merkle_root": self.merkle_root,
            "signature": self.signature,
        }

    def to_bytes(self, envelope_bytes: list[bytes] | None = None) -> bytes:
        """``canonical_json(self.as_dict())``; given the envelopes' canonical bytes (as sealing or
        verifying made them), those are put in place instead of encoding every envelope again."""
        if envelope_bytes is None:
            return canonical_json(self.as_dict())
        if len(envelope_bytes) != len(self.envelopes):
            raise ValueError("one encoded envelope per envelope")
        return _batch_bytes(self.platform_id, self.first_sequence, self.last_sequence, self.merkle_root,
                            self.signature, envelope_bytes)


def batch_id_of(platform_id: str, first_sequence: int, last_sequence: int) -> str:
    return str(uuid.uuid5(BATCH_NAMESPACE, f"{platform_id}:{first_sequence}:{last_sequence}"))


def _batch_bytes(platform_id: str, first_sequence: int, last_sequence: int, merkle_root: str, signature: str,
                 envelope_bytes: list[bytes]) -> bytes:
    # Sorted, "envelopes" is the batch's first key: the rest follows the list.
    rest = canonical_json({
        "platform_id": platform_id,
        "first_sequence": first_sequence,
        "last_sequence": last_sequence,
        "merkle_root": merkle_root,
        "signature": signature,
    })
    return b'{"envelopes":[' + b",".join(envelope_bytes) + b"]," + rest[1:]


@dataclass(frozen=True)
class SealedBatch:
    """A batch as its sender hands it over: made from its envelopes' hashes and canonical bytes
    (``batch_seal_encoded``), without envelope objects."""

    platform_id: str
    first_sequence: int
    last_sequence: int
    merkle_root: str
    signature: str
    data: bytes

    @property
    def batch_id(self) -> str:
        return batch_id_of(self.platform_id, self.first_sequence, self.last_sequence)


def batch_seal_encoded(*, platform_id: str, first_sequence: int, hashes: list[str], encoded: list[bytes],
                       private_key: bytes) -> SealedBatch:
    """``batch_seal(...).to_bytes(encoded)`` from the envelopes' hashes and canonical bytes, which
    run from ``first_sequence`` without a hole (the relay's form; byte-identical, tested)."""
    if not hashes or len(hashes) != len(encoded):
        raise ValueError("a batch holds at least one envelope, with one hash and one encoding each")
    root = merkle.root([bytes.fromhex(digest) for digest in hashes])
    signature = base64.urlsafe_b64encode(ed25519_sign(private_key, root)).decode()
    last_sequence = first_sequence + len(hashes) - 1
    return SealedBatch(platform_id, first_sequence, last_sequence, root.hex(), signature,
                       _batch_bytes(platform_id, first_sequence, last_sequence, root.hex(), signature, encoded))


def batch_root(envelopes: tuple[Envelope, ...] | list[Envelope]) -> str:
    return merkle.root([bytes.fromhex(envelope.hash) for envelope in envelopes]).hex()


def batch_seal(*, platform_id: str, envelopes: list[Envelope], private_key: bytes) -> Batch:
    if not envelopes:
        raise ValueError("a batch holds at least one envelope")
    root_hex = batch_root(envelopes)
    signature = ed25519_sign(private_key, bytes.fromhex(root_hex))
    return Batch(
        platform_id=platform_id,
        first_sequence=envelopes[0].sequence,
        last_sequence=envelopes[-1].sequence,
        envelopes=tuple(envelopes),
        merkle_root=root_hex,
        signature=base64.urlsafe_b64encode(signature).decode(),
    )


def is_batch(data: dict) -> bool:
    return isinstance(data, dict) and "envelopes" in data


def batch_parse(data: dict, *, float_free: bool = False) -> Batch:
    """Shape checks only; raises ``InvalidInput`` naming the field (``envelopes[3].sequence``)."""
    expected = {"platform_id": str, "first_sequence": int, "last_sequence": int, "envelopes": list,
                "merkle_root": str, "signature": str}
    for name, kind in expected.items():
        if name not in data:
            raise InvalidInput(f"{name} is required", field=name, code="exchange.missing_field")
        if not isinstance(data[name], kind) or isinstance(data[name], bool):
            raise InvalidInput(f"{name} has the wrong type", field=name, code="exchange.wrong_type")
    if not data["envelopes"]:
        raise InvalidInput("a batch holds at least one envelope", field="envelopes", code="exchange.empty_batch")
    fault = _batch_fault(data["platform_id"], data["first_sequence"], data["last_sequence"], data["merkle_root"],
                         data["signature"])
    if fault is not None:
        raise fault
    envelopes = []
    for position, item in enumerate(data["envelopes"]):
        try:
            envelopes.append(envelope_parse(item))
        except InvalidInput as error:
            raise InvalidInput(error.message, field=f"envelopes[{position}].{error.field}", code=error.code) from None
    return Batch(
        platform_id=data["platform_id"],
        first_sequence=data["first_sequence"],
        last_sequence=data["last_sequence"],
        envelopes=tuple(envelopes),
        merkle_root=data["merkle_root"],
        signature=data["signature"],
        float_free=float_free,
    )


def batch_verify(batch: Batch, *, public_key: str) -> list[bytes]:
    """Every envelope's hash matches its content, sequences run without holes from first to
    last, the Merkle root covers exactly these envelopes and the platform signed it.

    Returns each envelope's canonical bytes (``Envelope.to_bytes``), made while checking its hash."""
    encoded: list[bytes] = []
    for position, envelope in enumerate(batch.envelopes):
        if envelope.platform_id != batch.platform_id:
            raise InvalidInput("envelope of another platform in the batch", field=f"envelopes[{position}].platform_id",
                               code="exchange.mixed_batch")
        if envelope.sequence != batch.first_sequence + position:
            raise InvalidInput("sequences in a batch run consecutively from first_sequence",
                               field=f"envelopes[{position}].sequence", code="exchange.batch_sequence")
        raw = envelope_checked_bytes(envelope, float_free=batch.float_free)
        if raw is None:
            raise InvalidInput("hash does not match the envelope's content", field=f"envelopes[{position}].hash",
                               code="exchange.bad_hash")
        encoded.append(raw)
    if batch.last_sequence != batch.envelopes[-1].sequence:
        raise InvalidInput("last_sequence does not match the last envelope", field="last_sequence",
                           code="exchange.batch_sequence")
    if batch_root(batch.envelopes) != batch.merkle_root:
        raise InvalidInput("merkle_root is not the RFC 6962 root of the envelopes' hashes", field="merkle_root",
                           code="exchange.bad_merkle_root")
    try:
        Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(public_key.encode())).verify(
            base64.urlsafe_b64decode(batch.signature.encode()), bytes.fromhex(batch.merkle_root)
        )
    except (InvalidSignature, ValueError) as error:
        raise InvalidInput("signature does not verify with the platform's registered key", field="signature",
                           code="exchange.bad_signature") from error
    return encoded


def raw_parse(raw: bytes | str) -> dict:
    return raw_parse_noting_floats(raw)[0]


def raw_parse_noting_floats(raw: bytes | str) -> tuple[dict, bool]:
    """The delivery's JSON object, and whether it held no float (see ``json_loads_noting_floats``)."""
    try:
        data, float_free = json_loads_noting_floats(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(f"not valid JSON: {error}", field="envelope", code="exchange.malformed") from error
    if not isinstance(data, dict):
        raise InvalidInput("a batch or an envelope is a JSON object", field="envelope", code="exchange.malformed")
    return data, float_free


@dataclass
class _BatchShape:
    platform_id: str
    first_sequence: int
    last_sequence: int
    envelopes: list[Envelope]
    merkle_root: str
    signature: str


# The whole batch decoded and type-checked in one pass, straight into envelopes: about a third
# cheaper for intake than decoding to dicts and checking each envelope's fields in Python.
_FAST_BATCH = msgspec.json.Decoder(_BatchShape, float_hook=refuse_float)


_is_platform_id = re.compile(limits.PLATFORM_ID_PATTERN).fullmatch
_is_hex64 = re.compile(r"[0-9a-f]{64}").fullmatch
# Exactly the text of a 64-byte signature: a lenient base64 decoder skips other characters, so a
# signature padded with them would verify, and then not fit where the hub keeps it.
_is_signature = re.compile(r"[A-Za-z0-9_-]{86}==").fullmatch


def _batch_fault(platform_id: str, first_sequence: int, last_sequence: int, merkle_root: str, signature: str
                 ) -> InvalidInput | None:
    """What ``ReceivedBatch`` (and a quarantine row, which names the batch's platform) could not store."""
    if _is_platform_id(platform_id) is None:
        return InvalidInput(
            f"platform_id is 1 to {limits.PLATFORM_ID_MAX_LENGTH} letters, digits or ._:- starting with a letter "
            "or digit", field="platform_id", code="exchange.malformed_field")
    for name, value in (("first_sequence", first_sequence), ("last_sequence", last_sequence)):
        if not 0 < value <= limits.SEQUENCE_MAX:
            return InvalidInput(f"{name} is from 1 to {limits.SEQUENCE_MAX:,} (2^63 - 1)", field=name,
                                code="exchange.out_of_range")
    if _is_hex64(merkle_root) is None:
        return InvalidInput("merkle_root is 64 lower-case hex digits", field="merkle_root",
                            code="exchange.malformed_field")
    if _is_signature(signature) is None:
        return InvalidInput("signature is 64 bytes in urlsafe base64 with padding (88 characters)",
                            field="signature", code="exchange.malformed_field")
    return None


def _within_bounds(shape: _BatchShape) -> bool:
    """Whether the one-pass decoder may take the batch: else the plain way names the field at fault."""
    if _batch_fault(shape.platform_id, shape.first_sequence, shape.last_sequence, shape.merkle_root,
                    shape.signature) is not None:
        return False
    try:
        for envelope in shape.envelopes:
            envelope_bounds_check(envelope)
    except InvalidInput:
        return False
    return True


def batch_decode(raw: bytes | str) -> tuple[Batch | None, dict | None, bool]:
    """A delivery's bytes as ``(batch, None, True)`` when they are a well-formed batch, else
    ``(None, data, float_free)``: the decoded JSON object for ``batch_parse`` or ``envelope_parse``
    to refuse with the field and rule at fault (or, without ``envelopes``, a single envelope).

    The fast path takes exactly what ``raw_parse_noting_floats`` then ``batch_parse`` would take,
    and gives the same batch (property-tested); anything else (a float, a missing field, a wrong
    type, no envelopes at all) goes the plain way, with its error messages."""
    try:
        shape = _FAST_BATCH.decode(raw)
    except (msgspec.MsgspecError, TypeError, ValueError):
        shape = None
    if shape is not None and shape.envelopes and _within_bounds(shape):
        return Batch(platform_id=shape.platform_id, first_sequence=shape.first_sequence,
                     last_sequence=shape.last_sequence, envelopes=tuple(shape.envelopes),
                     merkle_root=shape.merkle_root, signature=shape.signature, float_free=True), None, True
    data, float_free = raw_parse_noting_floats(raw)
    if is_batch(data):
        return batch_parse(data, float_free=float_free), None, float_free
    return None, data, float_free
