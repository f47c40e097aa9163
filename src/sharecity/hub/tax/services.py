"""Intake of the quarterly tax reports (``tax.quarterly_report`` v1)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from sharecity.hub.tax.models import TaxReportPart


def _sent_at(envelope) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(getattr(envelope, "sent_at", ""))
    except (TypeError, ValueError):
        return timezone.now()


def tax_report_received(*, envelope, payload) -> TaxReportPart:
    """Intake handler: keep one row per part (a redelivered part keeps the first); the sealed identities are not
    kept here (they are for the tax department, which holds the key)."""
    fields = {"platform_id": envelope.platform_id, "report_id": payload.report_id, "part": payload.part}
    existing = TaxReportPart.objects.filter(**fields).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return TaxReportPart.objects.create(
                **fields, message_id=str(envelope.message_id), year=payload.year, quarter=payload.quarter,
                parts=payload.parts, recipient_key_id=payload.recipient_key_id,
                totals=payload.totals.model_dump(mode="json"), provider_rows=len(payload.providers),
                sent_at=_sent_at(envelope))
    except IntegrityError:
        return TaxReportPart.objects.get(**fields)
