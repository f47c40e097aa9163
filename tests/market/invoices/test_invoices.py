"""E-invoices of completed orders: who issues, the amounts from the ledger, idempotency, red-letter reversals,
the exports and the API's refusals."""

from __future__ import annotations

import uuid
from decimal import Decimal
from xml.etree import ElementTree as etree

import pytest
from django.test import Client

from sharecity.kernel.errors import Conflict, InvalidInput
from sharecity.market.invoices.models import Invoice
from sharecity.market.invoices.services import invoices_issue
from sharecity.market.payments.models import CommissionRule
from sharecity.market.payments.services import refund
from tests import factories
from tests.market.orders.conftest import book, take

pytestmark = pytest.mark.django_db
PREFIX = "/api/v1"


@pytest.fixture
def completed(platform, provider, customer, bicycle):
    CommissionRule.objects.create(platform=platform, percent_bp=1_000)
    order = take(take(take(book(bicycle, customer), customer, "pay"), provider, "ship", tracking_no="YT99"),
                 customer, "confirm_receipt")
    assert order.completed_at is not None
    return order


def test_a_workers_service_is_invoiced_by_the_platform_at_the_levy_rate_and_its_commission_at_six_percent(
        completed, customer, platform):
    invoices = {i.party: i for i in invoices_issue(actor=customer, order=completed)}
    service, commission = invoices["service"], invoices["commission"]
    assert service.issued_by == "on_behalf" and service.rate_kind == "levy_rate"
    assert service.rate == Decimal("0.01")  # 国家税务总局公告2025年第16号 第二条第(一)项, in force from 2025-10-01
    assert service.total_fen == 120_000 and service.amount_fen + service.tax_fen == 120_000
    assert service.amount_fen == 118_812  # 1,200.00 / 1.01 = 1,188.12
    assert service.total_in_words == "壹仟贰佰元整"
    assert service.seller_name == "测试人" and "*" in service.seller_tax_id  # a worker's number is masked
    assert service.items[0]["name"].startswith("*") and service.items[0]["name"].count("*") == 2
    assert service.invoice_type == "电子发票（普通发票）" and "代自然人" in service.notes
    assert len(service.number) == 20 and service.number.isdigit() and service.number[2:4] == "35"
    assert {e.kind for e in service.ledger_entries.all()} >= {"payment", "escrow_release"}
    assert (commission.seller_name, commission.seller_tax_id) == (platform.name, platform.credit_code)
    assert commission.rate == Decimal("0.06") and commission.total_fen == 12_000  # 10% of 1,200
    assert (commission.amount_fen, commission.tax_fen) == (11_321, 679)
    assert [e.kind for e in commission.ledger_entries.all()] == ["commission"]
    assert commission.buyer_name == "测试人"


def test_issuing_again_returns_the_same_invoices(completed, customer):
    first = invoices_issue(actor=customer, order=completed)
    again = invoices_issue(actor=customer, order=completed)
    assert [i.number for i in first] == [i.number for i in again]
    assert Invoice.objects.filter(order=completed).count() == 2


def test_a_business_provider_issues_its_own_with_its_credit_code_and_a_business_buyer_gets_its_number(
        platform, customer):
    from sharecity.market.accounts.services import provider_verify
    from tests.market.engine_factories import make_listing
    from tests.market.orders.conftest import book as place

    company = factories.make_user(platform=platform)
    code = factories.credit_code()
    provider_verify(actor=company, user=company, kind="business", legal_name="厦门修车有限公司", id_number=code,
                    platform=platform)
    listing = make_listing(platform, company, category_code="second_hand", title="二手工具", price_fen=10_350)
    order = take(take(take(place(listing, customer), customer, "pay"), company, "ship", tracking_no="SF1"),
                 customer, "confirm_receipt")
    buyer_code = factories.credit_code()
    [service] = invoices_issue(actor=customer, order=order, buyer_name="某某科技有限公司", buyer_tax_id=buyer_code)
    assert (service.issued_by, service.seller_name, service.seller_tax_id) == ("provider", "厦门修车有限公司", code)
    assert (service.buyer_name, service.buyer_tax_id) == ("某某科技有限公司", buyer_code)
    assert service.total_in_words == "壹佰零叁元伍角整"
    assert service.issuer_name == "厦门修车有限公司"


