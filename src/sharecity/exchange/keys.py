"""Producer signing keys, kept by the exchange on the producing side."""

from __future__ import annotations

import base64

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
    return base64.b64decode(decrypt_text(key.private_key_encrypted, context=_CONTEXT))
