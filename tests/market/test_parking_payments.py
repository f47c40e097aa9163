"""A parking booking is paid before it is confirmed, with the marketplace's ledger entries; cancelling before
the stay refunds it from escrow, completing it pays the provider."""

from __future__ import annotations

import pytest

from sharecity.market.parking.models import Booking, BookingState
from sharecity.market.parking.services import booking_cancel, booking_complete
from sharecity.market.payments import selectors as ledger
from sharecity.market.payments.errors import PaymentFailed
from sharecity.market.payments.gateway import OfflineGateway
from sharecity.market.payments.models import JournalEntry
from tests.market.helpers import new_facts, nothing_written
from tests.market.payments.helpers import total_of_all_accounts
from tests.market.test_bookings import DAYTIME, at, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def daytime_space(platform, provider):
    from tests import factories

    return factories.make_space(platform, provider, price_fen=800, windows=DAYTIME)


def test_the_booking_is_confirmed_with_its_payment_held_in_escrow(daytime_space, customer):
    with new_facts("order.created", actions=("payments.payment_collect", "parking.booking_create")):
        booking = book(daytime_space, customer, at(9), at(11, 30))
    assert booking.state == BookingState.CONFIRMED
    balance = ledger.order_balance(order_ref=str(booking.public_id))
    assert (balance.paid_fen, balance.escrow_fen, balance.customer_id) == (2_000, 2_000, customer.pk)
    [payment] = ledger.entries_of_order(order_ref=str(booking.public_id))
    assert payment.kind == "payment" and payment.gateway_reference
    assert total_of_all_accounts(daytime_space.platform) == 0


def test_a_refused_payment_books_nothing(daytime_space, customer):
    OfflineGateway.fail_for(f"pay:{daytime_space.platform.pk}:payment:")
    try:
        with nothing_written(), pytest.raises(PaymentFailed):
            book(daytime_space, customer, at(9), at(10))
    finally:
        OfflineGateway.reset()
    assert not Booking.objects.exists() and not JournalEntry.objects.exists()


def test_cancelling_before_the_stay_refunds_everything_from_escrow(daytime_space, customer):
    booking = book(daytime_space, customer, at(9), at(11, 30))
    with new_facts("order.state_changed",
                   actions=("payments.refund", "parking.booking_cancel")) as facts:
        booking_cancel(actor=customer, booking=booking)
    payload = facts["outbox"][0].payload
    assert (payload["state"], payload["previous_state"], payload["refund_fen"], payload["amount_fen"]) == (
        "cancelled", "confirmed", 2_000, 0)
    balance = ledger.order_balance(order_ref=str(booking.public_id))
    assert (balance.refunded_fen, balance.escrow_fen) == (2_000, 0)
    assert total_of_all_accounts(daytime_space.platform) == 0


def test_completing_the_stay_pays_the_provider_from_escrow(daytime_space, customer, provider):
    booking = book(daytime_space, customer, at(9), at(11, 30))
    Booking.objects.filter(pk=booking.pk).update(starts_at=at(9, day=at(9).date().replace(year=2020)))
    booking.refresh_from_db()
    booking_complete(actor=None, booking=booking)
    balance = ledger.order_balance(order_ref=str(booking.public_id))
    assert (balance.escrow_fen, balance.released_fen) == (0, 2_000)
    assert ledger.provider_summary(platform=daytime_space.platform, provider=provider).payable_fen == 2_000


def test_an_upheld_complaint_about_a_booking_refunds_it_once(daytime_space, customer):
    from sharecity.kernel.errors import InvalidInput
    from sharecity.market.complaints.services import complaint_file, complaint_resolve
    from tests.market.reviews.trust import make_operator

    operator = make_operator(daytime_space.platform)
    booking = book(daytime_space, customer, at(9), at(11, 30))
    complaint = complaint_file(actor=customer, booking=booking, category="access",
                               description="车位被他人占用，无法停车", remedy="refund")
    with nothing_written(), pytest.raises(InvalidInput) as caught:
        complaint_resolve(actor=operator, complaint=complaint, outcome="upheld", refund_fen=2_001)
    assert caught.value.field == "refund_fen"
    with new_facts("order.refunded", "complaint.resolved") as facts:
        complaint_resolve(actor=operator, complaint=complaint, outcome="upheld", refund_fen=1_500)
    refunded = facts["outbox"][0].payload
    assert (refunded["order_id"], refunded["amount_fen"], refunded["from_escrow_fen"], refunded["complaint_id"]) == (
        str(booking.public_id), 1_500, 1_500, str(complaint.public_id))
    balance = ledger.order_balance(order_ref=str(booking.public_id))
    assert (balance.refunded_fen, balance.escrow_fen) == (1_500, 500)
    # Cancelling afterwards gives back only what is left.
    with new_facts("order.state_changed") as facts:
        booking_cancel(actor=customer, booking=booking)
    assert facts["outbox"][0].payload["refund_fen"] == 500
    assert ledger.order_balance(order_ref=str(booking.public_id)).refunded_fen == 2_000
