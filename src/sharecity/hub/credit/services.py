"""Writes to credit files. Other hub duties add records through these functions, never by
touching the credit tables (DESIGN: duties never write another duty's tables)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.audit.services import audit_record
from sharecity.hub.credit.models import CreditRecord, CreditSubject, RecordKind, ScorecardVersion, SubjectKind
from sharecity.hub.credit.rules import publicity_periods
from sharecity.hub.credit.scoring import TreeError, tree_validate
from sharecity.hub.credit.selectors import subject_for_officer
from sharecity.hub.monitoring.selectors import order_providers
from sharecity.hub.registry.jurisdiction import jurisdiction_required
from sharecity.hub.registry.selectors import registered_platform_get
from sharecity.kernel.districts import DISTRICTS
from sharecity.kernel.errors import Forbidden, InvalidInput, NotFound
from sharecity.kernel.timeutil import CITY_TZ


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
    return _record_add(subject=subject, kind=kind, title=title, decided_on=decided_on, source_type=source_type,
                       source_id=source_id, polarity=polarity, severity=severity, detail=detail,
                       legal_basis=legal_basis, decided_by=decided_by, district_code=district_code, public=public,
                       platform_id=platform_id)


def _record_add(
    *, subject: CreditSubject, kind: str, title: str, decided_on: dt.date, source_type: str, source_id: str,
    polarity: int = 0, severity: str = "", detail: dict | None = None, legal_basis: str = "",
    decided_by: str = "", district_code: str = "", public: bool = False, platform_id: str = "",
) -> tuple[CreditRecord, bool]:
    """``credit_record_add`` inside a transaction the caller holds (intake's, for a delivery): no
    savepoint of its own, which costs two round trips a record and undoes nothing the caller's
    would not."""
    if kind not in RecordKind.values:
        raise InvalidInput(f"unknown record kind {kind!r}", field="kind", code="credit.record_kind")
    # At most one row (unique on subject, source): no ORDER BY needed.
    existing = next(iter(CreditRecord.objects.filter(subject=subject, source_type=source_type,
                                                     source_id=source_id).order_by()[:1]), None)
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


# --- records from facts (intake handlers) ---------------------------------------------------------------
#
# Intake calls each handler below for a message; they all share ``credit_facts_apply`` (``apply_many``),
# so a delivery is handled in one pass after the monitoring read model has stored its orders: a complaint
# or a review names an order, and the order may have arrived in the same delivery. Every record is keyed
# by its fact (source_type, source_id), so a redelivered message changes nothing. Handlers never raise on
# a valid payload: a fact the hub cannot place (a complaint on an order it never saw) is skipped.

SEVERE_INCIDENTS = ("serious", "major", "extraordinary")
# complaint.resolved outcome -> polarity on the provider's file.
COMPLAINT_POLARITY = {"upheld": -2, "partly_upheld": -1, "settled": -1, "rejected": 0, "withdrawn": 0}
# Record titles are data, written in Chinese (the hub's working language); pages show each kind translated.
OUTCOME_ZH = {"upheld": "投诉成立", "partly_upheld": "部分成立", "settled": "和解", "rejected": "投诉不成立",
              "withdrawn": "撤回"}
INCIDENT_SEVERITY_ZH = {"general": "一般", "serious": "较大", "major": "重大", "extraordinary": "特别重大"}


def _day(moment: dt.datetime | None) -> dt.date:
    return (moment or timezone.now()).astimezone(CITY_TZ).date()


def _sent_day(envelope) -> dt.date:
    try:
        return _day(dt.datetime.fromisoformat(getattr(envelope, "sent_at", "")))
    except (TypeError, ValueError):
        return _day(None)


def _enterprise_of(platform_id: str) -> CreditSubject | None:
    """The platform's enterprise file, from its registration (credit code and name)."""
    platform = registered_platform_get(platform_id=platform_id)
    if platform is None or not platform.credit_code:
        return None
    return credit_subject_ensure(kind=SubjectKind.ENTERPRISE, identifier=platform.credit_code, name=platform.name,
                                 platform_id=platform_id)


_KEYED_KINDS = (SubjectKind.BUSINESS, SubjectKind.PERSON)  # in CreditSubject's order: business first


def _keyed(*, key: str, kind: str = "", district_code: str = "", platform_id: str = "",
           known: dict[str, CreditSubject | None] | None = None) -> CreditSubject:
    """A business or person's file by party key; the kind is the one first reported (person if unknown).

    ``known`` holds files already looked up in this delivery (``_keyed_prefetch``; None for a key that
    has none yet): a key found there is not looked up again, and a file opened here is added."""
    if known is not None and key in known:
        existing = known[key]
    else:
        existing = CreditSubject.objects.filter(identifier=key, kind__in=_KEYED_KINDS).first()
    if existing is not None:
        if district_code and not existing.district_code:
            credit_subject_relocate(subject=existing, district_code=district_code)
        if known is not None:
            known[key] = existing
        return existing
    subject = credit_subject_ensure(kind=kind or SubjectKind.PERSON, identifier=key, district_code=district_code,
                                    platform_id=platform_id)
    if known is not None:
        known[key] = subject
    return subject


def _keyed_prefetch(keys: set[str]) -> dict[str, CreditSubject | None]:
    """The files of ``keys`` in one query, each key's as ``_keyed`` would find it (business before person)."""
    known: dict[str, CreditSubject | None] = dict.fromkeys(keys)
    if not keys:
        return known
    for subject in CreditSubject.objects.filter(identifier__in=sorted(keys), kind__in=_KEYED_KINDS).order_by():
        current = known[subject.identifier]
        if current is None or _KEYED_KINDS.index(subject.kind) < _KEYED_KINDS.index(current.kind):
            known[subject.identifier] = subject
    return known


def credit_platform_registered(*, envelope, payload) -> None:
    credit_subject_ensure(kind=SubjectKind.ENTERPRISE, identifier=payload.credit_code, name=payload.name,
                          platform_id=envelope.platform_id)


def credit_subject_registered(*, envelope, payload) -> None:
    subject = _keyed(key=payload.subject_key, kind=payload.subject_kind, district_code=payload.district or "",
                     platform_id=envelope.platform_id)
    if payload.district:
        # subject.registered says where the subject mainly operates: it moves the file there.
        credit_subject_relocate(subject=subject, district_code=payload.district)


def credit_subject_verified(*, envelope, payload) -> None:
    subject = _keyed(key=payload.subject_key, kind=payload.subject_kind, platform_id=envelope.platform_id)
    credit_record_add(subject=subject, kind=RecordKind.VERIFICATION, title="平台实名核验",
                      decided_on=_day(payload.verified_at), polarity=1, source_type="subject.verified",
                      source_id=envelope.platform_id, detail={"platform_id": envelope.platform_id},
                      platform_id=envelope.platform_id)


def _verified_many(calls: list[tuple]) -> None:
    """``credit_subject_verified`` for consecutive calls of a delivery at once: the files looked up
    together, the missing ones opened in one insert, the verification records added in one (a
    record per subject and platform: a redelivery or a second verification adds nothing). One at a
    time it cost eight round trips each, most of intake's work in a city's first days."""
    keys = {payload.subject_key for _, payload in calls}
    known = _keyed_prefetch(keys)
    missing: dict[str, CreditSubject] = {}
    for envelope, payload in calls:
        if known[payload.subject_key] is None and payload.subject_key not in missing:
            missing[payload.subject_key] = CreditSubject(
                kind=payload.subject_kind or SubjectKind.PERSON, identifier=payload.subject_key, name="",
                district_code="", city_code="", platform_id=envelope.platform_id)
    if missing:
        # Another intake may open one of them meanwhile: theirs stands, read back with the rest.
        CreditSubject.objects.bulk_create(list(missing.values()), ignore_conflicts=True)
        known.update(_keyed_prefetch(set(missing)))
    wanted: dict[tuple[int, str], CreditRecord] = {}
    for envelope, payload in calls:
        subject = known[payload.subject_key]
        assert subject is not None  # opened above
        wanted.setdefault((subject.pk, envelope.platform_id), CreditRecord(
            subject=subject, kind=RecordKind.VERIFICATION, title="平台实名核验", polarity=1,
            decided_on=_day(payload.verified_at), district_code=subject.district_code,
            city_code=subject.city_code, source_type="subject.verified", source_id=envelope.platform_id,
            detail={"platform_id": envelope.platform_id}, platform_id=envelope.platform_id))
    existing = set(CreditRecord.objects.filter(
        subject_id__in={subject_id for subject_id, _ in wanted}, source_type="subject.verified",
        source_id__in={platform_id for _, platform_id in wanted}).values_list("subject_id", "source_id"))
    CreditRecord.objects.bulk_create([record for key, record in wanted.items() if key not in existing],
                                     ignore_conflicts=True)


def credit_listing_published(*, envelope, payload) -> None:
    """A listing says where its provider offers: a provider's file opened without a district (by
    ``subject.verified``) takes the district of its first listing, so district officers find it."""
    _districts_fill({payload.provider_key: payload.district})


def _districts_fill(first_district: dict[str, str]) -> None:
    if not first_district:
        return
    waiting = CreditSubject.objects.filter(identifier__in=list(first_district), district_code="",
                                           kind__in=[SubjectKind.BUSINESS, SubjectKind.PERSON])
    for subject in waiting:
        credit_subject_relocate(subject=subject, district_code=first_district[subject.identifier])


def credit_order_created(*, envelope, payload) -> None:
    """Nothing to record: ``credit_facts_apply`` reads the delivery's orders to place complaints and reviews."""


def _complaint_filed(envelope, payload, provider: tuple[str, str] | None,
                     known: dict[str, CreditSubject | None] | None = None) -> None:
    if provider is None:
        return
    provider_key, district = provider
    subject = _keyed(key=provider_key, district_code=district, platform_id=envelope.platform_id, known=known)
    _record_add(
        subject=subject, kind=RecordKind.COMPLAINT, title=f"投诉待处理（{payload.category}）",
        decided_on=_sent_day(envelope), polarity=0, source_type="complaint",
        source_id=f"{envelope.platform_id}:{payload.complaint_id}",
        detail={"status": "pending", "complaint_id": payload.complaint_id, "order_id": payload.order_id,
                "category": payload.category, "role": "provider"},
        district_code=payload.district, platform_id=envelope.platform_id,
    )


def credit_complaint_resolved(*, envelope, payload) -> None:
    source_id = f"{envelope.platform_id}:{payload.complaint_id}"
    outcome = payload.outcome
    polarity = COMPLAINT_POLARITY[outcome]
    day = _day(payload.resolved_at)
    for record in CreditRecord.objects.select_for_update().filter(source_type="complaint", source_id=source_id):
        detail = {**record.detail, "status": "resolved", "outcome": outcome, "resolved_on": day.isoformat(),
                  "refund_fen": payload.refund_fen, "compensation_fen": payload.compensation_fen}
        credit_record_update(record=record, detail=detail, polarity=polarity,
                             title=f"投诉办结：{OUTCOME_ZH[outcome]}")
    enterprise = _enterprise_of(envelope.platform_id)
    if enterprise is not None:
        # The platform's handling of the complaint: an outcome against its provider is one it settled.
        credit_record_add(
            subject=enterprise, kind=RecordKind.COMPLAINT, title=f"平台处理投诉：{OUTCOME_ZH[outcome]}",
            decided_on=day, polarity=min(polarity, 0) // 2, source_type="complaint.platform", source_id=source_id,
            detail={"status": "resolved", "outcome": outcome, "complaint_id": payload.complaint_id,
                    "role": "platform", "complainant_satisfied": payload.complainant_satisfied},
            district_code=payload.district, platform_id=envelope.platform_id,
        )


REVIEWS_TITLE = "消费者评价汇总"


def _reviews_add_many(entries: list[tuple[str, tuple[str, str], list[int], dt.date]],
                      known: dict[str, CreditSubject | None]) -> None:
    """Customers' ratings of providers, (platform, (provider key, district), ratings, day) in the
    delivery's order, added to each provider's running aggregate on that platform: the existing
    aggregates read in one query, the new ones made in one and the others updated in one. The same
    as adding the entries one after the other: an aggregate's district is its first entry's, its
    date the last entry's."""
    totals: dict[tuple[int, str], dict] = {}
    for platform_id, (provider_key, district), ratings, day in entries:
        subject = _keyed(key=provider_key, district_code=district, platform_id=platform_id, known=known)
        entry = totals.setdefault((subject.pk, platform_id), {"subject": subject, "district": district,
                                                               "count": 0, "sum": 0, "day": day})
        entry["count"] += len(ratings)
        entry["sum"] += sum(ratings)
        entry["day"] = day
    if not totals:
        return
    existing = {
        (record.subject_id, record.source_id): record
        for record in CreditRecord.objects.filter(
            source_type="reviews", subject_id__in=sorted({pk for pk, _ in totals}),
            source_id__in=sorted({platform_id for _, platform_id in totals})).order_by()
    }
    updated: list[CreditRecord] = []
    created: list[CreditRecord] = []
    for (subject_pk, platform_id), entry in totals.items():
        record = existing.get((subject_pk, platform_id))
        if record is not None:
            # Intake applies a message once (its id is kept), and one platform's messages one delivery at a
            # time (its stream is locked), so counting here is exact.
            count = int(record.detail.get("count", 0)) + entry["count"]
            total = int(record.detail.get("sum", 0)) + entry["sum"]
            record.detail = {"count": count, "sum": total, "mean": round(total / count, 2)}
            record.decided_on = entry["day"]
            updated.append(record)
            continue
        subject, count, total = entry["subject"], entry["count"], entry["sum"]
        district_code = entry["district"] or subject.district_code
        created.append(CreditRecord(
            subject=subject, kind=RecordKind.REVIEWS, severity="", polarity=0, title=REVIEWS_TITLE,
            detail={"count": count, "sum": total, "mean": round(total / count, 2)}, legal_basis="", decided_by="",
            decided_on=entry["day"], district_code=district_code or "",
            city_code=_city_of(district_code) or subject.city_code, public=False, source_type="reviews",
            source_id=platform_id, platform_id=platform_id,
        ))
    if len(updated) == 1:
        [record] = updated
        CreditRecord.objects.filter(pk=record.pk).update(detail=record.detail, decided_on=record.decided_on)
    elif updated:
        CreditRecord.objects.bulk_update(updated, ["detail", "decided_on"])
    if created:
        CreditRecord.objects.bulk_create(created)


def credit_safety_incident(*, envelope, payload) -> None:
    enterprise = _enterprise_of(envelope.platform_id)
    if enterprise is None:
        return
    credit_record_add(
        subject=enterprise, kind=RecordKind.SAFETY,
        title=f"安全事件（{INCIDENT_SEVERITY_ZH[payload.severity]}，{payload.category}）",
        decided_on=_day(payload.occurred_at), polarity=-2 if payload.severity in SEVERE_INCIDENTS else -1,
        source_type="safety.incident", source_id=f"{envelope.platform_id}:{payload.incident_id}",
        detail={"incident_severity": payload.severity, "category": payload.category, "injured": payload.injured,
                "deaths": payload.deaths},
        district_code=payload.district, platform_id=envelope.platform_id,
    )


def credit_moderation_decision(*, envelope, payload) -> None:
    if payload.subject_type != "account" or payload.decision not in ("suspended", "terminated"):
        return
    subject = _keyed(key=payload.subject_id, district_code=payload.district or "", platform_id=envelope.platform_id)
    credit_record_add(
        subject=subject, kind=RecordKind.MODERATION,
        title=f"平台{'终止' if payload.decision == 'terminated' else '暂停'}账号",
        decided_on=_day(payload.decided_at), polarity=-2 if payload.decision == "terminated" else -1,
        source_type="moderation.decision", source_id=f"{envelope.platform_id}:{payload.decision_id}",
        detail={"decision": payload.decision, "duration_days": payload.duration_days,
                "statement_of_reasons": payload.statement_of_reasons.model_dump(mode="json")},
        legal_basis=payload.statement_of_reasons.legal_reference[:300],
        district_code=payload.district or "", platform_id=envelope.platform_id,
    )


def credit_tax_report(*, envelope, payload) -> None:
    """The platform filed its quarterly report (any part of it): tax compliance for that quarter."""
    enterprise = _enterprise_of(envelope.platform_id)
    if enterprise is None:
        return
    credit_record_add(
        subject=enterprise, kind=RecordKind.TAX,
        title=f"报送{payload.year}年第{payload.quarter}季度涉税信息",
        decided_on=_sent_day(envelope), polarity=1, source_type="tax.quarterly_report",
        source_id=f"{envelope.platform_id}:{payload.year}Q{payload.quarter}",
        detail={"year": payload.year, "quarter": payload.quarter, "report_id": payload.report_id},
        platform_id=envelope.platform_id,
    )


def credit_facts_apply(calls: list) -> None:
    """The credit handlers of one delivery, in order, after the orders of the delivery are known."""
    in_delivery: dict[tuple[str, str], tuple[str, str]] = {}
    wanted: dict[str, set[str]] = {}
    listed: dict[str, str] = {}
    placed: set[tuple[str, str]] = set()
    for handler, envelope, payload in calls:
        if handler is credit_listing_published:
            listed.setdefault(payload.provider_key, payload.district)
        elif handler is credit_order_created:
            in_delivery[(envelope.platform_id, payload.order_id)] = (payload.provider_key, payload.district)
        elif handler in (credit_complaint_filed, credit_review_published):
            wanted.setdefault(envelope.platform_id, set()).add(payload.order_id)
            placed.add((envelope.platform_id, payload.order_id))
    known: dict[tuple[str, str], tuple[str, str]] = {}
    for platform_id, order_ids in wanted.items():
        for order_id, provider in order_providers(platform_id=platform_id, order_ids=sorted(order_ids)).items():
            known[(platform_id, order_id)] = provider
    known.update(in_delivery)
    # The providers' files, looked up once for the delivery; a handler that may open or move a keyed
    # file (subject.registered, subject.verified, moderation.decision) drops what was looked up.
    subjects = _keyed_prefetch({provider_key for (platform_id, order_id), (provider_key, _) in known.items()
                                if (platform_id, order_id) in placed})
    # Only a customer's review speaks to the provider's conduct; a delivery's reviews of one provider are
    # added to its aggregate together.
    reviews: dict[tuple[str, tuple[str, str]], tuple[list[int], dt.date | None]] = {}
    verified: list[tuple] = []  # consecutive subject.verified calls, applied together
    for handler, envelope, payload in calls:
        if handler is credit_listing_published:
            continue
        if handler is credit_subject_verified:
            verified.append((envelope, payload))
            continue
        if verified:
            _verified_many(verified)
            verified = []
            subjects.clear()
        if handler is credit_complaint_filed:
            _complaint_filed(envelope, payload, known.get((envelope.platform_id, payload.order_id)), subjects)
        elif handler is credit_review_published:
            provider = known.get((envelope.platform_id, payload.order_id))
            if provider is not None and payload.author_role == "customer":
                ratings = reviews.get((envelope.platform_id, provider), ([], None))[0]
                ratings.append(payload.rating)
                # The aggregate is dated by its latest review.
                reviews[(envelope.platform_id, provider)] = (ratings, _sent_day(envelope))
        else:
            handler(envelope=envelope, payload=payload)
            if handler in _KEYED_WRITERS:
                subjects.clear()
    if verified:
        _verified_many(verified)
        subjects.clear()
    _reviews_add_many([(platform_id, provider, ratings, day or _day(None))
                       for (platform_id, provider), (ratings, day) in reviews.items()], known=subjects)
    # After the delivery's subject.verified calls, so a file opened in this delivery gets its district.
    _districts_fill(listed)


def credit_complaint_filed(*, envelope, payload) -> None:
    credit_facts_apply([(credit_complaint_filed, envelope, payload)])


def credit_review_published(*, envelope, payload) -> None:
    credit_facts_apply([(credit_review_published, envelope, payload)])


# Handlers that open or move keyed files themselves.
_KEYED_WRITERS = (credit_subject_registered, credit_subject_verified, credit_moderation_decision)

for _handler in (credit_platform_registered, credit_subject_registered, credit_subject_verified,
                 credit_listing_published, credit_order_created,
                 credit_complaint_filed, credit_complaint_resolved, credit_review_published, credit_safety_incident,
                 credit_moderation_decision, credit_tax_report):
    _handler.apply_many = credit_facts_apply  # type: ignore[attr-defined]


# --- inspections the hub sends (hub.directives calls this where it issues one) ---------------------------


def credit_inspection_recorded(*, directive_message_id: str, platform_id: str, payload: dict,
                               department: str) -> CreditRecord | None:
    """An ``inspection.result`` directive, as a record in the inspected party's file: the platform's for
    a platform or listing inspection, the subject's for a subject inspection. Spot-check results are
    public (双随机、一公开: 国办发〔2015〕58号)."""
    subject_type = payload.get("subject_type")
    if subject_type == "subject":
        subject = _keyed(key=str(payload.get("subject_id", "")), platform_id=platform_id)
    else:
        subject = _enterprise_of(platform_id)
    if subject is None:
        return None
    result = payload.get("result")
    inspected = payload.get("inspected_at")
    try:
        day = _day(dt.datetime.fromisoformat(str(inspected))) if inspected else _day(None)
    except ValueError:
        day = _day(None)
    findings = [f.get("code", "") for f in payload.get("findings", []) if isinstance(f, dict)]
    record, _created = credit_record_add(
        subject=subject, kind=RecordKind.INSPECTION,
        title=f"监督检查{'合格' if result == 'pass' else '不合格'}",
        decided_on=day, polarity=1 if result == "pass" else -1, source_type="inspection.result",
        source_id=directive_message_id or str(payload.get("case_id", "")),
        detail={"result": result, "case_id": payload.get("case_id"), "inspection_kind": payload.get("inspection_kind"),
                "subject_type": subject_type, "findings": findings[:20]},
        legal_basis=str(payload.get("legal_reference", ""))[:300], decided_by=department[:120], public=True,
        platform_id=platform_id,
    )
    return record


# --- records regulators enter: credit commitments and honours --------------------------------------------

# The national credit-commitment template (信用承诺书): the type of commitment, its content, the liability
# accepted for breach, its validity; whether it was kept (全部/部分/未履行) is recorded later. The types are
# the usual categories (审批替代型、证明事项型、信用修复型、行业自律型、主动型).
COMMITMENT_TYPES = ("approval", "certification", "repair", "industry", "voluntary")
COMMITMENT_TYPES_ZH = {"approval": "审批替代型", "certification": "证明事项型", "repair": "信用修复型",
                       "industry": "行业自律型", "voluntary": "主动型"}
FULFILMENTS = ("full", "partial", "none")
_FULFILMENT_POLARITY = {"full": 1, "partial": -1, "none": -2}


def _officer_subject(*, actor, subject_id: int) -> tuple[CreditSubject, object]:
    return subject_for_officer(user=actor, subject_id=subject_id)


def _clean(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), field=field, code="credit.required")
    if len(value) > max_length:
        raise InvalidInput(_("At most %(count)d characters.") % {"count": max_length}, field=field,
                           code="credit.too_long")
    if any((ord(ch) < 32 and ch not in "\n\t") or 0x7f <= ord(ch) <= 0x9f for ch in value):
        raise InvalidInput(_("Control characters are not allowed."), field=field, code="credit.control_character")
    return value


