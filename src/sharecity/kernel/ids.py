"""Chinese identity numbers: resident ID (GB 11643) and unified social credit code (GB 32100).

Validation is python-stdnum's; this module only turns its exceptions into errors that
name the rule a person broke, and masks numbers for display.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric, uscc

from sharecity.kernel.errors import InvalidInput


class IdentityKind(StrEnum):
    RESIDENT_ID = "resident_id"
    CREDIT_CODE = "credit_code"


_RESIDENT_RULES = {
    stdnum_errors.InvalidLength: _("A resident ID number has 18 characters (GB 11643)."),
    stdnum_errors.InvalidFormat: _("A resident ID number is 17 digits followed by a digit or X (GB 11643)."),
    stdnum_errors.InvalidComponent: _(
        "The birth date or region code in this resident ID number is not valid (GB 11643)."
    ),
    stdnum_errors.InvalidChecksum: _("The check digit of this resident ID number does not match (GB 11643)."),
}

_CREDIT_RULES = {
    stdnum_errors.InvalidLength: _("A unified social credit code has 18 characters (GB 32100)."),
    stdnum_errors.InvalidFormat: _(
        "A unified social credit code uses digits and capital letters except I, O, Z, S and V (GB 32100)."
    ),
    stdnum_errors.InvalidComponent: _("A part of this unified social credit code is not valid (GB 32100)."),
    stdnum_errors.InvalidChecksum: _(
        "The check character of this unified social credit code does not match (GB 32100)."
    ),
}


def _validate(value: str, *, module, rules, field: str, code: str) -> str:
    try:
        return str(module.validate(value))
    except stdnum_errors.ValidationError as error:
        for error_type, rule in rules.items():
            if isinstance(error, error_type):
                raise InvalidInput(rule, field=field, code=code) from error
        raise InvalidInput(rules[stdnum_errors.InvalidFormat], field=field, code=code) from error


# GB 11643-1999 《公民身份号码》: a number is the address code (§5.2: the GB/T 2260 code of the
# county where the person's permanent residence is registered), the birth date (§5.3, GB/T 7408),
# an order code (§5.4) and a check digit (§5.5, ISO 7064:1983 MOD 11-2). The address code is
# where the number was issued, not where the person was born, so someone born before a district
# existed carries its code once registered there (350213 翔安区 was created in 2003).
# python-stdnum refuses such numbers by comparing the district's creation year with the birth
# year; by the standard they are right, and they belong to real people.
AREA_CODE_AFTER_BIRTH = "area_code_after_birth_date"


def _resident_birth_date(number: str) -> dt.date | None:
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if born <= dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1) else None


def _district_created_after(number: str, born: dt.date) -> bool:
    """True when GB/T 2260 knows the address code and every county it has had under that code
    was created after ``born``."""
    found = {key: value for _part, props in numdb.get("cn/loc").info(number[:6]) for key, value in props.items()}
    counties = found.get("county", "")
    if not counties:
        return False
    for county in counties.split(","):
        if not county.startswith("["):
            return False  # a code without dates: not the case of a younger district
        start = county[1:].split("]", 1)[0].split("-", 1)[0]
        if not start or int(start) <= born.year:
            return False
    return True


def validate_resident_id(value: str, *, field: str = "id_number") -> str:
    """Return the compact, upper-cased number or raise ``InvalidInput`` naming the rule.

    Right by GB 11643-1999 is enough: a district younger than the birth date is accepted
    (``resident_id_review_reason`` says so); a wrong check digit, an impossible or future birth
    date, or a code GB/T 2260 never had are refused."""
    compact = ric.compact(value or "")
    try:
        number = str(ric.validate(compact))
    except stdnum_errors.InvalidComponent as error:
        born = _resident_birth_date(compact)
        if born is None or not _district_created_after(compact, born):
            raise InvalidInput(_RESIDENT_RULES[stdnum_errors.InvalidComponent], field=field,
                               code="identity.invalid_resident_id") from error
        return compact
    except stdnum_errors.ValidationError:
        return _validate(compact, module=ric, rules=_RESIDENT_RULES, field=field, code="identity.invalid_resident_id")
    if _resident_birth_date(number) is None:  # stdnum takes any calendar date; no one is born in the future
        raise InvalidInput(_("The birth date in this resident ID number is in the future (GB 11643)."),
                           field=field, code="identity.invalid_resident_id")
    return number


def resident_id_review_reason(number: str) -> str:
    """Why a valid resident ID number needs a person's review before it is trusted ("" when not):
    its district code is younger than the birth date, which a district list alone cannot vouch for."""
    born = _resident_birth_date(number)
    if born is not None and _district_created_after(number, born):
        return AREA_CODE_AFTER_BIRTH
    return ""


def validate_credit_code(value: str, *, field: str = "credit_code") -> str:
    return _validate(value or "", module=uscc, rules=_CREDIT_RULES, field=field, code="identity.invalid_credit_code")


def validate_identity(kind: IdentityKind | str, value: str, *, field: str = "id_number") -> str:
    if IdentityKind(kind) is IdentityKind.RESIDENT_ID:
        return validate_resident_id(value, field=field)
    return validate_credit_code(value, field=field)


def mask_identity(value: str) -> str:
    """Show the first four and last four characters: ``3502**********123X``."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def resident_id_with_check_digit(first17: str) -> str:
    """Complete a 17-digit prefix with its GB 11643 check digit (demo data, tests)."""
    return first17 + ric.calc_check_digit(first17 + "0")


def credit_code_with_check_char(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)
