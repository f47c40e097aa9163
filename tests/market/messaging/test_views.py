from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.market.reviews.trust import make_order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trust_urls")]


def test_the_thread_page_polls_and_only_parties_see_it(client, platform, provider, customer, operator):
    order = make_order(platform, provider, customer, state="confirmed", completed=False)
    url = reverse("messaging:thread", args=[platform.slug, order.public_id])
    for outsider in (factories.make_user(), operator):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "hi"}).status_code == 404
    client.force_login(customer)
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 5s"' in page
    assert client.post(url, {"body": "我的手机 13912345678"}).status_code == 302
    client.force_login(provider)
    listing = client.get(url + "?list=1", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in listing and "13912345678" in listing and 'data-testid="message-flagged"' in listing
    response = client.post(url, {"body": "请在平台内沟通"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "请在平台内沟通" in response.content.decode()


def test_the_operator_sees_messages_with_contact_details(client, platform, provider, customer, operator):
    from sharecity.market.messaging.services import message_send

    order = make_order(platform, provider, customer, state="confirmed", completed=False)
    message_send(actor=customer, order=order, body="加我微信 lab_helper01 私下付款")
    message_send(actor=customer, order=order, body="明天见")
    client.force_login(operator)
    page = client.get(reverse("disputes:queue", args=[platform.slug])).content.decode()
    flagged = page.split('data-testid="flagged-messages"')[1]
    assert "lab_helper01" in flagged and "明天见" not in flagged
