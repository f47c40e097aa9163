"""Writes of the facts read model: intake's handlers, and the regulator's follow-up notes.

Intake runs the handlers inside its transaction, one platform at a time (it holds that
platform's stream row locked), so the rows of one platform are never written by two intakes at
once and need no lock of their own. On intake's batch path the calls of a whole delivery come to
``facts_apply`` together (``apply_many``): the rows they touch are read with one query per kind,
changed in memory in the order the facts arrived, and written back in bulk. Called one by one
(intake's careful path, or a test) a handler goes through the same code with one call.

The handlers are idempotent (a fact reported again leaves the rows as they were), tolerate facts
arriving out of order (an answer before its complaint, a removal of a listing never reported:
what is known is kept, the rest filled in when it arrives), and do not raise on input that
passed its schema: every value fits its column (``tests/exchange/test_limits_walk.py``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.audit.services import audit_record
from sharecity.hub.facts import selectors
from sharecity.hub.facts.models import (
    ComplaintFact,
    ComplaintStatus,
    FollowUpNote,
    ListingChange,
    ListingFact,
    ListingRemoval,
    ListingState,
    ModerationFact,
    ModerationKind,
    RefundFact,
    SafetyIncident,
    SubjectFact,
)
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.kernel import limits
from sharecity.kernel.districts import DISTRICTS
from sharecity.kernel.errors import InvalidInput


def city_of(district_code: str | None) -> str:
    district = DISTRICTS.get(district_code or "")
    return district.city_code if district else ""


def _sent_at(envelope) -> dt.datetime:
    """When the platform sent the fact, for facts that carry no time of their own (a filing, a
    publication): the envelope's ``sent_at``, never later than now; now if it cannot be read."""
    now = timezone.now()
    try:
        moment = dt.datetime.fromisoformat(getattr(envelope, "sent_at", None))
    except (TypeError, ValueError):
        return now
    if moment.tzinfo is None or moment.utcoffset() is None:
        return now
    return min(moment, now)


# --- the rows a delivery touches -----------------------------------------------------------------


class _Batch:
    """The rows of one delivery's facts, read once, changed in memory, written once."""

    def __init__(self) -> None:
        self.rows: dict[tuple, models.Model] = {}
        self.new: dict[tuple, models.Model] = {}
        self.dirty: set[tuple] = set()
        self.history: dict[type, list[models.Model]] = defaultdict(list)
        # Removals already recorded, as (platform, listing id, removed at): one reported again
        # does not take down a listing published anew since.
        self.removals: set[tuple[str, str, dt.datetime]] = set()
        self.now = timezone.now()

    def get(self, model: type, platform_id: str, key: Any) -> Any:
        return self.rows.get((model, platform_id, key))

    def add(self, model: type, platform_id: str, key: Any, row: models.Model) -> None:
        self.rows[(model, platform_id, key)] = self.new[(model, platform_id, key)] = row

    def touch(self, model: type, platform_id: str, key: Any) -> None:
        if (model, platform_id, key) not in self.new:
            self.dirty.add((model, platform_id, key))


def _locate(row, district_code: str | None) -> None:
    row.district_code = district_code or ""
    row.city_code = city_of(district_code)


# --- listings ----------------------------------------------------------------------------------------

_LISTING_TRACKED = ("category", "district_code", "provider_key", "price_fen", "price_unit", "title")


def _listing(batch: _Batch, envelope, listing_id: str) -> tuple[ListingFact, bool]:
    row = batch.get(ListingFact, envelope.platform_id, listing_id)
    if row is not None:
        return row, False
    row = ListingFact(platform_id=envelope.platform_id, listing_id=listing_id)
    batch.add(ListingFact, envelope.platform_id, listing_id, row)
    return row, True


