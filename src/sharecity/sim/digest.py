"""A digest of what a simulation put in the database, to check that a seed reproduces it.

Covers the market's tables, the exchange's outbox and the hub's facts and statistics, and the
simulator's labels: every column but integer keys (their values depend on what the database held
before) and the columns that are random by design (``sim.clock`` lists them): password hashes,
identities encrypted at rest, keys, signatures, seals and hashes of envelopes, and the wall-clock
times and speed of the run.
"""

from __future__ import annotations

import hashlib
import json

from django.apps import apps
from django.db import models

APP_PREFIXES = ("sharecity.market.", "sharecity.hub.", "sharecity.sim", "sharecity.kernel", "sharecity.exchange")
RANDOM_NAMES = ("password", "encrypted", "key", "signature", "seal", "hash", "raw", "envelope", "nonce", "token",
                "secret", "ciphertext", "proof", "root", "receipt", "sent_at", "wall", "started_at", "finished_at",
                "events_per_second", "last_login", "body", "payload_bytes", "attempt", "blob", "data_enc")
SKIP_MODELS = {"sim.simrun"}


def _columns(model) -> list[str]:
    names = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.AutoField | models.BigAutoField | models.ForeignKey | models.BinaryField):
            continue
        if any(part in field.name.lower() for part in RANDOM_NAMES):
            continue
        names.append(field.attname)
    return names


def content_digest() -> str:
    """SHA-256 over the rows of every covered table, in a canonical order."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        if not model.__module__.startswith(APP_PREFIXES) or model._meta.label_lower in SKIP_MODELS:
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = _columns(model)
        if not columns:
            continue
        rows = sorted(json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
                      for row in model.objects.values_list(*columns))
        digest.update(model._meta.label_lower.encode())
        for row in rows:
            digest.update(row.encode())
    return digest.hexdigest()
