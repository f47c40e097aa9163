from __future__ import annotations

from django.db.models import Avg, Count, QuerySet

from sharecity.market.reviews.models import Review


def reviews_of_booking(*, booking) -> QuerySet[Review]:
    return Review.objects.filter(booking=booking)


def space_rating(*, space) -> dict:
    """Average of the customers' ratings of a space."""
    return Review.objects.filter(booking__space=space, author_role="customer").aggregate(
        average=Avg("rating"), count=Count("id")
    )
