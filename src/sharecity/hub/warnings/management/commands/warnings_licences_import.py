"""``sharecity manage warnings_licences_import FILE.csv``: load the city's lodging-licence register, so that the
homestay rule flags only homestays whose host holds no valid licence. CSV (UTF-8, with or without a BOM, as Excel
writes it) with a header: city_code, district_code, licence_number, holder_key or holder_id_number, valid_from,
valid_until (ISO dates; valid_until may be empty). All or nothing: a bad row names its line and column."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sharecity.hub.warnings.services import LICENCE_COLUMNS, lodging_licences_import
from sharecity.kernel.errors import ShareCityError

MAX_ROWS = 1_000_000


class Command(BaseCommand):
    help = "Load the lodging-licence register (CSV) the homestay warning rule checks homestays against."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the register as CSV, with a header row")

    def handle(self, *args, path: str, **options) -> None:
        try:
            with Path(path).open(encoding="utf-8-sig", newline="") as source:
                reader = csv.DictReader(source)
                unknown = sorted(set(reader.fieldnames or ()) - set(LICENCE_COLUMNS))
                if not reader.fieldnames or unknown:
                    raise CommandError(f"{path}: the header names columns among {', '.join(LICENCE_COLUMNS)}"
                                       + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
                rows = []
                for row in reader:
                    rows.append(row)
                    if len(rows) > MAX_ROWS:
                        raise CommandError(f"{path}: at most {MAX_ROWS:,} licences at once")
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"{path}: {error}") from error
        try:
            created, updated = lodging_licences_import(rows=rows)
        except ShareCityError as error:
            raise CommandError(f"{path}: {error.field}: {error.message} (nothing was imported)") from error
        self.stdout.write(f"Lodging licences: {created} added, {updated} updated.")
