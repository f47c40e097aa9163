from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProducerKey(models.Model):
    """A producing platform's Ed25519 signing key; the private half is encrypted at rest."""

    platform_id = models.CharField(max_length=64, unique=True)
    public_key = models.CharField(max_length=64)
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("producer key")
        verbose_name_plural = _("producer keys")

    def __str__(self) -> str:
        return self.platform_id


class ProducerStream(models.Model):
    """Where a platform's outgoing stream stands: last sequence and hash sent."""

    platform_id = models.CharField(max_length=64, unique=True)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.platform_id}@{self.last_sequence}"


class DeliveryAttempt(models.Model):
    """Every attempt to hand a message to a transport, successful or not."""

    message_id = models.UUIDField(db_index=True)
    platform_id = models.CharField(max_length=64)
    sequence = models.BigIntegerField()
    transport = models.CharField(max_length=20)
    attempted_at = models.DateTimeField(auto_now_add=True)
    succeeded = models.BooleanField()
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.message_id} {'ok' if self.succeeded else 'failed'}"


class LocalStreamEntry(models.Model):
    """The embedded transport: an append-only stream in the database, one row per envelope."""

    message_id = models.UUIDField(unique=True)
    platform_id = models.CharField(max_length=64)
    # "up": a platform to the hub; "down": the hub to a platform (receipts, directives).
    direction = models.CharField(max_length=4, default="up")
    sequence = models.BigIntegerField()
    envelope = models.BinaryField()
    published_at = models.DateTimeField(auto_now_add=True)
    acked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["direction", "acked_at", "id"], name="local_stream_unacked_idx")]

    def __str__(self) -> str:
        return f"{self.platform_id}#{self.sequence}"
