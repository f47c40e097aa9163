"""The simulator's seams: a simulated clock and deterministic identifiers.

Inside ``simulation(seed=...)``:

- ``django.utils.timezone.now`` returns the simulated moment (``SimClock.now``), so every fact,
  audit entry, order event and timer carries simulated time; the simulation moves the clock forward.
- ``uuid.uuid4`` (and every model field whose default is ``uuid.uuid4``) draws from a
  ``random.Random`` seeded from the run's seed, so public ids and exchange message ids repeat
  from one run to the next.
- Model fields whose default is ``timezone.now`` (``date_joined``...) take the simulated moment.
- The exchange keys of the platforms the simulator creates derive from the seed
  (``sharecity.exchange.keys.keypair_generate``), so their envelopes, signatures and the hub's
  Merkle frontiers repeat too. The simulator's platforms are synthetic: never let a real platform
  be created inside a simulation. The hub's own key is not touched (generated at random as ever).
- Background tasks are not enqueued (``django_tasks.base.Task.enqueue`` does nothing): the
  simulator runs the market's timers and sweeps itself at the simulated moment, in process.

What stays random (and is left out of the determinism check, ``sim.digest``): password hashes and
unusable-password markers (salts from ``secrets``), values encrypted at rest (random nonces: identity
numbers, private keys), the hub's signing key and so its signatures (receipts, directives). Party
keys and blind indexes are keyed by the deployment's secrets: the same seed gives the same database
on a deployment with the same keys.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.utils import timezone


@dataclass
class SimClock:
    now: dt.datetime

    def set(self, moment: dt.datetime) -> dt.datetime:
        # Time never runs backwards inside a run: an action due earlier than the clock happens now.
        if moment > self.now:
            self.now = moment
        return self.now


def _uuid_fields(original) -> list:
    return [field for model in apps.get_models() for field in model._meta.concrete_fields
            if field.default is original]


def _default_set(field, value) -> None:
    field.default = value
    field.__dict__.pop("_get_default", None)  # Django caches the default's callable


@contextlib.contextmanager
def simulation(*, seed: int, start: dt.datetime) -> Iterator[SimClock]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from django_tasks.base import Task

    from sharecity.exchange import keys as exchange_keys
    from sharecity.exchange.envelope import _b64

    clock = SimClock(now=start)
    ids = random.Random(f"sharecity-sim-ids-{seed}")

    def now() -> dt.datetime:
        return clock.now

    def uuid4() -> uuid.UUID:
        return uuid.UUID(int=ids.getrandbits(128), version=4)

    def keypair_generate() -> tuple[bytes, str]:
        private = Ed25519PrivateKey.from_private_bytes(keys.randbytes(32))
        return private.private_bytes_raw(), _b64(private.public_key().public_bytes_raw())

    keys = random.Random(f"sharecity-sim-keys-{seed}")
    original_now, original_uuid4, original_enqueue = timezone.now, uuid.uuid4, Task.enqueue
    original_keypair = exchange_keys.keypair_generate
    uuid_fields, now_fields = _uuid_fields(original_uuid4), _uuid_fields(original_now)
    timezone.now = now
    uuid.uuid4 = uuid4
    Task.enqueue = lambda self, *args, **kwargs: None
    exchange_keys.keypair_generate = keypair_generate
    for field in uuid_fields:
        _default_set(field, uuid4)
    for field in now_fields:
        _default_set(field, now)
    try:
        yield clock
    finally:
        timezone.now, uuid.uuid4, Task.enqueue = original_now, original_uuid4, original_enqueue
        exchange_keys.keypair_generate = original_keypair
        for field in uuid_fields:
            _default_set(field, original_uuid4)
        for field in now_fields:
            _default_set(field, original_now)
