from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery

from sharecity.hub.identity.models import IdentityReview, ReviewReason
from sharecity.hub.registry.selectors import regulator_profile_for


def identity_reviews(*, reason: str = "", platform_id: str = "") -> QuerySet[IdentityReview]:
    """The queue, newest first, each with how many requests in the whole city claim the same
    identity (several accounts on several platforms claiming one number stand out)."""
    claims = (IdentityReview.objects.filter(claimed_key=OuterRef("claimed_key")).order_by()
              .values("claimed_key").annotate(n=Count("id")).values("n"))
    reviews = IdentityReview.objects.annotate(claims=Subquery(claims))
    if reason in ReviewReason.values:
        reviews = reviews.filter(reason=reason)
    if platform_id:
        reviews = reviews.filter(platform_id=platform_id)
    return reviews


def may_review_identities(user) -> bool:
    """The city's regulator staff and the hub's operators see the queue; no one else."""
    return bool(getattr(user, "is_authenticated", False)) and (user.is_staff or regulator_profile_for(user) is not None)
