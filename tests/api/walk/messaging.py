"""Messaging routes in the tenant walk: they act on the order the orders module prepares."""

from __future__ import annotations

from sharecity.market.messaging.models import Message, ReadMark, Thread

BODIES = {
    ("POST", "/p/{platform}/orders/{order_id}/messages"): lambda t: {"body": "越权消息"},
}

NOT_FOUND_CODES = ("order.not_found",)


def SNAPSHOT(platform):
    return {
        "threads": list(Thread.objects.filter(platform=platform).order_by("pk").values()),
        "messages": list(Message.objects.filter(thread__platform=platform).order_by("pk").values()),
        "read_marks": list(ReadMark.objects.filter(thread__platform=platform).order_by("pk").values()),
    }
