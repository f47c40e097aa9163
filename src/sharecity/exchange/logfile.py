"""The exported exchange log: one platform's messages as the hub received them, with the
hub's receipts, in a file anyone can check without the hub's database.

Format: JSON Lines, UTF-8, one JSON object per line (keys sorted, no insignificant
whitespace, so that two exports of the same log are byte-identical apart from
``exported_at``). Nothing in it is specific to Python.

Line 1, the header::

    {"format": "sharecity-exchange-log", "version": 1,
     "platform_id": "...", "platform_public_key": "<urlsafe base64 Ed25519 key>",
     "hub_keys": {"<key_id>": "<urlsafe base64 Ed25519 key>", ...},
     "exported_at": "<ISO 8601, UTC>"}

Then, in sequence order, the platform's envelopes, grouped as they were delivered::

    {"kind": "batch", "platform_id": "...", "first_sequence": 1, "last_sequence": 3,
     "merkle_root": "<hex>", "signature": "<urlsafe base64>", "envelopes": [{...}, ...]}
    {"kind": "envelope", "envelope": {...}}        # a message delivered on its own

Each envelope object is exactly the envelope the platform signed (see
``exchange.envelope``). ``first_sequence``/``last_sequence``, ``merkle_root`` and
``signature`` are the batch as the platform signed it. If only part of a signed batch
entered the log through this delivery (the rest came in an earlier or later one), the
line holds that part and the root is recomputed from the log's own envelopes of the
whole signed range.

Then one line per receipt, oldest first: the hub's signed tree heads of this log::

    {"kind": "receipt", "platform_id": "...", "tree_size": 3, "root_hash": "<hex>",
     "issued_at": "...", "key_id": "...", "signature": "<urlsafe base64>"}

Verification (``log_verify``) streams the lines and keeps only the 32-byte envelope
hashes it needs for the Merkle checks. Every fault is reported with its line, the
sequence concerned and one of these rules:

``header``              the header is incomplete, or disagrees with a key given to the verifier
``malformed``           a line is not a JSON object of a known kind with the required fields
``layout``              an envelope or batch after the receipts
``platform``            a message, batch or receipt of another platform
``sequence``            sequences do not run 1, 2, 3, ... (a gap, a repeat, a reordering)
``envelope_hash``       an envelope's hash does not match its content
``envelope_signature``  an envelope's signature does not verify with the platform key
``chain``               an envelope's ``prev_hash`` is not the previous envelope's hash (GENESIS first)
``batch_range``         a batch's sequences do not match its envelopes
``batch_root``          a batch's Merkle root is not the RFC 6962 root of its envelopes' hashes
``batch_signature``     the platform's signature over the batch root does not verify
``receipt_key``         a receipt signed with a key that is not one of the hub's
``receipt_signature``   the hub's signature over a receipt does not verify
``receipt_size``        a receipt acknowledges more envelopes than the log holds (some were removed)
``receipt_root``        a receipt's root is not the root of the log's first ``tree_size`` envelopes
``receipt_order``       a receipt's tree size is smaller than the one before it
``proof``               the requested message is not in the log, not yet covered by a receipt,
                        or its inclusion proof does not verify

The receipts are what make removal evident: the platform could re-sign a shortened
chain with its own key, but not the hub's signed roots over the original one.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sharecity.exchange import merkle
from sharecity.exchange.batches import Batch
from sharecity.exchange.envelope import GENESIS_HASH, Envelope, envelope_hash, envelope_parse, envelope_verify
from sharecity.exchange.receipts import receipt_verify
from sharecity.kernel.errors import InvalidInput

FORMAT = "sharecity-exchange-log"
VERSION = 1

EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE = 0, 1, 2


class LogUnreadable(Exception):
    """The file cannot be read as an exchange log at all (missing, not UTF-8, no header)."""


# ---------------------------------------------------------------- writing


def log_dumps(record: dict) -> str:
    """One line of the log, without the newline."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def log_header(*, platform_id: str, platform_public_key: str, hub_keys: dict[str, str],
               exported_at: dt.datetime | str | None = None) -> dict:
    if exported_at is None:
        exported_at = dt.datetime.now(dt.UTC)
    if isinstance(exported_at, dt.datetime):
        exported_at = exported_at.astimezone(dt.UTC).isoformat()
    return {
        "format": FORMAT,
        "version": VERSION,
        "platform_id": platform_id,
        "platform_public_key": platform_public_key,
        "hub_keys": dict(sorted(hub_keys.items())),
        "exported_at": exported_at,
    }


