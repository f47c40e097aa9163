from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.keys import producer_key_ensure
from sharecity.exchange.schemas import LICENCES_MAX_ITEMS, payload_build, payload_validate
from sharecity.kernel.errors import Forbidden, InvalidInput
from sharecity.kernel.ids import validate_credit_code
from sharecity.kernel.models import AuditEvent, User
from sharecity.kernel.services import audit_record, fact_record
from sharecity.market.platforms.errors import DuplicatePlatform
from sharecity.market.platforms.models import (
    ApiKey,
    JoinedVia,
    OperatorMembership,
    Platform,
    PlatformLicence,
    PlatformMembership,
    Sector,
)
from sharecity.market.platforms.selectors import is_operator

API_KEY_PREFIX = "sck_"


def _hash_key(raw: str) -> str:
    # Keys are 256-bit random, so a plain SHA-256 is as strong as a slow hash here.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def platform_create(*, actor: User | None, slug: str, name: str, credit_code: str, sectors: list[str],
                    city_code: str = "350200") -> Platform:
    credit_code = validate_credit_code(credit_code, field="credit_code")
    if not name.strip():
        raise InvalidInput(_("A platform needs a name."), field="name")
    unknown = [sector for sector in sectors if sector not in Sector.values]
    if unknown or not sectors:
        raise InvalidInput(_("Choose one or more known sectors."), field="sectors")
    if Platform.objects.filter(slug=slug).exists():
        raise DuplicatePlatform(_("A platform with this short name exists."), field="slug")
    if Platform.objects.filter(credit_code=credit_code).exists():
        raise DuplicatePlatform(_("A platform with this credit code exists."), field="credit_code")
    platform = Platform.objects.create(slug=slug, name=name.strip(), credit_code=credit_code, sectors=sectors,
                                       city_code=city_code)
    public_key = producer_key_ensure(platform_id=platform.exchange_id)
    fact_record(
        actor=actor,
        action="platform.create",
        target_type="platform",
        target_id=platform.pk,
        platform_id=platform.exchange_id,
        message_type="platform.registered",
        payload=payload_build("platform.registered", name=platform.name, credit_code=credit_code, sectors=sectors,
                              public_key=public_key),
    )
    return platform


@transaction.atomic
def api_key_issue(*, actor: User | None, platform: Platform, label: str) -> tuple[ApiKey, str]:
    """Return the key row and the raw key, which is never stored and shown only now."""
    prefix = secrets.token_hex(4)
    raw = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(platform=platform, label=label, prefix=prefix, key_hash=_hash_key(raw))
    audit_record(actor=actor, action="platform.api_key_issue", target_type="api_key", target_id=key.pk,
                 platform_id=platform.exchange_id, data={"label": label, "prefix": prefix})
    return key, raw


@transaction.atomic
def api_key_revoke(*, actor: User | None, key: ApiKey) -> None:
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="platform.api_key_revoke", target_type="api_key", target_id=key.pk,
                 platform_id=key.platform.exchange_id)


def api_key_authenticate(*, raw: str) -> Platform | None:
    if not raw or not raw.startswith(API_KEY_PREFIX):
        return None
    prefix = raw[len(API_KEY_PREFIX):].split("_", 1)[0]
    key = ApiKey.objects.select_related("platform").filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash_key(raw)) or not key.platform.is_active:
        return None
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key.platform


@transaction.atomic
def operator_add(*, actor: User | None, platform: Platform, user: User) -> OperatorMembership:
    membership, _ = OperatorMembership.objects.get_or_create(platform=platform, user=user)
    platform_join(platform=platform, user=user, via=JoinedVia.OPERATOR)
    audit_record(actor=actor, action="platform.operator_add", target_type="user", target_id=user.pk,
                 platform_id=platform.exchange_id)
    return membership


