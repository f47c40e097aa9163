from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.pseudonyms import party_key_for_identity
from sharecity.exchange.schemas import payload_build
from sharecity.kernel.crypto import blind_index, encrypt_text
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.ids import mask_identity, resident_id_review_reason, validate_credit_code, validate_resident_id
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, fact_record
from sharecity.market.accounts.errors import IdentityLocked, VerificationRefused
from sharecity.market.accounts.models import (
    CreditListChange,
    ProviderProfile,
    ReviewReason,
    SubjectKind,
    VerificationReview,
)
from sharecity.market.accounts.selectors import credit_listed_check, party_key
from sharecity.market.accounts.verification import IdentityVerifier, identity_verifier
from sharecity.market.platforms.models import Platform

IDENTITY_CONTEXT = "provider.identity"


def _number_check(kind: str, id_number: str) -> tuple[str, str]:
    """The compact number and why it needs a review ("" when it does not)."""
    if kind == SubjectKind.PERSON:
        number = validate_resident_id(id_number.strip(), field="id_number")
        return number, resident_id_review_reason(number)
    return validate_credit_code(id_number.strip(), field="id_number"), ""


@transaction.atomic
def provider_verify(*, actor: User, user: User, kind: str, legal_name: str, id_number: str, platform: Platform,
                    verifier: IdentityVerifier | None = None,
                    by_platform_key: bool = False) -> ProviderProfile | VerificationReview:
    """Verify a provider's real name: a resident ID for a person, a credit code for a business.

    ``platform`` is where the person asked; the verification fact is reported by it. Returns the
    profile, or a pending ``VerificationReview`` when a person must look first (the number is
    verified for another account, or only the district list refuses it). Both kinds of review
    look the same to the caller, so asking cannot reveal whether a number is registered.

    ``by_platform_key``: a platform's machine client asks for the person. It may verify someone
    not yet verified, but an identity once verified is shared by every platform and changes only
    through the person's own session or the city's review, never through one platform's key.
    """
    if kind not in SubjectKind.values:
        raise InvalidInput(_("Choose person or business."), field="kind")
    if by_platform_key and ProviderProfile.objects.filter(user=user).exists():
        raise IdentityLocked(
            _("This person's verified identity changes only through their own signed-in session "
              "or the city's review, not through a platform's API key."), field="X-Acting-User")
    number, review_reason = _number_check(kind, id_number)
    legal_name = legal_name.strip()
    if not legal_name:
        raise InvalidInput(_("Enter the legal name that goes with the number."), field="legal_name")
    index = blind_index(number, context=IDENTITY_CONTEXT)
    verifier = verifier or identity_verifier()
    # Asked of the authority before looking at who holds the number, so a number in use takes
    # the same steps (and the same time) as any other up to the review.
    result = verifier.verify(kind=kind, number=number, legal_name=legal_name)
    if not result.accepted:
        raise VerificationRefused(_("Verification was refused: %(reason)s") % {"reason": result.reason},
                                  field="id_number")
    if ProviderProfile.objects.filter(identity_index=index).exclude(user=user).exists():
        review_reason = ReviewReason.IDENTITY_IN_USE
    # A subject on the serious-dishonesty list is not onboarded (the joint measures of the list's directive).
    credit_listed_check(platform=platform, subject_keys=[party_key_for_identity(number), party_key(user)],
                        doing=_("become a provider"))
    if review_reason:
        return _review_request(actor=actor, user=user, kind=kind, legal_name=legal_name, number=number,
                               index=index, reason=review_reason, platform=platform)
    now = timezone.now()
    profile, _created = ProviderProfile.objects.update_or_create(
        user=user,
        defaults={
            "kind": kind,
            "legal_name": legal_name,
            "identity_encrypted": encrypt_text(number, context=IDENTITY_CONTEXT),
            "identity_index": index,
            "identity_masked": mask_identity(number),
            "party_key": party_key_for_identity(number),
            "verified_at": now,
            "verifier": verifier.name,
            "verification_reference": result.reference,
        },
    )
    fact_payload = payload_build(
        "subject.verified",
        subject_key=profile.party_key,
        subject_kind=kind,
        verified_at=now,
    )
    fact_record(
        actor=actor,
        action="provider.verify",
        target_type="user",
        target_id=user.pk,
        platform_id=platform.exchange_id,
        message_type="subject.verified",
        payload=fact_payload,
        audit_data={"kind": kind, "masked": profile.identity_masked, "verifier": verifier.name},
    )
    return profile