def batch_record(*, platform_id: str, first_sequence: int, last_sequence: int, merkle_root: str, signature: str,
                 envelopes: list[dict]) -> dict:
    return {
        "kind": "batch",
        "platform_id": platform_id,
        "first_sequence": first_sequence,
        "last_sequence": last_sequence,
        "merkle_root": merkle_root,
        "signature": signature,
        "envelopes": envelopes,
    }


def batch_record_of(batch: Batch) -> dict:
    data = batch.as_dict()
    return batch_record(**data)


def envelope_record(envelope: dict) -> dict:
    return {"kind": "envelope", "envelope": envelope}


def receipt_record(receipt: dict) -> dict:
    return {"kind": "receipt", **receipt}


def log_write(out: TextIO, *, header: dict, records: Iterable[dict]) -> int:
    """Write the header and the records, one per line; returns the number of records."""
    out.write(log_dumps(header) + "\n")
    count = 0
    for record in records:
        out.write(log_dumps(record) + "\n")
        count += 1
    return count


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class Problem:
    line: int
    rule: str
    message: str
    sequence: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", sequence {self.sequence}" if self.sequence is not None else "")
        return f"{where}: [{self.rule}] {self.message}"


@dataclass
class InclusionProof:
    message_id: str
    sequence: int
    line: int
    leaf_index: int
    leaf_hash: str
    tree_size: int
    root_hash: str
    receipt_line: int
    issued_at: str
    key_id: str
    audit_path: list[str]
    verified: bool


@dataclass
class VerifyReport:
    header: dict = field(default_factory=dict)
    envelopes: int = 0
    batches: int = 0
    single_envelopes: int = 0
    receipts: int = 0
    acknowledged: int = 0  # the largest tree size the hub signed a receipt for
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    message_id: str | None = None
    proof: InclusionProof | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.ok else EXIT_FAILED

    def rules(self) -> set[str]:
        return {problem.rule for problem in self.problems}

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "platform_id": self.header.get("platform_id"),
            "exported_at": self.header.get("exported_at"),
            "envelopes": self.envelopes,
            "batches": self.batches,
            "single_envelopes": self.single_envelopes,
            "receipts": self.receipts,
            "acknowledged": self.acknowledged,
            "problems": [asdict(problem) for problem in self.problems],
            "notes": list(self.notes),
            "message_id": self.message_id,
            "proof": asdict(self.proof) if self.proof else None,
        }

    def describe(self, *, limit: int = 50) -> str:
        lines = [
            f"{FORMAT} v{self.header.get('version')} · platform {self.header.get('platform_id')}"
            f" · exported {self.header.get('exported_at')}",
            f"checked {self.envelopes} envelope(s) in {self.batches} batch(es) and {self.single_envelopes} single"
            f" envelope(s), {self.receipts} receipt(s); the hub acknowledged {self.acknowledged}",
        ]
        lines.extend(f"note: {note}" for note in self.notes)
        if self.ok:
            lines.append("OK: sequences, hash chain, envelope and batch signatures, Merkle roots and receipts verify")
        else:
            lines.append(f"FAILED: {len(self.problems)} problem(s)")
            lines.extend(f"  {problem}" for problem in self.problems[:limit])
            if len(self.problems) > limit:
                lines.append(f"  ... and {len(self.problems) - limit} more")
        if self.proof is not None:
            proof = self.proof
            lines += [
                "",
                f"inclusion proof for message {proof.message_id}",
                f"  sequence    {proof.sequence} (line {proof.line})",
                f"  leaf index  {proof.leaf_index}",
                f"  leaf        {proof.leaf_hash}",
                f"  tree size   {proof.tree_size}",
                f"  root        {proof.root_hash}",
                f"  receipt     line {proof.receipt_line}, issued {proof.issued_at}, hub key {proof.key_id}",
                f"  audit path  {len(proof.audit_path)} node(s)",
                *(f"    {position}. {node}" for position, node in enumerate(proof.audit_path, start=1)),
                f"  verifies    {'yes' if proof.verified else 'NO'}",
            ]
        return "\n".join(lines)


