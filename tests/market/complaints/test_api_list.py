"""The API's complaint list shows complaints about marketplace orders as well as parking bookings."""

from __future__ import annotations

import datetime as dt

import pytest

from sharecity.market.complaints.services import complaint_file, complaint_file_order
from sharecity.market.parking.services import booking_create
from tests import factories
from tests.market.reviews.trust import make_order

pytestmark = pytest.mark.django_db


def test_complaints_about_orders_and_bookings_are_listed(client, platform, provider, customer):
    order = make_order(platform, provider, customer)
    on_order = complaint_file_order(actor=customer, order=order, category="not_as_described",
                                    description="仪器与描述不符，缺少配件", remedy="refund")
    space = factories.make_space(platform, provider)
    start = factories.next_slot(24)
    booking = booking_create(actor=customer, platform=platform, space_id=space.public_id, customer=customer,
                             starts_at=start, ends_at=start + dt.timedelta(hours=1))
    on_booking = complaint_file(actor=customer, booking=booking, category="access", description="道闸没有打开",
                                remedy="apology")
    key = factories.api_key(platform)
    url = f"/api/v1/p/{platform.slug}/complaints"
    expected = {(str(on_order.public_id), None, str(order.public_id)),
                (str(on_booking.public_id), str(booking.public_id), None)}
    for headers in ({"X-API-Key": key}, {"X-API-Key": key, "X-Acting-User": str(customer.public_id)}):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.content
        assert {(c["id"], c["booking_id"], c["order_id"]) for c in response.json()} == expected
