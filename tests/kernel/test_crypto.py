"""Encryption at rest, blind indexes and pseudonyms for personal data."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from sharecity.kernel.crypto import blind_index, decrypt_text, encrypt_text

NUMBER = "35020019800101009X"


def test_encrypt_decrypt_round_trip():
    token = encrypt_text(NUMBER, context="provider.id_number")
    assert decrypt_text(token, context="provider.id_number") == NUMBER
    assert decrypt_text(encrypt_text("王小明", context="c"), context="c") == "王小明"


def test_ciphertext_differs_each_time_and_hides_the_number():
    first = encrypt_text(NUMBER, context="provider.id_number")
    second = encrypt_text(NUMBER, context="provider.id_number")
    assert first != second
    assert NUMBER not in first and NUMBER[:6] not in first


def test_ciphertext_moved_to_another_context_does_not_decrypt():
    token = encrypt_text(NUMBER, context="provider.id_number")
    with pytest.raises(InvalidTag):
        decrypt_text(token, context="platform.credit_code")


def test_tampered_ciphertext_does_not_decrypt():
    token = encrypt_text(NUMBER, context="c")
    tampered = token[:-6] + ("AAAA" if token[-6:-2] != "AAAA" else "BBBB") + token[-2:]
    with pytest.raises((InvalidTag, ValueError)):
        decrypt_text(tampered, context="c")


def test_unknown_ciphertext_version_is_refused():
    token = encrypt_text(NUMBER, context="c")
    with pytest.raises(ValueError, match="version"):
        decrypt_text("v0" + token[2:], context="c")


def test_blind_index_is_deterministic_keyed_and_separated_by_context():
    index = blind_index(NUMBER, context="resident_id")
    assert index == blind_index(NUMBER, context="resident_id")
    assert index != blind_index(NUMBER, context="credit_code")
    assert index != blind_index(NUMBER[:-1] + "1", context="resident_id")
    assert NUMBER not in index and NUMBER.lower() not in index
    assert len(index) == 64


def test_blind_index_depends_on_the_data_key(settings):
    before = blind_index(NUMBER, context="resident_id")
    settings.SHARECITY_DATA_KEY = bytes(range(32))
    assert blind_index(NUMBER, context="resident_id") != before


