"""Sealed fields: only the receiving department opens them, only in their own place, only untouched."""

from __future__ import annotations

import base64
import json

import pytest

from sharecity.exchange.sealing import (
    ALGORITHM,
    EncryptedField,
    UnsealError,
    department_keypair_generate,
    department_public_key,
    key_id,
    seal,
    seal_context,
    unseal,
)
from sharecity.kernel.errors import InvalidInput

TAX_PRIVATE, TAX_PUBLIC = department_keypair_generate()
CONTEXT = seal_context("tax.quarterly_report", 1, "id_number")


def _flip(text: str, position: int = 0) -> str:
    raw = bytearray(base64.urlsafe_b64decode(text))
    raw[position] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).decode()


def test_round_trip():
    sealed = seal("11010519491231002X", recipient_public_key=TAX_PUBLIC, context=CONTEXT)
    assert sealed.alg == ALGORITHM
    assert unseal(sealed, private_key=TAX_PRIVATE, context=CONTEXT) == "11010519491231002X"


def test_round_trip_through_json_and_non_ascii():
    sealed = seal("欧阳·娜娜", recipient_public_key=TAX_PUBLIC, context="tax.quarterly_report.v1:legal_name")
    wire = json.loads(json.dumps(sealed.model_dump()))
    assert set(wire) == {"alg", "epk", "nonce", "ciphertext"}
    assert unseal(wire, private_key=TAX_PRIVATE, context="tax.quarterly_report.v1:legal_name") == "欧阳·娜娜"


def test_the_plaintext_does_not_appear_and_each_sealing_differs():
    first = seal("11010519491231002X", recipient_public_key=TAX_PUBLIC, context=CONTEXT)
    second = seal("11010519491231002X", recipient_public_key=TAX_PUBLIC, context=CONTEXT)
    assert "11010519491231002X" not in json.dumps(first.model_dump())
    assert first.epk != second.epk
    assert first.ciphertext != second.ciphertext


def test_another_departments_key_cannot_open_it():
    other_private, _other_public = department_keypair_generate()
    sealed = seal("11010519491231002X", recipient_public_key=TAX_PUBLIC, context=CONTEXT)
    with pytest.raises(UnsealError) as caught:
        unseal(sealed, private_key=other_private, context=CONTEXT)
    assert caught.value.code == "exchange.bad_seal"
    assert caught.value.field == "ciphertext"


@pytest.mark.parametrize("part", ["ciphertext", "nonce", "epk"])
def test_tampering_with_any_part_fails(part):
    sealed = seal("11010519491231002X", recipient_public_key=TAX_PUBLIC, context=CONTEXT)
    tampered = sealed.model_copy(update={part: _flip(getattr(sealed, part), position=3)})
    with pytest.raises(UnsealError):
        unseal(tampered, private_key=TAX_PRIVATE, context=CONTEXT)


def test_truncated_ciphertext_fails():
    sealed = seal("11010519491231002X", recipient_public_key=TAX_PUBLIC, context=CONTEXT)
    raw = base64.urlsafe_b64decode(sealed.ciphertext)[:-1]
    tampered = sealed.model_copy(update={"ciphertext": base64.urlsafe_b64encode(raw).decode()})
    with pytest.raises(UnsealError):
        unseal(tampered, private_key=TAX_PRIVATE, context=CONTEXT)


def test_context_binds_the_field_to_its_place():
    name = seal("张三", recipient_public_key=TAX_PUBLIC, context="tax.quarterly_report.v1:legal_name")
    with pytest.raises(UnsealError):
        unseal(name, private_key=TAX_PRIVATE, context="tax.quarterly_report.v1:id_number")
    with pytest.raises(UnsealError):
        unseal(name, private_key=TAX_PRIVATE, context="worker.income.v1:legal_name")


def test_keys_as_text_or_bytes():
    private_text = base64.urlsafe_b64encode(TAX_PRIVATE).decode()
    assert department_public_key(private_text) == department_public_key(TAX_PRIVATE) == TAX_PUBLIC
    sealed = seal("x", recipient_public_key=base64.urlsafe_b64decode(TAX_PUBLIC), context=CONTEXT)
    assert unseal(sealed, private_key=private_text, context=CONTEXT) == "x"


def test_key_id_is_a_short_stable_fingerprint():
    assert key_id(TAX_PUBLIC) == key_id(TAX_PUBLIC)
    assert len(key_id(TAX_PUBLIC)) == 16
    assert key_id(TAX_PUBLIC) != key_id(department_keypair_generate()[1])


@pytest.mark.parametrize("public_key", ["c2hvcnQ=", base64.urlsafe_b64encode(bytes(32)).decode()])
def test_unusable_recipient_keys_are_refused(public_key):
    with pytest.raises(InvalidInput) as caught:
        seal("x", recipient_public_key=public_key, context=CONTEXT)
    assert caught.value.field == "recipient_public_key"


def test_the_encrypted_field_schema_refuses_strangers():
    sealed = seal("x", recipient_public_key=TAX_PUBLIC, context=CONTEXT).model_dump()
    with pytest.raises(ValueError):
        EncryptedField.model_validate({**sealed, "alg": "RSA-OAEP"})
    with pytest.raises(ValueError):
        EncryptedField.model_validate({**sealed, "kid": "extra"})
    with pytest.raises(ValueError):
        EncryptedField.model_validate({**sealed, "nonce": "not base64 ✗"})
