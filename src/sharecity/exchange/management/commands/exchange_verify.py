"""``sharecity exchange verify FILE [--message-id ID] [--json]``: check an exported exchange log.

Needs no database: a regulator or a platform can run it on a copy of the log. Exit code 0
when every check passes, 1 when one fails (each named with its line and rule), 2 when the
file cannot be read as a log.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from sharecity.exchange.logfile import EXIT_UNREADABLE, LogUnreadable, log_verify_file


def _key_pair(text: str) -> tuple[str, str]:
    key_id, sep, key = text.partition("=")
    if not sep or not key_id or not key:
        raise ValueError("expected KEY_ID=PUBLIC_KEY")
    return key_id, key


class Command(BaseCommand):
    help = ("Check an exported exchange log: sequences, hash chain, envelope and batch signatures, Merkle roots "
            "and the hub's receipts; with --message-id, print the message's inclusion proof.")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the log, as written by `sharecity exchange export`")
        parser.add_argument("--message-id", help="print the inclusion proof of this message")
        parser.add_argument("--json", action="store_true", dest="as_json", help="machine-readable output")
        parser.add_argument("--platform-key", help="trust this platform key rather than the one in the header")
        parser.add_argument("--hub-key", action="append", type=_key_pair, metavar="KEY_ID=PUBLIC_KEY",
                            help="trust only these hub keys rather than those in the header (repeatable)")

    def handle(self, *args, file: str, message_id: str | None = None, as_json: bool = False,
               platform_key: str | None = None, hub_key: list[tuple[str, str]] | None = None, **options) -> None:
        try:
            report = log_verify_file(file, message_id=message_id, platform_public_key=platform_key,
                                     hub_keys=dict(hub_key) if hub_key else None)
        except LogUnreadable as error:
            if as_json:
                self.stdout.write(_dumps({"ok": False, "unreadable": True, "error": str(error)}))
            raise CommandError(f"{file}: {error}", returncode=EXIT_UNREADABLE) from None
        self.stdout.write(_dumps(report.as_dict()) if as_json else report.describe())
        if not report.ok:
            raise CommandError(f"{file}: {len(report.problems)} problem(s) found", returncode=report.exit_code)


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