@transaction.atomic
def credit_commitment_add(*, actor, subject_id: int, commitment_type: str, content: str, liability: str,
                          valid_from: dt.date, valid_until: dt.date, source_ref: str = "") -> CreditRecord:
    subject, jurisdiction = _officer_subject(actor=actor, subject_id=subject_id)
    if commitment_type not in COMMITMENT_TYPES:
        raise InvalidInput(_("Choose a commitment type."), field="commitment_type", code="credit.commitment_type")
    content = _clean(content, field="content", max_length=2000)
    liability = _clean(liability, field="liability", max_length=1000)
    if valid_until < valid_from:
        raise InvalidInput(_("The validity must end after it begins."), field="valid_until", code="credit.validity")
    source_ref = _clean(source_ref, field="source_ref", max_length=80, required=False)
    record, _created = credit_record_add(
        subject=subject, kind=RecordKind.COMMITMENT, title=f"信用承诺（{COMMITMENT_TYPES_ZH[commitment_type]}）",
        decided_on=valid_from, polarity=0, source_type="regulator.commitment",
        source_id=source_ref or str(uuid.uuid4()),
        detail={"commitment_type": commitment_type, "content": content, "liability": liability,
                "valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat(), "fulfilment": ""},
        decided_by=jurisdiction.department[:120], public=True,
    )
    audit_record(actor=actor, action="credit.commitment_added", object_type="credit_record", object_id=record.pk,
                 detail={"subject": subject.pk, **record.detail})
    return record


@transaction.atomic
def credit_commitment_fulfilment(*, actor, record_id: int, fulfilment: str, note: str = "") -> CreditRecord:
    record = CreditRecord.objects.select_for_update().filter(pk=record_id, kind=RecordKind.COMMITMENT).first()
    if record is None:

        raise NotFound(_("No such commitment."), field="record_id")
    _officer_subject(actor=actor, subject_id=record.subject_id)
    if fulfilment not in FULFILMENTS:
        raise InvalidInput(_("Choose full, partial or none."), field="fulfilment", code="credit.fulfilment")
    note = _clean(note, field="note", max_length=500, required=False)
    detail = {**record.detail, "fulfilment": fulfilment, "fulfilment_note": note}
    credit_record_update(record=record, detail=detail, polarity=_FULFILMENT_POLARITY[fulfilment])
    audit_record(actor=actor, action="credit.commitment_fulfilment", object_type="credit_record", object_id=record.pk,
                 detail={"fulfilment": fulfilment, "note": note})
    return record


@transaction.atomic
def credit_honour_add(*, actor, subject_id: int, issuer: str, title: str, awarded_on: dt.date) -> CreditRecord:
    subject, _jurisdiction = _officer_subject(actor=actor, subject_id=subject_id)
    issuer = _clean(issuer, field="issuer", max_length=120)
    title = _clean(title, field="title", max_length=150)
    record, _created = credit_record_add(
        subject=subject, kind=RecordKind.HONOUR, title=title, decided_on=awarded_on, polarity=1,
        source_type="regulator.honour", source_id=str(uuid.uuid4()), detail={"issuer": issuer},
        decided_by=issuer, public=True,
    )
    audit_record(actor=actor, action="credit.honour_added", object_type="credit_record", object_id=record.pk,
                 detail={"subject": subject.pk, "issuer": issuer, "title": title, "awarded_on": awarded_on.isoformat()})
    return record


# --- the scorecard: versions with effective dates, edited by city-level officers -------------------------


@transaction.atomic
def scorecard_version_add(*, actor, tree: dict, effective_from: dt.date, note: str = "",
                          today: dt.date | None = None) -> ScorecardVersion:
    """A new version of the officer's city's scorecard, in force from ``effective_from`` (today or later:
    a grade already given stays explained by the version it was given under)."""

    jurisdiction = jurisdiction_required(actor)
    if jurisdiction.district_code:
        raise Forbidden(_("Only city-level officers may change the scorecard."), field=None,
                        code="credit.city_level_only")
    today = today or _day(None)
    if effective_from < today:
        raise InvalidInput(_("The new version can take effect today at the earliest."), field="effective_from",
                           code="credit.effective_in_past")
    try:
        tree = tree_validate(tree)
    except TreeError as error:
        raise InvalidInput(_("The scorecard is not valid: %(reason)s") % {"reason": error}, field=error.field,
                           code="credit.scorecard_invalid") from None
    note = _clean(note, field="note", max_length=300, required=False)
    version = ScorecardVersion.objects.create(city_code=jurisdiction.city_code or "", effective_from=effective_from,
                                              tree=tree, note=note, created_by=actor)
    audit_record(actor=actor, action="credit.scorecard_changed", object_type="credit_scorecard",
                 object_id=version.pk, detail={"city_code": version.city_code,
                                               "effective_from": effective_from.isoformat(), "note": note,
                                               "tree": tree})
    return version
