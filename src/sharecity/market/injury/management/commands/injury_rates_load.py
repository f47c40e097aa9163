"""Load dated occupational-injury contribution rates from a CSV (UTF-8):

    province_code,industry,effective_from,fen_per_order,source,verified
    12,travel,2025-07-01,<fen>,<notice number and article>,yes

then compute the contributions of the orders that waited for them."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sharecity.kernel.errors import ShareCityError
from sharecity.market.injury.services import rates_load, rates_parse


class Command(BaseCommand):
    help = "Load dated occupational-injury contribution rates (按单缴费) from a CSV, each row with its source."

    def add_arguments(self, parser):
        parser.add_argument("csv", help="path of the CSV file")

    def handle(self, *args, **options):
        path = Path(options["csv"])
        if not path.is_file() or path.stat().st_size > 1_000_000:
            raise CommandError(f"{path}: not a file of at most 1 MB")
        try:
            rows = rates_parse(path.read_text(encoding="utf-8-sig"))
            loaded = rates_load(actor=None, rows=rows)
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text") from None
        except ShareCityError as error:
            raise CommandError(f"{error.field}: {error.message}") from None
        self.stdout.write(f"{len(loaded)} rate(s) loaded")
