"""Chinese identity numbers: resident ID (GB 11643) and unified social credit code (GB 32100).

Validation is python-stdnum's; this module only turns its exceptions into errors that
name the rule a person broke, and masks numbers for display.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
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


def validate_resident_id(value: str, *, field: str = "id_number") -> str:
    """Return the compact, upper-cased number or raise ``InvalidInput`` naming the rule."""
    return _validate(value or "", module=ric, rules=_RESIDENT_RULES, field=field, code="identity.invalid_resident_id")


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
