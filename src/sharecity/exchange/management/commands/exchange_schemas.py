"""``sharecity manage exchange_schemas [--check]``: publish the exchange's JSON Schemas and examples."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sharecity.exchange.published import stale_files, write_files

DEFAULT_ROOT = Path(__file__).resolve().parents[5] / "docs" / "exchange"


class Command(BaseCommand):
    help = "Write docs/exchange/schemas/*.json and docs/exchange/examples/*.json from the code; --check only compares."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="exit non-zero if the files are not up to date")
        parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="the docs/exchange directory")

    def handle(self, *args, check: bool = False, root: Path = DEFAULT_ROOT, **options) -> None:
        if check:
            stale = stale_files(root)
            if stale:
                raise CommandError(
                    "out of date, run `sharecity manage exchange_schemas`: " + ", ".join(stale)
                )
            self.stdout.write(f"exchange schemas and examples in {root} are up to date")
            return
        changed = write_files(root)
        for path in changed:
            self.stdout.write(f"wrote {root / path}")
        self.stdout.write(f"{len(changed)} file(s) changed in {root}")
