from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery

from sharecity.hub.identity.models import IdentityReview, ReviewReason
from sharecity.hub.registry.jurisdiction import Jurisdiction, jurisdiction_for


def identity_reviews(*, reason: str = "", platform_id: str = "",
                     jurisdiction: Jurisdiction | None = None) -> QuerySet[IdentityReview]:
    """The queue, newest first, each with how many requests claim the same identity (several
    accounts on several platforms claiming one number stand out). With ``jurisdiction``: only the
    requests of platforms active or registered in it, and the count among those only, so the
    number says nothing about another city."""
    visible = IdentityReview.objects.all()
    if jurisdiction is not None:
        visible = jurisdiction.filter_platforms(visible)
    claims = (visible.filter(claimed_key=OuterRef("claimed_key")).order_by()
              .values("claimed_key").annotate(n=Count("id")).values("n"))
    reviews = visible.annotate(claims=Subquery(claims))
    if reason in ReviewReason.values:
        reviews = reviews.filter(reason=reason)
    if platform_id:
        reviews = reviews.filter(platform_id=platform_id)
    return reviews


def may_review_identities(user) -> bool:
    """The city's regulator staff and the hub's operators see the queue; no one else."""
    return jurisdiction_for(user) is not None
