"""Party keys: how people and businesses appear to the hub.

The hub links one person's records across platforms without learning who the person is.
Every platform computes the same keyed pseudonym from the same identity number:

    party_key = "id-" + base32(HMAC-SHA256(K, "sharecity.party.v1" 0x00 "identity" 0x00 NUMBER)[:20]).lower()

``K`` is the city's pseudonymisation key (``SHARECITY_PSEUDONYM_KEY``, 32 bytes, urlsafe
base64), issued by the city to every connected platform and *not* held by the hub's
supervision database, so the hub cannot recompute keys from guessed numbers. ``NUMBER`` is
the validated, compact, upper-cased resident ID (GB 11643) or unified social credit code
(GB 32100), so ``"350203 19900307 123x"`` and ``"35020319900307123X"`` give one key.

Someone who has not verified an identity gets an account pseudonym (``ac-...``) under a
key of this deployment alone: stable for the account, linkable only within it. The
prefix tells the hub which kind of key it holds.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

from django.conf import settings

from sharecity.kernel.crypto import subkey
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.ids import validate_credit_code, validate_resident_id

IDENTITY_PREFIX = "id-"
ACCOUNT_PREFIX = "ac-"
_DOMAIN = b"sharecity.party.v1\x00"
_DIGEST_BYTES = 20  # 160 bits: 32 base32 characters
_SEPARATORS = re.compile(r"[\s\-]+")


def _decode_key(value: str | bytes) -> bytes:
    if isinstance(value, bytes) and len(value) == 32:
        return value
    try:
        raw = base64.urlsafe_b64decode(value if isinstance(value, bytes) else value.encode())
    except (binascii.Error, ValueError) as error:
        raise ValueError("SHARECITY_PSEUDONYM_KEY must be 32 bytes, urlsafe-base64 encoded") from error
    if len(raw) != 32:
        raise ValueError("SHARECITY_PSEUDONYM_KEY must be 32 bytes, urlsafe-base64 encoded")
    return raw


def city_pseudonym_key() -> bytes:
    """The city-issued key (``SHARECITY_PSEUDONYM_KEY``); in development, one derived from the
    data key, which links records only within this deployment."""
    configured = getattr(settings, "SHARECITY_PSEUDONYM_KEY", None)
    if configured:
        return _decode_key(configured)
    return subkey("city-pseudonym")


def identity_normalise(number: str) -> str:
    """The compact, upper-cased, validated form of a resident ID or a unified social credit code.

    Raises ``InvalidInput`` (field ``id_number``) when it is neither."""
    compact = _SEPARATORS.sub("", number or "").upper()
    try:
        return validate_resident_id(compact)
    except InvalidInput:
        pass
    try:
        return validate_credit_code(compact, field="id_number")
    except InvalidInput as error:
        raise InvalidInput(
            "Not a valid resident ID number (GB 11643) or unified social credit code (GB 32100).",
            field="id_number",
            code="identity.invalid",
        ) from error


def _pseudonym(key: bytes, kind: bytes, value: str) -> str:
    digest = hmac.new(key, _DOMAIN + kind + b"\x00" + value.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:_DIGEST_BYTES]).decode().lower()


def pseudonym_with_key(key: bytes, number: str) -> str:
    """The identity party key of ``number`` under a given pseudonymisation key."""
    return IDENTITY_PREFIX + _pseudonym(key, b"identity", identity_normalise(number))


def party_key_for_identity(number: str) -> str:
    """The party key of a verified person or business: the same on every platform of the city."""
    return pseudonym_with_key(city_pseudonym_key(), number)


def party_key_for_account(public_id: object) -> str:
    """The party key of an account without a verified identity: stable, local to this deployment."""
    text = str(public_id).strip().lower()
    if not text:
        raise InvalidInput("an account id is required", field="public_id", code="exchange.missing_field")
    return ACCOUNT_PREFIX + _pseudonym(subkey("account-pseudonym"), b"account", text)
