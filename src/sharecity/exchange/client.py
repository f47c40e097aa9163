"""A small client for external platforms: sign, send and prove messages over HTTPS push.

It uses only the standard library for HTTP (``urllib.request``) and this package's exchange
modules for the cryptography, so a platform needs nothing else::

    client = ExchangeClient("https://hub.example/exchange/v1", platform_id=..., private_key=...,
                            api_key="sce_...", state_path=Path("var/exchange-state.json"))
    result = client.send([("listing.published", payload), ("order.created", payload)])
    client.inclusion_proof(result.message_ids[0])   # fetched from the hub, verified here

The platform's chain (its last sequence and hash) lives in a small JSON state file, so a
restart continues it. Every envelope sealed is appended to a JSONL log beside it
(``<state>.log.jsonl``, one line each, never rewritten; a corrected envelope is a later
line with the same sequence), together with every receipt the hub returned: so the client
can resend any range the hub asks for and prove what it sent. The hub's keys are fetched
once and pinned in the state file; a receipt that does not verify with them is refused.

One process should own a state file at a time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sharecity.exchange import merkle
from sharecity.exchange.batches import batch_seal
from sharecity.exchange.envelope import ENVELOPE_MAX_BYTES, GENESIS_HASH, Envelope, envelope_parse, envelope_seal
from sharecity.exchange.receipts import receipt_verify
from sharecity.exchange.schemas import CURRENT_VERSIONS

USER_AGENT = "sharecity-exchange-client/1"
BATCH_LIMIT = 200
# A pushed batch stays under the hub's request size (Django's 2.5 MB by default) whatever its payloads.
BATCH_BYTES = 1_000_000
# The longest a client waits on the hub's Retry-After before it tries again (it tries ``retries`` times).
RETRY_AFTER_MAX_SECONDS = 60.0
RESEND_ROUNDS = 3
SETTLED = ("applied", "duplicate")


class ExchangeClientError(Exception):
    """The hub refused a request, or what it answered cannot be trusted."""

    def __init__(self, message: str, *, code: str = "exchange.client_error", field: str | None = None,
                 status: int | None = None, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.status = status
        self.body = body or {}


class HubRefused(ExchangeClientError):
    """An HTTP 4xx answer: ``code``, ``message`` and ``field`` as the hub gave them."""


class VerificationFailed(ExchangeClientError):
    """A receipt, a proof or the hub's keys did not check out."""


class Opener(Protocol):
    def open(self, fullurl: urllib.request.Request, data: bytes | None = None, timeout: float = ...) -> Any: ...


@dataclass
class SendResult:
    """What became of the messages of one ``send`` (and of any resends it triggered).

    ``outcomes`` holds each message's last outcome at the hub, by message id; the counts are
    over those. ``missing`` is what the hub first said it lacked; ``resent`` the ranges sent again.
    """

    outcomes: dict[str, str] = field(default_factory=dict)
    receipt: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    missing: list[tuple[int, int]] = field(default_factory=list)
    resent: list[tuple[int, int]] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)

    def _count(self, outcome: str) -> int:
        return sum(1 for value in self.outcomes.values() if value == outcome)

    @property
    def applied(self) -> int:
        return self._count("applied")

    @property
    def duplicate(self) -> int:
        return self._count("duplicate")

    @property
    def deferred(self) -> int:
        return self._count("deferred")

    @property
    def quarantined(self) -> int:
        return self._count("quarantined")

    @property
    def ok(self) -> bool:
        return all(value in SETTLED for value in self.outcomes.values())


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


