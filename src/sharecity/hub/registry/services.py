from __future__ import annotations

import base64
import binascii
import hashlib
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from sharecity.exchange.relay import HUB_PRODUCER_ID
from sharecity.hub.audit.services import audit_record
from sharecity.hub.registry.models import (
    Department,
    KeyRotation,
    LicenceDeclaration,
    PlatformLicence,
    RegisteredPlatform,
    RegulatorProfile,
)
from sharecity.kernel.districts import CITIES, district_get
from sharecity.kernel.errors import Conflict, InvalidInput
from sharecity.kernel.ids import validate_credit_code
from sharecity.kernel.models import User


def platform_register(*, platform_id: str, name: str, credit_code: str, sectors: list[str], public_key: str,
                      sequence: int = 0, message_id: str = "") -> RegisteredPlatform:
    """Apply a platform's ``platform.registered`` message (its ``sequence`` and ``message_id``).

    The first one registers the platform. A later one may change its sectors, and its key (a
    rotation: intake has checked the message's signature with the key it replaces), but never
    its name or credit code, which identify the business to the city: those are refused and the
    message quarantined, so a platform key cannot quietly become another business.
    """
    platform = RegisteredPlatform.objects.select_for_update().filter(platform_id=platform_id).first()
    if platform is None:
        return RegisteredPlatform.objects.create(platform_id=platform_id, name=name, credit_code=credit_code,
                                                 sectors=sectors,
                                                 public_key=_public_key_check(public_key, field="payload.public_key"))
    for field, registered, sent in (("name", platform.name, name), ("credit_code", platform.credit_code, credit_code)):
        if sent != registered:
            raise InvalidInput(
                f"platform {platform_id} is registered with {field} {registered!r}; a registration message cannot "
                f"change it to {sent!r} (the hub's operators change it, on evidence)",
                field=f"payload.{field}", code="registry.identity_change")
    if public_key != platform.public_key:
        _public_key_check(public_key, field="payload.public_key")
        _key_rotate(platform=platform, public_key=public_key, effective_sequence=sequence + 1,
                    source=KeyRotation.Source.MESSAGE, message_id=message_id, actor=None, reason="")
    if list(sectors) != platform.sectors:
        platform.sectors = list(sectors)
        platform.save(update_fields=["sectors"])
    return platform


def key_fingerprint(public_key: str) -> str:
    """SHA-256 of the raw 32-byte key, hex: what both sides compare when a key changes."""
    return hashlib.sha256(base64.urlsafe_b64decode(public_key.encode())).hexdigest()


def _key_rotate(*, platform: RegisteredPlatform, public_key: str, effective_sequence: int, source: str,
                message_id: str, actor: User | None, reason: str) -> KeyRotation:
    rotation = KeyRotation.objects.create(
        platform_id=platform.platform_id, old_public_key=platform.public_key, new_public_key=public_key,
        old_fingerprint=key_fingerprint(platform.public_key), new_fingerprint=key_fingerprint(public_key),
        effective_sequence=effective_sequence, source=source, message_id=message_id, reason=reason,
    )
    platform.public_key = public_key
    platform.key_since_sequence = effective_sequence
    platform.save(update_fields=["public_key", "key_since_sequence"])
    # A rotation by message is the platform's own act (signed with the key it replaces), by operator the hub's.
    audit_record(actor=actor, actor_label=f"platform {platform.platform_id}" if source == KeyRotation.Source.MESSAGE
                 else "", action="key.rotated", object_type="registered_platform", object_id=platform.platform_id,
                 detail={"source": source, "old_fingerprint": rotation.old_fingerprint,
                       "new_fingerprint": rotation.new_fingerprint, "effective_sequence": effective_sequence,
                       "message_id": message_id, "reason": reason})
    return rotation


@transaction.atomic
def platform_key_rotate(*, actor: User | None, platform_id: str, public_key: str, effective_sequence: int,
                        reason: str) -> KeyRotation:
    """A hub operator replaces a platform's signing key (its old key is lost or stolen, so the
    platform cannot sign a rotation with it). Messages from ``effective_sequence`` on must be
    signed with the new key; the key was checked with the platform out of band."""
    platform = RegisteredPlatform.objects.select_for_update().filter(platform_id=platform_id).first()
    if platform is None:
        raise InvalidInput(_("No platform with this id is registered."), field="platform_id",
                           code="registry.unknown_platform")
    public_key = _public_key_check(public_key)
    if public_key == platform.public_key:
        raise InvalidInput(_("This is the platform's key already."), field="public_key",
                           code="registry.same_key")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the key is replaced (it is audited)."), field="reason")
    if effective_sequence < platform.key_since_sequence:
        raise InvalidInput(_("The new key cannot take effect before the current one did."),
                           field="effective_sequence", code="registry.key_sequence")
    return _key_rotate(platform=platform, public_key=public_key, effective_sequence=effective_sequence,
                       source=KeyRotation.Source.OPERATOR, message_id="", actor=actor, reason=reason)


