from __future__ import annotations

import pytest

from sharecity.kernel.models import AuditEvent
from sharecity.market.disputes.services import dispute_open
from sharecity.market.messaging.errors import InvalidMessage, NotAParticipant
from sharecity.market.messaging.selectors import flagged_messages, thread_messages, unread_count, unread_total
from sharecity.market.messaging.services import message_send, thread_mark_read
from tests import factories
from tests.market.reviews.trust import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(platform, provider, customer):
    return make_order(platform, provider, customer, state="confirmed", completed=False)


def test_the_two_sides_talk_and_only_they_read(order, customer, provider, operator):
    message_send(actor=customer, order=order, body="请问周三上午可以用吗？")
    message_send(actor=provider, order=order, body="可以，九点开门。")
    assert [(m.author_role, m.body) for m in thread_messages(order=order, user=customer)] == [
        ("customer", "请问周三上午可以用吗？"), ("provider", "可以，九点开门。")]
    assert len(thread_messages(order=order, user=provider)) == 2
    for outsider in (factories.make_user(), operator):
        with pytest.raises(NotAParticipant):
            thread_messages(order=order, user=outsider)
        with pytest.raises(NotAParticipant):
            message_send(actor=outsider, order=order, body="你好")
    with pytest.raises(InvalidMessage):
        message_send(actor=customer, order=order, body="   ")


def test_the_operator_joins_while_a_dispute_is_open(platform, provider, customer, operator):
    order = make_order(platform, provider, customer, state="completed")
    dispute_open(actor=customer, order=order, reason="damage", description="样品台被损坏，需要赔偿维修费")
    message = message_send(actor=operator, order=order, body="平台已介入，请双方提供照片。")
    assert message.author_role == "operator"
    assert [m.author_role for m in thread_messages(order=order, user=customer)] == ["operator"]


def test_contact_details_are_flagged_for_the_operator(platform, order, customer):
    plain = message_send(actor=customer, order=order, body="几点到？")
    flagged = message_send(actor=customer, order=order, body="直接加我微信 lab_helper01，私下转账便宜点")
    assert plain.contact_kinds == [] and flagged.contact_kinds == ["wechat"]
    assert list(flagged_messages(platform=platform)) == [flagged]
    assert AuditEvent.objects.filter(action="message.contact_flagged", target_id=str(flagged.pk)).exists()


def test_unread_counts(platform, order, customer, provider):
    message_send(actor=provider, order=order, body="已确认预约")
    message_send(actor=provider, order=order, body="请带好样品")
    assert unread_count(order=order, user=customer) == 2
    assert unread_count(order=order, user=provider) == 0  # one's own messages are read
    assert unread_total(platform=platform, user=customer) == 2
    thread_mark_read(actor=customer, order=order)
    assert unread_count(order=order, user=customer) == 0
    message_send(actor=provider, order=order, body="还有一件事")
    assert unread_count(order=order, user=customer) == 1
    assert unread_total(platform=platform, user=customer) == 1
    assert unread_total(platform=factories.make_platform(), user=customer) == 0
