"""``sharecity exchange export --platform ID --out FILE``: one platform's exchange log, for checking elsewhere."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from sharecity.hub.intake.export import log_export, log_export_file
from sharecity.kernel.errors import ShareCityError


class Command(BaseCommand):
    help = ("Export a platform's exchange log (envelopes, batches, the hub's receipts) as JSON Lines; "
            "check it with `sharecity exchange verify FILE`.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--platform", required=True, help="the platform's exchange id")
        parser.add_argument("--out", required=True, help="the file to write, or - for standard output")

    def handle(self, *args, platform: str, out: str, **options) -> None:
        try:
            if out == "-":
                report = log_export(platform_id=platform, out=sys.stdout)
                self.stderr.write(report.describe())
                return
            report = log_export_file(platform_id=platform, path=out)
        except ShareCityError as error:
            raise CommandError(f"{error.field}: {error.message}" if error.field else str(error.message)) from error
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error.strerror or error}") from error
        self.stdout.write(f"{report.describe()} to {out}")
