"""Timers of the parking context, run by the background task worker."""

from __future__ import annotations

from django_tasks import task

from sharecity.market.parking.models import Booking, BookingState


@task()
def booking_autocomplete(booking_pk: int) -> str:
    """Complete a stay an hour after its end if neither side did. Idempotent."""
    from sharecity.market.parking.services import booking_complete

    booking = Booking.objects.filter(pk=booking_pk, state=BookingState.CONFIRMED).first()
    if booking is None:
        return "nothing to do"
    booking_complete(actor=None, booking=booking)
    return "completed"
