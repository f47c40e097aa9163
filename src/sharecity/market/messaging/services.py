from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record
from sharecity.market.messaging.contacts import contact_kinds
from sharecity.market.messaging.errors import InvalidMessage
from sharecity.market.messaging.models import Message, ReadMark, Thread
from sharecity.market.messaging.selectors import participant_role


def thread_for_order(*, order) -> Thread:
    thread, _created = Thread.objects.get_or_create(order=order, defaults={"platform": order.platform})
    return thread


@transaction.atomic
def message_send(*, actor: User, order, body: str) -> Message:
    """A message in the order's thread; contact details in it are flagged for the operator."""
    role = participant_role(order=order, user=actor)
    body = (body or "").strip()
    if not 1 <= len(body) <= 2000:
        raise InvalidMessage(_("A message has 1 to 2000 characters."), field="body")
    thread = thread_for_order(order=order)
    kinds = contact_kinds(body)
    message = Message.objects.create(thread=thread, author=actor, author_role=role, body=body, contact_kinds=kinds)
    thread.last_message_at = message.created_at
    thread.save(update_fields=["last_message_at"])
    ReadMark.objects.update_or_create(thread=thread, user=actor, defaults={"last_read_id": message.pk})
    if kinds:
        audit_record(actor=actor, action="message.contact_flagged", target_type="message", target_id=message.pk,
                     platform_id=order.platform.exchange_id,
                     data={"order_id": str(order.public_id), "kinds": kinds})
    return message


@transaction.atomic
def thread_mark_read(*, actor: User, order) -> None:
    participant_role(order=order, user=actor)
    thread = Thread.objects.filter(order=order).first()
    if thread is None:
        return
    last = thread.messages.aggregate(last=Max("id"))["last"] or 0
    ReadMark.objects.update_or_create(thread=thread, user=actor, defaults={"last_read_id": last})


