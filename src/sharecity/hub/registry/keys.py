"""The hub's signing key, for receipts and directives."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import IntegrityError, transaction

from sharecity.exchange.envelope import keypair_generate
from sharecity.hub.registry.models import HubSigningKey
from sharecity.kernel.crypto import decrypt_text, encrypt_text

_CONTEXT = "hub.signing_key"


def hub_key_current() -> HubSigningKey:
    key = HubSigningKey.objects.order_by("-created_at", "-id").first()
    if key is not None:
        return key
    private, public = keypair_generate()
    key_id = hashlib.sha256(public.encode()).hexdigest()[:16]
    try:
        with transaction.atomic():
            return HubSigningKey.objects.create(
                key_id=key_id, public_key=public,
                private_key_encrypted=encrypt_text(base64.b64encode(private).decode(), context=_CONTEXT),
            )
    except IntegrityError:
        return HubSigningKey.objects.get(key_id=key_id)


def hub_sign(data: bytes) -> tuple[str, str]:
    """Sign with the current hub key; returns (key id, urlsafe-base64 signature)."""
    return hub_signer()(data)


def hub_signer() -> Callable[[bytes], tuple[str, str]]:
    """``hub_sign`` for many signatures in a row (a pass of intake's receipts): the current key
    looked up and opened once."""
    key = hub_key_current()
    private = Ed25519PrivateKey.from_private_bytes(
        base64.b64decode(decrypt_text(key.private_key_encrypted, context=_CONTEXT)))

    def sign(data: bytes) -> tuple[str, str]:
        return key.key_id, base64.urlsafe_b64encode(private.sign(data)).decode()

    return sign


def hub_public_keys() -> dict[str, str]:
    return dict(HubSigningKey.objects.values_list("key_id", "public_key"))
