"""The relay signs with libsodium (PyNaCl); every verifier, ours included, uses other code.

Ed25519 is deterministic (RFC 8032), so the signature of a key and a message has exactly one
right value: the one OpenSSL (``cryptography``) gives, which is what intake and
``sharecity exchange verify`` check against.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecity.exchange.batches import batch_seal, batch_verify
from sharecity.exchange.envelope import (
    GENESIS_HASH,
    ed25519_sign,
    envelope_seal,
    envelope_verify,
    keypair_generate,
)


@settings(max_examples=300, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), message=st.binary(max_size=200))
def test_libsodium_signature_is_the_one_openssl_makes(seed, message):
    expected = Ed25519PrivateKey.from_private_bytes(seed).sign(message)
    assert ed25519_sign(seed, message) == expected
    Ed25519PrivateKey.from_private_bytes(seed).public_key().verify(ed25519_sign(seed, message), message)


def test_rfc8032_test_vector_1():
    # RFC 8032 section 7.1, TEST 1 (the empty message).
    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    signature = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
        "d25bf5f0595bbe24655141438e7a100b"
    )
    assert ed25519_sign(seed, b"") == signature


def test_sealed_envelopes_and_batches_verify_with_the_registered_key():
    private, public = keypair_generate()
    envelopes = []
    prev_hash = GENESIS_HASH
    for sequence in (1, 2, 3):
        envelope = envelope_seal(
            private_key=private, message_id=f"00000000-0000-4000-8000-00000000000{sequence}", platform_id="p-sign",
            type="review.published", schema_version=1, sequence=sequence, sent_at="2026-11-23T08:00:00+00:00",
            payload={"review_id": f"r-{sequence}", "rating": 5}, prev_hash=prev_hash,
        )
        envelope_verify(envelope, public_key=public)
        prev_hash = envelope.hash
        envelopes.append(envelope)
    batch = batch_seal(platform_id="p-sign", envelopes=envelopes, private_key=private)
    assert len(batch_verify(batch, public_key=public)) == 3