class ExchangeClient:
    def __init__(self, base_url: str, *, platform_id: str, private_key: bytes, api_key: str,
                 state_path: Path | None = None, session: Opener | None = None, timeout: float = 30.0,
                 retries: int = 3, batch_limit: int = BATCH_LIMIT) -> None:
        self.base_url = base_url.rstrip("/")
        self.platform_id = platform_id
        self._private_key = private_key
        self._api_key = api_key
        self._opener: Opener = session or urllib.request.build_opener()
        self.timeout = timeout
        self.retries = retries
        self.batch_limit = batch_limit
        self.state_path = Path(state_path) if state_path is not None else None
        self.log_path = self.state_path.with_suffix(".log.jsonl") if self.state_path is not None else None
        self.last_sequence = 0
        self.last_hash = GENESIS_HASH
        self.hub_keys: dict[str, str] = {}
        self.directive_key: str | None = None
        self.receipt: dict[str, Any] | None = None
        self._envelopes: dict[int, Envelope] = {}   # latest version of each sequence
        self._sequence_of: dict[str, int] = {}       # message id -> sequence
        self._memory_log: list[str] = []
        self._pending_missing: list[tuple[int, int]] = []  # what the hub's last answer said it lacks
        self._load()

    # --- local state and log ------------------------------------------------------------------------------

    def _load(self) -> None:
        state: dict[str, Any] = {}
        if self.state_path is not None and self.state_path.exists():
            state = json.loads(self.state_path.read_text())
            if state.get("platform_id") not in (None, self.platform_id):
                raise ExchangeClientError("the state file belongs to another platform", field="state_path")
        self.last_sequence = int(state.get("last_sequence", 0))
        self.last_hash = str(state.get("last_hash", GENESIS_HASH))
        self.hub_keys = dict(state.get("hub_keys", {}))
        self.directive_key = state.get("directive_key")
        if self.log_path is not None and self.log_path.exists():
            with self.log_path.open(encoding="utf-8") as log:
                for line in log:
                    if line.strip():
                        self._index(json.loads(line))
        if self._envelopes:
            # The log is written first: if the process stopped before the state file, trust the log.
            top = max(self._envelopes)
            if top >= self.last_sequence:
                self.last_sequence, self.last_hash = top, self._envelopes[top].hash

    def _index(self, entry: dict[str, Any]) -> None:
        if entry.get("kind") == "envelope":
            envelope = envelope_parse(entry["envelope"])
            self._envelopes[envelope.sequence] = envelope
            self._sequence_of[envelope.message_id] = envelope.sequence
        elif entry.get("kind") == "receipt":
            self.receipt = entry["receipt"]

    def _log_append(self, entries: Iterable[dict[str, Any]]) -> None:
        lines = []
        for entry in entries:
            self._index(entry)
            lines.append(json.dumps(entry, ensure_ascii=False, sort_keys=True))
        if not lines:
            return
        if self.log_path is None:
            self._memory_log.extend(lines)
            return
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write("\n".join(lines) + "\n")
            log.flush()
            os.fsync(log.fileno())

    def _state_save(self) -> None:
        if self.state_path is None:
            return
        data = {"platform_id": self.platform_id, "last_sequence": self.last_sequence, "last_hash": self.last_hash,
                "hub_keys": self.hub_keys, "directive_key": self.directive_key}
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=2, sort_keys=True))
        os.replace(temporary, self.state_path)

    def envelope(self, *, sequence: int | None = None, message_id: str | None = None) -> Envelope:
        """The latest version of an envelope this client sealed, from its log."""
        if message_id is not None:
            if message_id not in self._sequence_of:
                raise ExchangeClientError(f"no envelope {message_id} in the local log", field="message_id")
            sequence = self._sequence_of[message_id]
        if sequence is None or sequence not in self._envelopes:
            raise ExchangeClientError(f"no envelope with sequence {sequence} in the local log", field="sequence")
        return self._envelopes[sequence]

    # --- sealing ------------------------------------------------------------------------------------------

    def prepare(self, messages: Sequence[tuple[Any, ...]]) -> list[Envelope]:
        """Seal envelopes for ``(type, payload)`` or ``(type, payload, schema_version)``, continuing the
        chain, and log them; nothing is sent yet (``deliver`` or ``resend`` does)."""
        sealed: list[Envelope] = []
        sequence, previous = self.last_sequence, self.last_hash
        for item in messages:
            message_type, payload = str(item[0]), dict(item[1])
            version = int(item[2]) if len(item) > 2 else CURRENT_VERSIONS.get(message_type, 1)
            sequence += 1
            envelope = envelope_seal(
                private_key=self._private_key, message_id=str(uuid.uuid4()), platform_id=self.platform_id,
                type=message_type, schema_version=version, sequence=sequence, sent_at=_now(), payload=payload,
                prev_hash=previous,
            )
            size = len(envelope.to_bytes())
            if size > ENVELOPE_MAX_BYTES:  # refused before anything is logged or sent: the chain is unchanged
                raise ExchangeClientError(
                    f"message {len(sealed) + 1} ({message_type}) would be {size:,} bytes; the hub takes at most "
                    f"{ENVELOPE_MAX_BYTES:,} (send a large report in parts)",
                    code="exchange.too_large", field="payload")
            sealed.append(envelope)
            previous = envelope.hash
        self._log_append({"kind": "envelope", "envelope": envelope.as_dict(), "logged_at": _now()}
                         for envelope in sealed)
        if sealed:
            self.last_sequence, self.last_hash = sealed[-1].sequence, sealed[-1].hash
            self._state_save()
        return sealed

    def correct(self, message_id: str, payload: dict[str, Any], *, message_type: str | None = None,
                schema_version: int | None = None) -> SendResult:
        """Correct a message the hub quarantined and send it again, with every later one re-chained.

        Only a message the hub has not accepted can be corrected: it keeps its id and sequence,
        so applying it resolves its quarantine entry at the hub.
        """
        original = self.envelope(message_id=message_id)
        accepted = int(self.status()["last_sequence"])
        if original.sequence <= accepted:
            raise ExchangeClientError(f"the hub already accepted sequence {original.sequence}; send a new message",
                                      field="message_id", code="exchange.already_accepted")
        previous = self._envelopes[original.sequence - 1].hash if original.sequence > 1 else GENESIS_HASH
        resealed = []
        for sequence in range(original.sequence, self.last_sequence + 1):
            old = self._envelopes[sequence]
            fields = {name: getattr(old, name) for name in ("message_id", "platform_id", "type", "schema_version",
                                                             "sequence", "sent_at", "payload")}
            if sequence == original.sequence:
                fields["payload"] = dict(payload)
                fields["type"] = message_type or old.type
                fields["schema_version"] = schema_version or old.schema_version
            envelope = envelope_seal(private_key=self._private_key, prev_hash=previous, **fields)
            resealed.append(envelope)
            previous = envelope.hash
        self._log_append({"kind": "envelope", "envelope": envelope.as_dict(), "logged_at": _now(),
                          "corrects": message_id} for envelope in resealed)
        self.last_hash = resealed[-1].hash
        self._state_save()
        return self.deliver(resealed)

    # --- sending ------------------------------------------------------------------------------------------

    def send(self, messages: Sequence[tuple[Any, ...]]) -> SendResult:
        """Seal, log and deliver; resend whatever range the hub reports missing."""
        return self.deliver(self.prepare(messages))

    def resend(self, from_sequence: int, to_sequence: int) -> SendResult:
        """Send a range of this platform's envelopes again, from the local log."""
        envelopes = [self.envelope(sequence=sequence) for sequence in range(from_sequence, to_sequence + 1)]
        return self.deliver(envelopes, resend_missing=False)

    def deliver(self, envelopes: Sequence[Envelope], *, resend_missing: bool = True) -> SendResult:
        result = SendResult(message_ids=[envelope.message_id for envelope in envelopes])
        for batch in self._batches(envelopes):
            self._deliver_batch(batch, result)
        rounds = 0
        while resend_missing and result.missing and rounds < RESEND_ROUNDS:
            pending = self._pending_missing
            if not pending or result.quarantined:
                break  # nothing lacking, or the hub refuses what would be resent: correct it first
            rounds += 1
            first = min(start for start, _ in pending)
            last = max(self.last_sequence, *(end for _, end in pending))
            self._pending_missing = []
            result.resent.append((first, last))
            missing_envelopes = [self.envelope(sequence=sequence) for sequence in range(first, last + 1)]
            for batch in self._batches(missing_envelopes):
                self._deliver_batch(batch, result)
        return result

    def _batches(self, envelopes: Sequence[Envelope]) -> Iterable[list[Envelope]]:
        """Consecutive runs of at most ``batch_limit`` envelopes and ``BATCH_BYTES`` bytes (one envelope
        alone may be larger, up to ``ENVELOPE_MAX_BYTES``)."""
        batch: list[Envelope] = []
        size = 0
        for envelope in envelopes:
            length = len(envelope.to_bytes()) + 1
            if batch and (len(batch) >= self.batch_limit or size + length > BATCH_BYTES):
                yield batch
                batch, size = [], 0
            batch.append(envelope)
            size += length
        if batch:
            yield batch

    def _deliver_batch(self, envelopes: list[Envelope], result: SendResult) -> None:
        batch = batch_seal(platform_id=self.platform_id, envelopes=envelopes, private_key=self._private_key)
        status, body = self._request("POST", "/batches", data=batch.to_bytes(), auth=True)
        if status != 200:
            raise HubRefused(str(body.get("message", f"HTTP {status}")), code=str(body.get("code", "http_error")),
                             field=body.get("field"), status=status, body=body)
        for item in body.get("results", []):
            result.outcomes[str(item["message_id"])] = str(item["outcome"])
        result.errors.extend(body.get("errors", []))
        missing = [(int(first), int(last)) for first, last in body.get("missing", [])]
        if missing and not result.missing:
            result.missing = missing
        self._pending_missing = missing
        receipt = body.get("receipt")
        if receipt is not None:
            self._receipt_check(receipt)
            settled = [envelope.sequence for envelope in envelopes
                       if result.outcomes.get(envelope.message_id) in SETTLED]
            if settled and int(receipt["tree_size"]) < max(settled):
                raise VerificationFailed("the receipt does not cover the messages the hub says it accepted",
                                         code="exchange.receipt_short", field="receipt.tree_size")
            result.receipt = receipt

    # --- the hub's keys and receipts ----------------------------------------------------------------------

    def fetch_hub_keys(self) -> dict[str, str]:
        """Fetch the hub's keys and pin them: a key id once seen may never change its key."""
        _, body = self._request("GET", "/keys")
        fetched = {str(key_id): str(value) for key_id, value in body.get("receipt_keys", {}).items()}
        for key_id, value in self.hub_keys.items():
            if key_id in fetched and fetched[key_id] != value:
                raise VerificationFailed(f"the hub's key {key_id} changed since it was pinned",
                                         code="exchange.key_changed")
        directive = (body.get("directive_key") or {}).get("public_key")
        if self.directive_key and directive and directive != self.directive_key:
            raise VerificationFailed("the hub's directive key changed since it was pinned", code="exchange.key_changed")
        self.hub_keys = {**fetched, **self.hub_keys}
        self.directive_key = self.directive_key or directive
        self._state_save()
        return self.hub_keys

    def _receipt_check(self, receipt: dict[str, Any]) -> None:
        key_id = str(receipt.get("key_id", ""))
        if key_id not in self.hub_keys:
            self.fetch_hub_keys()
        public_key = self.hub_keys.get(key_id)
        if public_key is None or not receipt_verify(receipt, hub_public_key=public_key):
            raise VerificationFailed("the receipt's signature does not verify with the hub's pinned key",
                                     code="exchange.bad_receipt", field="receipt.signature")
        if receipt.get("platform_id") != self.platform_id:
            raise VerificationFailed("the receipt is for another platform", code="exchange.bad_receipt",
                                     field="receipt.platform_id")
        if self.receipt is None or int(receipt["tree_size"]) >= int(self.receipt["tree_size"]):
            self._log_append([{"kind": "receipt", "receipt": receipt, "logged_at": _now()}])

    def latest_receipt(self) -> dict[str, Any]:
        """The hub's latest receipt for this platform, verified."""
        _, body = self._request("GET", "/receipt", auth=True)
        self._receipt_check(body)
        return body

    def inclusion_proof(self, message_id: str) -> dict[str, Any]:
        """Fetch the proof that a message is in the hub's log and check it here: the receipt's
        signature, the audit path up to the signed root, and that the leaf is what this client sent."""
        _, body = self._request("GET", f"/proof/{urllib.parse.quote(message_id)}", auth=True)
        receipt = body["receipt"]
        self._receipt_check(receipt)
        leaf_hex = str(body["envelope_hash"])
        if message_id in self._sequence_of and self.envelope(message_id=message_id).hash != leaf_hex:
            raise VerificationFailed("the hub holds another version of this message than the one sent last",
                                     code="exchange.bad_proof", field="envelope_hash")
        proof = [bytes.fromhex(node) for node in body["proof"]]
        if int(body["tree_size"]) != int(receipt["tree_size"]) or not merkle.verify_inclusion(
            bytes.fromhex(leaf_hex), int(body["leaf_index"]), int(body["tree_size"]), proof,
            bytes.fromhex(receipt["root_hash"]),
        ):
            raise VerificationFailed("the inclusion proof does not lead to the receipt's root",
                                     code="exchange.bad_proof", field="proof")
        return {**body, "verified": True}

    def quarantine(self, *, status: str = "all") -> list[dict[str, Any]]:
        """This platform's input the hub refused, newest first, with the field and rule at fault."""
        _, body = self._request("GET", f"/quarantine?status={urllib.parse.quote(status)}", auth=True)
        return list(body) if isinstance(body, list) else []

    def status(self) -> dict[str, Any]:
        """Where this platform's chain stands at the hub, and any ranges it lacks."""
        _, body = self._request("GET", "/status", auth=True)
        return body

    # --- HTTP ---------------------------------------------------------------------------------------------

    def post_raw(self, data: bytes) -> tuple[int, Any]:
        """POST bytes as a batch, unchecked: for diagnosing what the hub says about a given body."""
        return self._request("POST", "/batches", data=data, auth=True, raise_for_status=False)

    def _request(self, method: str, path: str, *, data: bytes | None = None, auth: bool = False,
                 raise_for_status: bool = True) -> tuple[int, Any]:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if auth:
            headers["X-Exchange-Key"] = self._api_key
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)  # noqa: S310
        attempt = 0
        while True:
            attempt += 1
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    return response.status, _json(response.read())
            except urllib.error.HTTPError as error:
                body = _json(error.read())
                if error.code >= 500 and attempt <= self.retries:
                    time.sleep(min(0.2 * 2 ** attempt, 5.0))
                    continue
                if error.code == 429 and attempt <= self.retries:
                    # The hub's rate limit: nothing of this request was looked at, so it is sent again as it is.
                    time.sleep(min(_seconds(error.headers.get("Retry-After")), RETRY_AFTER_MAX_SECONDS))
                    continue
                if not raise_for_status:
                    return error.code, body
                detail = body if isinstance(body, dict) else {}
                raise HubRefused(str(detail.get("message", f"HTTP {error.code}")),
                                 code=str(detail.get("code", "http_error")), field=detail.get("field"),
                                 status=error.code, body=detail) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                # Sending again is safe: the hub drops messages it already has.
                if attempt <= self.retries:
                    time.sleep(min(0.2 * 2 ** attempt, 5.0))
                    continue
                raise ExchangeClientError(f"the hub cannot be reached: {error}", code="exchange.unreachable") from error


def _seconds(retry_after: str | None) -> float:
    try:
        return max(float(retry_after or 1), 0.0)
    except ValueError:
        return 1.0


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else {}
    except ValueError:
        return {"code": "exchange.bad_answer", "message": raw[:200].decode("utf-8", errors="replace")}
