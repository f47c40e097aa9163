"""Whether a user's training records cover a booking: plain data in, plain data out.

A record is valid on the days from ``trained_on`` to ``expires_on``, both included (city dates). A booking
needs one record valid on every day it uses the instrument (its first to its last day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

MISSING = "missing"
EXPIRED = "expired"
NOT_YET = "not_yet"


@dataclass(frozen=True)
class Record:
    trained_on: dt.date
    expires_on: dt.date


@dataclass(frozen=True)
class Coverage:
    ok: bool
    problem: str | None = None
    record: Record | None = None     # the record closest to covering the booking, for the refusal's words


def coverage(*, records: Iterable[Record], first_day: dt.date, last_day: dt.date) -> Coverage:
    records = list(records)
    for record in records:
        if record.trained_on <= first_day and last_day <= record.expires_on:
            return Coverage(ok=True, record=record)
    if not records:
        return Coverage(ok=False, problem=MISSING)
    started = [r for r in records if r.trained_on <= first_day]
    if started:
        return Coverage(ok=False, problem=EXPIRED, record=max(started, key=lambda r: r.expires_on))
    return Coverage(ok=False, problem=NOT_YET, record=min(records, key=lambda r: r.trained_on))
