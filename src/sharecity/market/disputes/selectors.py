from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sharecity.market.disputes.errors import DisputeNotFound, NotAParty
from sharecity.market.disputes.models import Dispute, DisputeStatus
from sharecity.market.reviews.orderlink import party_role


def disputes_of_order(*, order, user) -> list[Dispute]:
    """An order's disputes with their decisions: shown to both sides and the operator, to no one else."""
    if party_role(order=order, user=user) is None:
        raise NotAParty(_("Only the two sides of an order and the platform's operator see its disputes."),
                        field="order_id")
    return list(Dispute.objects.filter(order=order).select_related("opened_by", "decided_by").order_by("-id"))


def open_dispute_of(*, order) -> Dispute | None:
    return Dispute.objects.filter(order=order, status=DisputeStatus.OPEN).first()


def dispute_queue(*, platform) -> dict:
    base = Dispute.objects.filter(platform=platform).select_related("order__listing", "opened_by", "order__customer",
                                                                    "order__provider")
    return {"open": list(base.filter(status=DisputeStatus.OPEN).order_by("created_at")),
            "decided": list(base.exclude(status=DisputeStatus.OPEN).order_by("-decided_at")[:50])}


def dispute_get(*, platform, public_id) -> Dispute:
    dispute = Dispute.objects.select_related("order", "platform").filter(platform=platform, public_id=public_id).first()
    if dispute is None:
        raise DisputeNotFound(_("No such dispute on this platform."), field="dispute_id")
    return dispute


def disputes_of_platform(*, platform) -> QuerySet[Dispute]:
    return Dispute.objects.filter(platform=platform)
