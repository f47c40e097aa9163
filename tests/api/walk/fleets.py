"""Fleet routes in the tenant walk: a platform reports its own fleet and reads its own quotas only."""

from __future__ import annotations

from sharecity.market.fleets.models import AssignedQuota, FleetReport
from sharecity.market.fleets.services import fleet_report
from sharecity.market.platforms.services import operator_add
from tests import factories


def prepare(tenant) -> None:
    operator = factories.make_user(platform=tenant.platform)
    operator_add(actor=None, platform=tenant.platform, user=operator)
    tenant.fleet_report = fleet_report(actor=operator, platform=tenant.platform, report_id="walk-1", city="350200",
                                       zone="island", period_start="2025-07-01", period_end="2025-09-30",
                                       vehicles_deployed=10, vehicles_good=9, parking_checked=5, parking_compliant=5,
                                       dispatch_requests=0)


def OBJECT_IDS(tenant):
    return [tenant.fleet_report.public_id]


BODIES = {
    ("POST", "/p/{platform}/fleets/reports"): lambda t: {
        "city": "350200", "zone": "island", "period_start": "2025-07-01", "period_end": "2025-09-30",
        "vehicles_deployed": 1, "vehicles_good": 1, "parking_checked": 0, "parking_compliant": 0,
        "dispatch_requests": 0},
}


def SNAPSHOT(platform):
    return {
        "fleet_reports": list(FleetReport.objects.filter(platform=platform).order_by("pk").values()),
        "assigned_quotas": list(AssignedQuota.objects.filter(platform=platform).order_by("pk").values()),
    }
