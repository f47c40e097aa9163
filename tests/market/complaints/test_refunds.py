"""A complaint upheld with a refund moves the money through the ledger, once, and reports it."""

from __future__ import annotations

import pytest

from sharecity.kernel.errors import InvalidInput
from sharecity.market.complaints.errors import WrongStatus
from sharecity.market.complaints.models import Complaint
from sharecity.market.complaints.services import complaint_file_order, complaint_resolve
from sharecity.market.orders.errors import InvalidOrder
from sharecity.market.orders.models import Order, OrderRefund
from sharecity.market.orders.services import order_refund
from sharecity.market.payments import selectors as ledger
from sharecity.market.payments import services as payments
from sharecity.market.payments.models import JournalEntry
from tests import factories
from tests.market.helpers import new_facts, nothing_written, race
from tests.market.payments.helpers import total_of_all_accounts
from tests.market.reviews.trust import make_operator, make_order

TOTAL = 30_000


def paid_order(platform, provider, customer, *, released: bool = False, paid_out: bool = False) -> Order:
    order = make_order(platform, provider, customer, total_fen=TOTAL)
    payments.payment_collect(platform=platform, order_ref=str(order.public_id), customer=customer, amount_fen=TOTAL)
    if released:
        payments.escrow_release(platform=platform, order_ref=str(order.public_id), provider=provider,
                                category_code="x", amount_fen=TOTAL)
        Order.objects.filter(pk=order.pk).update(released_fen=TOTAL)
        order.refresh_from_db()
    if paid_out:
        payments.payout_run(platform=platform, provider=provider)
    return order


def complain(customer, order) -> Complaint:
    return complaint_file_order(actor=customer, order=order, category="not_as_described",
                                description="仪器镜头有划痕，无法成像", remedy="refund")


@pytest.mark.django_db
def test_an_upheld_complaint_refunds_from_escrow_and_reports_the_amount(platform, provider, customer):
    operator = make_operator(platform)
    order = paid_order(platform, provider, customer)
    complaint = complain(customer, order)
    with new_facts("order.refunded", "complaint.resolved",
                   actions=("payments.refund", "order.refund", "complaint.resolve")) as facts:
        complaint_resolve(actor=operator, complaint=complaint, outcome="upheld", refund_fen=12_050,
                          note="镜头确有划痕")
    refunded, resolved = (message.payload for message in facts["outbox"])
    [refund] = OrderRefund.objects.filter(order=order)
    assert refunded["order_id"] == str(order.public_id) and refunded["refund_id"] == str(refund.public_id)
    assert (refunded["amount_fen"], refunded["from_escrow_fen"], refunded["from_provider_fen"],
            refunded["receivable_fen"], refunded["refunded_total_fen"]) == (12_050, 12_050, 0, 0, 12_050)
    assert (refunded["reason"], refunded["complaint_id"]) == ("complaint", str(complaint.public_id))
    assert resolved["refund_fen"] == 12_050
    order.refresh_from_db()
    assert order.refunded_fen == 12_050
    assert (refund.kind, refund.source_id, refund.note) == ("complaint", str(complaint.public_id), "镜头确有划痕")
    balance = ledger.order_balance(order_ref=str(order.public_id))
    assert (balance.refunded_fen, balance.escrow_fen) == (12_050, TOTAL - 12_050)
    assert refund.entry.kind == "refund" and total_of_all_accounts(platform) == 0


@pytest.mark.django_db
def test_after_payout_the_refund_is_owed_by_the_provider(platform, provider, customer):
    operator = make_operator(platform)
    order = paid_order(platform, provider, customer, released=True, paid_out=True)
    complaint = complain(customer, order)
    with new_facts("order.refunded", "complaint.resolved"):
        complaint_resolve(actor=operator, complaint=complaint, outcome="partly_upheld", refund_fen=10_000)
    [refund] = order.refunds.all()
    assert (refund.from_escrow_fen, refund.from_provider_fen, refund.receivable_fen) == (0, 10_000, 10_000)
    [owed] = ledger.provider_receivables(platform=platform, provider=provider)
    assert (owed.amount_fen, owed.order_ref, owed.entry) == (10_000, str(order.public_id), refund.entry)
    order.refresh_from_db()
    assert (order.refunded_fen, order.released_fen) == (10_000, TOTAL - 10_000)
    assert total_of_all_accounts(platform) == 0


@pytest.mark.django_db
def test_a_refund_never_exceeds_what_was_paid_less_earlier_refunds(platform, provider, customer, in_english):
    operator = make_operator(platform)
    order = paid_order(platform, provider, customer)
    first = complain(customer, order)
    complaint_resolve(actor=operator, complaint=first, outcome="partly_upheld", refund_fen=20_000)
    second = complain(customer, order)
    with nothing_written(), pytest.raises(InvalidOrder) as caught:
        complaint_resolve(actor=operator, complaint=second, outcome="upheld", refund_fen=10_001)
    assert caught.value.field == "refund_fen" and caught.value.http_status < 500
    assert "¥100.00" in str(caught.value.message)
    assert Complaint.objects.get(pk=second.pk).status == "filed"
    complaint_resolve(actor=operator, complaint=second, outcome="upheld", refund_fen=10_000)
    order.refresh_from_db()
    assert order.refunded_fen == TOTAL
    assert ledger.order_balance(order_ref=str(order.public_id)).escrow_fen == 0


