from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.kernel.errors import Conflict, InvalidInput
from sharecity.kernel.models import User
from sharecity.kernel.services import fact_record
from sharecity.market.parking.errors import NotYourBooking, WrongState
from sharecity.market.parking.models import Booking, BookingState
from sharecity.market.parking.selectors import booking_party_role
from sharecity.market.reviews.models import Review


@transaction.atomic
def review_create(*, actor: User, booking: Booking, rating: int, comment: str = "") -> Review:
    booking.refresh_from_db(fields=["state"])
    role = booking_party_role(booking=booking, user=actor)
    if role is None:
        raise NotYourBooking(_("You can only review your own bookings."), field="booking_id")
    if booking.state != BookingState.COMPLETED:
        raise WrongState(_("A booking can be reviewed once it is completed."), field="booking_id")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput(_("A rating is a whole number from 1 to 5."), field="rating")
    if len(comment) > 1000:
        raise InvalidInput(_("A comment has at most 1000 characters."), field="comment")
    try:
        with transaction.atomic():
            review = Review.objects.create(platform=booking.platform, booking=booking, author=actor, author_role=role,
                                           rating=rating, comment=comment.strip())
    except IntegrityError:
        raise Conflict(_("You have already reviewed this booking."), field="booking_id",
                       code="review.duplicate") from None
    fact_record(
        actor=actor, action="review.publish", target_type="review", target_id=review.public_id,
        platform_id=booking.platform.exchange_id, message_type="review.published",
        payload=payload_build("review.published", review_id=str(review.public_id), order_id=str(booking.public_id),
                              district=booking.space.district_code, author_role=role, rating=rating),
    )
    return review
