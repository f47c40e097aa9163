from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Thread(models.Model):
    """The conversation of an order's two sides (and the operator while a dispute is open)."""

    platform = models.ForeignKey("market_platforms.Platform", on_delete=models.PROTECT, related_name="threads")
    order = models.OneToOneField("market_orders.Order", on_delete=models.PROTECT, related_name="thread")
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")

    def __str__(self) -> str:
        return f"{self.order}"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=10)
    body = models.TextField(_("message"), max_length=2000)
    # Contact details found in the text (kinds: phone, email, wechat, qq, url), for the operator.
    contact_kinds = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return self.body[:40]

    @property
    def flagged(self) -> bool:
        return bool(self.contact_kinds)


class ReadMark(models.Model):
    """How far a participant has read a thread (for unread counts)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_read_mark_per_reader")]

    def __str__(self) -> str:
        return f"{self.user} read {self.thread} up to {self.last_read_id}"
