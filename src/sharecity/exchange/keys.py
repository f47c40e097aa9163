"""Producer signing keys, kept by the exchange on the producing side."""

from __future__ import annotations

import base64
import functools

from sharecity.exchange.envelope import keypair_generate
from sharecity.exchange.models import ProducerKey
from sharecity.kernel.crypto import decrypt_text, encrypt_text

_CONTEXT = "exchange.producer_key"


def producer_key_ensure(*, platform_id: str) -> str:
    """Create the platform's signing key if it has none; return its public key."""
    existing = ProducerKey.objects.filter(platform_id=platform_id).first()
    if existing:
        return existing.public_key
    private, public = keypair_generate()
    ProducerKey.objects.create(
        platform_id=platform_id,
        public_key=public,
        private_key_encrypted=encrypt_text(base64.b64encode(private).decode(), context=_CONTEXT),
    )
    return public


def producer_private_key(*, platform_id: str) -> bytes:
    key = ProducerKey.objects.get(platform_id=platform_id)
    return _private_key_open(key.private_key_encrypted)


def producer_signing_key(*, platform_id: str) -> bytes:
    """The platform's private key, its key pair made first if it has none: what the relay signs
    with, for every batch, so in one query, the decryption remembered."""
    encrypted = ProducerKey.objects.filter(platform_id=platform_id).values_list(
        "private_key_encrypted", flat=True).first()
    if encrypted is None:
        producer_key_ensure(platform_id=platform_id)
        return producer_private_key(platform_id=platform_id)
    return _private_key_open(encrypted)


def producer_signing_keys(*, platform_ids: set[str]) -> dict[str, bytes]:
    """``producer_signing_key`` of several producers (a relay pass): one query for all of them."""
    stored = dict(ProducerKey.objects.filter(platform_id__in=platform_ids).values_list(
        "platform_id", "private_key_encrypted"))
    keys = {platform_id: _private_key_open(encrypted) for platform_id, encrypted in stored.items()}
    for platform_id in platform_ids - keys.keys():
        keys[platform_id] = producer_signing_key(platform_id=platform_id)
    return keys


@functools.lru_cache(maxsize=1024)
def _private_key_open(encrypted: str) -> bytes:
    # Keyed by the stored ciphertext: a key made anew (another ciphertext) is never served stale.
    return base64.b64decode(decrypt_text(encrypted, context=_CONTEXT))
