"""Recompute a random inspection plan's draw from its revealed seed and frozen pools, and compare.

Exit 0 when the draw is confirmed, 1 when anything differs (each difference is printed), 2 when there is
no such plan.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from sharecity.hub.inspection.models import InspectionPlan
from sharecity.hub.inspection.selectors import plan_verify


class Command(BaseCommand):
    help = "Verify a random inspection plan's draw (seed commitment, frozen pools, tasks)."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="the plan's number")
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args, **options):
        if not str(options["plan"]).isdigit() or len(str(options["plan"])) > 18:
            raise CommandError(f"PLAN: {options['plan']!r} is not a plan number", returncode=2)
        plan = InspectionPlan.objects.filter(pk=int(options["plan"])).first()
        if plan is None:
            raise CommandError(f"PLAN: there is no inspection plan {options['plan']}", returncode=2)
        report = plan_verify(plan)
        if options["json"]:
            self.stdout.write(json.dumps({"plan": plan.pk, "ok": report.ok, "problems": report.problems,
                                          "checked": report.checked}, ensure_ascii=False))
        else:
            for line in report.checked:
                self.stdout.write(f"checked: {line}")
            for line in report.problems:
                self.stdout.write(f"DIFFERS: {line}")
        if not report.ok:
            raise CommandError(f"plan {plan.pk}: the draw is NOT confirmed ({len(report.problems)} differences)",
                               returncode=1)
        self.stdout.write(f"plan {plan.pk}: the draw is confirmed")
