from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sharecity.market.complaints.models import Complaint
from tests import factories
from tests.market.reviews.trust import make_order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trust_urls")]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


@pytest.fixture
def order(platform, provider, customer):
    return make_order(platform, provider, customer)


def _file(client, order, evidence):
    url = reverse("complaints:order_complaint", args=[order.platform.slug, order.public_id])
    return client.post(url, {"category": "price", "description": "多收了清洁费五十元", "remedy": "refund",
                             "evidence": evidence})


def test_a_customer_files_with_evidence_and_follows_it_to_the_city(client, platform, order, customer, operator):
    client.force_login(customer)
    bad = _file(client, order, [SimpleUploadedFile("note.txt", b"just text")])
    assert bad.status_code == 400 and "note.txt" in bad.content.decode()
    response = _file(client, order, [SimpleUploadedFile("收据.png", PNG, content_type="image/png")])
    assert response.status_code == 302 and response["Location"] == reverse("complaints:mine", args=[platform.slug])
    complaint = Complaint.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "多收了清洁费五十元" in page and 'data-testid="answer-due"' in page
    evidence = complaint.evidence.get()
    download = reverse("complaints:evidence", args=[platform.slug, evidence.public_id])
    assert b"".join(client.get(download).streaming_content) == PNG

    client.force_login(order.provider)
    assert client.get(download).status_code == 404
    client.force_login(operator)
    assert client.get(download).status_code == 200
    # Late: the operator sees it among the overdue.
    Complaint.objects.filter(pk=complaint.pk).update(answer_due_at=timezone.now() - dt.timedelta(minutes=5))
    queue = client.get(reverse("complaints:queue", args=[platform.slug])).content.decode()
    overdue = queue.split('data-testid="complaints-overdue"')[1].split('data-testid="complaints-open"')[0]
    assert str(complaint.public_id) in overdue
    answer = reverse("complaints:operator_action", args=[platform.slug, complaint.public_id, "answer"])
    assert client.post(answer, {"answer": "explanation", "text": "清洁费在下单前已列明"}).status_code == 302
    client.force_login(customer)
    for action in ("refuse", "escalate"):
        client.post(reverse("complaints:action", args=[platform.slug, complaint.public_id, action]),
                    {"escalated_to": "market_regulator"})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.escalation_reason) == ("escalated", "complainant_not_satisfied")


def test_only_operators_open_the_complaint_queue(client, platform, customer):
    client.force_login(customer)
    assert client.get(reverse("complaints:queue", args=[platform.slug])).status_code == 403


def test_strangers_cannot_complain_about_an_order(client, order):
    client.force_login(factories.make_user())
    assert _file(client, order, []).status_code == 404
    assert not Complaint.objects.exists()
