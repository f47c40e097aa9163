from __future__ import annotations

from django.db.models import QuerySet

from sharecity.market.complaints.models import Complaint


def complaints_of_platform(*, platform) -> QuerySet[Complaint]:
    return Complaint.objects.filter(platform=platform).select_related("booking", "booking__space")


def complaints_of_user(*, platform, user) -> QuerySet[Complaint]:
    return complaints_of_platform(platform=platform).filter(complainant=user)