def platform_join(*, platform: Platform, user: User, via: str) -> bool:
    """Make ``user`` a member of ``platform`` (idempotent); True when they joined just now.

    Called only where the person is present: their own session on the platform, or staff
    appointment. A platform's API key can never call this for someone.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if PlatformMembership.objects.filter(platform=platform, user=user).exists():
        return False
    with transaction.atomic():
        _membership, created = PlatformMembership.objects.get_or_create(
            platform=platform, user=user, defaults={"joined_via": via})
        if created:
            audit_record(actor=user if via == JoinedVia.SESSION else None, action="platform.join",
                         target_type="user", target_id=user.pk, platform_id=platform.exchange_id,
                         data={"via": via})
    return created


@transaction.atomic
def platform_members_from_activity(*, platform: Platform) -> int:
    """Join to ``platform`` everyone the audit trail shows acting on it themselves (the demo's
    people, and accounts older than membership: migration 0002 does the same); how many joined."""
    actors = (AuditEvent.objects.filter(platform_id=platform.exchange_id, actor__isnull=False)
              .exclude(actor__platform_memberships__platform=platform)
              .values_list("actor_id", flat=True).distinct())
    rows = [PlatformMembership(platform=platform, user_id=user_id, joined_via=JoinedVia.AUDIT_TRAIL)
            for user_id in actors]
    return len(PlatformMembership.objects.bulk_create(rows, ignore_conflicts=True))


LICENCE_FIELDS = ("kind", "name", "number", "issued_by", "valid_from", "valid_until")


def _licence_payload(licences: list[dict]) -> dict:
    """The ``platform.licences_declared`` payload of ``licences``, or InvalidInput naming the field at fault
    (``licences.<i>.<field>``, as the API's body names it)."""
    if not isinstance(licences, list) or len(licences) > LICENCES_MAX_ITEMS:
        raise InvalidInput(_("Declare at most %(count)s licences.") % {"count": LICENCES_MAX_ITEMS},
                           field="licences", code="licences.too_many")
    rows = []
    for index, licence in enumerate(licences):
        unknown = sorted(set(licence) - set(LICENCE_FIELDS))
        if unknown:
            raise InvalidInput(_("Unknown field."), field=f"licences.{index}.{unknown[0]}", code="licences.invalid")
        rows.append({name: value for name, value in licence.items() if value not in (None, "")})
    data = {"declared_at": timezone.now(), "licences": rows}
    try:
        payload_validate("platform.licences_declared", 1, data)
    except InvalidInput as error:
        raise InvalidInput(str(error.message).removeprefix("payload."),
                           field=(error.field or "licences").removeprefix("payload."),
                           code="licences.invalid") from None
    return payload_build("platform.licences_declared", **data)


@transaction.atomic
def licences_declare(*, actor: User | None, platform: Platform, licences: list[dict],
                     machine: bool = False) -> list[PlatformLicence]:
    """Replace the platform's administrative licences with ``licences`` (each: kind, name for kind other,
    number, issued_by, valid_from, valid_until) and send the whole set to the city
    (《中华人民共和国电子商务法》第十五条). Its operators (or its API key) may."""
    if not machine and not is_operator(user=actor, platform=platform):
        raise Forbidden(_("Only the platform's operators may declare its licences."), field="actor",
                        code="licences.not_operator")
    payload = _licence_payload(licences)
    Platform.objects.select_for_update().filter(pk=platform.pk).first()
    PlatformLicence.objects.filter(platform=platform).delete()
    PlatformLicence.objects.bulk_create([
        PlatformLicence(platform=platform, kind=row["kind"], name=row.get("name") or "", number=row["number"],
                        issued_by=row["issued_by"], valid_from=row["valid_from"], valid_until=row.get("valid_until"))
        for row in payload["licences"]])
    fact_record(actor=actor, action="platform.licences_declare", target_type="platform", target_id=platform.pk,
                platform_id=platform.exchange_id, message_type="platform.licences_declared", payload=payload)
    return list(PlatformLicence.objects.filter(platform=platform).order_by("kind", "number"))


def licence_as_dict(licence: PlatformLicence) -> dict:
    return {"kind": licence.kind, "name": licence.name or None, "number": licence.number,
            "issued_by": licence.issued_by, "valid_from": licence.valid_from, "valid_until": licence.valid_until}


@transaction.atomic
def licence_add(*, actor: User | None, platform: Platform, licence: dict) -> list[PlatformLicence]:
    """Add one licence to the platform's set (the console's form) and send the whole set."""
    current = [licence_as_dict(row) for row in PlatformLicence.objects.filter(platform=platform)]
    return licences_declare(actor=actor, platform=platform, licences=[*current, licence])


@transaction.atomic
def licence_remove(*, actor: User | None, platform: Platform, licence_id: int) -> list[PlatformLicence]:
    """Remove one licence from the platform's set (surrendered, revoked) and send the whole set."""
    current = list(PlatformLicence.objects.filter(platform=platform))
    if not any(row.pk == licence_id for row in current):
        raise InvalidInput(_("No such licence of this platform."), field="licence", code="licences.unknown")
    return licences_declare(actor=actor, platform=platform,
                            licences=[licence_as_dict(row) for row in current if row.pk != licence_id])
