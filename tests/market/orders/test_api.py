"""The orders API: place at the quoted total, take steps, read what each side may do."""

from __future__ import annotations

import pytest
from django.test import Client

from sharecity.kernel.timeutil import CITY_TZ
from tests import factories
from tests.market.orders.conftest import hour_slot

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1"


def test_a_customer_places_pays_and_the_provider_sees_the_order(platform, instrument, customer, provider):
    client = Client()
    key = factories.api_key(platform)
    as_customer = {"X-API-Key": key, "X-Acting-User": str(customer.public_id)}
    start, end = hour_slot(48, hours=2)
    response = client.post(f"{PREFIX}/p/{platform.slug}/orders", {
        "listing_id": str(instrument.public_id), "starts_at": start.isoformat(),
        "ends_at": end.astimezone(CITY_TZ).isoformat()}, content_type="application/json", headers=as_customer)
    assert response.status_code == 201, response.content
    order = response.json()
    assert (order["state"], order["public_state"], order["total_fen"]) == ("pending_payment", "requested", 60_500)
    assert sum(line["fen"] for line in order["lines"]) == 60_500
    assert order["transitions"] == ["pay", "abandon"]
    url = f"{PREFIX}/p/{platform.slug}/orders/{order['id']}"
    refused = client.post(f"{url}/transitions", {"transition": "accept"}, content_type="application/json",
                          headers=as_customer)
    assert (refused.status_code, refused.json()["code"]) == (400, "order.unknown_transition")
    paid = client.post(f"{url}/transitions", {"transition": "pay"}, content_type="application/json",
                       headers=as_customer)
    assert paid.json()["state"] == "confirmed"
    assert [e["transition"] for e in paid.json()["history"]] == ["place", "pay"]
    as_provider = {"X-API-Key": key, "X-Acting-User": str(provider.public_id)}
    mine = client.get(f"{PREFIX}/p/{platform.slug}/orders", {"role": "provider"}, headers=as_provider).json()
    assert [o["id"] for o in mine] == [order["id"]]
    assert mine[0]["transitions"] == ["provider_cancel", "check_in", "dispute"]
    stranger = {"X-API-Key": key, "X-Acting-User": str(factories.make_user(platform=platform).public_id)}
    seen = client.get(url, headers=stranger).json()  # the platform's own client sees its orders ...
    assert (seen["role"], seen["transitions"]) == (None, [])
    taken = client.post(f"{url}/transitions", {"transition": "customer_cancel"}, content_type="application/json",
                        headers=stranger)
    assert (taken.status_code, taken.json()["code"]) == (403, "order.not_a_party")  # ... but acts only as a party
    assert len(client.get(f"{PREFIX}/p/{platform.slug}/orders", headers={"X-API-Key": key}).json()) == 1
