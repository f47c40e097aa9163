"""Hostile payloads and envelopes, for every message type: each is refused with ``InvalidInput``
naming the field at fault, never stored half-way.

The cases are made by walking each message type's published schema from one valid payload, so a
field added later is attacked too: oversize strings, control characters, lone surrogates,
integers of 2^63 and 2^64, 1.0 and "100" for integers, negative amounts, amounts above the
ceiling, times far in the future, lists beyond their length, 1 and "true" for booleans.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sharecity.exchange.batches import batch_decode, batch_parse, batch_seal
from sharecity.exchange.envelope import GENESIS_HASH, envelope_parse, envelope_seal, keypair_generate
from sharecity.exchange.schemas import MESSAGE_TYPES, payload_build, payload_validate
from sharecity.kernel import limits
from sharecity.kernel.errors import InvalidInput
from tests.exchange.test_schemas import VALID

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "exchange" / "schemas"
# Times that may lie ahead: a deadline, an expiry, when a measure starts or ends, a booking's span.
# Every other time says when something happened and may not be in the future.
MAY_BE_AHEAD = {"starts_at", "ends_at", "deadline", "expires_at", "effective_at", "effective_from", "effective_until",
                "restore_due_at",  # notice.state_changed: the end of the measures (a deadline)
                "valid_until"}  # platform.licences_declared: when a licence expires
CEILING = limits.AMOUNT_FEN_CEILING
NOW = dt.datetime.now(dt.UTC)


def document(message_type: str) -> dict:
    [version] = [version for kind, version in MESSAGE_TYPES if kind == message_type]
    return json.loads((SCHEMAS / f"{message_type}.v{version}.json").read_text(encoding="utf-8"))


def forms(node: dict, defs: dict) -> list[dict]:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in node:
        return [form for option in node["anyOf"] for form in forms(option, defs)]
    return [] if node.get("type") == "null" else [node]


def hostile_values(name: str, form: dict) -> Iterator[tuple[str, Any, str | None]]:
    """(what, value, the error code expected or None for any) for one field's form."""
    kind = form.get("type")
    if kind == "string" and "enum" not in form and "const" not in form:
        if form.get("format") in ("date-time", "date"):
            yield "a time of 41 characters", "2025-10-09T10:00:00.000000000000000+08:00", None
            if form["format"] == "date-time":
                yield "a time that is not in UTC's range", "9999-12-31T23:59:59-14:00", "exchange.time_out_of_range"
                if name not in MAY_BE_AHEAD:
                    ahead = (NOW + dt.timedelta(days=2)).isoformat()
                    yield "a time two days ahead", ahead, "exchange.time_in_future"
                    yield "a time in the year 9000", "9000-01-01T00:00:00+00:00", "exchange.time_in_future"
            elif name not in MAY_BE_AHEAD:
                # Three days, not two: a date is compared by day with (now + one day's skew), and the
                # cases are made at collection; a run that crosses midnight after it must still refuse.
                ahead = (NOW + dt.timedelta(days=3)).date().isoformat()
                yield "a date three days ahead", ahead, "exchange.time_in_future"
            return
        yield "one character too many", "7" * (form["maxLength"] + 1), "exchange.invalid_payload"
        yield "ten thousand characters", "7" * 10_000, "exchange.invalid_payload"
        yield "NUL", "12345678\x00", "exchange.invalid_payload"
        yield "a lone surrogate", "12345678\ud800", "exchange.invalid_payload"
        yield "an integer", 12345678, "exchange.invalid_payload"
        if "\\x1f" in form.get("pattern", ""):
            yield "an escape character", "12345678\x1b[2J", "exchange.invalid_payload"
            yield "a C1 control character", "12345678\x85", "exchange.invalid_payload"
    elif kind == "integer":
        for what, value in (("2^63", 2**63), ("2^64", 2**64), ("1.0", 1.0), ('"100"', "100"), ("true", True),
                            ("-1", -1), ("the maximum and one", form["maximum"] + 1), ("1e3 as text", "1e3")):
            code = "exchange.amount_above_ceiling" if form["maximum"] == CEILING and isinstance(value, int) \
                and not isinstance(value, bool) and value > CEILING else "exchange.invalid_payload"
            yield what, value, code
    elif kind == "boolean":
        yield "1", 1, "exchange.invalid_payload"
        yield '"true"', "true", "exchange.invalid_payload"
    elif kind == "array" and "maxItems" in form:
        yield "one item too many", None, "exchange.invalid_payload"  # filled in from a valid item


