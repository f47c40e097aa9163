from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.market.complaints.errors import ComplaintNotFound
from sharecity.market.complaints.models import Complaint, ComplaintPolicy, ComplaintStatus


def complaints_of_platform(*, platform) -> QuerySet[Complaint]:
    return Complaint.objects.filter(platform=platform).select_related("booking", "booking__space", "order",
                                                                      "order__listing")


def complaints_of_user(*, platform, user) -> QuerySet[Complaint]:
    return complaints_of_platform(platform=platform).filter(complainant=user)


def complaints_of_order(*, order, user=None) -> QuerySet[Complaint]:
    complaints = Complaint.objects.filter(order=order).prefetch_related("evidence")
    return complaints.filter(complainant=user) if user is not None else complaints


def complaint_get(*, platform, public_id) -> Complaint:
    complaint = (Complaint.objects.select_related("platform", "order__listing", "booking__space", "complainant")
                 .filter(platform=platform, public_id=public_id).first())
    if complaint is None:
        raise ComplaintNotFound(_("No such complaint on this platform."), field="complaint_id")
    return complaint


def complaints_overdue(*, platform, now: dt.datetime | None = None) -> QuerySet[Complaint]:
    """Complaints the platform has not answered by its own time limit, oldest first."""
    now = now or timezone.now()
    return (complaints_of_platform(platform=platform)
            .filter(status=ComplaintStatus.FILED, answer_due_at__lt=now).order_by("answer_due_at"))


def complaint_queue(*, platform, now: dt.datetime | None = None) -> dict:
    """The operator's view: overdue first, then open ones by due time, then the recently closed."""
    now = now or timezone.now()
    base = complaints_of_platform(platform=platform).select_related("complainant").prefetch_related("evidence")
    return {
        "overdue": list(base.filter(status=ComplaintStatus.FILED, answer_due_at__lt=now).order_by("answer_due_at")),
        "open": list(base.filter(status=ComplaintStatus.FILED).exclude(answer_due_at__lt=now)
                     .order_by("answer_due_at", "id")[:100]),
        "escalated": list(base.filter(status=ComplaintStatus.ESCALATED).order_by("-escalated_at")[:100]),
        "answered": list(base.filter(status=ComplaintStatus.ANSWERED).order_by("-answered_at")[:50]),
        "resolved": list(base.filter(status=ComplaintStatus.RESOLVED).order_by("-resolved_at")[:20]),
    }



def odr_committed(*, platform) -> bool:
    """Whether the platform told the city it settles complaints through online dispute resolution."""
    return ComplaintPolicy.objects.filter(platform=platform, odr_committed=True).exists()
