"""What the published schemas allow fits where the hub stores it.

Walks every published JSON Schema (``docs/exchange/schemas``) and every column a payload or an
envelope field is stored in, and fails when they disagree: a string longer than its column, an
integer beyond its column's range, a string that may hold NUL (which PostgreSQL cannot store),
a field or a handled message type with no declared column (``hub.intake.handlers.STORED_FIELDS``).
Also: every string in every published schema has a maximum length, every integer a minimum and
a maximum, and no property is a (floating-point) number.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

from sharecity.exchange.published import schema_documents
from sharecity.exchange.schemas import DIRECTIVE_TYPES, MESSAGE_TYPES
from sharecity.hub.intake.handlers import HANDLERS, STORED_FIELDS
from sharecity.kernel import limits

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "exchange" / "schemas"
# Kept whole in ReceivedMessage.envelope (bytes): no column of its own.
WHOLE = ()

# Where intake keeps each envelope field, and each batch field.
ENVELOPE_STORED: dict[str, tuple[str, ...]] = {
    "message_id": ("hub_intake.ReceivedMessage.message_id", "hub_intake.QuarantinedMessage.message_id"),
    "platform_id": ("hub_intake.ReceivedMessage.platform_id", "hub_intake.IntakeStream.platform_id",
                    "hub_intake.QuarantinedMessage.platform_id", "hub_intake.IntakeGap.platform_id"),
    "type": ("hub_intake.ReceivedMessage.message_type",),
    "schema_version": ("hub_intake.ReceivedMessage.schema_version",),
    "sequence": ("hub_intake.ReceivedMessage.sequence", "hub_intake.IntakeStream.last_sequence",
                 "hub_intake.IntakeGap.first_missing", "hub_intake.IntakeGap.last_missing"),
    "hash": ("hub_intake.ReceivedMessage.envelope_hash", "hub_intake.IntakeStream.last_hash"),
    "sent_at": WHOLE, "payload": WHOLE, "prev_hash": WHOLE, "signature": WHOLE,
}
BATCH_STORED: dict[str, tuple[str, ...]] = {
    "platform_id": ("hub_intake.ReceivedBatch.platform_id", "hub_intake.QuarantinedMessage.platform_id"),
    "first_sequence": ("hub_intake.ReceivedBatch.first_sequence",),
    "last_sequence": ("hub_intake.ReceivedBatch.last_sequence",),
    "merkle_root": ("hub_intake.ReceivedBatch.merkle_root",),
    "signature": ("hub_intake.ReceivedBatch.signature",),
    "envelopes": WHOLE,
}


def published(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def resolve(node: dict, document: dict) -> dict:
    while "$ref" in node:
        node = document["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def alternatives(node: dict, document: dict) -> list[dict]:
    """The forms a property may take, ``null`` left out (a column stores nothing for it)."""
    node = resolve(node, document)
    if "anyOf" in node:
        return [form for option in node["anyOf"] for form in alternatives(option, document)]
    return [] if node.get("type") == "null" else [node]


def refuses_nul(form: dict) -> bool:
    if form.get("format") in ("date-time", "date"):
        return True  # parsed into a time: what is kept is the time written anew
    if "enum" in form:
        return all("\x00" not in value for value in form["enum"])
    if "const" in form:
        return "\x00" not in form["const"]
    pattern = form.get("pattern")
    return pattern is not None and re.search(pattern, "a\x00b") is None


def strings_within(form: dict, document: dict) -> list[dict]:
    """Every string form inside ``form`` (what a JSON column keeps of it)."""
    found: list[dict] = []
    for option in alternatives(form, document):
        if option.get("type") == "string":
            found.append(option)
        elif option.get("type") == "array":
            found += strings_within(option["items"], document)
        elif option.get("type") == "object":
            for child in option.get("properties", {}).values():
                found += strings_within(child, document)
    return found


def column(path: str) -> models.Field:
    label, field_name = path.rsplit(".", 1)
    return apps.get_model(label)._meta.get_field(field_name)


def integer_range(field: models.Field) -> tuple[int, int]:
    # PostgreSQL's ranges, the ones a database enforces (SQLite stores any 64-bit integer).
    return BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]


def disagreements(where: str, node: dict, document: dict, path: str) -> list[str]:
    """Why the column at ``path`` could not store every value ``node`` allows (none: it can)."""
    field = column(path)
    kind = field.get_internal_type()
    problems = []
    for form in alternatives(node, document):
        if isinstance(field, models.JSONField):
            # jsonb refuses \u0000 in any string, however deep.
            problems += [f"{where} -> {path}: a string inside may hold NUL" for string in strings_within(form, document)
                         if not refuses_nul(string)]
            continue
        if kind in BaseDatabaseOperations.integer_field_ranges:
            low, high = integer_range(field)
            if form.get("type") != "integer":
                problems.append(f"{where} -> {path}: {kind} fed by {form.get('type')}")
            elif not (low <= form.get("minimum", low - 1) and form.get("maximum", high + 1) <= high):
                problems.append(f"{where} -> {path}: schema allows {form.get('minimum')}..{form.get('maximum')}, "
                                f"{kind} holds {low}..{high}")
        elif kind == "UUIDField":
            if form.get("pattern") != limits.UUID_PATTERN:
                problems.append(f"{where} -> {path}: a UUID column fed by a string that need not be a UUID")
        elif kind == "BooleanField":
            if form.get("type") != "boolean":
                problems.append(f"{where} -> {path}: a boolean column fed by {form.get('type')}")
        elif kind == "DateTimeField":
            if form.get("format") != "date-time":
                problems.append(f"{where} -> {path}: a time column fed by {form}")
        elif kind == "DateField":
            if form.get("format") != "date":
                problems.append(f"{where} -> {path}: a date column fed by {form}")
        elif kind in ("CharField", "SlugField", "TextField"):
            if form.get("type") != "string":
                problems.append(f"{where} -> {path}: a text column fed by {form.get('type')}")
                continue
            longest = max(map(len, form["enum"])) if "enum" in form else form.get("maxLength")
            if longest is None or (field.max_length is not None and longest > field.max_length):
                problems.append(f"{where} -> {path}: schema allows {longest} characters, the column "
                                f"{field.max_length}")
            if not refuses_nul(form):
                problems.append(f"{where} -> {path}: the schema allows NUL, which PostgreSQL cannot store")
        else:
            problems.append(f"{where} -> {path}: no rule for a {kind} column; add one here")
    return problems


# --- every handled payload field has its columns declared, and fits them ---------------------------


def test_every_handled_message_type_declares_where_each_payload_field_is_stored():
    assert set(STORED_FIELDS) == set(HANDLERS), "declare the columns of a handled type in STORED_FIELDS"
    for message_type, stored in STORED_FIELDS.items():
        [version] = [version for kind, version in MESSAGE_TYPES if kind == message_type]
        properties = set(published(f"{message_type}.v{version}.json")["properties"])
        missing, unknown = sorted(properties - set(stored)), sorted(set(stored) - properties)
        assert (missing, unknown) == ([], []), f"{message_type}: fields without a declared column, unknown fields"


def test_every_payload_field_fits_each_column_it_is_stored_in():
    problems = []
    checked = 0
    for (message_type, version) in MESSAGE_TYPES:
        if message_type not in STORED_FIELDS:
            continue
        document = published(f"{message_type}.v{version}.json")
        for name, paths in STORED_FIELDS[message_type].items():
            for path in paths:
                problems += disagreements(f"{message_type}.{name}", document["properties"][name], document, path)
                checked += 1
    assert checked >= 25
    assert problems == []


def test_every_directive_field_fits_where_a_platform_stores_it():
    # The market keeps each directive's payload whole, its deadline in a column of its own.
    problems = []
    for message_type in DIRECTIVE_TYPES:
        document = published(f"{message_type}.v1.json")
        for name, node in document["properties"].items():
            paths = ["market_directives.ReceivedDirective.payload"]
            if name == "deadline":
                paths.append("market_directives.ReceivedDirective.deadline")
            for path in paths:
                problems += disagreements(f"{message_type}.{name}", node, document, path)
    assert problems == []
    envelope = published("envelope.v1.json")
    assert disagreements("envelope.message_id", envelope["properties"]["message_id"], envelope,
                         "market_directives.ReceivedDirective.message_id") == []


@pytest.mark.parametrize(("name", "stored"), [("envelope.v1.json", ENVELOPE_STORED), ("batch.v1.json", BATCH_STORED)])
def test_every_envelope_and_batch_field_fits_each_column_it_is_stored_in(name, stored):
    document = published(name)
    assert set(stored) == set(document["properties"])
    problems = []
    for field_name, paths in stored.items():
        for path in paths:
            problems += disagreements(f"{name}:{field_name}", document["properties"][field_name], document, path)
    assert problems == []


def test_the_walk_finds_a_column_too_small_or_a_string_that_may_hold_nul():
    # The checks themselves: each of these must be caught.
    document = {"$defs": {}}
    assert disagreements("x", {"type": "string", "maxLength": 65, "pattern": "^[^\\x00]*$"}, document,
                         "hub_monitoring.OrderFact.order_id")
    assert disagreements("x", {"type": "string", "maxLength": 10}, document, "hub_monitoring.OrderFact.order_id")
    assert disagreements("x", {"type": "string", "pattern": "^[^\\x00]*$"}, document,
                         "hub_monitoring.OrderFact.order_id")
    assert disagreements("x", {"type": "integer", "minimum": 0, "maximum": 2**63}, document,
                         "hub_monitoring.OrderFact.amount_fen")
    assert disagreements("x", {"type": "integer", "minimum": 0}, document, "hub_monitoring.OrderFact.amount_fen")
    assert disagreements("x", {"type": "number"}, document, "hub_monitoring.OrderFact.amount_fen")
    assert disagreements("x", {"type": "string", "maxLength": 36}, document, "hub_directives.Directive.message_id")
    assert disagreements("x", {"type": "array", "items": {"type": "string", "maxLength": 5}}, document,
                         "hub_directives.Directive.acknowledgement")
    assert not disagreements("x", {"anyOf": [{"type": "string", "enum": ["paid", "completed"]}, {"type": "null"}]},
                             document, "hub_monitoring.OrderFact.state")


def test_columns_take_their_lengths_from_the_shared_limits():
    # The read models and the payload models name the same constants (one source).
    assert column("hub_monitoring.OrderFact.order_id").max_length == limits.IDENTIFIER_MAX_LENGTH
    assert column("hub_monitoring.OrderFact.category").max_length == limits.CATEGORY_CODE_MAX_LENGTH
    assert column("hub_monitoring.OrderFact.customer_key").max_length == limits.PARTY_KEY_MAX_LENGTH
    assert column("hub_intake.ReceivedMessage.platform_id").max_length == limits.PLATFORM_ID_MAX_LENGTH
    assert column("hub_intake.ReceivedMessage.message_type").max_length == limits.MESSAGE_TYPE_MAX_LENGTH
    assert integer_range(column("hub_intake.ReceivedMessage.schema_version"))[1] == limits.SCHEMA_VERSION_MAX
    assert integer_range(column("hub_intake.ReceivedMessage.sequence"))[1] == limits.SEQUENCE_MAX


def test_the_market_columns_that_feed_payloads_fit_the_schemas():
    # The producing side: what the market stores and reports must pass the schema it reports under.
    assert column("market_catalog.Category.code").max_length <= limits.CATEGORY_CODE_MAX_LENGTH
    assert column("market_catalog.Category.sector").max_length <= limits.SECTOR_CODE_MAX_LENGTH
    assert column("market_listings.Listing.title").max_length <= limits.TITLE_MAX_LENGTH
    assert column("market_parking.ParkingSpace.title").max_length <= limits.TITLE_MAX_LENGTH
    assert column("market_complaints.Complaint.category").max_length <= limits.CATEGORY_CODE_MAX_LENGTH
    assert column("market_platforms.Platform.name").max_length <= limits.NAME_MAX_LENGTH
    assert integer_range(column("market_listings.Listing.price_fen"))[1] <= limits.AMOUNT_FEN_CEILING
    assert integer_range(column("market_orders.Order.total_fen"))[1] <= limits.AMOUNT_FEN_CEILING


# --- every published schema is bounded ----------------------------------------------------------------


def unbounded(node: Any, where: str, *, lists_bounded: bool) -> list[str]:
    """Every string without a maximum length, integer without both bounds, number, or list without
    a maximum of items, anywhere in a schema document."""
    found: list[str] = []
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "string" and "maxLength" not in node and "enum" not in node and "const" not in node:
            found.append(f"{where}: a string without maxLength")
        if kind == "integer" and not ("minimum" in node and "maximum" in node):
            found.append(f"{where}: an integer without minimum and maximum")
        if kind == "number":
            found.append(f"{where}: a number (floats have no canonical text; money is integer fen)")
        if kind == "array" and lists_bounded and "maxItems" not in node:
            found.append(f"{where}: a list without maxItems")
        for key, value in node.items():
            if key not in ("enum", "const", "default", "examples"):
                found += unbounded(value, f"{where}.{key}", lists_bounded=lists_bounded)
    elif isinstance(node, list):
        for position, value in enumerate(node):
            found += unbounded(value, f"{where}[{position}]", lists_bounded=lists_bounded)
    return found


def test_every_published_string_integer_and_list_is_bounded_and_none_is_a_number():
    files = sorted(SCHEMAS.glob("*.json"))
    assert len(files) == len(MESSAGE_TYPES) + 5  # the wire formats and the index
    problems = []
    for path in files:
        if path.name == "index.json":
            continue
        # A batch's envelopes are bounded by its size in bytes (a transport's limit), not a count.
        problems += unbounded(json.loads(path.read_text(encoding="utf-8")), path.name,
                              lists_bounded=path.name != "batch.v1.json")
    assert problems == []


def test_the_bounds_check_finds_what_is_unbounded():
    assert unbounded({"properties": {"a": {"type": "string"}}}, "x", lists_bounded=True)
    assert unbounded({"properties": {"a": {"type": "integer", "minimum": 0}}}, "x", lists_bounded=True)
    assert unbounded({"properties": {"a": {"type": "number"}}}, "x", lists_bounded=True)
    assert unbounded({"properties": {"a": {"type": "array", "items": {"type": "boolean"}}}}, "x", lists_bounded=True)
    assert not unbounded({"properties": {"a": {"type": "string", "enum": ["x"]}}}, "x", lists_bounded=True)


def test_the_committed_schemas_are_the_ones_walked():
    # The walk reads the committed files; they are what the code publishes (also checked in CI).
    for name, document in schema_documents().items():
        assert published(name) == document, f"{name} is stale: run `uv run sharecity manage exchange_schemas`"
