"""The error bodies every API operation documents, one shape for all: ``{code, message, field}``.

Shared by the market's and the hub's routers, which may not import each other.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None


class ValidationErrorOut(ErrorOut):
    """422: the request did not match the operation's schema. ``field`` names the first field at
    fault; ``errors`` lists every one as pydantic reports it."""

    errors: list[dict[str, Any]] = Field(default_factory=list)


# 400 also covers control characters in any text (``sharecity.apiinput``), on every operation.
VALIDATION = {400: ErrorOut, 422: ValidationErrorOut}
