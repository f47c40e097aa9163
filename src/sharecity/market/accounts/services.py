from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.pseudonyms import party_key_for_identity
from sharecity.exchange.schemas import payload_build
from sharecity.kernel.crypto import blind_index, encrypt_text
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.ids import IdentityKind, mask_identity, validate_identity
from sharecity.kernel.models import User
from sharecity.kernel.services import fact_record
from sharecity.market.accounts.errors import IdentityInUse, VerificationRefused
from sharecity.market.accounts.models import ProviderProfile, SubjectKind
from sharecity.market.accounts.verification import IdentityVerifier, identity_verifier
from sharecity.market.platforms.models import Platform

IDENTITY_CONTEXT = "provider.identity"


@transaction.atomic
def provider_verify(*, actor: User, user: User, kind: str, legal_name: str, id_number: str, platform: Platform,
                    verifier: IdentityVerifier | None = None) -> ProviderProfile:
    """Verify a provider's real name: a resident ID for a person, a credit code for a business.

    ``platform`` is where the person asked; the verification fact is reported by it.
    """
    if kind not in SubjectKind.values:
        raise InvalidInput(_("Choose person or business."), field="kind")
    identity_kind = IdentityKind.RESIDENT_ID if kind == SubjectKind.PERSON else IdentityKind.CREDIT_CODE
    number = validate_identity(identity_kind, id_number.strip(), field="id_number")
    legal_name = legal_name.strip()
    if not legal_name:
        raise InvalidInput(_("Enter the legal name that goes with the number."), field="legal_name")
    index = blind_index(number, context=IDENTITY_CONTEXT)
    holder = ProviderProfile.objects.filter(identity_index=index).exclude(user=user).first()
    if holder is not None:
        raise IdentityInUse(_("This identity number is already verified for another account."), field="id_number")
    verifier = verifier or identity_verifier()
    result = verifier.verify(kind=kind, number=number, legal_name=legal_name)
    if not result.accepted:
        raise VerificationRefused(_("Verification was refused: %(reason)s") % {"reason": result.reason},
                                  field="id_number")
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
