"""Reads of credit files: scoped by jurisdiction for officers, public records only for the public lookup.
The selectors build plain inputs for ``hub.credit.scoring``, which does the arithmetic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from sharecity.hub.credit.models import CreditRecord, CreditSubject, RecordKind, ScorecardVersion, SubjectKind
from sharecity.hub.credit.scoring import DEFAULT_TREE, RecordIn, Scorecard, score
from sharecity.hub.registry.jurisdiction import Jurisdiction, jurisdiction_required


def mask_key(identifier: str) -> str:
    """A party key shown to people: enough to tell two files apart, not enough to copy the key."""
    if len(identifier) <= 6:
        return "*" * len(identifier)
    return f"{identifier[:4]}****{identifier[-2:]}"


def subject_label(subject: CreditSubject) -> str:
    """What a page shows for a subject: an enterprise's name and credit code (public registration data);
    a person or business only by masked key (the hub knows no name, and shows no key in full)."""
    if subject.kind == SubjectKind.ENTERPRISE:
        return subject.name or subject.identifier
    return mask_key(subject.identifier)


def shown_identifier(subject: CreditSubject) -> str:
    return subject.identifier if subject.kind == SubjectKind.ENTERPRISE else mask_key(subject.identifier)


def subjects_scoped(jurisdiction: Jurisdiction) -> QuerySet[CreditSubject]:
    """Files an officer may see: persons and businesses by their district; an enterprise (a platform) when
    it reported activity in the officer's districts."""
    subjects = CreditSubject.objects.all()
    if jurisdiction.is_operator:
        return subjects
    return subjects.filter(
        Q(kind=SubjectKind.ENTERPRISE, platform_id__in=sorted(jurisdiction.platform_ids()))
        | (~Q(kind=SubjectKind.ENTERPRISE) & Q(district_code__in=jurisdiction.district_codes()))
    )


def subjects_search(*, jurisdiction: Jurisdiction, q: str = "", kind: str = "", district: str = "") -> QuerySet:
    subjects = subjects_scoped(jurisdiction)
    if kind in SubjectKind.values:
        subjects = subjects.filter(kind=kind)
    if district:
        subjects = subjects.filter(district_code=district)
    if q:
        subjects = subjects.filter(Q(name__icontains=q) | Q(identifier__iexact=q) | Q(identifier__startswith=q))
    return subjects.order_by("kind", "name", "identifier")


def subject_for_officer(*, user, subject_id: int) -> tuple[CreditSubject, Jurisdiction]:
    """The file, or 404 when it does not exist or lies outside the officer's jurisdiction (no hint which)."""
    jurisdiction = jurisdiction_required(user)
    subject = subjects_scoped(jurisdiction).filter(pk=subject_id).first()
    if subject is None:
        raise Http404("No such credit file.")
    return subject, jurisdiction


def _record_in(record: CreditRecord) -> RecordIn:
    return RecordIn(id=record.pk, kind=record.kind, decided_on=record.decided_on, title=record.title,
                    severity=record.severity, polarity=record.polarity, public=record.public,
                    detail=dict(record.detail or {}), repaired=record.repaired_at is not None,
                    display_until=record.display_until)


def scorecard_version_in_force(*, city_code: str, day: dt.date) -> ScorecardVersion | None:
    """The city's version in force on ``day``, else the default version's; None: the built-in default."""
    for code in dict.fromkeys([city_code or "", ""]):
        version = (ScorecardVersion.objects.filter(city_code=code, effective_from__lte=day)
                   .order_by("-effective_from", "-id").first())
        if version is not None:
            return version
    return None


def scorecard_tree(*, city_code: str, day: dt.date) -> tuple[dict, ScorecardVersion | None]:
    version = scorecard_version_in_force(city_code=city_code, day=day)
    return (version.tree if version else DEFAULT_TREE), version


def scorecard_versions(*, city_code: str) -> QuerySet[ScorecardVersion]:
    return ScorecardVersion.objects.filter(city_code__in=[city_code or "", ""]).order_by("-effective_from", "-id")


@dataclass
class FileScore:
    subject: CreditSubject
    scorecard: Scorecard
    version: ScorecardVersion | None
    records: list[CreditRecord]


def subject_score(*, subject: CreditSubject, as_of: dt.date, records: list[CreditRecord] | None = None,
                  trees: dict[str, tuple[dict, ScorecardVersion | None]] | None = None) -> FileScore:
    """The file's grade on ``as_of`` under the scorecard version in force that day, with its explanation.
    An enterprise has no city of its own (it is a platform): it is scored by the default version.
    ``trees`` caches the version per city for a caller scoring many files."""
    if records is None:
        records = list(subject.records.all())
    if trees is not None and subject.city_code in trees:
        tree, version = trees[subject.city_code]
    else:
        tree, version = scorecard_tree(city_code=subject.city_code, day=as_of)
        if trees is not None:
            trees[subject.city_code] = (tree, version)
    card = score(tree=tree, records=[_record_in(r) for r in records], as_of=as_of)
    return FileScore(subject=subject, scorecard=card, version=version, records=records)