def cases() -> Iterator[tuple[str, tuple, str, Any, str | None]]:
    """(message type, path in the payload, what, value, code) for every field of every type."""
    for message_type in sorted(VALID):
        schema = document(message_type)
        defs = schema.get("$defs", {})
        yield from _walk(message_type, schema, defs, (), VALID[message_type])


def _walk(message_type: str, node: dict, defs: dict, path: tuple, valid: Any) -> Iterator:
    for form in forms(node, defs):
        if form.get("type") == "object":
            for name, child in form.get("properties", {}).items():
                inner = valid.get(name) if isinstance(valid, dict) else None
                yield from _walk(message_type, child, defs, (*path, name), inner)
                for what, value, code in hostile_values(name, *forms(child, defs)[:1]) if forms(child, defs) else ():
                    if value is None:  # a list one item too long: repeat a valid item
                        if not inner:
                            continue
                        value = inner * (forms(child, defs)[0]["maxItems"] // len(inner) + 1)
                    yield message_type, (*path, name), what, value, code
        elif form.get("type") == "array" and isinstance(valid, list) and valid:
            yield from _walk(message_type, form["items"], defs, (*path, 0), valid[0])


def placed(payload: dict, path: tuple, value: Any) -> dict:
    payload = copy.deepcopy(payload)
    target = payload
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return payload


ALL_CASES = list(cases())


def test_every_message_type_and_every_kind_of_hostile_value_is_tried():
    tried_types = {message_type for message_type, *_ in ALL_CASES}
    assert tried_types == set(VALID)
    kinds = {what for *_, what, _, _ in ALL_CASES}
    assert {"one character too many", "NUL", "2^63", "2^64", "1.0", '"100"', "-1", "a time two days ahead",
            "one item too many", "a lone surrogate", "an escape character", '"true"'} <= kinds
    assert any(code == "exchange.amount_above_ceiling" for *_, code in ALL_CASES)
    assert len(ALL_CASES) > 800


@pytest.mark.parametrize(("message_type", "path", "what", "value", "code"), ALL_CASES,
                         ids=[f"{t}:{'.'.join(map(str, p))}:{w}" for t, p, w, _, _ in ALL_CASES])
def test_a_hostile_value_is_refused_naming_its_field(message_type, path, what, value, code):
    payload = placed(VALID[message_type], path, value)
    with pytest.raises(InvalidInput) as refused:
        payload_validate(message_type, 1, payload)
    assert refused.value.field == "payload." + ".".join(map(str, path)), str(refused.value)
    if code is not None:
        assert refused.value.code == code, str(refused.value)


# --- the bounds themselves --------------------------------------------------------------------------


def test_an_amount_above_the_ceiling_is_refused_naming_the_ceiling():
    payload = {**VALID["order.created"], "amount_fen": CEILING + 1}
    with pytest.raises(InvalidInput) as refused:
        payload_validate("order.created", 1, payload)
    assert (refused.value.field, refused.value.code) == ("payload.amount_fen", "exchange.amount_above_ceiling")
    assert "1,000,000,000,000 fen" in str(refused.value)
    assert payload_validate("order.created", 1, {**payload, "amount_fen": CEILING}).amount_fen == CEILING


def test_the_ceiling_is_a_setting(settings):
    settings.SHARECITY_EXCHANGE_MAX_AMOUNT_FEN = 100_000
    with pytest.raises(InvalidInput, match="ceiling of 100,000 fen") as refused:
        payload_validate("listing.published", 1, {**VALID["listing.published"], "price_fen": 100_001})
    assert refused.value.field == "payload.price_fen"
    # A producer is held to it too: it would only send what the hub refuses.
    with pytest.raises(ValueError, match="ceiling of 100,000 fen"):
        payload_build("listing.published", **{**VALID["listing.published"], "price_fen": 100_001})


def test_a_platforms_quarterly_totals_may_exceed_one_amounts_ceiling_but_not_exact_json_integers():
    report = copy.deepcopy(VALID["tax.quarterly_report"])
    report["totals"]["gross_fen"] = 40 * CEILING  # four hundred billion yuan a quarter: a very large platform
    assert payload_validate("tax.quarterly_report", 1, report).totals.gross_fen == 40 * CEILING
    report["totals"]["gross_fen"] = limits.JSON_SAFE_INTEGER_MAX + 1
    with pytest.raises(InvalidInput) as refused:
        payload_validate("tax.quarterly_report", 1, report)
    assert refused.value.field == "payload.totals.gross_fen"


def test_a_time_within_the_skew_passes_and_the_skew_is_a_setting(settings):
    payload = {**VALID["safety.incident"], "occurred_at": (NOW + dt.timedelta(hours=20)).isoformat()}
    assert payload_validate("safety.incident", 1, payload)
    settings.SHARECITY_EXCHANGE_CLOCK_SKEW_SECONDS = 600
    with pytest.raises(InvalidInput, match="at most 600 s ahead") as refused:
        payload_validate("safety.incident", 1, payload)
    assert (refused.value.field, refused.value.code) == ("payload.occurred_at", "exchange.time_in_future")
    # Received later, it is in the past: the check is against the time it is received.
    assert payload_validate("safety.incident", 1, payload, now=NOW + dt.timedelta(days=1))


def test_the_message_names_the_skew_allowed():
    payload = {**VALID["order.state_changed"], "changed_at": "2999-01-01T00:00:00+08:00"}
    with pytest.raises(InvalidInput, match=r"at most 1 day ahead of the hub's clock") as refused:
        payload_validate("order.state_changed", 1, payload)
    assert refused.value.field == "payload.changed_at"


def test_times_that_may_lie_ahead_are_accepted_ahead():
    ahead = (NOW + dt.timedelta(days=300)).isoformat()
    assert payload_validate("order.created", 1, {**VALID["order.created"], "starts_at": ahead, "ends_at": ahead})
    assert payload_validate("credit_list.changed", 1, {**VALID["credit_list.changed"], "expires_at": ahead,
                                                       "effective_at": ahead, "deadline": ahead})
    assert payload_validate("emergency.order", 1, {**VALID["emergency.order"], "effective_until": ahead})


def test_a_producer_is_not_held_to_the_receivers_clock():
    # A platform builds a payload at its own time (the market's timers run at the moment they were due).
    later = NOW + dt.timedelta(days=30)
    assert payload_build("order.state_changed", **{**VALID["order.state_changed"], "changed_at": later})


def test_text_of_several_lines_keeps_its_line_breaks_and_tabs():
    payload = {**VALID["safety.incident"], "description": "第一行\n第二行\r\n\t缩进"}
    assert payload_validate("safety.incident", 1, payload).description == "第一行\n第二行\r\n\t缩进"
    with pytest.raises(InvalidInput) as refused:
        payload_validate("listing.published", 1, {**VALID["listing.published"], "title": "两行\n标题"})
    assert refused.value.field == "payload.title"


def test_unicode_that_postgresql_stores_is_accepted():
    title = "鹭岛 🚗 车位 — café ‮"  # emoji, accents, a right-to-left override: text, not controls
    assert payload_validate("listing.published", 1, {**VALID["listing.published"], "title": title}).title == title


# --- envelopes ----------------------------------------------------------------------------------------

PRIVATE, PUBLIC = keypair_generate()
MESSAGE_ID = "6f1c2a52-0b7e-4a53-9c61-2d7f0c3e9a01"


def sealed_envelope(**overrides) -> dict:
    fields = {"message_id": MESSAGE_ID, "platform_id": "p-1", "type": "order.created", "schema_version": 1,
              "sequence": 1, "sent_at": "2025-10-09T02:00:00+00:00", "payload": VALID["order.created"],
              "prev_hash": GENESIS_HASH}
    fields.update(overrides)
    return envelope_seal(private_key=PRIVATE, **fields).as_dict()


ENVELOPE_CASES = [
    ("sequence", 0), ("sequence", -1), ("sequence", 2**63), ("sequence", 2**64), ("sequence", 2**70),
    ("schema_version", 0), ("schema_version", limits.SCHEMA_VERSION_MAX + 1), ("schema_version", 2**64),
    ("platform_id", ""), ("platform_id", "p" * 65), ("platform_id", "p\x00"), ("platform_id", "p/../q"),
    ("platform_id", "平台"), ("platform_id", "p-1\n"), ("platform_id", "-p"), ("platform_id", "p 1"),
    ("type", "o" * 75 + ".created"), ("type", "Order.Created"), ("type", "order"), ("type", "order.created\n"),
    ("type", "order.\x00"),
    ("message_id", "m-1"), ("message_id", MESSAGE_ID.upper()), ("message_id", MESSAGE_ID + "\n"),
    ("message_id", "{" + MESSAGE_ID + "}"), ("message_id", MESSAGE_ID.replace("-", "")), ("message_id", ""),
]


@pytest.mark.parametrize(("name", "value"), ENVELOPE_CASES)
def test_an_envelope_field_out_of_its_columns_bounds_is_refused_naming_it(name, value):
    # Signed as sent: the bounds are checked before anything else is, whoever signed it.
    data = sealed_envelope(**{name: value})
    with pytest.raises(InvalidInput) as refused:
        envelope_parse(json.dumps(data))
    assert refused.value.field == name
    assert refused.value.code in ("exchange.out_of_range", "exchange.malformed_field")
    # The same in a batch, through the one-pass decoder and the plain parser alike.
    raw = json.dumps({"platform_id": "p-1", "first_sequence": 1, "last_sequence": 1, "envelopes": [data],
                      "merkle_root": "0" * 64, "signature": "A" * 86 + "=="})
    with pytest.raises(InvalidInput) as refused:
        batch_decode(raw)
    assert refused.value.field == f"envelopes[0].{name}"
    with pytest.raises(InvalidInput):
        batch_parse(json.loads(raw))


@pytest.mark.parametrize(("name", "value"), [
    ("sequence", limits.SEQUENCE_MAX), ("schema_version", limits.SCHEMA_VERSION_MAX), ("platform_id", "p" * 64),
    ("platform_id", "ext:platform_1.a-b"), ("type", "o" * 72 + ".created"),
])
def test_an_envelope_field_at_its_bound_is_accepted(name, value):
    assert getattr(envelope_parse(json.dumps(sealed_envelope(**{name: value}))), name) == value


@pytest.mark.parametrize(("name", "value"), [
    ("platform_id", "p" * 65), ("first_sequence", 2**63), ("last_sequence", 0), ("merkle_root", "A" * 64),
    ("signature", "!" * 200 + "A" * 86 + "=="), ("signature", "A" * 86 + "=="[:1]),
])
def test_a_batch_field_the_hub_could_not_store_is_refused_naming_it(name, value):
    envelope = envelope_seal(private_key=PRIVATE, **{key: sealed_envelope()[key] for key in (
        "message_id", "platform_id", "type", "schema_version", "sequence", "sent_at", "payload", "prev_hash")})
    data = json.loads(batch_seal(platform_id="p-1", envelopes=[envelope], private_key=PRIVATE).to_bytes())
    data[name] = value
    with pytest.raises(InvalidInput) as refused:
        batch_decode(json.dumps(data))
    assert refused.value.field == name
