from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReceivedMessage(models.Model):
    """Every accepted envelope, raw and append-only: the hub's record of what it was told."""

    message_id = models.UUIDField(unique=True)
    platform_id = models.CharField(max_length=64)
    sequence = models.BigIntegerField()
    message_type = models.CharField(max_length=80)
    schema_version = models.PositiveSmallIntegerField()
    envelope = models.BinaryField()
    envelope_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["platform_id", "sequence"], name="received_platform_sequence_unique")
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
