"""Reading the audit log: its rows for verification and export, and its verdict."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from typing import Any

from django.db.models import QuerySet

from sharecity.hub.audit.chain import Verdict, chain_verify
from sharecity.hub.audit.models import AuditEntry


def audit_entries(*, action: str | None = None, jurisdiction=None) -> QuerySet[AuditEntry]:
    """Entries in sequence order; with ``jurisdiction`` (a ``registry.jurisdiction.Jurisdiction``) only
    its city's entries, or its district's for a district officer."""
    entries = AuditEntry.objects.all()
    if jurisdiction is not None:
        entries = jurisdiction.filter_scoped(entries)
    if action:
        entries = entries.filter(action=action)
    return entries.order_by("sequence")


def audit_rows() -> Iterator[dict[str, Any]]:
    """Every entry in sequence order, as plain rows (read in chunks: the log only grows)."""
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        yield entry.as_row()


def audit_verify() -> Verdict:
    # closing: verification stops at the first fault, and the cursor must not outlive it.
    with closing(audit_rows()) as rows:
        return chain_verify(rows)


def audit_actions(*, jurisdiction=None) -> list[str]:
    entries = AuditEntry.objects.all() if jurisdiction is None else jurisdiction.filter_scoped(AuditEntry.objects.all())
    return list(entries.order_by("action").values_list("action", flat=True).distinct())
