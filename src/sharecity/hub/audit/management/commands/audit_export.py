"""Write the audit log as JSON lines, one entry a line, for ``audit_verify --file`` elsewhere."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from sharecity.hub.audit.chain import canonical_json
from sharecity.hub.audit.selectors import audit_rows


class Command(BaseCommand):
    help = "Export the audit log (JSON lines) so it can be verified without the database."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the file to write, or - for standard output")

    def handle(self, *args, **options):
        out = options["out"]
        try:
            handle = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error}", returncode=2) from None
        count = 0
        try:
            for row in audit_rows():
                handle.write(canonical_json(row) + "\n")
                count += 1
        finally:
            if handle is not sys.stdout:
                handle.close()
        if out != "-":
            self.stdout.write(f"{count} entries written to {out}")
