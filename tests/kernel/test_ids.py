"""Identity numbers: validated by GB 11643 / GB 32100 with the rule named, shown masked."""

from __future__ import annotations

import pytest

from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.ids import (
    IdentityKind,
    credit_code_with_check_char,
    mask_identity,
    resident_id_with_check_digit,
    validate_credit_code,
    validate_identity,
    validate_resident_id,
)

# Region codes that stdnum's GB/T 2260 history knows for people born in 1980.
XIAMEN_ID = resident_id_with_check_digit("35020019800101123")
TIANJIN_ID = resident_id_with_check_digit("12010119800101123")
X_ID = resident_id_with_check_digit("35020019800101009")  # its check digit is X
CREDIT_CODE = credit_code_with_check_char("91350200000000001")


def other_check(value: str) -> str:
    return value[:-1] + ("1" if value[-1] != "1" else "2")


@pytest.mark.parametrize("number", [XIAMEN_ID, TIANJIN_ID, X_ID])
def test_valid_resident_ids_are_accepted(number):
    assert validate_resident_id(number) == number


def test_resident_id_check_digit_x_is_accepted_in_lower_case_and_returned_upper():
    assert X_ID.endswith("X")
    assert validate_resident_id(X_ID.lower()) == X_ID


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        (XIAMEN_ID[:-1], "18 characters"),
        (XIAMEN_ID + "1", "18 characters"),
        ("", "18 characters"),
        ("35020019800101A23X", "17 digits followed by a digit or X"),
        (other_check(XIAMEN_ID), "check digit"),
        (resident_id_with_check_digit("35020019801301123"), "birth date"),  # month 13
        (resident_id_with_check_digit("35020019800230123"), "birth date"),  # 30 February
        (resident_id_with_check_digit("99999919800101123"), "region code"),  # no such region
    ],
    ids=["too-short", "too-long", "empty", "letter", "checksum", "month-13", "feb-30", "region"],
)
def test_invalid_resident_ids_name_the_rule(number, rule):
    with pytest.raises(InvalidInput) as caught:
        validate_resident_id(number, field="id_number")
    error = caught.value
    assert error.field == "id_number"
    assert error.code == "identity.invalid_resident_id"
    assert rule in str(error.message)
    assert "GB 11643" in str(error.message)


def test_valid_credit_code_is_accepted():
    assert validate_credit_code(CREDIT_CODE) == CREDIT_CODE


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        (CREDIT_CODE[:-1], "18 characters"),
        (CREDIT_CODE[:-1] + "I", "except I, O, Z, S and V"),
        ("91350200MA2YGBO123", "except I, O, Z, S and V"),
        (other_check(CREDIT_CODE), "check character"),
    ],
    ids=["length", "letter-I", "letter-O", "checksum"],
)
def test_invalid_credit_codes_name_the_rule(code, rule):
    with pytest.raises(InvalidInput) as caught:
        validate_credit_code(code, field="credit_code")
    error = caught.value
    assert (error.field, error.code) == ("credit_code", "identity.invalid_credit_code")
    assert rule in str(error.message)
    assert "GB 32100" in str(error.message)


def test_validate_identity_dispatches_on_kind_and_keeps_the_field():
    assert validate_identity(IdentityKind.RESIDENT_ID, XIAMEN_ID) == XIAMEN_ID
    assert validate_identity("credit_code", CREDIT_CODE) == CREDIT_CODE
    with pytest.raises(InvalidInput) as caught:
        validate_identity("credit_code", XIAMEN_ID, field="number")  # a resident ID is not a credit code
    assert caught.value.field == "number"
    with pytest.raises(ValueError):
        validate_identity("passport", XIAMEN_ID)


def test_mask_shows_first_four_and_last_four():
    masked = mask_identity("35020019800101123X")
    assert masked == "3502**********123X"
    assert mask_identity(CREDIT_CODE) == CREDIT_CODE[:4] + "*" * 10 + CREDIT_CODE[-4:]
    assert len(mask_identity(XIAMEN_ID)) == 18
    assert XIAMEN_ID[4:14] not in mask_identity(XIAMEN_ID)


def test_mask_hides_short_values_entirely():
    assert mask_identity("1234") == "****"
    assert mask_identity("") == ""


@pytest.mark.parametrize(
    ("validate", "number", "standard"),
    [(validate_resident_id, XIAMEN_ID[:-1], "GB 11643"), (validate_credit_code, other_check(CREDIT_CODE), "GB 32100")],
)
def test_chinese_messages_also_name_the_standard(validate, number, standard):
    from django.utils import translation

    with translation.override("zh-hans"):
        with pytest.raises(InvalidInput) as caught:
            validate(number)
        message = str(caught.value.message)
    assert standard in message
