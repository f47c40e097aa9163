"""Sealed fields: identity data that a law requires, encrypted to one department's key.

Most of what a platform reports names people only by pseudonym (``pseudonyms.py``). Where
a law requires the identity itself (the quarterly tax report names each provider), the
field is sealed to the receiving department's X25519 public key, so the hub that carries
and stores the message cannot read it; only the department holding the private key can.

The construction is ECIES with standard parts (``docs/exchange/README.md`` gives it byte by
byte so that another language can produce the same fields):

1. a fresh ephemeral X25519 key pair per field; ``shared = X25519(ephemeral, recipient)``;
2. ``key = HKDF-SHA256(ikm=shared, salt=epk || recipient_public_key,
   info="sharecity.seal.v1:" + context, length=32)``;
3. ``ciphertext = AES-256-GCM(key, nonce, plaintext UTF-8, aad=context UTF-8)``, a random
   12-byte nonce, the 16-byte tag appended to the ciphertext.

``context`` names where the field belongs (``tax.quarterly_report.v1:id_number``); it is
bound into both the key and the associated data, so a sealed legal name cannot be moved
into the identity-number field, or into another message type, and still open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from typing import Annotated, Final, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import BaseModel, ConfigDict, Field

from sharecity.kernel.errors import InvalidInput

ALGORITHM: Final = "X25519-HKDF-SHA256-A256GCM"
_INFO_PREFIX = b"sharecity.seal.v1:"
_NONCE_BYTES = 12
_KEY_BYTES = 32

Base64Url = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]*={0,2}$")]


class EncryptedField(BaseModel):
    """A value sealed to one department's X25519 public key (ECIES: ephemeral X25519, HKDF-SHA256,
    AES-256-GCM). Only the holder of the department's private key can open it; the hub stores it
    unread. All binary parts are urlsafe base64 with padding."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    alg: Literal["X25519-HKDF-SHA256-A256GCM"] = Field(description="the sealing construction and its version")
    epk: Base64Url = Field(min_length=44, max_length=44, description="ephemeral X25519 public key, 32 bytes")
    nonce: Base64Url = Field(min_length=16, max_length=16, description="AES-GCM nonce, 12 bytes")
    ciphertext: Base64Url = Field(
        min_length=24, max_length=8192, description="AES-256-GCM ciphertext of the UTF-8 value, 16-byte tag appended"
    )


class UnsealError(InvalidInput):
    """A sealed field that does not open: wrong key, wrong context, or tampered with."""

    code = "exchange.bad_seal"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def _unb64(text: str, *, field: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text.encode())
    except (binascii.Error, ValueError) as error:
        raise UnsealError(f"{field} is not urlsafe base64", field=field) from error


def _public_raw(public_key: str | bytes) -> bytes:
    raw = public_key if isinstance(public_key, bytes) else _unb64(public_key, field="recipient_public_key")
    if len(raw) != _KEY_BYTES:
        raise InvalidInput("an X25519 public key is 32 bytes", field="recipient_public_key",
                           code="exchange.bad_key")
    return raw


def _private_raw(private_key: str | bytes) -> bytes:
    raw = private_key if isinstance(private_key, bytes) else _unb64(private_key, field="private_key")
    if len(raw) != _KEY_BYTES:
        raise InvalidInput("an X25519 private key is 32 bytes", field="private_key", code="exchange.bad_key")
    return raw


def _derive(shared: bytes, *, epk: bytes, recipient: bytes, context: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=epk + recipient, info=_INFO_PREFIX + context.encode()
    ).derive(shared)


def department_keypair_generate() -> tuple[bytes, str]:
    """A department's key pair: (raw 32-byte X25519 private key, urlsafe-base64 public key).

    The department keeps the private half; the public half is published to platforms (for
    the tax office, in the hub's directory of departments)."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), _b64(private.public_key().public_bytes_raw())


def department_public_key(private_key: bytes | str) -> str:
    """The urlsafe-base64 public key that belongs to a private key."""
    return _b64(X25519PrivateKey.from_private_bytes(_private_raw(private_key)).public_key().public_bytes_raw())


def key_id(public_key: str) -> str:
    """Short fingerprint of a public key as it is written (urlsafe base64): 16 hex digits of its
    SHA-256, as the hub names its own signing keys. Reports say which department key sealed them."""
    return hashlib.sha256(public_key.encode()).hexdigest()[:16]


def seal(plaintext: str, *, recipient_public_key: str | bytes, context: str) -> EncryptedField:
    """Encrypt ``plaintext`` so that only the holder of the matching private key opens it, and only
    under the same ``context``."""
    return seal_with_ephemeral(plaintext, recipient_public_key=recipient_public_key, context=context,
                               ephemeral_private=X25519PrivateKey.generate().private_bytes_raw(),
                               nonce=os.urandom(_NONCE_BYTES))


def seal_with_ephemeral(plaintext: str, *, recipient_public_key: str | bytes, context: str,
                        ephemeral_private: bytes, nonce: bytes) -> EncryptedField:
    """``seal`` with a given ephemeral key and nonce: for published test vectors only. Reusing an
    ephemeral key or nonce for two values breaks the encryption; ``seal`` makes fresh ones."""
    recipient = _public_raw(recipient_public_key)
    if len(nonce) != _NONCE_BYTES:
        raise ValueError("the nonce is 12 bytes")
    ephemeral = X25519PrivateKey.from_private_bytes(ephemeral_private)
    epk = ephemeral.public_key().public_bytes_raw()
    try:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    except ValueError as error:  # a low-order point gives the all-zero secret
        raise InvalidInput("not a usable X25519 public key", field="recipient_public_key",
                           code="exchange.bad_key") from error
    key = _derive(shared, epk=epk, recipient=recipient, context=context)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext.encode(), context.encode())
    return EncryptedField(alg=ALGORITHM, epk=_b64(epk), nonce=_b64(nonce), ciphertext=_b64(ciphertext))


def unseal(field: EncryptedField | dict, *, private_key: bytes | str, context: str) -> str:
    """Open a sealed field; raise ``UnsealError`` if the key or context is not the one it was sealed
    for, or if any byte of it was changed."""
    sealed = field if isinstance(field, EncryptedField) else EncryptedField.model_validate(field)
    private = X25519PrivateKey.from_private_bytes(_private_raw(private_key))
    recipient = private.public_key().public_bytes_raw()
    epk = _unb64(sealed.epk, field="epk")
    nonce = _unb64(sealed.nonce, field="nonce")
    if len(epk) != _KEY_BYTES or len(nonce) != _NONCE_BYTES:
        raise UnsealError("epk is 32 bytes and nonce 12 bytes", field="epk" if len(epk) != _KEY_BYTES else "nonce")
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(epk))
    except ValueError as error:
        raise UnsealError("epk is not a usable X25519 public key", field="epk") from error
    key = _derive(shared, epk=epk, recipient=recipient, context=context)
    try:
        plaintext = AESGCM(key).decrypt(nonce, _unb64(sealed.ciphertext, field="ciphertext"), context.encode())
    except InvalidTag as error:
        raise UnsealError(
            "the sealed field does not open with this key and context (another recipient, another field, or altered)",
            field="ciphertext",
        ) from error
    return plaintext.decode()


def seal_context(message_type: str, schema_version: int, field: str) -> str:
    """The context a sealed field of a message type is bound to: ``tax.quarterly_report.v1:id_number``."""
    return f"{message_type}.v{schema_version}:{field}"
