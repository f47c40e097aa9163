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
    # The payload as the exchange's canonical JSON text (``payload_canonical_text``), so the relay
    # puts it into the envelope as it is instead of decoding and encoding it again; empty when the
    # payload holds something else than the protocol's strings, integers, booleans, null, lists and
    # objects (the relay then encodes ``payload``). Never edited: the payload of a fact is final.
    payload_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["id"]
        # Which rows wait is kept apart, in ``OutboxPending``: the relay marks every row relayed, and
        # with no index on ``relayed_at`` or ``sequence`` (nor in an index's condition) PostgreSQL
        # can write that as a heap-only update, beside the old version on the same page, with no
        # index entry (the table keeps room for it: fillfactor, migration 0005).
        indexes = [
            # A platform's stream: what a resend reads, and the admin's lists.
            models.Index(fields=["platform_id", "direction", "id"], name="outbox_stream_idx"),
        ]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.message_type} #{self.pk}"


class OutboxPending(models.Model):
    """An outbox row not relayed yet: written with it, deleted when the relay sends it.

    A queue of ids beside the outbox, so that the relay finds a stream's waiting rows through a
    small table, and sending them deletes a narrow row (no index entry is written) rather than
    moving the outbox row out of an index."""

    message = models.OneToOneField(OutboxMessage, primary_key=True, on_delete=models.CASCADE, related_name="+")
    platform_id = models.CharField(max_length=64)
    direction = models.CharField(max_length=4)

    class Meta:
        indexes = [
            # What the relay reads: a stream's waiting rows in order.
            models.Index(fields=["platform_id", "direction", "message"], name="outbox_pending_stream_idx"),
        ]
        verbose_name = _("pending outbox message")
        verbose_name_plural = _("pending outbox messages")

    def __str__(self) -> str:
        return f"{self.platform_id} #{self.message_id}"


class RateLimitBucket(models.Model):
    """One rate limit's state for one key (``kernel.ratelimit``): the GCRA theoretical arrival time."""

    key = models.CharField(max_length=64, primary_key=True)  # SHA-256 of scope and key
    scope = models.CharField(max_length=32)
    tat = models.FloatField()  # seconds since the epoch

    class Meta:
        indexes = [models.Index(fields=["tat"], name="kernel_ratelimit_tat_idx")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key[:12]}"
