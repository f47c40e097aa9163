from __future__ import annotations

from django.utils import timezone

from sharecity.market.fleets.models import AssignedQuota, FleetReport
from sharecity.market.platforms.models import Platform


def quotas_in_force(*, platform: Platform) -> list[AssignedQuota]:
    """Per city and zone, the latest quota that has taken effect."""
    now = timezone.now()
    seen: dict[tuple[str, str], AssignedQuota] = {}
    for quota in AssignedQuota.objects.filter(platform=platform, effective_from__lte=now).order_by(
            "-effective_from", "-id"):
        seen.setdefault((quota.city_code, quota.zone), quota)
    return sorted(seen.values(), key=lambda q: (q.city_code, q.zone))


def quotas_received(*, platform: Platform):
    return AssignedQuota.objects.filter(platform=platform).order_by("-effective_from", "zone")


def reports_list(*, platform: Platform):
    return FleetReport.objects.filter(platform=platform).order_by("-created_at", "-id")