def test_a_refund_after_issuing_gives_a_red_letter_invoice_for_the_refunded_amount(completed, customer, platform):
    invoices_issue(actor=customer, order=completed)
    refund(platform=platform, order_ref=str(completed.public_id), customer=customer, amount_fen=30_000,
           reason="部分退款")
    completed.refresh_from_db()
    invoices = invoices_issue(actor=customer, order=completed)
    [red] = [i for i in invoices if i.colour == "red" and i.party == "service"]
    blue = red.reverses
    assert red.total_fen == -30_000 and red.amount_fen + red.tax_fen == -30_000
    assert red.total_in_words == "（负数）叁佰元整"
    assert blue.number in red.notes and red.number != blue.number
    assert [e.kind for e in red.ledger_entries.all()] == ["refund"]
    again = invoices_issue(actor=customer, order=completed)
    assert len(again) == len(invoices)  # the retry issues no second red-letter invoice


def test_an_order_not_completed_or_a_stranger_or_a_bad_buyer_number_is_refused(
        platform, customer, instrument, completed):
    paid = take(book(instrument, customer), customer, "pay")
    with pytest.raises(Conflict) as refused:
        invoices_issue(actor=customer, order=paid)
    assert (refused.value.code, refused.value.field) == ("invoice.order_not_completed", "order_id")
    with pytest.raises(Exception) as stranger:
        invoices_issue(actor=factories.make_user(platform=platform), order=completed)
    assert stranger.value.field == "order_id"
    with pytest.raises(InvalidInput) as bad:
        invoices_issue(actor=customer, order=completed, buyer_tax_id="91350200MA00000000")
    assert bad.value.field == "buyer_tax_id"
    assert not Invoice.objects.filter(order=completed).exists()


def test_the_api_issues_shows_and_exports_and_refuses_other_tenants_strangers_and_bad_ids(
        completed, customer, provider, platform):
    client = Client()
    key = factories.api_key(platform)
    as_customer = {"X-API-Key": key, "X-Acting-User": str(customer.public_id)}
    base = f"{PREFIX}/p/{platform.slug}"
    response = client.post(f"{base}/orders/{completed.public_id}/invoices", {"buyer_name": "张三"},
                           content_type="application/json", headers=as_customer)
    assert response.status_code == 200, response.content
    [service] = response.json()  # the customer sees the service invoice, not the commission to the provider
    assert (service["buyer"]["name"], service["total"], service["party"]) == ("张三", "1200.00", "service")
    as_provider = {"X-API-Key": key, "X-Acting-User": str(provider.public_id)}
    listed = client.get(f"{base}/orders/{completed.public_id}/invoices", headers=as_provider).json()
    assert {i["party"] for i in listed} == {"service", "commission"}
    xml = client.get(f"{base}/invoices/{service['id']}/xml", headers=as_customer)
    assert xml.status_code == 200 and xml["Content-Type"].startswith("application/xml")
    root = etree.fromstring(xml.content)  # noqa: S314  (our own output)
    assert root.get("number") == service["number"] and root.findtext("total_in_words") == "壹仟贰佰元整"
    commission = next(i for i in listed if i["party"] == "commission")
    assert client.get(f"{base}/invoices/{commission['id']}", headers=as_customer).status_code == 404

    # A platform's own key sees its whole platform (as for orders); a signed-in stranger does not.
    stranger = Client()
    stranger.force_login(factories.make_user(platform=platform))
    assert stranger.get(f"{base}/invoices/{service['id']}").status_code == 404
    refused = stranger.get(f"{base}/orders/{completed.public_id}/invoices")
    assert refused.status_code == 403 and "order_id" in refused.content.decode()
    other = factories.make_platform()
    other_key = factories.api_key(other)
    assert client.get(f"{base}/invoices/{service['id']}", headers={"X-API-Key": other_key}).status_code in (401, 403)
    other_base = f"{PREFIX}/p/{other.slug}"
    assert client.get(f"{other_base}/invoices/{service['id']}",
                      headers={"X-API-Key": other_key}).status_code == 404
    assert client.get(f"{other_base}/orders/{completed.public_id}/invoices",
                      headers={"X-API-Key": other_key}).status_code == 404
    assert client.get(f"{base}/invoices/not-a-uuid", headers=as_customer).status_code in (400, 404, 422)
    assert client.get(f"{base}/invoices/{uuid.uuid4()}", headers=as_customer).status_code == 404
    for body in ({"buyer_name": "x" * 121}, {"buyer_name": 5}, {"buyer_tax_id": "91350200MA00000000"},
                 {"buyer_name": "a\x00b"}):
        bad = client.post(f"{base}/orders/{completed.public_id}/invoices", body, content_type="application/json",
                          headers=as_customer)
        assert 400 <= bad.status_code < 500 and "buyer" in bad.content.decode(), (body, bad.content)
    provider_body = client.post(f"{base}/orders/{completed.public_id}/invoices", {"buyer_name": "x"},
                                content_type="application/json", headers=as_provider)
    assert provider_body.status_code == 400


