"""Reading the rules' inputs from text (command-line options, CSV files, form and API fields): plain Python.

Every refusal is an ``InvalidInput`` naming the field (the option or ``FILE:line:column``) and the rule."""

from __future__ import annotations

import csv
import io
import re
from fractions import Fraction

from sharecity.hub.quota.rules import MAX_PARTIES, MAX_ZONES, UNALLOCATED, Allocation, Score, Standing, Zone
from sharecity.kernel.errors import InvalidInput

MAX_CSV_BYTES = 1_000_000
NAME_MAX_LENGTH = 64
_NUMBER = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?")
_INTEGER = re.compile(r"[0-9]{1,9}")
# A platform or zone name: printable, no separators of the formats it travels in.
_NAME = re.compile(r"[^\x00-\x1f\x7f-\x9f,=\"';]{1,64}")  # NAME_MAX_LENGTH
TRUE = {"1", "true", "yes", "y", "是"}
FALSE = {"", "0", "false", "no", "n", "否"}


def _refuse(message: str, *, field: str, rule: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message} (rule: {rule})", field=field, code=f"quota.{rule}")


def number(text: str, *, field: str) -> Fraction:
    """A non-negative decimal number such as 77.2 (no sign, no exponent)."""
    text = str(text).strip()
    if not _NUMBER.fullmatch(text):
        raise _refuse(f"{text[:20]!r} is not a non-negative decimal number such as 77.2", field=field,
                      rule="number")
    return Fraction(text)


def integer(text: str, *, field: str) -> int:
    text = str(text).strip()
    if not _INTEGER.fullmatch(text):
        raise _refuse(f"{text[:20]!r} is not a whole number of 0 or more", field=field, rule="integer")
    return int(text)


def name(text: str, *, field: str) -> str:
    text = str(text).strip()
    if not _NAME.fullmatch(text):
        raise _refuse(f"a name of 1 to {NAME_MAX_LENGTH} printable characters without , = ; or quotes",
                      field=field, rule="name")
    return text


def shares(text: str, *, field: str = "shares") -> list[Fraction]:
    parts = str(text).split(",")
    if len(parts) > MAX_PARTIES:
        raise _refuse(f"at most {MAX_PARTIES} shares", field=field, rule="shares")
    return [number(part, field=field) for part in parts]


def zones(text: str, *, field: str = "zones") -> list[Zone]:
    """``island=3,off-island=1``: each zone's name and its weight in the split."""
    parts = [part for part in str(text).split(",")]
    if not parts or len(parts) > MAX_ZONES:
        raise _refuse(f"name 1 to {MAX_ZONES} zones as name=ratio", field=field, rule="zones")
    result = []
    for part in parts:
        zone, sep, weight = part.partition("=")
        if not sep:
            raise _refuse(f"{part[:40]!r} is not name=ratio (e.g. island=3)", field=field, rule="zones")
        zone = name(zone, field=field)
        if zone in ("total", UNALLOCATED):
            raise _refuse(f"{zone!r} is a reserved word, not a zone", field=field, rule="zones")
        result.append(Zone(zone, number(weight, field=field)))
    return result


