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
    """Every attempt to hand a batch to a transport, successful or not.

    A batch is what a transport carries: the platform's consecutive messages
    ``first_sequence``..``last_sequence``, which go or fail together, so one row records the
    attempt for each of them (``delivery_attempts_of`` finds a message's). A row per message
    cost the relay as much as marking the messages relayed."""

    platform_id = models.CharField(max_length=64)
    first_sequence = models.BigIntegerField()
    last_sequence = models.BigIntegerField()
    # The batch's id on the transport (its deduplication key).
    transport_message_id = models.CharField(max_length=64, blank=True)
    transport = models.CharField(max_length=20)
    attempted_at = models.DateTimeField(auto_now_add=True)
    succeeded = models.BooleanField()
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["platform_id", "last_sequence"], name="delivery_platform_last_idx")]

    def __str__(self) -> str:
        return (f"{self.platform_id} #{self.first_sequence}-{self.last_sequence} "
                f"{'ok' if self.succeeded else 'failed'}")

    @property
    def message_count(self) -> int:
        return self.last_sequence - self.first_sequence + 1


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


class DownlinkStream(models.Model):
    """The platform side's position in the hub's directive stream to one platform (``down:<platform_id>``):
    the last sequence and hash taken, so a copy is dropped and a gap waits for what is missing."""

    platform_id = models.CharField(max_length=64, unique=True)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"down:{self.platform_id}@{self.last_sequence}"


class ReceiptRecord(models.Model):
    """The fields of a receipt (a signed tree head), as the hub keeps it and as a platform does."""

    platform_id = models.CharField(max_length=64, db_index=True)
    tree_size = models.BigIntegerField()
    root_hash = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.platform_id}@{self.tree_size}"

    def as_receipt(self) -> dict:
        return {
            "platform_id": self.platform_id,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "issued_at": self.issued_at.isoformat(),
            "key_id": self.key_id,
            "signature": self.signature,
        }


class ProducerReceipt(ReceiptRecord):
    """A receipt the hub sent down: its signed statement of the platform's log at a time. Kept so the
    platform can later prove what it delivered and when."""

    verified = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["platform_id", "tree_size", "issued_at"], name="producer_receipt_unique")
        ]
        verbose_name = _("receipt from the hub")
        verbose_name_plural = _("receipts from the hub")