def test_the_customer_sees_and_downloads_the_invoice_from_the_order_page(completed, customer, client):
    client.force_login(customer)
    slug = completed.platform.slug
    page = client.get(f"/p/{slug}/orders/{completed.public_id}/")
    assert f"/p/{slug}/orders/{completed.public_id}/invoices/" in page.content.decode()
    response = client.post(f"/p/{slug}/orders/{completed.public_id}/invoices/", {"buyer_name": "张三"})
    assert response.status_code == 302
    section = client.get(f"/p/{slug}/orders/{completed.public_id}/invoices/?partial=1").content.decode()
    invoice = Invoice.objects.get(order=completed, party="service")
    assert invoice.number in section and "¥1200.00" in section
    printable = client.get(f"/p/{slug}/invoices/{invoice.public_id}/").content.decode()
    assert "壹仟贰佰元整" in printable and "张三" in printable and invoice.number in printable
    download = client.get(f"/p/{slug}/invoices/{invoice.public_id}/download.json")
    assert download.json()["number"] == invoice.number
    pdf = client.get(f"/p/{slug}/invoices/{invoice.public_id}/download.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"/p/{slug}/invoices/{invoice.public_id}/download.exe").status_code == 404
    stranger = factories.make_user(platform=completed.platform)
    client.force_login(stranger)
    assert client.get(f"/p/{slug}/invoices/{invoice.public_id}/").status_code == 404
    assert client.get(f"/p/{slug}/orders/{completed.public_id}/invoices/").status_code == 403


def test_the_issue_date_is_the_citys_day_and_the_number_starts_with_its_year(completed, customer):
    from django.utils import timezone

    [service, *_] = invoices_issue(actor=customer, order=completed)
    today = timezone.localdate()
    assert service.issued_on == today
    assert service.number[:2] == f"{today.year % 100:02d}" and service.number[4] == "9"  # the fake's channel


def test_the_hourly_sweep_reverses_a_refund_without_anyone_asking_and_only_once(completed, customer, platform):
    from sharecity.market.invoices.tasks import red_letter_sweep

    invoices_issue(actor=customer, order=completed)
    assert red_letter_sweep.call() == "0 red-letter invoices"
    refund(platform=platform, order_ref=str(completed.public_id), customer=customer, amount_fen=12_000,
           reason="退一部分")
    assert red_letter_sweep.call() == "1 red-letter invoices"
    assert red_letter_sweep.call() == "0 red-letter invoices"
    [red] = Invoice.objects.filter(order=completed, colour="red")
    assert (red.total_fen, red.party) == (-12_000, "service")
