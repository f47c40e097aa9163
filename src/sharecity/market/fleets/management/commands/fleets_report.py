"""Send the city a platform's fleet reports from a CSV (one row per zone and period), as the platform itself.

Columns: report_id (optional), city, zone, period_start, period_end, vehicles_deployed, vehicles_good,
parking_checked, parking_compliant, dispatch_requests, dispatch_response_minutes (empty when no request).
All rows or none: a bad row refuses the file naming its line and field (exit code 2).
"""

from __future__ import annotations

import csv

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sharecity.kernel.errors import ShareCityError
from sharecity.market.fleets.services import FIELDS, fleet_report
from sharecity.market.platforms.models import Platform

INTEGERS = {"vehicles_deployed", "vehicles_good", "parking_checked", "parking_compliant", "dispatch_requests",
            "dispatch_response_minutes"}
MAX_BYTES = 1_000_000


class Command(BaseCommand):
    help = "Send fleet.reported messages for a platform from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("--platform", required=True, help="the platform's short name (slug)")
        parser.add_argument("--file", required=True, help="the CSV file")

    def handle(self, *args, **options):
        platform = Platform.objects.filter(slug=str(options["platform"])[:40]).first()
        if platform is None:
            raise CommandError(f"--platform: no platform {options['platform']!r}", returncode=2)
        try:
            with open(options["file"], encoding="utf-8-sig") as handle:
                text = handle.read(MAX_BYTES + 1)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"--file: cannot read {options['file']!r}: {error}", returncode=2) from None
        if len(text) > MAX_BYTES:
            raise CommandError(f"--file: larger than {MAX_BYTES} characters", returncode=2)
        sent = 0
        try:
            with transaction.atomic():
                for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
                    fields = {}
                    for name, value in row.items():
                        if name is None or name not in (*FIELDS, "report_id"):
                            raise CommandError(f"line {line}: unknown column {name!r}", returncode=2)
                        value = (value or "").strip()
                        if name in INTEGERS:
                            if value == "":
                                fields[name] = None
                                continue
                            if not value.isdigit() or len(value) > 18:
                                raise CommandError(f"line {line}: {name}: {value[:20]!r} is not a whole number of "
                                                   "0 or more", returncode=2)
                            fields[name] = int(value)
                        else:
                            fields[name] = value
                    report_id = fields.pop("report_id", None) or None
                    try:
                        fleet_report(actor=None, platform=platform, machine=True, report_id=report_id, **fields)
                    except ShareCityError as error:
                        raise CommandError(f"line {line}: {error.field}: {error.message}", returncode=2) from None
                    sent += 1
        except CommandError:
            raise
        self.stdout.write(f"{sent} fleet report(s) queued for the city.")
