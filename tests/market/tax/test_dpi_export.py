"""The quarter's report as an OECD DPI XML message, validated against the OECD DPI schema v1.0 (copied into
src/sharecity/market/tax/schemas/oecd-dpi/): rentals of property in ImmovableProperty (a parking space is DPI909),
other services in PersonalServices; downloadable by the operator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from lxml import etree

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.orders.models import Order
from sharecity.market.payments import services as payments
from sharecity.market.payments.gateway import OfflineGateway
from sharecity.market.payments.models import JournalEntry
from sharecity.market.platforms.services import operator_add
from sharecity.market.tax.decree810 import Quarter
from sharecity.market.tax.dpi import NS, dpi_schema, dpi_xml
from sharecity.market.tax.selectors import quarter_data
from tests import factories
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db
D = {"dpi": NS}


@pytest.fixture
def platform():
    """A platform whose 2025Q3 has a parking-space owner (6 orders), a homestay host and a skills worker."""
    OfflineGateway.reset()
    platform = factories.make_platform()
    customer = factories.make_user(platform=platform)
    for category_code, orders, amount in (("parking", 6, 1_600), ("homestay", 1, 38_800), ("skills_tasks", 2, 5_050)):
        provider = factories.make_provider(platform)
        listing = make_listing(platform, provider, category_code=category_code)
        for _ in range(orders):
            order = Order.objects.create(platform=platform, listing=listing, customer=customer, provider=provider,
                                         process="instant_booking", state="completed", unit_price_fen=amount,
                                         subtotal_fen=amount, total_fen=amount)
            payments.payment_collect(platform=platform, order_ref=str(order.public_id), customer=customer,
                                     amount_fen=amount)
            payments.escrow_release(platform=platform, order_ref=str(order.public_id), provider=provider,
                                    category_code=category_code, amount_fen=amount)
    JournalEntry.objects.filter(platform=platform).update(created_at=dt.datetime(2025, 8, 8, tzinfo=CITY_TZ))
    yield platform
    OfflineGateway.reset()


def test_the_export_validates_against_the_oecd_schema_with_each_activity_in_its_section(platform):
    data = quarter_data(platform=platform, quarter=Quarter(2025, 3))
    xml = dpi_xml(data, message_ref="CN-TEST-2025Q3", now=dt.datetime(2025, 10, 9, 2, 0, tzinfo=dt.UTC))
    document = etree.fromstring(xml)
    schema = dpi_schema()
    assert schema.validate(document), schema.error_log
    assert document.findtext("dpi:MessageSpec/dpi:ReportingPeriod", namespaces=D) == "2025-09-30"
    sellers = document.findall("dpi:DPIBody/dpi:ReportableSeller", namespaces=D)
    assert len(sellers) == 3
    types = sorted(document.xpath("//dpi:PropertyListing/dpi:PropertyType/text()", namespaces=D))
    assert types == ["DPI909", "DPI910"]
    parking = document.xpath("//dpi:PropertyListing[dpi:PropertyType='DPI909']", namespaces=D)[0]
    # the third quarter's column carries the quarter: 6 orders of 16.00 yuan
    assert parking.findtext("dpi:NumberOfActivities/dpi:NumbQ3", namespaces=D) == "6"
    assert parking.findtext("dpi:Consideration/dpi:ConsQ3", namespaces=D) == "96"
    assert parking.findtext("dpi:Consideration/dpi:ConsQ1", namespaces=D) == "0"
    services = document.findall(".//dpi:PersonalServices", namespaces=D)
    assert len(services) == 1
    assert services[0].findtext("dpi:NumberOfActivities/dpi:NumbQ3", namespaces=D) == "2"
    # a born date read from the resident ID number (GB 11643 digits 7-14)
    assert document.xpath("//dpi:BirthInfo/dpi:BirthDate/text()", namespaces=D)[0] == "1980-01-01"


def test_an_export_with_a_hostile_name_still_validates(platform):
    from sharecity.market.accounts.models import ProviderProfile

    ProviderProfile.objects.filter(user__orders_received__platform=platform).update(legal_name="\x07<x>&" + "名" * 110)
    xml = dpi_xml(quarter_data(platform=platform, quarter=Quarter(2025, 3)), message_ref="CN-TEST",
                  now=dt.datetime(2025, 10, 9, tzinfo=dt.UTC))
    assert dpi_schema().validate(etree.fromstring(xml)), dpi_schema().error_log


def test_the_operator_downloads_the_dpi_xml_from_the_api_and_the_page(platform):
    user = factories.make_user(platform=platform)
    operator_add(actor=None, platform=platform, user=user)
    client = Client()
    client.force_login(user)
    response = client.get(f"/api/v1/p/{platform.slug}/tax/reports/file?year=2025&quarter=3&format=xml")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert dpi_schema().validate(etree.fromstring(response.content))
    page = client.get(f"/p/{platform.slug}/operator/tax/2025/3/file/?format=xml")
    assert page.status_code == 200 and b"DPI_OECD" in page.content
    stranger = Client()
    stranger.force_login(factories.make_user(platform=platform))
    assert stranger.get(f"/api/v1/p/{platform.slug}/tax/reports/file?year=2025&quarter=3&format=xml").status_code == 403
