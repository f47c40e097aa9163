from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from sharecity.market.messaging.errors import NotAParticipant
from sharecity.market.messaging.models import Message, ReadMark, Thread
from sharecity.market.reviews.orderlink import party_role


def participant_role(*, order, user) -> str:
    """The order's customer and provider always; the operator only while a dispute about it is open."""
    role = party_role(order=order, user=user)
    if role in ("customer", "provider"):
        return role
    if role == "operator":
        from sharecity.market.disputes.selectors import open_dispute_of

        if open_dispute_of(order=order) is not None:
            return role
        raise NotAParticipant(_("The platform's operator joins an order's messages only while a dispute is open."),
                              field="order_id")
    raise NotAParticipant(_("Only the two sides of an order can read its messages."), field="order_id")


def thread_messages(*, order, user, after_id: int = 0) -> list[Message]:
    participant_role(order=order, user=user)
    return list(Message.objects.filter(thread__order=order, id__gt=after_id).select_related("author").order_by("id"))


def unread_count(*, order, user) -> int:
    participant_role(order=order, user=user)
    mark = ReadMark.objects.filter(thread__order=order, user=user).values_list("last_read_id", flat=True).first() or 0
    return Message.objects.filter(thread__order=order, id__gt=mark).exclude(author=user).count()


def unread_total(*, platform, user) -> int:
    """Unread messages over all the user's order threads on the platform (for a badge)."""
    last_read = ReadMark.objects.filter(thread=OuterRef("thread"), user=user).values("last_read_id")[:1]
    return (Message.objects.filter(thread__platform=platform)
            .filter(Q(thread__order__customer=user) | Q(thread__order__provider=user))
            .exclude(author=user)
            .annotate(mark=Subquery(last_read))
            .filter(Q(mark__isnull=True) | Q(id__gt=F("mark"))).count())


def flagged_messages(*, platform, limit: int = 100):
    """Messages with contact details, for the operator."""
    return (Message.objects.filter(thread__platform=platform).exclude(contact_kinds=[])
            .select_related("author", "thread__order").order_by("-id")[:limit])


def threads_of(*, platform, user):
    return Thread.objects.filter(platform=platform).filter(Q(order__customer=user) | Q(order__provider=user)) \
        .annotate(messages_count=Count("messages")).order_by("-last_message_at")
