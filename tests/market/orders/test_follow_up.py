"""Online consultation is for follow-up visits only: 《互联网诊疗管理办法（试行）》（国卫医发〔2018〕25号）第十六条
(common and chronic diseases already diagnosed at a physical institution; never a first visit). Dated examples."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.catalog.models import Category
from sharecity.market.orders import requirements
from sharecity.market.orders.errors import FollowUpRequired
from sharecity.market.orders.models import Order
from sharecity.market.orders.services import order_place
from tests import factories
from tests.market.engine_factories import make_listing

RULE = requirements.FOLLOW_UP_RULES[0]
NOW = dt.datetime(2026, 5, 20, 9, 30, tzinfo=CITY_TZ)


def _prior(confirmed=True, institution="厦门大学附属第一医院", on=dt.date(2026, 3, 2)):
    return requirements.PriorDiagnosis(confirmed=confirmed, institution=institution, diagnosed_on=on)


# --- the rule, with dates -------------------------------------------------------------------------

def test_example_a_diagnosis_of_2026_03_02_allows_a_follow_up_booked_on_2026_05_20(in_english):
    cleaned = requirements.prior_diagnosis_clean(rule=RULE, prior=_prior(institution="  厦门市中医院 "), now=NOW)
    assert (cleaned.institution, cleaned.diagnosed_on) == ("厦门市中医院", dt.date(2026, 3, 2))
    # Diagnosed the same day (city date 2026-05-20) is allowed too.
    assert requirements.prior_diagnosis_clean(rule=RULE, prior=_prior(on=dt.date(2026, 5, 20)), now=NOW)


@pytest.mark.parametrize(("prior", "field", "cites_rule"), [
    (_prior(confirmed=False), "follow_up_confirmed", True),
    (_prior(institution="   "), "prior_diagnosis_institution", True),
    (_prior(institution="医院\x00"), "prior_diagnosis_institution", False),
    (_prior(institution="院" * 101), "prior_diagnosis_institution", False),
    (_prior(on=None), "prior_diagnosis_on", True),
    (_prior(on=dt.date(2026, 5, 21)), "prior_diagnosis_on", True),  # tomorrow in Xiamen: a first visit in disguise
])
def test_example_refusals_name_the_field_and_the_rule(prior, field, cites_rule, in_english):
    with pytest.raises(FollowUpRequired) as caught:
        requirements.prior_diagnosis_clean(rule=RULE, prior=prior, now=NOW)
    assert caught.value.field == field and caught.value.code == "order.follow_up_required"
    message = str(caught.value.message)
    assert ("国卫医发〔2018〕25号" in message and "第十六条" in message) is cites_rule


def test_the_city_date_decides_what_is_in_the_future(in_english):
    # 2026-05-20 23:30 UTC is already 2026-05-21 07:30 in Xiamen: a diagnosis dated 05-21 is today, not the future.
    late = dt.datetime(2026, 5, 20, 23, 30, tzinfo=dt.UTC)
    assert requirements.prior_diagnosis_clean(rule=RULE, prior=_prior(on=dt.date(2026, 5, 21)), now=late)


def test_the_rule_applies_to_medical_consultation_from_2018_07_17():
    class Listing:
        category = Category(code="online_consultation", sector="medical_consultation")

    assert requirements.follow_up_rule(listing=Listing, at=NOW) is RULE
    assert requirements.follow_up_rule(listing=Listing, at=dt.datetime(2018, 7, 16, tzinfo=CITY_TZ)) is None
    Listing.category = Category(code="lab_instruments", sector="lab_instruments")
    assert requirements.follow_up_rule(listing=Listing, at=NOW) is None


# --- booking, the page and the API ------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def consultation(platform, provider):
    Category.objects.update_or_create(code="online_consultation", defaults={
        "sector": "medical_consultation", "name_zh": "在线问诊", "name_en": "Online consultation",
        "default_process": "request_to_book", "default_unit": "item"})
    return make_listing(platform, provider, category_code="online_consultation", title="全科医生在线复诊",
                        description="慢性病复诊咨询", price_fen=3_000, capacity=10)


@pytestmark_db
def test_booking_needs_the_prior_diagnosis_and_keeps_it_on_the_order(platform, consultation, customer, in_english):
    with pytest.raises(FollowUpRequired) as caught:
        order_place(actor=customer, platform=platform, listing=consultation, customer=customer)
    assert caught.value.field == "follow_up_confirmed"
    assert not Order.objects.exists()
    today = timezone.now().astimezone(CITY_TZ).date()
    with pytest.raises(FollowUpRequired) as caught:
        order_place(actor=customer, platform=platform, listing=consultation, customer=customer,
                    follow_up_confirmed=True, prior_diagnosis_institution="厦门大学附属中山医院",
                    prior_diagnosis_on=today + dt.timedelta(days=1))
    assert caught.value.field == "prior_diagnosis_on"
    order = order_place(actor=customer, platform=platform, listing=consultation, customer=customer,
                        follow_up_confirmed=True, prior_diagnosis_institution="厦门大学附属中山医院",
                        prior_diagnosis_on=today - dt.timedelta(days=40))
    assert (order.prior_diagnosis_institution, order.prior_diagnosis_on) == (
        "厦门大学附属中山医院", today - dt.timedelta(days=40))


@pytestmark_db
def test_other_listings_ask_nothing_of_the_kind(platform, provider, customer):
    goods = make_listing(platform, provider, category_code="second_hand", price_fen=500)
    order = order_place(actor=customer, platform=platform, listing=goods, customer=customer)
    assert (order.prior_diagnosis_institution, order.prior_diagnosis_on) == ("", None)


@pytestmark_db
def test_the_listing_page_says_follow_up_only_and_the_form_asks(english_client, platform, consultation, customer):
    url = reverse("orders:listing", args=[platform.slug, consultation.public_id])
    html = english_client.get(url).content.decode()
    assert 'data-testid="follow-up-only"' in html and "never a first visit" in html
    assert 'name="prior_diagnosis_institution"' in html and 'name="prior_diagnosis_on"' in html
    english_client.force_login(customer)
    checkout = reverse("orders:checkout", args=[platform.slug, consultation.public_id])
    refused = english_client.post(checkout, {"quantity": 1, "prior_diagnosis_institution": "厦门市第一医院",
                                             "prior_diagnosis_on": "2026-01-05"})
    assert refused.status_code == 400 and "confirm that a hospital or clinic diagnosed" in refused.content.decode()
    placed = english_client.post(checkout, {"quantity": 1, "follow_up_confirmed": "on",
                                            "prior_diagnosis_institution": "厦门市第一医院",
                                            "prior_diagnosis_on": "2026-01-05"})
    assert placed.status_code == 302
    order = Order.objects.get()
    assert (order.prior_diagnosis_institution, order.prior_diagnosis_on) == ("厦门市第一医院", dt.date(2026, 1, 5))
    english_client.force_login(consultation.provider)
    detail = english_client.get(placed["Location"]).content.decode()
    assert 'data-testid="prior-diagnosis"' in detail and "2026-01-05" in detail


@pytestmark_db
def test_the_diagnosis_date_input_offers_past_days_up_to_today(client, platform, consultation):
    html = client.get(reverse("orders:listing", args=[platform.slug, consultation.public_id])).content.decode()
    start = html.index('name="prior_diagnosis_on"')
    tag = html[html.rindex("<input", 0, start):html.index(">", start)]
    today = timezone.now().astimezone(CITY_TZ).date().isoformat()
    assert f'max="{today}"' in tag and "min=" not in tag  # a diagnosis lies in the past, not in the future


@pytestmark_db
def test_the_api_says_so_and_refuses_naming_the_field(platform, consultation, customer, in_english):
    client = Client()
    key = factories.api_key(platform)
    headers = {"X-API-Key": key, "X-Acting-User": str(customer.public_id), "Accept-Language": "en"}
    said = client.get(f"/api/v1/p/{platform.slug}/booking-requirements/{consultation.public_id}", headers=headers)
    assert said.status_code == 200
    assert said.json()["follow_up_only"] is True and "第十六条" in said.json()["follow_up_rule"]
    body = {"listing_id": str(consultation.public_id), "follow_up_confirmed": True,
            "prior_diagnosis_institution": "厦门市第一医院"}
    refused = client.post(f"/api/v1/p/{platform.slug}/orders", body, content_type="application/json",
                          headers=headers)
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == ("order.follow_up_required", "prior_diagnosis_on")
    for hostile, field in (({"prior_diagnosis_on": "not a date"}, "prior_diagnosis_on"),
                           ({"prior_diagnosis_on": "2026-01-05", "prior_diagnosis_institution": "x" * 101},
                            "prior_diagnosis_institution"),
                           ({"prior_diagnosis_on": "2026-01-05", "follow_up_confirmed": "maybe"},
                            "follow_up_confirmed")):
        answer = client.post(f"/api/v1/p/{platform.slug}/orders", {**body, **hostile},
                             content_type="application/json", headers=headers)
        assert answer.status_code in (400, 422) and field in answer.content.decode()
    placed = client.post(f"/api/v1/p/{platform.slug}/orders", {**body, "prior_diagnosis_on": "2026-01-05"},
                         content_type="application/json", headers=headers)
    assert placed.status_code == 201, placed.content
    assert (placed.json()["prior_diagnosis_institution"], placed.json()["prior_diagnosis_on"]) == (
        "厦门市第一医院", "2026-01-05")
    other = factories.make_platform()
    elsewhere = client.get(f"/api/v1/p/{other.slug}/booking-requirements/{consultation.public_id}",
                           headers={"X-API-Key": factories.api_key(other)})
    assert elsewhere.status_code == 404 and elsewhere.json()["field"] == "listing"
    missing = client.get(f"/api/v1/p/{platform.slug}/booking-requirements/{uuid.uuid4()}", headers=headers)
    assert missing.status_code == 404
    wrong = client.get(f"/api/v1/p/{platform.slug}/booking-requirements/not-a-uuid", headers=headers)
    assert wrong.status_code in (404, 422)
