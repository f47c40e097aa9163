"""Real-name verification behind an interface.

No national identity authority is reachable from here, so the deployment ships an
offline verifier that checks what can be checked locally (the GB 11643 / GB 32100
check digits, done before this is called, and a refusal list). A real adapter for the
authority implements the same ``verify`` and is named in ``SHARECITY_IDENTITY_VERIFIER``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class VerificationResult:
    accepted: bool
    reference: str
    reason: str = ""


class IdentityVerifier(Protocol):
    name: str

    def verify(self, *, kind: str, number: str, legal_name: str) -> VerificationResult: ...


class OfflineVerifier:
    """Accepts a well-formed number with a name; refuses numbers on its refusal list."""

    name = "offline"

    def __init__(self, refused_numbers: frozenset[str] = frozenset()) -> None:
        self.refused_numbers = refused_numbers

    def verify(self, *, kind: str, number: str, legal_name: str) -> VerificationResult:
        if number in self.refused_numbers:
            return VerificationResult(False, "", "the authority does not confirm this number and name")
        if not legal_name.strip():
            return VerificationResult(False, "", "a legal name is required")
        reference = "offline-" + hashlib.sha256(f"{kind}:{number}:{legal_name}".encode()).hexdigest()[:16]
        return VerificationResult(True, reference)


def identity_verifier() -> IdentityVerifier:
    path = getattr(settings, "SHARECITY_IDENTITY_VERIFIER", "")
    return import_string(path)() if path else OfflineVerifier()