# ---------------------------------------------------------------- verifying


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())


def _ed25519_key_ok(public_key: Any) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(_b64decode(public_key))
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def _signed(public_key: str, signature: str, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(_b64decode(public_key)).verify(_b64decode(signature), message)
    except (InvalidSignature, ValueError, TypeError, AttributeError):
        return False
    return True


_BATCH_FIELDS: dict[str, type] = {"platform_id": str, "first_sequence": int, "last_sequence": int,
                                  "merkle_root": str, "signature": str, "envelopes": list}
_RECEIPT_FIELDS: dict[str, type] = {"platform_id": str, "tree_size": int, "root_hash": str, "issued_at": str,
                                    "key_id": str, "signature": str}


def _shape(data: dict, fields: dict[str, type]) -> str | None:
    for name, kind in fields.items():
        if name not in data:
            return f"{name} is required"
        if not isinstance(data[name], kind) or isinstance(data[name], bool):
            return f"{name} has the wrong type"
    return None


@dataclass
class _PendingBatch:
    line: int
    first_sequence: int
    last_sequence: int
    merkle_root: str
    signature: str


class _Verifier:
    def __init__(self, header: dict, *, message_id: str | None, platform_public_key: str | None,
                 hub_keys: dict[str, str] | None) -> None:
        self.report = VerifyReport(header=header, message_id=message_id)
        self.platform_id = header.get("platform_id")
        self._check_header(header, platform_public_key, hub_keys)
        self.leaves: list[bytes] = []
        self.last_sequence = 0
        self.last_hash = GENESIS_HASH
        self.pending: list[_PendingBatch] = []
        self.in_receipts = False
        self.frontier = merkle.MerkleFrontier()
        self.previous_tree_size = 0
        self.target: tuple[int, int, int] | None = None  # (leaf index, sequence, line)
        self.covering: dict | None = None  # the latest valid receipt covering the target
        self.covering_line = 0

    def problem(self, line: int, rule: str, message: str, sequence: int | None = None) -> None:
        self.report.problems.append(Problem(line=line, rule=rule, message=message, sequence=sequence))

    def _check_header(self, header: dict, platform_public_key: str | None, hub_keys: dict[str, str] | None) -> None:
        if not isinstance(self.platform_id, str) or not self.platform_id:
            self.problem(1, "header", "platform_id is required")
        header_key = header.get("platform_public_key")
        if not _ed25519_key_ok(header_key):
            self.problem(1, "header", "platform_public_key is not an urlsafe-base64 Ed25519 public key")
        if platform_public_key is not None and header_key != platform_public_key:
            self.problem(1, "header", "platform_public_key differs from the platform key given to the verifier")
        self.platform_key: str = platform_public_key or (header_key if isinstance(header_key, str) else "")
        header_hub_keys = header.get("hub_keys")
        if not isinstance(header_hub_keys, dict) or not all(
            isinstance(key, str) and _ed25519_key_ok(value) for key, value in header_hub_keys.items()
        ):
            self.problem(1, "header", "hub_keys must map key ids to urlsafe-base64 Ed25519 public keys")
            header_hub_keys = {}
        if hub_keys is not None:
            for key_id, value in header_hub_keys.items():
                if key_id in hub_keys and hub_keys[key_id] != value:
                    self.problem(1, "header", f"hub key {key_id} differs from the hub key given to the verifier")
            self.hub_keys: dict[str, str] = dict(hub_keys)
        else:
            self.hub_keys = dict(header_hub_keys)

    # -- envelopes and batches

    def feed(self, number: int, data: dict) -> None:
        kind = data.get("kind")
        if kind in ("batch", "envelope") and self.in_receipts:
            self.problem(number, "layout", f"a {kind} after the receipts; envelopes come first, in sequence order")
        if kind == "batch":
            self._batch(number, data)
        elif kind == "envelope":
            envelope = data.get("envelope")
            self.report.single_envelopes += 1
            self._envelope(number, envelope, where="envelope")
        elif kind == "receipt":
            if not self.in_receipts:
                self._end_of_envelopes()
            self._receipt(number, data)
        else:
            self.problem(number, "malformed", f"unknown kind {kind!r}; expected batch, envelope or receipt")

    def _envelope(self, number: int, data: Any, *, where: str) -> Envelope | None:
        try:
            envelope = envelope_parse(data if isinstance(data, dict) else json.dumps(data))
        except InvalidInput as error:
            self.problem(number, "malformed", f"{where}.{error.field}: {error.message}")
            return None
        sequence = envelope.sequence
        self.report.envelopes += 1
        if envelope.platform_id != self.platform_id:
            self.problem(number, "platform", f"envelope of platform {envelope.platform_id}, not {self.platform_id}",
                         sequence)
        expected = self.last_sequence + 1
        if sequence != expected:
            what = (f"sequences {expected}-{sequence - 1} are missing" if sequence > expected
                    else "a repeated or reordered sequence")
            self.problem(number, "sequence", f"expected sequence {expected}, found {sequence}: {what}", sequence)
        self.last_sequence = sequence
        if envelope.prev_hash != self.last_hash:
            self.problem(number, "chain", "prev_hash is not the hash of the previous envelope"
                         + (" (GENESIS for the first)" if expected == 1 else ""), sequence)
        digest = envelope_hash(envelope.as_dict())
        try:
            envelope_verify(envelope, public_key=self.platform_key)
        except InvalidInput as error:
            if error.code == "exchange.bad_hash":
                self.problem(number, "envelope_hash", "hash does not match the envelope's content", sequence)
                # The signature still covers the hash the platform claimed.
                if not _signed(self.platform_key, envelope.signature, bytes.fromhex(envelope.hash)
                               if _is_hex32(envelope.hash) else b""):
                    self.problem(number, "envelope_signature",
                                 "signature does not verify with the platform key", sequence)
            else:
                self.problem(number, "envelope_signature", "signature does not verify with the platform key",
                             sequence)
        # The chain links the hashes as claimed; a claimed hash that does not match the content
        # is reported above, and the recomputed one is the Merkle leaf, so receipts catch it too.
        self.last_hash = envelope.hash
        if self.report.message_id is not None and self.target is None and envelope.message_id == self.report.message_id:
            self.target = (len(self.leaves), sequence, number)
        self.leaves.append(bytes.fromhex(digest))
        return envelope

    def _batch(self, number: int, data: dict) -> None:
        self.report.batches += 1
        fault = _shape(data, _BATCH_FIELDS)
        if fault is None and not data["envelopes"]:
            fault = "a batch holds at least one envelope"
        if fault is not None:
            self.problem(number, "malformed", f"batch: {fault}")
            for position, item in enumerate(data.get("envelopes") or []):
                self._envelope(number, item, where=f"envelopes[{position}]")
            return
        first, last = data["first_sequence"], data["last_sequence"]
        if data["platform_id"] != self.platform_id:
            self.problem(number, "platform", f"batch of platform {data['platform_id']}, not {self.platform_id}",
                         first)
        start = len(self.leaves)
        envelopes = [self._envelope(number, item, where=f"envelopes[{position}]")
                     for position, item in enumerate(data["envelopes"])]
        parsed = [envelope for envelope in envelopes if envelope is not None]
        if len(parsed) != len(envelopes):
            return  # already reported as malformed; the root cannot be recomputed
        sequences = [envelope.sequence for envelope in parsed]
        pending = _PendingBatch(line=number, first_sequence=first, last_sequence=last,
                                merkle_root=data["merkle_root"], signature=data["signature"])
        if sequences != list(range(sequences[0], sequences[0] + len(sequences))) or not (
            first <= sequences[0] and sequences[-1] <= last
        ):
            self.problem(number, "batch_range", f"signed for sequences {first}-{last} but holds "
                         f"{', '.join(map(str, sequences))}", first)
            if len(parsed) == last - first + 1:
                self._batch_check(pending, self.leaves[start:])
            return
        if (sequences[0], sequences[-1]) == (first, last):
            self._batch_check(pending, self.leaves[start:])
        else:
            self.pending.append(pending)  # part of a batch: the rest is elsewhere in the log

    def _batch_check(self, batch: _PendingBatch, leaves: list[bytes]) -> None:
        root = merkle.root(leaves).hex()
        if root != batch.merkle_root:
            self.problem(batch.line, "batch_root", "merkle_root is not the RFC 6962 root of the envelopes' hashes "
                         f"(recomputed {root})", batch.first_sequence)
        message = bytes.fromhex(batch.merkle_root) if _is_hex32(batch.merkle_root) else b""
        if not _signed(self.platform_key, batch.signature, message):
            self.problem(batch.line, "batch_signature", "the batch signature does not verify with the platform key",
                         batch.first_sequence)

    def _end_of_envelopes(self) -> None:
        self.in_receipts = True
        for batch in self.pending:
            if batch.last_sequence > len(self.leaves) or batch.first_sequence < 1:
                self.report.notes.append(
                    f"line {batch.line}: the batch signed for sequences {batch.first_sequence}-{batch.last_sequence}"
                    " is only partly in the log, so its root cannot be recomputed")
                continue
            self._batch_check(batch, self.leaves[batch.first_sequence - 1:batch.last_sequence])
        self.pending.clear()

    # -- receipts

    def _receipt(self, number: int, data: dict) -> None:
        self.report.receipts += 1
        fault = _shape(data, _RECEIPT_FIELDS)
        if fault is not None:
            self.problem(number, "malformed", f"receipt: {fault}")
            return
        size = data["tree_size"]
        valid = True
        if data["platform_id"] != self.platform_id:
            self.problem(number, "platform", f"receipt for platform {data['platform_id']}, not {self.platform_id}")
            valid = False
        key = self.hub_keys.get(data["key_id"])
        if key is None:
            self.problem(number, "receipt_key", f"signed with key {data['key_id']}, which is not one of the hub's")
            valid = False
        elif not receipt_verify(data, hub_public_key=key):
            self.problem(number, "receipt_signature", "the hub's signature over the receipt does not verify")
            valid = False
        if size < self.previous_tree_size:
            self.problem(number, "receipt_order",
                         f"tree size {size} is smaller than the previous receipt's {self.previous_tree_size}")
        self.previous_tree_size = max(self.previous_tree_size, size)
        if valid:
            self.report.acknowledged = max(self.report.acknowledged, size)
        if size < 1 or size > len(self.leaves):
            self.problem(number, "receipt_size", f"the receipt acknowledges {size} envelope(s) but the log holds "
                         f"{len(self.leaves)}: acknowledged messages are missing" if size > 0
                         else "a receipt acknowledges at least one envelope")
            return
        if size >= self.frontier.size:
            while self.frontier.size < size:
                self.frontier.append(self.leaves[self.frontier.size])
            root = self.frontier.root()
        else:
            root = merkle.root(self.leaves[:size])
        # A proof is given against the latest root the hub really signed, even one the log no
        # longer matches: it then fails, which is the point.
        if valid and self.target is not None and size > self.target[0]:
            self.covering, self.covering_line = data, number
        if root.hex() != data["root_hash"]:
            self.problem(number, "receipt_root", f"root_hash is not the root of the log's first {size} envelope(s): "
                         "an acknowledged message was removed or altered")

    # -- the end

    def finish(self) -> VerifyReport:
        if not self.in_receipts:
            self._end_of_envelopes()
        if self.report.receipts == 0:
            self.report.notes.append("the log holds no receipt: nothing in it is acknowledged by the hub")
        elif self.report.acknowledged < len(self.leaves):
            self.report.notes.append(f"{len(self.leaves) - self.report.acknowledged} envelope(s) at the end are not "
                                     "yet covered by a receipt")
        if self.report.message_id is not None:
            self._prove()
        return self.report

    def _prove(self) -> None:
        message_id = self.report.message_id
        if self.target is None:
            self.problem(0, "proof", f"message {message_id} is not in the log")
            return
        index, sequence, line = self.target
        if self.covering is None:
            self.problem(line, "proof", f"message {message_id} is in the log but no receipt signed by the hub "
                         "covers it yet",
                         sequence)
            return
        size = self.covering["tree_size"]
        tree = self.leaves[:size]
        path = merkle.inclusion_proof(index, tree)
        verified = merkle.verify_inclusion(tree[index], index, size, path, bytes.fromhex(self.covering["root_hash"]))
        self.report.proof = InclusionProof(
            message_id=message_id or "", sequence=sequence, line=line, leaf_index=index, leaf_hash=tree[index].hex(),
            tree_size=size, root_hash=self.covering["root_hash"], receipt_line=self.covering_line,
            issued_at=self.covering["issued_at"], key_id=self.covering["key_id"],
            audit_path=[node.hex() for node in path], verified=verified,
        )
        if not verified:
            self.problem(line, "proof", "the inclusion proof does not verify against the receipt's root", sequence)


def _is_hex32(text: str) -> bool:
    try:
        return len(bytes.fromhex(text)) == 32
    except ValueError:
        return False


def _decoded(lines: Iterable[str | bytes]) -> Iterator[tuple[int, str | None]]:
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            try:
                yield number, line.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None
        else:
            yield number, line


def log_verify(lines: Iterable[str | bytes], *, message_id: str | None = None,
               platform_public_key: str | None = None, hub_keys: dict[str, str] | None = None) -> VerifyReport:
    """Check a log line by line (see the module docstring for the rules).

    ``platform_public_key`` and ``hub_keys``, when given, are keys the verifier trusts from
    elsewhere (the registry, the hub's published keys); otherwise those in the header are used.
    Raises ``LogUnreadable`` if the first line is not a header of this format and version.
    """
    stream = _decoded(lines)
    verifier: _Verifier | None = None
    for number, text in stream:
        if verifier is None:
            verifier = _Verifier(_header(text), message_id=message_id, platform_public_key=platform_public_key,
                                 hub_keys=hub_keys)
            continue
        if text is None:
            verifier.problem(number, "malformed", "the line is not UTF-8")
            continue
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except ValueError as error:
            verifier.problem(number, "malformed", f"not valid JSON: {error}")
            continue
        if not isinstance(data, dict):
            verifier.problem(number, "malformed", "a line of the log is a JSON object")
            continue
        verifier.feed(number, data)
    if verifier is None:
        raise LogUnreadable("the file is empty")
    return verifier.finish()


def _header(text: str | None) -> dict:
    if text is None:
        raise LogUnreadable("line 1 is not UTF-8")
    try:
        header = json.loads(text)
    except ValueError as error:
        raise LogUnreadable(f"line 1 is not a JSON header: {error}") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise LogUnreadable(f"line 1 is not a {FORMAT} header")
    if header.get("version") != VERSION:
        raise LogUnreadable(f"version {header.get('version')!r} of {FORMAT} is not supported (only {VERSION})")
    return header


def log_verify_file(path: str | Path, **options: Any) -> VerifyReport:
    """``log_verify`` on a file, streamed; raises ``LogUnreadable`` if it cannot be opened."""
    try:
        handle = open(path, "rb")  # closed below; lines are decoded one by one
    except OSError as error:
        raise LogUnreadable(f"cannot open {path}: {error.strerror or error}") from None
    with handle:
        return log_verify(handle, **options)
