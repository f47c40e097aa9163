"""Platforms as the hostile-input tests drive them: registered at the hub with keys of their own,
each keeping its chain, sealing good messages and every kind of poison a careless or hostile
sender might produce. Shared by the isolation tests of the three transports."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field

from sharecity.exchange.batches import batch_seal
from sharecity.exchange.envelope import GENESIS_HASH, Envelope, envelope_seal, keypair_generate
from sharecity.hub.gateway.services import external_platform_onboard
from tests.factories import credit_code

SENT_AT = "2026-11-23T08:00:00+00:00"


def listing(**overrides) -> dict:
    fields = {"listing_id": str(uuid.uuid4()), "category": "parking", "district": "350203",
              "provider_key": "pk-provider-0001", "price_fen": 600, "price_unit": "hour", "title": "夜间车位"}
    fields.update(overrides)
    return fields


def order(**overrides) -> dict:
    starts = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
    fields = {"order_id": f"o-{uuid.uuid4().hex[:12]}", "listing_id": "l-1", "category": "parking",
              "district": "350203", "customer_key": "customer-000001", "provider_key": "provider-000001",
              "amount_fen": 800, "starts_at": starts.isoformat(),
              "ends_at": (starts + dt.timedelta(minutes=30)).isoformat()}
    fields.update(overrides)
    return fields


@dataclass
class Poison:
    """One hostile delivery and what the hub must make of it."""

    kind: str
    data: bytes
    codes: frozenset[str]  # any of these (a tighter schema may refuse it before storage does)
    field: str | None  # the field the reason names, when one is at fault
    message_id: str = ""


@dataclass
class ExternalPlatform:
    name: str
    platform_id: str = ""
    api_key: str = ""
    private_key: bytes = b""
    public_key: str = ""
    sequence: int = 0
    last_hash: str = GENESIS_HASH
    good_ids: list[str] = field(default_factory=list)

    @classmethod
    def onboard(cls, name: str) -> ExternalPlatform:
        private_key, public_key = keypair_generate()
        registered, api_key = external_platform_onboard(actor=None, name=name, credit_code=credit_code(),
                                                        sectors=["parking"], public_key=public_key)
        return cls(name=name, platform_id=registered.platform_id, api_key=api_key, private_key=private_key,
                   public_key=public_key)

    # --- sealing ----------------------------------------------------------------------------------

    def seal(self, *, sequence: int | None = None, prev_hash: str | None = None,
             message_type: str = "listing.published", payload: dict | None = None, message_id: str | None = None,
             private_key: bytes | None = None) -> Envelope:
        return envelope_seal(
            private_key=private_key or self.private_key, message_id=message_id or str(uuid.uuid4()),
            platform_id=self.platform_id, type=message_type, schema_version=1,
            sequence=self.sequence + 1 if sequence is None else sequence,
            sent_at=SENT_AT, payload=payload if payload is not None else listing(),
            prev_hash=self.last_hash if prev_hash is None else prev_hash,
        )

    def good(self, count: int = 1, **kwargs) -> list[Envelope]:
        """The next ``count`` messages of the chain, which the hub must apply."""
        sealed = []
        for _ in range(count):
            envelope = self.seal(**kwargs)
            sealed.append(envelope)
            self.sequence, self.last_hash = envelope.sequence, envelope.hash
            self.good_ids.append(envelope.message_id)
        return sealed

    def batch(self, envelopes: list[Envelope], *, private_key: bytes | None = None) -> bytes:
        return batch_seal(platform_id=self.platform_id, envelopes=envelopes,
                          private_key=private_key or self.private_key).to_bytes()

    # --- poison -----------------------------------------------------------------------------------

    def poisons(self, *, reused_id: str) -> list[Poison | list[Envelope]]:
        """Poison interleaved with good messages (lists of envelopes, each sent as one batch).

        Each poison that claims the chain's next sequence is followed by the good message at that
        sequence (the platform's correction), so the chain goes on."""
        stranger, _ = keypair_generate()
        steps: list[Poison | list[Envelope]] = [self.good(3)]

        def claims(kind: str, envelope: Envelope, codes: set[str], field: str | None) -> None:
            steps.append(Poison(kind, envelope.to_bytes(), frozenset(codes), field, envelope.message_id))
            steps.append(self.good(2))

        claims("amount of 2**63 fen (past bigint)", self.seal(message_type="order.created",
                                                                payload=order(amount_fen=2**63)),
               {"exchange.amount_above_ceiling"}, "payload.amount_fen")
        claims("broken chain", self.seal(prev_hash="f" * 64), {"exchange.broken_chain"}, "prev_hash")
        claims("unknown message type", self.seal(message_type="listing.teleported"),
               {"exchange.unknown_type"}, "type")
        claims("price as words", self.seal(payload=listing(price_fen="六百")),
               {"exchange.invalid_payload"}, "payload.price_fen")
        claims("title as a number", self.seal(payload=listing(title=123)), {"exchange.invalid_payload"},
               "payload.title")
        claims("price as a float", self.seal(payload=listing(price_fen=600.5)),
               {"exchange.invalid_payload", "exchange.malformed", "exchange.float"}, None)
        claims("oversize envelope", self.seal(payload=listing(title="x" * 905_000)),
               {"exchange.too_large", "exchange.invalid_payload"}, None)
        claims("directive sent by a platform", self.seal(message_type="recall.order", payload={"recall_id": "R-1"}),
               {"exchange.wrong_direction"}, "type")
        claims("message id that is not a uuid", self.seal(message_id="not-a-uuid-" + "x" * 100),
               {"exchange.malformed_field"}, "message_id")
        claims("another business's name in a registration", self.seal(
            message_type="platform.registered",
            payload={"name": "假冒的平台", "credit_code": credit_code(), "sectors": ["parking"],
                     "public_key": self.public_key}),
            {"registry.identity_change"}, "payload.name")
        claims("unknown field with a NUL in its 500-character name",
               self.seal(payload={**listing(), "x\x00" + "y" * 500: 1}), {"exchange.invalid_payload"}, None)
        # Poison that claims no place in the chain.
        replay = self.seal(sequence=1, prev_hash=GENESIS_HASH)
        steps.append(Poison("replayed sequence", replay.to_bytes(), frozenset({"exchange.replayed_sequence"}),
                            "sequence", replay.message_id))
        far = self.seal(sequence=self.sequence + 10**9)
        steps.append(Poison("implausible sequence", far.to_bytes(), frozenset({"exchange.implausible_sequence"}),
                            "sequence", far.message_id))
        steps.append(Poison("batch signed by another key", self.batch([self.seal()], private_key=stranger),
                            frozenset({"exchange.bad_signature"}), "signature"))
        wrong_type = json.loads(self.seal().to_bytes())
        wrong_type["sequence"] = str(wrong_type["sequence"])
        steps.append(Poison("sequence as a string", json.dumps(wrong_type).encode(),
                            frozenset({"exchange.wrong_type"}), "sequence"))
        steps.append(Poison("not JSON", b"{not json", frozenset({"exchange.malformed"}), "envelope"))
        steps.append(Poison("JSON nested 100,000 deep", b"[" * 100_000, frozenset({"exchange.malformed"}), "envelope"))
        # Good, though it reuses another platform's message id: ids are the platform's own.
        steps.append(self.good(1, message_id=reused_id))
        steps.append(self.good(3))
        return steps


def good_batches(platform: ExternalPlatform, *, messages: int, per_batch: int = 100) -> list[bytes]:
    return [platform.batch(platform.good(min(per_batch, messages - done)))
            for done in range(0, messages, per_batch)]