@transaction.atomic
def regulator_profile_set(
    *, actor: User | None, user: User, department: str, district_code: str = "", city_code: str = "",
    department_kind: str = Department.MARKET_SUPERVISION,
) -> RegulatorProfile:
    """Make ``user`` an officer of a city (and, for a district bureau, of one district).

    The city follows from the district when one is given; without either it is the deployment's
    default city (``SHARECITY_DEFAULT_CITY``)."""
    if department_kind not in Department.values:
        raise InvalidInput(_("Unknown department kind %(kind)s.") % {"kind": department_kind},
                           field="department_kind", code="registry.department_unknown")
    if district_code:
        district = district_get(district_code, field="district_code")
        if city_code and city_code != district.city_code:
            raise InvalidInput(_("District %(district)s is not in city %(city)s.")
                               % {"district": district_code, "city": city_code},
                               field="district_code", code="registry.district_outside_city")
        city_code = district.city_code
    city_code = city_code or settings.SHARECITY_DEFAULT_CITY
    if city_code not in CITIES:
        raise InvalidInput(_("Unknown city code %(code)s.") % {"code": city_code}, field="city_code",
                           code="registry.city_unknown")
    profile, _created = RegulatorProfile.objects.update_or_create(
        user=user, defaults={"department": department, "district_code": district_code, "city_code": city_code,
                             "department_kind": department_kind}
    )
    audit_record(actor=actor, action="regulator.profile_set", object_type="user", object_id=user.pk,
                 detail={"username": user.get_username(), "department": department, "district": district_code,
                         "city": city_code, "department_kind": department_kind},
                 city_code=city_code, district_code=district_code)
    return profile


SECTOR_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
PLATFORM_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def _public_key_check(public_key: str, *, field: str = "public_key") -> str:
    try:
        # validate=True: without it, base64 skips characters outside its alphabet, so a key with
        # junk appended would verify signatures yet not be the key the city recorded.
        raw = base64.b64decode(public_key.encode(), altchars=b"-_", validate=True)
        Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, binascii.Error):
        raise InvalidInput(_("The public key must be a raw 32-byte Ed25519 key in URL-safe base64."),
                           field=field, code="registry.invalid_public_key") from None
    if len(public_key) != 44:
        raise InvalidInput(_("The public key must be a raw 32-byte Ed25519 key in URL-safe base64."),
                           field=field, code="registry.invalid_public_key")
    return public_key


@transaction.atomic
def platform_register_external(*, actor: User | None, platform_id: str, name: str, credit_code: str,
                               sectors: list[str], public_key: str) -> RegisteredPlatform:
    """Register a platform run by another organisation, which reports over HTTPS with its own key.

    Unlike the city's own marketplace, whose first ``platform.registered`` message introduces its
    key, an external platform is registered by the hub's staff first (its key checked out of band).
    Its ingest API key is issued by the gateway (``hub.gateway.services``).
    """
    if not PLATFORM_ID_PATTERN.match(platform_id or "") or platform_id == HUB_PRODUCER_ID:
        raise InvalidInput(_("A platform id is 1 to 64 letters, digits, dots, colons, dashes or underscores."),
                           field="platform_id")
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A platform needs a name."), field="name")
    credit_code = validate_credit_code(credit_code, field="credit_code")
    if not sectors or any(not SECTOR_PATTERN.match(sector) for sector in sectors):
        raise InvalidInput(_("Give one or more sector codes, such as parking or homestay."), field="sectors")
    public_key = _public_key_check(public_key)
    if RegisteredPlatform.objects.filter(platform_id=platform_id).exists():
        raise Conflict(_("A platform with this id is registered."), field="platform_id",
                       code="registry.duplicate_platform")
    if RegisteredPlatform.objects.filter(credit_code=credit_code).exists():
        raise Conflict(_("A platform with this credit code is registered."), field="credit_code",
                       code="registry.duplicate_platform")
    platform = RegisteredPlatform.objects.create(platform_id=platform_id, name=name, credit_code=credit_code,
                                                 sectors=list(sectors), public_key=public_key)
    audit_record(actor=actor, action="platform.registered", object_type="registered_platform", object_id=platform_id,
                 detail={"name": name, "credit_code": credit_code, "sectors": list(sectors),
                         "key_fingerprint": key_fingerprint(public_key)})
    return platform


@transaction.atomic
def licences_declared(*, envelope, payload) -> LicenceDeclaration:
    """Intake handler for ``platform.licences_declared``: keep the platform's whole set of administrative
    licences (《中华人民共和国电子商务法》第十五条). The latest declaration by ``declared_at`` is the current
    set, which the directory shows; earlier ones stay as its history, so a declaration that arrives late
    (older than the current one) is kept without replacing it. Once per message."""
    message_id = str(envelope.message_id)
    existing = LicenceDeclaration.objects.filter(message_id=message_id).first()
    if existing is not None:
        return existing
    licences = [licence.model_dump(mode="json") for licence in payload.licences]
    declaration = LicenceDeclaration.objects.create(platform_id=envelope.platform_id, message_id=message_id,
                                                    declared_at=payload.declared_at, licences=licences)
    PlatformLicence.objects.bulk_create([
        PlatformLicence(declaration=declaration, kind=licence.kind, name=licence.name or "", number=licence.number,
                        issued_by=licence.issued_by, valid_from=licence.valid_from, valid_until=licence.valid_until)
        for licence in payload.licences])
    audit_record(actor=None, actor_label=f"platform {envelope.platform_id}", action="platform.licences_declared",
                 object_type="registered_platform", object_id=envelope.platform_id,
                 detail={"message_id": message_id, "declared_at": payload.declared_at.isoformat(),
                         "licences": [{"kind": licence["kind"], "number": licence["number"]} for licence in licences]})
    return declaration
