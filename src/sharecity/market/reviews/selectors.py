from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from sharecity.market.reviews.models import AuthorRole, Review, ReviewFlag
from sharecity.market.reviews.orderlink import party_role


def reviews_of_booking(*, booking) -> QuerySet[Review]:
    """A parking booking's reviews as shown (published at once; hidden ones left out)."""
    return Review.objects.filter(booking=booking, hidden_at__isnull=True)


def space_rating(*, space) -> dict:
    """Average of the customers' ratings of a space."""
    return Review.objects.filter(booking__space=space, author_role="customer", hidden_at__isnull=True).aggregate(
        average=Avg("rating"), count=Count("id")
    )


def review_get(*, platform, public_id) -> Review:
    from django.utils.translation import gettext as _

    from sharecity.market.reviews.errors import ReviewNotFound

    review = Review.objects.filter(platform=platform, public_id=public_id).first()
    if review is None:
        raise ReviewNotFound(_("No such review on this platform."), field="review_id")
    return review


def order_reviews_for(*, order, user) -> list[Review]:
    """An order's reviews as ``user`` may see them: their own always; the other side's only once
    published (blind until then); hidden ones only to the platform's operators."""
    role = party_role(order=order, user=user)
    shown = []
    for review in Review.objects.filter(order=order).select_related("author").order_by("id"):
        if user is not None and review.author_id == getattr(user, "pk", None):
            shown.append(review)
        elif review.published_at is not None and (review.hidden_at is None or role == "operator"):
            shown.append(review)
    return shown


def review_status(*, order, user, now: dt.datetime | None = None) -> dict:
    """What the order page shows about reviews to ``user``: can they review, until when, what they see."""
    from sharecity.market.reviews.services import review_window

    now = now or timezone.now()
    role = party_role(order=order, user=user)
    reviews = order_reviews_for(order=order, user=user)
    own = next((r for r in reviews if r.author_id == getattr(user, "pk", None)), None)
    deadline = order.completed_at + review_window() if order.completed_at else None
    return {
        "role": role,
        "reviews": reviews,
        "own": own,
        "others": [r for r in reviews if r is not own],
        "deadline": deadline,
        "can_review": role in (AuthorRole.CUSTOMER, AuthorRole.PROVIDER) and own is None
        and deadline is not None and now <= deadline,
    }


def listing_reviews(*, listing) -> QuerySet[Review]:
    """The customers' published, shown reviews of a listing, newest first."""
    return (Review.objects.filter(order__listing=listing, author_role=AuthorRole.CUSTOMER,
                                  published_at__isnull=False, hidden_at__isnull=True)
            .select_related("author").order_by("-published_at", "-id"))


def listing_rating(*, listing) -> dict:
    """The listing's aggregate as kept on the listing (customers' published, shown reviews)."""
    listing.refresh_from_db(fields=["rating_sum", "rating_count"])
    count = listing.rating_count
    return {"average": listing.rating_sum / count if count else None, "count": count}


def provider_rating(*, platform, provider) -> dict:
    """Average of the customers' shown ratings of a provider over all their orders and bookings."""
    return Review.objects.filter(
        Q(order__provider=provider) | Q(booking__space__provider=provider), platform=platform,
        author_role=AuthorRole.CUSTOMER, published_at__isnull=False, hidden_at__isnull=True,
    ).aggregate(average=Avg("rating"), count=Count("id"))


def flags_of_platform(*, platform, open_only: bool = True) -> QuerySet[ReviewFlag]:
    flags = ReviewFlag.objects.filter(platform=platform).prefetch_related("reviews__author", "reviews__order__listing")
    return flags.filter(closed_at__isnull=True) if open_only else flags


def flag_get(*, platform, flag_id: int) -> ReviewFlag:
    from django.utils.translation import gettext as _

    from sharecity.market.reviews.errors import ReviewNotFound

    flag = ReviewFlag.objects.filter(platform=platform, pk=flag_id).first()
    if flag is None:
        raise ReviewNotFound(_("No such review flag on this platform."), field="flag_id", code="review.flag_not_found")
    return flag


def reviews_recent_of_platform(*, platform, limit: int = 50) -> QuerySet[Review]:
    """For the operator: the newest published reviews (candidates for hiding)."""
    return (Review.objects.filter(platform=platform, published_at__isnull=False)
            .select_related("author", "order__listing", "booking__space").order_by("-published_at", "-id")[:limit])
