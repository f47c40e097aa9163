"""Writes of moderation: review cases and statements of reasons.

The subject's own context (listings, reviews, accounts) changes the subject's state; these
functions keep the queue and the statements, and report each statement to the hub as
``moderation.decision`` in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, fact_record
from sharecity.market.moderation.errors import CaseDecided, InvalidDecision, NotModerator, ReasonRequired
from sharecity.market.moderation.models import (
    CaseOutcome,
    CaseStatus,
    Decision,
    Ground,
    ModerationCase,
    StatementOfReasons,
    SubjectType,
)
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import is_operator

# How each decision appears on the exchange (ModerationDecisionV1.decision). ``approved`` is
# reported as ``restored`` only when it lifts an earlier reported restriction; otherwise nothing
# was restricted and there is nothing to report.
REPORTED_AS = {
    Decision.REJECTED: "visibility_restricted",
    Decision.VISIBILITY_RESTRICTED: "visibility_restricted",
    Decision.REMOVED: "removed",
    Decision.SUSPENDED: "suspended",
    Decision.RESTORED: "restored",
    Decision.WARNED: "warned",
}
# The subjects ``moderation.decision`` carries (ModerationDecisionV1.subject_type); a decision about anything else
# (a listing's photo) is kept and shown to the provider but not reported.
EXCHANGED_SUBJECTS = {SubjectType.LISTING, SubjectType.REVIEW, SubjectType.ACCOUNT}
RESTRICTIONS = {Decision.REJECTED, Decision.VISIBILITY_RESTRICTED, Decision.REMOVED, Decision.SUSPENDED}


def moderator_check(*, actor: User | None, platform: Platform) -> None:
    if actor is None or not is_operator(user=actor, platform=platform):
        raise NotModerator(_("Only the platform's moderators may decide this."), field="actor")


@transaction.atomic
def case_open(*, platform: Platform, subject_type: str, subject_id: str, text: str, findings: list[dict],
              actor: User | None = None) -> ModerationCase:
    """Put a subject in the platform's review queue (or refresh its open case with new findings)."""
    if subject_type not in SubjectType.values:
        raise InvalidDecision(_("Unknown subject type."), field="subject_type")
    case = (ModerationCase.objects.select_for_update()
            .filter(platform=platform, subject_type=subject_type, subject_id=str(subject_id),
                    status=CaseStatus.OPEN).first())
    if case is None:
        case = ModerationCase.objects.create(platform=platform, subject_type=subject_type,
                                             subject_id=str(subject_id), text=text, findings=findings)
    else:
        case.text, case.findings = text, findings
        case.save(update_fields=["text", "findings"])
    audit_record(actor=actor, action="moderation.case_open", target_type="moderation_case",
                 target_id=case.public_id, platform_id=platform.exchange_id,
                 data={"subject_type": subject_type, "subject_id": str(subject_id),
                       "rules": sorted({f.get("rule", "") for f in findings})})
    return case


@transaction.atomic
def case_withdraw(*, platform: Platform, subject_type: str, subject_id: str, actor: User | None = None) -> bool:
    """Take an undecided case out of the queue because its subject is gone (a photo removed or replaced)."""
    case = (ModerationCase.objects.select_for_update()
            .filter(platform=platform, subject_type=subject_type, subject_id=str(subject_id),
                    status=CaseStatus.OPEN).first())
    if case is None:
        return False
    audit_record(actor=actor, action="moderation.case_withdraw", target_type="moderation_case",
                 target_id=case.public_id, platform_id=platform.exchange_id,
                 data={"subject_type": subject_type, "subject_id": str(subject_id)})
    case.delete()
    return True


@transaction.atomic
def case_decide(*, actor: User, case: ModerationCase, approve: bool, reason: str = "") -> ModerationCase:
    """A moderator decides an open case. Rejecting needs a reason, which the provider will read."""
    moderator_check(actor=actor, platform=case.platform)
    case = ModerationCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.OPEN:
        raise CaseDecided(_("This case has already been decided."), field="case")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ReasonRequired(_("Give the reason for the rejection; the provider will read it."), field="reason")
    case.status = CaseStatus.DECIDED
    case.outcome = CaseOutcome.APPROVED if approve else CaseOutcome.REJECTED
    case.reason = reason
    case.decided_at = timezone.now()
    case.decided_by = actor
    case.save(update_fields=["status", "outcome", "reason", "decided_at", "decided_by"])
    audit_record(actor=actor, action="moderation.case_decide", target_type="moderation_case",
                 target_id=case.public_id, platform_id=case.platform.exchange_id,
                 data={"outcome": case.outcome, "reason": reason})
    return case


@transaction.atomic
def statement_issue(*, actor: User | None, platform: Platform, subject_type: str, subject_id: str, decision: str,
                    ground: str, legal_reference: str, facts: str, automated_detection: bool,
                    automated_decision: bool, case: ModerationCase | None = None,
                    district: str | None = None) -> StatementOfReasons:
    """Record why content was restricted or restored; the provider sees it and the hub receives it."""
    if decision not in Decision.values:
        raise InvalidDecision(_("Unknown decision."), field="decision")
    if ground not in Ground.values:
        raise InvalidDecision(_("The ground is illegal content or a violation of the platform's rules."),
                              field="ground")
    if not (legal_reference or "").strip():
        raise InvalidDecision(_("Name the law or platform rule the decision rests on."), field="legal_reference")
    if not (facts or "").strip():
        raise ReasonRequired(_("State the facts the decision rests on."), field="facts")
    reported_as = REPORTED_AS.get(decision) if subject_type in EXCHANGED_SUBJECTS else None
    if subject_type in EXCHANGED_SUBJECTS and decision == Decision.APPROVED and \
            StatementOfReasons.objects.filter(
            subject_type=subject_type, subject_id=str(subject_id), decision__in=list(RESTRICTIONS)).exists():
        reported_as = "restored"
    statement = StatementOfReasons.objects.create(
        platform=platform, subject_type=subject_type, subject_id=str(subject_id), decision=decision, ground=ground,
        legal_reference=legal_reference.strip()[:500], facts=facts.strip()[:4000],
        automated_detection=automated_detection, automated_decision=automated_decision, case=case,
        decided_by=actor if actor is not None and actor.pk else None,
    )
    data = {"decision": decision, "subject_type": subject_type, "subject_id": str(subject_id)}
    if reported_as is None:
        audit_record(actor=actor, action="moderation.statement_issue", target_type="statement_of_reasons",
                     target_id=statement.public_id, platform_id=platform.exchange_id, data=data)
        return statement
    fact_record(
        actor=actor, action="moderation.statement_issue", target_type="statement_of_reasons",
        target_id=statement.public_id, platform_id=platform.exchange_id, message_type="moderation.decision",
        payload=payload_build(
            "moderation.decision", decision_id=str(statement.public_id), subject_type=subject_type,
            subject_id=str(subject_id), decision=reported_as, decided_at=statement.created_at, district=district,
            statement_of_reasons=statement_payload(statement),
        ),
        audit_data=data,
    )
    return statement


def statement_payload(statement: StatementOfReasons) -> dict:
    """The statement as the exchange carries it (inside moderation.decision and listing.removed)."""
    return {"ground": statement.ground, "legal_reference": statement.legal_reference, "facts": statement.facts,
            "automated_detection": statement.automated_detection,
            "automated_decision": statement.automated_decision}
