"""Party keys: the same person gets the same key on every platform; the key says nothing of who."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

import pytest

from sharecity.exchange.pseudonyms import (
    ACCOUNT_PREFIX,
    IDENTITY_PREFIX,
    city_pseudonym_key,
    identity_normalise,
    party_key_for_account,
    party_key_for_identity,
)
from sharecity.exchange.schemas import PartyKey
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.ids import resident_id_with_check_digit

CITY_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()
PERSON = resident_id_with_check_digit("35020319900307123")
BUSINESS = "91350200MA2YEXAMP7"


@pytest.fixture
def city_key(settings):
    settings.SHARECITY_PSEUDONYM_KEY = CITY_KEY
    return CITY_KEY


def test_two_platforms_compute_the_same_key_for_one_person(city_key):
    # Platform A had the number typed with spaces and a lower-case x; platform B compact.
    platform_a = party_key_for_identity("110105 19491231 002x")
    platform_b = party_key_for_identity("11010519491231002X")
    assert platform_a == platform_b
    assert platform_a.startswith(IDENTITY_PREFIX)


def test_two_deployments_with_the_same_city_key_agree(settings, city_key):
    first = party_key_for_identity(PERSON)
    settings.SHARECITY_DATA_KEY = bytes(reversed(range(32)))  # another deployment: another data key
    assert party_key_for_identity(PERSON) == first


def test_businesses_are_keyed_by_credit_code(city_key):
    assert party_key_for_identity(BUSINESS) == party_key_for_identity(BUSINESS.lower())
    assert party_key_for_identity(BUSINESS) != party_key_for_identity(PERSON)


def test_different_people_get_different_keys(city_key):
    other = resident_id_with_check_digit("35020319900307124")
    assert party_key_for_identity(PERSON) != party_key_for_identity(other)


def test_the_key_reveals_nothing_of_the_number(city_key):
    key = party_key_for_identity(PERSON)
    body = key.removeprefix(IDENTITY_PREFIX)
    for fragment in (PERSON, PERSON[:6], PERSON[6:14], PERSON[-4:]):
        assert fragment not in key
    # Not an unkeyed hash of the number either: without the city key, nobody can recompute it.
    for unkeyed in (hashlib.sha256(PERSON.encode()).digest(), hashlib.blake2b(PERSON.encode()).digest()):
        assert base64.b32encode(unkeyed[:20]).decode().lower() != body


def test_the_key_depends_on_the_city_key(settings, city_key):
    first = party_key_for_identity(PERSON)
    settings.SHARECITY_PSEUDONYM_KEY = base64.urlsafe_b64encode(bytes(range(1, 33))).decode()
    assert party_key_for_identity(PERSON) != first


def test_the_construction_is_the_documented_hmac(city_key):
    digest = hmac.new(base64.urlsafe_b64decode(CITY_KEY), b"sharecity.party.v1\x00identity\x00" + PERSON.encode(),
                      hashlib.sha256).digest()
    assert party_key_for_identity(PERSON) == "id-" + base64.b32encode(digest[:20]).decode().lower()


def test_development_falls_back_to_a_key_derived_from_the_data_key(settings):
    settings.SHARECITY_PSEUDONYM_KEY = None
    settings.SHARECITY_DATA_KEY = bytes(range(32))
    derived = city_pseudonym_key()
    assert len(derived) == 32 and derived != bytes(range(32))
    key = party_key_for_identity(PERSON)
    settings.SHARECITY_DATA_KEY = bytes(range(1, 33))
    assert party_key_for_identity(PERSON) != key


def test_raw_bytes_are_accepted_as_the_key(settings):
    settings.SHARECITY_PSEUDONYM_KEY = bytes(range(32))
    as_bytes = party_key_for_identity(PERSON)
    settings.SHARECITY_PSEUDONYM_KEY = CITY_KEY
    assert party_key_for_identity(PERSON) == as_bytes


@pytest.mark.parametrize("bad", ["c2hvcnQ=", "not base64!!"])
def test_a_malformed_city_key_is_a_configuration_error(settings, bad):
    settings.SHARECITY_PSEUDONYM_KEY = bad
    with pytest.raises(ValueError, match="SHARECITY_PSEUDONYM_KEY"):
        party_key_for_identity(PERSON)


@pytest.mark.parametrize("number", ["", "12345", "350203199003071230", "ABCDEFGHIJKLMNOPQR"])
def test_invalid_numbers_are_refused_not_keyed(city_key, number):
    with pytest.raises(InvalidInput) as caught:
        party_key_for_identity(number)
    assert (caught.value.code, caught.value.field) == ("identity.invalid", "id_number")
    assert "GB 11643" in caught.value.message and "GB 32100" in caught.value.message


def test_normalise_is_compact_and_upper_case():
    assert identity_normalise(" 110105-19491231-002x ") == "11010519491231002X"


def test_account_keys_are_stable_distinct_and_not_the_id(city_key):
    account = uuid.uuid4()
    key = party_key_for_account(account)
    assert key == party_key_for_account(str(account).upper())
    assert key.startswith(ACCOUNT_PREFIX)
    assert str(account) not in key and str(account).replace("-", "") not in key
    assert key != party_key_for_account(uuid.uuid4())


def test_account_keys_belong_to_the_deployment(settings, city_key):
    account = uuid.uuid4()
    key = party_key_for_account(account)
    settings.SHARECITY_DATA_KEY = bytes(reversed(range(32)))
    assert party_key_for_account(account) != key


def test_account_keys_never_collide_with_identity_keys(city_key):
    # The same text fed to both kinds gives two different keys, told apart by their prefix.
    assert party_key_for_account(PERSON).removeprefix(ACCOUNT_PREFIX) != party_key_for_identity(
        PERSON
    ).removeprefix(IDENTITY_PREFIX)


def test_party_keys_fit_the_party_key_schema(city_key):
    from pydantic import TypeAdapter

    adapter = TypeAdapter(PartyKey)
    adapter.validate_python(party_key_for_identity(PERSON))
    adapter.validate_python(party_key_for_account(uuid.uuid4()))


def test_an_empty_account_id_is_refused():
    with pytest.raises(InvalidInput):
        party_key_for_account("  ")
