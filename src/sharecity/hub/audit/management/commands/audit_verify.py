"""Check the regulator's audit log: every entry's hash and its link to the one before.

Exit 0 when intact, 1 when an entry was edited, removed or moved, 2 when the file cannot be read.
With ``--file`` it reads an export (``audit_export``) and never touches the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sharecity.hub.audit.chain import chain_verify, expect_head_check


def _file_rows(path: str, hashes: list[str]) -> Iterator[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError as error:
                    raise CommandError(f"{path}, line {number}: not JSON ({error})", returncode=2) from None
                if not isinstance(row, dict):
                    raise CommandError(f"{path}, line {number}: not a JSON object", returncode=2)
                hashes.append(str(row.get("entry_hash")))
                yield row
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {path}: {error}", returncode=2) from None


def _database_rows(hashes: list[str]) -> Iterator[dict[str, Any]]:
    from sharecity.hub.audit.selectors import audit_rows

    for row in audit_rows():
        hashes.append(row["entry_hash"])
        yield row


class Command(BaseCommand):
    help = "Check the audit log's hash chain (from the database, or an export with --file)."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="an export (JSON lines) to check instead of the database")
        parser.add_argument("--expect-head", help="a head hash recorded earlier, which must still be in the chain")

    def handle(self, *args, **options):
        hashes: list[str] = []
        rows = _file_rows(options["file"], hashes) if options["file"] else _database_rows(hashes)
        # closing: verification stops at the first fault; the file or cursor must not outlive it.
        with closing(rows):
            verdict = chain_verify(rows)
        if options["expect_head"]:
            verdict = expect_head_check(verdict, hashes, expected_head=options["expect_head"])
        if not verdict.intact:
            raise CommandError(f"audit chain broken at {verdict.describe()}", returncode=1)
        self.stdout.write(verdict.describe())
