from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.models import User
from sharecity.kernel.services import fact_record
from sharecity.market.accounts.selectors import party_key
from sharecity.market.complaints.models import Complaint, ComplaintCategory, Remedy
from sharecity.market.parking.errors import NotYourBooking
from sharecity.market.parking.models import Booking
from sharecity.market.parking.selectors import booking_party_role


@transaction.atomic
def complaint_file(*, actor: User, booking: Booking, category: str, description: str, remedy: str) -> Complaint:
    if booking_party_role(booking=booking, user=actor) != "customer":
        raise NotYourBooking(_("You can only complain about your own bookings."), field="booking_id")
    if category not in ComplaintCategory.values:
        raise InvalidInput(_("Choose a complaint category."), field="category")
    if remedy not in Remedy.values:
        raise InvalidInput(_("Choose the remedy you want."), field="remedy")
    description = description.strip()
    if not 5 <= len(description) <= 2000:
        raise InvalidInput(_("Describe what happened in 5 to 2000 characters."), field="description")
    complaint = Complaint.objects.create(platform=booking.platform, booking=booking, complainant=actor,
                                         category=category, description=description, remedy=remedy)
    fact_record(
        actor=actor, action="complaint.file", target_type="complaint", target_id=complaint.public_id,
        platform_id=booking.platform.exchange_id, message_type="complaint.filed",
        payload=payload_build("complaint.filed", complaint_id=str(complaint.public_id),
                              order_id=str(booking.public_id), district=booking.space.district_code,
                              category=category, complainant_key=party_key(actor)),
        audit_data={"category": category, "remedy": remedy},
    )
    return complaint
