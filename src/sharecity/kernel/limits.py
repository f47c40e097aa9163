"""Limits every part of ShareCity keeps to alike (no Django here: the exchange client imports it)."""

from __future__ import annotations

from typing import Final

# The largest payload a fact may carry, as compact UTF-8 JSON. An envelope travels whole: with its
# other fields and the batch around it, this still fits NATS's 1 MiB message limit, which a larger
# one would exceed on every try, holding up the platform's later messages for ever. A report
# larger than this goes in parts (the tax report's ``part``/``parts``).
OUTBOX_PAYLOAD_MAX_BYTES: Final = 900_000
