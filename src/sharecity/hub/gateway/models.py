from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IngestKey(models.Model):
    """An external platform's key for the HTTPS gateway (header ``X-Exchange-Key``).

    Only a SHA-256 hash is kept; the key is shown once when issued. The key says which
    platform is calling; what it sends must still be signed with the platform's Ed25519 key.
    """

    platform_id = models.CharField(_("platform id"), max_length=64, db_index=True)
    label = models.CharField(_("label"), max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("exchange ingest key")
        verbose_name_plural = _("exchange ingest keys")

    def __str__(self) -> str:
        return f"{self.platform_id} {self.label} ({self.prefix})"