def grades_for(subjects: list[CreditSubject], *, as_of: dt.date) -> dict[int, str]:
    """Grades of a page of files (one query for their records)."""
    by_subject: dict[int, list[CreditRecord]] = {s.pk: [] for s in subjects}
    for record in CreditRecord.objects.filter(subject__in=subjects):
        by_subject[record.subject_id].append(record)
    trees: dict[str, tuple[dict, ScorecardVersion | None]] = {}
    return {s.pk: subject_score(subject=s, as_of=as_of, records=by_subject[s.pk], trees=trees).scorecard.grade
            for s in subjects}


# --- public lookup ------------------------------------------------------------------------------------


def public_records(subject: CreditSubject, *, today: dt.date) -> list[CreditRecord]:
    """What the public sees: records marked public, not repaired, still within their display period."""
    return list(subject.records.filter(public=True, repaired_at__isnull=True)
                .filter(Q(display_until__isnull=True) | Q(display_until__gte=today)))


def public_list_status(subject: CreditSubject, *, today: dt.date) -> list[str]:
    """The lists the subject is on, as the public sees them: the entries the publicity duty keeps
    (red list, serious-dishonesty list) in effect today, and a serious dishonesty penalty still shown
    (严重失信主体名单). Empty: not listed."""
    # Read through the lists duty's selector, never its tables (DESIGN: duties read each other's
    # selectors); imported here because that duty writes credit records through this app.
    from sharecity.hub.publicity.selectors import list_status_for

    statuses: list[str] = []
    for entry in list_status_for(subject_identifier=subject.identifier, on=today):
        status = "red" if entry.credit_list == "red" else "serious_dishonesty"
        if status not in statuses:
            statuses.append(status)
    for record in public_records(subject, today=today):
        listed = (record.detail or {}).get("list")
        if listed in ("red", "serious_dishonesty") and listed not in statuses:
            statuses.append(listed)
        elif (record.kind == RecordKind.PENALTY and record.severity == "serious"
              and "serious_dishonesty" not in statuses):
            statuses.append("serious_dishonesty")
    return statuses


def public_search(*, q: str, limit: int = 20) -> list[CreditSubject]:
    """The public finds enterprises by name or by exact credit code; keyed subjects (persons,
    businesses) only by their exact key, which only they and their platform hold."""
    q = q.strip()
    if not q:
        return []
    return list(CreditSubject.objects.filter(
        Q(kind=SubjectKind.ENTERPRISE, name__icontains=q) | Q(identifier__iexact=q)
    ).order_by("name", "identifier")[:limit])


def record_visible(record: CreditRecord, jurisdiction: Jurisdiction | None) -> bool:
    """A district officer sees a file's records from their district and those of no district (a platform's
    tax report); a record from another district still counts in the grade, shown by number and kind only."""
    if jurisdiction is None or not jurisdiction.district_code:
        return True
    return not record.district_code or jurisdiction.covers_district(record.district_code)


def file_explanation(file_score: FileScore, *, language: str, jurisdiction: Jurisdiction | None = None) -> dict:
    """What a page or the API shows of a grade: each indicator with its rule lines, and each record with
    the lines it fed (or why it did not count)."""
    card = file_score.scorecard
    visible = {r.pk: record_visible(r, jurisdiction) for r in file_score.records}
    titles = {r.pk: r.title if visible[r.pk] else "" for r in file_score.records}
    indicators = []
    for indicator in card.indicators:
        indicators.append({
            "code": indicator.code, "name": indicator.name(language), "weight": indicator.weight,
            "base": indicator.base, "score": indicator.score,
            "lines": [{"rule": line.code, "label": line.label(language), "points_each": line.points_each,
                       "points": line.points, "records": line.record_ids,
                       "record_titles": [titles.get(i, "") for i in line.record_ids]} for line in indicator.lines],
        })
    names = {(i.code, line.code): (i.name(language), line.label(language))
             for i in card.indicators for line in i.lines}
    records = []
    for record in file_score.records:
        feeds = [{"indicator": names[(ind, rule)][0], "rule": names[(ind, rule)][1], "points": points}
                 for ind, rule, points in card.by_record.get(record.pk, [])]
        records.append({"record": record, "feeds": feeds, "excluded": card.excluded.get(record.pk, ""),
                        "visible": visible[record.pk]})
    version = file_score.version
    return {
        "grade": card.grade, "total": card.total, "as_of": card.as_of, "indicators": indicators, "records": records,
        "version": {"id": version.pk if version else None,
                    "effective_from": version.effective_from if version else None,
                    "city_code": version.city_code if version else "", "note": version.note if version else ""},
    }


def enterprise_subjects(*, credit_codes: list[str]) -> dict[str, CreditSubject]:
    """Enterprises' credit files by credit code (the public directory shows each platform's grade)."""
    return {s.identifier: s for s in CreditSubject.objects.filter(kind=SubjectKind.ENTERPRISE,
                                                                    identifier__in=credit_codes)}