def _apply_listing_published(batch: _Batch, envelope, payload) -> None:
    row, created = _listing(batch, envelope, payload.listing_id)
    values = {"category": payload.category, "district_code": payload.district, "provider_key": payload.provider_key,
              "price_fen": payload.price_fen, "price_unit": payload.price_unit, "title": payload.title}
    # A publication carries no time of its own: it was made before the platform sent it.
    sent_at = _sent_at(envelope)
    if created or (row.state == ListingState.REMOVED and (row.removed_at is None or sent_at > row.removed_at)):
        # New, or published again after a removal (the removal stays in ListingRemoval).
        for name, value in values.items():
            setattr(row, name, value)
        row.state = ListingState.LIVE
        row.published_at = sent_at
        row.times_published += 1
        row.removed_at, row.removed_by, row.statement_of_reasons = None, "", None
    elif row.published_at is None:
        # Only a change or a removal had arrived: what they said is newer than the publication.
        for name, value in values.items():
            if getattr(row, name) in ("", None):
                setattr(row, name, value)
        row.published_at = sent_at
        row.times_published += 1
    elif row.state == ListingState.LIVE and any(getattr(row, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(row, name, value)
    else:
        return  # the same publication reported again, or one older than the listing's removal
    row.city_code = city_of(row.district_code)
    batch.touch(ListingFact, envelope.platform_id, payload.listing_id)


def _tracked(row: ListingFact) -> dict:
    return {name: getattr(row, name) for name in _LISTING_TRACKED}


def _apply_listing_changed(batch: _Batch, envelope, payload) -> None:
    row, _created = _listing(batch, envelope, payload.listing_id)
    before = _tracked(row)
    if row.changed_at is None or payload.changed_at >= row.changed_at:
        # A change older than the last one applied (reported late) goes into the history only.
        if "category" in payload.changed:
            row.category = payload.category
        if "district" in payload.changed:
            row.district_code = payload.district
            row.city_code = city_of(payload.district)
        if "price" in payload.changed:
            row.price_fen, row.price_unit = payload.price_fen, payload.price_unit
        if "title" in payload.changed:
            row.title = payload.title
        row.changed_at = payload.changed_at
        batch.touch(ListingFact, envelope.platform_id, payload.listing_id)
    after = _tracked(row)
    batch.history[ListingChange].append(ListingChange(
        platform_id=envelope.platform_id, listing_id=payload.listing_id, district_code=row.district_code,
        city_code=row.city_code, changed_at=payload.changed_at, aspects=list(payload.changed),
        previous={name: value for name, value in before.items() if after[name] != value},
        current={name: value for name, value in after.items() if before[name] != value},
    ))


def _apply_listing_removed(batch: _Batch, envelope, payload) -> None:
    # A removal of a listing the hub never heard of is kept all the same, without a district.
    row, _created = _listing(batch, envelope, payload.listing_id)
    reasons = payload.statement_of_reasons.model_dump(mode="json") if payload.statement_of_reasons else None
    batch.history[ListingRemoval].append(ListingRemoval(
        platform_id=envelope.platform_id, listing_id=payload.listing_id, district_code=row.district_code,
        city_code=row.city_code, provider_key=row.provider_key, title=row.title, category=row.category,
        removed_at=payload.removed_at, removed_by=payload.removed_by, statement_of_reasons=reasons,
    ))
    key = (envelope.platform_id, payload.listing_id, payload.removed_at)
    if key in batch.removals or (row.state == ListingState.REMOVED and row.removed_at is not None
                                 and payload.removed_at <= row.removed_at):
        return  # this removal reported again (even after the listing was published anew), or an earlier one
    batch.removals.add(key)
    row.state = ListingState.REMOVED
    row.removed_at, row.removed_by, row.statement_of_reasons = payload.removed_at, payload.removed_by, reasons
    batch.touch(ListingFact, envelope.platform_id, payload.listing_id)


# --- complaints ----------------------------------------------------------------------------------------


def _complaint(batch: _Batch, envelope, payload) -> ComplaintFact:
    row = batch.get(ComplaintFact, envelope.platform_id, payload.complaint_id)
    if row is None:
        row = ComplaintFact(platform_id=envelope.platform_id, complaint_id=payload.complaint_id)
        batch.add(ComplaintFact, envelope.platform_id, payload.complaint_id, row)
    else:
        batch.touch(ComplaintFact, envelope.platform_id, payload.complaint_id)
    if not row.district_code:
        _locate(row, payload.district)
    return row


def _complaint_settle(row: ComplaintFact) -> None:
    """Status and response time from what is known, whatever order it came in."""
    later = [moment for moment in (row.answered_at, row.escalated_at, row.resolved_at) if moment is not None]
    if row.filed_at is not None and later:
        # A complaint is filed before anything happens to it (its filing time is when the platform
        # sent it, which may be after a quick answer).
        row.filed_at = min(row.filed_at, *later)
    if row.resolved_at is not None:
        row.status = ComplaintStatus.RESOLVED
    elif row.escalated_at is not None:
        row.status = ComplaintStatus.ESCALATED
    elif row.answered_at is not None:
        row.status = ComplaintStatus.ANSWERED
    else:
        row.status = ComplaintStatus.FILED
    if row.filed_at is not None and row.answered_at is not None:
        row.response_seconds = max(0, int((row.answered_at - row.filed_at).total_seconds()))
    else:
        row.response_seconds = None


def _apply_complaint_filed(batch: _Batch, envelope, payload) -> None:
    row = _complaint(batch, envelope, payload)
    row.order_id, row.category, row.complainant_key = payload.order_id, payload.category, payload.complainant_key
    _locate(row, payload.district)
    if row.filed_at is None:
        row.filed_at = _sent_at(envelope)
    _complaint_settle(row)


def _apply_complaint_answered(batch: _Batch, envelope, payload) -> None:
    row = _complaint(batch, envelope, payload)
    # The first substantive answer is what the response time measures.
    if row.answered_at is None or payload.answered_at <= row.answered_at:
        row.answered_at, row.answer, row.answer_summary = payload.answered_at, payload.answer, payload.summary
    _complaint_settle(row)


def _apply_complaint_escalated(batch: _Batch, envelope, payload) -> None:
    row = _complaint(batch, envelope, payload)
    entry = {"at": payload.escalated_at.isoformat(), "to": payload.escalated_to, "reason": payload.reason}
    escalations = [item for item in (row.escalations or []) if item != entry]
    row.escalations = sorted([*escalations, entry], key=lambda item: item["at"])
    if row.escalated_at is None or payload.escalated_at >= row.escalated_at:
        row.escalated_at, row.escalated_to, row.escalation_reason = (payload.escalated_at, payload.escalated_to,
                                                                     payload.reason)
    _complaint_settle(row)


def _apply_complaint_resolved(batch: _Batch, envelope, payload) -> None:
    row = _complaint(batch, envelope, payload)
    if row.resolved_at is None or payload.resolved_at >= row.resolved_at:
        row.resolved_at, row.outcome = payload.resolved_at, payload.outcome
        row.refund_fen, row.compensation_fen = payload.refund_fen, payload.compensation_fen
        row.complainant_satisfied = payload.complainant_satisfied
    _complaint_settle(row)


# --- refunds -------------------------------------------------------------------------------------------


def _apply_order_refunded(batch: _Batch, envelope, payload) -> None:
    """A refund is reported once under its id; reported again, the row stays as it was."""
    if batch.get(RefundFact, envelope.platform_id, payload.refund_id) is not None:
        return
    row = RefundFact(platform_id=envelope.platform_id, refund_id=payload.refund_id, order_id=payload.order_id,
                     category=payload.category, complaint_id=payload.complaint_id or "", reason=payload.reason,
                     amount_fen=payload.amount_fen, from_escrow_fen=payload.from_escrow_fen,
                     from_provider_fen=payload.from_provider_fen, receivable_fen=payload.receivable_fen,
                     refunded_total_fen=payload.refunded_total_fen, refunded_at=payload.refunded_at)
    _locate(row, payload.district)
    batch.add(RefundFact, envelope.platform_id, payload.refund_id, row)


# --- moderation, hidden reviews -------------------------------------------------------------------------


def _moderation(batch: _Batch, envelope, kind: str, decision_id: str) -> ModerationFact:
    row = batch.get(ModerationFact, envelope.platform_id, (kind, decision_id))
    if row is None:
        row = ModerationFact(platform_id=envelope.platform_id, kind=kind, decision_id=decision_id)
        batch.add(ModerationFact, envelope.platform_id, (kind, decision_id), row)
    else:
        batch.touch(ModerationFact, envelope.platform_id, (kind, decision_id))
    return row


def _reasons(row: ModerationFact, statement) -> None:
    row.statement_of_reasons = statement.model_dump(mode="json") if statement else None
    row.ground = statement.ground if statement else ""
    row.automated = bool(statement and statement.automated_decision)


def _apply_moderation_decision(batch: _Batch, envelope, payload) -> None:
    row = _moderation(batch, envelope, ModerationKind.DECISION, payload.decision_id)
    row.subject_type, row.subject_id, row.decision = payload.subject_type, payload.subject_id, payload.decision
    row.duration_days, row.decided_at, row.decided_by = payload.duration_days, payload.decided_at, "platform"
    district = payload.district
    if district is None and payload.subject_type == "listing":
        # Where the listing is, if the hub knows it (read at the end of the batch, in one query).
        batch.history["moderation_listing"].append(row)
    _locate(row, district)
    _reasons(row, payload.statement_of_reasons)


def _apply_review_hidden(batch: _Batch, envelope, payload) -> None:
    row = _moderation(batch, envelope, ModerationKind.REVIEW_HIDDEN, payload.review_id)
    row.subject_type, row.subject_id, row.decision = "review", payload.review_id, "hidden"
    row.reason, row.decided_by, row.decided_at = payload.reason, payload.hidden_by, payload.hidden_at
    row.order_id = payload.order_id
    _locate(row, payload.district)
    _reasons(row, payload.statement_of_reasons)


# --- safety, subjects ------------------------------------------------------------------------------------


def _apply_safety_incident(batch: _Batch, envelope, payload) -> None:
    row = batch.get(SafetyIncident, envelope.platform_id, payload.incident_id)
    if row is None:
        row = SafetyIncident(platform_id=envelope.platform_id, incident_id=payload.incident_id)
        batch.add(SafetyIncident, envelope.platform_id, payload.incident_id, row)
    elif payload.reported_at < row.reported_at:
        return  # an earlier report of an incident already updated
    else:
        batch.touch(SafetyIncident, envelope.platform_id, payload.incident_id)
    row.category, row.severity, row.description = payload.category, payload.severity, payload.description
    row.occurred_at, row.reported_at = payload.occurred_at, payload.reported_at
    row.injured, row.deaths = payload.injured, payload.deaths
    row.order_id, row.listing_id = payload.order_id or "", payload.listing_id or ""
    _locate(row, payload.district)


def _subject(batch: _Batch, envelope, payload) -> SubjectFact:
    row = batch.get(SubjectFact, envelope.platform_id, payload.subject_key)
    if row is None:
        row = SubjectFact(platform_id=envelope.platform_id, subject_key=payload.subject_key)
        batch.add(SubjectFact, envelope.platform_id, payload.subject_key, row)
    else:
        batch.touch(SubjectFact, envelope.platform_id, payload.subject_key)
    return row


def _apply_subject_registered(batch: _Batch, envelope, payload) -> None:
    row = _subject(batch, envelope, payload)
    row.subject_kind, row.sectors = payload.subject_kind, list(payload.sectors)
    if payload.district is not None:
        _locate(row, payload.district)
    if row.registered_at is None or payload.registered_at < row.registered_at:
        row.registered_at = payload.registered_at


def _apply_subject_verified(batch: _Batch, envelope, payload) -> None:
    row = _subject(batch, envelope, payload)
    row.subject_kind = payload.subject_kind
    if row.verified_at is None or payload.verified_at < row.verified_at:
        row.verified_at = payload.verified_at


# --- the handlers intake calls ------------------------------------------------------------------------


def _handler(apply: Callable, model: type, key: Callable) -> Callable:
    def handler(*, envelope, payload) -> None:
        facts_apply([(handler, envelope, payload)])

    handler.__name__ = handler.__qualname__ = apply.__name__.removeprefix("_apply_")
    handler.__doc__ = f"Intake handler: {apply.__name__.removeprefix('_apply_').replace('_', ' ')}."
    handler.apply = apply  # type: ignore[attr-defined]
    handler.model = model  # type: ignore[attr-defined]
    handler.key = key  # type: ignore[attr-defined]
    return handler


def _by_listing(payload):
    return payload.listing_id


def _by_complaint(payload):
    return payload.complaint_id


listing_published = _handler(_apply_listing_published, ListingFact, _by_listing)
listing_changed = _handler(_apply_listing_changed, ListingFact, _by_listing)
listing_removed = _handler(_apply_listing_removed, ListingFact, _by_listing)
complaint_filed = _handler(_apply_complaint_filed, ComplaintFact, _by_complaint)
complaint_answered = _handler(_apply_complaint_answered, ComplaintFact, _by_complaint)
complaint_escalated = _handler(_apply_complaint_escalated, ComplaintFact, _by_complaint)
complaint_resolved = _handler(_apply_complaint_resolved, ComplaintFact, _by_complaint)
moderation_decision = _handler(_apply_moderation_decision, ModerationFact,
                               lambda payload: (ModerationKind.DECISION.value, payload.decision_id))
review_hidden = _handler(_apply_review_hidden, ModerationFact,
                         lambda payload: (ModerationKind.REVIEW_HIDDEN.value, payload.review_id))
safety_incident = _handler(_apply_safety_incident, SafetyIncident, lambda payload: payload.incident_id)
subject_registered = _handler(_apply_subject_registered, SubjectFact, lambda payload: payload.subject_key)
subject_verified = _handler(_apply_subject_verified, SubjectFact, lambda payload: payload.subject_key)
order_refunded = _handler(_apply_order_refunded, RefundFact, lambda payload: payload.refund_id)

# How each model's rows are found: its key field(s) beside platform_id.
_KEY_FIELDS: dict[type, tuple[str, ...]] = {
    ListingFact: ("listing_id",),
    ComplaintFact: ("complaint_id",),
    ModerationFact: ("kind", "decision_id"),
    SafetyIncident: ("incident_id",),
    SubjectFact: ("subject_key",),
    RefundFact: ("refund_id",),
}
_UPDATED: dict[type, list[str]] = {
    model: [field.name for field in model._meta.concrete_fields
            if field.name not in ("id", "platform_id", "created_at", *_KEY_FIELDS[model])]
    for model in _KEY_FIELDS
}


def _load(batch: _Batch, wanted: dict[tuple[type, str], set]) -> None:
    """Read the existing rows of every (model, platform) the delivery names: one query each."""
    for (model, platform_id), keys in wanted.items():
        fields = _KEY_FIELDS[model]
        rows = model.objects.filter(platform_id=platform_id)
        if len(fields) == 1:
            rows = rows.filter(**{f"{fields[0]}__in": sorted(keys)})
            for row in rows:
                batch.rows[(model, platform_id, getattr(row, fields[0]))] = row
        else:
            rows = rows.filter(**{f"{fields[1]}__in": sorted({key[1] for key in keys})})
            for row in rows:
                key = tuple(getattr(row, name) for name in fields)
                if key in keys:
                    batch.rows[(model, platform_id, key)] = row


def facts_apply(calls: list[tuple[Callable, Any, Any]]) -> None:
    """The same effect as calling each handler in turn, for a whole delivery at once."""
    batch = _Batch()
    wanted: dict[tuple[type, str], set] = defaultdict(set)
    for handler, envelope, payload in calls:
        wanted[(handler.model, envelope.platform_id)].add(handler.key(payload))
    _load(batch, wanted)
    removed: dict[str, set[str]] = defaultdict(set)
    for handler, envelope, payload in calls:
        if handler is listing_removed:
            removed[envelope.platform_id].add(payload.listing_id)
    for platform_id, listing_ids in removed.items():
        batch.removals.update(
            (platform_id, listing_id, removed_at) for listing_id, removed_at in ListingRemoval.objects.filter(
                platform_id=platform_id, listing_id__in=sorted(listing_ids)).values_list("listing_id", "removed_at"))
    for handler, envelope, payload in calls:
        handler.apply(batch, envelope, payload)
    _district_from_listings(batch)
    _write(batch)


# Intake passes a delivery's calls of these handlers to ``facts_apply`` together.
HANDLERS = (listing_published, listing_changed, listing_removed, complaint_filed, complaint_answered,
            complaint_escalated, complaint_resolved, moderation_decision, review_hidden, safety_incident,
            subject_registered, subject_verified, order_refunded)
for _handler_function in HANDLERS:
    _handler_function.apply_many = facts_apply  # type: ignore[attr-defined]


def _district_from_listings(batch: _Batch) -> None:
    pending = [row for row in batch.history.pop("moderation_listing", []) if not row.district_code]
    if not pending:
        return
    known = {(row.platform_id, row.listing_id): row.district_code
             for (model, _platform, _key), row in batch.rows.items() if model is ListingFact and row.district_code}
    missing = {(row.platform_id, row.subject_id) for row in pending} - set(known)
    by_platform: dict[str, set[str]] = defaultdict(set)
    for platform_id, listing_id in missing:
        by_platform[platform_id].add(listing_id)
    for platform_id, listing_ids in by_platform.items():
        for listing_id, district in ListingFact.objects.filter(
                platform_id=platform_id, listing_id__in=sorted(listing_ids)).exclude(district_code="").values_list(
                "listing_id", "district_code"):
            known[(platform_id, listing_id)] = district
    for row in pending:
        _locate(row, known.get((row.platform_id, row.subject_id)))


def _insert(model: type, rows: list, *, now: dt.datetime) -> None:
    """New rows (none exists: each was looked for first, under intake's lock of the platform). On
    PostgreSQL with COPY: the ORM's INSERT costs more per row than everything else a fact costs."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=500)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_copy_value(field, row, now) for field in fields])


def _copy_value(field: models.Field, row: models.Model, now: dt.datetime) -> Any:
    if field.name in ("created_at", "updated_at"):
        return now
    value = getattr(row, field.attname)
    if isinstance(field, models.JSONField):
        # jsonb reads JSON text; None is SQL NULL, as the ORM stores it in a nullable JSON column.
        return None if value is None else json.dumps(value, ensure_ascii=False)
    return value


def _arrays(fields: list, rows: list, now: dt.datetime) -> tuple[list[str], list[str], list[list]]:
    """For a statement over ``unnest``: each column's array cast, how to read it back, and its values."""
    quote = connection.ops.quote_name
    casts, reads, params = [], [], []
    for field in fields:
        json_column = isinstance(field, models.JSONField)
        text = json_column or isinstance(field, (models.CharField, models.TextField))
        casts.append(f"%s::{'text' if text else field.db_type(connection)}[]")
        reads.append(f"v.{quote(field.column)}{'::jsonb' if json_column else ''}")
        params.append([_copy_value(field, row, now) for row in rows])
    return casts, reads, params


def _insert_new(model: type, rows: list, *, now: dt.datetime) -> None:
    """Insert rows, leaving out those already stored (by the model's unique key)."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        return
    quote = connection.ops.quote_name
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    casts, reads, params = _arrays(fields, rows, now)
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT {', '.join(reads)} "  # noqa: S608
            f"FROM unnest({', '.join(casts)}) AS v({columns}) ON CONFLICT DO NOTHING", params)


def _update(model: type, rows: list, *, now: dt.datetime) -> None:
    """Write back rows that changed. On PostgreSQL one UPDATE over arrays of the new values: the
    ORM's bulk_update builds a CASE per column and row, which the database is slow to run."""
    names = _UPDATED[model]
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, names, batch_size=500)
        return
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    casts, reads, values = _arrays(fields, rows, now)
    sets = [f"{quote(field.column)} = {read}" for field, read in zip(fields, reads, strict=True)]
    params = [[row.pk for row in rows], *values]
    columns = ", ".join(quote(field.column) for field in fields)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {', '.join(sets)} FROM unnest(%s::bigint[], {', '.join(casts)}) "  # noqa: S608
            f"AS v(id, {columns}) WHERE t.id = v.id", params)


