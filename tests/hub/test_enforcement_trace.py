"""Source tracing (源头追溯) over the hub's fact store: from a complaint or an inspected listing back to
the listing, its provider and platform, and on to the provider's related orders and their other buyers,
shown only by their pseudonymous keys and only within the officer's jurisdiction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.enforcement.selectors import trace
from sharecity.hub.intake.services import intake_pump, intake_receive
from sharecity.hub.registry.jurisdiction import jurisdiction_for
from sharecity.kernel.errors import NotFound
from tests.factories import credit_code
from tests.hub.enforcement_support import HULI, SIMING, client_of, officer
from tests.hub.hostile import listing, order
from tests.hub.slice import next_in_chain, run_slice

pytestmark = pytest.mark.django_db

PROVIDER = "pk-trace-provider-01"


def send(platform_id: str, message_type: str, payload: dict) -> None:
    outcome = intake_receive(next_in_chain(platform_id, message_type=message_type, payload=payload).to_bytes())
    assert outcome.name == "APPLIED", outcome


@pytest.fixture
def facts():
    pid = run_slice(district=SIMING, name="溯源测试平台", credit_code=credit_code(division=SIMING)).platform_id
    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)
    starts = (timezone.now() + dt.timedelta(days=1)).astimezone(dt.UTC)
    ends = starts + dt.timedelta(hours=1)
    send(pid, "listing.published", listing(listing_id="L-heater-1", provider_key=PROVIDER, category="parking",
                                           title="夜间车位 A"))
    send(pid, "listing.published", listing(listing_id="L-heater-2", provider_key=PROVIDER, category="parking",
                                           title="夜间车位 B"))
    send(pid, "listing.published", listing(listing_id="L-other", provider_key="pk-trace-someone-else",
                                           title="别人的车位"))
    for number, (customer, district) in enumerate((("pk-buyer-aaaa-0001", SIMING), ("pk-buyer-bbbb-0002", SIMING),
                                                   ("pk-buyer-cccc-0003", SIMING), ("pk-buyer-huli-0004", HULI))):
        send(pid, "order.created", order(order_id=f"O-trace-{number}", listing_id="L-heater-1", category="parking",
                                         district=district, customer_key=customer, provider_key=PROVIDER,
                                         starts_at=starts.isoformat(), ends_at=ends.isoformat()))
    send(pid, "complaint.filed", {"complaint_id": "C-trace-1", "order_id": "O-trace-0", "district": SIMING,
                                  "category": "safety", "complainant_key": "pk-buyer-aaaa-0001"})
    return pid


def test_from_a_complaint_to_the_provider_its_listings_orders_and_other_buyers(facts):
    siming = jurisdiction_for(officer("siming", district=SIMING))
    found = trace(jurisdiction=siming, platform_id=facts, complaint_id="C-trace-1")
    assert found["provider"] == PROVIDER and found["category"] == "parking"
    assert found["platform"]["name"] == "溯源测试平台"
    assert {row["listing_id"] for row in found["listings"]} == {"L-heater-1", "L-heater-2"}
    assert {row["order_id"] for row in found["orders"]} == {"O-trace-0", "O-trace-1", "O-trace-2"}
    # The complainant is not among the "other" buyers; the Huli order is outside Siming's jurisdiction.
    assert found["other_buyers"] == ["pk-buyer-bbbb-0002", "pk-buyer-cccc-0003"]
    assert found["related_complaints"] == ["C-trace-1"]


def test_from_an_inspected_listing_and_the_city_sees_every_district(facts):
    xiamen = jurisdiction_for(officer("xiamen"))
    found = trace(jurisdiction=xiamen, platform_id=facts, listing_id="L-heater-1")
    assert found["listing"]["title"] == "夜间车位 A" and found["orders_basis"] == "listing"
    assert len(found["orders"]) == 4 and "pk-buyer-huli-0004" in found["other_buyers"]
    assert {row["listing_id"] for row in found["orders"]} == {"L-heater-1"}
    # The provider's other listing in the same category had no orders: none are pinned on it.
    other = trace(jurisdiction=xiamen, platform_id=facts, listing_id="L-heater-2")
    assert other["listing"]["title"] == "夜间车位 B"
    assert other["orders"] == [] and other["other_buyers"] == [] and other["orders_basis"] == "listing"


def test_orders_recorded_without_their_listing_are_shown_and_said_so(facts):
    from sharecity.hub.monitoring.models import OrderFact

    OrderFact.objects.filter(order_id="O-trace-3").update(listing_id="")  # as the hub recorded it before
    xiamen = jurisdiction_for(officer("xiamen"))
    found = trace(jurisdiction=xiamen, platform_id=facts, listing_id="L-heater-2")
    assert [row["order_id"] for row in found["orders"]] == ["O-trace-3"]
    assert found["orders_basis"] == "listing_and_unrecorded"


def test_another_city_or_district_cannot_trace_what_it_does_not_hold(facts):
    for user in (officer("tianjin", city="120100"), officer("huli", district=HULI)):
        with pytest.raises(NotFound):
            trace(jurisdiction=jurisdiction_for(user), platform_id=facts, listing_id="L-heater-1")
        with pytest.raises(NotFound):
            trace(jurisdiction=jurisdiction_for(user), platform_id=facts, complaint_id="C-trace-1")


def test_the_trace_page_and_api_show_the_same_pseudonyms(facts):
    client = client_of(officer("siming", district=SIMING))
    api = client.get(reverse("api-v1:enforcement_trace_complaint", args=[facts, "C-trace-1"]))
    assert api.status_code == 200
    assert api.json()["other_buyers"] == ["pk-buyer-bbbb-0002", "pk-buyer-cccc-0003"]
    by_listing = client.get(reverse("api-v1:enforcement_trace_listing", args=[facts, "L-heater-1"])).json()
    assert by_listing["provider"] == PROVIDER and len(by_listing["orders"]) == 3
    page = client.get(reverse("hub_enforcement:trace"), {"platform_id": facts, "complaint_id": "C-trace-1"})
    assert page.status_code == 200
    assert "pk-buyer-bbbb-0002" in page.text and "O-trace-2" in page.text and "溯源测试平台" in page.text


@pytest.mark.parametrize(("query", "field"), [
    ({"listing_id": "L-heater-1", "complaint_id": "C-trace-1"}, "complaint_id"),
    ({}, "listing_id"),
    ({"listing_id": "L\x01x"}, "listing_id"),
    ({"listing_id": "L" * 500}, "listing_id"),
])
def test_hostile_trace_queries_name_the_field(facts, query, field):
    client = client_of(officer("siming", district=SIMING))
    page = client.get(reverse("hub_enforcement:trace"), {"platform_id": facts, **query})
    assert page.status_code == 400 and f'data-field-error="{field}"' in page.text


@pytest.mark.parametrize(("args", "field"), [
    (["p" * 300, "L-1"], "platform_id"),
    (["p-1", "L\x7fx"], "listing_id"),
    (["p-1", "L" * 500], "listing_id"),
])
def test_hostile_trace_addresses_name_the_field(facts, args, field):
    client = client_of(officer("siming", district=SIMING))
    response = client.get(reverse("api-v1:enforcement_trace_listing", args=args))
    assert response.status_code == 400 and response.json()["field"] == field
    anonymous = client_of(officer("x", district=SIMING))
    anonymous.logout()
    assert anonymous.get(reverse("api-v1:enforcement_trace_listing", args=[facts, "L-heater-1"])).status_code == 401