@pytest.mark.django_db
def test_only_an_upheld_complaint_of_the_customer_refunds(platform, provider, customer):
    operator = make_operator(platform)
    order = paid_order(platform, provider, customer)
    complaint = complain(customer, order)
    with nothing_written(), pytest.raises(InvalidInput) as caught:
        complaint_resolve(actor=operator, complaint=complaint, outcome="rejected", refund_fen=100)
    assert caught.value.field == "refund_fen"
    by_provider = complaint_file_order(actor=provider, order=order, category="other",
                                       description="客户损坏了仪器的镜头", remedy="refund")
    with nothing_written(), pytest.raises(InvalidInput) as caught:
        complaint_resolve(actor=operator, complaint=by_provider, outcome="upheld", refund_fen=100)
    assert caught.value.field == "refund_fen"
    assert not JournalEntry.objects.filter(kind="refund").exists()


@pytest.mark.django_db
def test_a_repeated_resolution_or_retried_refund_never_refunds_twice(platform, provider, customer):
    operator = make_operator(platform)
    order = paid_order(platform, provider, customer)
    complaint = complain(customer, order)
    complaint_resolve(actor=operator, complaint=complaint, outcome="upheld", refund_fen=5_000)
    with nothing_written(), pytest.raises(WrongStatus):
        complaint_resolve(actor=operator, complaint=complaint, outcome="upheld", refund_fen=5_000)
    with new_facts():  # the orders service, retried for the same complaint, returns the refund made
        again = order_refund(actor=operator, order=order, amount_fen=5_000, kind="complaint",
                             source_id=str(complaint.public_id))
    assert again == OrderRefund.objects.get(order=order)
    order.refresh_from_db()
    assert order.refunded_fen == 5_000
    assert JournalEntry.objects.filter(kind="refund").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_operators_resolving_at_once_refund_once():
    platform = factories.make_platform()
    provider, customer = factories.make_provider(platform), factories.make_user(platform=platform)
    operator = make_operator(platform)
    order = paid_order(platform, provider, customer)
    complaint = complain(customer, order)

    def resolve(_n):
        return complaint_resolve(actor=operator, complaint=complaint, outcome="upheld", refund_fen=7_000)

    done, errors = race(resolve, [1, 2])
    assert len(done) == 1, errors
    assert [type(error) for error in errors] == [WrongStatus]
    order.refresh_from_db()
    assert order.refunded_fen == 7_000
    assert JournalEntry.objects.filter(kind="refund", order_ref=str(order.public_id)).count() == 1
    assert ledger.order_balance(order_ref=str(order.public_id)).refunded_fen == 7_000


@pytest.mark.django_db
def test_the_customer_sees_the_refund_on_the_order_page_and_in_the_api(platform, provider, customer):
    from django.test import Client
    from django.urls import reverse

    operator = make_operator(platform)
    order = paid_order(platform, provider, customer, released=True, paid_out=True)
    complaint_resolve(actor=operator, complaint=complain(customer, order), outcome="upheld", refund_fen=4_550,
                      note="镜头确有划痕")
    client = Client()
    client.force_login(customer)
    page = client.get(reverse("orders:detail", args=[platform.slug, order.public_id])).content.decode()
    assert 'data-testid="refunds"' in page and "¥45.50" in page and "镜头确有划痕" in page
    api = client.get(f"/api/v1/p/{platform.slug}/orders/{order.public_id}",
                     headers={"X-API-Key": factories.api_key(platform), "X-Acting-User": str(customer.public_id)})
    assert api.status_code == 200, api.content
    [refund] = api.json()["refunds"]
    assert (refund["amount_fen"], refund["kind"], refund["note"]) == (4_550, "complaint", "镜头确有划痕")
    assert (refund["from_provider_fen"], refund["receivable_fen"]) == (4_550, 4_550)
    assert sorted((p["account"], p["amount_fen"]) for p in refund["postings"]) == [
        ("customer_funds", -4_550), ("customer_funds", 4_550), ("gateway_clearing", 4_550),
        ("provider_payable", -4_550)]
    assert refund["refunded_at"]


@pytest.mark.django_db
def test_the_operator_types_the_refund_in_yuan_on_the_queue(platform, provider, customer, settings):
    from django.test import Client
    from django.urls import reverse

    settings.ROOT_URLCONF = "tests.market.reviews.trust_urls"
    operator = make_operator(platform)
    order = paid_order(platform, provider, customer)
    complaint = complain(customer, order)
    client = Client()
    client.force_login(operator)
    queue = client.get(reverse("complaints:queue", args=[platform.slug])).content.decode()
    assert 'name="refund"' in queue and 'name="refund_fen"' not in queue
    url = reverse("complaints:operator_action", args=[platform.slug, complaint.public_id, "resolve"])
    refused = client.post(url, {"outcome": "upheld", "refund": "12.345"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    too_much = client.post(url, {"outcome": "upheld", "refund": "300.01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert too_much.status_code == 400
    assert "¥300.00" in too_much.content.decode()
    assert client.post(url, {"outcome": "upheld", "refund": "123.45"}).status_code == 302
    order.refresh_from_db()
    assert order.refunded_fen == 12_345
    assert Complaint.objects.get(pk=complaint.pk).refund_fen == 12_345
