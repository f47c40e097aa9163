"""Reads of moderation: the review queue and the statements of reasons."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sharecity.market.moderation.errors import CaseNotFound
from sharecity.market.moderation.models import CaseStatus, ModerationCase, StatementOfReasons
from sharecity.market.platforms.models import Platform


def queue(*, platform: Platform) -> QuerySet[ModerationCase]:
    """The platform's open cases, oldest first."""
    return ModerationCase.objects.filter(platform=platform, status=CaseStatus.OPEN).order_by("opened_at", "id")


def case_get(*, platform: Platform, public_id) -> ModerationCase:
    case = ModerationCase.objects.filter(platform=platform, public_id=public_id).first()
    if case is None:
        raise CaseNotFound(_("No such moderation case on this platform."), field="case")
    return case


def open_case_for(*, platform: Platform, subject_type: str, subject_id: str) -> ModerationCase | None:
    return ModerationCase.objects.filter(platform=platform, subject_type=subject_type, subject_id=str(subject_id),
                                         status=CaseStatus.OPEN).first()


def statements_for(*, subject_type: str, subject_id: str) -> QuerySet[StatementOfReasons]:
    """Every statement of reasons about one subject, newest first."""
    return StatementOfReasons.objects.filter(subject_type=subject_type, subject_id=str(subject_id)).order_by(
        "-created_at", "-id")


def latest_statements(*, subject_type: str, subject_ids) -> dict[str, StatementOfReasons]:
    """The newest statement of each of these subjects, by subject id (for a list page)."""
    latest: dict[str, StatementOfReasons] = {}
    rows = StatementOfReasons.objects.filter(subject_type=subject_type,
                                             subject_id__in=[str(s) for s in subject_ids]).order_by("created_at", "id")
    for statement in rows:
        latest[statement.subject_id] = statement
    return latest


def highlight(text: str, findings: list[dict]) -> list[tuple[str, dict | None]]:
    """``text`` cut into pieces, each with the finding it shows (or None), for marking findings up."""
    spans = sorted((f for f in findings if isinstance(f.get("start"), int) and f["start"] >= 0),
                   key=lambda f: f["start"])
    pieces: list[tuple[str, dict | None]] = []
    at = 0
    for finding in spans:
        start, end = finding["start"], finding["end"]
        if start < at or end > len(text):
            continue
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], finding))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces
