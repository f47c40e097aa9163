"""Encryption at rest and keyed blind indexes for personal data.

Sub-keys are derived from the one data key with HKDF so that the encryption key, the
blind-index key and the pseudonym key are independent: leaking a blind index says
nothing about the ciphertext key, and vice versa.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = b"v1"


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sharecity:" + purpose).derive(
        settings.SHARECITY_DATA_KEY
    )


@lru_cache(maxsize=8)
def _subkey(purpose: bytes, data_key: bytes) -> bytes:
    return _derive(purpose)


def _key(purpose: bytes) -> bytes:
    return _subkey(purpose, settings.SHARECITY_DATA_KEY)


def encrypt_text(plaintext: str, *, context: str) -> str:
    """AES-256-GCM; ``context`` is bound as associated data so a ciphertext cannot be moved
    to another column or row kind and still decrypt."""
    nonce = os.urandom(12)
    sealed = AESGCM(_key(b"encrypt")).encrypt(nonce, plaintext.encode(), context.encode())
    return (_VERSION + b":" + base64.urlsafe_b64encode(nonce + sealed)).decode()


def decrypt_text(token: str, *, context: str) -> str:
    version, _, body = token.encode().partition(b":")
    if version != _VERSION:
        raise ValueError(f"unknown ciphertext version {version!r}")
    raw = base64.urlsafe_b64decode(body)
    return AESGCM(_key(b"encrypt")).decrypt(raw[:12], raw[12:], context.encode()).decode()


def blind_index(value: str, *, context: str) -> str:
    """Deterministic keyed hash for equality look-ups on encrypted values."""
    return hmac.new(_key(b"blind-index"), f"{context}\x00{value}".encode(), hashlib.sha256).hexdigest()


def subkey(purpose: str) -> bytes:
    """A 32-byte key for one named purpose, derived from the data key like the keys above
    (HKDF-SHA256, info ``sharecity:<purpose>``), for modules that key their own HMACs."""
    return _key(purpose.encode())