def _write(batch: _Batch) -> None:
    by_model: dict[type, list] = defaultdict(list)
    for (model, _platform, _key), row in batch.new.items():
        by_model[model].append(row)
    for model, rows in by_model.items():
        _insert(model, rows, now=batch.now)
    dirty: dict[type, list] = defaultdict(list)
    for key in batch.dirty:
        row = batch.rows[key]
        row.updated_at = batch.now
        dirty[key[0]].append(row)
    for model, rows in dirty.items():
        _update(model, sorted(rows, key=lambda row: row.pk), now=batch.now)
    for model, rows in batch.history.items():
        # A change or removal reported again is the same row: the unique key drops the repeat.
        _insert_new(model, rows, now=batch.now)


# --- the regulator's follow-up notes ---------------------------------------------------------------------

NOTE_TARGETS = {"complaint": ComplaintFact, "incident": SafetyIncident}


@transaction.atomic
def follow_up_note_add(*, actor, jurisdiction: Jurisdiction, target: str, fact_id: int, text: str) -> FollowUpNote:
    """Record what the regulator did or will do about a complaint or an incident, in the audit log."""
    if target not in NOTE_TARGETS:
        raise InvalidInput(_("Notes are kept on complaints and incidents."), field="target",
                           code="facts.invalid_target")
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Write the note."), field="text", code="facts.note_empty")
    if len(text) > limits.TEXT_MAX_LENGTH:
        raise InvalidInput(_("A note is at most %(limit)s characters.") % {"limit": limits.TEXT_MAX_LENGTH},
                           field="text", code="facts.note_too_long")
    # Outside the officer's jurisdiction the fact does not exist for them (NotFound, 404).
    getter = selectors.complaint_get if target == "complaint" else selectors.incident_get
    fact = getter(jurisdiction=jurisdiction, fact_id=fact_id)
    note = FollowUpNote.objects.create(
        complaint=fact if target == "complaint" else None, incident=fact if target == "incident" else None,
        text=text, author=actor, department=jurisdiction.department[:limits.NAME_MAX_LENGTH],
        district_code=fact.district_code, city_code=fact.city_code,
    )
    audit_record(actor=actor, action=f"facts.{target}_note_added", object_type=f"hub_facts.{target}",
                 object_id=fact.pk, detail={"platform_id": fact.platform_id,
                                            "id": getattr(fact, "complaint_id", None) or fact.incident_id,
                                            "note_id": note.pk, "text": text})
    return note
