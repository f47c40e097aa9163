from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person's login. What a person may do comes from their profiles in each context
    (provider, platform staff, regulator staff); every signed-in person can be a consumer."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username


class AuditEvent(models.Model):
    """Append-only record of who changed what. Written by services, never edited."""

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=120, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    platform_id = models.CharField(max_length=64, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"


class OutboxMessage(models.Model):
    """A fact another party must learn, written in the same transaction as the change.

    The exchange relay reads these in ``id`` order per platform, wraps them in signed
    envelopes and marks them relayed; a row is never deleted before that.
    """

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform_id = models.CharField(max_length=64)
    # "up": a platform reports to the hub; "down": the hub directs a platform.
    direction = models.CharField(max_length=4, default="up")
    message_type = models.CharField(max_length=80)
    schema_version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    relayed_at = models.DateTimeField(null=True, blank=True)
    sequence = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        # The relay marks every row relayed, and an UPDATE writes an entry into every index whose
        # columns or condition it touches: so the pending indexes are partial (a relayed row leaves
        # them and is written to neither), and no index covers what only lists or filters use.
        indexes = [
            # Which streams have rows waiting, oldest first.
            models.Index(fields=["id"], condition=models.Q(relayed_at__isnull=True), name="outbox_pending_idx"),
            # What the relay reads: a platform's pending rows in order. Partial, so it stays as
            # small as the backlog however many rows have been relayed.
            models.Index(fields=["platform_id", "direction", "id"], condition=models.Q(relayed_at__isnull=True),
                         name="outbox_stream_pending_idx"),
            # What a resend reads: a platform's relayed rows by sequence.
            models.Index(fields=["platform_id", "direction", "sequence"], condition=models.Q(sequence__isnull=False),
                         name="outbox_stream_sequence_idx"),
        ]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.message_type} #{self.pk}"
