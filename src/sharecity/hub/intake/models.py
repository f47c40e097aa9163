from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.exchange.models import ReceiptRecord


def storable(text: object, limit: int) -> str:
    """Text from outside as a column can keep it: without NUL (PostgreSQL text cannot hold it) and
    cut to ``limit`` characters."""
    text = str(text).replace("\x00", "\uFFFD")
    return text if len(text) <= limit else text[:limit - 1] + "…"


class ReceivedBatch(models.Model):
    """A batch as the platform signed it: its Merkle root and the platform's signature over it."""

    platform_id = models.CharField(max_length=64)
    first_sequence = models.BigIntegerField()
    last_sequence = models.BigIntegerField()
    merkle_root = models.CharField(max_length=64)
    signature = models.CharField(max_length=100)
    transport = models.CharField(max_length=20, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["platform_id", "first_sequence"], name="received_batch_platform_idx")]

    def __str__(self) -> str:
        return f"{self.platform_id}#{self.first_sequence}-{self.last_sequence}"


class ReceivedMessage(models.Model):
    """Every accepted envelope, raw and append-only: the hub's record of what it was told."""

    # Unique per platform, not across platforms: each platform draws its own ids, and one
    # platform reusing another's id must not make the hub drop its message as already seen.
    message_id = models.UUIDField()
    platform_id = models.CharField(max_length=64)
    sequence = models.BigIntegerField()
    message_type = models.CharField(max_length=80)
    schema_version = models.PositiveSmallIntegerField()
    envelope = models.BinaryField()
    envelope_hash = models.CharField(max_length=64)
    # No database constraint: intake writes a batch and its messages in one transaction, and a
    # deferred foreign-key check costs PostgreSQL a look-up per row at commit (a sixth of what
    # storing the row costs); the append-only log never deletes a batch.
    batch = models.ForeignKey(ReceivedBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="messages",
                              db_constraint=False)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["platform_id", "sequence"], name="received_platform_sequence_unique"),
            models.UniqueConstraint(fields=["platform_id", "message_id"], name="received_platform_message_unique"),
        ]
        verbose_name = _("received message")
        verbose_name_plural = _("received messages")

    def __str__(self) -> str:
        return f"{self.message_type} {self.platform_id}#{self.sequence}"


class IntakeStream(models.Model):
    """How far each platform's chain has been accepted."""

    platform_id = models.CharField(max_length=64, unique=True)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    # Right-hand peaks of the platform's Merkle log at the hub (see exchange.merkle.MerkleFrontier).
    merkle_frontier = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.platform_id}@{self.last_sequence}"


class QuarantinedMessage(models.Model):
    """A rejected input, kept with the rule it broke so it can be corrected and sent again."""

    raw = models.BinaryField()
    platform_id = models.CharField(max_length=64, blank=True, db_index=True)
    message_id = models.CharField(max_length=64, blank=True)
    code = models.CharField(max_length=60)
    field = models.CharField(max_length=120, blank=True)
    reason = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("quarantined message")
        verbose_name_plural = _("quarantined messages")

    def __str__(self) -> str:
        return f"{self.code}: {self.reason[:60]}"


class SignedTreeHead(ReceiptRecord):
    """A receipt: the hub's signed statement of a platform's log (size and Merkle root) at a time.

    Kept append-only, so any two receipts can be checked for consistency: the later log
    extends the earlier one and nothing was removed.
    """

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["platform_id", "tree_size"], name="sth_platform_size_idx")]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

class IntakeGap(models.Model):
    """A hole in a platform's sequence, seen when a later message arrived first.

    Recorded when an envelope is deferred; the platform is asked to send the range again.
    A gap is open while the platform's accepted chain ends before ``last_missing``.
    """

    platform_id = models.CharField(max_length=64)
    first_missing = models.BigIntegerField()
    last_missing = models.BigIntegerField()
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)
    last_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["platform_id", "first_missing"]
        constraints = [
            models.UniqueConstraint(fields=["platform_id", "first_missing"], name="intake_gap_platform_first_unique")
        ]
        verbose_name = _("sequence gap")
        verbose_name_plural = _("sequence gaps")

    def __str__(self) -> str:
        return f"{self.platform_id}#{self.first_missing}-{self.last_missing}"
