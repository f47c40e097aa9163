"""Writes of qualifications: an instrument's owner sets what its rules require and records users' training."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.platforms.selectors import is_operator
from sharecity.market.qualifications.errors import InvalidQualification, NotTheOwner
from sharecity.market.qualifications.models import Qualification, QualificationRequirement
from sharecity.market.qualifications.selectors import customer_rules

RECORD_NO_MAX = 64
MAX_YEARS = 10


def _text(value, *, field: str, limit: int) -> str:
    if not isinstance(value, str):
        raise InvalidQualification(_("This is text."), field=field)
    text = value.strip()
    if len(text) > limit or any(unicodedata.category(ch).startswith("C") for ch in text):
        raise InvalidQualification(_("At most %(n)d characters of text.") % {"n": limit}, field=field)
    return text


@transaction.atomic
def requirements_set(*, actor: User, listing, codes: list[str]) -> list[str]:
    """The qualifications booking ``listing`` requires, as its owner (or the platform's operator) sets them:
    codes of its category's customer-held licence rules (empty: none required)."""
    if actor.pk != listing.provider_id and not is_operator(user=actor, platform=listing.platform):
        raise NotTheOwner(_("Only the instrument's owner or the platform's operators set its rules."),
                          field="listing")
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise InvalidQualification(_("Give a list of qualification codes."), field="codes")
    allowed = {rule["code"] for rule in customer_rules(listing=listing)}
    unknown = sorted(set(codes) - allowed)
    if unknown:
        raise InvalidQualification(_("This category asks no such qualification of its users: %(codes)s.")
                                   % {"codes": ", ".join(unknown)[:200]}, field="codes")
    wanted = set(codes)
    QualificationRequirement.objects.filter(listing=listing).exclude(code__in=wanted).delete()
    for code in sorted(wanted):
        QualificationRequirement.objects.get_or_create(listing=listing, code=code)
    audit_record(actor=actor, action="qualification.requirements_set", target_type="listing",
                 target_id=listing.public_id, platform_id=listing.platform.exchange_id,
                 data={"codes": sorted(wanted)})
    return sorted(wanted)


def _owned_codes(*, platform, owner) -> set[str]:
    """The qualifications ``owner``'s listings on ``platform`` may require."""
    from sharecity.market.listings.models import Listing

    codes: set[str] = set()
    for listing in Listing.objects.filter(platform=platform, provider=owner).select_related("category", "platform"):
        codes |= {rule["code"] for rule in customer_rules(listing=listing)}
    return codes


@transaction.atomic
def qualification_record(*, actor: User, platform, holder: User, code: str, trained_on: dt.date,
                         expires_on: dt.date, record_no: str = "", now: dt.datetime | None = None) -> Qualification:
    """``actor``, owner of instruments on ``platform``, records that ``holder`` was trained for ``code`` on
    ``trained_on`` and may use their instruments requiring it until ``expires_on`` (included)."""
    today = (now or timezone.now()).astimezone(CITY_TZ).date()
    if not isinstance(code, str) or code not in _owned_codes(platform=platform, owner=actor):
        raise InvalidQualification(_("None of your listings on this platform can require this qualification."),
                                   field="code")
    record_no = _text(record_no, field="record_no", limit=RECORD_NO_MAX)
    for name, value in (("trained_on", trained_on), ("expires_on", expires_on)):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise InvalidQualification(_("Give a date."), field=name)
    if trained_on > today:
        raise InvalidQualification(_("The training cannot be dated after today."), field="trained_on")
    if expires_on < trained_on:
        raise InvalidQualification(_("The qualification cannot expire before the training."), field="expires_on")
    if (expires_on - trained_on).days > MAX_YEARS * 366:
        raise InvalidQualification(_("A qualification is valid for at most %(n)d years.") % {"n": MAX_YEARS},
                                   field="expires_on")
    if holder.pk == actor.pk:
        raise InvalidQualification(_("You cannot record your own qualification."), field="holder")
    qualification = Qualification.objects.create(
        platform=platform, owner=actor, holder=holder, code=code, record_no=record_no, trained_on=trained_on,
        expires_on=expires_on, recorded_by=actor)
    audit_record(actor=actor, action="qualification.record", target_type="qualification",
                 target_id=qualification.public_id, platform_id=platform.exchange_id,
                 data={"holder": str(holder.public_id), "code": code, "trained_on": trained_on.isoformat(),
                       "expires_on": expires_on.isoformat(), "record_no": record_no})
    return qualification
