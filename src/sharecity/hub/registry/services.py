from __future__ import annotations

from django.db import transaction

from sharecity.hub.registry.models import RegisteredPlatform, RegulatorProfile
from sharecity.kernel.districts import district_get
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