def _rows(data: bytes | str, *, source: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    if isinstance(data, bytes):
        if len(data) > MAX_CSV_BYTES:
            raise _refuse(f"larger than {MAX_CSV_BYTES} bytes", field=source, rule="size")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _refuse("not UTF-8 text", field=source, rule="encoding") from None
    if len(data) > MAX_CSV_BYTES:
        raise _refuse(f"larger than {MAX_CSV_BYTES} bytes", field=source, rule="size")
    reader = csv.DictReader(io.StringIO(data))
    header = [column.strip() for column in reader.fieldnames or []]
    missing = [column for column in required if column not in header]
    if missing:
        raise _refuse(f"the header lacks the column(s) {', '.join(missing)}; expected {','.join(required)}",
                      field=f"{source}:1", rule="columns")
    reader.fieldnames = header
    rows = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise _refuse("more cells than columns", field=f"{source}:{line}", rule="columns")
        rows.append((line, {key: (value or "") for key, value in row.items()}))
        if len(rows) > MAX_PARTIES:
            raise _refuse(f"at most {MAX_PARTIES} rows", field=source, rule="too_many")
    if not rows:
        raise _refuse("no rows", field=source, rule="empty")
    return rows


def scores_csv(data: bytes | str, *, source: str = "scores") -> list[Score]:
    """Columns platform,score,new_entrant (new_entrant may be left empty: not new)."""
    result = []
    for line, row in _rows(data, source=source, required=("platform", "score")):
        flag = row.get("new_entrant", "").strip().lower()
        if flag not in TRUE | FALSE:
            raise _refuse("new_entrant is 1/0, true/false or yes/no", field=f"{source}:{line}:new_entrant",
                          rule="boolean")
        result.append(Score(name(row["platform"], field=f"{source}:{line}:platform"),
                            number(row["score"], field=f"{source}:{line}:score"), new_entrant=flag in TRUE))
    return result


def standings_csv(data: bytes | str, *, source: str = "scores") -> list[Standing]:
    """Columns platform,quota,score,prior_failures: the current quota, this quarter's score, and how many
    quarters in a row the platform failed just before this one (0 when it passed last quarter)."""
    result = []
    for line, row in _rows(data, source=source, required=("platform", "quota", "score")):
        result.append(Standing(name(row["platform"], field=f"{source}:{line}:platform"),
                               integer(row["quota"], field=f"{source}:{line}:quota"),
                               number(row["score"], field=f"{source}:{line}:score"),
                               integer(row.get("prior_failures") or "0", field=f"{source}:{line}:prior_failures")))
    return result


METHODS = ("rank-shares", "penalty-ladder")
RANK_SHARES_OPTIONS = ("total", "reserve_new", "shares", "pass_mark", "zones")
PENALTY_LADDER_OPTIONS = ("zones", "fail_below", "cuts", "suspend_at", "reward_at", "by")


def allocation_compute(*, method: str, csv_data: bytes | str, options: dict[str, str], csv_name: str = "scores"
                       ) -> Allocation:
    """One allocation from text options and a CSV: what the command line, the hub's pages and its API run.

    penalty-ladder options left out take the Tianjin 2019 values (``parameters.PENALTY_LADDER``)."""
    import datetime as dt

    from sharecity.hub.quota.parameters import penalty_ladder_at
    from sharecity.hub.quota.rules import Ladder, penalty_ladder, rank_shares

    def option(key: str) -> str:
        value = options.get(key)
        if value is None or str(value).strip() == "":
            raise _refuse(f"required by {method}", field=key, rule="required")
        if len(str(value)) > 20_000:
            raise _refuse("too long", field=key, rule="size")
        return str(value)

    if method == "rank-shares":
        unknown = sorted(set(options) - set(RANK_SHARES_OPTIONS))
        if unknown:
            raise _refuse(f"not an option of rank-shares: {', '.join(unknown)}", field=unknown[0], rule="option")
        return rank_shares(total=integer(option("total"), field="total"),
                           reserve_new=integer(option("reserve_new"), field="reserve_new"),
                           shares=shares(option("shares")), pass_mark=number(option("pass_mark"), field="pass_mark"),
                           zones=zones(option("zones")), scores=scores_csv(csv_data, source=csv_name))
    if method == "penalty-ladder":
        unknown = sorted(set(options) - set(PENALTY_LADDER_OPTIONS))
        if unknown:
            raise _refuse(f"not an option of penalty-ladder: {', '.join(unknown)}", field=unknown[0], rule="option")
        published = penalty_ladder_at(city_code="120100", day=dt.date(2019, 8, 1)).ladder
        present = {key: str(value) for key, value in options.items() if value is not None and str(value) != ""}
        ladder = Ladder(
            fail_below=number(present["fail_below"], field="fail_below") if "fail_below" in present
            else published.fail_below,
            cuts=tuple(shares(present["cuts"], field="cuts")) if "cuts" in present else published.cuts,
            suspend_at=integer(present["suspend_at"], field="suspend_at") if "suspend_at" in present
            else published.suspend_at,
            reward_at=number(present["reward_at"], field="reward_at") if "reward_at" in present
            else published.reward_at,
            by=present.get("by", published.by),
        )
        return penalty_ladder(ladder=ladder, zones=zones(option("zones")),
                              standings=standings_csv(csv_data, source=csv_name))
    raise _refuse(f"choose one of {', '.join(METHODS)}", field="method", rule="method")
