"""``sharecity manage opendata_refresh [--dataset NAME ...]``: rebuild the open datasets from the hub's facts
now; a dataset whose rows changed gets a new immutable version (idempotent otherwise)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sharecity.hub.opendata.catalog import REGISTRY
from sharecity.hub.opendata.services import datasets_refresh


class Command(BaseCommand):
    help = "Rebuild the open datasets and keep a new version of each one that changed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dataset", action="append", default=[], help="only this dataset (repeatable)")

    def handle(self, *args, dataset: list[str], **options) -> None:
        unknown = [name for name in dataset if name not in REGISTRY]
        if unknown:
            raise CommandError(f"--dataset: unknown {', '.join(unknown)}; one of {', '.join(sorted(REGISTRY))}")
        for result in datasets_refresh(names=dataset or None):
            state = "new version" if result.created else "unchanged"
            self.stdout.write(f"{result.dataset}: v{result.version} ({result.row_count} rows, {state})")
