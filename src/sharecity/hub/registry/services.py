from __future__ import annotations

import base64
import binascii
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import transaction
from django.utils.translation import gettext as _

from sharecity.exchange.relay import HUB_PRODUCER_ID
from sharecity.hub.registry.models import RegisteredPlatform, RegulatorProfile
from sharecity.kernel.districts import district_get
from sharecity.kernel.errors import Conflict, InvalidInput
from sharecity.kernel.ids import validate_credit_code
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record


def platform_register(*, platform_id: str, name: str, credit_code: str, sectors: list[str], public_key: str
                      ) -> RegisteredPlatform:
    platform, _ = RegisteredPlatform.objects.update_or_create(
        platform_id=platform_id,
        defaults={"name": name, "credit_code": credit_code, "sectors": sectors, "public_key": public_key},
    )
    return platform


@transaction.atomic
def regulator_profile_set(
    *, actor: User | None, user: User, department: str, district_code: str = ""
) -> RegulatorProfile:
    if district_code:
        district_get(district_code)
    profile, _ = RegulatorProfile.objects.update_or_create(
        user=user, defaults={"department": department, "district_code": district_code}
    )
    audit_record(actor=actor, action="hub.regulator_profile_set", target_type="user", target_id=user.pk,
                 data={"department": department, "district": district_code})
    return profile


SECTOR_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
PLATFORM_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def _public_key_check(public_key: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(public_key.encode())
        Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, binascii.Error):
        raise InvalidInput(_("The public key must be a raw 32-byte Ed25519 key in URL-safe base64."),
                           field="public_key", code="registry.invalid_public_key") from None
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
    audit_record(actor=actor, action="hub.platform_register_external", target_type="registered_platform",
                 target_id=platform.pk, platform_id=platform_id, data={"name": name, "sectors": list(sectors)})
    return platform
