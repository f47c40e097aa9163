"""``sharecity manage warnings_scan [--force] [--at MOMENT]``: run the warning rules over the facts the hub
received and raise what they find (idempotent; nothing to do when nothing arrived since the last scan)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from sharecity.hub.warnings.services import warnings_scan


class Command(BaseCommand):
    help = "Run the risk-warning rules over the received facts and raise new warnings."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="scan even when nothing new arrived")
        parser.add_argument("--at", help="evaluate as of this moment (ISO 8601 with offset); now by default")

    def handle(self, *args, force: bool = False, at: str | None = None, **options) -> None:
        now = None
        if at:
            try:
                now = dt.datetime.fromisoformat(at)
            except ValueError as error:
                raise CommandError(f"--at: an ISO 8601 moment such as 2026-01-31T23:59:00+08:00, not {at!r}") \
                    from error
            if now.tzinfo is None:
                raise CommandError("--at: give the offset, such as +08:00")
        scan = warnings_scan(now=now, force=force)
        if scan.skipped:
            self.stdout.write("Nothing arrived since the last scan.")
            return
        total = sum(scan.raised.values())
        self.stdout.write(f"Raised {total} new warning(s)" + (": " + ", ".join(
            f"{rule} {count}" for rule, count in sorted(scan.raised.items())) if total else "."))
