"""``sharecity manage monitoring_recompute [--start DAY] [--end DAY]``: rebuild the day-grain statistics
of a range of days (all by default) from the messages the hub received, with a progress bar."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from sharecity.hub.monitoring.recompute import monitoring_recompute


def _day(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{name}: a day as YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = ("Recompute the monitoring statistics (DailyStat, DailyParty) of days START to END (city time, "
            "inclusive; every day by default) from the received messages, replacing those rows at once.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--start", help="first day, YYYY-MM-DD")
        parser.add_argument("--end", help="last day, YYYY-MM-DD")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, start: str | None = None, end: str | None = None, no_progress: bool = False,
               **options) -> None:
        first = _day(start, "--start") if start else None
        last = _day(end, "--end") if end else None
        if first and last and last < first:
            raise CommandError("--end: must not be before --start")
        bar = tqdm(unit="msg", desc="facts", disable=no_progress, file=self.stderr)

        def total(count: int) -> None:
            bar.total = count
            bar.refresh()

        try:
            report = monitoring_recompute(start=first, end=last, progress=bar.update, total=total)
        finally:
            bar.close()
        self.stdout.write(f"{report['messages']:,} messages read; {report['daily_stats']:,} daily statistics and "
                          f"{report['daily_parties']:,} daily parties written for "
                          f"{first or 'the first day'} to {last or 'the last day'}")
