"""The audit chain's hashing and verification, over plain rows: no database, no ORM.

An outside party checks an export (``sharecity audit verify --file``) with this module alone.
Each entry's hash covers its own fields and the hash of the entry before it, so editing any
field of any entry, removing one, or reordering them breaks every link from there on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64
# The fields an entry's hash covers, beside ``prev_hash``; ``entry_hash`` is the result.
HASHED_FIELDS = ("sequence", "occurred_at", "actor_id", "actor_name", "action", "object_type", "object_id",
                 "detail", "prev_hash")
ROW_FIELDS = (*HASHED_FIELDS, "entry_hash")
# The city and district an entry belongs to (who may read it). Hashed whenever set, so moving an entry
# to another city breaks the chain like any edit; entries from before scoping have none and keep
# the hash they were written with, and a row without them (an older export) still verifies.
SCOPE_FIELDS = ("city_code", "district_code")

_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_json(data: Any) -> str:
    """Sorted keys, no spaces, UTF-8 as is: one text for one value, whoever writes it."""
    return _ENCODER.encode(data)


def timestamp_text(moment: dt.datetime) -> str:
    """UTC with microseconds and a ``Z``: the form the hash covers, and the export's."""
    if moment.tzinfo is None:
        raise ValueError("audit times are aware (UTC)")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the hashed fields (and the scope fields that are set);
    ``occurred_at`` as ``timestamp_text`` and ``detail`` as its canonical JSON text."""
    fields = {name: row[name] for name in HASHED_FIELDS}
    fields.update({name: row[name] for name in SCOPE_FIELDS if row.get(name)})
    if isinstance(fields["occurred_at"], dt.datetime):
        fields["occurred_at"] = timestamp_text(fields["occurred_at"])
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


@dataclass(frozen=True)
class Verdict:
    count: int
    head: str
    # The first entry that is wrong (its sequence, or the one expected where entries are missing)
    # and what is wrong with it; None when the chain is intact.
    bad_sequence: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.bad_sequence is None

    def describe(self) -> str:
        if self.intact:
            return f"{self.count} entries, chain intact, head {self.head}"
        return f"entry {self.bad_sequence}: {self.problem}"


def chain_verify(rows: Iterable[Mapping[str, Any]]) -> Verdict:
    """Check rows in the order given (ascending sequence): numbering, links and hashes.

    Stops at the first fault: after it, every later link is suspect anyway. Removing entries at the
    end leaves a shorter chain that is intact in itself; compare the head with one recorded
    earlier (``expect_head_check``) to catch that.
    """
    expected_sequence = 1
    previous = GENESIS_HASH
    count = 0
    for row in rows:
        missing = [name for name in ROW_FIELDS if name not in row]
        if missing:
            return Verdict(count, previous, row.get("sequence", expected_sequence),
                           f"malformed: no {', '.join(missing)}")
        sequence = row["sequence"]
        if not isinstance(sequence, int) or isinstance(sequence, bool):
            return Verdict(count, previous, expected_sequence, f"malformed: sequence {sequence!r} is not a number")
        if sequence > expected_sequence:
            gap = (f"entry {expected_sequence} was" if sequence == expected_sequence + 1
                   else f"entries {expected_sequence} to {sequence - 1} were")
            return Verdict(count, previous, expected_sequence, f"missing: {gap} removed")
        if sequence < expected_sequence:
            return Verdict(count, previous, sequence,
                           f"reordered: comes after entry {expected_sequence - 1} (duplicate or out of order)")
        if row["prev_hash"] != previous:
            return Verdict(count, previous, sequence,
                           "broken link: prev_hash is not the previous entry's hash (edited, or entries "
                           "removed or reordered before it)")
        try:
            computed = entry_hash(row)
        except (TypeError, ValueError) as error:
            return Verdict(count, previous, sequence, f"malformed: {error}")
        if computed != row["entry_hash"]:
            return Verdict(count, previous, sequence, "edited: its fields do not match its hash")
        previous = row["entry_hash"]
        expected_sequence += 1
        count += 1
    return Verdict(count, previous)


def expect_head_check(verdict: Verdict, rows_hashes: Iterable[str], *, expected_head: str) -> Verdict:
    """An intact chain must still contain a head recorded earlier, else entries were cut off its end."""
    if verdict.intact and expected_head not in set(rows_hashes):
        return Verdict(verdict.count, verdict.head, verdict.count + 1,
                       f"missing: the recorded head {expected_head} is not in the chain (entries removed "
                       "from its end)")
    return verdict
