"""Writes to credit files. Other hub duties add records through these functions, never by
touching the credit tables (DESIGN: duties never write another duty's tables)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sharecity.hub.credit.models import CreditRecord, CreditSubject, RecordKind, SubjectKind
from sharecity.hub.credit.rules import publicity_periods
from sharecity.kernel.districts import DISTRICTS
from sharecity.kernel.errors import InvalidInput


def _city_of(district_code: str) -> str:
    district = DISTRICTS.get(district_code or "")
    return district.city_code if district else ""


def credit_subject_ensure(*, kind: str, identifier: str, name: str = "", district_code: str = "",
                          platform_id: str = "") -> CreditSubject:
    """The subject's credit file, opened on first mention. A later mention fills what was unknown
    (a name, a district) but never overwrites it: the first report of where a subject operates
    stays until a ``subject.registered`` says otherwise (see ``credit_subject_relocate``)."""
    if kind not in SubjectKind.values:
        raise InvalidInput(f"unknown subject kind {kind!r}", field="kind", code="credit.subject_kind")
    if not identifier:
        raise InvalidInput("a credit subject needs an identifier", field="identifier", code="credit.identifier")
    subject, created = CreditSubject.objects.get_or_create(
        kind=kind, identifier=identifier,
        defaults={"name": name, "district_code": district_code or "", "city_code": _city_of(district_code),
                  "platform_id": platform_id},
    )
    if not created:
        changed = []
        if name and not subject.name:
            subject.name, changed = name, [*changed, "name"]
        if district_code and not subject.district_code:
            subject.district_code, subject.city_code = district_code, _city_of(district_code)
            changed += ["district_code", "city_code"]
        if changed:
            subject.save(update_fields=[*changed, "updated_at"])
    return subject


def credit_subject_relocate(*, subject: CreditSubject, district_code: str) -> CreditSubject:
    if district_code and district_code != subject.district_code:
        subject.district_code, subject.city_code = district_code, _city_of(district_code)
        subject.save(update_fields=["district_code", "city_code", "updated_at"])
    return subject


@transaction.atomic
def credit_record_add(
    *, subject: CreditSubject, kind: str, title: str, decided_on: dt.date, source_type: str, source_id: str,
    polarity: int = 0, severity: str = "", detail: dict | None = None, legal_basis: str = "",
    decided_by: str = "", district_code: str = "", public: bool = False, platform_id: str = "",
) -> tuple[CreditRecord, bool]:
    """Add a record to ``subject``'s file, once per (source_type, source_id): a redelivered fact
    returns the record it made the first time, unchanged, and ``False``.

    A record with a severity is dishonesty information: its repair and display dates come from
    ``hub.credit.rules`` by the rule in force on ``decided_on``.
    """
    if kind not in RecordKind.values:
        raise InvalidInput(f"unknown record kind {kind!r}", field="kind", code="credit.record_kind")
    existing = CreditRecord.objects.filter(subject=subject, source_type=source_type, source_id=source_id).first()
    if existing is not None:
        return existing, False
    repair_from = display_until = None
    if severity:
        periods = publicity_periods(severity=severity, decided=decided_on)
        repair_from, display_until = periods.repair_from, periods.display_until
    district_code = district_code or subject.district_code
    record = CreditRecord.objects.create(
        subject=subject, kind=kind, severity=severity, polarity=polarity, title=title[:200], detail=detail or {},
        legal_basis=legal_basis, decided_by=decided_by, decided_on=decided_on, district_code=district_code or "",
        city_code=_city_of(district_code) or subject.city_code, public=public, repair_from=repair_from,
        display_until=display_until, source_type=source_type, source_id=source_id, platform_id=platform_id,
    )
    return record, True


def credit_record_update(*, record: CreditRecord, detail: dict | None = None, polarity: int | None = None,
                         title: str | None = None) -> CreditRecord:
    """Update a record whose fact evolves (a complaint answered, then resolved; a review aggregate)."""
    fields = []
    if detail is not None:
        record.detail, fields = detail, [*fields, "detail"]
    if polarity is not None:
        record.polarity, fields = polarity, [*fields, "polarity"]
    if title is not None:
        record.title, fields = title[:200], [*fields, "title"]
    if fields:
        record.save(update_fields=fields)
    return record


def credit_record_repair(*, record: CreditRecord, repaired_at: dt.datetime) -> CreditRecord:
    """Repair ends a record's publicity (it stays in the file, no longer shown publicly or counted)."""
    if record.repaired_at is None:
        record.repaired_at = repaired_at
        record.public = False
        record.save(update_fields=["repaired_at", "public"])
    return record
