"""The messaging routes of the market API (mounted by ``market.api`` under its authentication).

The two sides of an order (a person, or a machine client acting for one with
``X-Acting-User``) read and write the order's thread.
"""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Router, Schema, Status

from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.messaging import selectors, services
from sharecity.market.reviews.orderlink import order_get

router = Router(tags=["messaging"])


class MessageIn(Schema):
    body: str = Field(..., description="1 to 2000 characters; contact details are flagged to the operator")


class MessageOut(Schema):
    id: int
    author_role: str
    mine: bool
    body: str
    contact_kinds: list[str]
    created_at: dt.datetime


def _out(message, user) -> dict:
    return {"id": message.pk, "author_role": message.author_role, "mine": message.author_id == user.pk,
            "body": message.body, "contact_kinds": message.contact_kinds, "created_at": message.created_at}


@router.get("/p/{platform}/orders/{order_id}/messages", response={200: list[MessageOut], **ERRORS})
def messages_list(request, platform: str, order_id: uuid.UUID, after: int = 0):
    """The order's messages (after the id ``after``); reading them marks them read."""
    caller = Caller(request, platform)
    person = caller.person()
    order = order_get(platform=caller.platform, public_id=order_id)
    items = selectors.thread_messages(order=order, user=person, after_id=after)
    services.thread_mark_read(actor=person, order=order)
    return [_out(message, person) for message in items]


@router.post("/p/{platform}/orders/{order_id}/messages", response={201: MessageOut, **ERRORS})
def messages_send(request, platform: str, order_id: uuid.UUID, data: MessageIn):
    caller = Caller(request, platform)
    person = caller.person()
    order = order_get(platform=caller.platform, public_id=order_id)
    return Status(201, _out(services.message_send(actor=person, order=order, body=data.body), person))