def _review_request(*, actor: User, user: User, kind: str, legal_name: str, number: str, index: str, reason: str,
                    platform: Platform) -> VerificationReview:
    """Put the request before a person and tell the hub, under pseudonyms only: the requester's
    account key and the key the number would have, never the number or the name."""
    review = VerificationReview.objects.create(
        user=user, platform=platform, kind=kind, legal_name=legal_name,
        identity_encrypted=encrypt_text(number, context=IDENTITY_CONTEXT), identity_index=index,
        identity_masked=mask_identity(number), reason=reason,
    )
    fact_record(
        actor=actor,
        action="provider.verify_review",
        target_type="verification_review",
        target_id=review.pk,
        platform_id=platform.exchange_id,
        message_type="identity.review_requested",
        payload=payload_build(
            "identity.review_requested",
            review_id=str(review.public_id),
            subject_key=party_key(user),
            claimed_key=party_key_for_identity(number),
            subject_kind=kind,
            reason=reason,
            requested_at=review.requested_at,
        ),
        audit_data={"kind": kind, "masked": review.identity_masked, "reason": reason},
    )
    return review


@transaction.atomic
def credit_list_change_record(*, platform: Platform, message_id: str, payload: dict) -> CreditListChange:
    """Keep a credit-list change the city sent this platform (a validated ``credit_list.changed``
    payload); the same directive delivered again is kept once. What it restricts is read from
    these rows when the subject acts (``credit_listed_check``)."""
    change, created = CreditListChange.objects.get_or_create(
        directive_message_id=message_id,
        defaults={
            "platform": platform, "subject_key": payload["subject_key"], "subject_kind": payload["subject_kind"],
            "credit_list": payload["credit_list"], "added": payload["action"] == "added",
            "effective_at": payload["effective_at"], "expires_at": payload.get("expires_at"),
            "reason": payload["reason"], "issued_by": payload["issued_by"],
            "legal_reference": payload["legal_reference"], "measures": payload.get("measures") or [],
        },
    )
    if created:
        audit_record(actor=None, actor_label=payload["issued_by"], action="credit_list.apply",
                     target_type="party", target_id=payload["subject_key"], platform_id=platform.exchange_id,
                     data={"list": change.credit_list, "added": change.added,
                           "effective_at": str(payload["effective_at"]), "message_id": str(message_id)})
    return change


@transaction.atomic
def identity_recheck_remind(*, now=None) -> int:
    """Tell each provider whose verification runs out within the reminder lead of a vertical they offer in (and
    that platform's operators, who read the same rows), once per expiry. Returns how many were told."""
    from sharecity.market.accounts import recheck
    from sharecity.market.accounts.models import IdentityRecheckReminder
    from sharecity.market.listings.models import Listing

    now = now or timezone.now()
    told = 0
    offered = (Listing.objects.filter(status="published", category__sector__in=recheck.sectors())
               .values_list("provider_id", "category__sector", "platform_id").distinct())
    platforms = {p.pk: p for p in Platform.objects.filter(pk__in={row[2] for row in offered})}
    for user_id, sector, platform_pk in offered:
        rule = recheck.rule_for(sector=sector, at=now)
        profile = ProviderProfile.objects.filter(user_id=user_id).first()
        if rule is None or profile is None:
            continue
        expiry = recheck.expires_at(verified_at=profile.verified_at, rule=rule)
        if not now >= expiry - rule.remind_before:
            continue
        _reminder, created = IdentityRecheckReminder.objects.get_or_create(
            user_id=user_id, sector=sector, expires_at=expiry, defaults={"reminded_at": now})
        if created:
            told += 1
            audit_record(actor=None, action="provider.identity_recheck_reminded", target_type="user",
                         target_id=user_id, platform_id=platforms[platform_pk].exchange_id,
                         data={"sector": sector, "expires_at": expiry.isoformat(), "source": rule.source})
    return told
