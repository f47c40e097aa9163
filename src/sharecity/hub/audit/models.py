"""The regulator's audit log: append-only and hash-chained.

The model refuses to change or remove an entry (``save`` of a stored entry, ``delete``, queryset
``update``/``delete``/``bulk_create``). That guards the code, not the database: whoever holds the
database can still edit rows with SQL. The guarantee there is the chain itself: every entry's hash
covers its fields and the previous entry's hash, so ``sharecity audit verify`` names the first
entry that was edited, removed or moved.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from sharecity.hub.audit.chain import timestamp_text
from sharecity.kernel.errors import Conflict


def _refuse() -> Conflict:
    return Conflict(_("The audit log is append-only: its entries are never changed or removed."),
                    code="audit.append_only")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise _refuse()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse()

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise _refuse()

    def bulk_create(self, *args: Any, **kwargs: Any) -> list:
        # Entries are chained one by one under the append lock (``services.audit_record``).
        raise _refuse()


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    # The actor as they were at the time: a later rename or removal of the user leaves the entry as it was.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_name = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    # Canonical JSON text (sorted keys, no spaces), kept as text so the bytes hashed are the bytes stored.
    detail = models.TextField(_("detail"), default="{}")
    # Whose entry it is: the acting officer's city and district, or those of what an operator acted on
    # (empty: the hub's own operations, read by its operators only). Covered by the hash when set.
    city_code = models.CharField(_("city"), max_length=6, blank=True, default="", db_index=True)
    district_code = models.CharField(_("district"), max_length=6, blank=True, default="")
    # unique: even without the append lock, two entries can never hang off the same one.
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    entry_hash = models.CharField(_("entry hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _refuse()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse()

    @property
    def detail_data(self) -> dict:
        return json.loads(self.detail)

    def as_row(self) -> dict[str, Any]:
        """The entry as ``chain.chain_verify`` and the export read it."""
        return {"sequence": self.sequence, "occurred_at": timestamp_text(self.occurred_at),
                "actor_id": self.actor_id, "actor_name": self.actor_name, "action": self.action,
                "object_type": self.object_type, "object_id": self.object_id, "detail": self.detail,
                "city_code": self.city_code, "district_code": self.district_code,
                "prev_hash": self.prev_hash, "entry_hash": self.entry_hash}
